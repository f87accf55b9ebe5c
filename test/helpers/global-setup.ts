import pg from 'pg';

const pgUrl = process.env.TEST_DATABASE_URL ?? 'postgres://postgres@127.0.0.1:5432/test';

/** Drops every per-file test schema (t_*) left in the PostgreSQL test database. */
async function dropTestSchemas(): Promise<void> {
  const client = new pg.Client({ connectionString: pgUrl });
  await client.connect();
  try {
    const { rows } = await client.query<{ name: string }>("select schema_name as name from information_schema.schemata where schema_name like 't\\_%'");
    for (const { name } of rows) await client.query(`drop schema if exists "${name}" cascade`);
  } finally {
    await client.end();
  }
}

/**
 * On PostgreSQL each test file migrates its own fresh schema. They are all dropped before and after the run,
 * never during it: a schema dropped while another file introspects the catalog breaks that file's migration.
 */
export default async function setup(): Promise<(() => Promise<void>) | undefined> {
  if (process.env.TEST_DB !== 'postgres') return undefined;
  await dropTestSchemas();
  // Migration 0005 uses pg_trgm: installed once here, in public, so test files migrating side by side do not race
  // to create it in their own schemas (where dropping a schema would drop it for everyone).
  const client = new pg.Client({ connectionString: pgUrl });
  await client.connect();
  try {
    await client.query('create extension if not exists pg_trgm schema public');
  } finally {
    await client.end();
  }
  return dropTestSchemas;
}
