import type { RequestContext } from '#src/core/context';
import type { DatabaseHandle } from '#src/db/database';
import type { EmailMessage } from '#src/modules/notifications/notifications.types';
import { can } from '#src/core/access';
import { AppError } from '#src/core/errors';
import { findEmailById } from '#src/modules/notifications/notifications.repository';
import { redactOneTimeLinks } from '#src/modules/notifications/notifications.types';

/**
 * One recorded e-mail with its bodies; not_found when there is none. Read with an API token, the secrets of
 * one-time links are redacted: a token granted `audit:read` (e.g. for a SIEM) must not become a way to take
 * over accounts through their activation, reset or setup links. Signed-in administrators (MFA done) still
 * see the links, which is how a mail kept without SMTP is handed over.
 */
export async function getEmail(database: DatabaseHandle, ctx: RequestContext, id: string): Promise<EmailMessage> {
  if (!can(ctx.actor, 'outbox:read')) throw new AppError('forbidden');
  const email = await findEmailById(database.db, id);
  if (!email) throw new AppError('not_found');
  if (ctx.actor.scopes === null) return email;
  const headers = Object.fromEntries(Object.entries(email.headers).map(([k, v]) => [k, redactOneTimeLinks(v)]));
  return { ...email, text: redactOneTimeLinks(email.text), html: email.html === null ? null : redactOneTimeLinks(email.html), headers };
}
