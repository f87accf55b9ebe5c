/**
 * All the SQL of the statistics: aggregates computed in the database, the same SQL on SQLite and PostgreSQL. The few
 * dialect differences are isolated in small helpers (milliseconds between two timestamps). Times are compared in the
 * database's own type: ISO text on SQLite (fixed-width UTC, so text order is time order) and timestamptz on PostgreSQL.
 *
 * How the incident figures are counted (see migration 0006 for the indexes and the columns kept for them): SQLite has
 * no hash aggregation, so a GROUP BY over a year's incidents sorts every row, and a join looks each row up in another
 * index; over half a million incidents either costs about a second. So every incident figure is a set of counts over
 * index ranges instead: an index starts with the category counted (RSIT class, severity, organisation, channel,
 * disposition, duration bucket, deadline stage), then the disposition where only treated incidents count, then the
 * time the period bounds; the categories present are listed by a loose index scan (a recursive query that seeks from
 * one value to the next), and each category is counted over the previous and the current period by range counts,
 * which read the index alone and never sort. PostgreSQL runs the same SQL as index-only scans. The counts are exact:
 * same rows, same definitions as a GROUP BY. The plans are kept as written: {@link indexedBy} (SQLite) and
 * {@link readSnapshot} (PostgreSQL). docs/STATISTICS.md (Benchmark) gives the figures.
 *
 * Scope: `staff` counts every record; `public` only TLP:CLEAR incidents and TLP:CLEAR bulletins. The filter is applied
 * here, in SQL, so no caller can forget it.
 */
import { PostgresAdapter, sql, type AliasedSelectQueryBuilder, type ExpressionBuilder, type RawBuilder, type SqlBool } from 'kysely';
import type { DbOrTx } from '#src/db/database';
import type { Database } from '#src/db/schema';
import type { LocalisedLabel, StatsScope } from '#src/modules/statistics/statistics.types';
import { fromDbTime, toDbTime } from '#src/core/time';
import { localDateOf } from '#src/modules/statistics/statistics.periods';
import { CRITICAL, untreatedDispositions } from '#src/modules/statistics/statistics.definitions';

/** The two periods a query covers: [previousFrom, from) and [from, to), and the scope. */
export interface StatsWindow {
  previousFrom: Date;
  from: Date;
  to: Date;
  scope: StatsScope;
}

/** A count in the previous and in the current period. */
export interface PeriodCounts {
  previous: number;
  current: number;
}

/**
 * The count of each value of one dimension (null: not given) in both periods. Every record of the periods is under
 * exactly one value, so the counts add up to the total; values may be listed with zero in both periods.
 */
export type ValueCounts = Map<string | null, PeriodCounts>;

/** The dimensions incidents are broken down by. */
export type IncidentDimension = 'rsit_class' | 'severity' | 'sector' | 'category' | 'channel';

/** Incident counts by each incident dimension. */
export type IncidentBreakdowns = Record<IncidentDimension, ValueCounts>;

/** Incidents closed in either period: by disposition (all of them), and the treated ones by each dimension. */
export interface ClosedIncidentCounts {
  byDisposition: ValueCounts;
  treated: IncidentBreakdowns;
}

/** The durations of one measure in one period: how many, and the values at the median's and the 90th percentile's ranks. */
export interface DurationRow {
  metric: DurationMetric;
  isCurrent: boolean;
  count: number;
  medianMs: number | null;
  p90Ms: number | null;
}

/** The incident times a duration runs to (from the report's reception). */
export type DurationMetric = 'first_response' | 'triage' | 'resolution';

/** Where a deadline due in the period stands. */
export type DeadlineStanding = 'met' | 'late' | 'overdue' | 'pending';

/** Deadlines of one stage in one period with one standing. */
export interface DeadlineGroupRow {
  isCurrent: boolean;
  profile: string;
  key: string;
  standing: DeadlineStanding;
  count: number;
}

/** Bulletins of one kind and criticality in one period. */
export interface BulletinGroupRow {
  isCurrent: boolean;
  kind: string;
  criticality: string;
  count: number;
}

/** One entry of a ranking: a folded code, the name as spelled in the registry, and the number of bulletins. */
export interface RankingRow {
  isCurrent: boolean;
  code: string;
  name: string;
  count: number;
}

/** Subscriber counts for both periods. */
export interface SubscriberCounts {
  confirmedAtEnd: { previous: number; current: number };
  newInPeriod: { previous: number; current: number };
}

// ---- helpers ---------------------------------------------------------------------------------------------------

function isPostgres(db: DbOrTx): boolean {
  return db.getExecutor().adapter instanceof PostgresAdapter;
}

const at = (date: Date): string => toDbTime(date);

/** `1` when the column falls in the current period, `0` in the previous one (rows are already limited to both). */
function periodFlag(column: string, from: Date): RawBuilder<number> {
  return sql<number>`case when ${sql.ref(column)} >= ${at(from)} then 1 else 0 end`;
}

/**
 * Milliseconds from `earlier` to `later`, rounded: julianday() on SQLite (ISO text; rounded to the millisecond, which
 * absorbs the floating-point error of day fractions), extract(epoch) on PostgreSQL (timestamptz). Migration 0006 computes
 * the duration buckets with this same expression, so a bucket never holds a duration longer than a later bucket's.
 */
function millisecondsBetween(db: DbOrTx, later: string, earlier: string): RawBuilder<number> {
  if (isPostgres(db)) return sql<number>`cast(round(extract(epoch from (${sql.ref(later)} - ${sql.ref(earlier)})) * 1000) as bigint)`;
  return sql<number>`cast(round((julianday(${sql.ref(later)}) - julianday(${sql.ref(earlier)})) * 86400000) as integer)`;
}

