import type { RequestContext } from '#src/core/context';
import type { User } from '#src/modules/identity/users.types';
import type { UsersDeps } from '#src/modules/identity/use-cases/user-input';
import { AppError } from '#src/core/errors';
import { recordAudit } from '#src/core/audit';
import { toDbTime } from '#src/core/time';
import { auditSnapshot } from '#src/modules/identity/users.types';
import { findUserById, revokeUserSessions } from '#src/modules/identity/users.repository';

/**
 * Removes the authenticator and recovery codes of a user who lost both (an administrator, or the manager of
 * the user's organisation). The user's sessions end; at the next sign-in, staff must enrol again. Resetting
 * one's own MFA goes through the account page instead, which asks for the password.
 */
export async function resetUserMfa(deps: UsersDeps, ctx: RequestContext, userId: string): Promise<User> {
  const { database } = deps;
  return database.db.transaction().execute(async (trx) => {
    const current = await findUserById(trx, ctx.actor, userId);
    if (!current) throw new AppError('not_found');
    if (current.id === ctx.actor.userId) throw AppError.field('mfa', 'invalid');
    if (!current.hasMfa) return current;
    const now = ctx.clock.now();
    await trx
      .updateTable('user_account')
      .set((eb) => ({ mfa_secret: null, mfa_enabled_at: null, mfa_last_step: null, updated_at: toDbTime(now), version: eb('version', '+', 1) }))
      .where('id', '=', current.id)
      .execute();
    await trx.deleteFrom('recovery_code').where('user_id', '=', current.id).execute();
    const revokedSessions = await revokeUserSessions(trx, current.id, now);
    const updated = await findUserById(trx, ctx.actor, current.id);
    if (!updated) throw new AppError('not_found');
    await recordAudit(trx, database.dialect, ctx, {
      action: 'user.mfa_reset',
      entityType: 'user',
      entityId: current.id,
      before: auditSnapshot(current),
      after: { ...auditSnapshot(updated), revokedSessions },
    });
    return updated;
  });
}
