/**
 * The figures of a period as HTML: key figures with the previous period and their definitions, charts (drawn on the
 * server by ECharts, each with its data table), handling times and deadline compliance as tables. Shared by the
 * console dashboard (every record) and the public annual report (TLP:CLEAR aggregates, small counts suppressed).
 * Charts are drawn before rendering (`prepareStatisticsCharts`): the charting library loads asynchronously.
 */
import type { Translator } from '#src/core/i18n/i18n';
import type { BreakdownRow, ComplianceFigure, CountFigure, Dimension, DurationFigure, FigureKey, FigureSet, SeriesFigure, SeriesPoint, StatsPeriod } from '#src/modules/statistics/statistics.types';
import type { ChartSeries, ChartSpec, RenderedChart } from '#src/web/components/charts/render-chart';
import { intlTagOf } from '#src/core/i18n/i18n';
import { figureDefinitions } from '#src/modules/statistics/statistics.definitions';
import { localDateOf } from '#src/modules/statistics/statistics.periods';
import { Chart } from '#src/web/components/charts/chart';
import { renderChart } from '#src/web/components/charts/render-chart';

/** What the views show: the figures of a period and of the previous one (only the keys listed). */
export interface StatisticsData {
  keys: readonly FigureKey[];
  current: Partial<FigureSet>;
  previous: Partial<FigureSet>;
  period: StatsPeriod;
  previousPeriod: StatsPeriod;
}

/** The breakdowns drawn for incidents (reported and treated side by side). */
const incidentDimensions: readonly Dimension[] = ['rsit_class', 'severity', 'sector', 'category', 'channel'];
const bulletinDimensions: readonly Dimension[] = ['kind', 'criticality'];
const countKeys: readonly FigureKey[] = ['incidents.reported', 'incidents.treated', 'incidents.closed', 'bulletins.published', 'bulletins.critical', 'bulletins.cves', 'subscribers.confirmed', 'subscribers.new'];
const durationKeys = ['incidents.first_response_time', 'incidents.triage_time', 'incidents.resolution_time'] as const;
const complianceKeys = ['incidents.service_level_compliance', 'incidents.legal_deadline_compliance'] as const;

function has(data: StatisticsData, key: FigureKey): boolean {
  return data.keys.includes(key) && data.current[key] !== undefined;
}

function count(data: StatisticsData, key: FigureKey, which: 'current' | 'previous' = 'current'): CountFigure | undefined {
  return has(data, key) ? (data[which][key] as CountFigure | undefined) : undefined;
}

/** A breakdown row's label in the reader's language (the code when it has no label, "not given" without a code). */
function rowLabel(i18n: Translator, row: BreakdownRow): string {
  if (row.code === null) return i18n.t('statsView.unknown');
  return row.labels?.[i18n.locale] ?? row.code;
}

/** How a period is named: "2026", "mars 2026", "du 1 janvier 2026 au 31 mars 2026". */
export function periodLabel(i18n: Translator, period: StatsPeriod): string {
  switch (period.kind) {
    case 'year':
      return String(period.year);
    case 'month':
      return new Intl.DateTimeFormat(intlTagOf(i18n.locale), { month: 'long', year: 'numeric', timeZone: 'UTC' }).format(new Date(Date.UTC(period.year, period.month - 1, 15)));
    case 'custom': {
      const day = (at: Date): string => {
        const d = localDateOf(at, period.timeZone);
        return new Intl.DateTimeFormat(intlTagOf(i18n.locale), { dateStyle: 'long', timeZone: 'UTC' }).format(new Date(Date.UTC(d.year, d.month - 1, d.day, 12)));
      };
      return i18n.t('statsView.period.custom', { from: day(period.from), to: day(new Date(period.to.getTime() - 1)) });
    }
  }
}

/** A series point's label: a local month (`2026-03` → "mars 2026") or a local day (`2026-03-31` → "31 mars 2026"). */
function pointLabel(i18n: Translator, point: SeriesPoint): string {
  const [y, m, d] = point.label.split('-').map(Number);
  if (y === undefined || m === undefined) return point.label;
  const tag = intlTagOf(i18n.locale);
  if (d === undefined) return new Intl.DateTimeFormat(tag, { month: 'short', year: 'numeric', timeZone: 'UTC' }).format(new Date(Date.UTC(y, m - 1, 15)));
  return new Intl.DateTimeFormat(tag, { day: 'numeric', month: 'short', timeZone: 'UTC' }).format(new Date(Date.UTC(y, m - 1, d, 12)));
}

