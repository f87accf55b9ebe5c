/**
 * The dashboard and the public report as files: CSV (one row per figure, dimension, category and measure, each with
 * the bounds of the interval its value covers; RFC 4180, UTF-8 with a byte order mark, spreadsheet formulas neutralised
 * as the incident exports do) and a plain JSON document (stable keys in a fixed order, ISO 8601 UTC dates, the message
 * keys of each figure's name and definition).
 */
import type { Locale, Messages } from '#src/core/i18n/i18n';
import type {
  BreakdownRow,
  ComplianceCounts,
  Dashboard,
  FigureKey,
  FigureSet,
  FigureValue,
  Headline,
  LocalisedLabel,
  PublicReport,
  StatsPeriod,
  StatsScope,
} from '#src/modules/statistics/statistics.types';
import { UTF8_BOM, csvField } from '#src/modules/incidents/exports/csv';
import { createTranslator } from '#src/core/i18n/i18n';
import { figureKeys } from '#src/modules/statistics/statistics.types';
import { figureDefinitions, type FigureUnit } from '#src/modules/statistics/statistics.definitions';
import { statisticsMessages } from '#src/modules/statistics/statistics.messages';

/** What both exports read: a dashboard, or a public report (some figures, suppressed). */
interface ExportSource {
  scope: StatsScope;
  period: StatsPeriod;
  previousPeriod: StatsPeriod;
  computedAt: Date;
  minCount: number | null;
  keys: readonly FigureKey[];
  current: Partial<FigureSet>;
  previous: Partial<FigureSet>;
  headline: Headline | null;
}

function fromDashboard(d: Dashboard): ExportSource {
  return { scope: d.scope, period: d.period, previousPeriod: d.previousPeriod, computedAt: d.computedAt, minCount: null, keys: figureKeys, current: d.current, previous: d.previous, headline: null };
}

function fromPublicReport(r: PublicReport): ExportSource {
  return { scope: 'public', period: r.period, previousPeriod: r.previousPeriod, computedAt: r.computedAt, minCount: r.minCount, keys: r.figureKeys, current: r.current, previous: r.previous, headline: r.headline };
}

// ---- CSV -------------------------------------------------------------------------------------------------------

/** The columns of the statistics CSV. */
export const statisticsCsvColumns = ['figure', 'period', 'from', 'to', 'dimension', 'category', 'label', 'measure', 'value', 'unit', 'suppressed'] as const;

type CsvRow = Record<(typeof statisticsCsvColumns)[number], string>;

const CRLF = '\r\n';

const numberText = (value: number | null): string => (value === null ? '' : String(value));

function csvLines(source: ExportSource, locale: Locale): CsvRow[] {
  const { t } = createTranslator(statisticsMessages, locale, source.period.timeZone);
  const label = (labels: LocalisedLabel | null, code: string | null): string => labels?.[locale] ?? code ?? '';
  const lines: CsvRow[] = [];
  for (const key of source.keys) {
    const definition = figureDefinitions[key];
    for (const [which, period, value] of [
      ['current', source.period, source.current[key]],
      ['previous', source.previousPeriod, source.previous[key]],
    ] as const) {
      if (value === undefined) continue;
      const line = (fields: Partial<CsvRow> & Pick<CsvRow, 'measure' | 'value'>): void => {
        lines.push({
          figure: key,
          period: which,
          from: period.from.toISOString(),
          to: period.to.toISOString(),
          dimension: '',
          category: '',
          label: t(definition.nameKey),
          unit: definition.unit,
          suppressed: 'false',
          ...fields,
        });
      };
      const rowLine = (dimension: string, row: BreakdownRow, measure = 'count'): void =>
        line({ dimension, category: row.code ?? '', label: label(row.labels, row.code), measure, value: numberText(row.value), suppressed: String(row.suppressed === true) });
      const countsLines = (counts: ComplianceCounts, rate: number | null, suppressed: boolean, extra: Partial<CsvRow>): void => {
        for (const measure of ['met', 'late', 'overdue', 'pending'] as const) line({ ...extra, measure, value: numberText(counts[measure]), suppressed: String(counts[measure] === null && suppressed) });
        line({ ...extra, measure: 'rate', value: numberText(rate), unit: 'ratio', suppressed: String(rate === null && suppressed) });
      };
      switch (value.kind) {
        case 'count':
          line({ measure: 'count', value: numberText(value.value), suppressed: String(value.suppressed === true) });
          for (const dimension of definition.dimensions) for (const row of value.breakdowns[dimension] ?? []) rowLine(dimension, row);
          break;
        case 'duration': {
          const suppressed = String(value.suppressed === true);
          line({ measure: 'count', value: numberText(value.count), unit: 'incidents', suppressed });
          line({ measure: 'median', value: numberText(value.medianSeconds), suppressed });
          line({ measure: 'p90', value: numberText(value.p90Seconds), suppressed });
          break;
        }
        case 'compliance':
          countsLines(value.total, value.rate, value.suppressed === true, {});
          for (const row of value.rows) countsLines(row.counts, row.rate, row.suppressed === true, { dimension: 'stage', category: row.code, label: label(row.labels, row.code) });
          break;
        case 'series': {
          const isBacklog = key === 'incidents.backlog';
          for (const point of value.points) {
            line({
              from: point.from.toISOString(),
              to: point.to.toISOString(),
              dimension: isBacklog ? 'step' : 'month',
              category: point.label,
              label: point.label,
              measure: isBacklog ? 'open' : 'count',
              value: numberText(point.value),
              suppressed: String(point.suppressed === true),
            });
          }
          break;
        }
        case 'ranking':
          for (const row of value.rows) rowLine(key === 'bulletins.top_vendors' ? 'vendor' : 'product', row);
          break;
      }
    }
  }
  return lines;
}

