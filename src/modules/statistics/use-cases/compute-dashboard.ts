import type { DatabaseHandle, DbOrTx } from '#src/db/database';
import type { RequestContext } from '#src/core/context';
import type { Messages } from '#src/core/i18n/i18n';
import type {
  BreakdownRow,
  ComplianceCounts,
  ComplianceFigure,
  ComplianceRow,
  CountFigure,
  Dashboard,
  Dimension,
  DurationFigure,
  FigureSet,
  LocalisedLabel,
  RankingFigure,
  SeriesFigure,
  StatsPeriod,
  StatsScope,
} from '#src/modules/statistics/statistics.types';
import type { PeriodStep } from '#src/modules/statistics/statistics.periods';
import type { BulletinGroupRow, DeadlineGroupRow, DurationMetric, DurationRow, RankingRow, StatsWindow, TermLabel, ValueCounts } from '#src/modules/statistics/statistics.repository';
import { AppError } from '#src/core/errors';
import { can } from '#src/core/access';
import { bulletinKinds } from '#src/modules/bulletins/bulletins.types';
import { bulletinsMessages } from '#src/modules/bulletins/bulletins.messages';
import { organisationCategories } from '#src/modules/constituents/constituents.types';
import { constituentsMessages } from '#src/modules/constituents/constituents.messages';
import { incidentChannels } from '#src/modules/incidents/incidents.types';
import { regulationProfiles } from '#src/modules/incidents/deadlines/regulation-profiles';
import { statisticsMessages } from '#src/modules/statistics/statistics.messages';
import { CRITICAL, SERVICE_LEVEL_PROFILE, TOP_LIMIT, figureDefinitions } from '#src/modules/statistics/statistics.definitions';
import { backlogSteps, monthSteps, previousPeriod, stepBoundaries, stepsUntil } from '#src/modules/statistics/statistics.periods';
import {
  countClosedIncidents,
  countDeadlines,
  countDistinctCves,
  countEndedPerInterval,
  countOpenIncidentsAt,
  countPublishedBulletins,
  countPublishedPerInterval,
  countReportedIncidents,
  countSubscribers,
  findVocabularyLabels,
  measureDurations,
  rankProducts,
  rankVendors,
} from '#src/modules/statistics/statistics.repository';

/** What a dashboard is asked for. */
export interface DashboardInput {
  period: StatsPeriod;
  scope: StatsScope;
}

/**
 * Every figure for `period` and for the previous period of the same length, computed live in the database. The `staff`
 * scope (every record) needs `statistics:read` (coordinators, analysts, the CERT's leadership); the `public` scope
 * (TLP:CLEAR data only) is open to anyone, without suppression (see buildPublicReport for the published form).
 * Open deadlines are overdue or pending, and series stop, at the context clock's now.
 */
export async function computeDashboard(database: DatabaseHandle, ctx: RequestContext, input: DashboardInput): Promise<Dashboard> {
  if (input.scope === 'staff' && !can(ctx.actor, 'statistics:read')) throw new AppError('forbidden');
  return assembleDashboard(database.db, input.period, input.scope, ctx.clock.now());
}

/** The vocabulary behind each dimension coded by a vocabulary (labels from the database, admin-editable). */
const vocabularyOf: Partial<Record<Dimension, string>> = {
  rsit_class: 'rsit_class',
  severity: 'incident_severity',
  sector: 'sector',
  disposition: 'incident_disposition',
  criticality: 'criticality',
};

function messageLabel(messages: Messages<string>, key: string): LocalisedLabel {
  return { fr: messages.fr[key] ?? key, ar: messages.ar[key] ?? key, en: messages.en[key] ?? key };
}

/** The categories of each dimension in display order, with their labels: vocabulary terms, or the closed enumerations. */
function dimensionTerms(vocabularies: Map<string, TermLabel[]>): Record<Dimension, TermLabel[]> {
  const fromVocabulary = (dimension: Dimension): TermLabel[] => vocabularies.get(vocabularyOf[dimension] ?? '') ?? [];
  const enumeration = (codes: readonly string[], messages: Messages<string>, prefix: string): TermLabel[] =>
    codes.map((code) => ({ code, labels: messageLabel(messages, `${prefix}${code}`), isRetired: false }));
  return {
    rsit_class: fromVocabulary('rsit_class'),
    severity: fromVocabulary('severity'),
    sector: fromVocabulary('sector'),
    disposition: fromVocabulary('disposition'),
    criticality: fromVocabulary('criticality'),
    category: enumeration(organisationCategories, constituentsMessages, 'constituents.category.'),
    channel: enumeration(incidentChannels, statisticsMessages, 'statistics.channel.'),
    kind: enumeration(bulletinKinds, bulletinsMessages, 'bulletins.kind.'),
  };
}

