import type { DbTime } from '#src/db/core.tables';

export interface CsafSigningKeyTable {
  id: string;
  fingerprint: string;
  /** Armored OpenPGP public key. */
  public_key: string;
  /** Armored OpenPGP private key, encrypted with RIBAT_CSAF_KEY_PASSPHRASE. */
  private_key: string;
  /** The key's user id, e.g. "Ribat CSAF <csaf@cert.example>". */
  user_id: string;
  /** 1 for the signing key in use (one at a time), 0 for retired ones. */
  active: number;
  created_at: DbTime;
}

export interface CsafDocumentTable {
  id: string;
  bulletin_id: string;
  revision_number: number;
  language: string;
  tracking_id: string;
  /** CSAF file name (section 5.1), e.g. `ribat-2026-bul-0001.json`. */
  file_name: string;
  /** Year of `initial_release_date`: the provider's folder. */
  year: number;
  /** TLP v1 label as CSAF 2.0 writes it: WHITE, GREEN, AMBER, RED. */
  tlp: string;
  version: string;
  /** `document.title`, kept beside the bytes so the indexes and feeds need not parse every document. */
  title: string;
  initial_release_date: DbTime;
  current_release_date: DbTime;
  /** The exact bytes served (UTF-8 JSON). */
  content: string;
  sha256: string;
  sha512: string;
  /** Armored detached OpenPGP signature of `content`. */
  signature: string;
  signing_key_id: string;
  created_at: DbTime;
}

export interface CsafSourceTable {
  id: string;
  url: string;
  /** provider-metadata or rolie-feed. */
  kind: string;
  name: string;
  /** JSON array of armored public keys (from the metadata's public_openpgp_keys, fetched at registration). */
  public_keys: string;
  /** active or disabled. */
  status: string;
  last_fetched_at: DbTime | null;
  last_error: string | null;
  /** JSON array of { url, outcome, importId, message }: what happened to each document in the last fetch. */
  last_results: string;
  created_at: DbTime;
  updated_at: DbTime;
}

export interface CsafImportTable {
  id: string;
  source_id: string | null;
  /** `upload:<file name>` or the URL fetched. */
  origin: string;
  sha256: string;
  publisher_namespace: string | null;
  publisher_name: string | null;
  tracking_id: string | null;
  version: string | null;
  category: string | null;
  title: string | null;
  lang: string | null;
  tlp: string | null;
  current_release_date: DbTime | null;
  is_valid: number;
  hash_verified: number;
  signature_verified: number;
  /** JSON array of { test, path, message }. */
  failed_tests: string;
  warnings: string;
  /** Folded text (foldForSearch) of title, notes, products and CVEs. */
  search_text: string;
  content: string;
  imported_by: string | null;
  created_at: DbTime;
}

export interface CsafImportProductTable {
  import_id: string;
  product_id: string;
  vendor: string | null;
  name: string;
  version: string | null;
  cpe: string | null;
  purl: string | null;
}

export interface CsafImportVulnerabilityTable {
  import_id: string;
  position: number;
  cve: string | null;
  title: string | null;
  cvss_vector: string | null;
  base_score: number | null;
}
