import { createHash } from 'node:crypto';
import type { Db, Tx } from '#src/db/database';
import type { Clock } from '#src/core/time';
import { AppError } from '#src/core/errors';
import { canonicalJson } from '#src/core/audit';
import { toDbTime } from '#src/core/time';

export interface IdempotentResult<T> {
  status: number;
  body: T;
  replayed: boolean;
}

export interface IdempotencyOptions {
  /** Who made the request (user id or 'anonymous:<ip>'); keys are per actor. */
  actorKey: string;
  /** The Idempotency-Key header, or null when the client sent none. */
  key: string | null;
  /** The operation (method and route), so one key cannot replay another operation's answer. */
  scope: string;
  request: unknown;
  clock: Clock;
}

/**
 * Runs a creation once per idempotency key: the record of the answer is written in the same transaction as the
 * creation, so a retry after a crash or a timeout gets the first answer instead of a second record.
 */
export async function withIdempotency<T>(
  db: Db,
  options: IdempotencyOptions,
  work: (trx: Tx) => Promise<{ status: number; body: T }>,
): Promise<IdempotentResult<T>> {
  if (options.key === null) {
    const out = await db.transaction().execute(work);
    return { ...out, replayed: false };
  }
  if (options.key.length > 200 || options.key.length < 8) {
    throw AppError.field('Idempotency-Key', 'invalid', { min: 8, max: 200 });
  }
  const requestHash = createHash('sha256').update(options.scope).update(canonicalJson(options.request)).digest('hex');
  const replay = async (): Promise<IdempotentResult<T> | null> => {
    const existing = await db
      .selectFrom('idempotency_record')
      .selectAll()
      .where('actor_key', '=', options.actorKey)
      .where('key', '=', options.key as string)
      .executeTakeFirst();
    if (!existing) return null;
    if (existing.request_hash !== requestHash || existing.scope !== options.scope) throw new AppError('idempotency_mismatch');
    return { status: Number(existing.response_status), body: JSON.parse(existing.response_body) as T, replayed: true };
  };
  const first = await replay();
  if (first) return first;
  try {
    const out = await db.transaction().execute(async (trx) => {
      const result = await work(trx);
      await trx
        .insertInto('idempotency_record')
        .values({
          actor_key: options.actorKey,
          key: options.key as string,
          scope: options.scope,
          request_hash: requestHash,
          response_status: result.status,
          response_body: JSON.stringify(result.body),
          created_at: toDbTime(options.clock.now()),
        })
        .execute();
      return result;
    });
    return { ...out, replayed: false };
  } catch (err) {
    // A concurrent request with the same key won the race: answer with its result.
    const again = await replay().catch(() => null);
    if (again) return again;
    throw err;
  }
}
