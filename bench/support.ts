/**
 * What the seeded benchmarks (incidents, statistics) share: deterministic randomness, batched multi-row inserts,
 * the dataset's size and peak memory, and the databases they seed — a SQLite file in a temporary directory,
 * reopened with the application's settings before measuring, or a PostgreSQL schema of their own.
 */
import { mkdtempSync, rmSync, statSync } from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import pg from 'pg';
import { sql } from 'kysely';
import type { DatabaseHandle } from '#src/db/database';
import { openDatabase } from '#src/db/database';
import { migrateToLatest } from '#src/db/migrator';
import { runSeeds } from '#src/db/seeds/seed';
import { systemClock } from '#src/core/time';

/** Prints one measured figure next to its baseline (bench/run.ts). */
export type Line = (label: string, ms: number, baselineLabel: string, baselineMs: number, unit: number, unitName: string) => void;

// ---- Deterministic randomness -------------------------------------------------------------------------------

/** mulberry32: a small seeded generator, so that two runs measure the same data and the same queries. */
export function seeded(seed: number): () => number {
  let a = seed >>> 0;
  return () => {
    a = (a + 0x6d2b79f5) >>> 0;
    let t = a;
    t = Math.imul(t ^ (t >>> 15), t | 1);
    t ^= t + Math.imul(t ^ (t >>> 7), t | 61);
    return ((t ^ (t >>> 14)) >>> 0) / 4_294_967_296;
  };
}

export function pick<T>(random: () => number, items: readonly T[]): T {
  return items[Math.floor(random() * items.length)];
}

/** Picks a key of `weights` with probability proportional to its weight. */
export function weighted<K extends string | number>(random: () => number, weights: readonly (readonly [K, number])[]): K {
  const total = weights.reduce((sum, [, w]) => sum + w, 0);
  let r = random() * total;
  for (const [key, w] of weights) {
    r -= w;
    if (r < 0) return key;
  }
  return weights[weights.length - 1][0];
}

/** Cumulative Zipf weights 1/rank^s over `n` ranks, sampled by binary search. */
export function zipf(n: number, s: number): (random: () => number) => number {
  const cumulative = new Float64Array(n);
  let total = 0;
  for (let r = 0; r < n; r++) cumulative[r] = total += 1 / (r + 1) ** s;
  return (random) => {
    const x = random() * total;
    let lo = 0;
    let hi = n - 1;
    while (lo < hi) {
      const mid = (lo + hi) >> 1;
      if ((cumulative[mid] ?? 0) < x) lo = mid + 1;
      else hi = mid;
    }
    return lo;
  };
}

// ---- Seeding -----------------------------------------------------------------------------------------------------

export const dbTime = (ms: number): string => new Date(ms).toISOString();

/** Rows per multi-row INSERT: at most 1,000 and within the bound-parameter limit (SQLite 32,766; PostgreSQL 65,535). */
export function rowsPerStatement(database: DatabaseHandle, columns: number): number {
  return Math.min(1000, Math.floor((database.dialect === 'sqlite' ? 32_766 : 65_535) / columns));
}

export async function insertBatches<R extends object>(rows: R[], perStatement: number, insert: (part: R[]) => Promise<unknown>): Promise<void> {
  for (let i = 0; i < rows.length; i += perStatement) await insert(rows.slice(i, i + perStatement));
}

// ---- Reporting ---------------------------------------------------------------------------------------------------

/** The dataset's size: the SQLite file (after a WAL checkpoint), or the named PostgreSQL tables with their indexes. */
export async function sizeOf(database: DatabaseHandle, pgTables: readonly string[]): Promise<string> {
  if (database.dialect === 'sqlite') {
    await sql`pragma wal_checkpoint(truncate)`.execute(database.db);
    const file = database.sqliteFile;
    return file === null ? 'in memory' : `file ${(statSync(file).size / 2 ** 30).toFixed(2)} GiB`;
  }
  const rows = await sql<{ name: string; bytes: number }>`select t as name, pg_total_relation_size(t::regclass) as bytes from unnest(${[...pgTables]}::text[]) as t`.execute(database.db);
  const total = rows.rows.reduce((sum, r) => sum + Number(r.bytes), 0);
  return `pg_total_relation_size ${(total / 2 ** 30).toFixed(2)} GiB (${rows.rows.map((r) => `${r.name} ${(Number(r.bytes) / 2 ** 20).toFixed(0)} MiB`).join(', ')})`;
}

export const peakRss = (): string => `${(process.resourceUsage().maxRSS / 1024).toFixed(0)} MiB`;

// ---- Databases ---------------------------------------------------------------------------------------------------

/**
 * Runs `seedAndMeasure` on a migrated and seeded SQLite file in a new temporary directory (removed afterwards unless
 * the environment variable `keepDirVariable` names one to keep, e.g. for EXPLAIN QUERY PLAN). The seeding gets
 * 256 MiB of page cache for the index inserts; `reopen` closes the database and opens it again with the
 * application's own settings, for the measurements.
 */
export async function onSqliteFile(prefix: string, keepDirVariable: string, seedAndMeasure: (database: DatabaseHandle, reopen: () => Promise<DatabaseHandle>) => Promise<void>): Promise<void> {
  const keep = process.env[keepDirVariable];
  const dir = keep ?? mkdtempSync(path.join(os.tmpdir(), prefix));
  try {
    const database = openDatabase({ databaseUrl: null, sqliteDir: dir });
    try {
      await migrateToLatest(database.db);
      await runSeeds(database, systemClock);
      await sql`pragma cache_size = -262144`.execute(database.db);
      await seedAndMeasure(database, async () => {
        await database.close();
        return openDatabase({ databaseUrl: null, sqliteDir: dir });
      });
    } catch (error) {
      await database.close().catch(() => undefined);
      throw error;
    }
  } finally {
    if (keep === undefined) rmSync(dir, { recursive: true, force: true });
  }
}

/** Runs `work` on a migrated PostgreSQL schema of its own (`<prefix><time>`), dropped afterwards. */
export async function onPostgresSchema(pgUrl: string, prefix: string, work: (database: DatabaseHandle) => Promise<void>): Promise<void> {
  const schema = `${prefix}${Date.now()}`;
  const admin = new pg.Client({ connectionString: pgUrl });
  await admin.connect();
  await admin.query(`create schema ${schema}`);
  const database = openDatabase({ databaseUrl: pgUrl, sqliteDir: ':memory:', pgSchema: schema });
  try {
    await migrateToLatest(database.db);
    await work(database);
  } finally {
    await database.close();
    await admin.query(`drop schema ${schema} cascade`);
    await admin.end();
  }
}
