import type { RequestContext } from '#src/core/context';
import type { DatabaseHandle } from '#src/db/database';
import { can } from '#src/core/access';
import { AppError } from '#src/core/errors';
import { recordAudit } from '#src/core/audit';
import { newId } from '#src/core/ids';
import { enqueueJob } from '#src/core/jobs/queue';
import { sendEmailJob } from '#src/modules/notifications/mailer';
import { findEmailById, requeueFailedEmail } from '#src/modules/notifications/notifications.repository';

/**
 * Puts a failed e-mail back in the queue with a fresh delivery job (a full new series of attempts), audited in
 * the same transaction. Only a failed message can be retried: others answer `conflict`.
 */
export async function retryEmail(database: DatabaseHandle, ctx: RequestContext, id: string): Promise<void> {
  if (!can(ctx.actor, 'outbox:read')) throw new AppError('forbidden');
  await database.db.transaction().execute(async (trx) => {
    const email = await findEmailById(trx, id);
    if (!email) throw new AppError('not_found');
    if (!(await requeueFailedEmail(trx, id))) throw new AppError('conflict', [], 'email_not_failed');
    await enqueueJob(trx, sendEmailJob, { emailId: id }, { clock: ctx.clock, idempotencyKey: `email:${id}:retry:${newId()}` });
    await recordAudit(trx, database.dialect, ctx, {
      action: 'email.retry',
      entityType: 'email_message',
      entityId: id,
      before: { status: email.status, attempts: email.attempts, lastError: email.lastError },
      after: { status: 'queued', attempts: email.attempts, lastError: email.lastError },
    });
  });
}
