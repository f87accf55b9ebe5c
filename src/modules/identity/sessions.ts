import type { Tx, Dialect } from '#src/db/database';
import type { RequestContext } from '#src/core/context';
import type { Actor, Role } from '#src/core/access';
import type { Config } from '#src/config/config';
import type { LoginFailureReason, SessionStage } from '#src/modules/identity/identity.types';
import { isStaffRole } from '#src/core/access';
import { recordAudit } from '#src/core/audit';
import { hashToken, randomToken } from '#src/core/ids';
import { incrementFailedLogins, insertSession, lockUser } from '#src/modules/identity/identity.repository';
import { lockDurationMs } from '#src/modules/identity/lockout';

/** Where a session stands, by the same rule the auth plugin applies on every request. */
export function sessionStage(roles: readonly Role[], hasMfa: boolean, mfaVerified: boolean, config: Pick<Config, 'mfaRequiredForStaff'>): SessionStage {
  if (mfaVerified) return 'full';
  if (hasMfa) return 'mfa-pending';
  if (config.mfaRequiredForStaff && roles.some(isStaffRole)) return 'mfa-setup-required';
  return 'full';
}

/** The actor for audit events of a user who has just proved who they are (the request itself was anonymous). */
export function provenActor(user: { id: string; email: string; roles: readonly Role[]; organisationId: string | null }): Actor {
  return { kind: 'user', userId: user.id, label: user.email, roles: user.roles, organisationId: user.organisationId, scopes: null };
}

/**
 * Opens a new session in the caller's transaction and returns the cookie token; only its SHA-256 is stored,
 * so a database leak yields no usable cookie. A fresh token on every sign-in step prevents session fixation.
 */
export async function openSession(
  trx: Tx,
  config: Pick<Config, 'sessionTtlHours'>,
  ctx: RequestContext,
  userId: string,
  options: { mfaVerified: boolean; userAgent: string | null },
): Promise<string> {
  const token = randomToken(32);
  const now = ctx.clock.now();
  await insertSession(trx, {
    id: hashToken(token),
    userId,
    now,
    expiresAt: new Date(now.getTime() + config.sessionTtlHours * 3600_000),
    ip: ctx.ip,
    userAgent: options.userAgent === null ? null : options.userAgent.slice(0, 500),
    mfaVerifiedAt: options.mfaVerified ? now : null,
  });
  return token;
}

/**
 * Records a failed attempt on an existing account: counts it (unless the account is already locked or
 * disabled), locks the account from the fifth consecutive failure, and audits both. Never records what was typed.
 * Returns true when this failure locked the account.
 */
export async function recordLoginFailure(trx: Tx, dialect: Dialect, ctx: RequestContext, userId: string, reason: LoginFailureReason): Promise<boolean> {
  const now = ctx.clock.now();
  let failedLoginCount: number | null = null;
  let lockedUntil: Date | null = null;
  if (reason === 'wrong_password' || reason === 'wrong_mfa_code') {
    failedLoginCount = await incrementFailedLogins(trx, userId);
    const lockMs = lockDurationMs(failedLoginCount);
    if (lockMs > 0) {
      lockedUntil = new Date(now.getTime() + lockMs);
      await lockUser(trx, userId, lockedUntil);
    }
  }
  await recordAudit(trx, dialect, ctx, {
    action: 'user.login_failed',
    entityType: 'user',
    entityId: userId,
    after: failedLoginCount === null ? { reason } : { reason, failedLoginCount },
  });
  if (lockedUntil !== null) {
    await recordAudit(trx, dialect, ctx, { action: 'user.locked', entityType: 'user', entityId: userId, after: { lockedUntil: lockedUntil.toISOString(), failedLoginCount } });
    return true;
  }
  return false;
}
