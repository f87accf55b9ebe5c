import type { DatabaseHandle, DbOrTx } from '#src/db/database';
import { enqueueJob } from '#src/core/jobs/queue';
import { csafSourceFetchJob } from '#src/modules/csaf/import/csaf-source-fetch.job';
import type { Clock } from '#src/core/time';
import type { CsafSource, FetchResult } from '#src/modules/csaf/import/csaf-import.types';
import { systemContext } from '#src/core/context';
import { recordAudit } from '#src/core/audit';
import { csafImportLimits } from '#src/modules/csaf/import/csaf-import.types';
import { jsonArray, jsonAt, jsonString, parseCsafBytes, sha256Hex, sha512Hex } from '#src/modules/csaf/import/extract';
import { FetchError, fetchBytes, fetchJson, fetchText, parseHashFile, verifyDetachedSignature } from '#src/modules/csaf/import/fetch';
import { prepareImport, storeImport } from '#src/modules/csaf/import/import-document';
import { findDuplicateImport, findSourceById, updateSourceFetch } from '#src/modules/csaf/import/csaf-import.repository';

/**
 * Queues the next automatic fetch of a source at the next boundary of its period (multiples of `everyHours` since
 * the epoch). The idempotency key names the boundary, so however many fetches ran in a period (registration, "Fetch
 * now", retries), exactly one is queued for the next one, and an archived source simply stops being fetched.
 */
export async function scheduleNextFetch(trx: DbOrTx, clock: Clock, sourceId: string, everyHours: number): Promise<void> {
  const period = everyHours * 3_600_000;
  const slot = Math.floor(clock.now().getTime() / period) + 1;
  await enqueueJob(trx, csafSourceFetchJob, { sourceId }, { clock, runAt: new Date(slot * period), idempotencyKey: `csaf-source-fetch:${sourceId}:every-${everyHours}h:${slot}` });
}

/** A document a provider lists, with the hash and signature files announced for it (if any). */
export interface ListedDocument {
  url: string;
  hashUrls: string[];
  signatureUrl: string | null;
}

const links = (entry: unknown, rel: string): string[] =>
  jsonArray(jsonAt(entry, 'link'))
    .filter((l) => jsonString(jsonAt(l, 'rel')) === rel)
    .map((l) => jsonString(jsonAt(l, 'href'), 2000))
    .filter((h): h is string => h !== null);

/** The documents of a ROLIE feed: each entry's `self` link (else its content `src`), hash and signature links. */
export function documentsOfFeed(feed: unknown, feedUrl: string): ListedDocument[] {
  const out: ListedDocument[] = [];
  for (const entry of jsonArray(jsonAt(feed, 'feed', 'entry'))) {
    const self = links(entry, 'self')[0] ?? jsonString(jsonAt(entry, 'content', 'src'), 2000);
    if (self === null) continue;
    const resolve = (u: string): string | null => {
      try {
        return new URL(u, feedUrl).toString();
      } catch {
        return null;
      }
    };
    const url = resolve(self);
    if (url === null) continue;
    out.push({
      url,
      hashUrls: links(entry, 'hash').map(resolve).filter((u): u is string => u !== null),
      signatureUrl: links(entry, 'signature').map(resolve).filter((u): u is string => u !== null)[0] ?? null,
    });
  }
  return out;
}

/** The documents of a directory distribution: the paths of `index.txt` (else the first column of `changes.csv`). */
export async function documentsOfDirectory(directoryUrl: string, allowedBase: string): Promise<ListedDocument[]> {
  const base = directoryUrl.endsWith('/') ? directoryUrl : `${directoryUrl}/`;
  let paths: string[];
  try {
    paths = (await fetchText(new URL('index.txt', base).toString(), allowedBase)).split(/\r?\n/).map((l) => l.trim());
  } catch (err) {
    if (!(err instanceof FetchError) || err.kind !== 'not_found') throw err;
    paths = (await fetchText(new URL('changes.csv', base).toString(), allowedBase)).split(/\r?\n/).map((l) => (l.split(',')[0] ?? '').trim().replace(/^"|"$/g, ''));
  }
  const out: ListedDocument[] = [];
  for (const p of paths) {
    if (p === '' || !p.toLowerCase().endsWith('.json')) continue;
    try {
      out.push({ url: new URL(p, base).toString(), hashUrls: [], signatureUrl: null });
    } catch {
      // a line that is not a path is skipped
    }
  }
  return out;
}

/** Every document the source lists today (provider metadata: its ROLIE feeds and directories; or one feed). */
export async function listSourceDocuments(source: Pick<CsafSource, 'url' | 'kind'>): Promise<ListedDocument[]> {
  const base = source.url;
  if (source.kind === 'rolie-feed') return documentsOfFeed(await fetchJson(source.url, base), source.url);
  const metadata = await fetchJson(source.url, base);
  const out: ListedDocument[] = [];
  for (const distribution of jsonArray(jsonAt(metadata, 'distributions'))) {
    for (const feed of jsonArray(jsonAt(distribution, 'rolie', 'feeds'))) {
      const url = jsonString(jsonAt(feed, 'url'), 2000);
      if (url !== null) out.push(...documentsOfFeed(await fetchJson(url, base), url));
    }
    const directory = jsonString(jsonAt(distribution, 'directory_url'), 2000);
    if (directory !== null) out.push(...(await documentsOfDirectory(directory, base)));
  }
  const seen = new Set<string>();
  return out.filter((d) => (seen.has(d.url) ? false : (seen.add(d.url), true)));
}

