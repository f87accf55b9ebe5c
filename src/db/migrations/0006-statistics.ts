import { sql, type Kysely, PostgresAdapter, type RawBuilder } from 'kysely';

// Frozen migration: it imports nothing from src/ and must never change once released.
//
// What the statistics (src/modules/statistics/statistics.repository.ts) read, shaped so that a year's dashboard over
// half a million incidents stays well under a second on both databases. SQLite has no hash aggregation (every GROUP BY
// over rows sorts them) and joins by one index lookup per row, so the figures are computed as counts over index
// ranges: each index starts with the category counted (class, severity, organisation, channel, disposition, duration
// bucket, deadline stage), then the disposition where only treated incidents count, then the time the period bounds,
// then the columns filtered on (TLP). The categories present are enumerated by a loose index scan (one seek each), and
// each category × period is one range count that never touches the table and never sorts.
//
// To make those counts possible without a join per row, a few facts are kept on the rows they are counted with:
// - incident.primary_class_code: the RSIT class at position 0, kept by triggers on incident_classification (deferred
//   to the commit on PostgreSQL, so replacing an incident's classifications rewrites the incident row once);
// - incident_deadline.incident_tlp and incident_disposition: the incident's TLP and disposition, set by a trigger when
//   a deadline is written and followed by a trigger when the incident's TLP or disposition changes;
// - generated columns (computed by the database, never written): incident.ended_at (resolution, or closing when no
//   resolution time was recorded), incident.*_bucket (the duration from reception in milliseconds, reduced to its
//   number of digits and its first two digits: ordered like the duration, so a percentile is found by counting per
//   bucket and sorting one bucket only), incident_deadline.on_time (1 completed on time, 0 late, null open).
// Triggers keep these right whoever writes (use cases, imports, the demo, direct SQL).

/** Milliseconds from reception to `column`, as the statistics compute them (repository: millisecondsBetween). */
function millisecondsSinceReported(pg: boolean, column: string): RawBuilder<unknown> {
  return pg
    ? sql`cast(round(extract(epoch from (${sql.ref(column)} - reported_at)) * 1000) as bigint)`
    : sql`cast(round((julianday(${sql.ref(column)}) - julianday(reported_at)) * 86400000) as integer)`;
}

/**
 * The duration bucket of `column`: −1 for a negative duration, else 100 × (number of digits) + (first two digits) of
 * the milliseconds, so that a longer duration never falls in a lower bucket (integer arithmetic only: both databases
 * agree on every boundary). Buckets are 1 % to 10 % wide; a year has a few hundred of them.
 */
function durationBucket(pg: boolean, column: string): RawBuilder<unknown> {
  const ms = millisecondsSinceReported(pg, column);
  const text = sql`cast(${ms} as text)`;
  return sql`case when ${ms} < 0 then -1 else length(${text}) * 100 + cast(substr(${text}, 1, 2) as integer) end`;
}

const bucketColumns = [
  ['first_response_bucket', 'first_response_at'],
  ['triage_bucket', 'triaged_at'],
  ['resolution_bucket', 'resolved_at'],
] as const;

