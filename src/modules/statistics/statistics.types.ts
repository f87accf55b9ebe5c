/**
 * The statistics domain: periods, the closed set of figures, their values (counts with breakdowns, durations,
 * deadline compliance, series, rankings), the dashboard (a period and the previous one) and the headline.
 * Everything here is plain data: the repository computes the numbers in SQL, the use cases assemble these objects.
 */
import type { Locale } from '#src/core/i18n/i18n';

/** `staff`: every record. `public`: only TLP:CLEAR incidents and TLP:CLEAR bulletins (what the public report may use). */
export type StatsScope = 'staff' | 'public';

/** The scopes, for validation. */
export const statsScopes = ['staff', 'public'] as const satisfies readonly StatsScope[];

/**
 * A period of time, half-open: from `from` included to `to` excluded (UTC instants), with how it was asked. A year or
 * a month is a calendar period in the CERT's time zone (`timeZone`), converted to UTC bounds; `custom` is any range.
 */
export type StatsPeriod =
  | { readonly kind: 'year'; readonly year: number; readonly from: Date; readonly to: Date; readonly timeZone: string }
  | { readonly kind: 'month'; readonly year: number; readonly month: number; readonly from: Date; readonly to: Date; readonly timeZone: string }
  | { readonly kind: 'custom'; readonly from: Date; readonly to: Date; readonly timeZone: string };

/** A label in each interface language. */
export type LocalisedLabel = Readonly<Record<Locale, string>>;

/**
 * The dimensions figures are broken down by: the incident's primary RSIT class (its first classification), severity,
 * the sector and category of its organisation, the intake channel, the disposition at closing; a bulletin's kind and
 * criticality.
 */
export const dimensions = ['rsit_class', 'severity', 'sector', 'category', 'channel', 'disposition', 'kind', 'criticality'] as const;
export type Dimension = (typeof dimensions)[number];

/**
 * One category of a breakdown or a ranking. `code` is the vocabulary or enumeration code (null: not given, e.g. an
 * incident without severity or organisation); `labels` its label in each language, or null when the code is shown
 * as is. `value` is null only when suppressed in the public report (`suppressed: true`).
 */
export interface BreakdownRow {
  code: string | null;
  labels: LocalisedLabel | null;
  value: number | null;
  suppressed?: boolean;
}

/** A count, with its breakdowns when the figure has some (each breakdown's rows add up to the count). */
export interface CountFigure {
  kind: 'count';
  value: number | null;
  suppressed?: boolean;
  breakdowns: Partial<Record<Dimension, BreakdownRow[]>>;
}

/**
 * Durations over a set of incidents: how many, the median and the 90th percentile in seconds (nearest-rank method:
 * the value at rank ⌈p·n⌉ of the n durations sorted ascending), null when there is none (or when suppressed).
 */
export interface DurationFigure {
  kind: 'duration';
  count: number | null;
  medianSeconds: number | null;
  p90Seconds: number | null;
  suppressed?: boolean;
}

/** Deadlines due in a period, by where they stand: met on time, met late, overdue (open past due), pending (open, not yet due). */
export interface ComplianceCounts {
  met: number | null;
  late: number | null;
  overdue: number | null;
  pending: number | null;
}

/** The compliance of one deadline stage (`cert-sla.first-response`, `ma-05-20.declaration`…). */
export interface ComplianceRow {
  code: string;
  labels: LocalisedLabel | null;
  counts: ComplianceCounts;
  /** met ÷ (met + late + overdue), between 0 and 1; null when nothing was due yet or when suppressed. */
  rate: number | null;
  suppressed?: boolean;
}

/** Deadline compliance: the total over the stages, and each stage. */
export interface ComplianceFigure {
  kind: 'compliance';
  total: ComplianceCounts;
  rate: number | null;
  rows: ComplianceRow[];
  suppressed?: boolean;
}

/**
 * One point of a series: the interval [from, to) it covers and its value. `label` is the local month (`2026-03`) of a
 * monthly count, or the local date of the last day covered (`2026-03-31`) for the backlog, which is measured at `to`.
 */