/** Fetches an optional companion file (hash, signature): null when absent (404), an error otherwise. */
async function fetchOptional(url: string, base: string): Promise<string | null> {
  try {
    return await fetchText(url, base);
  } catch (err) {
    if (err instanceof FetchError && err.kind === 'not_found') return null;
    throw err;
  }
}

/**
 * Downloads one listed document, verifies its hash (.sha512 or .sha256: the announced ones, else the conventional
 * names) and its signature (.asc, required when the source has public keys), validates and imports it.
 */
export async function fetchOneDocument(database: DatabaseHandle, clock: Clock, source: CsafSource, listed: ListedDocument): Promise<FetchResult> {
  const base = source.url;
  const result = (outcome: FetchResult['outcome'], message = '', importId: string | null = null): FetchResult => ({ url: listed.url, outcome, importId, message: message.slice(0, 500) });
  try {
    const bytes = await fetchBytes(listed.url, base, csafImportLimits.documentBytes);

    let hashVerified = false;
    const hashUrls = listed.hashUrls.length > 0 ? listed.hashUrls : [`${listed.url}.sha512`, `${listed.url}.sha256`];
    for (const hashUrl of hashUrls) {
      const text = await fetchOptional(hashUrl, base);
      if (text === null) continue;
      const expected = parseHashFile(text);
      if (expected === null) return result('bad_hash', `${hashUrl}: not a hash file`);
      const actual = expected.length === 128 ? sha512Hex(bytes) : sha256Hex(bytes);
      if (actual !== expected) return result('bad_hash', `${hashUrl}: the document's hash is ${actual.slice(0, 16)}…, the file says ${expected.slice(0, 16)}…`);
      hashVerified = true;
    }

    let signatureVerified = false;
    if (source.publicKeys.length > 0) {
      const signatureUrl = listed.signatureUrl ?? `${listed.url}.asc`;
      const signature = await fetchOptional(signatureUrl, base);
      if (signature === null) return result('bad_signature', `${signatureUrl}: no signature`);
      if (!(await verifyDetachedSignature(bytes, signature, source.publicKeys))) return result('bad_signature', `${signatureUrl}: the signature does not verify with the provider's keys`);
      signatureVerified = true;
    }

    const parsed = parseCsafBytes(bytes);
    if (!parsed.ok) return result(parsed.reason === 'not_object' ? 'invalid_json' : parsed.reason, parsed.detail);
    // A document already imported with the same bytes is not validated again.
    const prepared = await prepareImport(parsed, { origin: listed.url, sourceId: source.id, hashVerified, signatureVerified });
    const r = prepared.record;
    const existing = await findDuplicateImport(database.db, { namespace: r.facts.publisherNamespace, trackingId: r.facts.trackingId, version: r.facts.version, sha256: r.sha256 });
    if (existing) return result('duplicate', '', existing.id);
    const ctx = systemContext('csaf-source-fetch', clock);
    const outcome = await database.db.transaction().execute((trx) => storeImport(trx, database.dialect, ctx, prepared));
    const failed = outcome.failedTests.slice(0, 5).map((f) => f.test);
    return result(outcome.status, outcome.status === 'refused' ? `failed tests: ${[...new Set(failed)].join(', ')}` : '', outcome.import.id);
  } catch (err) {
    if (err instanceof FetchError) return result(err.kind === 'too_large' ? 'too_large' : err.kind === 'not_allowed' ? 'not_allowed' : 'unreachable', err.message);
    return result('unreachable', err instanceof Error ? err.message : 'error');
  }
}

/**
 * Fetches a source: lists its documents, then downloads, verifies and imports each one, recording every
 * document's result and the error that stopped the listing (unreachable provider, bad feed) without throwing.
 */
export async function fetchCsafSource(database: DatabaseHandle, clock: Clock, sourceId: string, options: { everyHours?: number } = {}): Promise<FetchResult[]> {
  const source = await findSourceById(database.db, sourceId);
  if (!source || source.status !== 'active') return [];
  let results: FetchResult[] = [];
  let error: string | null = null;
  try {
    const listed = await listSourceDocuments(source);
    if (listed.length > csafImportLimits.documentsPerFetch) error = `${listed.length} documents listed: only the first ${csafImportLimits.documentsPerFetch} were fetched`;
    for (const doc of listed.slice(0, csafImportLimits.documentsPerFetch)) results.push(await fetchOneDocument(database, clock, source, doc));
  } catch (err) {
    error = err instanceof Error ? err.message.slice(0, 500) : 'error';
    results = [];
  }
  const counts: Record<string, number> = {};
  for (const r of results) counts[r.outcome] = (counts[r.outcome] ?? 0) + 1;
  const ctx = systemContext('csaf-source-fetch', clock);
  await database.db.transaction().execute(async (trx) => {
    await updateSourceFetch(trx, source.id, { at: clock.now(), error, results });
    await recordAudit(trx, database.dialect, ctx, { action: 'csaf_source.fetched', entityType: 'csaf_source', entityId: source.id, after: { url: source.url, error, counts } });
    if ((options.everyHours ?? 0) > 0) await scheduleNextFetch(trx, clock, source.id, options.everyHours ?? 0);
  });
  return results;
}
