import { sql, type Kysely, PostgresAdapter, type ColumnDefinitionBuilder } from 'kysely';

// Frozen migration: it imports nothing from src/ and must never change once released.

type Col = (col: ColumnDefinitionBuilder) => ColumnDefinitionBuilder;
const notNull: Col = (c) => c.notNull();

export async function up(db: Kysely<any>): Promise<void> {
  const pg = db.getExecutor().adapter instanceof PostgresAdapter;
  const ts = pg ? sql`timestamptz` : sql`text`;
  const seqType = pg ? sql`bigint generated always as identity` : sql`integer`;

  await db.schema
    .createTable('organisation')
    .addColumn('id', 'text', (c) => c.primaryKey())
    .addColumn('name_fr', 'text', notNull)
    .addColumn('name_ar', 'text', notNull)
    .addColumn('name_en', 'text', notNull)
    .addColumn('acronym', 'text')
    .addColumn('category', 'text', notNull)
    .addColumn('sector_code', 'text', notNull)
    .addColumn('status', 'text', notNull)
    .addColumn('email_domains', 'text', (c) => c.notNull().defaultTo('[]'))
    .addColumn('ip_ranges', 'text', (c) => c.notNull().defaultTo('[]'))
    .addColumn('created_at', ts, notNull)
    .addColumn('updated_at', ts, notNull)
    .addColumn('version', 'integer', (c) => c.notNull().defaultTo(1))
    .execute();

  await db.schema
    .createTable('organisation_contact')
    .addColumn('id', 'text', (c) => c.primaryKey())
    .addColumn('organisation_id', 'text', (c) => c.notNull().references('organisation.id').onDelete('cascade'))
    .addColumn('kind', 'text', notNull)
    .addColumn('name', 'text', notNull)
    .addColumn('email', 'text', notNull)
    .addColumn('phone', 'text')
    .addColumn('position', 'integer', (c) => c.notNull().defaultTo(0))
    .execute();
  // Acronyms are unique regardless of case (the use case checks first; this closes the race).
  await sql`create unique index organisation_acronym_uq on organisation (upper(acronym))`.execute(db);

  await db.schema.createIndex('organisation_contact_org_idx').on('organisation_contact').column('organisation_id').execute();

  await db.schema
    .createTable('user_account')
    .addColumn('id', 'text', (c) => c.primaryKey())
    .addColumn('email', 'text', (c) => c.notNull().unique())
    .addColumn('display_name', 'text', notNull)
    .addColumn('password_hash', 'text')
    .addColumn('locale', 'text')
    .addColumn('status', 'text', notNull)
    .addColumn('organisation_id', 'text', (c) => c.references('organisation.id'))
    .addColumn('mfa_secret', 'text')
    .addColumn('mfa_enabled_at', ts)
    .addColumn('mfa_last_step', 'integer')
    .addColumn('failed_login_count', 'integer', (c) => c.notNull().defaultTo(0))
    .addColumn('locked_until', ts)
    .addColumn('last_login_at', ts)
    .addColumn('password_changed_at', ts)
    .addColumn('created_at', ts, notNull)
    .addColumn('updated_at', ts, notNull)
    .addColumn('version', 'integer', (c) => c.notNull().defaultTo(1))
    .execute();
  await db.schema.createIndex('user_account_org_idx').on('user_account').column('organisation_id').execute();

  await db.schema
    .createTable('user_role')
    .addColumn('user_id', 'text', (c) => c.notNull().references('user_account.id').onDelete('cascade'))
    .addColumn('role', 'text', notNull)
    .addPrimaryKeyConstraint('user_role_pk', ['user_id', 'role'])
    .execute();

  await db.schema
    .createTable('session')
    .addColumn('id', 'text', (c) => c.primaryKey())
    .addColumn('user_id', 'text', (c) => c.notNull().references('user_account.id').onDelete('cascade'))
    .addColumn('created_at', ts, notNull)
    .addColumn('last_seen_at', ts, notNull)
    .addColumn('expires_at', ts, notNull)
    .addColumn('ip', 'text')
    .addColumn('user_agent', 'text')
    .addColumn('mfa_verified_at', ts)
    .addColumn('revoked_at', ts)
    .execute();
  await db.schema.createIndex('session_user_idx').on('session').column('user_id').execute();

  await db.schema
    .createTable('recovery_code')
    .addColumn('id', 'text', (c) => c.primaryKey())
    .addColumn('user_id', 'text', (c) => c.notNull().references('user_account.id').onDelete('cascade'))
    .addColumn('code_hash', 'text', notNull)
    .addColumn('created_at', ts, notNull)
    .addColumn('used_at', ts)
    .execute();
  await db.schema.createIndex('recovery_code_user_idx').on('recovery_code').column('user_id').execute();

  await db.schema
    .createTable('api_token')
    .addColumn('id', 'text', (c) => c.primaryKey())
    .addColumn('user_id', 'text', (c) => c.notNull().references('user_account.id').onDelete('cascade'))
    .addColumn('name', 'text', notNull)
    .addColumn('prefix', 'text', notNull)
    .addColumn('token_hash', 'text', (c) => c.notNull().unique())
    .addColumn('scopes', 'text', notNull)
    .addColumn('created_at', ts, notNull)
    .addColumn('expires_at', ts, notNull)
    .addColumn('last_used_at', ts)
    .addColumn('revoked_at', ts)
    .execute();
  await db.schema.createIndex('api_token_user_idx').on('api_token').column('user_id').execute();

  await db.schema
    .createTable('one_time_token')
    .addColumn('id', 'text', (c) => c.primaryKey())
    .addColumn('purpose', 'text', notNull)
    .addColumn('user_id', 'text', (c) => c.references('user_account.id').onDelete('cascade'))
    .addColumn('token_hash', 'text', (c) => c.notNull().unique())
    .addColumn('created_at', ts, notNull)
    .addColumn('expires_at', ts, notNull)
    .addColumn('used_at', ts)
    .execute();

  await db.schema
    .createTable('vocabulary_term')
    .addColumn('id', 'text', (c) => c.primaryKey())
    .addColumn('vocabulary', 'text', notNull)
    .addColumn('code', 'text', notNull)
    .addColumn('label_fr', 'text', notNull)
    .addColumn('label_ar', 'text', notNull)
    .addColumn('label_en', 'text', notNull)
    .addColumn('position', 'integer', (c) => c.notNull().defaultTo(0))
    .addColumn('retired_at', ts)
    .addColumn('created_at', ts, notNull)
    .addColumn('updated_at', ts, notNull)
    .addColumn('version', 'integer', (c) => c.notNull().defaultTo(1))
    .addUniqueConstraint('vocabulary_term_code_uq', ['vocabulary', 'code'])
    .execute();

  await db.schema
    .createTable('audit_event')
    .addColumn('seq', seqType, (c) => c.primaryKey())
    .addColumn('id', 'text', (c) => c.notNull().unique())
    .addColumn('occurred_at', ts, notNull)
    .addColumn('actor_id', 'text')
    .addColumn('actor_label', 'text', notNull)
    .addColumn('ip', 'text')
    .addColumn('request_id', 'text', notNull)
    .addColumn('action', 'text', notNull)
    .addColumn('entity_type', 'text', notNull)
    .addColumn('entity_id', 'text', notNull)
    .addColumn('before_data', 'text')
    .addColumn('after_data', 'text')
    .addColumn('prev_hash', 'text', notNull)
    .addColumn('hash', 'text', notNull)
    .execute();
  await db.schema.createIndex('audit_event_entity_idx').on('audit_event').columns(['entity_type', 'entity_id']).execute();
  await db.schema.createIndex('audit_event_actor_idx').on('audit_event').column('actor_id').execute();
  await db.schema.createIndex('audit_event_time_idx').on('audit_event').column('occurred_at').execute();

  await db.schema
    .createTable('audit_head')
    .addColumn('id', 'integer', (c) => c.primaryKey())
    .addColumn('last_seq', 'bigint', notNull)
    .addColumn('last_hash', 'text', notNull)
    .execute();
  await db.insertInto('audit_head').values({ id: 1, last_seq: 0, last_hash: '0'.repeat(64) }).execute();

  // The audit trail is append-only: updates and deletes are refused by the database itself.
  if (pg) {
    await sql`create function ribat_audit_append_only() returns trigger language plpgsql as $$
      begin raise exception 'audit_event is append-only'; end; $$`.execute(db);
    await sql`create trigger audit_event_no_update before update or delete on audit_event
      for each row execute function ribat_audit_append_only()`.execute(db);
  } else {
    await sql`create trigger audit_event_no_update before update on audit_event
      begin select raise(abort, 'audit_event is append-only'); end`.execute(db);
    await sql`create trigger audit_event_no_delete before delete on audit_event
      begin select raise(abort, 'audit_event is append-only'); end`.execute(db);
  }

  await db.schema
    .createTable('idempotency_record')
    .addColumn('actor_key', 'text', notNull)
    .addColumn('key', 'text', notNull)
    .addColumn('scope', 'text', notNull)
    .addColumn('request_hash', 'text', notNull)
    .addColumn('response_status', 'integer', notNull)
    .addColumn('response_body', 'text', notNull)
    .addColumn('created_at', ts, notNull)
    .addPrimaryKeyConstraint('idempotency_record_pk', ['actor_key', 'key'])
    .execute();

  await db.schema
    .createTable('job')
    .addColumn('id', 'text', (c) => c.primaryKey())
    .addColumn('kind', 'text', notNull)
    .addColumn('version', 'integer', notNull)
    .addColumn('payload', 'text', notNull)
    .addColumn('idempotency_key', 'text', (c) => c.unique())
    .addColumn('status', 'text', notNull)
    .addColumn('attempts', 'integer', (c) => c.notNull().defaultTo(0))
    .addColumn('max_attempts', 'integer', notNull)
    .addColumn('run_at', ts, notNull)
    .addColumn('locked_at', ts)
    .addColumn('locked_by', 'text')
    .addColumn('last_error', 'text')
    .addColumn('created_at', ts, notNull)
    .addColumn('finished_at', ts)
    .execute();
  await db.schema.createIndex('job_ready_idx').on('job').columns(['status', 'run_at']).execute();

  await db.schema
    .createTable('email_message')
    .addColumn('id', 'text', (c) => c.primaryKey())
    .addColumn('purpose', 'text', notNull)
    .addColumn('to_address', 'text', notNull)
    .addColumn('subject', 'text', notNull)
    .addColumn('text_body', 'text', notNull)
    .addColumn('html_body', 'text')
    .addColumn('headers', 'text', (c) => c.notNull().defaultTo('{}'))
    .addColumn('status', 'text', notNull)
    .addColumn('attempts', 'integer', (c) => c.notNull().defaultTo(0))
    .addColumn('last_error', 'text')
    .addColumn('created_at', ts, notNull)
    .addColumn('sent_at', ts)
    .execute();
  await db.schema.createIndex('email_message_time_idx').on('email_message').column('created_at').execute();
}

export async function down(): Promise<void> {
  throw new Error('Ribat migrations are forward-only; restore a backup instead.');
}
