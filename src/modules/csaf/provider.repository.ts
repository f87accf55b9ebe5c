import type { Db, DbOrTx } from '#src/db/database';
import type { CsafTlp } from '#src/modules/csaf/csaf.types';
import type { TreeDocument, TreeKey } from '#src/modules/csaf/provider-tree';
import type { BulletinViewer } from '#src/modules/bulletins/visibility';
import { fromDbTime, toDbTime } from '#src/core/time';
import { visibleTo } from '#src/modules/bulletins/visibility';
import { currentDocuments } from '#src/modules/csaf/provider-tree';

/** A stored signing key (the private half stays encrypted). */
export interface CsafSigningKey extends TreeKey {
  id: string;
  privateKey: string;
  userId: string;
}

/** A stored CSAF document with its bytes, hashes and signature. */
export interface StoredCsafDocument extends TreeDocument {
  id: string;
  bulletinId: string;
  language: string;
  content: string;
  sha256: string;
  sha512: string;
  signature: string;
  signingKeyId: string;
}

/** A new row of csaf_document. */
export interface NewCsafDocument extends Omit<StoredCsafDocument, 'createdAt'> {
  createdAt: Date;
}

const TLP_VALUES = new Set<string>(['WHITE', 'GREEN', 'AMBER', 'RED']);

function toTlp(value: string): CsafTlp {
  return TLP_VALUES.has(value) ? (value as CsafTlp) : 'RED';
}

type KeyRow = { id: string; fingerprint: string; public_key: string; private_key: string; user_id: string; active: number | boolean; created_at: string | Date };

function toKey(row: KeyRow): CsafSigningKey {
  return {
    id: row.id,
    fingerprint: row.fingerprint,
    publicKey: row.public_key,
    privateKey: row.private_key,
    userId: row.user_id,
    active: Number(row.active) === 1,
    createdAt: fromDbTime(row.created_at),
  };
}

/** Every signing key, newest first. */
export async function listSigningKeys(db: DbOrTx): Promise<CsafSigningKey[]> {
  const rows = await db.selectFrom('csaf_signing_key').selectAll().orderBy('created_at', 'desc').orderBy('id', 'desc').execute();
  return rows.map(toKey);
}

/** The active signing key, if any. */
export async function findActiveSigningKey(db: DbOrTx): Promise<CsafSigningKey | null> {
  const row = await db.selectFrom('csaf_signing_key').selectAll().where('active', '=', 1).orderBy('created_at', 'desc').orderBy('id', 'desc').executeTakeFirst();
  return row ? toKey(row) : null;
}

/** A key by fingerprint (any case). */
export async function findSigningKeyByFingerprint(db: DbOrTx, fingerprint: string): Promise<CsafSigningKey | null> {
  const row = await db.selectFrom('csaf_signing_key').selectAll().where('fingerprint', '=', fingerprint.toUpperCase()).executeTakeFirst();
  return row ? toKey(row) : null;
}

/** Retires every active key, then stores `key` as the one active key. */
export async function insertActiveSigningKey(db: DbOrTx, key: Omit<CsafSigningKey, 'active'>): Promise<void> {
  await db.updateTable('csaf_signing_key').set({ active: 0 }).where('active', '=', 1).execute();
  await db
    .insertInto('csaf_signing_key')
    .values({
      id: key.id,
      fingerprint: key.fingerprint,
      public_key: key.publicKey,
      private_key: key.privateKey,
      user_id: key.userId,
      active: 1,
      created_at: toDbTime(key.createdAt),
    })
    .execute();
}

/** Makes an already stored key the active one again (re-importing a retired key). */
export async function reactivateSigningKey(db: DbOrTx, id: string): Promise<void> {
  await db.updateTable('csaf_signing_key').set({ active: 0 }).where('active', '=', 1).where('id', '<>', id).execute();
  await db.updateTable('csaf_signing_key').set({ active: 1 }).where('id', '=', id).execute();
}

