import type { Config } from '#src/config/config';
import type { DatabaseHandle } from '#src/db/database';
import type { RequestContext } from '#src/core/context';
import type {
  BreakdownRow,
  ComplianceCounts,
  ComplianceFigure,
  CountFigure,
  DurationFigure,
  FigureKey,
  FigureSet,
  FigureValue,
  PublicReport,
  SeriesFigure,
} from '#src/modules/statistics/statistics.types';
import { AppError } from '#src/core/errors';
import { figureDefinitions } from '#src/modules/statistics/statistics.definitions';
import { localDateOf, yearPeriod } from '#src/modules/statistics/statistics.periods';
import { assembleDashboard, complianceRate } from '#src/modules/statistics/use-cases/compute-dashboard';
import { headlineOfFigures, headlineSources } from '#src/modules/statistics/use-cases/compute-headline';

/** A count being published: its value, and whether it is suppressed. Cells are shared by the lines they belong to. */
interface Cell {
  value: number;
  suppressed: boolean;
}

/** True for a count that could single someone out: at least 1 and below the threshold (zero is shown). */
function isSmall(value: number, minCount: number): boolean {
  return value > 0 && value < minCount;
}

/**
 * Cell suppression over `lines`, each a set of cells whose sum is published (a breakdown and its total, a series and
 * the period's total, a row or a column of a table). Primary: every cell from 1 to minCount − 1 is suppressed.
 * Complementary: while some line has exactly one suppressed cell (which its total would give away), the smallest other
 * cell of that line is suppressed too (a non-zero one first, then by value, then by position). Repeats until stable,
 * so a cell suppressed to protect one line is itself protected in the others.
 */
export function suppressCells(lines: readonly (readonly Cell[])[], minCount: number): void {
  for (const line of lines) for (const cell of line) if (isSmall(cell.value, minCount)) cell.suppressed = true;
  let changed = true;
  while (changed) {
    changed = false;
    for (const line of lines) {
      if (line.filter((c) => c.suppressed).length !== 1) continue;
      const next = line
        .map((cell, index) => ({ cell, index }))
        .filter(({ cell }) => !cell.suppressed)
        .sort((a, b) => Number(a.cell.value === 0) - Number(b.cell.value === 0) || a.cell.value - b.cell.value || a.index - b.index)[0];
      if (next) {
        next.cell.suppressed = true;
        changed = true;
      }
    }
  }
}

const cellOf = (value: number | null): Cell => ({ value: value ?? 0, suppressed: false });

function rowsWith(rows: readonly BreakdownRow[], cells: readonly Cell[]): BreakdownRow[] {
  return rows.map((row, i) => (cells[i]?.suppressed ? { ...row, value: null, suppressed: true } : { ...row }));
}

/** A count: the total suppressed when small; each breakdown a line whose total is the count (when the count is shown). */
function suppressCount(figure: CountFigure, minCount: number): CountFigure {
  const total = figure.value ?? 0;
  if (isSmall(total, minCount)) {
    // Every non-zero category of a small total is small too: all of them go.
    const breakdowns = Object.fromEntries(Object.entries(figure.breakdowns).map(([d, rows]) => [d, rows.map((r) => ((r.value ?? 0) > 0 ? { ...r, value: null, suppressed: true } : { ...r }))]));
    return { kind: 'count', value: null, suppressed: true, breakdowns };
  }
  const breakdowns: CountFigure['breakdowns'] = {};
  for (const [dimension, rows] of Object.entries(figure.breakdowns) as [keyof CountFigure['breakdowns'], BreakdownRow[]][]) {
    const cells = rows.map((r) => cellOf(r.value));
    suppressCells([cells], minCount);
    breakdowns[dimension] = rowsWith(rows, cells);
  }
  return { kind: 'count', value: figure.value, breakdowns };
}

/** A duration over fewer than minCount incidents says too much about them: the count, median and percentile go. */
function suppressDuration(figure: DurationFigure, minCount: number): DurationFigure {
  return isSmall(figure.count ?? 0, minCount) ? { kind: 'duration', count: null, medianSeconds: null, p90Seconds: null, suppressed: true } : { ...figure };
}

/**
 * A series: each point is a cell. Monthly counts add up to the period's total (one line); the backlog's points are
 * stocks measured at different moments, not parts of a total, so only small points are suppressed there.
 */
