/** The closed set of error codes the application raises, with the HTTP status each maps to. */
export const errorStatus = {
  validation_failed: 400,
  malformed_request: 400,
  unauthenticated: 401,
  forbidden: 403,
  not_found: 404,
  method_not_allowed: 405,
  conflict: 409,
  version_conflict: 409,
  /** Four eyes: a bulletin's author or editor may not approve it. */
  own_bulletin: 403,
  payload_too_large: 413,
  unsupported_media_type: 415,
  idempotency_mismatch: 422,
  rate_limited: 429,
  internal: 500,
  unavailable: 503,
} as const;

export type ErrorCode = keyof typeof errorStatus;

/** A problem with one input field; `message` is an i18n key under `field.` with optional parameters. */
export interface FieldError {
  field: string;
  message: FieldMessage;
  params?: Record<string, string | number>;
}

/** Field-level message keys; each has a translation `field.<key>` in every catalogue. */
export type FieldMessage =
  | 'required'
  | 'invalid'
  | 'invalid_type'
  | 'too_short'
  | 'too_long'
  | 'too_small'
  | 'too_large'
  | 'invalid_email'
  | 'invalid_format'
  | 'invalid_choice'
  | 'unknown_field'
  | 'invalid_utf8'
  | 'password_too_short'
  | 'password_common'
  | 'password_mismatch'
  | 'password_contains_email'
  | 'email_taken'
  | 'invalid_cidr'
  | 'invalid_domain'
  | 'invalid_phone'
  | 'invalid_code'
  | 'invalid_credentials'
  | 'organisation_required'
  | 'organisation_forbidden'
  | 'role_forbidden'
  | 'code_taken'
  | 'acronym_taken'
  | 'invalid_date'
  | 'password_incorrect'
  | 'password_same'
  | 'scope_forbidden'
  | 'date_order'
  | 'roles_mixed'
  | 'cannot_disable_self'
  | 'cannot_remove_own_admin'
  | 'last_admin'
  | 'form_expired'
  | 'invalid_cve'
  | 'invalid_cvss'
  | 'cvss_version_unsupported'
  | 'cvss_version_mismatch'
  | 'invalid_cwe'
  | 'invalid_url'
  | 'invalid_cpe'
  | 'invalid_purl'
  | 'invalid_indicator'
  | 'unknown_reference'
  | 'unknown_recipient'
  | 'term_retired'
  | 'duplicate'
  | 'not_in_future'
  | 'unknown_product'
  | 'too_many_lines'
  | 'invalid_json'
  | 'csaf_source_unusable'
  /** The CSAF document the publication would produce fails a mandatory test (params: test, path, detail). */
  | 'csaf_test_failed';

/** An expected failure: mapped to a status, a localised title and, for validation, per-field messages. */
export class AppError extends Error {
  readonly status: number;
  constructor(
    readonly code: ErrorCode,
    readonly fields: FieldError[] = [],
    readonly detail?: string,
    readonly headers: Record<string, string> = {},
  ) {
    super(detail ?? code);
    this.name = 'AppError';
    this.status = errorStatus[code];
  }

  /** Shorthand for a validation failure on one field. */
  static field(field: string, message: FieldMessage, params?: Record<string, string | number>): AppError {
    return new AppError('validation_failed', [params ? { field, message, params } : { field, message }]);
  }
}

/** Narrowing helper for exhaustive switches. */
export function assertNever(value: never): never {
  throw new Error(`Unexpected value: ${String(value)}`);
}
