import { sql, type SqlBool } from 'kysely';
import type { DbOrTx } from '#src/db/database';
import type { CsafFinding } from '#src/modules/csaf/csaf.types';
import type { CsafImportDetail, CsafImportSummary, CsafSource, CsafSourceKind, FetchResult, ImportFilters, ImportedProduct, ImportedVulnerability } from '#src/modules/csaf/import/csaf-import.types';
import type { DocumentFacts } from '#src/modules/csaf/import/extract';
import type { CsafImportTable } from '#src/modules/csaf/csaf.tables';
import { decodeCursor, toPage, type Page } from '#src/core/pagination';
import { fromDbTime, fromDbTimeOrNull, toDbTime } from '#src/core/time';
import { searchTerms } from '#src/modules/bulletins/search-text';

// All SQL of the import tables (csaf_import, csaf_import_product, csaf_import_vulnerability, csaf_source).

const summaryColumns = [
  'id',
  'source_id',
  'origin',
  'sha256',
  'publisher_namespace',
  'publisher_name',
  'tracking_id',
  'version',
  'category',
  'title',
  'lang',
  'tlp',
  'current_release_date',
  'is_valid',
  'hash_verified',
  'signature_verified',
  'failed_tests',
  'imported_by',
  'created_at',
] as const;

/** The columns of `summaryColumns` as either database returns them (SQLite: integers and strings for booleans and times). */
type SummaryRow = Omit<Pick<CsafImportTable, (typeof summaryColumns)[number]>, 'current_release_date' | 'is_valid' | 'hash_verified' | 'signature_verified' | 'created_at'> & {
  current_release_date: string | Date | null;
  is_valid: number | boolean;
  hash_verified: number | boolean;
  signature_verified: number | boolean;
  created_at: string | Date;
};

function parseFindings(text: string): CsafFinding[] {
  try {
    const value = JSON.parse(text) as unknown;
    return Array.isArray(value) ? (value as CsafFinding[]) : [];
  } catch {
    return [];
  }
}

function toSummary(row: SummaryRow): CsafImportSummary {
  return {
    id: row.id,
    sourceId: row.source_id,
    origin: row.origin,
    sha256: row.sha256,
    publisherNamespace: row.publisher_namespace,
    publisherName: row.publisher_name,
    trackingId: row.tracking_id,
    version: row.version,
    category: row.category,
    title: row.title,
    lang: row.lang,
    tlp: row.tlp,
    currentReleaseDate: fromDbTimeOrNull(row.current_release_date),
    isValid: Number(row.is_valid) === 1,
    hashVerified: Number(row.hash_verified) === 1,
    signatureVerified: Number(row.signature_verified) === 1,
    failedTestCount: parseFindings(row.failed_tests).length,
    importedBy: row.imported_by,
    createdAt: fromDbTime(row.created_at),
  };
}

/** What is stored for one import. */
export interface NewImport {
  id: string;
  sourceId: string | null;
  origin: string;
  sha256: string;
  facts: DocumentFacts;
  isValid: boolean;
  hashVerified: boolean;
  signatureVerified: boolean;
  failedTests: CsafFinding[];
  warnings: CsafFinding[];
  searchText: string;
  content: string;
  importedBy: string | null;
  createdAt: Date;
  products: ImportedProduct[];
  vulnerabilities: ImportedVulnerability[];
}

/** The import of the same document (same publisher namespace, tracking id, version and bytes), if any. */
export async function findDuplicateImport(db: DbOrTx, key: { namespace: string | null; trackingId: string | null; version: string | null; sha256: string }): Promise<CsafImportSummary | null> {
  const row = await db
    .selectFrom('csaf_import')
    .select(summaryColumns)
    .where(sql<SqlBool>`coalesce(publisher_namespace, '') = ${key.namespace ?? ''}`)
    .where(sql<SqlBool>`coalesce(tracking_id, '') = ${key.trackingId ?? ''}`)
    .where(sql<SqlBool>`coalesce(version, '') = ${key.version ?? ''}`)
    .where('sha256', '=', key.sha256)
    .executeTakeFirst();
  return row ? toSummary(row) : null;
}