type Tally = Map<string | null, number>;

/** One period's side of value counts. */
function tallyOf(counts: ValueCounts, isCurrent: boolean): Tally {
  const out: Tally = new Map();
  for (const [code, c] of counts) out.set(code, isCurrent ? c.current : c.previous);
  return out;
}

/** Value counts of grouped rows (each row a group of one period), by the value `pick` reads. */
function valueCountsOf<T extends { count: number; isCurrent: boolean }>(rows: readonly T[], pick: (row: T) => string | null): ValueCounts {
  const out: ValueCounts = new Map();
  for (const row of rows) {
    const code = pick(row);
    const counts = out.get(code) ?? { previous: 0, current: 0 };
    out.set(code, row.isCurrent ? { ...counts, current: counts.current + row.count } : { ...counts, previous: counts.previous + row.count });
  }
  return out;
}

/** The total of value counts in one period (every record is under exactly one value). */
function totalOf(counts: ValueCounts | undefined, isCurrent: boolean): number {
  let total = 0;
  for (const c of counts?.values() ?? []) total += isCurrent ? c.current : c.previous;
  return total;
}

/**
 * The rows of one breakdown in both periods, over the same categories so the two can be compared: every current term
 * of the dimension (zeros included, in display order), then retired or unknown codes that occur in either period, then
 * "not given" (code null) when it occurs.
 */
function breakdownPair(terms: readonly TermLabel[], none: LocalisedLabel, current: Tally, previous: Tally): [BreakdownRow[], BreakdownRow[]] {
  const seen = (code: string | null): boolean => (current.get(code) ?? 0) > 0 || (previous.get(code) ?? 0) > 0;
  const known = new Set(terms.map((t) => t.code));
  const categories: { code: string | null; labels: LocalisedLabel | null }[] = terms.filter((t) => !t.isRetired || seen(t.code)).map((t) => ({ code: t.code, labels: t.labels }));
  const unknown = [...new Set([...current.keys(), ...previous.keys()])].filter((c): c is string => c !== null && !known.has(c) && seen(c)).sort();
  for (const code of unknown) categories.push({ code, labels: null });
  if (seen(null)) categories.push({ code: null, labels: none });
  const rows = (counts: Tally): BreakdownRow[] => categories.map((c) => ({ code: c.code, labels: c.labels, value: counts.get(c.code) ?? 0 }));
  return [rows(current), rows(previous)];
}

/**
 * A count figure in both periods with the breakdowns its definition lists: `total` is the count, `breakdowns` the
 * value counts of each dimension the database computed.
 */
function countPair(total: ValueCounts | undefined, breakdowns: Partial<Record<Dimension, ValueCounts>>, dimensions: readonly Dimension[], terms: Record<Dimension, TermLabel[]>, none: LocalisedLabel): [CountFigure, CountFigure] {
  const cur: CountFigure = { kind: 'count', value: totalOf(total, true), breakdowns: {} };
  const prev: CountFigure = { kind: 'count', value: totalOf(total, false), breakdowns: {} };
  for (const dimension of dimensions) {
    const counts = breakdowns[dimension] ?? new Map();
    const [c, p] = breakdownPair(terms[dimension], none, tallyOf(counts, true), tallyOf(counts, false));
    cur.breakdowns[dimension] = c;
    prev.breakdowns[dimension] = p;
  }
  return [cur, prev];
}

/** The value counts of the bulletin dimensions. */
function bulletinBreakdowns(rows: readonly BulletinGroupRow[]): Partial<Record<Dimension, ValueCounts>> {
  return { kind: valueCountsOf(rows, (r) => r.kind), criticality: valueCountsOf(rows, (r) => r.criticality) };
}

function durationFigure(rows: readonly DurationRow[], metric: DurationMetric, isCurrent: boolean): DurationFigure {
  const row = rows.find((r) => r.metric === metric && r.isCurrent === isCurrent);
  const seconds = (ms: number | null | undefined): number | null => (ms === null || ms === undefined ? null : ms / 1000);
  return { kind: 'duration', count: row?.count ?? 0, medianSeconds: seconds(row?.medianMs), p90Seconds: seconds(row?.p90Ms) };
}

