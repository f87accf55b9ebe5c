import type { DatabaseHandle } from '#src/db/database';
import type { RequestContext } from '#src/core/context';
import type { AuditEvent } from '#src/modules/audit/audit.types';
import type { Bulletin, BulletinComment, BulletinRevision } from '#src/modules/bulletins/bulletins.types';
import { AppError } from '#src/core/errors';
import { canReadBulletins } from '#src/modules/bulletins/bulletins.policy';
import { findBulletinById, findComments, findRevisions } from '#src/modules/bulletins/bulletins.repository';
import { findAuditEvents } from '#src/modules/audit/audit.repository';

/** A bulletin as the console shows it: working copy, published revisions (newest first), comments, history. */
export interface ConsoleBulletin {
  bulletin: Bulletin;
  revisions: BulletinRevision[];
  comments: BulletinComment[];
  /** The audit events of this bulletin, oldest first. */
  history: AuditEvent[];
}

/** One bulletin for staff (bulletins:read); 404 when absent or when the actor may not read bulletins. */
export async function getConsoleBulletin(database: DatabaseHandle, ctx: RequestContext, id: string): Promise<ConsoleBulletin> {
  if (!canReadBulletins(ctx.actor)) throw new AppError('not_found');
  const bulletin = await findBulletinById(database.db, id);
  if (!bulletin) throw new AppError('not_found');
  const [revisions, comments, history] = await Promise.all([
    findRevisions(database.db, id, bulletin.kind),
    findComments(database.db, id),
    findAuditEvents(database.db, { entityType: 'bulletin', entityId: id }, { limit: 500, beforeSeq: null }),
  ]);
  return { bulletin, revisions, comments, history: history.reverse() };
}
