import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { Type } from '@sinclair/typebox';
import { defineJob, enqueueJob, JobRunner, retryDelayMs } from '#src/core/jobs/queue';
import { createLogger } from '#src/core/logger';
import { openTestDatabase, testClock, type TestDatabase } from './helpers/app';

const clock = testClock();
let t: TestDatabase;
beforeAll(async () => {
  t = await openTestDatabase(clock);
});
afterAll(async () => {
  await t.close();
});

interface Deps {
  seen: string[];
  failuresLeft: Map<string, number>;
}

const echo = defineJob({
  kind: 'test.echo',
  version: 1,
  schema: Type.Object({ value: Type.String() }),
  maxAttempts: 3,
  async handle(payload, deps: Deps) {
    const left = deps.failuresLeft.get(payload.value) ?? 0;
    if (left > 0) {
      deps.failuresLeft.set(payload.value, left - 1);
      throw new Error(`planned failure for ${payload.value}`);
    }
    deps.seen.push(payload.value);
  },
});

function runner(deps: Deps) {
  return new JobRunner<Deps>({ db: t.database.db, dialect: t.database.dialect, definitions: [echo], deps, logger: createLogger('silent'), clock, pollMs: 50 });
}

describe('database job queue', () => {
  it('runs a job enqueued in a committed transaction, and not one whose transaction rolled back', async () => {
    const deps: Deps = { seen: [], failuresLeft: new Map() };
    await t.database.db.transaction().execute((trx) => enqueueJob(trx, echo, { value: 'committed' }, { clock }));
    await t.database.db
      .transaction()
      .execute(async (trx) => {
        await enqueueJob(trx, echo, { value: 'rolled-back' }, { clock });
        throw new Error('abort');
      })
      .catch(() => undefined);
    expect(await runner(deps).drain()).toBe(1);
    expect(deps.seen).toEqual(['committed']);
  });

  it('ignores a second enqueue with the same idempotency key', async () => {
    const first = await enqueueJob(t.database.db, echo, { value: 'once' }, { clock, idempotencyKey: 'echo:once' });
    const second = await enqueueJob(t.database.db, echo, { value: 'once' }, { clock, idempotencyKey: 'echo:once' });
    expect(first).not.toBeNull();
    expect(second).toBeNull();
    const deps: Deps = { seen: [], failuresLeft: new Map() };
    await runner(deps).drain();
    expect(deps.seen).toEqual(['once']);
  });

  it('retries with backoff and gives up after the maximum number of attempts', async () => {
    const deps: Deps = { seen: [], failuresLeft: new Map([['flaky', 1], ['broken', 99]]) };
    await enqueueJob(t.database.db, echo, { value: 'flaky' }, { clock });
    await enqueueJob(t.database.db, echo, { value: 'broken' }, { clock });
    const r = runner(deps);
    expect(await r.drain()).toBe(2);
    expect(deps.seen).toEqual([]);
    // Not due yet: the backoff holds both jobs back.
    expect(await r.drain()).toBe(0);
    clock.advance(retryDelayMs(1) + 1);
    await r.drain();
    expect(deps.seen).toEqual(['flaky']);
    clock.advance(retryDelayMs(2) + 1);
    await r.drain();
    const broken = await t.database.db.selectFrom('job').selectAll().where('payload', 'like', '%broken%').executeTakeFirstOrThrow();
    expect(broken.status).toBe('dead');
    expect(Number(broken.attempts)).toBe(3);
    expect(broken.last_error).toContain('planned failure');
  });

  it('refuses a payload that does not match the job schema', async () => {
    await expect(enqueueJob(t.database.db, echo, { value: 42 } as never, { clock })).rejects.toThrow(/Invalid payload/);
  });

  it('takes back a job whose worker died while running it', async () => {
    await enqueueJob(t.database.db, echo, { value: 'orphan' }, { clock });
    await t.database.db.updateTable('job').set({ status: 'running', locked_at: clock.now().toISOString(), locked_by: 'dead-worker' }).where('payload', 'like', '%orphan%').execute();
    const deps: Deps = { seen: [], failuresLeft: new Map() };
    expect(await runner(deps).drain()).toBe(0);
    clock.advance(11 * 60_000);
    await runner(deps).drain();
    expect(deps.seen).toEqual(['orphan']);
  });

  it('computes an exponential backoff capped at one hour', () => {
    expect(retryDelayMs(1)).toBe(5000);
    expect(retryDelayMs(2)).toBe(10_000);
    expect(retryDelayMs(30)).toBe(3_600_000);
  });
});
