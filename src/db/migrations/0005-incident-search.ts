import { sql, type Kysely, PostgresAdapter } from 'kysely';

// Frozen migration: it imports nothing from src/ and must never change once released.
//
// A trigram index for the incident queue's text search (substring matches of folded words and references):
// - PostgreSQL: a GIN index with pg_trgm's operator class on incident.search_text, used by LIKE '%…%'. pg_trgm
//   ships with PostgreSQL and is a trusted extension (a database owner may create it). When it cannot be created
//   (not installed, no privilege) the migration skips the index and the search scans, as before.
// - SQLite: an FTS5 table with the trigram tokenizer. Its external content is `incident_search`, whose explicit
//   INTEGER PRIMARY KEY stays stable across VACUUM (the implicit rowid of `incident` would not); triggers keep
//   both in step with every insert, update and delete of an incident.

export async function up(db: Kysely<any>): Promise<void> {
  const pg = db.getExecutor().adapter instanceof PostgresAdapter;
  if (pg) {
    const schema = await trigramSchema(db);
    if (schema !== null) {
      await sql`create index incident_search_trgm_idx on incident using gin (search_text ${sql.id(schema)}.gin_trgm_ops)`.execute(db);
    }
    return;
  }
  await sql`create table incident_search (seq integer primary key, incident_id text not null unique, search_text text not null)`.execute(db);
  await sql`create virtual table incident_fts using fts5(search_text, content = 'incident_search', content_rowid = 'seq', tokenize = 'trigram')`.execute(db);
  await sql`create trigger incident_search_ai after insert on incident begin
      insert into incident_search (incident_id, search_text) values (new.id, new.search_text);
    end`.execute(db);
  await sql`create trigger incident_search_au after update of search_text on incident when old.search_text is not new.search_text begin
      update incident_search set search_text = new.search_text where incident_id = new.id;
    end`.execute(db);
  await sql`create trigger incident_search_ad after delete on incident begin
      delete from incident_search where incident_id = old.id;
    end`.execute(db);
  await sql`create trigger incident_fts_ai after insert on incident_search begin
      insert into incident_fts (rowid, search_text) values (new.seq, new.search_text);
    end`.execute(db);
  await sql`create trigger incident_fts_au after update on incident_search begin
      insert into incident_fts (incident_fts, rowid, search_text) values ('delete', old.seq, old.search_text);
      insert into incident_fts (rowid, search_text) values (new.seq, new.search_text);
    end`.execute(db);
  await sql`create trigger incident_fts_ad after delete on incident_search begin
      insert into incident_fts (incident_fts, rowid, search_text) values ('delete', old.seq, old.search_text);
    end`.execute(db);
  await sql`insert into incident_search (incident_id, search_text) select id, search_text from incident order by reported_at, id`.execute(db);
}

/**
 * The schema holding pg_trgm: where it is already installed, else where this migration installs it; null when it
 * cannot be installed. The attempt runs under a savepoint so a refusal does not abort the migration's transaction.
 */
async function trigramSchema(db: Kysely<any>): Promise<string | null> {
  const installed = async (): Promise<string | null> =>
    (await sql<{ schema: string }>`select n.nspname as schema from pg_extension e join pg_namespace n on n.oid = e.extnamespace where e.extname = 'pg_trgm'`.execute(db)).rows[0]?.schema ?? null;
  const existing = await installed();
  if (existing !== null) return existing;
  const available = (await sql<{ n: number }>`select count(*)::int as n from pg_available_extensions where name = 'pg_trgm'`.execute(db)).rows[0]?.n ?? 0;
  if (available === 0) return null;
  await sql`savepoint ribat_pg_trgm`.execute(db);
  try {
    await sql`create extension if not exists pg_trgm`.execute(db);
    await sql`release savepoint ribat_pg_trgm`.execute(db);
  } catch {
    await sql`rollback to savepoint ribat_pg_trgm`.execute(db);
    return null;
  }
  return installed();
}

export async function down(db: Kysely<any>): Promise<void> {
  if (db.getExecutor().adapter instanceof PostgresAdapter) {
    await sql`drop index if exists incident_search_trgm_idx`.execute(db);
    return;
  }
  for (const trigger of ['incident_search_ai', 'incident_search_au', 'incident_search_ad', 'incident_fts_ai', 'incident_fts_au', 'incident_fts_ad']) {
    await sql`drop trigger if exists ${sql.id(trigger)}`.execute(db);
  }
  await sql`drop table if exists incident_fts`.execute(db);
  await sql`drop table if exists incident_search`.execute(db);
}