/** A duration in the most readable unit: minutes under two hours, hours under three days, days beyond. */
export function formatDuration(i18n: Translator, seconds: number | null): string {
  if (seconds === null) return i18n.t('statsView.missing');
  const tag = intlTagOf(i18n.locale);
  const as = (value: number, unit: 'minute' | 'hour' | 'day'): string => new Intl.NumberFormat(tag, { style: 'unit', unit, unitDisplay: 'long', maximumFractionDigits: 1, numberingSystem: 'latn' }).format(value);
  if (seconds < 2 * 3600) return as(Math.round(seconds / 60), 'minute');
  if (seconds < 72 * 3600) return as(Math.round((seconds / 3600) * 10) / 10, 'hour');
  return as(Math.round((seconds / 86400) * 10) / 10, 'day');
}

function formatCount(i18n: Translator, value: number | null | undefined): string {
  return value === null || value === undefined ? i18n.t('statsView.missing') : i18n.formatNumber(value);
}

function formatRate(i18n: Translator, rate: number | null): string {
  if (rate === null) return i18n.t('statsView.missing');
  return new Intl.NumberFormat(intlTagOf(i18n.locale), { style: 'percent', maximumFractionDigits: 1, numberingSystem: 'latn' }).format(rate);
}

/** The change from the previous period as a signed percentage ("+12 %"), "new" from zero, nothing when unknown. */
function formatChange(i18n: Translator, current: number | null | undefined, previous: number | null | undefined): string | null {
  if (current === null || current === undefined || previous === null || previous === undefined) return null;
  if (previous === 0) return current === 0 ? null : i18n.t('statsView.change.new');
  return new Intl.NumberFormat(intlTagOf(i18n.locale), { style: 'percent', maximumFractionDigits: 0, signDisplay: 'exceptZero', numberingSystem: 'latn' }).format((current - previous) / previous);
}

function chartBase(i18n: Translator, id: string, title: string): Pick<ChartSpec, 'id' | 'title' | 'description' | 'locale' | 'dir'> {
  return { id, title, description: i18n.t('statsView.chartDescription'), locale: i18n.locale, dir: i18n.dir };
}

/** The union of the categories of two breakdowns, in the first one's order. */
function categoriesOf(...lists: (BreakdownRow[] | undefined)[]): BreakdownRow[] {
  const out: BreakdownRow[] = [];
  for (const list of lists) for (const row of list ?? []) if (!out.some((r) => r.code === row.code)) out.push(row);
  return out;
}

function valuesFor(categories: BreakdownRow[], rows: BreakdownRow[] | undefined): (number | null)[] {
  return categories.map((c) => {
    const row = rows?.find((r) => r.code === c.code);
    return row === undefined ? 0 : row.value;
  });
}

/** One chart's spec and the words of its figure. */
interface PlannedChart {
  spec: ChartSpec;
  caption: string;
  categoryHeader: string;
  definitions: string[];
}