const BATCH = 400;

/** Stores an import with its products and vulnerabilities (in the caller's transaction). */
export async function insertImport(trx: DbOrTx, imp: NewImport): Promise<void> {
  const f = imp.facts;
  await trx
    .insertInto('csaf_import')
    .values({
      id: imp.id,
      source_id: imp.sourceId,
      origin: imp.origin,
      sha256: imp.sha256,
      publisher_namespace: f.publisherNamespace,
      publisher_name: f.publisherName,
      tracking_id: f.trackingId,
      version: f.version,
      category: f.category,
      title: f.title,
      lang: f.lang,
      tlp: f.tlp,
      current_release_date: f.currentReleaseDate ? toDbTime(f.currentReleaseDate) : null,
      is_valid: imp.isValid ? 1 : 0,
      hash_verified: imp.hashVerified ? 1 : 0,
      signature_verified: imp.signatureVerified ? 1 : 0,
      failed_tests: JSON.stringify(imp.failedTests),
      warnings: JSON.stringify(imp.warnings),
      search_text: imp.searchText,
      content: imp.content,
      imported_by: imp.importedBy,
      created_at: toDbTime(imp.createdAt),
    })
    .execute();
  for (let i = 0; i < imp.products.length; i += BATCH) {
    await trx
      .insertInto('csaf_import_product')
      .values(imp.products.slice(i, i + BATCH).map((p) => ({ import_id: imp.id, product_id: p.productId, vendor: p.vendor, name: p.name, version: p.version, cpe: p.cpe, purl: p.purl })))
      .execute();
  }
  for (let i = 0; i < imp.vulnerabilities.length; i += BATCH) {
    await trx
      .insertInto('csaf_import_vulnerability')
      .values(imp.vulnerabilities.slice(i, i + BATCH).map((v) => ({ import_id: imp.id, position: v.position, cve: v.cve, title: v.title, cvss_vector: v.cvssVector, base_score: v.baseScore })))
      .execute();
  }
}

function likeContains(text: string): string {
  return `%${text.replace(/[\\%_]/g, (c) => `\\${c}`)}%`;
}

/** Imports, newest first, filtered by folded words (every word must appear), validity and publisher. */
export async function findImports(db: DbOrTx, filters: ImportFilters, page: { limit: number; cursor?: string | undefined }): Promise<Page<CsafImportSummary>> {
  const cursor = decodeCursor(page.cursor);
  let query = db.selectFrom('csaf_import').select(summaryColumns);
  for (const term of searchTerms(filters.q ?? '')) {
    query = query.where(sql<SqlBool>`${sql.ref('search_text')} like ${likeContains(term)} escape '\\'`);
  }
  if (filters.validity === 'valid') query = query.where('is_valid', '=', 1);
  if (filters.validity === 'refused') query = query.where('is_valid', '=', 0);
  if (filters.publisher) query = query.where('publisher_name', '=', filters.publisher);
  if (cursor) query = query.where('id', '<', cursor.id);
  const rows = await query.orderBy('id', 'desc').limit(page.limit + 1).execute();
  return toPage(rows.map(toSummary), page.limit, (last) => ({ k: null, id: last.id }));
}

/** The distinct publisher names, for the filter. */
export async function findImportPublishers(db: DbOrTx): Promise<string[]> {
  const rows = await db.selectFrom('csaf_import').select('publisher_name').distinct().where('publisher_name', 'is not', null).orderBy('publisher_name').limit(500).execute();
  return rows.map((r) => r.publisher_name).filter((n): n is string => n !== null);
}

