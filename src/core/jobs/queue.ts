import type { Static, TSchema } from '@sinclair/typebox';
import { Value } from '@sinclair/typebox/value';
import type { DbOrTx, Db, Dialect } from '#src/db/database';
import type { Logger } from '#src/core/logger';
import type { Clock } from '#src/core/time';
import { newId } from '#src/core/ids';
import { toDbTime, fromDbTime } from '#src/core/time';

/** A kind of background work: a typed, versioned payload and its handler. */
export interface JobDefinition<S extends TSchema, D> {
  readonly kind: string;
  readonly version: number;
  readonly schema: S;
  readonly maxAttempts: number;
  handle(payload: Static<S>, deps: D, job: { id: string; attempt: number }): Promise<void>;
}

/** Declares a job kind; the payload schema is checked when enqueued and again when run. */
export function defineJob<S extends TSchema, D>(def: JobDefinition<S, D>): JobDefinition<S, D> {
  return def;
}

export interface EnqueueOptions {
  /** A second enqueue with the same key is ignored: the work happens once. */
  idempotencyKey?: string;
  runAt?: Date;
  clock: Clock;
}

/**
 * Adds a job in the caller's transaction (so it exists exactly when the change that caused it commits).
 * Returns the job id, or null when a job with the same idempotency key already exists.
 */
export async function enqueueJob<S extends TSchema, D>(
  trx: DbOrTx,
  def: JobDefinition<S, D>,
  payload: Static<S>,
  options: EnqueueOptions,
): Promise<string | null> {
  if (!Value.Check(def.schema, payload)) {
    const first = [...Value.Errors(def.schema, payload)][0];
    throw new Error(`Invalid payload for job ${def.kind}: ${first?.path ?? ''} ${first?.message ?? ''}`);
  }
  const now = options.clock.now();
  const id = newId();
  const result = await trx
    .insertInto('job')
    .values({
      id,
      kind: def.kind,
      version: def.version,
      payload: JSON.stringify(payload),
      idempotency_key: options.idempotencyKey ?? null,
      status: 'pending',
      max_attempts: def.maxAttempts,
      run_at: toDbTime(options.runAt ?? now),
      locked_at: null,
      locked_by: null,
      last_error: null,
      created_at: toDbTime(now),
      finished_at: null,
    })
    .onConflict((oc) => oc.column('idempotency_key').doNothing())
    .executeTakeFirst();
  return Number(result.numInsertedOrUpdatedRows ?? 1) > 0 ? id : null;
}

/** Delay before the next attempt: 5 s, 10 s, 20 s … capped at one hour. */
export function retryDelayMs(attempt: number): number {
  return Math.min(5000 * 2 ** Math.max(0, attempt - 1), 3_600_000);
}

export interface JobRunnerOptions<D> {
  db: Db;
  dialect: Dialect;
  definitions: readonly JobDefinition<TSchema, D>[];
  deps: D;
  logger: Logger;
  clock: Clock;
  pollMs: number;
  /** A running job whose worker died is retried after this long. */
  staleAfterMs?: number;
}

/**
 * Polls the job table and runs due jobs one at a time. Claiming uses SKIP LOCKED on PostgreSQL, so several
 * processes can share the queue; SQLite serialises writers by itself.
 */
export class JobRunner<D> {
  private timer: NodeJS.Timeout | null = null;
  private running: Promise<void> | null = null;
  private stopped = true;
  private readonly workerId = newId();
  private readonly byKind: Map<string, JobDefinition<TSchema, D>>;

  constructor(private readonly options: JobRunnerOptions<D>) {
    this.byKind = new Map(options.definitions.map((d) => [d.kind, d]));
  }

  start(): void {
    if (!this.stopped) return;
    this.stopped = false;
    const tick = (): void => {
      if (this.stopped) return;
      this.running = this.drain()
        .then(() => undefined)
        .catch((err: unknown) => this.options.logger.error({ err }, 'job runner tick failed'))
        .finally(() => {
          this.running = null;
          if (!this.stopped) this.timer = setTimeout(tick, this.options.pollMs);
        });
    };
    this.timer = setTimeout(tick, 0);
  }

