import type { Config } from '#src/config/config';
import type { DatabaseHandle, DbOrTx } from '#src/db/database';
import type { FieldError } from '#src/core/errors';
import type { Locale } from '#src/core/i18n/i18n';
import type { Role } from '#src/core/access';
import { isRole } from '#src/core/access';
import { isLocale } from '#src/core/i18n/i18n';
import { hasControlCharacters, isValidEmail, normaliseEmail } from '#src/core/validation';
import { findOrganisationRef } from '#src/modules/identity/users.repository';

/** What the user-administration use cases need besides the request context. */
export interface UsersDeps {
  database: DatabaseHandle;
  config: Pick<Config, 'publicUrl' | 'siteName' | 'timezone'>;
}

/** Longest display name accepted. */
export const DISPLAY_NAME_MAX_LENGTH = 200;

/** How long an invitation (activation link) stays valid. */
export const ACTIVATION_TTL_MS = 7 * 24 * 3600 * 1000;

/** Normalises and checks an e-mail address; pushes a field error on `email` when unusable. */
export function readEmail(value: string, errors: FieldError[]): string {
  const email = normaliseEmail(value);
  if (email === '') errors.push({ field: 'email', message: 'required' });
  else if (!isValidEmail(email)) errors.push({ field: 'email', message: 'invalid_email' });
  return email;
}

/** Trims and checks a display name; pushes a field error on `displayName` when unusable. */
export function readDisplayName(value: string, errors: FieldError[]): string {
  const name = value.trim().replace(/\s+/g, ' ');
  if (name === '') errors.push({ field: 'displayName', message: 'required' });
  else if (name.length > DISPLAY_NAME_MAX_LENGTH) errors.push({ field: 'displayName', message: 'too_long', params: { max: DISPLAY_NAME_MAX_LENGTH } });
  else if (hasControlCharacters(name)) errors.push({ field: 'displayName', message: 'invalid' });
  return name;
}

/** Checks role names (an unknown one is an `invalid_choice` on `roles`) and removes duplicates. */
export function readRoles(values: readonly string[], errors: FieldError[]): Role[] {
  const roles: Role[] = [];
  for (const value of values) {
    if (!isRole(value)) {
      errors.push({ field: 'roles', message: 'invalid_choice' });
      return [];
    }
    if (!roles.includes(value)) roles.push(value);
  }
  return roles;
}

/** Checks an optional interface language. */
export function readLocale(value: string | null | undefined, errors: FieldError[]): Locale | null {
  if (value === null || value === undefined || value === '') return null;
  if (!isLocale(value)) {
    errors.push({ field: 'locale', message: 'invalid_choice' });
    return null;
  }
  return value;
}

/** Pushes `invalid_choice` on `organisationId` when the organisation does not exist. */
export async function checkOrganisationExists(db: DbOrTx, organisationId: string | null, errors: FieldError[]): Promise<void> {
  if (organisationId === null || errors.some((e) => e.field === 'organisationId')) return;
  if ((await findOrganisationRef(db, organisationId)) === null) errors.push({ field: 'organisationId', message: 'invalid_choice' });
}
