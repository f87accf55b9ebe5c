import type { RequestContext } from '#src/core/context';
import type { IdentityServices, OpenedSession } from '#src/modules/identity/identity.types';
import { AppError } from '#src/core/errors';
import { recordAudit } from '#src/core/audit';
import { isLocked } from '#src/modules/identity/lockout';
import { matchTotp } from '#src/modules/identity/totp';
import { hashRecoveryCode, normaliseRecoveryCode } from '#src/modules/identity/recovery-codes';
import { openMfaSecret } from '#src/modules/identity/mfa-secrets';
import { advanceMfaStep, clearFailedLogins, findMfaState, lockLoginState, revokeSession, useRecoveryCode } from '#src/modules/identity/identity.repository';
import { openSession, provenActor, recordLoginFailure } from '#src/modules/identity/sessions';

/** The second step of signing in: a TOTP code or a recovery code, for the session that passed the password step. */
export interface VerifyMfaInput {
  sessionId: string;
  userId: string;
  code: string;
  recoveryCode: string;
  userAgent: string | null;
}

/**
 * Checks a TOTP code (a time step later than the last one used, so no replay) or an unused recovery code
 * (used up atomically), then replaces the session with a new, MFA-verified one. Failures count toward the
 * same lockout as passwords; a failure that locks the account also ends the pending session.
 */
export async function verifyMfa(services: IdentityServices, ctx: RequestContext, input: VerifyMfaInput): Promise<OpenedSession & { method: 'totp' | 'recovery_code' }> {
  const { database, config } = services;
  const code = input.code.trim();
  const recovery = input.recoveryCode.trim();
  const field = code === '' && recovery !== '' ? 'recovery_code' : 'code';
  if (code === '' && recovery === '') throw AppError.field('code', 'required');

  const state = await findMfaState(database.db, input.userId);
  if (!state || state.sealedSecret === null || state.enabledAt === null) throw new AppError('not_found');
  const now = ctx.clock.now();
  const method = field === 'code' ? ('totp' as const) : ('recovery_code' as const);

  let step: number | null = null;
  if (method === 'totp') {
    const secret = openMfaSecret(config.secret, state.userId, state.sealedSecret, now);
    // A secret that no longer opens means the installation secret changed: an operator problem, not the user's.
    if (secret === null) throw new Error('The stored MFA secret cannot be opened with the installation secret');
    step = matchTotp(secret, code, now, state.lastStep);
  }
  const recoveryCode = method === 'recovery_code' ? normaliseRecoveryCode(recovery) : null;

  const outcome = await database.db.transaction().execute(async (trx) => {
    // The lock is read again under the row lock, so a burst of concurrent guesses cannot all pass a check made
    // before the first of them was counted.
    const fresh = await lockLoginState(trx, state.userId);
    const locked = fresh === null || fresh.status !== 'active' || isLocked(fresh.lockedUntil, now);
    let ok = false;
    if (!locked) {
      if (method === 'totp') ok = step !== null && (await advanceMfaStep(trx, state.userId, step));
      else ok = recoveryCode !== null && (await useRecoveryCode(trx, state.userId, hashRecoveryCode(recoveryCode), now));
    }
    if (!ok) {
      const nowLocked = await recordLoginFailure(trx, database.dialect, ctx, state.userId, locked ? 'locked' : 'wrong_mfa_code');
      if (nowLocked) await revokeSession(trx, input.sessionId, now);
      return null;
    }
    const actorCtx: RequestContext = { ...ctx, actor: provenActor({ id: state.userId, email: state.email, roles: state.roles, organisationId: state.organisationId }) };
    await clearFailedLogins(trx, state.userId);
    await revokeSession(trx, input.sessionId, now);
    const token = await openSession(trx, config, actorCtx, state.userId, { mfaVerified: true, userAgent: input.userAgent });
    const remaining = method === 'recovery_code' ? { remainingRecoveryCodes: state.remainingRecoveryCodes - 1 } : {};
    await recordAudit(trx, database.dialect, actorCtx, { action: 'user.mfa_verified', entityType: 'user', entityId: state.userId, after: { method, ...remaining } });
    return token;
  });
  if (outcome === null) throw AppError.field(field, 'invalid_code');
  return { cookieToken: outcome, userId: state.userId, roles: state.roles, stage: 'full', method };
}
