import type { DbOrTx } from '#src/db/database';
import type { Selectable } from 'kysely';
import type { ApiTokenTable, SessionTable } from '#src/modules/identity/identity.tables';
import type { AccountProfile, ApiToken, ProfileSnapshot, UserSession } from '#src/modules/identity/account.types';
import { isRole, type Role } from '#src/core/access';
import { AppError } from '#src/core/errors';
import { isLocale } from '#src/core/i18n/i18n';
import { decodeCursor, toPage, type Page } from '#src/core/pagination';
import { fromDbTime, fromDbTimeOrNull, toDbTime } from '#src/core/time';
import { isTokenScope, sessionPublicId } from '#src/modules/identity/account.types';

/** A page request: how many items and after which cursor. */
export interface PageRequest {
  limit: number;
  cursor?: string | undefined;
}

/** What decides whether a session is still alive, and which one is asking. */
export interface SessionWindow {
  now: Date;
  /** Sessions unseen for longer than this are dead even before they expire. */
  idleMinutes: number;
  /** Primary key of the session making the request (null for token or CLI access). */
  currentSessionKey: string | null;
}

async function rolesOf(db: DbOrTx, userId: string): Promise<Role[]> {
  const rows = await db.selectFrom('user_role').select('role').where('user_id', '=', userId).orderBy('role').execute();
  return rows.map((r) => r.role).filter(isRole);
}

/** Loads the user's own account with roles and organisation; null when the user does not exist. */
export async function findAccountProfile(db: DbOrTx, userId: string): Promise<AccountProfile | null> {
  const row = await db
    .selectFrom('user_account')
    .leftJoin('organisation', 'organisation.id', 'user_account.organisation_id')
    .select([
      'user_account.id',
      'user_account.email',
      'user_account.display_name',
      'user_account.locale',
      'user_account.mfa_enabled_at',
      'user_account.last_login_at',
      'user_account.password_changed_at',
      'user_account.created_at',
      'organisation.id as org_id',
      'organisation.acronym as org_acronym',
      'organisation.name_fr as org_name_fr',
      'organisation.name_ar as org_name_ar',
      'organisation.name_en as org_name_en',
    ])
    .where('user_account.id', '=', userId)
    .executeTakeFirst();
  if (!row) return null;
  return {
    id: row.id,
    email: row.email,
    displayName: row.display_name,
    locale: isLocale(row.locale) ? row.locale : null,
    roles: await rolesOf(db, userId),
    organisation:
      row.org_id !== null && row.org_id !== undefined
        ? { id: row.org_id, acronym: row.org_acronym ?? null, names: { fr: row.org_name_fr ?? '', ar: row.org_name_ar ?? '', en: row.org_name_en ?? '' } }
        : null,
    hasMfa: row.mfa_enabled_at !== null,
    mfaEnabledAt: fromDbTimeOrNull(row.mfa_enabled_at),
    lastLoginAt: fromDbTimeOrNull(row.last_login_at),
    passwordChangedAt: fromDbTimeOrNull(row.password_changed_at),
    createdAt: fromDbTime(row.created_at),
  };
}

/** The facts a token or password change needs about a user: identity, status, roles. */
export interface AccountOwner {
  id: string;
  email: string;
  displayName: string;
  locale: string | null;
  isActive: boolean;
  roles: Role[];
}

/** Loads the owner of an account by id. */
export async function findAccountOwner(db: DbOrTx, userId: string): Promise<AccountOwner | null> {
  const row = await db.selectFrom('user_account').select(['id', 'email', 'display_name', 'locale', 'status']).where('id', '=', userId).executeTakeFirst();
  if (!row) return null;
  return { id: row.id, email: row.email, displayName: row.display_name, locale: row.locale, isActive: row.status === 'active', roles: await rolesOf(db, row.id) };
}

/** Loads the owner of an account by e-mail address (already normalised by the caller). */
export async function findAccountOwnerByEmail(db: DbOrTx, email: string): Promise<AccountOwner | null> {
  const row = await db.selectFrom('user_account').select('id').where('email', '=', email).executeTakeFirst();
  return row ? findAccountOwner(db, row.id) : null;
}

/** The stored password hash, read only to verify the current password; it never leaves the use case. */
export async function findPasswordHash(db: DbOrTx, userId: string): Promise<string | null> {
  const row = await db.selectFrom('user_account').select('password_hash').where('id', '=', userId).executeTakeFirst();
  return row?.password_hash ?? null;
}

