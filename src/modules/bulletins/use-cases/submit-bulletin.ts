import type { DatabaseHandle } from '#src/db/database';
import type { RequestContext } from '#src/core/context';
import type { Bulletin } from '#src/modules/bulletins/bulletins.types';
import { AppError } from '#src/core/errors';
import { canWriteBulletins } from '#src/modules/bulletins/bulletins.policy';
import { checkBulletinComplete } from '#src/modules/bulletins/bulletins.validation';
import { writeBulletin } from '#src/modules/bulletins/bulletins.repository';
import { auditTransition, loadForChange } from '#src/modules/bulletins/use-cases/workflow-support';

/**
 * Sends a draft to review (draft → in_review) once it is complete (otherwise validation_failed naming every missing
 * field). Optimistic locking on `version`; audited as `bulletin.submitted`.
 */
export async function submitBulletin(database: DatabaseHandle, ctx: RequestContext, id: string, version: number): Promise<Bulletin> {
  return database.db.transaction().execute(async (trx) => {
    const before = await loadForChange(trx, database.dialect, ctx, id, version, ['draft']);
    if (!canWriteBulletins(ctx.actor)) throw new AppError('forbidden');
    if (before.publication === 'withdrawn') throw new AppError('conflict', [], 'bulletin is withdrawn');
    const errors = checkBulletinComplete(before, before.draft);
    if (errors.length > 0) throw new AppError('validation_failed', errors);
    const after: Bulletin = { ...before, state: 'in_review', submittedBy: ctx.actor.userId, updatedAt: ctx.clock.now(), version: before.version + 1 };
    if (!(await writeBulletin(trx, after, version))) throw new AppError('version_conflict');
    await auditTransition(trx, database.dialect, ctx, 'bulletin.submitted', before, after);
    return after;
  });
}