/**
 * The index of the interval of `boundaries` (sorted; n + 1 instants bound n intervals) an instant falls in, as a CASE
 * over the boundaries: `case when t < b1 then 0 when t < b2 then 1 … else n − 1 end`. Rows must already be limited to
 * [b0, bn). Used for the bulletins (a few thousand rows a year).
 */
function bucketOf(column: RawBuilder<unknown>, boundaries: readonly Date[]): RawBuilder<number> {
  const last = boundaries.length - 2;
  if (last <= 0) return sql<number>`0`;
  const whens = boundaries.slice(1, -1).map((b, i) => sql`when ${column} < ${at(b)} then ${sql.lit(i)}`);
  return sql<number>`case ${sql.join(whens, sql` `)} else ${sql.lit(last)} end`;
}

/** Incidents closed as duplicate, test or out of scope: left out of "treated", durations and compliance. */
const isTreatable = sql<SqlBool>`(incident.disposition is null or (${sql.join(
  untreatedDispositions.map((d) => sql`incident.disposition <> ${sql.lit(d)}`),
  sql` and `,
)}))`;

/** The scope's condition on incidents (TLP:CLEAR only for the public), as SQL. */
function incidentScopeSql(scope: StatsScope): RawBuilder<SqlBool> {
  return scope === 'public' ? sql<SqlBool>`incident.tlp = 'clear'` : sql<SqlBool>`1 = 1`;
}

/** Incidents the public may count: TLP:CLEAR only (for the query builder). */
function incidentInScope(scope: StatsScope) {
  return (eb: ExpressionBuilder<Database, 'incident'>) => (scope === 'public' ? eb('incident.tlp', '=', 'clear') : sql<SqlBool>`1 = 1`);
}

/**
 * SQLite: pins the index a statistics query is written for (`indexed by`). With ANALYZE statistics, SQLite's planner
 * may otherwise prefer an older index on the same leading column that lacks the filtered columns and reads the table
 * row by row, which is ten times slower; SQLite documents INDEXED BY for exactly this (a time-sensitive query whose
 * plan must not change). Nothing on PostgreSQL, whose planner is left to choose.
 */
function indexedBy(db: DbOrTx, index: string): RawBuilder<unknown> {
  return isPostgres(db) ? sql`` : sql` indexed by ${sql.id(index)}`;
}

const both = (...conditions: RawBuilder<SqlBool>[]): RawBuilder<SqlBool> => sql<SqlBool>`(${sql.join(conditions, sql` and `)})`;

const num = (value: unknown): number => (value === null || value === undefined ? 0 : Number(value));

/** A half-open time range [from, to). */
type Range = readonly [Date, Date];

/** The previous and the current period of a window. */
const periodsOf = (w: StatsWindow): [Range, Range] => [
  [w.previousFrom, w.from],
  [w.from, w.to],
];

/** `column` within [from, to) (an empty range when from ≥ to counts nothing). */
function within(column: string, [from, to]: Range): RawBuilder<SqlBool> {
  return sql<SqlBool>`${sql.ref(column)} >= ${at(from)} and ${sql.ref(column)} < ${at(to)}`;
}

/**
 * PostgreSQL: runs `work` (the few queries of one figure) in a read-only REPEATABLE READ transaction, so they all see
 * one snapshot (the treatable dispositions listed and the counts that use them agree), with just-in-time compilation
 * off (`set local`: it ends with the transaction, no pooled connection keeps it). These queries are many small index
 * range counts; PostgreSQL estimates their cost from the rows they read and compiles them with LLVM, which costs up to
 * a few hundred milliseconds a query and saves nothing on counts. Within a caller's transaction, or on SQLite, `work`
 * runs as is.
 */
async function readSnapshot<T>(db: DbOrTx, work: (db: DbOrTx) => Promise<T>): Promise<T> {
  if (!isPostgres(db) || db.isTransaction) return work(db);
  return db
    .transaction()
    .setIsolationLevel('repeatable read')
    .setAccessMode('read only')
    .execute(async (trx) => {
      await sql`set local jit = off`.execute(trx);
      return work(trx);
    });
}

/**
 * The dispositions of "treated" incidents, as the conditions an index can seek on: the disposition codes present in
 * the table (a loose scan of the disposition index, a few seeks) other than duplicate, test and out of scope, and null
 * (no disposition). A filter written as `disposition not in (…)` would be evaluated on every index entry instead.
 */
async function treatableDispositions(db: DbOrTx): Promise<string[]> {
  const column = sql.ref('incident.disposition');
  const incident = sql`incident${indexedBy(db, 'incident_stats_closed_disposition_idx')}`;
  const result = await sql<{ code: string | null }>`with recursive v(code) as (
      select min(${column}) from ${incident}
      union all
      select (select min(${column}) from ${incident} where ${column} > v.code) from v where v.code is not null
    ) select v.code as code from v where v.code is not null`.execute(db);
  return result.rows.map((r) => String(r.code)).filter((code) => !(untreatedDispositions as readonly string[]).includes(code));
}

/**
 * How to count rows: `count(*)` of the rows matching a condition, the scope's filter and, for treated incidents only,
 * one of the treatable dispositions (two counts added up: those with a treatable code, seeking each code, and those
 * without a disposition).
 */
