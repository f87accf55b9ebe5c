import { Type } from '@sinclair/typebox';
import type { DbOrTx } from '#src/db/database';
import type { Clock } from '#src/core/time';
import type { JobDeps } from '#src/jobs';
import { defineJob, enqueueJob } from '#src/core/jobs/queue';
import { sendBulletinNotifications } from '#src/modules/notifications/use-cases/send-bulletin-notifications';

/**
 * Sends a published revision to everyone entitled and interested: subscribers whose filters match (TLP:CLEAR
 * only) and the security officers of the constituent organisations the revision is meant for. Safe to run again:
 * each recipient gets at most one e-mail per revision (bulletin_delivery).
 */
export const bulletinNotifyJob = defineJob({
  kind: 'bulletin.notify',
  version: 1,
  schema: Type.Object({ revisionId: Type.String({ minLength: 1, maxLength: 64 }) }),
  maxAttempts: 10,
  handle: async (payload, deps: JobDeps) => {
    await sendBulletinNotifications(deps, payload.revisionId);
  },
});

/** Enqueues the send run of a revision in the publishing transaction (once per revision). */
export async function enqueueBulletinNotification(trx: DbOrTx, clock: Clock, revisionId: string, runAt?: Date): Promise<void> {
  await enqueueJob(trx, bulletinNotifyJob, { revisionId }, { clock, idempotencyKey: `bulletin.notify:${revisionId}`, ...(runAt ? { runAt } : {}) });
}