function toCsv(source: ExportSource, locale: Locale): string {
  const record = (fields: readonly string[]): string => `${fields.map(csvField).join(',')}${CRLF}`;
  return UTF8_BOM + record(statisticsCsvColumns) + csvLines(source, locale).map((row) => record(statisticsCsvColumns.map((c) => row[c]))).join('');
}

/**
 * The dashboard as CSV: for each figure and each period (`current`, `previous`), the figure's own value (empty
 * dimension), then one line per category of each breakdown, per stage and standing of a compliance table, per point of
 * a series (with the point's own bounds) and per entry of a ranking. Labels in `locale`; values as plain numbers
 * (durations in seconds, rates between 0 and 1); empty when suppressed.
 */
export function dashboardToCsv(dashboard: Dashboard, locale: Locale): string {
  return toCsv(fromDashboard(dashboard), locale);
}

/** The public report as CSV, like {@link dashboardToCsv}: only its figures, suppressed cells empty with `suppressed` true. */
export function publicReportToCsv(report: PublicReport, locale: Locale): string {
  return toCsv(fromPublicReport(report), locale);
}

// ---- JSON ------------------------------------------------------------------------------------------------------

/** A period in the JSON document. */
export interface PeriodJson {
  kind: StatsPeriod['kind'];
  year: number | null;
  month: number | null;
  from: string;
  to: string;
  timeZone: string;
}

/** A breakdown or ranking row in the JSON document. */
export interface RowJson {
  code: string | null;
  labels: LocalisedLabel | null;
  value: number | null;
  suppressed: boolean;
}

/** A figure's value in the JSON document, by kind; every key is always present. */
export type ValueJson =
  | { kind: 'count'; value: number | null; suppressed: boolean; breakdowns: Record<string, RowJson[]> }
  | { kind: 'duration'; count: number | null; medianSeconds: number | null; p90Seconds: number | null; suppressed: boolean }
  | {
      kind: 'compliance';
      total: ComplianceCounts;
      rate: number | null;
      suppressed: boolean;
      rows: { code: string; labels: LocalisedLabel | null; counts: ComplianceCounts; rate: number | null; suppressed: boolean }[];
    }
  | { kind: 'series'; points: { label: string; from: string; to: string; value: number | null; suppressed: boolean }[] }
  | { kind: 'ranking'; rows: RowJson[] };

/** One figure in the JSON document. */
export interface FigureJson {
  key: FigureKey;
  kind: FigureValue['kind'];
  unit: FigureUnit;
  /** Message key of the figure's name. */
  name: string;
  /** Message key of the figure's definition. */
  definition: string;
  /** The figure's name in each language. */
  labels: LocalisedLabel;
  /** The figure's definition in each language. */
  definitions: LocalisedLabel;
  current: ValueJson;
  previous: ValueJson;
}