interface Counting {
  /** `incident` or `incident_deadline d`, with the pinned index (see {@link indexedBy}). */
  from: RawBuilder<unknown>;
  /** The scope's condition, evaluated on each index entry (TLP). */
  filter: RawBuilder<SqlBool>;
  /** Count only rows whose `column` is null or one of `codes`. */
  treatable?: { column: string; codes: readonly string[] };
}

function countOf(counting: Counting, match: RawBuilder<SqlBool>): RawBuilder<number> {
  const count = (condition: RawBuilder<SqlBool>) => sql<number>`(select count(*) from ${counting.from} where ${match} and ${condition} and ${counting.filter})`;
  const { treatable } = counting;
  if (treatable === undefined) return count(sql<SqlBool>`1 = 1`);
  const column = sql.ref(treatable.column);
  const none = count(sql<SqlBool>`${column} is null`);
  return treatable.codes.length === 0 ? none : sql<number>`${count(sql<SqlBool>`${column} in (${sql.join(treatable.codes)})`)} + ${none}`;
}

/** What to count per value: incidents whose `time` falls in each range. */
interface ValueCountSpec {
  /** The index read (migration 0006): it starts with `column` and holds every column the counts read. */
  index: string;
  /** The counted column. */
  column: string;
  time: string;
  ranges: readonly Range[];
  filter: RawBuilder<SqlBool>;
  /** The treatable dispositions, when only treated incidents count. */
  treatable?: readonly string[];
}

/** A row of {@link valueCountsQuery}: the value (text, or integer for the duration buckets) and one count per range. */
type ValueCountRow = { code: string | number | null } & Record<string, unknown>;

/**
 * The loose index scan behind every incident breakdown: the distinct non-null values of `incident.<column>`, each
 * found by one seek (`min(column) where column > previous`), then for each value one range count per range, and the
 * incidents without a value likewise. Rows: `code` and `n0`, `n1`… (one per range). Values are those of the whole
 * table, so some count zero in the ranges.
 */
function valueCountsQuery(db: DbOrTx, spec: ValueCountSpec): RawBuilder<ValueCountRow> {
  const column = sql.ref(`incident.${spec.column}`);
  const incident = sql`incident${indexedBy(db, spec.index)}`;
  const counting: Counting = { from: incident, filter: spec.filter, ...(spec.treatable ? { treatable: { column: 'incident.disposition', codes: spec.treatable } } : {}) };
  const counts = (match: RawBuilder<SqlBool>) => spec.ranges.map((range, i) => sql`${countOf(counting, sql<SqlBool>`${match} and ${within(`incident.${spec.time}`, range)}`)} as ${sql.id(`n${i}`)}`);
  return sql`with recursive v(code) as (
      select min(${column}) from ${incident}
      union all
      select (select min(${column}) from ${incident} where ${column} > v.code) from v where v.code is not null
    )
    select v.code as code, ${sql.join(counts(sql<SqlBool>`${column} = v.code`))} from v where v.code is not null
    union all
    select null as code, ${sql.join(counts(sql<SqlBool>`${column} is null`))}`;
}

/** Value counts over the two periods of a window: each value's counts over `ranges`, added up per period (and per code). */
function periodCounts(rows: readonly ValueCountRow[], ranges: readonly Range[], w: StatsWindow): ValueCounts {
  const isCurrent = ranges.map(([from]) => from.getTime() >= w.from.getTime());
  const out: ValueCounts = new Map();
  for (const r of rows) {
    const code = r.code === null ? null : String(r.code);
    const counts = out.get(code) ?? { previous: 0, current: 0 };
    ranges.forEach((_, i) => {
      if (isCurrent[i]) counts.current += num(r[`n${i}`]);
      else counts.previous += num(r[`n${i}`]);
    });
    out.set(code, counts);
  }
  return out;
}

/**
 * The ranges one dimension is counted over: the intervals of `boundaries` (a series' steps) cut at the periods' bounds,
 * so that each range lies in one period. Without boundaries, the two periods.
 */
function rangesOf(w: StatsWindow, boundaries: readonly Date[]): Range[] {
  const times = [...new Set([w.previousFrom, w.from, w.to, ...boundaries].map((d) => d.getTime()))]
    .filter((t) => t >= w.previousFrom.getTime() && t <= w.to.getTime())
    .sort((a, b) => a - b);
  return times.slice(0, -1).map((t, i) => [new Date(t), new Date(times[i + 1] ?? t)] as const);
}

/** The counts per interval of `boundaries` from counts over finer `ranges` (each range within one interval or outside all). */
function perInterval(rows: readonly ValueCountRow[], ranges: readonly Range[], boundaries: readonly Date[]): number[] {
  const out = new Array<number>(Math.max(boundaries.length - 1, 0)).fill(0);
  ranges.forEach(([from], i) => {
    const interval = boundaries.findIndex((b, k) => k < boundaries.length - 1 && b.getTime() <= from.getTime() && from.getTime() < (boundaries[k + 1]?.getTime() ?? -Infinity));
    if (interval < 0) return;
    for (const r of rows) out[interval] = (out[interval] ?? 0) + num(r[`n${i}`]);
  });
  return out;
}

/**
 * Counts by the organisation's sector and by its category: per organisation (a loose scan on organisation_id), then
 * the organisation counts summed by sector and category through the organisation table (a few hundred rows). Incidents
 * without an organisation have neither (null).
 */