/** met ÷ (met + late + overdue), or null when nothing has come due. */
export function complianceRate(c: ComplianceCounts): number | null {
  if (c.met === null || c.late === null || c.overdue === null) return null;
  const due = c.met + c.late + c.overdue;
  return due === 0 ? null : c.met / due;
}

/** The stages of a deadline group in display order (profile, then stage, as the profiles list them), with labels. */
function stageOrder(isServiceLevel: boolean): { code: string; labels: LocalisedLabel }[] {
  return regulationProfiles
    .filter((p) => (p.code === SERVICE_LEVEL_PROFILE) === isServiceLevel)
    .flatMap((p) => p.stages.map((s) => ({ code: `${p.code}.${s.code}`, labels: { fr: s.label.fr, ar: s.label.ar, en: s.label.en } })));
}

/**
 * Compliance in both periods: the service levels always list their stages; legal stages are listed when some
 * deadline of theirs fell due in either period.
 */
function compliancePair(rows: readonly DeadlineGroupRow[], isServiceLevel: boolean): [ComplianceFigure, ComplianceFigure] {
  const mine = rows.filter((r) => (r.profile === SERVICE_LEVEL_PROFILE) === isServiceLevel);
  const order = stageOrder(isServiceLevel);
  const present = new Set(mine.map((r) => r.key));
  const stages = [
    ...order.filter((s) => isServiceLevel || present.has(s.code)),
    ...[...present].filter((k) => !order.some((s) => s.code === k)).sort().map((code) => ({ code, labels: null })),
  ];
  const figure = (isCurrent: boolean): ComplianceFigure => {
    const total: ComplianceCounts = { met: 0, late: 0, overdue: 0, pending: 0 };
    const stageRows: ComplianceRow[] = stages.map((stage) => {
      const counts: ComplianceCounts = { met: 0, late: 0, overdue: 0, pending: 0 };
      for (const r of mine) {
        if (r.key !== stage.code || r.isCurrent !== isCurrent) continue;
        counts[r.standing] = (counts[r.standing] ?? 0) + r.count;
        total[r.standing] = (total[r.standing] ?? 0) + r.count;
      }
      return { code: stage.code, labels: stage.labels, counts, rate: complianceRate(counts) };
    });
    return { kind: 'compliance', total, rate: complianceRate(total), rows: stageRows };
  };
  return [figure(true), figure(false)];
}

/** The sum of the interval counts between `from` and `to` (both among the boundaries). */
function sumBetween(boundaries: readonly Date[], counts: readonly number[], from: Date, to: Date): number {
  let total = 0;
  for (let i = 0; i < counts.length; i++) {
    const start = boundaries[i]?.getTime() ?? Infinity;
    const end = boundaries[i + 1]?.getTime() ?? Infinity;
    if (start >= from.getTime() && end <= to.getTime()) total += counts[i] ?? 0;
  }
  return total;
}

function seriesOf(steps: readonly PeriodStep[], value: (step: PeriodStep) => number): SeriesFigure {
  return { kind: 'series', points: steps.map((step) => ({ label: step.label, from: step.from, to: step.to, value: value(step) })) };
}

function rankingOf(rows: readonly RankingRow[], isCurrent: boolean): RankingFigure {
  return { kind: 'ranking', rows: rows.filter((r) => r.isCurrent === isCurrent).map((r) => ({ code: r.code, labels: { fr: r.name, ar: r.name, en: r.name }, value: r.count })) };
}

const scalar = (value: number): CountFigure => ({ kind: 'count', value, breakdowns: {} });

/**
 * Computes the dashboard without an access check (the scope filters in SQL): for the use cases of this module that
 * already decided who may see what (public report, headline). `asOf` is the time of computation.
 */
