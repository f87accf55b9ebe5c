import type { CsafFinding } from '#src/modules/csaf/csaf.types';
import type { DocumentFacts } from '#src/modules/csaf/import/extract';

/** Limits of the import path: a document larger than this is refused before it is parsed. */
export const csafImportLimits = {
  /** Largest CSAF document accepted (upload, API, fetched), in bytes. */
  documentBytes: 15 * 1024 * 1024,
  /** Largest provider-metadata.json, ROLIE feed, index.txt, changes.csv, key, hash or signature fetched. */
  metadataBytes: 5 * 1024 * 1024,
  /** Documents fetched from one source in one run. */
  documentsPerFetch: 5000,
  /** How long one HTTP request may take, in milliseconds. */
  fetchTimeoutMs: 20_000,
  /** Findings kept per document (failing tests, warnings): a huge list is cut with a last entry saying so. */
  findings: 1000,
} as const;

/** What an import became: stored as valid, stored as refused (with the failing tests), or already there. */
export type ImportStatus = 'imported' | 'refused' | 'duplicate';

/** One product of an imported document (from branches, full_product_names or relationships). */
export interface ImportedProduct {
  productId: string;
  vendor: string | null;
  name: string;
  version: string | null;
  cpe: string | null;
  purl: string | null;
}

/** One vulnerability of an imported document, in document order. */
export interface ImportedVulnerability {
  position: number;
  cve: string | null;
  title: string | null;
  /** CVSS v3 vector string of the first v3 score (3.1 preferred). */
  cvssVector: string | null;
  baseScore: number | null;
}

/** An imported document as lists show it. */
export interface CsafImportSummary extends DocumentFacts {
  id: string;
  sourceId: string | null;
  origin: string;
  sha256: string;
  isValid: boolean;
  hashVerified: boolean;
  signatureVerified: boolean;
  failedTestCount: number;
  importedBy: string | null;
  createdAt: Date;
}

/** An imported document with everything its detail page shows. */
export interface CsafImportDetail extends CsafImportSummary {
  failedTests: CsafFinding[];
  warnings: CsafFinding[];
  products: ImportedProduct[];
  vulnerabilities: ImportedVulnerability[];
  /** The document's exact bytes as received. */
  content: string;
}

/** Filters of the imports list. */
export interface ImportFilters {
  q?: string | undefined;
  /** valid or refused. */
  validity?: 'valid' | 'refused' | undefined;
  /** Exact publisher name. */
  publisher?: string | undefined;
}

/** The kinds of source an administrator can register. */
export const csafSourceKinds = ['provider-metadata', 'rolie-feed'] as const;
export type CsafSourceKind = (typeof csafSourceKinds)[number];

/** The outcome of one document in a source fetch. */
export type FetchOutcome = 'imported' | 'refused' | 'duplicate' | 'unreachable' | 'bad_hash' | 'bad_signature' | 'invalid_json' | 'too_large' | 'not_allowed';

/** What happened to one document of a source during the last fetch. */
export interface FetchResult {
  url: string;
  outcome: FetchOutcome;
  importId: string | null;
  /** Why, for failures (in English: it comes from the network or the validator). */
  message: string;
}

/** A provider an administrator registered. */
export interface CsafSource {
  id: string;
  url: string;
  kind: CsafSourceKind;
  name: string;
  /** Armored OpenPGP public keys (from provider-metadata.json, or given at registration). */
  publicKeys: string[];
  status: 'active' | 'disabled';
  lastFetchedAt: Date | null;
  lastError: string | null;
  /** Per-document results of the last fetch. */
  lastResults: FetchResult[];
  createdAt: Date;
  updatedAt: Date;
}