export interface SeriesPoint {
  label: string;
  from: Date;
  to: Date;
  value: number | null;
  suppressed?: boolean;
}

/** A series over the period (month by month, or the backlog at the end of each step). */
export interface SeriesFigure {
  kind: 'series';
  points: SeriesPoint[];
}

/** The most frequent categories, most frequent first (ties by name). */
export interface RankingFigure {
  kind: 'ranking';
  rows: BreakdownRow[];
}

/** The kinds of figure values. */
export type FigureKind = 'count' | 'duration' | 'compliance' | 'series' | 'ranking';

/**
 * Every figure, with the kind of its value: the closed set the dashboard computes, the configuration names
 * (RIBAT_STATS_PUBLIC_FIGURES) and the definitions describe. The order is the display and export order.
 */
export const figureKinds = {
  'incidents.reported': 'count',
  'incidents.treated': 'count',
  'incidents.closed': 'count',
  'incidents.reported_by_month': 'series',
  'incidents.treated_by_month': 'series',
  'incidents.backlog': 'series',
  'incidents.first_response_time': 'duration',
  'incidents.triage_time': 'duration',
  'incidents.resolution_time': 'duration',
  'incidents.service_level_compliance': 'compliance',
  'incidents.legal_deadline_compliance': 'compliance',
  'bulletins.published': 'count',
  'bulletins.critical': 'count',
  'bulletins.published_by_month': 'series',
  'bulletins.cves': 'count',
  'bulletins.top_vendors': 'ranking',
  'bulletins.top_products': 'ranking',
  'subscribers.confirmed': 'count',
  'subscribers.new': 'count',
} as const satisfies Record<string, FigureKind>;

/** The key of a figure (a closed union). */
export type FigureKey = keyof typeof figureKinds;

/** Every figure key, in display order. */
export const figureKeys = Object.keys(figureKinds) as FigureKey[];

/** True when `value` names a figure. */
export function isFigureKey(value: string): value is FigureKey {
  return Object.hasOwn(figureKinds, value);
}

interface FigureValueOfKind {
  count: CountFigure;
  duration: DurationFigure;
  compliance: ComplianceFigure;
  series: SeriesFigure;
  ranking: RankingFigure;
}

/** The value of every figure for one period, typed by key. */
export type FigureSet = { [K in FigureKey]: FigureValueOfKind[(typeof figureKinds)[K]] };

/** Any figure value. */
export type FigureValue = FigureSet[FigureKey];

/** The dashboard: every figure for a period and for the previous period of the same length, over one scope. */
export interface Dashboard {
  scope: StatsScope;
  period: StatsPeriod;
  previousPeriod: StatsPeriod;
  /** When the figures were computed: open deadlines are overdue or pending relative to it, and series stop there. */
  computedAt: Date;
  current: FigureSet;
  previous: FigureSet;
}

/** The figures of the headline sentence. */
export interface HeadlineFigures {
  treated: number;
  published: number;
  critical: number;
}

/** The headline of a year: its figures, the definitions behind them, and the sentence in each language. */
export interface Headline {
  year: number;
  scope: StatsScope;
  period: StatsPeriod;
  figures: HeadlineFigures;
  /** The figure each number comes from (its definition is `statistics.definition.<key>`). */
  sources: Readonly<Record<keyof HeadlineFigures, FigureKey>>;
  sentences: LocalisedLabel;
}

/** The public annual report: the enabled figures over TLP:CLEAR data, small counts suppressed. */
export interface PublicReport {
  year: number;
  period: StatsPeriod;
  previousPeriod: StatsPeriod;
  computedAt: Date;
  /** Counts from 1 to minCount − 1 are replaced by null (`suppressed: true`), see RIBAT_STATS_MIN_COUNT. */
  minCount: number;
  /** The figures published, in display order (RIBAT_STATS_PUBLIC_FIGURES). */
  figureKeys: FigureKey[];
  current: Partial<FigureSet>;
  previous: Partial<FigureSet>;
  /** The headline, when its three figures are published and none of them is suppressed; null otherwise. */
  headline: Headline | null;
}