function suppressSeries(figure: SeriesFigure, minCount: number, isPartition: boolean): SeriesFigure {
  const cells = figure.points.map((p) => cellOf(p.value));
  // Lines of one cell get primary suppression only: there is no total to protect.
  suppressCells(isPartition ? [cells] : cells.map((c) => [c]), minCount);
  return { kind: 'series', points: figure.points.map((p, i) => (cells[i]?.suppressed ? { ...p, value: null, suppressed: true } : { ...p })) };
}

const standings = ['met', 'late', 'overdue', 'pending'] as const;

/**
 * Compliance is a table: stages × standings, with the total row. Lines are each row (stage or total) and each column
 * (the stages' cells and the total's cell, which they add up to). A rate is hidden when one of its terms is.
 */
function suppressCompliance(figure: ComplianceFigure, minCount: number): ComplianceFigure {
  const rowCells = figure.rows.map((row) => standings.map((s) => cellOf(row.counts[s])));
  const totalCells = standings.map((s) => cellOf(figure.total[s]));
  const columns = standings.map((_, j) => [...rowCells.map((cells) => cells[j]), totalCells[j]]);
  suppressCells([...rowCells, totalCells, ...columns], minCount);
  const countsOf = (cells: readonly Cell[]): ComplianceCounts => {
    const value = (j: number): number | null => (cells[j]?.suppressed ? null : (cells[j]?.value ?? 0));
    return { met: value(0), late: value(1), overdue: value(2), pending: value(3) };
  };
  const hasSuppressed = (cells: readonly Cell[]): boolean => cells.some((c) => c.suppressed);
  const total = countsOf(totalCells);
  return {
    kind: 'compliance',
    total,
    rate: complianceRate(total),
    rows: figure.rows.map((row, i) => {
      const cells = rowCells[i] ?? [];
      const counts = countsOf(cells);
      return hasSuppressed(cells) ? { ...row, counts, rate: complianceRate(counts), suppressed: true } : { ...row, counts, rate: complianceRate(counts) };
    }),
    ...(hasSuppressed(totalCells) ? { suppressed: true } : {}),
  };
}

/** The published form of one figure: suppression applied when its definition asks for it. */
export function suppressFigure(key: FigureKey, value: FigureValue, minCount: number): FigureValue {
  if (!figureDefinitions[key].isSuppressible) return value;
  switch (value.kind) {
    case 'count':
      return suppressCount(value, minCount);
    case 'duration':
      return suppressDuration(value, minCount);
    case 'compliance':
      return suppressCompliance(value, minCount);
    case 'series':
      return suppressSeries(value, minCount, key !== 'incidents.backlog');
    case 'ranking':
      return value;
  }
}

/** The enabled figures of a set, in display order, suppressed. */
function publishedFigures(set: FigureSet, keys: readonly FigureKey[], minCount: number): Partial<FigureSet> {
  const out: Partial<Record<FigureKey, FigureValue>> = {};
  for (const key of keys) out[key] = suppressFigure(key, set[key], minCount);
  return out as Partial<FigureSet>;
}

/**
 * The public annual report for a calendar year (in the CERT's time zone), open to anyone: only aggregates of TLP:CLEAR
 * incidents and bulletins, only the figures enabled by RIBAT_STATS_PUBLIC_FIGURES, counts below RIBAT_STATS_MIN_COUNT
 * suppressed (with complementary suppression), and the previous year for comparison. A year that has not started is
 * not found; the current year is reported up to now.
 */
export async function buildPublicReport(database: DatabaseHandle, config: Config, ctx: RequestContext, year: number): Promise<PublicReport> {
  const period = yearPeriod(year, config.timezone);
  const now = ctx.clock.now();
  if (year > localDateOf(now, config.timezone).year) throw new AppError('not_found');
  const dashboard = await assembleDashboard(database.db, period, 'public', now);
  const keys = [...config.statsPublicFigures];
  const current = publishedFigures(dashboard.current, keys, config.statsMinCount);
  const previous = publishedFigures(dashboard.previous, keys, config.statsMinCount);
  const headline = headlineOfFigures(period, 'public', current);
  return { year, period, previousPeriod: dashboard.previousPeriod, computedAt: dashboard.computedAt, minCount: config.statsMinCount, figureKeys: keys, current, previous, headline };
}

/** The figures the headline is made of (for pages that explain why it is absent). */
export const headlineFigureKeys: readonly FigureKey[] = Object.values(headlineSources);
