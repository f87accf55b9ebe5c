import type { DbOrTx } from '#src/db/database';
import type { AuthUser } from '#src/plugins/types';
import { isRole } from '#src/core/access';
import { hashToken } from '#src/core/ids';
import { fromDbTime, fromDbTimeOrNull, toDbTime } from '#src/core/time';

/** Loads an active user with their roles, as the request sees them; null when missing or disabled. */
export async function loadAuthUser(db: DbOrTx, userId: string): Promise<AuthUser | null> {
  const user = await db
    .selectFrom('user_account')
    .select(['id', 'email', 'display_name', 'organisation_id', 'locale', 'mfa_enabled_at', 'status'])
    .where('id', '=', userId)
    .executeTakeFirst();
  if (!user || user.status !== 'active') return null;
  const roles = await db.selectFrom('user_role').select('role').where('user_id', '=', userId).execute();
  return {
    id: user.id,
    email: user.email,
    displayName: user.display_name,
    roles: roles.map((r) => r.role).filter(isRole),
    organisationId: user.organisation_id,
    locale: user.locale,
    hasMfa: user.mfa_enabled_at !== null,
  };
}

export interface SessionLookup {
  sessionId: string;
  user: AuthUser;
  mfaVerified: boolean;
}

/**
 * Resolves a session cookie: unknown, revoked, expired or idle sessions, and sessions of disabled users, are
 * not sessions. Refreshes last_seen_at at most once a minute.
 */
export async function lookupSession(db: DbOrTx, cookieToken: string, now: Date, idleMinutes: number): Promise<SessionLookup | null> {
  const id = hashToken(cookieToken);
  const session = await db.selectFrom('session').selectAll().where('id', '=', id).executeTakeFirst();
  if (!session || session.revoked_at !== null) return null;
  if (fromDbTime(session.expires_at) <= now) return null;
  const lastSeen = fromDbTime(session.last_seen_at);
  if (now.getTime() - lastSeen.getTime() > idleMinutes * 60_000) return null;
  const user = await loadAuthUser(db, session.user_id);
  if (!user) return null;
  if (now.getTime() - lastSeen.getTime() > 60_000) {
    await db.updateTable('session').set({ last_seen_at: toDbTime(now) }).where('id', '=', id).execute();
  }
  return { sessionId: id, user, mfaVerified: fromDbTimeOrNull(session.mfa_verified_at) !== null };
}

export interface TokenLookup {
  tokenId: string;
  user: AuthUser;
  scopes: string[];
}

/** Resolves a bearer API token; revoked or expired tokens, and tokens of disabled users, resolve to null. */
export async function lookupApiToken(db: DbOrTx, bearer: string, now: Date): Promise<TokenLookup | null> {
  if (!/^ribat_[A-Za-z0-9_-]{10,200}$/.test(bearer)) return null;
  const token = await db.selectFrom('api_token').selectAll().where('token_hash', '=', hashToken(bearer)).executeTakeFirst();
  if (!token || token.revoked_at !== null || fromDbTime(token.expires_at) <= now) return null;
  const user = await loadAuthUser(db, token.user_id);
  if (!user) return null;
  const last = fromDbTimeOrNull(token.last_used_at);
  if (!last || now.getTime() - last.getTime() > 60_000) {
    await db.updateTable('api_token').set({ last_used_at: toDbTime(now) }).where('id', '=', token.id).execute();
  }
  return { tokenId: token.id, user, scopes: JSON.parse(token.scopes) as string[] };
}
