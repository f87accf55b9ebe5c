import { sql, type Kysely, PostgresAdapter, type ColumnDefinitionBuilder } from 'kysely';

// Frozen migration: it imports nothing from src/ and must never change once released.

type Col = (col: ColumnDefinitionBuilder) => ColumnDefinitionBuilder;
const notNull: Col = (c) => c.notNull();

export async function up(db: Kysely<any>): Promise<void> {
  const pg = db.getExecutor().adapter instanceof PostgresAdapter;
  const ts = pg ? sql`timestamptz` : sql`text`;

  // ---- Incidents (a report is an incident in status `new`) -------------------------------------------------
  await db.schema
    .createTable('incident')
    .addColumn('id', 'text', (c) => c.primaryKey())
    .addColumn('reference', 'text', (c) => c.notNull().unique())
    .addColumn('title', 'text', notNull)
    .addColumn('description', 'text', notNull)
    .addColumn('status', 'text', notNull)
    .addColumn('channel', 'text', notNull)
    .addColumn('organisation_id', 'text', (c) => c.references('organisation.id'))
    .addColumn('reporter_user_id', 'text', (c) => c.references('user_account.id'))
    .addColumn('reporter_name', 'text')
    .addColumn('reporter_email', 'text')
    .addColumn('reporter_phone', 'text')
    .addColumn('reporter_locale', 'text', (c) => c.notNull().defaultTo('fr'))
    .addColumn('tracking_token_hash', 'text', (c) => c.unique())
    .addColumn('severity', 'text')
    .addColumn('priority', 'integer', (c) => c.notNull().defaultTo(3))
    .addColumn('tlp', 'text', notNull)
    .addColumn('pap', 'text', notNull)
    .addColumn('suspected_malicious', 'text', (c) => c.notNull().defaultTo('unknown'))
    .addColumn('cross_border', 'text', (c) => c.notNull().defaultTo('unknown'))
    .addColumn('impact', 'text', (c) => c.notNull().defaultTo('{}'))
    .addColumn('root_cause', 'text', (c) => c.notNull().defaultTo(''))
    .addColumn('mitigation', 'text', (c) => c.notNull().defaultTo(''))
    .addColumn('detected_at', ts)
    .addColumn('aware_at', ts)
    .addColumn('reported_at', ts, notNull)
    .addColumn('first_response_at', ts)
    .addColumn('triaged_at', ts)
    .addColumn('resolved_at', ts)
    .addColumn('closed_at', ts)
    .addColumn('disposition', 'text')
    .addColumn('assignee_id', 'text', (c) => c.references('user_account.id'))
    .addColumn('merged_into_id', 'text', (c) => c.references('incident.id'))
    .addColumn('regulation_profiles', 'text', (c) => c.notNull().defaultTo('[]'))
    .addColumn('next_due_at', ts)
    .addColumn('search_text', 'text', (c) => c.notNull().defaultTo(''))
    .addColumn('created_by', 'text', (c) => c.references('user_account.id'))
    .addColumn('created_at', ts, notNull)
    .addColumn('updated_at', ts, notNull)
    .addColumn('version', 'integer', (c) => c.notNull().defaultTo(1))
    .execute();
  // The queue's usual orders and filters: by status then the sort key, by organisation, by assignee, by deadline.
  await db.schema.createIndex('incident_status_reported_idx').on('incident').columns(['status', 'reported_at', 'id']).execute();
  await db.schema.createIndex('incident_status_priority_idx').on('incident').columns(['status', 'priority', 'reported_at', 'id']).execute();
  await db.schema.createIndex('incident_reported_idx').on('incident').columns(['reported_at', 'id']).execute();
  await db.schema.createIndex('incident_organisation_idx').on('incident').columns(['organisation_id', 'reported_at']).execute();
  await db.schema.createIndex('incident_assignee_idx').on('incident').columns(['assignee_id', 'reported_at', 'id']).execute();
  // Open incidents (a small part of the table) in the queue's default orders; the queries write the status
  // condition literally so that SQLite, which ignores a partial index for bound parameters, uses them too.
  await sql`create index incident_open_priority_idx on incident (priority, reported_at desc, id desc) where status not in ('resolved', 'closed')`.execute(db);
  await sql`create index incident_open_due_idx on incident (next_due_at, id) where status not in ('resolved', 'closed')`.execute(db);
  await db.schema.createIndex('incident_due_idx').on('incident').columns(['next_due_at']).execute();
  await db.schema.createIndex('incident_reporter_idx').on('incident').columns(['reporter_user_id', 'reported_at']).execute();
  await db.schema.createIndex('incident_reporter_email_idx').on('incident').columns(['reporter_email', 'reported_at']).execute();
  await db.schema.createIndex('incident_merged_idx').on('incident').columns(['merged_into_id']).execute();

  await db.schema
    .createTable('incident_classification')
    .addColumn('incident_id', 'text', (c) => c.notNull().references('incident.id'))
    .addColumn('class_code', 'text', notNull)
    .addColumn('type_code', 'text', (c) => c.notNull().defaultTo(''))
    .addColumn('position', 'integer', (c) => c.notNull().defaultTo(0))
    .addPrimaryKeyConstraint('incident_classification_pk', ['incident_id', 'class_code', 'type_code'])
    .execute();
  await db.schema.createIndex('incident_classification_class_idx').on('incident_classification').columns(['class_code', 'type_code', 'incident_id']).execute();

  await db.schema
    .createTable('incident_organisation')
    .addColumn('incident_id', 'text', (c) => c.notNull().references('incident.id'))
    .addColumn('organisation_id', 'text', (c) => c.notNull().references('organisation.id'))
    .addPrimaryKeyConstraint('incident_organisation_pk', ['incident_id', 'organisation_id'])
    .execute();
  await db.schema.createIndex('incident_organisation_org_idx').on('incident_organisation').columns(['organisation_id', 'incident_id']).execute();

  await db.schema
    .createTable('incident_link')
    .addColumn('incident_id', 'text', (c) => c.notNull().references('incident.id'))
    .addColumn('other_id', 'text', (c) => c.notNull().references('incident.id'))
    .addColumn('created_by', 'text', (c) => c.references('user_account.id'))
    .addColumn('created_at', ts, notNull)
    .addPrimaryKeyConstraint('incident_link_pk', ['incident_id', 'other_id'])
    .execute();

  await db.schema
    .createTable('incident_comment')
    .addColumn('id', 'text', (c) => c.primaryKey())
    .addColumn('incident_id', 'text', (c) => c.notNull().references('incident.id'))
    .addColumn('visibility', 'text', notNull)
    .addColumn('source', 'text', notNull)
    .addColumn('author_user_id', 'text', (c) => c.references('user_account.id'))
    .addColumn('author_label', 'text', notNull)
    .addColumn('body', 'text', notNull)
    .addColumn('created_at', ts, notNull)
    .execute();
  await db.schema.createIndex('incident_comment_incident_idx').on('incident_comment').columns(['incident_id', 'created_at']).execute();

  await db.schema
    .createTable('incident_task')
    .addColumn('id', 'text', (c) => c.primaryKey())
    .addColumn('incident_id', 'text', (c) => c.notNull().references('incident.id'))
    .addColumn('title', 'text', notNull)
    .addColumn('owner_id', 'text', (c) => c.references('user_account.id'))
    .addColumn('due_at', ts)
    .addColumn('done_at', ts)
    .addColumn('created_by', 'text', (c) => c.references('user_account.id'))
    .addColumn('created_at', ts, notNull)
    .addColumn('updated_at', ts, notNull)
    .addColumn('version', 'integer', (c) => c.notNull().defaultTo(1))
    .execute();
  await db.schema.createIndex('incident_task_incident_idx').on('incident_task').columns(['incident_id', 'created_at']).execute();
  await db.schema.createIndex('incident_task_owner_idx').on('incident_task').columns(['owner_id', 'done_at', 'due_at']).execute();

  await db.schema
    .createTable('incident_indicator')
    .addColumn('id', 'text', (c) => c.primaryKey())
    .addColumn('incident_id', 'text', (c) => c.notNull().references('incident.id'))
    .addColumn('type', 'text', notNull)
    .addColumn('value', 'text', notNull)
    .addColumn('comment', 'text', (c) => c.notNull().defaultTo(''))
    .addColumn('created_by', 'text', (c) => c.references('user_account.id'))
    .addColumn('created_at', ts, notNull)
    .addUniqueConstraint('incident_indicator_uq', ['incident_id', 'type', 'value'])
    .execute();
  // Exact lookups and correlation: the same value in other incidents.
  await db.schema.createIndex('incident_indicator_value_idx').on('incident_indicator').columns(['value', 'type', 'incident_id']).execute();

  await db.schema
    .createTable('incident_attachment')
    .addColumn('id', 'text', (c) => c.primaryKey())
    .addColumn('incident_id', 'text', (c) => c.notNull().references('incident.id'))
    .addColumn('comment_id', 'text', (c) => c.references('incident_comment.id'))
    .addColumn('visibility', 'text', notNull)
    .addColumn('file_name', 'text', notNull)
    .addColumn('media_type', 'text', notNull)
    .addColumn('size', 'integer', notNull)
    .addColumn('sha256', 'text', notNull)
    .addColumn('uploaded_by', 'text', (c) => c.references('user_account.id'))
    .addColumn('uploader_label', 'text', notNull)
    .addColumn('created_at', ts, notNull)
    .execute();
  await db.schema.createIndex('incident_attachment_incident_idx').on('incident_attachment').columns(['incident_id', 'created_at']).execute();

  await db.schema
    .createTable('incident_deadline')
    .addColumn('incident_id', 'text', (c) => c.notNull().references('incident.id'))
    .addColumn('key', 'text', notNull)
    .addColumn('profile', 'text', notNull)
    .addColumn('stage', 'text', notNull)
    .addColumn('due_at', ts)
    .addColumn('completed_at', ts)
    .addColumn('reminders_sent', 'text', (c) => c.notNull().defaultTo('[]'))
    .addColumn('updated_at', ts, notNull)
    .addPrimaryKeyConstraint('incident_deadline_pk', ['incident_id', 'key'])
    .execute();
  await db.schema.createIndex('incident_deadline_due_idx').on('incident_deadline').columns(['completed_at', 'due_at']).execute();

  // Inbound e-mail already turned into a report or a comment: a message is never taken twice.
  await db.schema
    .createTable('incident_inbound_email')
    .addColumn('message_key', 'text', (c) => c.primaryKey())
    .addColumn('incident_id', 'text', (c) => c.notNull().references('incident.id'))
    .addColumn('comment_id', 'text', (c) => c.references('incident_comment.id'))
    .addColumn('sender', 'text', notNull)
    .addColumn('subject', 'text', notNull)
    .addColumn('received_at', ts, notNull)
    .execute();

  await db.schema
    .createTable('incident_saved_view')
    .addColumn('id', 'text', (c) => c.primaryKey())
    .addColumn('user_id', 'text', (c) => c.notNull().references('user_account.id'))
    .addColumn('name', 'text', notNull)
    .addColumn('query', 'text', notNull)
    .addColumn('created_at', ts, notNull)
    .addUniqueConstraint('incident_saved_view_uq', ['user_id', 'name'])
    .execute();
}

export async function down(db: Kysely<any>): Promise<void> {
  for (const table of [
    'incident_saved_view',
    'incident_inbound_email',
    'incident_deadline',
    'incident_attachment',
    'incident_indicator',
    'incident_task',
    'incident_comment',
    'incident_link',
    'incident_organisation',
    'incident_classification',
    'incident',
  ]) {
    await db.schema.dropTable(table).ifExists().execute();
  }
}