async function countByOrganisation(db: DbOrTx, spec: Omit<ValueCountSpec, 'column'>, w: StatsWindow): Promise<{ sector: ValueCounts; category: ValueCounts }> {
  const perOrganisation = valueCountsQuery(db, { ...spec, column: 'organisation_id' });
  const columns = spec.ranges.map((_, i) => sql`sum(counts.${sql.id(`n${i}`)}) as ${sql.id(`n${i}`)}`);
  const result = await sql<ValueCountRow & { sector: string | null; category: string | null }>`
    select organisation.sector_code as sector, organisation.category as category, ${sql.join(columns)}
    from (${perOrganisation}) counts left join organisation on organisation.id = counts.code
    group by organisation.sector_code, organisation.category`.execute(db);
  return {
    sector: periodCounts(result.rows.map((r) => ({ ...r, code: r.sector })), spec.ranges, w),
    category: periodCounts(result.rows.map((r) => ({ ...r, code: r.category })), spec.ranges, w),
  };
}

/** Incident breakdowns of one period pair, and the counts per interval of `boundaries` (a series). */
export interface IncidentCounts {
  breakdowns: IncidentBreakdowns;
  perInterval: number[];
}

/**
 * Every incident breakdown of the incidents whose `time` falls in either period: one loose scan per dimension. The
 * channel (a handful of values) is counted per interval of `boundaries` too, which gives the series for free.
 */
async function countIncidentBreakdowns(db: DbOrTx, time: 'reported_at' | 'closed_at', filter: RawBuilder<SqlBool>, treatable: readonly string[] | undefined, w: StatsWindow, boundaries: readonly Date[]): Promise<IncidentCounts> {
  const index = (dimension: string): string => `incident_stats_${time === 'reported_at' ? 'reported' : 'closed'}_${dimension}_idx`;
  const periods = periodsOf(w);
  const intervals = rangesOf(w, boundaries);
  const spec = { time, filter, ...(treatable ? { treatable } : {}) };
  const count = async (column: string, dimension: string, ranges: readonly Range[]) => (await valueCountsQuery(db, { ...spec, index: index(dimension), column, ranges }).execute(db)).rows;
  const [rsitClass, severity, channel, organisation] = await Promise.all([
    count('primary_class_code', 'class', periods),
    count('severity', 'severity', periods),
    count('channel', 'channel', intervals),
    countByOrganisation(db, { ...spec, index: index('organisation'), ranges: periods }, w),
  ]);
  return {
    breakdowns: {
      rsit_class: periodCounts(rsitClass, periods, w),
      severity: periodCounts(severity, periods, w),
      sector: organisation.sector,
      category: organisation.category,
      channel: periodCounts(channel, intervals, w),
    },
    perInterval: perInterval(channel, intervals, boundaries),
  };
}

// ---- incidents -------------------------------------------------------------------------------------------------

/**
 * Incidents reported in either period (reported_at), by primary RSIT class (the classification at position 0, kept on
 * the incident as primary_class_code), severity, the organisation's sector and category, and channel; and the
 * incidents reported in each interval of `boundaries` (sorted instants; n + 1 of them bound n intervals).
 */
export async function countReportedIncidents(db: DbOrTx, w: StatsWindow, boundaries: readonly Date[]): Promise<IncidentCounts> {
  return readSnapshot(db, (q) => countIncidentBreakdowns(q, 'reported_at', incidentScopeSql(w.scope), undefined, w, boundaries));
}

/** Incidents closed in either period: all of them by disposition, and the treated ones by each dimension and interval. */
export interface ClosedIncidentCounts {
  byDisposition: ValueCounts;
  treated: IncidentBreakdowns;
  /** Treated incidents closed in each interval of the boundaries. */
  treatedPerInterval: number[];
}

/**
 * Incidents closed in either period (closed_at): all of them by disposition ("closed by disposition"), and the treated
 * ones (dispositions other than duplicate, test, out of scope) by the dimensions of {@link countReportedIncidents} and
 * per interval of `boundaries`.
 */
export async function countClosedIncidents(db: DbOrTx, w: StatsWindow, boundaries: readonly Date[]): Promise<ClosedIncidentCounts> {
  return readSnapshot(db, async (q) => {
    const scope = incidentScopeSql(w.scope);
    const periods = periodsOf(w);
    const treatable = await treatableDispositions(q);
    const [byDisposition, treated] = await Promise.all([
      valueCountsQuery(q, { index: 'incident_stats_closed_disposition_idx', column: 'disposition', time: 'closed_at', ranges: periods, filter: scope }).execute(q),
      countIncidentBreakdowns(q, 'closed_at', scope, treatable, w, boundaries),
    ]);
    return { byDisposition: periodCounts(byDisposition.rows, periods, w), treated: treated.breakdowns, treatedPerInterval: treated.perInterval };
  });
}

/** Each duration: the time it runs to, the generated column of its buckets and its index (migration 0006). */
const durationColumns: Readonly<Record<DurationMetric, { time: 'first_response_at' | 'triaged_at' | 'resolved_at'; bucket: string; index: string }>> = {
  first_response: { time: 'first_response_at', bucket: 'first_response_bucket', index: 'incident_stats_first_response_idx' },
  triage: { time: 'triaged_at', bucket: 'triage_bucket', index: 'incident_stats_triage_idx' },
  resolution: { time: 'resolved_at', bucket: 'resolution_bucket', index: 'incident_stats_resolution_idx' },
};

/**
 * The duration at `rank` (1-based) in ascending order among `counts` (durations per bucket, buckets ascending): the
 * bucket holding that rank is found from the counts, and only that bucket's durations are sorted, in SQL.
 */
