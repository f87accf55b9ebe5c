import { sql } from 'kysely';
import type { DbOrTx } from '#src/db/database';
import type { LoginCandidate, MfaState, UserContact, UserStatus } from '#src/modules/identity/identity.types';
import { isRole, type Role } from '#src/core/access';
import { fromDbTimeOrNull, toDbTime } from '#src/core/time';

/** The form of an e-mail address used for lookups and storage: trimmed, lower-cased. */
export function normaliseEmail(email: string): string {
  return email.trim().toLowerCase();
}

async function rolesOf(db: DbOrTx, userId: string): Promise<Role[]> {
  const rows = await db.selectFrom('user_role').select('role').where('user_id', '=', userId).orderBy('role').execute();
  return rows.map((r) => r.role).filter(isRole);
}

function toStatus(value: string): UserStatus {
  return value === 'active' ? 'active' : 'disabled';
}

/** Finds the account an e-mail address signs in to (case-insensitively), with what sign-in needs to decide. */
export async function findLoginCandidateByEmail(db: DbOrTx, email: string): Promise<LoginCandidate | null> {
  const row = await db
    .selectFrom('user_account')
    .select(['id', 'email', 'display_name', 'password_hash', 'status', 'organisation_id', 'locale', 'failed_login_count', 'locked_until', 'mfa_enabled_at'])
    .where((eb) => eb(eb.fn<string>('lower', ['email']), '=', normaliseEmail(email)))
    .executeTakeFirst();
  if (!row) return null;
  return {
    id: row.id,
    email: row.email,
    displayName: row.display_name,
    passwordHash: row.password_hash,
    status: toStatus(row.status),
    roles: await rolesOf(db, row.id),
    organisationId: row.organisation_id,
    locale: row.locale,
    failedLoginCount: Number(row.failed_login_count),
    lockedUntil: fromDbTimeOrNull(row.locked_until),
    hasMfa: row.mfa_enabled_at !== null,
  };
}

/** Counts one more consecutive failure, atomically, and returns the new count. */
export async function incrementFailedLogins(trx: DbOrTx, userId: string): Promise<number> {
  const row = await trx
    .updateTable('user_account')
    .set({ failed_login_count: sql<number>`failed_login_count + 1` })
    .where('id', '=', userId)
    .returning('failed_login_count')
    .executeTakeFirstOrThrow();
  return Number(row.failed_login_count);
}

/** Locks an account until an instant. */
export async function lockUser(trx: DbOrTx, userId: string, until: Date): Promise<void> {
  await trx.updateTable('user_account').set({ locked_until: toDbTime(until) }).where('id', '=', userId).execute();
}

/** Clears the failure count and any lock, after a successful step. */
export async function clearFailedLogins(trx: DbOrTx, userId: string): Promise<void> {
  await trx.updateTable('user_account').set({ failed_login_count: 0, locked_until: null }).where('id', '=', userId).execute();
}

/**
 * Records a successful password step and sets the last sign-in time. The failure count and lock are cleared
 * only when the password is the last factor: for a user with MFA they are cleared by the MFA step, or anyone
 * holding the password could reset the count between batches of guessed codes and never be locked out.
 */
export async function recordSuccessfulLogin(trx: DbOrTx, userId: string, now: Date, options: { clearFailures: boolean }): Promise<void> {
  const base = { last_login_at: toDbTime(now) };
  await trx
    .updateTable('user_account')
    .set(options.clearFailures ? { ...base, failed_login_count: 0, locked_until: null } : base)
    .where('id', '=', userId)
    .execute();
}

/**
 * Re-reads an account's status and lock inside the caller's transaction, through a no-op update so that
 * PostgreSQL holds the row lock until commit (SQLite runs one write transaction at a time). Concurrent
 * sign-in or MFA attempts thereby see each other's failures: a burst of guesses cannot all pass the lock
 * check read before the first of them was counted. Null when the account no longer exists.
 */
export async function lockLoginState(trx: DbOrTx, userId: string): Promise<{ status: UserStatus; lockedUntil: Date | null } | null> {
  const row = await trx
    .updateTable('user_account')
    .set({ failed_login_count: sql<number>`failed_login_count` })
    .where('id', '=', userId)
    .returning(['status', 'locked_until'])
    .executeTakeFirst();
  return row ? { status: toStatus(row.status), lockedUntil: fromDbTimeOrNull(row.locked_until) } : null;
}

