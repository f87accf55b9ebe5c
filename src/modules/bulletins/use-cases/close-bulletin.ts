import type { DatabaseHandle } from '#src/db/database';
import type { RequestContext } from '#src/core/context';
import type { Bulletin } from '#src/modules/bulletins/bulletins.types';
import { AppError } from '#src/core/errors';
import { canReviewBulletins } from '#src/modules/bulletins/bulletins.policy';
import type { Config } from '#src/config/config';
import { lifecycleSummary, publishLifecycleRevision } from '#src/modules/bulletins/use-cases/publish-bulletin';
import { auditTransition, loadForChange } from '#src/modules/bulletins/use-cases/workflow-support';

/**
 * Marks a published alert closed (the exploitation episode is over): it stays public, shown as closed, with a new
 * revision "Alert closed" (its CSAF documents become `final`). Alerts only; reviewers only; optimistic locking;
 * audited as `bulletin.closed`.
 */
export async function closeBulletin(database: DatabaseHandle, config: Config, ctx: RequestContext, id: string, version: number): Promise<Bulletin> {
  return database.db.transaction().execute(async (trx) => {
    const before = await loadForChange(trx, database.dialect, ctx, id, version, null);
    if (!canReviewBulletins(ctx.actor)) throw new AppError('forbidden');
    if (before.kind !== 'alert') throw new AppError('conflict', [], 'only alerts are closed');
    if (before.publication !== 'published') throw new AppError('conflict', [], `bulletin is ${before.publication}`);
    const now = ctx.clock.now();
    const after: Bulletin = { ...before, publication: 'closed', closedAt: now, updatedAt: now, version: before.version + 1 };
    const published = await publishLifecycleRevision(trx, database.dialect, config, ctx, before, after, lifecycleSummary(config, before, 'bulletins.revision.closed'));
    await auditTransition(trx, database.dialect, ctx, 'bulletin.closed', before, published);
    return published;
  });
}