async function durationAtRank(db: DbOrTx, metric: DurationMetric, range: Range, filter: RawBuilder<SqlBool>, counts: readonly { bucket: number; count: number }[], rank: number): Promise<number | null> {
  let before = 0;
  for (const { bucket, count } of counts) {
    if (before + count >= rank) {
      const { time, bucket: bucketColumn, index } = durationColumns[metric];
      const result = await sql<{ ms: unknown }>`select ${millisecondsBetween(db, `incident.${time}`, 'incident.reported_at')} as ms from incident${indexedBy(db, index)}
        where ${sql.ref(`incident.${bucketColumn}`)} = ${bucket} and ${within(`incident.${time}`, range)} and ${filter}
        order by ms limit 1 offset ${rank - before - 1}`.execute(db);
      const row = result.rows[0];
      return row === undefined ? null : num(row.ms);
    }
    before += count;
  }
  return null;
}

/**
 * Median and 90th percentile of the times from reception (reported_at) to first response, to triage and to resolution,
 * over the incidents whose first response, triage or resolution fell in each period (incidents closed as duplicate,
 * test or out of scope left out). Nearest-rank method: of the n durations in ascending order, the median is the value
 * at rank ⌈n/2⌉ = (n + 1) / 2 and the 90th percentile the value at rank ⌈9n/10⌉ = (9n + 9) / 10, in integer division.
 * Without sorting them all: the durations are counted per bucket (generated column, ordered like the durations, see
 * migration 0006) with range counts, and only the bucket holding each rank is sorted (ORDER BY … LIMIT 1 OFFSET k).
 */
export async function measureDurations(db: DbOrTx, w: StatsWindow): Promise<DurationRow[]> {
  return readSnapshot(db, async (q) => {
    const scope = incidentScopeSql(w.scope);
    const treatable = await treatableDispositions(q);
    const filter = both(isTreatable, scope);
    const periods = periodsOf(w);
    const perMetric = await Promise.all(
      (Object.keys(durationColumns) as DurationMetric[]).map(async (metric) => {
        const { time, bucket, index } = durationColumns[metric];
        const rows = await valueCountsQuery(q, { index, column: bucket, time, ranges: periods, filter: scope, treatable }).execute(q);
        const buckets = rows.rows.filter((r) => r.code !== null).map((r) => ({ bucket: num(r.code), previous: num(r.n0), current: num(r.n1) })).sort((a, b) => a.bucket - b.bucket);
        return Promise.all(
          periods.map(async (range, index): Promise<DurationRow> => {
            const isCurrent = index === 1;
            const counts = buckets.map((b) => ({ bucket: b.bucket, count: isCurrent ? b.current : b.previous })).filter((b) => b.count > 0);
            const n = counts.reduce((total, b) => total + b.count, 0);
            if (n === 0) return { metric, isCurrent, count: 0, medianMs: null, p90Ms: null };
            const [medianMs, p90Ms] = await Promise.all([durationAtRank(q, metric, range, filter, counts, Math.floor((n + 1) / 2)), durationAtRank(q, metric, range, filter, counts, Math.floor((9 * n + 9) / 10))]);
            return { metric, isCurrent, count: n, medianMs, p90Ms };
          }),
        );
      }),
    );
    return perMetric.flat();
  });
}

/**
 * Deadlines due in either period (incident_deadline.due_at), by stage and standing: `met` when completed on or before
 * the due time, `late` when completed after it, `overdue` when not completed and due before `asOf`, `pending`
 * otherwise. Incidents closed as duplicate, test or out of scope are left out (and, in the public scope, incidents
 * other than TLP:CLEAR): their disposition and TLP are kept on the deadline rows (migration 0006), so no deadline is
 * looked up in the incident table. The stages present are listed by a loose scan on (profile, key); each stage,
 * standing (on_time: 1, 0, or null for open deadlines, split at `asOf`) and period is one range count per treatable
 * disposition.
 */
export async function countDeadlines(db: DbOrTx, w: StatsWindow, asOf: Date): Promise<DeadlineGroupRow[]> {
  return readSnapshot(db, async (q) => {
    const treatable = await treatableDispositions(q);
    const deadline = sql`incident_deadline d${indexedBy(q, 'incident_deadline_stats_idx')}`;
    const counting: Counting = { from: deadline, filter: w.scope === 'public' ? sql<SqlBool>`d.incident_tlp = 'clear'` : sql<SqlBool>`1 = 1`, treatable: { column: 'd.incident_disposition', codes: treatable } };
    const cells: { standing: DeadlineStanding; isCurrent: boolean; onTime: RawBuilder<SqlBool>; range: Range }[] = [];
    const latest = (a: Date, b: Date): Date => (a.getTime() > b.getTime() ? a : b);
    const earliest = (a: Date, b: Date): Date => (a.getTime() < b.getTime() ? a : b);
    periodsOf(w).forEach(([from, to], index) => {
      const isCurrent = index === 1;
      cells.push(
        { standing: 'met', isCurrent, onTime: sql<SqlBool>`d.on_time = 1`, range: [from, to] },
        { standing: 'late', isCurrent, onTime: sql<SqlBool>`d.on_time = 0`, range: [from, to] },
        { standing: 'overdue', isCurrent, onTime: sql<SqlBool>`d.on_time is null`, range: [from, earliest(to, asOf)] },
        { standing: 'pending', isCurrent, onTime: sql<SqlBool>`d.on_time is null`, range: [latest(from, asOf), to] },
      );
    });
    const counts = cells.map((c, i) => sql`${countOf(counting, sql<SqlBool>`d.profile = s.profile and d.key = s.key and ${c.onTime} and ${within('d.due_at', c.range)}`)} as ${sql.id(`n${i}`)}`);
    const result = await sql<Record<string, unknown> & { profile: string; key: string }>`with recursive
        p(profile) as (
          select min(d.profile) from ${deadline}
          union all
          select (select min(d.profile) from ${deadline} where d.profile > p.profile) from p where p.profile is not null
        ),
        s(profile, key) as (
          select p.profile, (select min(d.key) from ${deadline} where d.profile = p.profile) from p where p.profile is not null
          union all
          select s.profile, (select min(d.key) from ${deadline} where d.profile = s.profile and d.key > s.key) from s where s.key is not null
        )
      select s.profile as profile, s.key as key, ${sql.join(counts)} from s where s.key is not null`.execute(q);
    const out: DeadlineGroupRow[] = [];
    for (const r of result.rows) {
      cells.forEach((c, i) => {
        const count = num(r[`n${i}`]);
        if (count > 0) out.push({ isCurrent: c.isCurrent, profile: r.profile, key: r.key, standing: c.standing, count });
      });
    }
    return out;
  });
}

