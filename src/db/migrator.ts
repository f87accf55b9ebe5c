import { Migrator, PostgresAdapter, sql, type Migration, type MigrationProvider, type Kysely, type MigrationResultSet } from 'kysely';
import * as m0001 from '#src/db/migrations/0001-foundation';
import * as m0002 from '#src/db/migrations/0002-bulletins';
import * as m0003 from '#src/db/migrations/0003-csaf';
import * as m0004 from '#src/db/migrations/0004-incidents';
import * as m0005 from '#src/db/migrations/0005-incident-search';
import * as m0006 from '#src/db/migrations/0006-statistics';

/** The static, ordered list of migrations: nothing is discovered from the file system at run time. */
const migrations: Record<string, Migration> = {
  '0001-foundation': m0001,
  '0002-bulletins': m0002,
  '0003-csaf': m0003,
  '0004-incidents': m0004,
  '0005-incident-search': m0005,
  '0006-statistics': m0006,
};

const provider: MigrationProvider = { getMigrations: async () => migrations };

/** Applies every pending migration; throws with the failing migration's name. */
export async function migrateToLatest(db: Kysely<any>): Promise<MigrationResultSet> {
  // On PostgreSQL, pin the bookkeeping tables to the current schema: otherwise Kysely finds another schema's
  // lock table on the search path and skips creating its own (several installations or test schemas side by side).
  const isPostgres = db.getExecutor().adapter instanceof PostgresAdapter;
  const schema = isPostgres ? (await sql<{ s: string }>`select current_schema() as s`.execute(db)).rows[0]?.s : undefined;
  const migrator = new Migrator({
    db,
    provider,
    migrationTableName: 'ribat_migration',
    migrationLockTableName: 'ribat_migration_lock',
    ...(schema ? { migrationTableSchema: schema } : {}),
  });
  const result = await migrator.migrateToLatest();
  if (result.error) {
    const failed = result.results?.find((r) => r.status === 'Error');
    const cause = result.error instanceof Error ? result.error.message : JSON.stringify(result.error);
    throw new Error(`Migration ${failed?.migrationName ?? '?'} failed: ${cause}`);
  }
  return result;
}
