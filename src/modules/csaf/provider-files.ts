import { createHash, randomBytes } from 'node:crypto';
import { promises as fs } from 'node:fs';
import path from 'node:path';
import type { Config } from '#src/config/config';
import type { Db, DbOrTx } from '#src/db/database';
import type { CsafPublisher, TreeDocument, TreeKey } from '#src/modules/csaf/provider-tree';
import type { StoredCsafDocument } from '#src/modules/csaf/provider.repository';
import {
  TLPS,
  defaultPublisher,
  documentPath,
  feedFileName,
  hashFileContent,
  providerLastUpdated,
  renderChangesCsv,
  renderIndexTxt,
  renderProviderMetadata,
  renderRolieFeed,
  tlpFolder,
} from '#src/modules/csaf/provider-tree';
import { findCurrentCsafDocument, iterateCurrentCsafDocuments, latestPublisher, listCurrentTreeDocuments, listSigningKeys } from '#src/modules/csaf/provider.repository';

/**
 * The provider tree on disk, `<dataDir>/csaf/`:
 *   provider-metadata.json, openpgp/<FINGERPRINT>.asc,
 *   white/index.txt, white/changes.csv, white/feed-tlp-white.json, white/<year>/<file>.json(.sha256|.sha512|.asc),
 *   restricted/<green|amber|red>/… (the same, never to be served without access control).
 * Every file is written atomically (temporary file in the same folder, fsync, rename, fsync of the folder) and read
 * back to compare its hash, so a reader never sees a half-written file and a failed disk is noticed at once.
 */

/** The root of the tree. */
export function providerRoot(config: Pick<Config, 'dataDir'>): string {
  return path.join(config.dataDir, 'csaf');
}

/** Everything the aggregate files are rendered from. */
export interface ProviderSnapshot {
  docs: TreeDocument[];
  keys: TreeKey[];
  publisher: CsafPublisher;
  lastUpdated: Date;
}

/** Reads what the indexes, feeds and metadata are rendered from. */
export async function loadProviderSnapshot(db: DbOrTx, config: Pick<Config, 'siteName' | 'publicUrl' | 'csafPublisherName' | 'csafPublisherNamespace'>): Promise<ProviderSnapshot> {
  const docs = await listCurrentTreeDocuments(db);
  const keys = (await listSigningKeys(db)).map((k) => ({ fingerprint: k.fingerprint, publicKey: k.publicKey, active: k.active, createdAt: k.createdAt }));
  const publisher = (await latestPublisher(db)) ?? defaultPublisher(config);
  return { docs, keys, publisher, lastUpdated: providerLastUpdated(docs, keys) };
}

/** The files that do not belong to one document: metadata, keys, and per TLP the index, changes and feed. */
export function aggregateFiles(config: Pick<Config, 'siteName' | 'publicUrl'>, snapshot: ProviderSnapshot): Map<string, string> {
  const files = new Map<string, string>();
  files.set('provider-metadata.json', renderProviderMetadata(config, snapshot));
  for (const key of snapshot.keys) files.set(`openpgp/${key.fingerprint}.asc`, key.publicKey);
  for (const tlp of TLPS) {
    const docs = snapshot.docs.filter((d) => d.tlp === tlp);
    const folder = tlpFolder(tlp);
    files.set(`${folder}/index.txt`, renderIndexTxt(docs));
    files.set(`${folder}/changes.csv`, renderChangesCsv(docs));
    files.set(`${folder}/${feedFileName(tlp)}`, renderRolieFeed(config, tlp, docs, snapshot.lastUpdated));
  }
  return files;
}

/** The four files of one document: the JSON bytes, its hashes and its signature. */
export function documentFiles(doc: StoredCsafDocument): Map<string, string> {
  const base = `${tlpFolder(doc.tlp)}/${documentPath(doc)}`;
  return new Map([
    [base, doc.content],
    [`${base}.sha256`, hashFileContent(doc.sha256, doc.fileName)],
    [`${base}.sha512`, hashFileContent(doc.sha512, doc.fileName)],
    [`${base}.asc`, doc.signature],
  ]);
}

const sha256 = (data: Buffer | string): string => createHash('sha256').update(data).digest('hex');

async function readIfExists(file: string): Promise<Buffer | null> {
  try {
    return await fs.readFile(file);
  } catch (err) {
    if ((err as NodeJS.ErrnoException).code === 'ENOENT') return null;
    throw err;
  }
}

/**
 * Writes `content` to `root/relative` atomically and verifies it; a file that already holds these bytes is left
 * alone (so the job is idempotent and a rebuild only touches what differs). Returns whether it wrote. The folder is
 * fsynced too, unless the caller collects it in `dirtyDirectories` to sync each folder once for a whole batch.
 */
export async function writeFileAtomic(root: string, relative: string, content: string, dirtyDirectories?: Set<string>): Promise<boolean> {
  const file = path.join(root, relative);
  const dir = path.dirname(file);
  const bytes = Buffer.from(content, 'utf8');
  const expected = sha256(bytes);
  const existing = await readIfExists(file);
  if (existing !== null && sha256(existing) === expected) return false;
  await fs.mkdir(dir, { recursive: true });
  const temp = path.join(dir, `.${path.basename(file)}.${randomBytes(6).toString('hex')}.tmp`);
  const handle = await fs.open(temp, 'wx', 0o644);
  try {
    await handle.writeFile(bytes);
    await handle.sync();
  } finally {
    await handle.close();
  }
  try {
    await fs.rename(temp, file);
  } catch (err) {
    await fs.rm(temp, { force: true });
    throw err;
  }
  if (dirtyDirectories) dirtyDirectories.add(dir);
  else await syncDirectory(dir);
  const written = await fs.readFile(file);
  if (sha256(written) !== expected) throw new Error(`CSAF provider file ${relative} does not read back as written`);
  return true;
}

