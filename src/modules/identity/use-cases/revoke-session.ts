import type { DatabaseHandle } from '#src/db/database';
import type { RequestContext } from '#src/core/context';
import type { UserSession } from '#src/modules/identity/account.types';
import { AppError } from '#src/core/errors';
import { recordAudit } from '#src/core/audit';
import { requireOwnAccount, requireWriteAccess } from '#src/modules/identity/account.policy';
import { revokeOtherSessions as revokeAllBut, revokeSessionByPublicId } from '#src/modules/identity/account.repository';
import { sessionPublicId } from '#src/modules/identity/account.types';

/** What revoking sessions needs: the database and the idle limit that decides which sessions are alive. */
export interface RevokeSessionDeps {
  database: DatabaseHandle;
  idleMinutes: number;
}

/**
 * Signs one of the signed-in user's sessions out, by its public id (audited as `session.revoked`). A session
 * of someone else, or one already ended, is not found. Revoking the current session signs the caller out.
 */
export async function revokeSession(deps: RevokeSessionDeps, ctx: RequestContext, publicId: string, currentSessionKey: string | null): Promise<UserSession> {
  const userId = requireOwnAccount(ctx);
  requireWriteAccess(ctx.actor);
  if (!/^[0-9a-f]{16}$/.test(publicId)) throw new AppError('not_found');
  return deps.database.db.transaction().execute(async (trx) => {
    const session = await revokeSessionByPublicId(trx, userId, publicId, { now: ctx.clock.now(), idleMinutes: deps.idleMinutes, currentSessionKey });
    if (!session) throw new AppError('not_found');
    await recordAudit(trx, deps.database.dialect, ctx, {
      action: 'session.revoked',
      entityType: 'session',
      entityId: session.publicId,
      before: { userId, ip: session.ip, createdAt: session.createdAt.toISOString() },
      after: { revoked: true },
    });
    return session;
  });
}

/**
 * Signs out every other session of the signed-in user, keeping the one making the request (audited as
 * `session.others_revoked` with the count). Returns how many sessions were closed.
 */
export async function revokeOtherSessions(deps: RevokeSessionDeps, ctx: RequestContext, currentSessionKey: string | null): Promise<number> {
  const userId = requireOwnAccount(ctx);
  requireWriteAccess(ctx.actor);
  return deps.database.db.transaction().execute(async (trx) => {
    const count = await revokeAllBut(trx, userId, currentSessionKey, ctx.clock.now());
    if (count > 0) {
      await recordAudit(trx, deps.database.dialect, ctx, {
        action: 'session.others_revoked',
        entityType: 'user',
        entityId: userId,
        after: { revokedSessions: count, kept: currentSessionKey === null ? null : sessionPublicId(currentSessionKey) },
      });
    }
    return count;
  });
}