/** Every chart the data calls for, in page order. */
function planCharts(i18n: Translator, data: StatisticsData): PlannedChart[] {
  const t = i18n.t;
  const name = (key: FigureKey): string => t(figureDefinitions[key].nameKey);
  const definition = (key: FigureKey): string => t(figureDefinitions[key].definitionKey);
  const previousName = (series: string): string => t('statsView.series.previous', { name: series });
  const planned: PlannedChart[] = [];

  const monthly = (key: FigureKey, which: 'current' | 'previous'): SeriesPoint[] => (has(data, key) ? ((data[which][key] as SeriesFigure | undefined)?.points ?? []) : []);
  const reported = monthly('incidents.reported_by_month', 'current');
  const treated = monthly('incidents.treated_by_month', 'current');
  if (reported.length > 0 || treated.length > 0) {
    const axis = reported.length >= treated.length ? reported : treated;
    const series: ChartSeries[] = [];
    if (reported.length > 0) series.push({ name: t('statsView.series.reported'), values: reported.map((p) => p.value) });
    if (treated.length > 0) series.push({ name: t('statsView.series.treated'), values: treated.map((p) => p.value) });
    const previousReported = monthly('incidents.reported_by_month', 'previous');
    if (previousReported.length > 0) series.push({ name: previousName(t('statsView.series.reported')), values: axis.map((_, i) => previousReported[i]?.value ?? null), isPrevious: true });
    planned.push({
      spec: { ...chartBase(i18n, 'incidents-by-month', t('statsView.byMonth', { figure: t('statsView.incidents') })), kind: 'line', categories: axis.map((p) => pointLabel(i18n, p)), series },
      caption: t('statsView.byMonth', { figure: t('statsView.incidents') }),
      categoryHeader: t('statsView.month'),
      definitions: [...(reported.length > 0 ? [definition('incidents.reported_by_month')] : []), ...(treated.length > 0 ? [definition('incidents.treated_by_month')] : [])],
    });
  }
  const backlog = monthly('incidents.backlog', 'current');
  if (backlog.length > 0) {
    const previous = monthly('incidents.backlog', 'previous');
    planned.push({
      spec: {
        ...chartBase(i18n, 'incidents-backlog', name('incidents.backlog')),
        kind: 'line',
        categories: backlog.map((p) => pointLabel(i18n, p)),
        series: [{ name: t('statsView.series.open'), values: backlog.map((p) => p.value) }, ...(previous.length > 0 ? [{ name: previousName(t('statsView.series.open')), values: backlog.map((_, i) => previous[i]?.value ?? null), isPrevious: true }] : [])],
      },
      caption: name('incidents.backlog'),
      categoryHeader: t('statsView.date'),
      definitions: [definition('incidents.backlog')],
    });
  }
  const reportedFigure = count(data, 'incidents.reported');
  const treatedFigure = count(data, 'incidents.treated');
  for (const dimension of incidentDimensions) {
    const left = reportedFigure?.breakdowns[dimension];
    const right = treatedFigure?.breakdowns[dimension];
    if (left === undefined && right === undefined) continue;
    const categories = categoriesOf(left, right);
    if (categories.length === 0) continue;
    const dimensionName = t(`statistics.dimension.${dimension}`);
    const title = left !== undefined && right !== undefined ? t('statsView.reportedTreatedBy', { dimension: dimensionName }) : left !== undefined ? `${name('incidents.reported')} — ${dimensionName}` : t('statsView.treatedBy', { dimension: dimensionName });
    const series: ChartSeries[] = [];
    if (left !== undefined) series.push({ name: t('statsView.series.reported'), values: valuesFor(categories, left) });
    if (right !== undefined) series.push({ name: t('statsView.series.treated'), values: valuesFor(categories, right) });
    planned.push({
      spec: { ...chartBase(i18n, `incidents-by-${dimension.replace(/_/g, '-')}`, title), kind: 'bar-horizontal', categories: categories.map((c) => rowLabel(i18n, c)), series, height: Math.max(160, 60 + categories.length * 26 * series.length) },
      caption: title,
      categoryHeader: dimensionName,
      definitions: [t(`statistics.dimension_definition.${dimension}`)],
    });
  }

  const published = monthly('bulletins.published_by_month', 'current');
  if (published.length > 0) {
    const previous = monthly('bulletins.published_by_month', 'previous');
    planned.push({
      spec: {
        ...chartBase(i18n, 'bulletins-by-month', name('bulletins.published_by_month')),
        kind: 'bar',
        categories: published.map((p) => pointLabel(i18n, p)),
        series: [{ name: t('statsView.series.published'), values: published.map((p) => p.value) }, ...(previous.length > 0 ? [{ name: previousName(t('statsView.series.published')), values: published.map((_, i) => previous[i]?.value ?? null), isPrevious: true }] : [])],
      },
      caption: name('bulletins.published_by_month'),
      categoryHeader: t('statsView.month'),
      definitions: [definition('bulletins.published_by_month')],
    });
  }
  const bulletins = count(data, 'bulletins.published');
  const bulletinsBefore = count(data, 'bulletins.published', 'previous');
  for (const dimension of bulletinDimensions) {
    const rows = bulletins?.breakdowns[dimension];
    if (rows === undefined || rows.length === 0) continue;
    const before = bulletinsBefore?.breakdowns[dimension];
    const categories = categoriesOf(rows, before);
    const dimensionName = t(`statistics.dimension.${dimension}`);
    const title = t('statsView.publishedBy', { dimension: dimensionName });
    planned.push({
      spec: {
        ...chartBase(i18n, `bulletins-by-${dimension}`, title),
        kind: 'bar',
        categories: categories.map((c) => rowLabel(i18n, c)),
        series: [{ name: t('statsView.series.published'), values: valuesFor(categories, rows) }, ...(before !== undefined ? [{ name: previousName(t('statsView.series.published')), values: valuesFor(categories, before), isPrevious: true }] : [])],
      },
      caption: title,
      categoryHeader: dimensionName,
      definitions: [t(`statistics.dimension_definition.${dimension}`)],
    });
  }
  for (const key of ['bulletins.top_vendors', 'bulletins.top_products'] as const) {
    const ranking = has(data, key) ? (data.current[key]) : undefined;
    if (ranking === undefined || ranking.rows.length === 0) continue;
    planned.push({
      spec: { ...chartBase(i18n, key.replace(/[._]/g, '-'), name(key)), kind: 'bar-horizontal', categories: ranking.rows.map((r) => rowLabel(i18n, r)), series: [{ name: t('statsView.series.published'), values: ranking.rows.map((r) => r.value) }], height: Math.max(160, 60 + ranking.rows.length * 28) },
      caption: name(key),
      categoryHeader: t('statsView.category'),
      definitions: [definition(key)],
    });
  }
  return planned;
}

