import type { RequestContext } from '#src/core/context';
import type { IdentityServices, OpenedSession } from '#src/modules/identity/identity.types';
import { AppError } from '#src/core/errors';
import { recordAudit } from '#src/core/audit';
import { verifyPassword } from '#src/modules/identity/password';
import { isLocked } from '#src/modules/identity/lockout';
import { findLoginCandidateByEmail, lockLoginState, recordSuccessfulLogin, revokeSession } from '#src/modules/identity/identity.repository';
import { openSession, provenActor, recordLoginFailure, sessionStage } from '#src/modules/identity/sessions';

/** What the sign-in form sends, plus the browser's current session (replaced on success). */
export interface SignInInput {
  email: string;
  password: string;
  userAgent: string | null;
  currentSessionId: string | null;
}

/** The one answer to every failed sign-in, so the page never reveals whether an account exists, is locked or disabled. */
function invalidCredentials(): AppError {
  return AppError.field('password', 'invalid_credentials');
}

/**
 * Checks an e-mail and password and opens a new session: MFA-pending when the user has MFA, else full (the
 * auth plugin then asks staff without MFA to enrol). Failures count toward the progressive lockout and are
 * audited; unknown addresses are answered identically, after the same password-hashing work.
 */
export async function signIn(services: IdentityServices, ctx: RequestContext, input: SignInInput): Promise<OpenedSession> {
  const { database, config } = services;
  const missing = [
    ...(input.email.trim() === '' ? [{ field: 'email', message: 'required' as const }] : []),
    ...(input.password === '' ? [{ field: 'password', message: 'required' as const }] : []),
  ];
  if (missing.length > 0) throw new AppError('validation_failed', missing);

  const now = ctx.clock.now();
  const candidate = input.email.length <= 320 ? await findLoginCandidateByEmail(database.db, input.email) : null;
  // Always hash: an unknown address costs the same time as a wrong password.
  const passwordOk = await verifyPassword(candidate?.passwordHash ?? null, input.password);
  // Unknown addresses are not audited: what was typed there could be a password.
  if (!candidate) throw invalidCredentials();

  const stage = sessionStage(candidate.roles, candidate.hasMfa, false, config);
  const cookieToken = await database.db.transaction().execute(async (trx) => {
    // Status and lock are read again under the row lock: concurrent guesses are judged one after another.
    const fresh = await lockLoginState(trx, candidate.id);
    const status = fresh?.status ?? 'disabled';
    const refusal = status !== 'active' ? 'disabled' : isLocked(fresh?.lockedUntil ?? null, now) ? 'locked' : !passwordOk ? 'wrong_password' : null;
    if (refusal !== null) {
      await recordLoginFailure(trx, database.dialect, ctx, candidate.id, refusal);
      return null;
    }
    const actorCtx: RequestContext = { ...ctx, actor: provenActor(candidate) };
    if (input.currentSessionId !== null) await revokeSession(trx, input.currentSessionId, now);
    await recordSuccessfulLogin(trx, candidate.id, now, { clearFailures: !candidate.hasMfa });
    const token = await openSession(trx, config, actorCtx, candidate.id, { mfaVerified: false, userAgent: input.userAgent });
    await recordAudit(trx, database.dialect, actorCtx, { action: 'user.login', entityType: 'user', entityId: candidate.id, after: { stage } });
    return token;
  });
  if (cookieToken === null) throw invalidCredentials();
  return { cookieToken, userId: candidate.id, roles: candidate.roles, stage };
}