/** Writes the display name and preferred language. */
export async function saveProfile(trx: DbOrTx, userId: string, profile: ProfileSnapshot, now: Date): Promise<void> {
  await trx
    .updateTable('user_account')
    .set((eb) => ({ display_name: profile.displayName, locale: profile.locale, updated_at: toDbTime(now), version: eb('version', '+', 1) }))
    .where('id', '=', userId)
    .execute();
}

/**
 * Replaces the password hash and records when it changed, only if the hash is still the one the caller
 * verified against (a concurrent change makes this return false instead of silently overwriting it).
 */
export async function savePasswordHash(trx: DbOrTx, userId: string, expectedOldHash: string, passwordHash: string, now: Date): Promise<boolean> {
  const result = await trx
    .updateTable('user_account')
    .set((eb) => ({ password_hash: passwordHash, password_changed_at: toDbTime(now), updated_at: toDbTime(now), version: eb('version', '+', 1) }))
    .where('id', '=', userId)
    .where('password_hash', '=', expectedOldHash)
    .executeTakeFirst();
  return Number(result.numUpdatedRows) === 1;
}

// ---------------------------------------------------------------------------------------------------------
// API tokens

function toApiToken(row: Selectable<ApiTokenTable>): ApiToken {
  const scopes = JSON.parse(row.scopes) as unknown;
  return {
    id: row.id,
    userId: row.user_id,
    name: row.name,
    prefix: row.prefix,
    scopes: Array.isArray(scopes) ? scopes.filter((s): s is string => typeof s === 'string').filter(isTokenScope) : [],
    createdAt: fromDbTime(row.created_at),
    expiresAt: fromDbTime(row.expires_at),
    lastUsedAt: fromDbTimeOrNull(row.last_used_at),
    revokedAt: fromDbTimeOrNull(row.revoked_at),
  };
}

const tokenColumns = ['id', 'user_id', 'name', 'prefix', 'token_hash', 'scopes', 'created_at', 'expires_at', 'last_used_at', 'revoked_at'] as const;

/** The user's tokens, newest first (keyset on the time-ordered id), active or not. */
export async function findApiTokens(db: DbOrTx, userId: string, page: PageRequest): Promise<Page<ApiToken>> {
  const cursor = decodeCursor(page.cursor);
  let query = db.selectFrom('api_token').select(tokenColumns).where('user_id', '=', userId);
  if (cursor) query = query.where('id', '<', cursor.id);
  const rows = await query.orderBy('id', 'desc').limit(page.limit + 1).execute();
  return toPage(rows.map(toApiToken), page.limit, (last) => ({ k: null, id: last.id }));
}

/** One of the user's tokens; another user's token is simply not found. */
export async function findApiToken(db: DbOrTx, userId: string, tokenId: string): Promise<ApiToken | null> {
  const row = await db.selectFrom('api_token').select(tokenColumns).where('id', '=', tokenId).where('user_id', '=', userId).executeTakeFirst();
  return row ? toApiToken(row) : null;
}

/** Stores a new token: its display prefix and the SHA-256 of its text, never the text itself. */
export async function insertApiToken(trx: DbOrTx, token: ApiToken, tokenHash: string): Promise<void> {
  await trx
    .insertInto('api_token')
    .values({
      id: token.id,
      user_id: token.userId,
      name: token.name,
      prefix: token.prefix,
      token_hash: tokenHash,
      scopes: JSON.stringify(token.scopes),
      created_at: toDbTime(token.createdAt),
      expires_at: toDbTime(token.expiresAt),
      last_used_at: null,
      revoked_at: null,
    })
    .execute();
}

/** Marks a token revoked; true when this call revoked it (false if it already was). */
export async function revokeApiToken(trx: DbOrTx, userId: string, tokenId: string, now: Date): Promise<boolean> {
  const result = await trx
    .updateTable('api_token')
    .set({ revoked_at: toDbTime(now) })
    .where('id', '=', tokenId)
    .where('user_id', '=', userId)
    .where('revoked_at', 'is', null)
    .executeTakeFirst();
  return Number(result.numUpdatedRows) === 1;
}

// ---------------------------------------------------------------------------------------------------------
// Sessions

type SessionRow = Pick<Selectable<SessionTable>, 'id' | 'user_id' | 'created_at' | 'last_seen_at' | 'expires_at' | 'ip' | 'user_agent'>;

