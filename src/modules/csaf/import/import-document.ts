import type { DatabaseHandle, Dialect, Tx } from '#src/db/database';
import type { RequestContext } from '#src/core/context';
import type { IdempotentResult } from '#src/core/idempotency';
import type { CsafFinding } from '#src/modules/csaf/csaf.types';
import type { CsafImportSummary, ImportStatus } from '#src/modules/csaf/import/csaf-import.types';
import type { ParsedBytes } from '#src/modules/csaf/import/extract';
import { AppError } from '#src/core/errors';
import { newId } from '#src/core/ids';
import { recordAudit } from '#src/core/audit';
import { withIdempotency } from '#src/core/idempotency';
import { validateCsafDocument } from '#src/modules/csaf/validation';
import { csafImportLimits } from '#src/modules/csaf/import/csaf-import.types';
import { asDocument, buildSearchText, documentFacts, extractProducts, extractVulnerabilities, parseCsafBytes } from '#src/modules/csaf/import/extract';
import { findDuplicateImport, insertImport, type NewImport } from '#src/modules/csaf/import/csaf-import.repository';
import { canReadImports, canUploadImports } from '#src/modules/csaf/import/csaf-import.policy';

/** Where a document comes from and what was verified before it reached the import. */
export interface ImportOrigin {
  /** `upload:<file name>`, `api`, `cli:<file name>` or the URL fetched. */
  origin: string;
  sourceId?: string | null;
  hashVerified?: boolean;
  signatureVerified?: boolean;
}

/** A document read and validated, ready to be stored (validation runs outside the transaction). */
export interface PreparedImport {
  record: Omit<NewImport, 'importedBy' | 'createdAt'>;
}

/** What an import became, with the stored (or already stored) record. */
export interface ImportOutcome {
  status: ImportStatus;
  import: CsafImportSummary;
  failedTests: CsafFinding[];
}

function cap(findings: CsafFinding[]): CsafFinding[] {
  if (findings.length <= csafImportLimits.findings) return findings;
  const kept = findings.slice(0, csafImportLimits.findings);
  kept.push({ test: 'ribat', path: '', message: `${findings.length - csafImportLimits.findings} more findings not stored` });
  return kept;
}

/**
 * Reads bytes as a CSAF document, or throws validation_failed on `document` (too_large, invalid_json with the
 * parser's detail, invalid_type for JSON that is not an object). Nothing is stored for bytes that are not a JSON
 * object: there is nothing to show but the error.
 */
export function readCsafBytes(bytes: Uint8Array | string): ParsedBytes {
  const parsed = parseCsafBytes(bytes);
  if (!parsed.ok) {
    if (parsed.reason === 'too_large') throw AppError.field('document', 'too_large', { max: csafImportLimits.documentBytes });
    if (parsed.reason === 'not_object') throw AppError.field('document', 'invalid_type');
    throw AppError.field('document', 'invalid_json', { detail: parsed.detail });
  }
  return parsed;
}

/**
 * Validates a parsed document (strict schema and mandatory tests: errors; optional and informative tests: warnings)
 * and extracts what is stored and searched: identity, products, vulnerabilities, folded search text.
 */
export async function prepareImport(parsed: ParsedBytes, from: ImportOrigin): Promise<PreparedImport> {
  const doc = asDocument(parsed.json);
  let failedTests: CsafFinding[];
  let warnings: CsafFinding[] = [];
  if (doc === null) {
    failedTests = [{ test: 'schema', path: '', message: 'the document is not a JSON object' }];
  } else {
    try {
      const validation = await validateCsafDocument(doc);
      failedTests = validation.isValid ? [] : validation.errors.length > 0 ? validation.errors : [{ test: 'schema', path: '', message: 'invalid' }];
      warnings = [...validation.warnings, ...validation.infos];
    } catch (err) {
      // The validator expects a CSAF-shaped object; anything else that makes it throw is a refusal, not a crash.
      failedTests = [{ test: 'schema', path: '', message: `the validator could not read the document: ${err instanceof Error ? err.message.slice(0, 200) : 'error'}` }];
    }
  }
  const facts = documentFacts(doc);
  const products = doc ? extractProducts(doc) : [];
  const vulnerabilities = doc ? extractVulnerabilities(doc) : [];
  return {
    record: {
      id: newId(),
      sourceId: from.sourceId ?? null,
      origin: from.origin.slice(0, 2000),
      sha256: parsed.sha256,
      facts,
      isValid: failedTests.length === 0,
      hashVerified: from.hashVerified ?? false,
      signatureVerified: from.signatureVerified ?? false,
      failedTests: cap(failedTests),
      warnings: cap(warnings),
      searchText: buildSearchText(doc, facts, products, vulnerabilities),
      content: parsed.text,
      products,
      vulnerabilities,
    },
  };
}

