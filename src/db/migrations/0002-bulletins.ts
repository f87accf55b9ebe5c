import { sql, type Kysely, PostgresAdapter, type ColumnDefinitionBuilder } from 'kysely';

// Frozen migration: it imports nothing from src/ and must never change once released.

type Col = (col: ColumnDefinitionBuilder) => ColumnDefinitionBuilder;
const notNull: Col = (c) => c.notNull();

export async function up(db: Kysely<any>): Promise<void> {
  const pg = db.getExecutor().adapter instanceof PostgresAdapter;
  const ts = pg ? sql`timestamptz` : sql`text`;

  // ---- Shared product registry ----------------------------------------------------------------------------
  await db.schema
    .createTable('product_vendor')
    .addColumn('id', 'text', (c) => c.primaryKey())
    .addColumn('name', 'text', notNull)
    .addColumn('name_key', 'text', (c) => c.notNull().unique())
    .addColumn('created_at', ts, notNull)
    .execute();

  await db.schema
    .createTable('product')
    .addColumn('id', 'text', (c) => c.primaryKey())
    .addColumn('vendor_id', 'text', (c) => c.notNull().references('product_vendor.id'))
    .addColumn('name', 'text', notNull)
    .addColumn('name_key', 'text', notNull)
    .addColumn('cpe', 'text')
    .addColumn('purl', 'text')
    .addColumn('created_at', ts, notNull)
    .addUniqueConstraint('product_vendor_name_uq', ['vendor_id', 'name_key'])
    .execute();
  await db.schema.createIndex('product_name_key_idx').on('product').column('name_key').execute();

  // ---- Bulletins ------------------------------------------------------------------------------------------
  await db.schema
    .createTable('bulletin')
    .addColumn('id', 'text', (c) => c.primaryKey())
    .addColumn('kind', 'text', notNull)
    .addColumn('reference', 'text', (c) => c.unique())
    .addColumn('slug', 'text', (c) => c.unique())
    .addColumn('state', 'text', notNull)
    .addColumn('publication', 'text', notNull)
    .addColumn('draft', 'text', notNull)
    .addColumn('published_revision', 'integer', (c) => c.notNull().defaultTo(0))
    .addColumn('change_summary', 'text', (c) => c.notNull().defaultTo(''))
    .addColumn('author_id', 'text', (c) => c.notNull().references('user_account.id'))
    .addColumn('submitted_by', 'text', (c) => c.references('user_account.id'))
    .addColumn('approved_by', 'text', (c) => c.references('user_account.id'))
    .addColumn('approved_at', ts)
    .addColumn('scheduled_at', ts)
    .addColumn('first_published_at', ts)
    .addColumn('last_published_at', ts)
    .addColumn('closed_at', ts)
    .addColumn('withdrawn_at', ts)
    .addColumn('withdrawal_reason', 'text')
    .addColumn('created_at', ts, notNull)
    .addColumn('updated_at', ts, notNull)
    .addColumn('version', 'integer', (c) => c.notNull().defaultTo(1))
    .execute();
  await db.schema.createIndex('bulletin_state_idx').on('bulletin').columns(['state', 'updated_at']).execute();

  await db.schema
    .createTable('bulletin_alias')
    .addColumn('alias', 'text', (c) => c.primaryKey())
    .addColumn('bulletin_id', 'text', (c) => c.notNull().references('bulletin.id').onDelete('cascade'))
    .execute();

  await db.schema
    .createTable('bulletin_revision')
    .addColumn('id', 'text', (c) => c.primaryKey())
    .addColumn('bulletin_id', 'text', (c) => c.notNull().references('bulletin.id'))
    .addColumn('number', 'integer', notNull)
    .addColumn('published_at', ts, notNull)
    .addColumn('published_by', 'text', (c) => c.notNull().references('user_account.id'))
    .addColumn('approved_by', 'text', (c) => c.notNull().references('user_account.id'))
    .addColumn('change_summary', 'text', notNull)
    .addColumn('content', 'text', notNull)
    .addUniqueConstraint('bulletin_revision_number_uq', ['bulletin_id', 'number'])
    .execute();

  await db.schema
    .createTable('bulletin_comment')
    .addColumn('id', 'text', (c) => c.primaryKey())
    .addColumn('bulletin_id', 'text', (c) => c.notNull().references('bulletin.id'))
    .addColumn('author_id', 'text', (c) => c.notNull().references('user_account.id'))
    .addColumn('kind', 'text', notNull)
    .addColumn('body', 'text', notNull)
    .addColumn('created_at', ts, notNull)
    .execute();
  await db.schema.createIndex('bulletin_comment_bulletin_idx').on('bulletin_comment').columns(['bulletin_id', 'created_at']).execute();

  // Counters of reference numbers, one row per sequence key; incremented inside the publishing transaction so a
  // rolled-back publication gives its number back (no gaps) and two publications never share one (no reuse).
  await db.schema
    .createTable('reference_counter')
    .addColumn('sequence_key', 'text', (c) => c.primaryKey())
    .addColumn('last_value', 'integer', notNull)
    .execute();

  // ---- The public read model: rebuilt for a bulletin each time a revision is published, closed or withdrawn -----
  // One row per language that has a text in the latest published revision.
  await db.schema
    .createTable('bulletin_listing')
    .addColumn('bulletin_id', 'text', (c) => c.notNull().references('bulletin.id'))
    .addColumn('language', 'text', notNull)
    .addColumn('is_original', 'integer', notNull)
    .addColumn('reference', 'text', notNull)
    .addColumn('slug', 'text', notNull)
    .addColumn('kind', 'text', notNull)
    .addColumn('criticality', 'text', notNull)
    .addColumn('tlp', 'text', notNull)
    .addColumn('publication', 'text', notNull)
    .addColumn('revision', 'integer', notNull)
    .addColumn('title', 'text', notNull)
    .addColumn('summary', 'text', notNull)
    /** Title, summary and body with case, accents and Arabic diacritics removed (the same folding as queries). */
    .addColumn('search_text', 'text', notNull)
    .addColumn('first_published_at', ts, notNull)
    .addColumn('last_published_at', ts, notNull)
    .addPrimaryKeyConstraint('bulletin_listing_pk', ['bulletin_id', 'language'])
    .execute();
  await db.schema.createIndex('bulletin_listing_time_idx').on('bulletin_listing').columns(['language', 'first_published_at']).execute();
  await db.schema.createIndex('bulletin_listing_slug_idx').on('bulletin_listing').column('slug').execute();
  if (pg) {
    await sql`alter table bulletin_listing add column search_vector tsvector generated always as (to_tsvector('simple', search_text)) stored`.execute(db);
    await sql`create index bulletin_listing_search_idx on bulletin_listing using gin (search_vector)`.execute(db);
  } else {
    await sql`create virtual table bulletin_fts using fts5(bulletin_id unindexed, language unindexed, search_text, tokenize = 'unicode61 remove_diacritics 2')`.execute(db);
  }

  await db.schema
    .createTable('bulletin_cve')
    .addColumn('bulletin_id', 'text', (c) => c.notNull().references('bulletin.id'))
    .addColumn('cve_id', 'text', notNull)
    .addColumn('exploited', 'integer', notNull)
    .addPrimaryKeyConstraint('bulletin_cve_pk', ['bulletin_id', 'cve_id'])
    .execute();
  await db.schema.createIndex('bulletin_cve_cve_idx').on('bulletin_cve').column('cve_id').execute();

  await db.schema
    .createTable('bulletin_product')
    .addColumn('bulletin_id', 'text', (c) => c.notNull().references('bulletin.id'))
    .addColumn('product_id', 'text', (c) => c.notNull().references('product.id'))
    .addColumn('vendor_id', 'text', (c) => c.notNull().references('product_vendor.id'))
    .addPrimaryKeyConstraint('bulletin_product_pk', ['bulletin_id', 'product_id'])
    .execute();
  await db.schema.createIndex('bulletin_product_product_idx').on('bulletin_product').column('product_id').execute();
  await db.schema.createIndex('bulletin_product_vendor_idx').on('bulletin_product').column('vendor_id').execute();

  // Who may read a restricted published bulletin (AMBER: organisations; RED: people).
  await db.schema
    .createTable('bulletin_recipient_organisation')
    .addColumn('bulletin_id', 'text', (c) => c.notNull().references('bulletin.id'))
    .addColumn('organisation_id', 'text', (c) => c.notNull().references('organisation.id'))
    .addPrimaryKeyConstraint('bulletin_recipient_organisation_pk', ['bulletin_id', 'organisation_id'])
    .execute();
  await db.schema
    .createTable('bulletin_recipient_user')
    .addColumn('bulletin_id', 'text', (c) => c.notNull().references('bulletin.id'))
    .addColumn('user_id', 'text', (c) => c.notNull().references('user_account.id'))
    .addPrimaryKeyConstraint('bulletin_recipient_user_pk', ['bulletin_id', 'user_id'])
    .execute();

  // ---- Subscriptions and deliveries ---------------------------------------------------------------------------
  await db.schema
    .createTable('subscription')
    .addColumn('id', 'text', (c) => c.primaryKey())
    .addColumn('email', 'text', notNull)
    .addColumn('email_key', 'text', (c) => c.notNull().unique())
    .addColumn('language', 'text', notNull)
    .addColumn('kinds', 'text', (c) => c.notNull().defaultTo('[]'))
    .addColumn('min_criticality', 'text')
    .addColumn('vendor_ids', 'text', (c) => c.notNull().defaultTo('[]'))
    .addColumn('product_ids', 'text', (c) => c.notNull().defaultTo('[]'))
    .addColumn('status', 'text', notNull)
    .addColumn('confirm_token_hash', 'text')
    .addColumn('confirm_expires_at', ts)
    .addColumn('manage_token_hash', 'text', (c) => c.notNull().unique())
    .addColumn('created_at', ts, notNull)
    .addColumn('confirmed_at', ts)
    .addColumn('unsubscribed_at', ts)
    .addColumn('updated_at', ts, notNull)
    .execute();
  await db.schema.createIndex('subscription_status_idx').on('subscription').column('status').execute();

  // One row per recipient per published revision: written in the same transaction as the queued e-mail, so a send
  // run that is killed and restarted never sends twice, and never skips anyone.
  await db.schema
    .createTable('bulletin_delivery')
    .addColumn('id', 'text', (c) => c.primaryKey())
    .addColumn('revision_id', 'text', (c) => c.notNull().references('bulletin_revision.id'))
    .addColumn('recipient_key', 'text', notNull)
    .addColumn('email_message_id', 'text', (c) => c.references('email_message.id'))
    .addColumn('created_at', ts, notNull)
    .addUniqueConstraint('bulletin_delivery_uq', ['revision_id', 'recipient_key'])
    .execute();
}

export async function down(): Promise<void> {
  throw new Error('Ribat migrations are forward-only; restore a backup instead.');
}