/** A session row to insert; `id` is the SHA-256 of the cookie token, which is never stored. */
export interface NewSession {
  id: string;
  userId: string;
  now: Date;
  expiresAt: Date;
  ip: string | null;
  userAgent: string | null;
  mfaVerifiedAt: Date | null;
}

/** Inserts a session. */
export async function insertSession(trx: DbOrTx, session: NewSession): Promise<void> {
  await trx
    .insertInto('session')
    .values({
      id: session.id,
      user_id: session.userId,
      created_at: toDbTime(session.now),
      last_seen_at: toDbTime(session.now),
      expires_at: toDbTime(session.expiresAt),
      ip: session.ip,
      user_agent: session.userAgent,
      mfa_verified_at: session.mfaVerifiedAt ? toDbTime(session.mfaVerifiedAt) : null,
      revoked_at: null,
    })
    .execute();
}

/** Revokes one session (no-op when already revoked); returns whether it was live. */
export async function revokeSession(trx: DbOrTx, sessionId: string, now: Date): Promise<boolean> {
  const result = await trx.updateTable('session').set({ revoked_at: toDbTime(now) }).where('id', '=', sessionId).where('revoked_at', 'is', null).executeTakeFirst();
  return Number(result.numUpdatedRows) === 1;
}

/** Revokes every live session of a user; returns how many were revoked. */
export async function revokeUserSessions(trx: DbOrTx, userId: string, now: Date): Promise<number> {
  const result = await trx.updateTable('session').set({ revoked_at: toDbTime(now) }).where('user_id', '=', userId).where('revoked_at', 'is', null).executeTakeFirst();
  return Number(result.numUpdatedRows);
}

/** The user a session belongs to, if the session row exists. */
export async function findSessionUserId(db: DbOrTx, sessionId: string): Promise<string | null> {
  const row = await db.selectFrom('session').select('user_id').where('id', '=', sessionId).executeTakeFirst();
  return row?.user_id ?? null;
}

/** Loads a user's MFA state, lockout and remaining recovery codes; null when the user does not exist. */
export async function findMfaState(db: DbOrTx, userId: string): Promise<MfaState | null> {
  const row = await db
    .selectFrom('user_account')
    .select(['id', 'email', 'organisation_id', 'mfa_secret', 'mfa_enabled_at', 'mfa_last_step', 'failed_login_count', 'locked_until', 'password_hash'])
    .where('id', '=', userId)
    .executeTakeFirst();
  if (!row) return null;
  const remaining = await db
    .selectFrom('recovery_code')
    .select((eb) => eb.fn.countAll<number>().as('n'))
    .where('user_id', '=', userId)
    .where('used_at', 'is', null)
    .executeTakeFirstOrThrow();
  return {
    userId: row.id,
    email: row.email,
    roles: await rolesOf(db, row.id),
    organisationId: row.organisation_id,
    sealedSecret: row.mfa_secret,
    enabledAt: fromDbTimeOrNull(row.mfa_enabled_at),
    lastStep: row.mfa_last_step === null ? null : Number(row.mfa_last_step),
    failedLoginCount: Number(row.failed_login_count),
    lockedUntil: fromDbTimeOrNull(row.locked_until),
    passwordHash: row.password_hash,
    remainingRecoveryCodes: Number(remaining.n),
  };
}

/**
 * Records that a TOTP step was used, only if it is later than the last one: false means another request used
 * this step (or a later one) first, so the code is a replay.
 */
export async function advanceMfaStep(trx: DbOrTx, userId: string, step: number): Promise<boolean> {
  const result = await trx
    .updateTable('user_account')
    .set({ mfa_last_step: step })
    .where('id', '=', userId)
    .where((eb) => eb.or([eb('mfa_last_step', 'is', null), eb('mfa_last_step', '<', step)]))
    .executeTakeFirst();
  return Number(result.numUpdatedRows) === 1;
}

/** Marks an unused recovery code as used; false when no such unused code exists (wrong or already used). */
export async function useRecoveryCode(trx: DbOrTx, userId: string, codeHash: string, now: Date): Promise<boolean> {
  const result = await trx
    .updateTable('recovery_code')
    .set({ used_at: toDbTime(now) })
    .where('user_id', '=', userId)
    .where('code_hash', '=', codeHash)
    .where('used_at', 'is', null)
    .executeTakeFirst();
  return Number(result.numUpdatedRows) === 1;
}

