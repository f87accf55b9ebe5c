/**
 * Foundation benchmarks. Each figure is printed next to a baseline measured in the same run, on the same
 * database, so the ratio is what matters (absolute times depend on the machine):
 *  - appending hash-chained audit events vs inserting the same rows without the chain;
 *  - verifying the chain vs reading the same rows;
 *  - rendering the home page (session lookup, i18n, layout) vs the bare /healthz route;
 *  - bulletins (bench/bulletins.ts): full-text search vs a LIKE scan, public pages and feeds vs /healthz;
 *  - incidents (bench/incidents.ts): BENCH_INCIDENTS/BENCH_INDICATORS (500,000/5 million; 0 skips): p95 of the
 *    queue's first page vs a plain select, of an exact indicator lookup vs a lookup by id, and the 1,000-value bulk
 *    lookup vs 1,000 single lookups, with the dataset size and peak memory;
 *  - statistics (bench/statistics.ts): BENCH_STATS_INCIDENTS/BENCH_STATS_BULLETINS (500,000/20,000; 0 skips): the
 *    last complete year's staff dashboard, public report and headline vs the same figures computed by loading the rows
 *    and aggregating in JavaScript (checked equal first); target 1 s, with the dataset size and peak memory.
 * Run with `npm run bench`; set BENCH_PG=postgres://… to run the database parts on PostgreSQL too.
 */
import { performance } from 'node:perf_hooks';
import { openDatabase, type DatabaseHandle } from '#src/db/database';
import { migrateToLatest } from '#src/db/migrator';
import { runSeeds } from '#src/db/seeds/seed';
import { recordAudit, verifyAuditChain } from '#src/core/audit';
import { systemContext } from '#src/core/context';
import { newId } from '#src/core/ids';
import { systemClock } from '#src/core/time';
import { buildApp } from '#src/app';
import { loadConfig } from '#src/config/config';
import { createLogger } from '#src/core/logger';
import { catalogue } from '#src/web/catalogue';
import { benchPublicPages, benchSearch, seedBulletins } from './bulletins';
import { benchCsaf } from './csaf';
import { benchIncidents, benchIncidentsOnSqlite } from './incidents';
import { onPostgresSchema } from './support';
import { benchStatistics } from './statistics';

const EVENTS = Number(process.env.BENCH_AUDIT_EVENTS ?? 5000);
const REQUESTS = Number(process.env.BENCH_REQUESTS ?? 2000);

function fmt(ms: number): string {
  return `${ms.toFixed(1)} ms`;
}

function line(label: string, ms: number, baselineLabel: string, baselineMs: number, unit: number, unitName: string): void {
  const ratio = ms / baselineMs;
  console.log(
    `${label.padEnd(44)} ${fmt(ms).padStart(11)}  (${((unit / ms) * 1000).toFixed(0)} ${unitName}/s)   baseline ${baselineLabel}: ${fmt(baselineMs)}   ratio ×${ratio.toFixed(2)}`,
  );
}

async function timed(work: () => Promise<unknown>): Promise<number> {
  const start = performance.now();
  await work();
  return performance.now() - start;
}

const payload = (i: number) => ({ name: `Organisation ${i}`, domains: [`org${i}.example.ma`], ranges: ['192.0.2.0/24', '2001:db8::/32'], status: 'active' });

async function benchAudit(label: string, database: DatabaseHandle): Promise<void> {
  const ctx = systemContext('bench');
  // Baseline: the same rows inserted without locking the head or hashing, one transaction each.
  const baseline = await timed(async () => {
    for (let i = 0; i < EVENTS; i++) {
      await database.db.transaction().execute(async (trx) => {
        await trx
          .insertInto('idempotency_record')
          .values({ actor_key: 'bench', key: newId(), scope: 'bench', request_hash: 'x'.repeat(64), response_status: 201, response_body: JSON.stringify(payload(i)), created_at: new Date().toISOString() })
          .execute();
      });
    }
  });
  const chained = await timed(async () => {
    for (let i = 0; i < EVENTS; i++) {
      await database.db.transaction().execute((trx) => recordAudit(trx, database.dialect, ctx, { action: 'organisation.updated', entityType: 'organisation', entityId: newId(), before: payload(i), after: payload(i + 1) }));
    }
  });
  line(`[${label}] append ${EVENTS} audit events`, chained, 'plain insert', baseline, EVENTS, 'events');
  const read = await timed(async () => {
    let last = 0;
    for (;;) {
      const rows = await database.db.selectFrom('audit_event').selectAll().where('seq', '>', last).orderBy('seq').limit(1000).execute();
      if (rows.length === 0) break;
      last = Number(rows[rows.length - 1]?.seq);
    }
  });
  let problems = -1;
  const verify = await timed(async () => {
    problems = (await verifyAuditChain(database.db)).problems.length;
  });
  line(`[${label}] verify ${EVENTS} events (problems: ${problems})`, verify, 'read only', read, EVENTS, 'events');
}

