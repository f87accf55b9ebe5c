import type { RequestContext } from '#src/core/context';
import type { IdentityServices } from '#src/modules/identity/identity.types';
import { AppError } from '#src/core/errors';
import { findMfaState } from '#src/modules/identity/identity.repository';
import { canDisableMfa } from '#src/modules/identity/identity.policy';

/** What the MFA management page shows: whether MFA is on, since when, codes left, and whether it may be turned off. */
export interface MfaStatus {
  enabledAt: Date | null;
  remainingRecoveryCodes: number;
  canDisable: boolean;
}

/** Reads the signed-in user's own MFA status (never the secret). */
export async function getMfaStatus(services: IdentityServices, _ctx: RequestContext, userId: string): Promise<MfaStatus> {
  const state = await findMfaState(services.database.db, userId);
  if (!state) throw new AppError('not_found');
  return {
    enabledAt: state.enabledAt,
    remainingRecoveryCodes: state.enabledAt === null ? 0 : state.remainingRecoveryCodes,
    canDisable: canDisableMfa(state.roles, services.config.mfaRequiredForStaff),
  };
}
