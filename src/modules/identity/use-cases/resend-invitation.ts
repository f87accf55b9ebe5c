import type { Tx } from '#src/db/database';
import type { RequestContext } from '#src/core/context';
import type { Locale } from '#src/core/i18n/i18n';
import type { User } from '#src/modules/identity/users.types';
import type { UsersDeps } from '#src/modules/identity/use-cases/user-input';
import { AppError } from '#src/core/errors';
import { recordAudit } from '#src/core/audit';
import { createTranslator } from '#src/core/i18n/i18n';
import { issueOneTimeToken } from '#src/modules/identity/one-time-token';
import { queueEmail } from '#src/modules/notifications/mailer';
import { usersMessages } from '#src/modules/identity/users.messages';
import { findUserById } from '#src/modules/identity/users.repository';
import { ACTIVATION_TTL_MS } from '#src/modules/identity/use-cases/user-input';

/** The account an invitation is for. */
export interface Invitee {
  id: string;
  email: string;
  displayName: string;
  locale: Locale | null;
}

/**
 * Issues a fresh activation token (earlier ones stop working) and queues the invitation e-mail in the
 * invitee's language, in the caller's transaction. Returns the activation URL.
 */
export async function sendInvitation(trx: Tx, deps: UsersDeps, ctx: RequestContext, invitee: Invitee): Promise<string> {
  const now = ctx.clock.now();
  const token = await issueOneTimeToken(trx, 'activation', invitee.id, now, ACTIVATION_TTL_MS);
  const url = `${deps.config.publicUrl}/activate/${token}`;
  const i18n = createTranslator(usersMessages, invitee.locale ?? ctx.locale, deps.config.timezone);
  const expires = i18n.formatDateTime(new Date(now.getTime() + ACTIVATION_TTL_MS));
  await queueEmail(trx, ctx.clock, {
    purpose: 'user.invitation',
    to: invitee.email,
    subject: i18n.t('users.invitation.subject', { site: deps.config.siteName }),
    text: i18n.t('users.invitation.body', { name: invitee.displayName, site: deps.config.siteName, email: invitee.email, url, expires }),
  });
  return url;
}

/**
 * Sends a new invitation to an account that has never been activated (the previous link stops working).
 * An account outside the actor's scope is not found; an activated or disabled one is a conflict.
 */
export async function resendInvitation(deps: UsersDeps, ctx: RequestContext, userId: string): Promise<User> {
  const { database } = deps;
  return database.db.transaction().execute(async (trx) => {
    const user = await findUserById(trx, ctx.actor, userId);
    if (!user) throw new AppError('not_found');
    if (user.isActivated || user.status !== 'active') throw new AppError('conflict', [{ field: 'status', message: 'invalid' }]);
    await sendInvitation(trx, deps, ctx, user);
    await recordAudit(trx, database.dialect, ctx, { action: 'user.invitation_sent', entityType: 'user', entityId: user.id, after: { email: user.email } });
    return user;
  });
}