/**
 * Writes a batch of files with writeFileAtomic, a few at a time (the fsyncs overlap), then fsyncs each folder it
 * changed once. Returns how many were written and how many already held the right bytes.
 */
export async function writeFilesAtomic(root: string, files: Iterable<[string, string]>, concurrency = 8): Promise<{ written: number; unchanged: number }> {
  const queue = [...files];
  const dirty = new Set<string>();
  const counts = { written: 0, unchanged: 0 };
  const worker = async (): Promise<void> => {
    for (let next = queue.shift(); next !== undefined; next = queue.shift()) {
      if (await writeFileAtomic(root, next[0], next[1], dirty)) counts.written += 1;
      else counts.unchanged += 1;
    }
  };
  await Promise.all(Array.from({ length: Math.max(1, concurrency) }, worker));
  for (const dir of dirty) await syncDirectory(dir);
  return counts;
}

async function syncDirectory(dir: string): Promise<void> {
  let handle: fs.FileHandle | null = null;
  try {
    handle = await fs.open(dir, 'r');
    await handle.sync();
  } catch {
    // Some file systems refuse fsync on a directory; the rename is still atomic there.
  } finally {
    await handle?.close();
  }
}

async function removeFile(root: string, relative: string): Promise<boolean> {
  try {
    await fs.rm(path.join(root, relative));
    return true;
  } catch (err) {
    if ((err as NodeJS.ErrnoException).code === 'ENOENT') return false;
    throw err;
  }
}

/** What a tree update did. */
export interface TreeUpdate {
  written: number;
  unchanged: number;
  removed: number;
}

/**
 * The job's work after a publication: writes the current version of each tracking id in its TLP folder (removing
 * copies left in other TLP folders when a revision changed the TLP), then rewrites the aggregate files.
 */
export async function syncProviderTree(db: DbOrTx, config: Config, trackingIds: readonly string[]): Promise<TreeUpdate> {
  const root = providerRoot(config);
  const result: TreeUpdate = { written: 0, unchanged: 0, removed: 0 };
  const files = new Map<string, string>();
  for (const trackingId of trackingIds) {
    const doc = await findCurrentCsafDocument(db, trackingId);
    if (!doc) continue;
    for (const [relative, content] of documentFiles(doc)) files.set(relative, content);
    for (const tlp of TLPS) {
      if (tlp === doc.tlp) continue;
      for (const suffix of ['', '.sha256', '.sha512', '.asc']) {
        if (await removeFile(root, `${tlpFolder(tlp)}/${documentPath(doc)}${suffix}`)) result.removed += 1;
      }
    }
  }
  // Documents first, then the indexes that point at them.
  const documents = await writeFilesAtomic(root, files);
  const aggregates = await writeFilesAtomic(root, aggregateFiles(config, await loadProviderSnapshot(db, config)));
  result.written = documents.written + aggregates.written;
  result.unchanged = documents.unchanged + aggregates.unchanged;
  return result;
}

async function listFiles(root: string, relative: string): Promise<string[]> {
  let entries;
  try {
    entries = await fs.readdir(path.join(root, relative), { withFileTypes: true });
  } catch (err) {
    if ((err as NodeJS.ErrnoException).code === 'ENOENT') return [];
    throw err;
  }
  const out: string[] = [];
  for (const entry of entries) {
    const child = relative === '' ? entry.name : `${relative}/${entry.name}`;
    if (entry.isDirectory()) out.push(...(await listFiles(root, child)));
    else out.push(child);
  }
  return out;
}

async function removeEmptyDirectories(root: string, relative: string): Promise<void> {
  const dir = path.join(root, relative);
  let entries;
  try {
    entries = await fs.readdir(dir, { withFileTypes: true });
  } catch {
    return;
  }
  for (const entry of entries) if (entry.isDirectory()) await removeEmptyDirectories(root, `${relative}/${entry.name}`);
  if (relative !== '' && (await fs.readdir(dir)).length === 0) await fs.rmdir(dir);
}

/**
 * `ribat csaf rebuild`: regenerates the whole tree from the database. Files that already hold the right bytes are
 * kept, others rewritten atomically, and files of the managed folders that the database does not account for
 * (documents of a tracking id that moved, leftovers of interrupted writes) are removed.
 */
export async function rebuildProviderTree(db: Db, config: Config): Promise<TreeUpdate> {
  const root = providerRoot(config);
  const result: TreeUpdate = { written: 0, unchanged: 0, removed: 0 };
  const wanted = new Set<string>();
  const write = async (files: Iterable<[string, string]>): Promise<void> => {
    const batch = [...files];
    for (const [relative] of batch) wanted.add(relative);
    const counts = await writeFilesAtomic(root, batch);
    result.written += counts.written;
    result.unchanged += counts.unchanged;
  };
  for await (const page of iterateCurrentCsafDocuments(db)) await write(page.flatMap((doc) => [...documentFiles(doc)]));
  await write(aggregateFiles(config, await loadProviderSnapshot(db, config)));
  for (const managed of ['white', 'restricted', 'openpgp']) {
    for (const relative of await listFiles(root, managed)) {
      if (!wanted.has(relative) && (await removeFile(root, relative))) result.removed += 1;
    }
    await removeEmptyDirectories(root, managed);
  }
  return result;
}
