import type { DatabaseHandle } from '#src/db/database';
import type { Clock } from '#src/core/time';
import { hashToken, newId, randomToken } from '#src/core/ids';
import { toDbTime } from '#src/core/time';

/** How long a set-up link stays valid. */
export const SETUP_LINK_TTL_MS = 24 * 3600 * 1000;

/** True when at least one active administrator exists. */
export async function hasAdministrator(database: DatabaseHandle): Promise<boolean> {
  const row = await database.db
    .selectFrom('user_role')
    .innerJoin('user_account', 'user_account.id', 'user_role.user_id')
    .select('user_account.id')
    .where('user_role.role', '=', 'admin')
    .where('user_account.status', '=', 'active')
    .limit(1)
    .executeTakeFirst();
  return row !== undefined;
}

/**
 * With no administrator yet, issues a fresh one-time set-up link (any earlier unused link stops working) and
 * returns its URL; returns null when an administrator exists. There is no default password anywhere.
 */
export async function createSetupLinkIfNeeded(database: DatabaseHandle, clock: Clock, publicUrl: string): Promise<string | null> {
  if (await hasAdministrator(database)) return null;
  const token = randomToken(32);
  const now = clock.now();
  await database.db.transaction().execute(async (trx) => {
    await trx.updateTable('one_time_token').set({ used_at: toDbTime(now) }).where('purpose', '=', 'setup').where('used_at', 'is', null).execute();
    await trx
      .insertInto('one_time_token')
      .values({ id: newId(), purpose: 'setup', user_id: null, token_hash: hashToken(token), created_at: toDbTime(now), expires_at: toDbTime(new Date(now.getTime() + SETUP_LINK_TTL_MS)), used_at: null })
      .execute();
  });
  return `${publicUrl}/setup/${token}`;
}
