import type { DatabaseHandle } from '#src/db/database';
import type { RequestContext } from '#src/core/context';
import type { Bulletin } from '#src/modules/bulletins/bulletins.types';
import { AppError } from '#src/core/errors';
import { canReviewBulletins } from '#src/modules/bulletins/bulletins.policy';
import type { Config } from '#src/config/config';
import { lifecycleSummary, publishLifecycleRevision } from '#src/modules/bulletins/use-cases/publish-bulletin';
import { checkCommentBody } from '#src/modules/bulletins/use-cases/request-changes';
import { auditTransition, loadForChange } from '#src/modules/bulletins/use-cases/workflow-support';

/**
 * Withdraws a published (or closed) bulletin with a reason: it stays at its address with a notice and the reason,
 * but leaves lists, feeds, search and the CVE and product indexes; it can no longer be edited or republished. A new
 * revision "Withdrawn: <reason>" is published, so its CSAF documents get a version that carries the withdrawal.
 * Reviewers only; optimistic locking; audited as `bulletin.withdrawn` with the reason.
 */
export async function withdrawBulletin(database: DatabaseHandle, config: Config, ctx: RequestContext, id: string, version: number, reason: string): Promise<Bulletin> {
  return database.db.transaction().execute(async (trx) => {
    const before = await loadForChange(trx, database.dialect, ctx, id, version, null);
    if (!canReviewBulletins(ctx.actor)) throw new AppError('forbidden');
    if (before.publication !== 'published' && before.publication !== 'closed') throw new AppError('conflict', [], `bulletin is ${before.publication}`);
    const withdrawalReason = checkCommentBody(reason, 'reason');
    const now = ctx.clock.now();
    const after: Bulletin = { ...before, publication: 'withdrawn', withdrawnAt: now, withdrawalReason, scheduledAt: null, state: before.state === 'scheduled' ? 'approved' : before.state, updatedAt: now, version: before.version + 1 };
    const published = await publishLifecycleRevision(trx, database.dialect, config, ctx, before, after, lifecycleSummary(config, before, 'bulletins.revision.withdrawn', { reason: withdrawalReason }));
    await auditTransition(trx, database.dialect, ctx, 'bulletin.withdrawn', before, published, { reason: withdrawalReason });
    return published;
  });
}