/** Resolved or closed now: the statuses that end an incident's time in the backlog (written literally for the indexes). */
const hasEnded = sql<SqlBool>`incident.status in ('resolved', 'closed')`;

/**
 * Incidents that stopped being open in each interval of `boundaries` (sorted instants; n + 1 of them bound n
 * intervals): resolved or closed now, and resolved (resolved_at; closed_at when no resolution time was recorded: the
 * generated column ended_at) in the interval. One range count per interval.
 */
export async function countEndedPerInterval(db: DbOrTx, scope: StatsScope, boundaries: readonly Date[]): Promise<number[]> {
  const size = Math.max(boundaries.length - 1, 0);
  const out = new Array<number>(size).fill(0);
  if (size === 0) return out;
  return readSnapshot(db, async (q) => {
    const counting: Counting = { from: sql`incident${indexedBy(q, 'incident_stats_ended_idx')}`, filter: both(hasEnded, incidentScopeSql(scope)) };
    const intervals = Array.from({ length: size }, (_, i) => sql`select ${sql.lit(i)} as i, ${countOf(counting, within('incident.ended_at', [boundaries[i], boundaries[i + 1]]))} as n`);
    const result = await sql<{ i: unknown; n: unknown }>`${sql.join(intervals, sql` union all `)}`.execute(q);
    for (const r of result.rows) out[num(r.i)] = num(r.n);
    return out;
  });
}

/**
 * Incidents closed in [from, to) and treated (not closed as duplicate, test or out of scope): range counts on the
 * disposition index, one per treatable disposition.
 */
export async function countTreated(db: DbOrTx, scope: StatsScope, from: Date, to: Date): Promise<number> {
  return readSnapshot(db, async (q) => {
    const treatable = await treatableDispositions(q);
    const counting: Counting = { from: sql`incident${indexedBy(q, 'incident_stats_closed_disposition_idx')}`, filter: incidentScopeSql(scope), treatable: { column: 'incident.disposition', codes: treatable } };
    const result = await sql<{ n: unknown }>`select ${countOf(counting, within('incident.closed_at', [from, to]))} as n`.execute(q);
    return num(result.rows[0]?.n);
  });
}

/**
 * Incidents open at the instant `moment`: reported before it and not resolved or closed by then. Open incidents (a
 * small part of the table, read through the partial index on open incidents: the status condition is written
 * literally so SQLite uses it) plus resolved or closed ones that ended (ended_at) at or after `moment`, or whose end
 * time is unknown.
 */
export async function countOpenIncidentsAt(db: DbOrTx, scope: StatsScope, moment: Date): Promise<number> {
  return readSnapshot(db, async (q) => {
    const inScope = incidentScopeSql(scope);
    const ended = sql`incident${indexedBy(q, 'incident_stats_ended_idx')}`;
    const result = await sql<{ open: unknown; ended_later: unknown; ended_unknown: unknown }>`select
        (select count(*) from incident${indexedBy(q, 'incident_stats_open_idx')} where incident.status not in ('resolved', 'closed') and incident.reported_at < ${at(moment)} and ${inScope}) as open,
        (select count(*) from ${ended} where incident.ended_at >= ${at(moment)} and ${hasEnded} and incident.reported_at < ${at(moment)} and ${inScope}) as ended_later,
        (select count(*) from ${ended} where incident.ended_at is null and ${hasEnded} and incident.reported_at < ${at(moment)} and ${inScope}) as ended_unknown`.execute(q);
    const row = result.rows[0];
    return num(row?.open) + num(row?.ended_later) + num(row?.ended_unknown);
  });
}

// ---- bulletins -------------------------------------------------------------------------------------------------

/**
 * The bulletins first published in [from, to) and not withdrawn, as the public listing describes them (its row in the
 * original language: kind, criticality and TLP of the latest published revision).
 */
function listedBulletins(eb: ExpressionBuilder<Database, 'bulletin_listing'>, scope: StatsScope, from: Date, to: Date) {
  return eb.and([
    eb('bulletin_listing.is_original', '=', 1),
    eb('bulletin_listing.publication', '!=', 'withdrawn'),
    eb('bulletin_listing.first_published_at', '>=', at(from)),
    eb('bulletin_listing.first_published_at', '<', at(to)),
    ...(scope === 'public' ? [eb('bulletin_listing.tlp', '=', 'clear')] : []),
  ]);
}

