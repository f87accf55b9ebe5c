import type { RequestContext } from '#src/core/context';
import type { DatabaseHandle } from '#src/db/database';
import type { EmailFilter, EmailMessage, EmailStatus } from '#src/modules/notifications/notifications.types';
import { can } from '#src/core/access';
import { AppError } from '#src/core/errors';
import { decodeCursor, toPage, type Page } from '#src/core/pagination';
import { findEmails } from '#src/modules/notifications/notifications.repository';

/** The outbox list request. */
export interface ListEmailsInput {
  status?: EmailStatus;
  recipient?: string;
  limit?: number;
  cursor?: string;
}

/** A page of recorded e-mails, newest first, for holders of `outbox:read`. */
export async function listEmails(database: DatabaseHandle, ctx: RequestContext, input: ListEmailsInput): Promise<Page<EmailMessage>> {
  if (!can(ctx.actor, 'outbox:read')) throw new AppError('forbidden');
  const cursor = decodeCursor(input.cursor);
  const limit = input.limit ?? 50;
  const filter: EmailFilter = {};
  if (input.status) filter.status = input.status;
  const recipient = input.recipient?.trim();
  if (recipient) filter.recipient = recipient;
  const rows = await findEmails(database.db, filter, { limit, beforeId: cursor?.id ?? null });
  return toPage(rows, limit, (last) => ({ k: null, id: last.id }));
}
