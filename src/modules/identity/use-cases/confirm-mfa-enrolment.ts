import type { RequestContext } from '#src/core/context';
import type { IdentityServices } from '#src/modules/identity/identity.types';
import { AppError } from '#src/core/errors';
import { recordAudit } from '#src/core/audit';
import { newId } from '#src/core/ids';
import { matchTotp } from '#src/modules/identity/totp';
import { generateRecoveryCodes, hashRecoveryCode } from '#src/modules/identity/recovery-codes';
import { openPendingEnrolment, sealMfaSecret } from '#src/modules/identity/mfa-secrets';
import { enableMfa, findMfaState, replaceRecoveryCodes, revokeSession } from '#src/modules/identity/identity.repository';
import { openSession, provenActor } from '#src/modules/identity/sessions';

/** The enrolment form: the sealed pending secret and the first code the authenticator shows. */
export interface ConfirmMfaEnrolmentInput {
  sessionId: string;
  userId: string;
  pending: string;
  code: string;
  userAgent: string | null;
}

/** The result of an enrolment: the new session's cookie and the recovery codes, shown once and never again. */
export interface ConfirmedMfaEnrolment {
  cookieToken: string;
  recoveryCodes: string[];
}

/**
 * Confirms an enrolment with a code from the pending secret, then in one transaction: stores the secret
 * sealed, issues ten recovery codes (hashed), replaces the session with an MFA-verified one, and audits
 * `user.mfa_enabled` (without the secret).
 */
export async function confirmMfaEnrolment(services: IdentityServices, ctx: RequestContext, input: ConfirmMfaEnrolmentInput): Promise<ConfirmedMfaEnrolment> {
  const { database, config } = services;
  const now = ctx.clock.now();
  const secret = openPendingEnrolment(config.secret, input.userId, input.pending, now);
  if (secret === null) throw AppError.field('code', 'form_expired');
  if (input.code.trim() === '') throw AppError.field('code', 'required');
  const step = matchTotp(secret, input.code, now, null);
  if (step === null) throw AppError.field('code', 'invalid_code');

  const recoveryCodes = generateRecoveryCodes();
  const cookieToken = await database.db.transaction().execute(async (trx) => {
    const state = await findMfaState(trx, input.userId);
    if (!state) throw new AppError('not_found');
    // A staff member enrolling before their first full sign-in is not yet an actor of the request: name them.
    const actorCtx: RequestContext = { ...ctx, actor: provenActor({ id: state.userId, email: state.email, roles: state.roles, organisationId: state.organisationId }) };
    if (!(await enableMfa(trx, input.userId, sealMfaSecret(config.secret, input.userId, secret), step, now))) throw new AppError('conflict');
    await replaceRecoveryCodes(trx, input.userId, recoveryCodes.map(hashRecoveryCode), now, newId);
    await revokeSession(trx, input.sessionId, now);
    const token = await openSession(trx, config, actorCtx, input.userId, { mfaVerified: true, userAgent: input.userAgent });
    await recordAudit(trx, database.dialect, actorCtx, {
      action: 'user.mfa_enabled',
      entityType: 'user',
      entityId: input.userId,
      before: { mfaEnabled: false },
      after: { mfaEnabled: true, method: 'totp', recoveryCodes: recoveryCodes.length },
    });
    return token;
  });
  return { cookieToken, recoveryCodes };
}