function toUserSession(row: SessionRow, currentSessionKey: string | null): UserSession {
  return {
    publicId: sessionPublicId(row.id),
    userId: row.user_id,
    createdAt: fromDbTime(row.created_at),
    lastSeenAt: fromDbTime(row.last_seen_at),
    expiresAt: fromDbTime(row.expires_at),
    ip: row.ip,
    userAgent: row.user_agent,
    isCurrent: currentSessionKey !== null && row.id === currentSessionKey,
  };
}

/** The user's live sessions: not revoked, not expired, not idle for longer than the idle limit. */
function liveSessions(db: DbOrTx, userId: string, window: SessionWindow) {
  const idleSince = new Date(window.now.getTime() - window.idleMinutes * 60_000);
  return db
    .selectFrom('session')
    .select(['id', 'user_id', 'created_at', 'last_seen_at', 'expires_at', 'ip', 'user_agent'])
    .where('user_id', '=', userId)
    .where('revoked_at', 'is', null)
    .where('expires_at', '>', toDbTime(window.now))
    .where('last_seen_at', '>=', toDbTime(idleSince));
}

/**
 * The user's live sessions, newest first. The cursor holds the creation time and the PUBLIC id of the last
 * item (never the primary key, which is a secret's hash); rows created at the same instant are ordered by
 * primary key and resumed after the one whose public id matches.
 */
export async function findLiveSessions(db: DbOrTx, userId: string, window: SessionWindow, page: PageRequest): Promise<Page<UserSession>> {
  const cursor = decodeCursor(page.cursor);
  let rows: SessionRow[];
  if (cursor) {
    if (typeof cursor.k !== 'string' || Number.isNaN(Date.parse(cursor.k)) || !/^[0-9a-f]{16}$/.test(cursor.id)) {
      throw AppError.field('cursor', 'invalid');
    }
    const at = toDbTime(new Date(cursor.k));
    const ties = await liveSessions(db, userId, window).where('created_at', '=', at).orderBy('id', 'desc').execute();
    const index = ties.findIndex((r) => sessionPublicId(r.id) === cursor.id);
    // If the cursor's session ended meanwhile, show its siblings again rather than risk skipping one.
    const rest = index >= 0 ? ties.slice(index + 1) : ties;
    const wanted = page.limit + 1 - rest.length;
    const older = wanted > 0 ? await liveSessions(db, userId, window).where('created_at', '<', at).orderBy('created_at', 'desc').orderBy('id', 'desc').limit(wanted).execute() : [];
    rows = [...rest, ...older];
  } else {
    rows = await liveSessions(db, userId, window).orderBy('created_at', 'desc').orderBy('id', 'desc').limit(page.limit + 1).execute();
  }
  const sessions = rows.map((r) => toUserSession(r, window.currentSessionKey));
  return toPage(sessions, page.limit, (last) => ({ k: toDbTime(last.createdAt), id: last.publicId }));
}

/** Finds one of the user's live sessions by its public id and returns it with its key, for revocation. */
async function findLiveSessionByPublicId(db: DbOrTx, userId: string, publicId: string, window: SessionWindow): Promise<{ key: string; session: UserSession } | null> {
  const rows = await liveSessions(db, userId, window).execute();
  const row = rows.find((r) => sessionPublicId(r.id) === publicId);
  return row ? { key: row.id, session: toUserSession(row, window.currentSessionKey) } : null;
}

/** Revokes one of the user's live sessions by public id; null when the user has no such session. */
export async function revokeSessionByPublicId(trx: DbOrTx, userId: string, publicId: string, window: SessionWindow): Promise<UserSession | null> {
  const found = await findLiveSessionByPublicId(trx, userId, publicId, window);
  if (!found) return null;
  await trx.updateTable('session').set({ revoked_at: toDbTime(window.now) }).where('id', '=', found.key).where('revoked_at', 'is', null).execute();
  return found.session;
}

/** Revokes every unrevoked session of the user except `keepSessionKey`; returns how many it revoked. */
export async function revokeOtherSessions(trx: DbOrTx, userId: string, keepSessionKey: string | null, now: Date): Promise<number> {
  let query = trx.updateTable('session').set({ revoked_at: toDbTime(now) }).where('user_id', '=', userId).where('revoked_at', 'is', null).where('expires_at', '>', toDbTime(now));
  if (keepSessionKey !== null) query = query.where('id', '!=', keepSessionKey);
  const result = await query.executeTakeFirst();
  return Number(result.numUpdatedRows);
}
