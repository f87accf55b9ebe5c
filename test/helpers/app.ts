import { mkdtempSync, rmSync } from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import pg from 'pg';
import { buildApp, type AppServices } from '#src/app';
import { loadConfig, type Config } from '#src/config/config';
import { openDatabase, type DatabaseHandle } from '#src/db/database';
import { migrateToLatest } from '#src/db/migrator';
import { runSeeds } from '#src/db/seeds/seed';
import { createLogger } from '#src/core/logger';
import { catalogue } from '#src/web/catalogue';
import { randomToken } from '#src/core/ids';
import type { App } from '#src/plugins/types';
import type { Clock } from '#src/core/time';

/** The test database: SQLite in memory by default, a fresh PostgreSQL schema with TEST_DB=postgres. */
export const testDialect = process.env.TEST_DB === 'postgres' ? 'postgres' : 'sqlite';
const pgUrl = process.env.TEST_DATABASE_URL ?? 'postgres://postgres@127.0.0.1:5432/test';

/** A clock that follows real time and can be moved forward by tests (lockouts, expiries). */
export interface TestClock extends Clock {
  advance(ms: number): void;
}

export function testClock(): TestClock {
  let offset = 0;
  return { now: () => new Date(Date.now() + offset), advance: (ms) => (offset += ms) };
}

export interface TestDatabase {
  database: DatabaseHandle;
  close(): Promise<void>;
}

/** Opens an isolated, migrated and seeded database for one test file. */
export async function openTestDatabase(clock: Clock): Promise<TestDatabase> {
  if (testDialect === 'postgres') {
    const schema = `t_${randomToken(9).toLowerCase().replace(/[^a-z0-9]/g, 'x')}`;
    const admin = new pg.Client({ connectionString: pgUrl });
    await admin.connect();
    await admin.query(`create schema ${schema}`);
    await admin.end();
    const database = openDatabase({ databaseUrl: pgUrl, sqliteDir: ':memory:', pgSchema: schema, pgPoolSize: 4 });
    // Schemas are dropped once, when the whole run ends (test/helpers/global-setup.ts): dropping one while
    // another file migrates makes PostgreSQL's catalog introspection fail on the vanishing objects.
    try {
      await migrateToLatest(database.db);
      await runSeeds(database, clock);
    } catch (err) {
      await database.close();
      throw err;
    }
    return {
      database,
      async close() {
        await database.close();
      },
    };
  }
  const database = openDatabase({ databaseUrl: null, sqliteDir: ':memory:' });
  await migrateToLatest(database.db);
  await runSeeds(database, clock);
  return { database, close: () => database.close() };
}

export interface TestApp {
  app: App;
  config: Config;
  database: DatabaseHandle;
  clock: TestClock;
  services: AppServices;
  dataDir: string;
  close(): Promise<void>;
}

/** Builds the real application on a test database, with jobs left for the test to run. */
export async function buildTestApp(env: Record<string, string> = {}): Promise<TestApp> {
  const dataDir = mkdtempSync(path.join(os.tmpdir(), 'ribat-test-'));
  const config = loadConfig(
    {
      RIBAT_SECRET: 'test-secret-test-secret-test-secret-0123',
      RIBAT_DATA_DIR: dataDir,
      RIBAT_LOG_LEVEL: 'silent',
      RIBAT_JOBS_ENABLED: 'false',
      RIBAT_PUBLIC_URL: 'http://localhost:8080',
      ...env,
    },
    { createSecret: false },
  );
  const clock = testClock();
  const db = await openTestDatabase(clock);
  const services: AppServices = { config, database: db.database, logger: createLogger('silent'), clock, catalogue, version: 'test' };
  const app = await buildApp(services);
  return {
    app,
    config,
    database: db.database,
    clock,
    services,
    dataDir,
    async close() {
      await app.close();
      await db.close();
      rmSync(dataDir, { recursive: true, force: true });
    },
  };
}

/** A database the CLI can open through its environment, and a handle on the same database for assertions. */
export interface CliTestEnvironment {
  /** The environment to pass as `io.env` to `main()`. */
  env: Record<string, string>;
  database: DatabaseHandle;
  close(): Promise<void>;
}

/**
 * Prepares a migrated database for CLI tests: a SQLite file in a temporary RIBAT_DATA_DIR, or (TEST_DB=postgres)
 * a fresh PostgreSQL schema reached through DATABASE_URL's search_path.
 */
export async function openCliTestEnvironment(extraEnv: Record<string, string> = {}): Promise<CliTestEnvironment> {
  const dataDir = mkdtempSync(path.join(os.tmpdir(), 'ribat-cli-'));
  const env: Record<string, string> = {
    RIBAT_DATA_DIR: dataDir,
    RIBAT_SECRET: 'test-secret-test-secret-test-secret-0123',
    RIBAT_LOG_LEVEL: 'silent',
    RIBAT_PUBLIC_URL: 'http://localhost:8080',
    ...extraEnv,
  };
  let database: DatabaseHandle;
  if (testDialect === 'postgres') {
    const schema = `t_${randomToken(9).toLowerCase().replace(/[^a-z0-9]/g, 'x')}`;
    const admin = new pg.Client({ connectionString: pgUrl });
    await admin.connect();
    await admin.query(`create schema ${schema}`);
    await admin.end();
    const url = new URL(pgUrl);
    url.searchParams.set('options', `-c search_path=${schema}`);
    env.DATABASE_URL = url.toString();
    database = openDatabase({ databaseUrl: pgUrl, sqliteDir: ':memory:', pgSchema: schema, pgPoolSize: 2 });
  } else {
    database = openDatabase({ databaseUrl: null, sqliteDir: dataDir });
  }
  await migrateToLatest(database.db);
  return {
    env,
    database,
    async close() {
      await database.close();
      rmSync(dataDir, { recursive: true, force: true });
    },
  };
}
