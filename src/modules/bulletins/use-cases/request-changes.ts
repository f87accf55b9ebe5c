import type { DatabaseHandle } from '#src/db/database';
import type { RequestContext } from '#src/core/context';
import type { Bulletin } from '#src/modules/bulletins/bulletins.types';
import { AppError } from '#src/core/errors';
import { newId } from '#src/core/ids';
import { canReviewBulletins } from '#src/modules/bulletins/bulletins.policy';
import { bulletinLimits, hasNonTextControl } from '#src/modules/bulletins/bulletins.validation';
import { insertComment, writeBulletin } from '#src/modules/bulletins/bulletins.repository';
import { auditTransition, loadForChange } from '#src/modules/bulletins/use-cases/workflow-support';

/** Checks a comment body: required, bounded. */
export function checkCommentBody(body: unknown, field = 'comment'): string {
  const text = typeof body === 'string' ? body.trim() : '';
  if (text === '') throw AppError.field(field, 'required');
  if (text.length > bulletinLimits.comment) throw AppError.field(field, 'too_long', { max: bulletinLimits.comment });
  if (hasNonTextControl(text)) throw AppError.field(field, 'invalid');
  return text;
}

/**
 * Sends a bulletin in review back to its author (in_review → draft) with a comment saying what to change (kind
 * 'changes_requested'). Reviewers only; optimistic locking; audited as `bulletin.changes_requested`.
 */
export async function requestChanges(database: DatabaseHandle, ctx: RequestContext, id: string, comment: string, version: number): Promise<Bulletin> {
  return database.db.transaction().execute(async (trx) => {
    const before = await loadForChange(trx, database.dialect, ctx, id, version, ['in_review']);
    if (!canReviewBulletins(ctx.actor) || ctx.actor.userId === null) throw new AppError('forbidden');
    const body = checkCommentBody(comment);
    const now = ctx.clock.now();
    const after: Bulletin = { ...before, state: 'draft', submittedBy: null, updatedAt: now, version: before.version + 1 };
    if (!(await writeBulletin(trx, after, version))) throw new AppError('version_conflict');
    const commentId = newId();
    await insertComment(trx, { id: commentId, bulletinId: id, authorId: ctx.actor.userId, kind: 'changes_requested', body, createdAt: now });
    await auditTransition(trx, database.dialect, ctx, 'bulletin.changes_requested', before, after, { commentId });
    return after;
  });
}
