import type { DatabaseHandle } from '#src/db/database';
import type { RequestContext } from '#src/core/context';
import type { BulletinComment } from '#src/modules/bulletins/bulletins.types';
import { AppError } from '#src/core/errors';
import { newId } from '#src/core/ids';
import { recordAudit } from '#src/core/audit';
import { canCommentOnBulletins, canReadBulletins } from '#src/modules/bulletins/bulletins.policy';
import { findBulletinById, insertComment } from '#src/modules/bulletins/bulletins.repository';
import { checkCommentBody } from '#src/modules/bulletins/use-cases/request-changes';

/** Adds a review comment to a bulletin (any staff member who reads bulletins), audited as `bulletin.commented`. */
export async function commentOnBulletin(database: DatabaseHandle, ctx: RequestContext, id: string, body: string): Promise<BulletinComment> {
  if (!canReadBulletins(ctx.actor)) throw new AppError('not_found');
  // Reading is enough to see the thread; writing in it needs the write scope when an API token is used.
  if (!canCommentOnBulletins(ctx.actor)) throw new AppError('forbidden');
  return database.db.transaction().execute(async (trx) => {
    const bulletin = await findBulletinById(trx, id);
    if (!bulletin) throw new AppError('not_found');
    if (ctx.actor.userId === null) throw new AppError('forbidden');
    const text = checkCommentBody(body, 'body');
    const authorName = (await trx.selectFrom('user_account').select('display_name').where('id', '=', ctx.actor.userId).executeTakeFirst())?.display_name ?? ctx.actor.label;
    const comment: BulletinComment = { id: newId(), bulletinId: id, authorId: ctx.actor.userId, authorName, kind: 'comment', body: text, createdAt: ctx.clock.now() };
    await insertComment(trx, comment);
    await recordAudit(trx, database.dialect, ctx, { action: 'bulletin.commented', entityType: 'bulletin', entityId: id, after: { commentId: comment.id, kind: comment.kind, length: text.length } });
    return comment;
  });
}
