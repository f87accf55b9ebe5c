import type { DatabaseHandle } from '#src/db/database';
import type { RequestContext } from '#src/core/context';
import type { Bulletin } from '#src/modules/bulletins/bulletins.types';
import { AppError } from '#src/core/errors';
import { newId } from '#src/core/ids';
import { canReviewBulletins, isOwnWork } from '#src/modules/bulletins/bulletins.policy';
import { findWorkingCopyEditors, insertComment, writeBulletin } from '#src/modules/bulletins/bulletins.repository';
import { auditTransition, loadForChange } from '#src/modules/bulletins/use-cases/workflow-support';
import { checkCommentBody } from '#src/modules/bulletins/use-cases/request-changes';

/**
 * Approves a bulletin in review (in_review → approved). Four eyes: its author, and anyone who created or saved the
 * current working copy (read from the audit trail), get AppError('own_bulletin'). An optional comment is kept as an
 * 'approval' comment. Reviewers only; optimistic locking; audited as `bulletin.approved`.
 */
export async function approveBulletin(database: DatabaseHandle, ctx: RequestContext, id: string, version: number, comment?: string): Promise<Bulletin> {
  return database.db.transaction().execute(async (trx) => {
    const before = await loadForChange(trx, database.dialect, ctx, id, version, ['in_review']);
    if (!canReviewBulletins(ctx.actor) || ctx.actor.userId === null) throw new AppError('forbidden');
    const editors = await findWorkingCopyEditors(trx, id);
    if (isOwnWork(ctx.actor, before, editors)) throw new AppError('own_bulletin');
    const body = comment !== undefined && comment.trim() !== '' ? checkCommentBody(comment) : null;
    const now = ctx.clock.now();
    const after: Bulletin = { ...before, state: 'approved', approvedBy: ctx.actor.userId, approvedAt: now, updatedAt: now, version: before.version + 1 };
    if (!(await writeBulletin(trx, after, version))) throw new AppError('version_conflict');
    if (body !== null) await insertComment(trx, { id: newId(), bulletinId: id, authorId: ctx.actor.userId, kind: 'approval', body, createdAt: now });
    await auditTransition(trx, database.dialect, ctx, 'bulletin.approved', before, after);
    return after;
  });
}
