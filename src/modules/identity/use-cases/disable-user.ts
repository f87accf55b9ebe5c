import type { RequestContext } from '#src/core/context';
import type { User } from '#src/modules/identity/users.types';
import type { UsersDeps } from '#src/modules/identity/use-cases/user-input';
import { AppError } from '#src/core/errors';
import { recordAudit } from '#src/core/audit';
import { auditSnapshot } from '#src/modules/identity/users.types';
import { checkDisable } from '#src/modules/identity/users.policy';
import {
  countOtherActiveAdmins,
  findUserById,
  lockAdministratorChanges,
  revokeUserApiTokens,
  revokeUserSessions,
  setUserStatus,
} from '#src/modules/identity/users.repository';

export interface DisableUserResult {
  user: User;
  revokedSessions: number;
  revokedTokens: number;
}

/**
 * Disables an account the actor may manage and, in the same transaction, revokes all its sessions and API
 * tokens, so it is signed out everywhere at once. Nobody disables themselves, and the last active
 * administrator stays. Disabling a disabled account changes nothing.
 */
export async function disableUser(deps: UsersDeps, ctx: RequestContext, userId: string): Promise<DisableUserResult> {
  const { database } = deps;
  return database.db.transaction().execute(async (trx) => {
    await lockAdministratorChanges(trx, database.dialect);
    const current = await findUserById(trx, ctx.actor, userId);
    if (!current) throw new AppError('not_found');
    const otherActiveAdmins = current.roles.includes('admin') ? await countOtherActiveAdmins(trx, current.id) : 0;
    const refusal = checkDisable(ctx.actor, { userId: current.id, roles: current.roles, status: current.status, otherActiveAdmins });
    if (refusal) throw new AppError('conflict', [refusal]);
    if (current.status === 'disabled') return { user: current, revokedSessions: 0, revokedTokens: 0 };

    const now = ctx.clock.now();
    const revokedSessions = await revokeUserSessions(trx, current.id, now);
    const revokedTokens = await revokeUserApiTokens(trx, current.id, now);
    await setUserStatus(trx, current.id, 'disabled', now);
    const updated = await findUserById(trx, ctx.actor, current.id);
    if (!updated) throw new AppError('not_found');
    await recordAudit(trx, database.dialect, ctx, {
      action: 'user.disabled',
      entityType: 'user',
      entityId: current.id,
      before: auditSnapshot(current),
      after: { ...auditSnapshot(updated), revokedSessions, revokedTokens },
    });
    return { user: updated, revokedSessions, revokedTokens };
  });
}