  /** Stops polling and waits for the job in hand to finish. */
  async stop(): Promise<void> {
    this.stopped = true;
    if (this.timer) clearTimeout(this.timer);
    this.timer = null;
    await this.running;
  }

  /** Runs every due job, then returns how many ran. */
  async drain(limit = 1000): Promise<number> {
    await this.releaseStale();
    let count = 0;
    while (count < limit) {
      const ran = await this.runOne();
      if (!ran) break;
      count += 1;
    }
    return count;
  }

  private async releaseStale(): Promise<void> {
    const cutoff = new Date(this.options.clock.now().getTime() - (this.options.staleAfterMs ?? 10 * 60_000));
    await this.options.db
      .updateTable('job')
      .set({ status: 'pending', locked_at: null, locked_by: null })
      .where('status', '=', 'running')
      .where('locked_at', '<', toDbTime(cutoff))
      .execute();
  }

  private async claim(): Promise<{ id: string; kind: string; version: number; payload: string; attempts: number; max_attempts: number } | null> {
    const { db, dialect, clock } = this.options;
    const now = toDbTime(clock.now());
    return db.transaction().execute(async (trx) => {
      let query = trx
        .selectFrom('job')
        .select(['id', 'kind', 'version', 'payload', 'attempts', 'max_attempts'])
        .where('status', '=', 'pending')
        .where('run_at', '<=', now)
        .orderBy('run_at')
        .orderBy('id')
        .limit(1);
      if (dialect === 'postgres') query = query.forUpdate().skipLocked();
      const job = await query.executeTakeFirst();
      if (!job) return null;
      await trx
        .updateTable('job')
        .set({ status: 'running', locked_at: now, locked_by: this.workerId, attempts: Number(job.attempts) + 1 })
        .where('id', '=', job.id)
        .execute();
      return { ...job, attempts: Number(job.attempts) + 1 };
    });
  }

  private async runOne(): Promise<boolean> {
    const job = await this.claim();
    if (!job) return false;
    const { db, clock, logger } = this.options;
    const def = this.byKind.get(job.kind);
    try {
      if (!def) throw new Error(`No handler for job kind ${job.kind}`);
      if (def.version !== job.version) throw new Error(`Job ${job.kind} has version ${job.version}, handler expects ${def.version}`);
      const payload: unknown = JSON.parse(job.payload);
      if (!Value.Check(def.schema, payload)) throw new Error(`Invalid payload for job ${job.kind}`);
      await def.handle(payload, this.options.deps, { id: job.id, attempt: job.attempts });
      await db.updateTable('job').set({ status: 'done', finished_at: toDbTime(clock.now()), locked_at: null, locked_by: null, last_error: null }).where('id', '=', job.id).execute();
      logger.debug({ jobId: job.id, kind: job.kind }, 'job done');
    } catch (err) {
      const message = err instanceof Error ? err.message : String(err);
      const dead = job.attempts >= job.max_attempts;
      await db
        .updateTable('job')
        .set({
          status: dead ? 'dead' : 'pending',
          run_at: toDbTime(new Date(clock.now().getTime() + retryDelayMs(job.attempts))),
          locked_at: null,
          locked_by: null,
          last_error: message.slice(0, 2000),
          finished_at: dead ? toDbTime(clock.now()) : null,
        })
        .where('id', '=', job.id)
        .execute();
      logger.warn({ jobId: job.id, kind: job.kind, attempt: job.attempts, dead, err: message }, 'job failed');
    }
    return true;
  }
}

/** Rows of the job table as the console shows them. */
export interface JobSummary {
  id: string;
  kind: string;
  status: string;
  attempts: number;
  runAt: Date;
  lastError: string | null;
}

export async function listRecentJobs(db: Db, limit = 50): Promise<JobSummary[]> {
  const rows = await db.selectFrom('job').selectAll().orderBy('created_at', 'desc').limit(limit).execute();
  return rows.map((r) => ({ id: r.id, kind: r.kind, status: r.status, attempts: Number(r.attempts), runAt: fromDbTime(r.run_at), lastError: r.last_error }));
}