async function benchPages(): Promise<void> {
  const database = openDatabase({ databaseUrl: null, sqliteDir: ':memory:' });
  await migrateToLatest(database.db);
  await runSeeds(database, systemClock);
  const config = loadConfig({ RIBAT_SECRET: 'bench-secret-bench-secret-bench-secret-0', RIBAT_DATA_DIR: '/tmp/ribat-bench', RIBAT_LOG_LEVEL: 'silent' }, { createSecret: false });
  const app = await buildApp({ config, database, logger: createLogger('silent'), clock: systemClock, catalogue, version: 'bench' });
  const seedMs = await seedBulletins(database, config);
  console.log(`[sqlite] published ${process.env.BENCH_BULLETINS ?? 1000} bulletins through the use cases in ${(seedMs / 1000).toFixed(1)} s`);
  await benchSearch('sqlite', database, line);
  for (let i = 0; i < 100; i++) await app.inject({ method: 'GET', url: '/' });
  const baseline = await timed(async () => {
    for (let i = 0; i < REQUESTS; i++) await app.inject({ method: 'GET', url: '/healthz' });
  });
  const page = await timed(async () => {
    for (let i = 0; i < REQUESTS; i++) await app.inject({ method: 'GET', url: '/?lang=ar' });
  });
  line(`[pages] render / in Arabic ×${REQUESTS}`, page, '/healthz', baseline, REQUESTS, 'req');
  const size = (await app.inject({ method: 'GET', url: '/' })).body.length;
  console.log(`[pages] home page HTML: ${size} bytes`);
  await benchPublicPages(app, Math.min(REQUESTS, 500), line);
  await app.close();
  await database.close();
}

/** BENCH_ONLY=incidents,csaf runs only those parts (audit, incidents, bulletins, pages, csaf, statistics); all by default. */
const only = new Set((process.env.BENCH_ONLY ?? '').split(',').map((s) => s.trim()).filter((s) => s !== ''));
const wants = (part: string): boolean => only.size === 0 || only.has(part);

async function main(): Promise<void> {
  console.log(`Ribat benchmarks — node ${process.version}, ${new Date().toISOString()}${only.size > 0 ? ` (only ${[...only].join(', ')})` : ''}`);
  if (wants('audit')) {
    const sqlite = openDatabase({ databaseUrl: null, sqliteDir: ':memory:' });
    await migrateToLatest(sqlite.db);
    await benchAudit('sqlite', sqlite);
    await sqlite.close();
  }
  if (wants('incidents')) await benchIncidentsOnSqlite(line);
  const pgUrl = process.env.BENCH_PG;
  if (pgUrl && (wants('audit') || wants('bulletins') || wants('incidents'))) {
    await onPostgresSchema(pgUrl, 'bench_', async (database) => {
      if (wants('audit')) await benchAudit('postgres', database);
      await runSeeds(database, systemClock);
      if (wants('bulletins')) {
        const config = loadConfig({ RIBAT_SECRET: 'bench-secret-bench-secret-bench-secret-0', RIBAT_DATA_DIR: '/tmp/ribat-bench', RIBAT_LOG_LEVEL: 'silent' }, { createSecret: false });
        const seedMs = await seedBulletins(database, config);
        console.log(`[postgres] published ${process.env.BENCH_BULLETINS ?? 1000} bulletins through the use cases in ${(seedMs / 1000).toFixed(1)} s`);
        await benchSearch('postgres', database, line);
      }
      if (wants('incidents')) await benchIncidents('postgres', database, line);
    });
  }
  if (wants('bulletins') || wants('pages')) await benchPages();
  if (wants('csaf')) await benchCsaf(line);
  // SQLite, then PostgreSQL in a schema of its own when BENCH_PG is set.
  if (wants('statistics')) await benchStatistics(line);
  console.log(`peak RSS: ${(process.resourceUsage().maxRSS / 1024).toFixed(0)} MiB`);
}

await main();
