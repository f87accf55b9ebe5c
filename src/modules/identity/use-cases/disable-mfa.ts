import type { RequestContext } from '#src/core/context';
import type { IdentityServices } from '#src/modules/identity/identity.types';
import { AppError } from '#src/core/errors';
import { recordAudit } from '#src/core/audit';
import { canDisableMfa } from '#src/modules/identity/identity.policy';
import { verifyPassword } from '#src/modules/identity/password';
import { disableMfa as removeMfa, findMfaState } from '#src/modules/identity/identity.repository';

/**
 * Turns MFA off after checking the current password: removes the sealed secret and the recovery codes and
 * audits `user.mfa_disabled`. Refused for staff while MFA is required for them.
 */
export async function disableMfa(services: IdentityServices, ctx: RequestContext, input: { userId: string; password: string }): Promise<void> {
  const { database, config } = services;
  const state = await findMfaState(database.db, input.userId);
  if (!state) throw new AppError('not_found');
  if (!canDisableMfa(state.roles, config.mfaRequiredForStaff)) throw new AppError('forbidden');
  if (state.enabledAt === null) throw new AppError('conflict');
  if (input.password === '') throw AppError.field('password', 'required');
  if (!(await verifyPassword(state.passwordHash, input.password))) throw AppError.field('password', 'password_incorrect');
  await database.db.transaction().execute(async (trx) => {
    await removeMfa(trx, input.userId, ctx.clock.now());
    await recordAudit(trx, database.dialect, ctx, { action: 'user.mfa_disabled', entityType: 'user', entityId: input.userId, before: { mfaEnabled: true }, after: { mfaEnabled: false } });
  });
}