export async function assembleDashboard(db: DbOrTx, period: StatsPeriod, scope: StatsScope, asOf: Date): Promise<Dashboard> {
  const previous = previousPeriod(period);
  const tz = period.timeZone;
  const w: StatsWindow = { previousFrom: previous.from, from: period.from, to: period.to, scope };
  const months = { current: stepsUntil(monthSteps(period.from, period.to, tz), asOf, tz, false), previous: stepsUntil(monthSteps(previous.from, previous.to, tz), asOf, tz, false) };
  const backlog = { current: stepsUntil(backlogSteps(period), asOf, tz, true), previous: stepsUntil(backlogSteps(previous), asOf, tz, true) };
  // One list of instants bounds every series of both periods: the reported and closed incidents are counted per
  // interval of it within their breakdowns (no pass of their own), the ended incidents and bulletins by one query each.
  const boundaries = stepBoundaries(months.previous, months.current, backlog.previous, backlog.current);
  const start = boundaries[0] ?? previous.from;

  const [reported, closed, durations, deadlines, endedPer, openAtStart, bulletins, publishedPer, cves, vendors, products, subscribers, vocabularies] = await Promise.all([
    countReportedIncidents(db, w, boundaries),
    countClosedIncidents(db, w, boundaries),
    measureDurations(db, w),
    countDeadlines(db, w, asOf),
    countEndedPerInterval(db, scope, boundaries),
    countOpenIncidentsAt(db, scope, start),
    countPublishedBulletins(db, w),
    countPublishedPerInterval(db, scope, boundaries),
    countDistinctCves(db, w),
    rankVendors(db, w, TOP_LIMIT),
    rankProducts(db, w, TOP_LIMIT),
    countSubscribers(db, w),
    findVocabularyLabels(db, Object.values(vocabularyOf)),
  ]);

  const terms = dimensionTerms(vocabularies);
  const none = messageLabel(statisticsMessages, 'statistics.value.none');
  const defs = figureDefinitions;
  const [reportedCur, reportedPrev] = countPair(reported.breakdowns.rsit_class, reported.breakdowns, defs['incidents.reported'].dimensions, terms, none);
  const [treatedCur, treatedPrev] = countPair(closed.treated.rsit_class, closed.treated, defs['incidents.treated'].dimensions, terms, none);
  const [closedCur, closedPrev] = countPair(closed.byDisposition, { disposition: closed.byDisposition }, defs['incidents.closed'].dimensions, terms, none);
  const published = bulletinBreakdowns(bulletins);
  const [publishedCur, publishedPrev] = countPair(published.kind, published, defs['bulletins.published'].dimensions, terms, none);
  const critical = bulletinBreakdowns(bulletins.filter((b) => b.criticality === CRITICAL));
  const [criticalCur, criticalPrev] = countPair(critical.kind, critical, defs['bulletins.critical'].dimensions, terms, none);
  const [serviceCur, servicePrev] = compliancePair(deadlines, true);
  const [legalCur, legalPrev] = compliancePair(deadlines, false);
  const reportedPer = reported.perInterval;
  const backlogAt = (end: Date): number => openAtStart + sumBetween(boundaries, reportedPer, start, end) - sumBetween(boundaries, endedPer, start, end);

  const figures = (isCurrent: boolean): FigureSet => {
    const pick = <T>(cur: T, prev: T): T => (isCurrent ? cur : prev);
    const monthly = pick(months.current, months.previous);
    return {
      'incidents.reported': pick(reportedCur, reportedPrev),
      'incidents.treated': pick(treatedCur, treatedPrev),
      'incidents.closed': pick(closedCur, closedPrev),
      'incidents.reported_by_month': seriesOf(monthly, (s) => sumBetween(boundaries, reportedPer, s.from, s.to)),
      'incidents.treated_by_month': seriesOf(monthly, (s) => sumBetween(boundaries, closed.treatedPerInterval, s.from, s.to)),
      'incidents.backlog': seriesOf(pick(backlog.current, backlog.previous), (s) => backlogAt(s.to)),
      'incidents.first_response_time': durationFigure(durations, 'first_response', isCurrent),
      'incidents.triage_time': durationFigure(durations, 'triage', isCurrent),
      'incidents.resolution_time': durationFigure(durations, 'resolution', isCurrent),
      'incidents.service_level_compliance': pick(serviceCur, servicePrev),
      'incidents.legal_deadline_compliance': pick(legalCur, legalPrev),
      'bulletins.published': pick(publishedCur, publishedPrev),
      'bulletins.critical': pick(criticalCur, criticalPrev),
      'bulletins.published_by_month': seriesOf(monthly, (s) => sumBetween(boundaries, publishedPer, s.from, s.to)),
      'bulletins.cves': scalar(pick(cves.current, cves.previous)),
      'bulletins.top_vendors': rankingOf(vendors, isCurrent),
      'bulletins.top_products': rankingOf(products, isCurrent),
      'subscribers.confirmed': scalar(pick(subscribers.confirmedAtEnd.current, subscribers.confirmedAtEnd.previous)),
      'subscribers.new': scalar(pick(subscribers.newInPeriod.current, subscribers.newInPeriod.previous)),
    };
  };

  return { scope, period, previousPeriod: previous, computedAt: asOf, current: figures(true), previous: figures(false) };
}
