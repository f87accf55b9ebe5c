import type { DatabaseHandle } from '#src/db/database';
import type { RequestContext } from '#src/core/context';
import type { FieldError } from '#src/core/errors';
import type { ProfileSnapshot } from '#src/modules/identity/account.types';
import { AppError } from '#src/core/errors';
import { recordAudit } from '#src/core/audit';
import { isLocale } from '#src/core/i18n/i18n';
import { hasControlCharacters } from '#src/core/validation';
import { DISPLAY_NAME_MAX } from '#src/modules/identity/account.types';
import { requireOwnAccount } from '#src/modules/identity/account.policy';
import { findAccountOwner, saveProfile } from '#src/modules/identity/account.repository';

/** What the profile form sends: a display name and a language code, '' meaning "follow the browser". */
export interface UpdateProfileInput {
  displayName: string;
  locale: string;
}

/** Checks the profile form and returns the normalised values, or throws every field error at once. */
export function validateProfile(input: UpdateProfileInput): ProfileSnapshot {
  const errors: FieldError[] = [];
  const displayName = input.displayName.trim().replace(/\s+/gu, ' ');
  const length = [...displayName].length;
  if (length === 0) errors.push({ field: 'displayName', message: 'required' });
  else if (length > DISPLAY_NAME_MAX) errors.push({ field: 'displayName', message: 'too_long', params: { max: DISPLAY_NAME_MAX } });
  else if (hasControlCharacters(displayName)) errors.push({ field: 'displayName', message: 'invalid' });
  const locale = input.locale.trim();
  if (locale !== '' && !isLocale(locale)) errors.push({ field: 'locale', message: 'invalid_choice' });
  if (errors.length > 0) throw new AppError('validation_failed', errors);
  return { displayName, locale: isLocale(locale) ? locale : null };
}

/**
 * Updates the signed-in user's display name and preferred language (audited as `user.profile_updated`).
 * The language takes effect on the next request, since the auth hook reads it from the account.
 * Returns the profile as saved; nothing is written when nothing changed.
 */
export async function updateProfile(database: DatabaseHandle, ctx: RequestContext, input: UpdateProfileInput): Promise<ProfileSnapshot> {
  const userId = requireOwnAccount(ctx);
  const after = validateProfile(input);
  return database.db.transaction().execute(async (trx) => {
    const owner = await findAccountOwner(trx, userId);
    if (!owner) throw new AppError('not_found');
    const before: ProfileSnapshot = { displayName: owner.displayName, locale: isLocale(owner.locale) ? owner.locale : null };
    if (before.displayName === after.displayName && before.locale === after.locale) return after;
    await saveProfile(trx, userId, after, ctx.clock.now());
    await recordAudit(trx, database.dialect, ctx, { action: 'user.profile_updated', entityType: 'user', entityId: userId, before, after });
    return after;
  });
}