/** Bulletins first published in either period, by kind and criticality. */
export async function countPublishedBulletins(db: DbOrTx, w: StatsWindow): Promise<BulletinGroupRow[]> {
  const rows = await db
    .selectFrom('bulletin_listing')
    .select((eb) => [periodFlag('bulletin_listing.first_published_at', w.from).as('cur'), 'bulletin_listing.kind', 'bulletin_listing.criticality', eb.fn.countAll<number>().as('n')])
    .where((eb) => listedBulletins(eb, w.scope, w.previousFrom, w.to))
    .groupBy([sql`cur`, 'bulletin_listing.kind', 'bulletin_listing.criticality'])
    .execute();
  return rows.map((r) => ({ isCurrent: num(r.cur) === 1, kind: r.kind, criticality: r.criticality, count: num(r.n) }));
}

/** Bulletins first published in each interval of `boundaries`. */
export async function countPublishedPerInterval(db: DbOrTx, scope: StatsScope, boundaries: readonly Date[]): Promise<number[]> {
  const out = new Array<number>(Math.max(boundaries.length - 1, 0)).fill(0);
  const first = boundaries[0];
  const last = boundaries[boundaries.length - 1];
  if (!first || !last || out.length === 0) return out;
  const rows = await db
    .selectFrom('bulletin_listing')
    .select((eb) => [bucketOf(sql.ref('bulletin_listing.first_published_at'), boundaries).as('bucket'), eb.fn.countAll<number>().as('n')])
    .where((eb) => listedBulletins(eb, scope, first, last))
    .groupBy(sql`bucket`)
    .execute();
  for (const r of rows) out[num(r.bucket)] = num(r.n);
  return out;
}

/** Distinct CVE identifiers of the bulletins first published in each period. */
export async function countDistinctCves(db: DbOrTx, w: StatsWindow): Promise<{ previous: number; current: number }> {
  const rows = await db
    .selectFrom('bulletin_cve')
    .innerJoin('bulletin_listing', 'bulletin_listing.bulletin_id', 'bulletin_cve.bulletin_id')
    .select((eb) => [periodFlag('bulletin_listing.first_published_at', w.from).as('cur'), eb.fn.count<number>('bulletin_cve.cve_id').distinct().as('n')])
    .where((eb) => listedBulletins(eb, w.scope, w.previousFrom, w.to))
    .groupBy(sql`cur`)
    .execute();
  const out = { previous: 0, current: 0 };
  for (const r of rows) out[num(r.cur) === 1 ? 'current' : 'previous'] = num(r.n);
  return out;
}

/**
 * The `limit` vendors named by the most bulletins first published in each period (a bulletin counts once per vendor,
 * however many of its products it names), most first, ties by folded name; ranked in SQL with row_number(). Counted by
 * vendor id first (from the listing and bulletin_product indexes alone), names joined to the few hundred counts after.
 */
export async function rankVendors(db: DbOrTx, w: StatsWindow, limit: number): Promise<RankingRow[]> {
  const counts = db
    .selectFrom('bulletin_product')
    .innerJoin('bulletin_listing', 'bulletin_listing.bulletin_id', 'bulletin_product.bulletin_id')
    .select((eb) => [periodFlag('bulletin_listing.first_published_at', w.from).as('cur'), 'bulletin_product.vendor_id as vendor_id', eb.fn.count<number>('bulletin_product.bulletin_id').distinct().as('n')])
    .where((eb) => listedBulletins(eb, w.scope, w.previousFrom, w.to))
    .groupBy([sql`cur`, 'bulletin_product.vendor_id']);
  const named = db
    .selectFrom(counts.as('per_vendor'))
    .innerJoin('product_vendor', 'product_vendor.id', 'per_vendor.vendor_id')
    .select(['per_vendor.cur as cur', 'product_vendor.name_key as code', 'product_vendor.name as name', 'per_vendor.n as n']);
  return rank(db, named.as('counts'), limit);
}

/** The `limit` products named by the most bulletins first published in each period (code `vendor/product`, folded). */
export async function rankProducts(db: DbOrTx, w: StatsWindow, limit: number): Promise<RankingRow[]> {
  const counts = db
    .selectFrom('bulletin_product')
    .innerJoin('bulletin_listing', 'bulletin_listing.bulletin_id', 'bulletin_product.bulletin_id')
    .select((eb) => [periodFlag('bulletin_listing.first_published_at', w.from).as('cur'), 'bulletin_product.product_id as product_id', eb.fn.count<number>('bulletin_product.bulletin_id').distinct().as('n')])
    .where((eb) => listedBulletins(eb, w.scope, w.previousFrom, w.to))
    .groupBy([sql`cur`, 'bulletin_product.product_id']);
  const named = db
    .selectFrom(counts.as('per_product'))
    .innerJoin('product', 'product.id', 'per_product.product_id')
    .innerJoin('product_vendor', 'product_vendor.id', 'product.vendor_id')
    .select([
      'per_product.cur as cur',
      sql<string>`${sql.ref('product_vendor.name_key')} || '/' || ${sql.ref('product.name_key')}`.as('code'),
      sql<string>`${sql.ref('product_vendor.name')} || ' ' || ${sql.ref('product.name')}`.as('name'),
      'per_product.n as n',
    ]);
  return rank(db, named.as('counts'), limit);
}

/** A grouped count to rank: period flag, folded code, name and number of bulletins. */
interface RankCounts {
  cur: number;
  code: string;
  name: string;
  n: number;
}