/** Enables MFA with a sealed secret, only if it was not enabled yet; false when another request enabled it first. */
export async function enableMfa(trx: DbOrTx, userId: string, sealedSecret: string, step: number, now: Date): Promise<boolean> {
  const result = await trx
    .updateTable('user_account')
    .set({ mfa_secret: sealedSecret, mfa_enabled_at: toDbTime(now), mfa_last_step: step, updated_at: toDbTime(now), version: sql<number>`version + 1` })
    .where('id', '=', userId)
    .where('mfa_enabled_at', 'is', null)
    .executeTakeFirst();
  return Number(result.numUpdatedRows) === 1;
}

/** Removes a user's second factor and recovery codes. */
export async function disableMfa(trx: DbOrTx, userId: string, now: Date): Promise<void> {
  await trx
    .updateTable('user_account')
    .set({ mfa_secret: null, mfa_enabled_at: null, mfa_last_step: null, updated_at: toDbTime(now), version: sql<number>`version + 1` })
    .where('id', '=', userId)
    .execute();
  await trx.deleteFrom('recovery_code').where('user_id', '=', userId).execute();
}

/** Replaces a user's recovery codes with new ones (given as hashes). */
export async function replaceRecoveryCodes(trx: DbOrTx, userId: string, codeHashes: readonly string[], now: Date, newId: () => string): Promise<void> {
  await trx.deleteFrom('recovery_code').where('user_id', '=', userId).execute();
  if (codeHashes.length === 0) return;
  await trx
    .insertInto('recovery_code')
    .values(codeHashes.map((codeHash) => ({ id: newId(), user_id: userId, code_hash: codeHash, created_at: toDbTime(now), used_at: null })))
    .execute();
}

const contactColumns = ['id', 'email', 'display_name', 'locale', 'status'] as const;

function toContact(row: { id: string; email: string; display_name: string; locale: string | null; status: string }): UserContact {
  return { id: row.id, email: row.email, displayName: row.display_name, locale: row.locale, status: toStatus(row.status) };
}

/** A user's address, name and language, by e-mail (case-insensitively). */
export async function findUserContactByEmail(db: DbOrTx, email: string): Promise<UserContact | null> {
  const row = await db
    .selectFrom('user_account')
    .select(contactColumns)
    .where((eb) => eb(eb.fn<string>('lower', ['email']), '=', normaliseEmail(email)))
    .executeTakeFirst();
  return row ? toContact(row) : null;
}

/** A user's address, name and language, by id. */
export async function findUserContact(db: DbOrTx, userId: string): Promise<UserContact | null> {
  const row = await db.selectFrom('user_account').select(contactColumns).where('id', '=', userId).executeTakeFirst();
  return row ? toContact(row) : null;
}

/** Sets a new password hash and clears any lockout. */
export async function setPasswordHash(trx: DbOrTx, userId: string, passwordHash: string, now: Date): Promise<void> {
  await trx
    .updateTable('user_account')
    .set({ password_hash: passwordHash, password_changed_at: toDbTime(now), failed_login_count: 0, locked_until: null, updated_at: toDbTime(now), version: sql<number>`version + 1` })
    .where('id', '=', userId)
    .execute();
}

/** True when an account already uses this e-mail address (case-insensitively). */
export async function isEmailTaken(db: DbOrTx, email: string): Promise<boolean> {
  const row = await db
    .selectFrom('user_account')
    .select('id')
    .where((eb) => eb(eb.fn<string>('lower', ['email']), '=', normaliseEmail(email)))
    .executeTakeFirst();
  return row !== undefined;
}

/** True when at least one active administrator exists (read inside the caller's transaction). */
export async function hasActiveAdministrator(db: DbOrTx): Promise<boolean> {
  const row = await db
    .selectFrom('user_role')
    .innerJoin('user_account', 'user_account.id', 'user_role.user_id')
    .select('user_account.id')
    .where('user_role.role', '=', 'admin')
    .where('user_account.status', '=', 'active')
    .limit(1)
    .executeTakeFirst();
  return row !== undefined;
}

