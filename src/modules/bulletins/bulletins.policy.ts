import type { Actor } from '#src/core/access';
import type { Bulletin } from '#src/modules/bulletins/bulletins.types';
import { can } from '#src/core/access';

/** True when the actor may read bulletins in the console: drafts, reviews, history (CERT staff). */
export function canReadBulletins(actor: Actor): boolean {
  return can(actor, 'bulletins:read');
}

/** True when the actor may comment on bulletins (staff; an API token needs the write scope). */
export function canCommentOnBulletins(actor: Actor): boolean {
  return can(actor, 'bulletins:comment');
}

/** True when the actor may write, save and submit bulletins (authors, coordinators, administrators). */
export function canWriteBulletins(actor: Actor): boolean {
  return can(actor, 'bulletins:write');
}

/** True when the actor may review: request changes, approve (not their own work), publish, close, withdraw. */
export function canReviewBulletins(actor: Actor): boolean {
  return can(actor, 'bulletins:review');
}

/**
 * Four eyes: the author of a bulletin and anyone who edited its current working copy may not approve it. The system
 * actor (scheduled work) never approves. `editors` are the user ids that created or saved the working copy.
 */
export function isOwnWork(actor: Actor, bulletin: Pick<Bulletin, 'authorId'>, editors: ReadonlySet<string>): boolean {
  if (actor.userId === null) return true;
  return actor.userId === bulletin.authorId || editors.has(actor.userId);
}
