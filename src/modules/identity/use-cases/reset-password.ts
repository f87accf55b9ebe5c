import type { RequestContext } from '#src/core/context';
import type { IdentityServices, UserContact } from '#src/modules/identity/identity.types';
import { AppError } from '#src/core/errors';
import { recordAudit } from '#src/core/audit';
import { createTranslator, isLocale } from '#src/core/i18n/i18n';
import { consumeOneTimeToken, findOneTimeToken, invalidateOneTimeTokens } from '#src/modules/identity/one-time-token';
import { checkNewPassword } from '#src/modules/identity/identity.validation';
import { hashPassword } from '#src/modules/identity/password';
import { queueEmail } from '#src/modules/notifications/mailer';
import { findUserContact, revokeUserSessions, setPasswordHash } from '#src/modules/identity/identity.repository';

/** Checks a reset link without using it: the user it belongs to, or not_found (unknown, used, expired, disabled). */
export async function findPasswordResetLink(services: IdentityServices, ctx: RequestContext, token: string): Promise<{ tokenId: string; user: UserContact }> {
  const { database } = services;
  const found = await findOneTimeToken(database.db, 'password_reset', token, ctx.clock.now());
  if (!found || found.userId === null) throw new AppError('not_found');
  const user = await findUserContact(database.db, found.userId);
  if (!user || user.status !== 'active') throw new AppError('not_found');
  return { tokenId: found.id, user };
}

/**
 * Sets a new password through a reset link: the link is used up (once, even under concurrent use), the lockout
 * cleared, every session of the user ended, `user.password_reset` audited and a notice e-mailed, in one transaction.
 */
export async function resetPassword(services: IdentityServices, ctx: RequestContext, input: { token: string; password: string; confirmation: string }): Promise<void> {
  const { database, config, catalogue } = services;
  const { tokenId, user } = await findPasswordResetLink(services, ctx, input.token);
  const errors = checkNewPassword(input.password, input.confirmation, user);
  if (errors.length > 0) throw new AppError('validation_failed', errors);
  const passwordHash = await hashPassword(input.password);
  const now = ctx.clock.now();
  const t = createTranslator(catalogue, isLocale(user.locale) ? user.locale : ctx.locale, config.timezone).t;
  await database.db.transaction().execute(async (trx) => {
    if (!(await consumeOneTimeToken(trx, tokenId, now))) throw new AppError('not_found');
    await setPasswordHash(trx, user.id, passwordHash, now);
    await invalidateOneTimeTokens(trx, 'password_reset', user.id, now);
    const revokedSessions = await revokeUserSessions(trx, user.id, now);
    await recordAudit(trx, database.dialect, ctx, { action: 'user.password_reset', entityType: 'user', entityId: user.id, after: { revokedSessions } });
    const params = { name: user.displayName, site: config.siteName, link: `${config.publicUrl}/password/forgot` };
    await queueEmail(trx, ctx.clock, {
      purpose: 'password_changed',
      to: user.email,
      subject: t('identity.email.changed.subject', params),
      text: [t('identity.email.greeting', params), '', t('identity.email.changed.body', params), '', t('identity.email.changed.not_you', params), '', t('identity.email.signature', params)].join('\n'),
    });
  });
}