export async function up(db: Kysely<any>): Promise<void> {
  const pg = db.getExecutor().adapter instanceof PostgresAdapter;
  const ts = pg ? sql`timestamptz` : sql`text`;
  const generated = pg ? sql`stored` : sql`virtual`;

  // ---- Columns -------------------------------------------------------------------------------------------------
  await sql`alter table incident add column primary_class_code text`.execute(db);
  await sql`alter table incident add column ended_at ${ts} generated always as (coalesce(resolved_at, closed_at)) ${generated}`.execute(db);
  for (const [name, column] of bucketColumns) {
    await sql`alter table incident add column ${sql.id(name)} integer generated always as (${durationBucket(pg, column)}) ${generated}`.execute(db);
  }
  await sql`alter table incident_deadline add column incident_tlp text`.execute(db);
  await sql`alter table incident_deadline add column incident_disposition text`.execute(db);
  await sql`alter table incident_deadline add column on_time integer generated always as (case when completed_at is null then null when completed_at <= due_at then 1 else 0 end) ${generated}`.execute(db);

  // ---- Backfill (before the indexes and triggers: faster, and nothing fires) --------------------------------------
  await sql`update incident set primary_class_code = (
      select c.class_code from incident_classification c where c.incident_id = incident.id and c.position = 0 order by c.class_code limit 1)`.execute(db);
  await sql`update incident_deadline set
      incident_tlp = (select i.tlp from incident i where i.id = incident_deadline.incident_id),
      incident_disposition = (select i.disposition from incident i where i.id = incident_deadline.incident_id)`.execute(db);

  // ---- Indexes -------------------------------------------------------------------------------------------------
  const index = (name: string, table: string, columns: string[]) => db.schema.createIndex(name).on(table).columns(columns).execute();
  // Incidents reported, by each dimension (the organisation gives the sector and the category; the channel's counts
  // per month give the series).
  await index('incident_stats_reported_class_idx', 'incident', ['primary_class_code', 'reported_at', 'tlp']);
  await index('incident_stats_reported_severity_idx', 'incident', ['severity', 'reported_at', 'tlp']);
  await index('incident_stats_reported_organisation_idx', 'incident', ['organisation_id', 'reported_at', 'tlp']);
  await index('incident_stats_reported_channel_idx', 'incident', ['channel', 'reported_at', 'tlp']);
  // Incidents closed: all of them by disposition (and the headline's treated ones), the treated ones by each dimension.
  // The disposition comes before the time, so "treated" is a seek per treatable disposition, not a filter per entry.
  await index('incident_stats_closed_disposition_idx', 'incident', ['disposition', 'closed_at', 'tlp']);
  await index('incident_stats_closed_class_idx', 'incident', ['primary_class_code', 'disposition', 'closed_at', 'tlp']);
  await index('incident_stats_closed_severity_idx', 'incident', ['severity', 'disposition', 'closed_at', 'tlp']);
  await index('incident_stats_closed_organisation_idx', 'incident', ['organisation_id', 'disposition', 'closed_at', 'tlp']);
  await index('incident_stats_closed_channel_idx', 'incident', ['channel', 'disposition', 'closed_at', 'tlp']);
  // The backlog: incidents open now (partial: a small part of the table; the queries write the status condition
  // literally so that SQLite uses it), and incidents that stopped being open.
  await sql`create index incident_stats_open_idx on incident (reported_at, tlp) where status not in ('resolved', 'closed')`.execute(db);
  await index('incident_stats_ended_idx', 'incident', ['status', 'ended_at', 'tlp', 'reported_at']);
  // Durations: counted per bucket, then one bucket sorted (reported_at gives the milliseconds from the index).
  for (const [name, column] of bucketColumns) {
    await index(`incident_stats_${name.replace('_bucket', '')}_idx`, 'incident', [name, 'disposition', column, 'tlp', 'reported_at']);
  }
  // Deadlines due, by stage and standing.
  await index('incident_deadline_stats_idx', 'incident_deadline', ['profile', 'key', 'on_time', 'incident_disposition', 'due_at', 'incident_tlp']);
  // Bulletins first published in a period, as the public listing describes them (original language), without reading
  // the listing's texts; and the vendors each names (the rankings count per vendor and product id, names joined after).
  await index('bulletin_listing_stats_idx', 'bulletin_listing', ['is_original', 'first_published_at', 'publication', 'tlp', 'kind', 'criticality', 'bulletin_id']);
  await index('bulletin_product_stats_idx', 'bulletin_product', ['bulletin_id', 'vendor_id', 'product_id']);

  // ---- Triggers ------------------------------------------------------------------------------------------------
  if (pg) await createPostgresTriggers(db);
  else await createSqliteTriggers(db);
}

/** The RSIT class at position 0 of one incident (the first by code if several claim it), as a subquery. */
const primaryClassOf = (incidentId: RawBuilder<unknown>) =>
  sql`(select c.class_code from incident_classification c where c.incident_id = ${incidentId} and c.position = 0 order by c.class_code limit 1)`;

async function createSqliteTriggers(db: Kysely<any>): Promise<void> {
  const refresh = (incidentId: RawBuilder<unknown>) =>
    sql`update incident set primary_class_code = ${primaryClassOf(incidentId)} where id = ${incidentId} and primary_class_code is not ${primaryClassOf(incidentId)};`;
  await sql`create trigger incident_primary_class_ai after insert on incident_classification when new.position = 0 begin
      ${refresh(sql`new.incident_id`)}
    end`.execute(db);
  await sql`create trigger incident_primary_class_ad after delete on incident_classification when old.position = 0 begin
      ${refresh(sql`old.incident_id`)}
    end`.execute(db);
  await sql`create trigger incident_primary_class_au after update of incident_id, class_code, position on incident_classification begin
      ${refresh(sql`old.incident_id`)}
      ${refresh(sql`new.incident_id`)}
    end`.execute(db);
  // A deadline row written without its incident's facts gets them (rewritten only when they differ).
  const copyFacts = sql`update incident_deadline set
        incident_tlp = (select i.tlp from incident i where i.id = new.incident_id),
        incident_disposition = (select i.disposition from incident i where i.id = new.incident_id)
      where incident_id = new.incident_id and key = new.key
        and (incident_tlp is not (select i.tlp from incident i where i.id = new.incident_id)
          or incident_disposition is not (select i.disposition from incident i where i.id = new.incident_id));`;
  await sql`create trigger incident_deadline_facts_ai after insert on incident_deadline begin
      ${copyFacts}
    end`.execute(db);
  await sql`create trigger incident_deadline_facts_au after update of incident_id on incident_deadline begin
      ${copyFacts}
    end`.execute(db);
  await sql`create trigger incident_deadline_facts_follow after update of tlp, disposition on incident
      when old.tlp is not new.tlp or old.disposition is not new.disposition begin
      update incident_deadline set incident_tlp = new.tlp, incident_disposition = new.disposition where incident_id = new.id;
    end`.execute(db);
}

