import { sql, type Kysely, PostgresAdapter, type ColumnDefinitionBuilder } from 'kysely';

// Frozen migration: it imports nothing from src/ and must never change once released.

type Col = (col: ColumnDefinitionBuilder) => ColumnDefinitionBuilder;
const notNull: Col = (c) => c.notNull();

export async function up(db: Kysely<any>): Promise<void> {
  const pg = db.getExecutor().adapter instanceof PostgresAdapter;
  const ts = pg ? sql`timestamptz` : sql`text`;

  // The OpenPGP key that signs every published CSAF document. The private key is stored armored and encrypted
  // with the passphrase from configuration; only one key is active at a time.
  await db.schema
    .createTable('csaf_signing_key')
    .addColumn('id', 'text', (c) => c.primaryKey())
    .addColumn('fingerprint', 'text', (c) => c.notNull().unique())
    .addColumn('public_key', 'text', notNull)
    .addColumn('private_key', 'text', notNull)
    .addColumn('user_id', 'text', notNull)
    .addColumn('active', 'integer', notNull)
    .addColumn('created_at', ts, notNull)
    .execute();

  // Every CSAF document Ribat published: one per bulletin revision and language, immutable once written (the
  // provider serves the latest version of each tracking id; earlier versions keep their exact bytes).
  await db.schema
    .createTable('csaf_document')
    .addColumn('id', 'text', (c) => c.primaryKey())
    .addColumn('bulletin_id', 'text', (c) => c.notNull().references('bulletin.id'))
    .addColumn('revision_number', 'integer', notNull)
    .addColumn('language', 'text', notNull)
    .addColumn('tracking_id', 'text', notNull)
    .addColumn('file_name', 'text', notNull)
    .addColumn('year', 'integer', notNull)
    .addColumn('tlp', 'text', notNull)
    .addColumn('version', 'text', notNull)
    .addColumn('title', 'text', notNull)
    .addColumn('initial_release_date', ts, notNull)
    .addColumn('current_release_date', ts, notNull)
    .addColumn('content', 'text', notNull)
    .addColumn('sha256', 'text', notNull)
    .addColumn('sha512', 'text', notNull)
    .addColumn('signature', 'text', notNull)
    .addColumn('signing_key_id', 'text', (c) => c.notNull().references('csaf_signing_key.id'))
    .addColumn('created_at', ts, notNull)
    .addUniqueConstraint('csaf_document_version_uq', ['tracking_id', 'version'])
    .execute();
  await db.schema.createIndex('csaf_document_bulletin_idx').on('csaf_document').columns(['bulletin_id', 'revision_number']).execute();
  await db.schema.createIndex('csaf_document_time_idx').on('csaf_document').column('current_release_date').execute();

  // Other publishers' providers an administrator registered (provider-metadata.json or a ROLIE feed URL).
  await db.schema
    .createTable('csaf_source')
    .addColumn('id', 'text', (c) => c.primaryKey())
    .addColumn('url', 'text', (c) => c.notNull().unique())
    .addColumn('kind', 'text', notNull)
    .addColumn('name', 'text', notNull)
    .addColumn('public_keys', 'text', (c) => c.notNull().defaultTo('[]'))
    .addColumn('status', 'text', notNull)
    .addColumn('last_fetched_at', ts)
    .addColumn('last_error', 'text')
    .addColumn('last_results', 'text', (c) => c.notNull().defaultTo('[]'))
    .addColumn('created_at', ts, notNull)
    .addColumn('updated_at', ts, notNull)
    .execute();

  // Imported CSAF documents (uploaded or fetched), valid or refused with the failing tests.
  await db.schema
    .createTable('csaf_import')
    .addColumn('id', 'text', (c) => c.primaryKey())
    .addColumn('source_id', 'text', (c) => c.references('csaf_source.id'))
    .addColumn('origin', 'text', notNull)
    .addColumn('sha256', 'text', notNull)
    .addColumn('publisher_namespace', 'text')
    .addColumn('publisher_name', 'text')
    .addColumn('tracking_id', 'text')
    .addColumn('version', 'text')
    .addColumn('category', 'text')
    .addColumn('title', 'text')
    .addColumn('lang', 'text')
    .addColumn('tlp', 'text')
    .addColumn('current_release_date', ts)
    .addColumn('is_valid', 'integer', notNull)
    .addColumn('hash_verified', 'integer', notNull)
    .addColumn('signature_verified', 'integer', notNull)
    .addColumn('failed_tests', 'text', (c) => c.notNull().defaultTo('[]'))
    .addColumn('warnings', 'text', (c) => c.notNull().defaultTo('[]'))
    .addColumn('search_text', 'text', (c) => c.notNull().defaultTo(''))
    .addColumn('content', 'text', notNull)
    .addColumn('imported_by', 'text', (c) => c.references('user_account.id'))
    .addColumn('created_at', ts, notNull)
    .execute();
  await sql`create unique index csaf_import_doc_uq on csaf_import (coalesce(publisher_namespace, ''), coalesce(tracking_id, ''), coalesce(version, ''), sha256)`.execute(db);
  await db.schema.createIndex('csaf_import_tracking_idx').on('csaf_import').columns(['publisher_namespace', 'tracking_id']).execute();

  await db.schema
    .createTable('csaf_import_product')
    .addColumn('import_id', 'text', (c) => c.notNull().references('csaf_import.id').onDelete('cascade'))
    .addColumn('product_id', 'text', notNull)
    .addColumn('vendor', 'text')
    .addColumn('name', 'text', notNull)
    .addColumn('version', 'text')
    .addColumn('cpe', 'text')
    .addColumn('purl', 'text')
    .addPrimaryKeyConstraint('csaf_import_product_pk', ['import_id', 'product_id'])
    .execute();

  await db.schema
    .createTable('csaf_import_vulnerability')
    .addColumn('import_id', 'text', (c) => c.notNull().references('csaf_import.id').onDelete('cascade'))
    .addColumn('position', 'integer', notNull)
    .addColumn('cve', 'text')
    .addColumn('title', 'text')
    .addColumn('cvss_vector', 'text')
    .addColumn('base_score', 'real')
    .addPrimaryKeyConstraint('csaf_import_vulnerability_pk', ['import_id', 'position'])
    .execute();
  await db.schema.createIndex('csaf_import_vulnerability_cve_idx').on('csaf_import_vulnerability').column('cve').execute();
}

export async function down(): Promise<void> {
  throw new Error('Ribat migrations are forward-only; restore a backup instead.');
}
