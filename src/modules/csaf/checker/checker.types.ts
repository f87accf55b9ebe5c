/** The three issuing-party roles of CSAF 2.0 section 7.2 that a provider-metadata.json may claim. */
export type CsafRole = 'csaf_publisher' | 'csaf_provider' | 'csaf_trusted_provider';

export const CSAF_ROLES: readonly CsafRole[] = ['csaf_publisher', 'csaf_provider', 'csaf_trusted_provider'];

/** A distribution requirement of CSAF 2.0 section 7.1 (1–20: the ones that concern issuing parties). */
export type RequirementNumber = 1 | 2 | 3 | 4 | 5 | 6 | 7 | 8 | 9 | 10 | 11 | 12 | 13 | 14 | 15 | 16 | 17 | 18 | 19 | 20;

/** What the checker concluded about one requirement. */
export type RequirementStatus = 'pass' | 'fail' | 'not_applicable';

/** The verdict on one requirement, with the reason a person can act on. */
export interface RequirementResult {
  requirement: RequirementNumber;
  title: string;
  status: RequirementStatus;
  /** One sentence: why this status. */
  reason: string;
  /** The individual problems (one per file or entry), capped; empty when there are none. */
  details: string[];
  /** Deviations from SHOULD rules: reported, never a failure. */
  warnings: string[];
  /** Whether the claimed role needs this requirement (for 8–10: needs one of them). */
  mandatory: boolean;
}

/** The checker's whole report for one provider. */
export interface CheckReport {
  /** The argument as given. */
  target: string;
  /** Where provider-metadata.json was found, or null. */
  providerMetadataUrl: string | null;
  /** The role used for the verdict: claimed in provider-metadata.json, forced by option, or csaf_publisher. */
  role: CsafRole;
  /** Where the role comes from. */
  roleSource: 'metadata' | 'option' | 'default';
  results: RequirementResult[];
  /** Requirements the role needs that are not satisfied (for groups: the group's members). */
  unmetRequirements: RequirementNumber[];
  /** True when every requirement the role needs is satisfied. */
  isCompliant: boolean;
  /** Documents examined (after the --max-documents cap). */
  documentsChecked: number;
  /** Plain notes about the run (cap reached, plain HTTP allowed, hosts not fetched). */
  notes: string[];
}

/** Options of one run. */
export interface CheckOptions {
  /** Allow http:// URLs (tests, local servers); requirement 3 then reports what it sees. */
  allowHttp: boolean;
  /** Per-request timeout in milliseconds. */
  timeoutMs: number;
  /** Largest body accepted, in bytes. */
  maxBytes: number;
  /** Largest number of documents examined. */
  maxDocuments: number;
  /** Hosts (host[:port]) besides the target's own that may be fetched. */
  extraHosts: string[];
  /** Check against this role instead of the claimed one. */
  role: CsafRole | null;
}

export const DEFAULT_CHECK_OPTIONS: CheckOptions = {
  allowHttp: false,
  timeoutMs: 15_000,
  maxBytes: 16 * 1024 * 1024,
  maxDocuments: 1000,
  extraHosts: [],
  role: null,
};
