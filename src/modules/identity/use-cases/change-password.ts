import type { DatabaseHandle } from '#src/db/database';
import type { Config } from '#src/config/config';
import type { RequestContext } from '#src/core/context';
import type { FieldError } from '#src/core/errors';
import type { Messages } from '#src/core/i18n/i18n';
import { AppError } from '#src/core/errors';
import { recordAudit } from '#src/core/audit';
import { createTranslator, isLocale } from '#src/core/i18n/i18n';
import { PASSWORD_MAX_LENGTH, checkPassword } from '#src/modules/identity/password-policy';
import { hashPassword, verifyPassword } from '#src/modules/identity/password';
import { queueEmail } from '#src/modules/notifications/mailer';
import { invalidateOneTimeTokens } from '#src/modules/identity/one-time-token';
import { requireOwnAccount } from '#src/modules/identity/account.policy';
import { findAccountOwner, findPasswordHash, revokeOtherSessions, savePasswordHash } from '#src/modules/identity/account.repository';

/** What changing a password needs besides the database: the catalogue and settings for the notice e-mail. */
export interface ChangePasswordDeps {
  database: DatabaseHandle;
  catalogue: Messages<string>;
  config: Pick<Config, 'siteName' | 'publicUrl' | 'timezone' | 'securityContact'>;
}

/** The password form, and the session making the request (kept open; every other one is closed). */
export interface ChangePasswordInput {
  currentPassword: string;
  newPassword: string;
  confirmPassword: string;
  currentSessionKey: string | null;
}

/** How the change went: how many other sessions were closed. */
export interface ChangePasswordResult {
  revokedSessions: number;
}

/**
 * Changes the signed-in user's password after checking the current one and the policy, then closes every
 * other session of the user (a thief's included), audits `user.password_changed` and queues a notice e-mail,
 * all in one transaction. Argon2 work happens before the transaction so no write lock is held meanwhile.
 */
export async function changePassword(deps: ChangePasswordDeps, ctx: RequestContext, input: ChangePasswordInput): Promise<ChangePasswordResult> {
  const { database } = deps;
  const userId = requireOwnAccount(ctx);
  // Only a browser session may change the password: an API token must not be able to take over the account.
  if (ctx.actor.scopes !== null) throw new AppError('forbidden');
  const owner = await findAccountOwner(database.db, userId);
  if (!owner || !owner.isActive) throw new AppError('not_found');

  const errors: FieldError[] = [];
  if (input.currentPassword === '') errors.push({ field: 'currentPassword', message: 'required' });
  if (input.newPassword === '') {
    errors.push({ field: 'newPassword', message: 'required' });
  } else {
    const problem = checkPassword(input.newPassword, { email: owner.email, displayName: owner.displayName });
    if (problem !== null) errors.push(problem === 'too_long' ? { field: 'newPassword', message: problem, params: { max: PASSWORD_MAX_LENGTH } } : { field: 'newPassword', message: problem });
  }
  if (input.confirmPassword === '') errors.push({ field: 'confirmPassword', message: 'required' });
  else if (input.newPassword !== '' && input.confirmPassword !== input.newPassword) errors.push({ field: 'confirmPassword', message: 'password_mismatch' });

  const oldHash = await findPasswordHash(database.db, userId);
  if (input.currentPassword !== '') {
    // Always verified (even when other fields are wrong), so the answer time does not depend on them.
    const isCurrentRight = await verifyPassword(oldHash, input.currentPassword);
    if (!isCurrentRight) errors.unshift({ field: 'currentPassword', message: 'password_incorrect' });
    else if (input.newPassword === input.currentPassword && !errors.some((e) => e.field === 'newPassword')) {
      errors.push({ field: 'newPassword', message: 'password_same' });
    }
  }
  if (errors.length > 0) throw new AppError('validation_failed', errors);
  if (oldHash === null) throw new AppError('conflict');

  const newHash = await hashPassword(input.newPassword);
  const now = ctx.clock.now();
  return database.db.transaction().execute(async (trx) => {
    // Conditional on the hash we verified: a concurrent change wins and this one is refused.
    if (!(await savePasswordHash(trx, userId, oldHash, newHash, now))) throw new AppError('conflict');
    const revokedSessions = await revokeOtherSessions(trx, userId, input.currentSessionKey, now);
    await invalidateOneTimeTokens(trx, 'password_reset', userId, now);
    await recordAudit(trx, database.dialect, ctx, {
      action: 'user.password_changed',
      entityType: 'user',
      entityId: userId,
      after: { passwordChangedAt: now.toISOString(), revokedSessions },
    });
    const locale = isLocale(owner.locale) ? owner.locale : ctx.locale;
    const t = createTranslator(deps.catalogue, locale, deps.config.timezone);
    const params = {
      name: owner.displayName,
      site: deps.config.siteName,
      date: t.formatDateTime(now),
      ip: ctx.ip ?? '—',
      sessions: revokedSessions,
      url: `${deps.config.publicUrl}/account`,
      contact: deps.config.securityContact.replace(/^mailto:/, ''),
    };
    await queueEmail(trx, ctx.clock, {
      purpose: 'password_changed',
      to: owner.email,
      subject: t.t('account.email.password_changed.subject', params),
      text: t.t('account.email.password_changed.body', params),
    });
    return { revokedSessions };
  });
}
