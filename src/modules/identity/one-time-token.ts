import type { DbOrTx } from '#src/db/database';
import type { OneTimeTokenTable } from '#src/modules/identity/identity.tables';
import { hashToken, newId, randomToken } from '#src/core/ids';
import { fromDbTime, toDbTime } from '#src/core/time';

export type OneTimePurpose = OneTimeTokenTable['purpose'];

/**
 * Issues a single-use token for a purpose (password reset, account activation, set-up); only its hash is
 * stored. Earlier unused tokens of the same purpose for the same user stop working.
 */
export async function issueOneTimeToken(trx: DbOrTx, purpose: OneTimePurpose, userId: string | null, now: Date, ttlMs: number): Promise<string> {
  const token = randomToken(32);
  let invalidate = trx.updateTable('one_time_token').set({ used_at: toDbTime(now) }).where('purpose', '=', purpose).where('used_at', 'is', null);
  invalidate = userId === null ? invalidate.where('user_id', 'is', null) : invalidate.where('user_id', '=', userId);
  await invalidate.execute();
  await trx
    .insertInto('one_time_token')
    .values({ id: newId(), purpose, user_id: userId, token_hash: hashToken(token), created_at: toDbTime(now), expires_at: toDbTime(new Date(now.getTime() + ttlMs)), used_at: null })
    .execute();
  return token;
}

/**
 * Uses up every unused token of a purpose for a user: a password reset link asked for before the password was
 * changed must not outlive that change (whoever asked for it could otherwise set a password of their own).
 */
export async function invalidateOneTimeTokens(trx: DbOrTx, purpose: OneTimePurpose, userId: string, now: Date): Promise<number> {
  const result = await trx.updateTable('one_time_token').set({ used_at: toDbTime(now) }).where('purpose', '=', purpose).where('user_id', '=', userId).where('used_at', 'is', null).executeTakeFirst();
  return Number(result.numUpdatedRows);
}

/** Looks up a valid (unused, unexpired) token of a purpose without consuming it. */
export async function findOneTimeToken(db: DbOrTx, purpose: OneTimePurpose, token: string, now: Date): Promise<{ id: string; userId: string | null } | null> {
  if (!/^[A-Za-z0-9_-]{20,100}$/.test(token)) return null;
  const row = await db.selectFrom('one_time_token').selectAll().where('token_hash', '=', hashToken(token)).where('purpose', '=', purpose).executeTakeFirst();
  if (!row || row.used_at !== null || fromDbTime(row.expires_at) <= now) return null;
  return { id: row.id, userId: row.user_id };
}

/**
 * Consumes a token inside the caller's transaction; returns false when another request used it first (the
 * update is conditional, so a token works once even under concurrent use).
 */
export async function consumeOneTimeToken(trx: DbOrTx, id: string, now: Date): Promise<boolean> {
  const result = await trx.updateTable('one_time_token').set({ used_at: toDbTime(now) }).where('id', '=', id).where('used_at', 'is', null).executeTakeFirst();
  return Number(result.numUpdatedRows) === 1;
}
