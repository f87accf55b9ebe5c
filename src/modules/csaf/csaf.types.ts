import type { BulletinLanguage } from '#src/modules/bulletins/bulletins.types';

/** TLP as CSAF 2.0 writes it (TLP v1): CLEAR becomes WHITE; AMBER+STRICT becomes AMBER with a distribution text. */
export type CsafTlp = 'WHITE' | 'GREEN' | 'AMBER' | 'RED';

/** A CSAF document as JSON (the internal model stays the bulletin; this is an output format). */
export type CsafJson = Record<string, unknown>;

/** One document ready to be signed and stored: built from a bulletin revision in one language. */
export interface PreparedCsafDocument {
  bulletinId: string;
  revisionNumber: number;
  language: BulletinLanguage;
  trackingId: string;
  /** csafFileName(trackingId). */
  fileName: string;
  /** Year of initial_release_date (UTC): the provider folder. */
  year: number;
  tlp: CsafTlp;
  /** tracking.version (integer versioning: "1", "2", …). */
  version: string;
  initialReleaseDate: Date;
  currentReleaseDate: Date;
  document: CsafJson;
  /** The exact bytes to sign, hash and serve: keys sorted, UTF-8, final newline. */
  bytes: string;
}

/** One test result of the validator: which test, where (JSON pointer), and its message. */
export interface CsafFinding {
  /** `schema`, or a test number such as `6.1.8`. */
  test: string;
  path: string;
  message: string;
}

/** What the validator said about one document. */
export interface CsafValidation {
  isValid: boolean;
  /** Strict schema and mandatory tests (6.1.x): any one makes the document invalid. */
  errors: CsafFinding[];
  /** Optional tests (6.2.x). */
  warnings: CsafFinding[];
  /** Informative tests (6.3.x) that need no network. */
  infos: CsafFinding[];
}