/** A drawn chart and the words of its figure. */
export interface PreparedChart extends Omit<PlannedChart, 'spec'> {
  chart: RenderedChart;
}

/** Draws every chart of the data (ECharts, server side), in page order. */
export async function prepareStatisticsCharts(i18n: Translator, data: StatisticsData): Promise<PreparedChart[]> {
  const out: PreparedChart[] = [];
  for (const { spec, ...rest } of planCharts(i18n, data)) out.push({ ...rest, chart: await renderChart(spec) });
  return out;
}

function Definition({ i18n, text }: { i18n: Translator; text: string }) {
  return (
    <p class="stat-definition">
      <span class="stat-definition__label">{i18n.t('statsView.definitionLabel')}</span> {text}
    </p>
  );
}

/** The key counts: each with its previous value, its change and its definition. */
function KeyFigures({ i18n, data }: { i18n: Translator; data: StatisticsData }) {
  const keys = countKeys.filter((k) => has(data, k));
  if (keys.length === 0) return null;
  return (
    <section aria-labelledby="key-figures" class="stat-section">
      <h2 id="key-figures">{i18n.t('statsView.keyFigures')}</h2>
      <ul class="stat-cards">
        {keys.map((key) => {
          const now = count(data, key);
          const before = count(data, key, 'previous');
          const change = formatChange(i18n, now?.value, before?.value);
          return (
            <li class="stat-card" id={`figure-${key.replace(/[._]/g, '-')}`}>
              <p class="stat-card__name">{i18n.t(figureDefinitions[key].nameKey)}</p>
              <p class="stat-card__value">{formatCount(i18n, now?.value)}</p>
              <p class="stat-card__previous">
                {i18n.t('statsView.previous', { value: formatCount(i18n, before?.value) })}
                {change !== null ? <> · {i18n.t('statsView.change', { change })}</> : null}
              </p>
              <Definition i18n={i18n} text={i18n.t(figureDefinitions[key].definitionKey)} />
            </li>
          );
        })}
      </ul>
    </section>
  );
}

function Durations({ i18n, data }: { i18n: Translator; data: StatisticsData }) {
  const keys = durationKeys.filter((k) => has(data, k));
  if (keys.length === 0) return null;
  const t = i18n.t;
  return (
    <section aria-labelledby="durations" class="stat-section">
      <h2 id="durations">{t('statsView.durations')}</h2>
      <div class="table-wrap" tabIndex={0} role="region" aria-labelledby="durations">
        <table class="table">
          <thead>
            <tr>
              <th scope="col">{t('statsView.durations.metric')}</th>
              <th scope="col" class="num">{t('statsView.durations.count')}</th>
              <th scope="col" class="num">{t('statsView.durations.median')}</th>
              <th scope="col" class="num">{t('statsView.durations.p90')}</th>
              <th scope="col" class="num">{t('statsView.series.previous', { name: t('statsView.durations.median') })}</th>
              <th scope="col" class="num">{t('statsView.series.previous', { name: t('statsView.durations.p90') })}</th>
            </tr>
          </thead>
          <tbody>
            {keys.map((key) => {
              const now = data.current[key] as DurationFigure;
              const before = data.previous[key];
              return (
                <tr>
                  <th scope="row">{t(figureDefinitions[key].nameKey)}</th>
                  <td class="num">{formatCount(i18n, now.count)}</td>
                  <td class="num">{formatDuration(i18n, now.medianSeconds)}</td>
                  <td class="num">{formatDuration(i18n, now.p90Seconds)}</td>
                  <td class="num">{formatDuration(i18n, before?.medianSeconds ?? null)}</td>
                  <td class="num">{formatDuration(i18n, before?.p90Seconds ?? null)}</td>
                </tr>
              );
            })}
          </tbody>
        </table>
      </div>
      {keys.map((key) => (
        <Definition i18n={i18n} text={`${t(figureDefinitions[key].nameKey)} — ${t(figureDefinitions[key].definitionKey)}`} />
      ))}
    </section>
  );
}