/** Inserts one document (immutable afterwards: nothing in Ribat updates or deletes csaf_document rows). */
export async function insertCsafDocument(db: DbOrTx, doc: NewCsafDocument): Promise<void> {
  await db
    .insertInto('csaf_document')
    .values({
      id: doc.id,
      bulletin_id: doc.bulletinId,
      revision_number: doc.revisionNumber,
      language: doc.language,
      tracking_id: doc.trackingId,
      file_name: doc.fileName,
      year: doc.year,
      tlp: doc.tlp,
      version: doc.version,
      title: doc.title,
      initial_release_date: toDbTime(doc.initialReleaseDate),
      current_release_date: toDbTime(doc.currentReleaseDate),
      content: doc.content,
      sha256: doc.sha256,
      sha512: doc.sha512,
      signature: doc.signature,
      signing_key_id: doc.signingKeyId,
      created_at: toDbTime(doc.createdAt),
    })
    .execute();
}

/** True when a version of this tracking id is already stored. */
export async function hasCsafDocumentVersion(db: DbOrTx, trackingId: string, version: string): Promise<boolean> {
  const row = await db.selectFrom('csaf_document').select('id').where('tracking_id', '=', trackingId).where('version', '=', version).executeTakeFirst();
  return row !== undefined;
}

const metaColumns = ['tracking_id', 'file_name', 'year', 'tlp', 'version', 'revision_number', 'title', 'initial_release_date', 'current_release_date', 'created_at'] as const;

type MetaRow = {
  tracking_id: string;
  file_name: string;
  year: number;
  tlp: string;
  version: string;
  revision_number: number;
  title: string;
  initial_release_date: string | Date;
  current_release_date: string | Date;
  created_at: string | Date;
};

function toTreeDocument(row: MetaRow): TreeDocument {
  return {
    trackingId: row.tracking_id,
    fileName: row.file_name,
    year: Number(row.year),
    tlp: toTlp(row.tlp),
    version: row.version,
    revisionNumber: Number(row.revision_number),
    title: row.title,
    initialReleaseDate: fromDbTime(row.initial_release_date),
    currentReleaseDate: fromDbTime(row.current_release_date),
    createdAt: fromDbTime(row.created_at),
  };
}

type FullRow = MetaRow & { id: string; bulletin_id: string; language: string; content: string; sha256: string; sha512: string; signature: string; signing_key_id: string };

function toStored(row: FullRow): StoredCsafDocument {
  return {
    ...toTreeDocument(row),
    id: row.id,
    bulletinId: row.bulletin_id,
    language: row.language,
    content: row.content,
    sha256: row.sha256,
    sha512: row.sha512,
    signature: row.signature,
    signingKeyId: row.signing_key_id,
  };
}

/** The current version of every tracking id (metadata only): what the indexes, feeds and metadata list. */
export async function listCurrentTreeDocuments(db: DbOrTx): Promise<TreeDocument[]> {
  const rows = await db.selectFrom('csaf_document').select(metaColumns).execute();
  return currentDocuments(rows.map(toTreeDocument));
}

/** The current documents of one restricted TLP that `viewer` may read (the bulletin visibility rule, in SQL). */
export async function listVisibleTreeDocuments(db: DbOrTx, tlp: CsafTlp, viewer: BulletinViewer): Promise<TreeDocument[]> {
  const rows = await db.selectFrom('csaf_document').select(metaColumns).execute();
  const current = currentDocuments(rows.map(toTreeDocument)).filter((d) => d.tlp === tlp);
  if (current.length === 0 || viewer.kind === 'staff') return current;
  const visible = await visibleBulletinTrackingIds(db, current.map((d) => d.trackingId), viewer);
  return current.filter((d) => visible.has(d.trackingId));
}

/** Which of these tracking ids belong to a bulletin `viewer` may read. */
async function visibleBulletinTrackingIds(db: DbOrTx, trackingIds: string[], viewer: BulletinViewer): Promise<Set<string>> {
  const out = new Set<string>();
  for (let i = 0; i < trackingIds.length; i += 500) {
    const chunk = trackingIds.slice(i, i + 500);
    const rows = await db
      .selectFrom('csaf_document')
      .select('csaf_document.tracking_id')
      .where('csaf_document.tracking_id', 'in', chunk)
      .where((eb) => eb.exists(eb.selectFrom('bulletin_listing').select('bulletin_listing.bulletin_id').whereRef('bulletin_listing.bulletin_id', '=', 'csaf_document.bulletin_id').where(visibleTo(viewer))))
      .distinct()
      .execute();
    for (const r of rows) out.add(r.tracking_id);
  }
  return out;
}

