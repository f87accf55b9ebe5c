import { Type } from '@sinclair/typebox';
import type { CsafImportDetail, CsafImportSummary } from '#src/modules/csaf/import/csaf-import.types';
import type { ImportOutcome } from '#src/modules/csaf/import/import-document';
import { PageOf } from '#src/core/pagination';

const Nullable = <T extends import('@sinclair/typebox').TSchema>(t: T) => Type.Union([t, Type.Null()]);

const Finding = Type.Object({ test: Type.String(), path: Type.String(), message: Type.String() });

/** An imported document in lists. */
export const CsafImportSummarySchema = Type.Object({
  id: Type.String(),
  sourceId: Nullable(Type.String()),
  origin: Type.String(),
  sha256: Type.String(),
  publisherNamespace: Nullable(Type.String()),
  publisherName: Nullable(Type.String()),
  trackingId: Nullable(Type.String()),
  version: Nullable(Type.String()),
  category: Nullable(Type.String()),
  title: Nullable(Type.String()),
  lang: Nullable(Type.String()),
  tlp: Nullable(Type.String()),
  currentReleaseDate: Nullable(Type.String({ format: 'date-time' })),
  isValid: Type.Boolean(),
  hashVerified: Type.Boolean(),
  signatureVerified: Type.Boolean(),
  failedTestCount: Type.Integer(),
  createdAt: Type.String({ format: 'date-time' }),
});

/** One imported document with its findings, products and vulnerabilities (not its bytes). */
export const CsafImportDetailSchema = Type.Composite([
  CsafImportSummarySchema,
  Type.Object({
    failedTests: Type.Array(Finding),
    warnings: Type.Array(Finding),
    products: Type.Array(
      Type.Object({ productId: Type.String(), vendor: Nullable(Type.String()), name: Type.String(), version: Nullable(Type.String()), cpe: Nullable(Type.String()), purl: Nullable(Type.String()) }),
    ),
    vulnerabilities: Type.Array(Type.Object({ cve: Nullable(Type.String()), title: Nullable(Type.String()), cvssVector: Nullable(Type.String()), baseScore: Nullable(Type.Number()) })),
  }),
]);

/** The answer to an upload: what it became and the record. */
export const CsafImportOutcomeSchema = Type.Object({
  status: Type.Union([Type.Literal('imported'), Type.Literal('refused'), Type.Literal('duplicate')]),
  failedTests: Type.Array(Finding),
  import: CsafImportSummarySchema,
});

export const CsafImportPage = PageOf(CsafImportSummarySchema);

export const CsafImportListQuery = Type.Object({
  q: Type.Optional(Type.String({ maxLength: 200 })),
  validity: Type.Optional(Type.Union([Type.Literal('valid'), Type.Literal('refused')])),
  publisher: Type.Optional(Type.String({ maxLength: 500 })),
  limit: Type.Optional(Type.Integer({ minimum: 1, maximum: 200 })),
  cursor: Type.Optional(Type.String({ maxLength: 500 })),
});

export const CsafImportParams = Type.Object({ id: Type.String({ maxLength: 64 }) });

export function toImportSummaryJson(s: CsafImportSummary) {
  return {
    id: s.id,
    sourceId: s.sourceId,
    origin: s.origin,
    sha256: s.sha256,
    publisherNamespace: s.publisherNamespace,
    publisherName: s.publisherName,
    trackingId: s.trackingId,
    version: s.version,
    category: s.category,
    title: s.title,
    lang: s.lang,
    tlp: s.tlp,
    currentReleaseDate: s.currentReleaseDate?.toISOString() ?? null,
    isValid: s.isValid,
    hashVerified: s.hashVerified,
    signatureVerified: s.signatureVerified,
    failedTestCount: s.failedTestCount,
    createdAt: s.createdAt.toISOString(),
  };
}

export function toImportDetailJson(d: CsafImportDetail) {
  return {
    ...toImportSummaryJson(d),
    failedTests: d.failedTests,
    warnings: d.warnings,
    products: d.products,
    vulnerabilities: d.vulnerabilities.map((v) => ({ cve: v.cve, title: v.title, cvssVector: v.cvssVector, baseScore: v.baseScore })),
  };
}

export function toImportOutcomeJson(o: ImportOutcome) {
  return { status: o.status, failedTests: o.failedTests, import: toImportSummaryJson(o.import) };
}