function summaryOf(record: NewImport): CsafImportSummary {
  const f = record.facts;
  return {
    id: record.id,
    sourceId: record.sourceId,
    origin: record.origin,
    sha256: record.sha256,
    publisherNamespace: f.publisherNamespace,
    publisherName: f.publisherName,
    trackingId: f.trackingId,
    version: f.version,
    category: f.category,
    title: f.title,
    lang: f.lang,
    tlp: f.tlp,
    currentReleaseDate: f.currentReleaseDate,
    isValid: record.isValid,
    hashVerified: record.hashVerified,
    signatureVerified: record.signatureVerified,
    failedTestCount: record.failedTests.length,
    importedBy: record.importedBy,
    createdAt: record.createdAt,
  };
}

/**
 * Stores a prepared import in the caller's transaction, audited as `csaf_import.created`: valid, or refused with
 * its failing tests (kept so the user sees why; a refused document is never offered as a bulletin source). The same
 * document (publisher namespace, tracking id, version and bytes) is recognised and not stored twice.
 */
export async function storeImport(trx: Tx, dialect: Dialect, ctx: RequestContext, prepared: PreparedImport): Promise<ImportOutcome> {
  const r = prepared.record;
  const key = { namespace: r.facts.publisherNamespace, trackingId: r.facts.trackingId, version: r.facts.version, sha256: r.sha256 };
  const existing = await findDuplicateImport(trx, key);
  if (existing) return { status: 'duplicate', import: existing, failedTests: r.failedTests };
  const record: NewImport = { ...r, importedBy: ctx.actor.userId, createdAt: ctx.clock.now() };
  await insertImport(trx, record);
  await recordAudit(trx, dialect, ctx, {
    action: 'csaf_import.created',
    entityType: 'csaf_import',
    entityId: record.id,
    after: {
      origin: record.origin,
      sha256: record.sha256,
      publisherNamespace: r.facts.publisherNamespace,
      trackingId: r.facts.trackingId,
      version: r.facts.version,
      isValid: record.isValid,
      failedTests: [...new Set(record.failedTests.map((f) => f.test))],
      hashVerified: record.hashVerified,
      signatureVerified: record.signatureVerified,
      products: record.products.length,
      vulnerabilities: record.vulnerabilities.length,
    },
  });
  return { status: record.isValid ? 'imported' : 'refused', import: summaryOf(record), failedTests: record.failedTests };
}

function checkUpload(ctx: RequestContext): void {
  if (!canReadImports(ctx.actor)) throw new AppError('not_found');
  if (!canUploadImports(ctx.actor)) throw new AppError('forbidden');
}

/** Runs `store` in a transaction; a concurrent import of the same document (unique index) becomes a duplicate. */
async function storeOnce(database: DatabaseHandle, ctx: RequestContext, prepared: PreparedImport): Promise<ImportOutcome> {
  try {
    return await database.db.transaction().execute((trx) => storeImport(trx, database.dialect, ctx, prepared));
  } catch (err) {
    const r = prepared.record;
    const existing = await findDuplicateImport(database.db, { namespace: r.facts.publisherNamespace, trackingId: r.facts.trackingId, version: r.facts.version, sha256: r.sha256 });
    if (existing) return { status: 'duplicate', import: existing, failedTests: r.failedTests };
    throw err;
  }
}

/**
 * Imports one CSAF document given as bytes (console upload, CLI): bulletins:write. Bytes that are not JSON are a
 * validation error on `document`; a JSON document is stored, valid or refused, or recognised as a duplicate.
 */
export async function importCsafDocument(database: DatabaseHandle, ctx: RequestContext, bytes: Uint8Array | string, from: ImportOrigin): Promise<ImportOutcome> {
  checkUpload(ctx);
  const prepared = await prepareImport(readCsafBytes(bytes), from);
  return storeOnce(database, ctx, prepared);
}

/** The same for the API, once per Idempotency-Key: 201 for a new import (valid or refused), 200 for a duplicate. */
export async function importCsafDocumentOnce<T>(
  database: DatabaseHandle,
  ctx: RequestContext,
  bytes: string,
  idempotencyKey: string | null,
  serialise: (outcome: ImportOutcome) => T,
): Promise<IdempotentResult<T>> {
  checkUpload(ctx);
  const parsed = readCsafBytes(bytes);
  const prepared = await prepareImport(parsed, { origin: 'api' });
  if (idempotencyKey === null) {
    const outcome = await storeOnce(database, ctx, prepared);
    return { status: outcome.status === 'duplicate' ? 200 : 201, body: serialise(outcome), replayed: false };
  }
  return withIdempotency(
    database.db,
    { actorKey: ctx.actor.userId ?? ctx.actor.label, key: idempotencyKey, scope: 'POST /api/v1/csaf/imports', request: { sha256: parsed.sha256 }, clock: ctx.clock },
    async (trx) => {
      const outcome = await storeImport(trx, database.dialect, ctx, prepared);
      return { status: outcome.status === 'duplicate' ? 200 : 201, body: serialise(outcome) };
    },
  );
}