function Compliance({ i18n, data }: { i18n: Translator; data: StatisticsData }) {
  const keys = complianceKeys.filter((k) => has(data, k));
  if (keys.length === 0) return null;
  const t = i18n.t;
  return (
    <section aria-labelledby="compliance" class="stat-section">
      <h2 id="compliance">{t('statsView.compliance')}</h2>
      {keys.map((key) => {
        const figure = data.current[key] as ComplianceFigure;
        const headingId = `compliance-${key.replace(/[._]/g, '-')}`;
        return (
          <>
            <h3 id={headingId}>{t(figureDefinitions[key].nameKey)}</h3>
            {figure.rows.length === 0 ? (
              <p class="muted">{t('statsView.compliance.none')}</p>
            ) : (
              <div class="table-wrap" tabIndex={0} role="region" aria-labelledby={headingId}>
                <table class="table" aria-labelledby={headingId}>
                  <thead>
                    <tr>
                      <th scope="col">{t('statsView.compliance.stage')}</th>
                      {(['met', 'late', 'overdue', 'pending'] as const).map((c) => (
                        <th scope="col" class="num">{t(`statistics.compliance.${c}`)}</th>
                      ))}
                      <th scope="col" class="num">{t('statsView.compliance.rate')}</th>
                    </tr>
                  </thead>
                  <tbody>
                    {figure.rows.map((row) => (
                      <tr>
                        <th scope="row">
                          <bdi>{row.labels?.[i18n.locale] ?? row.code}</bdi>
                        </th>
                        <td class="num">{formatCount(i18n, row.counts.met)}</td>
                        <td class="num">{formatCount(i18n, row.counts.late)}</td>
                        <td class="num">{formatCount(i18n, row.counts.overdue)}</td>
                        <td class="num">{formatCount(i18n, row.counts.pending)}</td>
                        <td class="num">{formatRate(i18n, row.rate)}</td>
                      </tr>
                    ))}
                  </tbody>
                  <tfoot>
                    <tr>
                      <th scope="row">{t('statsView.compliance.total')}</th>
                      <td class="num">{formatCount(i18n, figure.total.met)}</td>
                      <td class="num">{formatCount(i18n, figure.total.late)}</td>
                      <td class="num">{formatCount(i18n, figure.total.overdue)}</td>
                      <td class="num">{formatCount(i18n, figure.total.pending)}</td>
                      <td class="num">{formatRate(i18n, figure.rate)}</td>
                    </tr>
                  </tfoot>
                </table>
              </div>
            )}
            <Definition i18n={i18n} text={t(figureDefinitions[key].definitionKey)} />
          </>
        );
      })}
    </section>
  );
}

/** Every figure of the data: key figures, charts with their tables, handling times, deadline compliance. */
export function StatisticsFigures({ i18n, data, charts }: { i18n: Translator; data: StatisticsData; charts: readonly PreparedChart[] }) {
  const incidentCharts = charts.filter((c) => c.chart.spec.id.startsWith('incidents-'));
  const bulletinCharts = charts.filter((c) => !c.chart.spec.id.startsWith('incidents-'));
  const missing = i18n.t('statsView.missing');
  const figure = (c: PreparedChart) => (
    <Chart chart={c.chart} caption={c.caption} tableLabels={{ category: c.categoryHeader, missing }}>
      {c.definitions.map((text) => (
        <Definition i18n={i18n} text={text} />
      ))}
    </Chart>
  );
  return (
    <>
      <KeyFigures i18n={i18n} data={data} />
      {incidentCharts.length > 0 ? (
        <section aria-labelledby="incident-charts" class="stat-section">
          <h2 id="incident-charts">{i18n.t('statsView.incidents')}</h2>
          {incidentCharts.map(figure)}
        </section>
      ) : null}
      <Durations i18n={i18n} data={data} />
      <Compliance i18n={i18n} data={data} />
      {bulletinCharts.length > 0 ? (
        <section aria-labelledby="bulletin-charts" class="stat-section">
          <h2 id="bulletin-charts">{i18n.t('statsView.bulletins')}</h2>
          {bulletinCharts.map(figure)}
        </section>
      ) : null}
    </>
  );
}