/** The statistics as a JSON document (the API and `/stats/<year>.json`). */
export interface StatisticsDocument {
  format: 'ribat-statistics';
  version: 1;
  scope: StatsScope;
  computedAt: string;
  /** The public report's suppression threshold; null for a dashboard (nothing suppressed). */
  minCount: number | null;
  period: PeriodJson;
  previousPeriod: PeriodJson;
  headline: { figures: Headline['figures']; sources: Headline['sources']; sentences: LocalisedLabel } | null;
  figures: FigureJson[];
}

function periodJson(p: StatsPeriod): PeriodJson {
  return { kind: p.kind, year: p.kind === 'custom' ? null : p.year, month: p.kind === 'month' ? p.month : null, from: p.from.toISOString(), to: p.to.toISOString(), timeZone: p.timeZone };
}

const rowJson = (r: BreakdownRow): RowJson => ({ code: r.code, labels: r.labels ? { fr: r.labels.fr, ar: r.labels.ar, en: r.labels.en } : null, value: r.value, suppressed: r.suppressed === true });

const countsJson = (c: ComplianceCounts): ComplianceCounts => ({ met: c.met, late: c.late, overdue: c.overdue, pending: c.pending });

function valueJson(key: FigureKey, value: FigureValue): ValueJson {
  switch (value.kind) {
    case 'count': {
      const breakdowns: Record<string, RowJson[]> = {};
      for (const dimension of figureDefinitions[key].dimensions) breakdowns[dimension] = (value.breakdowns[dimension] ?? []).map(rowJson);
      return { kind: 'count', value: value.value, suppressed: value.suppressed === true, breakdowns };
    }
    case 'duration':
      return { kind: 'duration', count: value.count, medianSeconds: value.medianSeconds, p90Seconds: value.p90Seconds, suppressed: value.suppressed === true };
    case 'compliance':
      return {
        kind: 'compliance',
        total: countsJson(value.total),
        rate: value.rate,
        suppressed: value.suppressed === true,
        rows: value.rows.map((r) => ({ code: r.code, labels: r.labels ? { fr: r.labels.fr, ar: r.labels.ar, en: r.labels.en } : null, counts: countsJson(r.counts), rate: r.rate, suppressed: r.suppressed === true })),
      };
    case 'series':
      return { kind: 'series', points: value.points.map((p) => ({ label: p.label, from: p.from.toISOString(), to: p.to.toISOString(), value: p.value, suppressed: p.suppressed === true })) };
    case 'ranking':
      return { kind: 'ranking', rows: value.rows.map(rowJson) };
  }
}

const catalogue: Messages<string> = statisticsMessages;
const messageTexts = (key: string): LocalisedLabel => ({ fr: catalogue.fr[key] ?? key, ar: catalogue.ar[key] ?? key, en: catalogue.en[key] ?? key });

function toJson(source: ExportSource): StatisticsDocument {
  const figures: FigureJson[] = [];
  for (const key of source.keys) {
    const current = source.current[key];
    const previous = source.previous[key];
    if (current === undefined || previous === undefined) continue;
    const d = figureDefinitions[key];
    figures.push({
      key,
      kind: d.kind,
      unit: d.unit,
      name: d.nameKey,
      definition: d.definitionKey,
      labels: messageTexts(d.nameKey),
      definitions: messageTexts(d.definitionKey),
      current: valueJson(key, current),
      previous: valueJson(key, previous),
    });
  }
  const h = source.headline;
  return {
    format: 'ribat-statistics',
    version: 1,
    scope: source.scope,
    computedAt: source.computedAt.toISOString(),
    minCount: source.minCount,
    period: periodJson(source.period),
    previousPeriod: periodJson(source.previousPeriod),
    headline: h ? { figures: { ...h.figures }, sources: { ...h.sources }, sentences: { fr: h.sentences.fr, ar: h.sentences.ar, en: h.sentences.en } } : null,
    figures,
  };
}

/** The dashboard as a plain JSON document (serialise with JSON.stringify). */
export function dashboardToJson(dashboard: Dashboard): StatisticsDocument {
  return toJson(fromDashboard(dashboard));
}

/** The public report as a plain JSON document, with its threshold and headline. */
export function publicReportToJson(report: PublicReport): StatisticsDocument {
  return toJson(fromPublicReport(report));
}
