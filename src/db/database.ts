import { mkdirSync } from 'node:fs';
import path from 'node:path';
import SqliteDatabase from 'better-sqlite3';
import pg from 'pg';
import { CompiledQuery, Kysely, PostgresDialect, SqliteDialect, SqliteDriver, type DatabaseConnection, type Driver, type SqliteDialectConfig, type Transaction } from 'kysely';
import type { Database } from '#src/db/schema';

export type Dialect = 'sqlite' | 'postgres';
export type Db = Kysely<Database>;
export type Tx = Transaction<Database>;
/** Either the database or an open transaction: repositories accept both. */
export type DbOrTx = Kysely<Database> | Transaction<Database>;

/** An open database with its dialect and how to close it. */
export interface DatabaseHandle {
  readonly db: Db;
  readonly dialect: Dialect;
  /** The SQLite file, for backups; null on PostgreSQL or in memory. */
  readonly sqliteFile: string | null;
  close(): Promise<void>;
}

// int8 (COUNT(*), identity columns) as JavaScript numbers: our counts stay far below 2^53.
pg.types.setTypeParser(20, (v: string) => Number(v));

export interface OpenDatabaseOptions {
  /** postgres:// URL; null for SQLite. */
  databaseUrl: string | null;
  /** Directory holding ribat.sqlite; ':memory:' for an in-memory database. */
  sqliteDir: string;
  /** PostgreSQL schema to use (tests isolate themselves in a fresh schema). */
  pgSchema?: string;
  pgPoolSize?: number;
}

/** Opens SQLite (default) or PostgreSQL with the same Kysely interface. */
export function openDatabase(options: OpenDatabaseOptions): DatabaseHandle {
  if (options.databaseUrl) {
    const pool = new pg.Pool({
      connectionString: options.databaseUrl,
      max: options.pgPoolSize ?? 10,
      ...(options.pgSchema ? { options: `-c search_path=${options.pgSchema}` } : {}),
    });
    const db = new Kysely<Database>({ dialect: new PostgresDialect({ pool }) });
    return { db, dialect: 'postgres', sqliteFile: null, close: () => db.destroy() };
  }
  let file: string;
  if (options.sqliteDir === ':memory:') {
    file = ':memory:';
  } else {
    mkdirSync(options.sqliteDir, { recursive: true });
    file = path.join(options.sqliteDir, 'ribat.sqlite');
  }
  const sqlite = new SqliteDatabase(file);
  sqlite.pragma('journal_mode = WAL');
  sqlite.pragma('foreign_keys = ON');
  sqlite.pragma('busy_timeout = 5000');
  sqlite.pragma('synchronous = NORMAL');
  const db = new Kysely<Database>({ dialect: new ImmediateSqliteDialect({ database: sqlite }) });
  return { db, dialect: 'sqlite', sqliteFile: file === ':memory:' ? null : file, close: () => db.destroy() };
}

/**
 * SQLite transactions start with BEGIN IMMEDIATE: the write lock is taken at once (waiting up to busy_timeout)
 * instead of at the first write. A deferred transaction that reads and then writes fails at once with "database is
 * locked" (SQLITE_BUSY, no waiting) when another process — the server and a `ribat` command side by side — committed
 * in between. Every Ribat transaction writes, so nothing is lost by taking the lock first.
 */
class ImmediateSqliteDriver extends SqliteDriver {
  override async beginTransaction(connection: DatabaseConnection): Promise<void> {
    await connection.executeQuery(CompiledQuery.raw('begin immediate'));
  }
}

class ImmediateSqliteDialect extends SqliteDialect {
  readonly #config: SqliteDialectConfig;
  constructor(config: SqliteDialectConfig) {
    super(config);
    this.#config = config;
  }
  override createDriver(): Driver {
    return new ImmediateSqliteDriver(this.#config);
  }
}
