import type { DatabaseHandle } from '#src/db/database';
import type { RequestContext } from '#src/core/context';
import type { Bulletin } from '#src/modules/bulletins/bulletins.types';
import { AppError } from '#src/core/errors';
import { canReviewBulletins } from '#src/modules/bulletins/bulletins.policy';
import { writeBulletin } from '#src/modules/bulletins/bulletins.repository';
import { auditTransition, loadForChange } from '#src/modules/bulletins/use-cases/workflow-support';

/**
 * Cancels a scheduled publication (scheduled → approved): the queued job then finds nothing to do. Reviewers only;
 * optimistic locking; audited as `bulletin.schedule_cancelled`.
 */
export async function cancelScheduledPublication(database: DatabaseHandle, ctx: RequestContext, id: string, version: number): Promise<Bulletin> {
  return database.db.transaction().execute(async (trx) => {
    const before = await loadForChange(trx, database.dialect, ctx, id, version, ['scheduled']);
    if (!canReviewBulletins(ctx.actor)) throw new AppError('forbidden');
    const after: Bulletin = { ...before, state: 'approved', scheduledAt: null, updatedAt: ctx.clock.now(), version: before.version + 1 };
    if (!(await writeBulletin(trx, after, version))) throw new AppError('version_conflict');
    await auditTransition(trx, database.dialect, ctx, 'bulletin.schedule_cancelled', before, after);
    return after;
  });
}
