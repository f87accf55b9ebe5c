import type { RequestContext } from '#src/core/context';
import type { User } from '#src/modules/identity/users.types';
import type { UsersDeps } from '#src/modules/identity/use-cases/user-input';
import { AppError } from '#src/core/errors';
import { recordAudit } from '#src/core/audit';
import { auditSnapshot } from '#src/modules/identity/users.types';
import { findUserById, setUserStatus } from '#src/modules/identity/users.repository';

/**
 * Enables a disabled account the actor may manage. Sessions and API tokens revoked when it was disabled stay
 * revoked. Enabling an active account changes nothing.
 */
export async function enableUser(deps: UsersDeps, ctx: RequestContext, userId: string): Promise<User> {
  const { database } = deps;
  return database.db.transaction().execute(async (trx) => {
    const current = await findUserById(trx, ctx.actor, userId);
    if (!current) throw new AppError('not_found');
    if (current.status === 'active') return current;
    await setUserStatus(trx, current.id, 'active', ctx.clock.now());
    const updated = await findUserById(trx, ctx.actor, current.id);
    if (!updated) throw new AppError('not_found');
    await recordAudit(trx, database.dialect, ctx, { action: 'user.enabled', entityType: 'user', entityId: current.id, before: auditSnapshot(current), after: auditSnapshot(updated) });
    return updated;
  });
}
