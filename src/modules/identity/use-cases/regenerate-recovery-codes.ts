import type { RequestContext } from '#src/core/context';
import type { IdentityServices } from '#src/modules/identity/identity.types';
import { AppError } from '#src/core/errors';
import { recordAudit } from '#src/core/audit';
import { newId } from '#src/core/ids';
import { generateRecoveryCodes, hashRecoveryCode } from '#src/modules/identity/recovery-codes';
import { findMfaState, replaceRecoveryCodes } from '#src/modules/identity/identity.repository';

/** Replaces a user's recovery codes with ten new ones (the old ones stop working) and returns them, to show once. */
export async function regenerateRecoveryCodes(services: IdentityServices, ctx: RequestContext, userId: string): Promise<string[]> {
  const { database } = services;
  const codes = generateRecoveryCodes();
  await database.db.transaction().execute(async (trx) => {
    const state = await findMfaState(trx, userId);
    if (!state) throw new AppError('not_found');
    if (state.enabledAt === null) throw new AppError('conflict');
    await replaceRecoveryCodes(trx, userId, codes.map(hashRecoveryCode), ctx.clock.now(), newId);
    await recordAudit(trx, database.dialect, ctx, {
      action: 'user.recovery_codes_regenerated',
      entityType: 'user',
      entityId: userId,
      before: { remainingRecoveryCodes: state.remainingRecoveryCodes },
      after: { remainingRecoveryCodes: codes.length },
    });
  });
  return codes;
}