/** The latest stored version of one tracking id, with its bytes. */
export async function findCurrentCsafDocument(db: DbOrTx, trackingId: string): Promise<StoredCsafDocument | null> {
  const row = await db.selectFrom('csaf_document').selectAll().where('tracking_id', '=', trackingId).orderBy('revision_number', 'desc').limit(1).executeTakeFirst();
  return row ? toStored(row) : null;
}

/**
 * The document currently served at `<tlp folder>/<year>/<fileName>`: the latest version of its tracking id, when
 * that version still lives there (a later revision may have moved to another TLP).
 */
export async function findServedCsafDocument(db: DbOrTx, tlp: CsafTlp, year: number, fileName: string): Promise<StoredCsafDocument | null> {
  const candidates = await db.selectFrom('csaf_document').select('tracking_id').where('file_name', '=', fileName).where('year', '=', year).distinct().execute();
  for (const c of candidates) {
    const current = await findCurrentCsafDocument(db, c.tracking_id);
    if (current && current.tlp === tlp && current.year === year && current.fileName === fileName) return current;
  }
  return null;
}

/** True when `viewer` may read the bulletin a document comes from. */
export async function isBulletinVisible(db: DbOrTx, bulletinId: string, viewer: BulletinViewer): Promise<boolean> {
  if (viewer.kind === 'staff') return true;
  const row = await db.selectFrom('bulletin_listing').select('bulletin_id').where('bulletin_id', '=', bulletinId).where(visibleTo(viewer)).limit(1).executeTakeFirst();
  return row !== undefined;
}

/** Every stored version of a bulletin's documents, oldest first (tests and the console read them). */
export async function listCsafDocumentsOfBulletin(db: DbOrTx, bulletinId: string): Promise<StoredCsafDocument[]> {
  const rows = await db.selectFrom('csaf_document').selectAll().where('bulletin_id', '=', bulletinId).orderBy('revision_number').orderBy('language').execute();
  return rows.map(toStored);
}

/** Streams the current documents with their bytes, in pages (the rebuild writes 10,000 without holding them all). */
export async function* iterateCurrentCsafDocuments(db: Db, pageSize = 200): AsyncGenerator<StoredCsafDocument[]> {
  const current = await listCurrentTreeDocuments(db);
  const wanted = new Map(current.map((d) => [`${d.trackingId}\n${d.revisionNumber}`, d]));
  const ids = current.map((d) => d.trackingId).sort();
  for (let i = 0; i < ids.length; i += pageSize) {
    const rows = await db.selectFrom('csaf_document').selectAll().where('tracking_id', 'in', ids.slice(i, i + pageSize)).execute();
    yield rows.map(toStored).filter((d) => wanted.has(`${d.trackingId}\n${d.revisionNumber}`));
  }
}

/** A key that changes whenever anything the provider serves may change (documents or keys). */
export async function providerStateKey(db: DbOrTx): Promise<string> {
  const docs = await db.selectFrom('csaf_document').select((eb) => [eb.fn.countAll<number>().as('n'), eb.fn.max('created_at').as('last')]).executeTakeFirst();
  const keys = await db.selectFrom('csaf_signing_key').select((eb) => [eb.fn.countAll<number>().as('n'), eb.fn.max('created_at').as('last')]).executeTakeFirst();
  const active = await db.selectFrom('csaf_signing_key').select('id').where('active', '=', 1).executeTakeFirst();
  const last = (v: unknown): string => (v instanceof Date ? v.toISOString() : typeof v === 'string' || typeof v === 'number' ? String(v) : '');
  return `${Number(docs?.n ?? 0)}|${last(docs?.last)}|${Number(keys?.n ?? 0)}|${last(keys?.last)}|${active?.id ?? ''}`;
}

/** The `document.publisher` of the newest stored document, for the provider metadata (null before the first). */
export async function latestPublisher(db: DbOrTx): Promise<Record<string, unknown> | null> {
  const row = await db.selectFrom('csaf_document').select('content').orderBy('created_at', 'desc').orderBy('id', 'desc').limit(1).executeTakeFirst();
  if (!row) return null;
  try {
    const doc = JSON.parse(row.content) as { document?: { publisher?: unknown } };
    const publisher = doc.document?.publisher;
    return publisher && typeof publisher === 'object' ? (publisher as Record<string, unknown>) : null;
  } catch {
    return null;
  }
}