/** One import with its products, vulnerabilities, failing tests and warnings. */
export async function findImportById(db: DbOrTx, id: string): Promise<CsafImportDetail | null> {
  const row = await db
    .selectFrom('csaf_import')
    .select([...summaryColumns, 'warnings', 'content'])
    .where('id', '=', id)
    .executeTakeFirst();
  if (!row) return null;
  const products = await db.selectFrom('csaf_import_product').selectAll().where('import_id', '=', id).orderBy('product_id').execute();
  const vulnerabilities = await db.selectFrom('csaf_import_vulnerability').selectAll().where('import_id', '=', id).orderBy('position').execute();
  return {
    ...toSummary(row),
    failedTests: parseFindings(row.failed_tests),
    warnings: parseFindings(row.warnings),
    content: row.content,
    products: products.map((p) => ({ productId: p.product_id, vendor: p.vendor, name: p.name, version: p.version, cpe: p.cpe, purl: p.purl })),
    vulnerabilities: vulnerabilities.map((v) => ({ position: Number(v.position), cve: v.cve, title: v.title, cvssVector: v.cvss_vector, baseScore: v.base_score === null ? null : Number(v.base_score) })),
  };
}

// ---- Sources --------------------------------------------------------------------------------------------

interface SourceRow {
  id: string;
  url: string;
  kind: string;
  name: string;
  public_keys: string;
  status: string;
  last_fetched_at: string | Date | null;
  last_error: string | null;
  last_results: string;
  created_at: string | Date;
  updated_at: string | Date;
}

function parseList<T>(text: string): T[] {
  try {
    const value = JSON.parse(text) as unknown;
    return Array.isArray(value) ? (value as T[]) : [];
  } catch {
    return [];
  }
}

function toSource(row: SourceRow): CsafSource {
  return {
    id: row.id,
    url: row.url,
    kind: row.kind === 'rolie-feed' ? 'rolie-feed' : 'provider-metadata',
    name: row.name,
    publicKeys: parseList<string>(row.public_keys),
    status: row.status === 'disabled' ? 'disabled' : 'active',
    lastFetchedAt: fromDbTimeOrNull(row.last_fetched_at),
    lastError: row.last_error,
    lastResults: parseList<FetchResult>(row.last_results),
    createdAt: fromDbTime(row.created_at),
    updatedAt: fromDbTime(row.updated_at),
  };
}

/** Every registered source, by name. */
export async function findSources(db: DbOrTx): Promise<CsafSource[]> {
  const rows = await db.selectFrom('csaf_source').selectAll().orderBy('name').orderBy('id').execute();
  return rows.map(toSource);
}

export async function findSourceById(db: DbOrTx, id: string): Promise<CsafSource | null> {
  const row = await db.selectFrom('csaf_source').selectAll().where('id', '=', id).executeTakeFirst();
  return row ? toSource(row) : null;
}

export async function findSourceByUrl(db: DbOrTx, url: string): Promise<CsafSource | null> {
  const row = await db.selectFrom('csaf_source').selectAll().where('url', '=', url).executeTakeFirst();
  return row ? toSource(row) : null;
}

export async function insertSource(trx: DbOrTx, source: { id: string; url: string; kind: CsafSourceKind; name: string; publicKeys: string[]; now: Date }): Promise<void> {
  await trx
    .insertInto('csaf_source')
    .values({
      id: source.id,
      url: source.url,
      kind: source.kind,
      name: source.name,
      public_keys: JSON.stringify(source.publicKeys),
      status: 'active',
      last_fetched_at: null,
      last_error: null,
      last_results: '[]',
      created_at: toDbTime(source.now),
      updated_at: toDbTime(source.now),
    })
    .execute();
}

/** Records the outcome of a fetch: when, the error that stopped it (if any) and each document's result. */
export async function updateSourceFetch(trx: DbOrTx, id: string, fetch: { at: Date; error: string | null; results: FetchResult[]; publicKeys?: string[] }): Promise<void> {
  await trx
    .updateTable('csaf_source')
    .set({
      last_fetched_at: toDbTime(fetch.at),
      last_error: fetch.error,
      last_results: JSON.stringify(fetch.results),
      updated_at: toDbTime(fetch.at),
      ...(fetch.publicKeys ? { public_keys: JSON.stringify(fetch.publicKeys) } : {}),
    })
    .where('id', '=', id)
    .execute();
}
