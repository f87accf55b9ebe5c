import type { RequestContext } from '#src/core/context';
import type { IdentityServices } from '#src/modules/identity/identity.types';
import { AppError } from '#src/core/errors';
import { recordAudit } from '#src/core/audit';
import { createTranslator, isLocale } from '#src/core/i18n/i18n';
import { issueOneTimeToken } from '#src/modules/identity/one-time-token';
import { queueEmail } from '#src/modules/notifications/mailer';
import { findUserContactByEmail } from '#src/modules/identity/identity.repository';
import { isPlausibleEmail } from '#src/modules/identity/identity.validation';

/** How long a password reset link works. */
export const PASSWORD_RESET_TTL_MS = 3600 * 1000;

/**
 * Sends a single-use reset link (valid one hour) to an active account, in the user's language, in the same
 * transaction as the token. Unknown or disabled addresses get nothing, and the caller answers the same either
 * way, so the form does not reveal who has an account.
 */
export async function requestPasswordReset(services: IdentityServices, ctx: RequestContext, input: { email: string }): Promise<void> {
  const { database, config, catalogue } = services;
  const email = input.email.trim();
  if (email === '') throw AppError.field('email', 'required');
  if (!isPlausibleEmail(email)) throw AppError.field('email', 'invalid_email');
  const user = await findUserContactByEmail(database.db, email);
  if (!user || user.status !== 'active') return;
  const now = ctx.clock.now();
  const locale = isLocale(user.locale) ? user.locale : ctx.locale;
  const t = createTranslator(catalogue, locale, config.timezone).t;
  await database.db.transaction().execute(async (trx) => {
    const token = await issueOneTimeToken(trx, 'password_reset', user.id, now, PASSWORD_RESET_TTL_MS);
    const link = `${config.publicUrl}/password/reset/${token}`;
    const params = { name: user.displayName, site: config.siteName, link };
    await queueEmail(trx, ctx.clock, {
      purpose: 'password_reset',
      to: user.email,
      subject: t('identity.email.reset.subject', params),
      text: [t('identity.email.greeting', params), '', t('identity.email.reset.intro', params), '', link, '', t('identity.email.reset.expiry'), '', t('identity.email.reset.ignore'), '', t('identity.email.signature', params)].join('\n'),
    });
    await recordAudit(trx, database.dialect, ctx, { action: 'user.password_reset_requested', entityType: 'user', entityId: user.id, after: { expiresAt: new Date(now.getTime() + PASSWORD_RESET_TTL_MS).toISOString() } });
  });
}