async function createPostgresTriggers(db: Kysely<any>): Promise<void> {
  // `set search_path from current` binds the tables to this schema whatever the caller's search path.
  await sql`create function incident_primary_class_sync() returns trigger language plpgsql set search_path from current as $$
    begin
      if tg_op <> 'INSERT' then
        update incident set primary_class_code = ${primaryClassOf(sql`old.incident_id`)}
          where id = old.incident_id and primary_class_code is distinct from ${primaryClassOf(sql`old.incident_id`)};
      end if;
      if tg_op <> 'DELETE' then
        update incident set primary_class_code = ${primaryClassOf(sql`new.incident_id`)}
          where id = new.incident_id and primary_class_code is distinct from ${primaryClassOf(sql`new.incident_id`)};
      end if;
      return null;
    end $$`.execute(db);
  // Deferred to the commit: replacing the classifications (delete, then insert) leaves the incident row alone unless
  // its primary class really changed.
  await sql`create constraint trigger incident_primary_class_sync after insert or update or delete on incident_classification
      deferrable initially deferred for each row execute function incident_primary_class_sync()`.execute(db);
  await sql`create function incident_deadline_facts() returns trigger language plpgsql set search_path from current as $$
    begin
      select i.tlp, i.disposition into new.incident_tlp, new.incident_disposition from incident i where i.id = new.incident_id;
      return new;
    end $$`.execute(db);
  await sql`create trigger incident_deadline_facts before insert or update of incident_id on incident_deadline
      for each row execute function incident_deadline_facts()`.execute(db);
  await sql`create function incident_deadline_facts_follow() returns trigger language plpgsql set search_path from current as $$
    begin
      update incident_deadline set incident_tlp = new.tlp, incident_disposition = new.disposition where incident_id = new.id;
      return null;
    end $$`.execute(db);
  await sql`create trigger incident_deadline_facts_follow after update of tlp, disposition on incident
      for each row when (old.tlp is distinct from new.tlp or old.disposition is distinct from new.disposition)
      execute function incident_deadline_facts_follow()`.execute(db);
}

export async function down(db: Kysely<any>): Promise<void> {
  const pg = db.getExecutor().adapter instanceof PostgresAdapter;
  if (pg) {
    await sql`drop trigger if exists incident_deadline_facts_follow on incident`.execute(db);
    await sql`drop trigger if exists incident_deadline_facts on incident_deadline`.execute(db);
    await sql`drop trigger if exists incident_primary_class_sync on incident_classification`.execute(db);
    for (const fn of ['incident_deadline_facts_follow', 'incident_deadline_facts', 'incident_primary_class_sync']) await sql`drop function if exists ${sql.id(fn)}()`.execute(db);
  } else {
    for (const trigger of ['incident_deadline_facts_follow', 'incident_deadline_facts_au', 'incident_deadline_facts_ai', 'incident_primary_class_au', 'incident_primary_class_ad', 'incident_primary_class_ai']) {
      await sql`drop trigger if exists ${sql.id(trigger)}`.execute(db);
    }
  }
  for (const name of [
    'bulletin_product_stats_idx',
    'bulletin_listing_stats_idx',
    'incident_deadline_stats_idx',
    'incident_stats_resolution_idx',
    'incident_stats_triage_idx',
    'incident_stats_first_response_idx',
    'incident_stats_ended_idx',
    'incident_stats_open_idx',
    'incident_stats_closed_disposition_idx',
    'incident_stats_closed_channel_idx',
    'incident_stats_closed_organisation_idx',
    'incident_stats_closed_severity_idx',
    'incident_stats_closed_class_idx',
    'incident_stats_reported_channel_idx',
    'incident_stats_reported_organisation_idx',
    'incident_stats_reported_severity_idx',
    'incident_stats_reported_class_idx',
  ]) {
    await db.schema.dropIndex(name).ifExists().execute();
  }
  for (const column of ['on_time', 'incident_disposition', 'incident_tlp']) await db.schema.alterTable('incident_deadline').dropColumn(column).execute();
  for (const column of ['resolution_bucket', 'triage_bucket', 'first_response_bucket', 'ended_at', 'primary_class_code']) await db.schema.alterTable('incident').dropColumn(column).execute();
}