/** Keeps the first `limit` rows of each period of a grouped count, most first (ties by code). */
async function rank(db: DbOrTx, counts: AliasedSelectQueryBuilder<RankCounts, 'counts'>, limit: number): Promise<RankingRow[]> {
  const ranked = db
    .selectFrom(counts)
    .select(['counts.cur', 'counts.code', 'counts.name', 'counts.n', sql<number>`row_number() over (partition by counts.cur order by counts.n desc, counts.code)`.as('rk')]);
  const rows = await db.selectFrom(ranked.as('ranked')).select(['ranked.cur', 'ranked.code', 'ranked.name', 'ranked.n']).where('ranked.rk', '<=', limit).orderBy('ranked.cur').orderBy('ranked.rk').execute();
  return rows.map((r) => ({ isCurrent: num(r.cur) === 1, code: r.code, name: r.name, count: num(r.n) }));
}

// ---- subscribers -----------------------------------------------------------------------------------------------

/**
 * Subscriptions confirmed at the end of each period (confirmed before it and, if unsubscribed since, unsubscribed at
 * or after it) and confirmed during each period, from each address's latest confirmation and unsubscription times.
 * Pending subscriptions (waiting for a confirmation click) never count.
 */
export async function countSubscribers(db: DbOrTx, w: StatsWindow): Promise<SubscriberCounts> {
  const confirmed = sql.ref('subscription.confirmed_at');
  const unsubscribed = sql.ref('subscription.unsubscribed_at');
  const status = sql.ref('subscription.status');
  const confirmedAt = (end: Date) =>
    sql<number>`sum(case when ${confirmed} < ${at(end)} and (${status} = 'active' or (${status} = 'unsubscribed' and ${unsubscribed} >= ${at(end)})) then 1 else 0 end)`;
  const confirmedIn = (from: Date, to: Date) => sql<number>`sum(case when ${confirmed} >= ${at(from)} and ${confirmed} < ${at(to)} then 1 else 0 end)`;
  const row = await db
    .selectFrom('subscription')
    .select([confirmedAt(w.from).as('confirmed_previous'), confirmedAt(w.to).as('confirmed_current'), confirmedIn(w.previousFrom, w.from).as('new_previous'), confirmedIn(w.from, w.to).as('new_current')])
    .where('subscription.confirmed_at', 'is not', null)
    .where('subscription.status', 'in', ['active', 'unsubscribed'])
    .executeTakeFirst();
  return {
    confirmedAtEnd: { previous: num(row?.confirmed_previous), current: num(row?.confirmed_current) },
    newInPeriod: { previous: num(row?.new_previous), current: num(row?.new_current) },
  };
}

// ---- labels ----------------------------------------------------------------------------------------------------

/** A vocabulary term as the statistics label it. */
export interface TermLabel {
  code: string;
  labels: LocalisedLabel;
  isRetired: boolean;
}

/** The terms of some vocabularies in display order, retired ones included (old records still use them), by vocabulary. */
export async function findVocabularyLabels(db: DbOrTx, vocabularies: readonly string[]): Promise<Map<string, TermLabel[]>> {
  const out = new Map<string, TermLabel[]>();
  if (vocabularies.length === 0) return out;
  const rows = await db
    .selectFrom('vocabulary_term')
    .select(['vocabulary', 'code', 'label_fr', 'label_ar', 'label_en', 'retired_at'])
    .where('vocabulary', 'in', [...vocabularies])
    .orderBy('vocabulary')
    .orderBy('position')
    .orderBy('code')
    .execute();
  for (const r of rows) {
    const terms = out.get(r.vocabulary) ?? [];
    terms.push({ code: r.code, labels: { fr: r.label_fr, ar: r.label_ar, en: r.label_en }, isRetired: r.retired_at !== null });
    out.set(r.vocabulary, terms);
  }
  return out;
}

// ---- headline --------------------------------------------------------------------------------------------------

/**
 * The headline's three numbers for [from, to): incidents treated (closed with a disposition other than duplicate,
 * test or out of scope), bulletins first published and not withdrawn, and those of them that are critical.
 */
export async function countHeadlineFigures(db: DbOrTx, scope: StatsScope, from: Date, to: Date): Promise<{ treated: number; published: number; critical: number }> {
  const treated = await countTreated(db, scope, from, to);
  const bulletins = await db
    .selectFrom('bulletin_listing')
    .select((eb) => [eb.fn.countAll<number>().as('n'), sql<number>`sum(case when ${sql.ref('bulletin_listing.criticality')} = ${CRITICAL} then 1 else 0 end)`.as('critical')])
    .where((eb) => listedBulletins(eb, scope, from, to))
    .executeTakeFirst();
  return { treated, published: num(bulletins?.n), critical: num(bulletins?.critical) };
}

// ---- years -----------------------------------------------------------------------------------------------------

/**
 * The first calendar year (in `timeZone`) with a record in the scope: the earliest incident report or first
 * publication of a bulletin still listed. Null when there is none. Reads two minimums on indexed times.
 */
export async function findFirstStatisticsYear(db: DbOrTx, scope: StatsScope, timeZone: string): Promise<number | null> {
  const incident = await db
    .selectFrom('incident')
    .select((eb) => eb.fn.min('incident.reported_at').as('first'))
    .where(incidentInScope(scope))
    .executeTakeFirst();
  const bulletin = await db
    .selectFrom('bulletin_listing')
    .select((eb) => eb.fn.min('bulletin_listing.first_published_at').as('first'))
    .where('bulletin_listing.is_original', '=', 1)
    .where('bulletin_listing.publication', '!=', 'withdrawn')
    .$if(scope === 'public', (q) => q.where('bulletin_listing.tlp', '=', 'clear'))
    .executeTakeFirst();
  const times = [incident?.first, bulletin?.first].filter((t) => t !== null && t !== undefined).map((t) => fromDbTime(t).getTime());
  if (times.length === 0) return null;
  return localDateOf(new Date(Math.min(...times)), timeZone).year;
}
