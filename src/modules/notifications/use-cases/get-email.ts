import type { RequestContext } from '#src/core/context';
import type { DatabaseHandle } from '#src/db/database';
import type { EmailMessage } from '#src/modules/notifications/notifications.types';
import { can } from '#src/core/access';
import { AppError } from '#src/core/errors';
import { findEmailById } from '#src/modules/notifications/notifications.repository';

/** One recorded e-mail with its bodies; not_found when there is none. */
export async function getEmail(database: DatabaseHandle, ctx: RequestContext, id: string): Promise<EmailMessage> {
  if (!can(ctx.actor, 'outbox:read')) throw new AppError('forbidden');
  const email = await findEmailById(database.db, id);
  if (!email) throw new AppError('not_found');
  return email;
}
