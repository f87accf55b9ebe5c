/**
 * Calendar arithmetic of the statistics: years, months and custom ranges as half-open UTC bounds computed from the
 * CERT's local calendar (RIBAT_TIMEZONE), the previous period of the same length, the local months of a period (for
 * month-by-month series) and the steps at which the backlog is measured. Pure functions: the SQL receives the bounds.
 */
import type { StatsPeriod } from '#src/modules/statistics/statistics.types';
import { AppError } from '#src/core/errors';
import { startOfDayIn } from '#src/modules/audit/date-range';

const DAY_MS = 24 * 3600 * 1000;
/** Periods up to this many days have their backlog measured weekly; longer ones monthly. */
export const WEEKLY_BACKLOG_MAX_DAYS = 92;
/** The longest custom period accepted (about 10 years): keeps the month series and their SQL bounded. */
export const MAX_PERIOD_DAYS = 3700;
const MIN_YEAR = 1971;
const MAX_YEAR = 9998;

/** A local calendar date. */
export interface LocalDate {
  year: number;
  month: number;
  day: number;
}

/** One interval of a series: [from, to) and its label. */
export interface PeriodStep {
  label: string;
  from: Date;
  to: Date;
}

const pad = (n: number, width = 2): string => String(n).padStart(width, '0');

/** `YYYY-MM-DD` of a local date. */
export function formatLocalDate(d: LocalDate): string {
  return `${pad(d.year, 4)}-${pad(d.month)}-${pad(d.day)}`;
}

/** The calendar date in `timeZone` at the instant `at`. */
export function localDateOf(at: Date, timeZone: string): LocalDate {
  const parts = new Intl.DateTimeFormat('en-US', { timeZone, year: 'numeric', month: '2-digit', day: '2-digit' }).formatToParts(at);
  const get = (type: Intl.DateTimeFormatPartTypes): number => Number(parts.find((p) => p.type === type)?.value ?? NaN);
  return { year: get('year'), month: get('month'), day: get('day') };
}

/** The instant a local calendar day starts in `timeZone` (DST-aware). Days outside 1970–9999 are refused. */
export function startOfLocalDay(d: LocalDate, timeZone: string): Date {
  const start = startOfDayIn(formatLocalDate(d), timeZone);
  if (start === null) throw new RangeError(`no such day: ${formatLocalDate(d)}`);
  return start;
}

/** The local date `days` calendar days after `d` (negative: before). */
export function addLocalDays(d: LocalDate, days: number): LocalDate {
  const t = new Date(Date.UTC(d.year, d.month - 1, d.day) + days * DAY_MS);
  return { year: t.getUTCFullYear(), month: t.getUTCMonth() + 1, day: t.getUTCDate() };
}

/** The first day of the month after `d`'s month. */
function nextMonth(d: LocalDate): LocalDate {
  return d.month === 12 ? { year: d.year + 1, month: 1, day: 1 } : { year: d.year, month: d.month + 1, day: 1 };
}

function checkYear(year: number): void {
  if (!Number.isInteger(year) || year < MIN_YEAR || year > MAX_YEAR) throw AppError.field('year', 'invalid_choice');
}

/** A calendar year in the CERT's time zone: from 1 January 00:00 local to the next 1 January. */
export function yearPeriod(year: number, timeZone: string): StatsPeriod {
  checkYear(year);
  return { kind: 'year', year, from: startOfLocalDay({ year, month: 1, day: 1 }, timeZone), to: startOfLocalDay({ year: year + 1, month: 1, day: 1 }, timeZone), timeZone };
}

/** A calendar month (1–12) in the CERT's time zone. */
export function monthPeriod(year: number, month: number, timeZone: string): StatsPeriod {
  checkYear(year);
  if (!Number.isInteger(month) || month < 1 || month > 12) throw AppError.field('month', 'invalid_choice');
  const first = { year, month, day: 1 };
  return { kind: 'month', year, month, from: startOfLocalDay(first, timeZone), to: startOfLocalDay(nextMonth(first), timeZone), timeZone };
}

/** Any range [from, to), at most {@link MAX_PERIOD_DAYS} long. Throws a validation error naming `from`/`to`. */
export function customPeriod(from: Date, to: Date, timeZone: string): StatsPeriod {
  if (Number.isNaN(from.getTime()) || from.getUTCFullYear() < MIN_YEAR) throw AppError.field('from', 'invalid_date');
  if (Number.isNaN(to.getTime()) || to.getUTCFullYear() > MAX_YEAR + 1) throw AppError.field('to', 'invalid_date');
  if (to.getTime() <= from.getTime()) throw AppError.field('to', 'date_order');
  if (to.getTime() - from.getTime() > MAX_PERIOD_DAYS * DAY_MS) throw AppError.field('to', 'too_large', { max: MAX_PERIOD_DAYS });
  return { kind: 'custom', from, to, timeZone };
}

/**
 * The period before `period`, of the same length: the previous calendar year of a year, the previous calendar month
 * of a month (so both are whole local periods even when their numbers of days differ), and for a custom range the
 * range of the same duration that ends where it starts.
 */
export function previousPeriod(period: StatsPeriod): StatsPeriod {
  switch (period.kind) {
    case 'year':
      return yearPeriod(period.year - 1, period.timeZone);
    case 'month':
      return period.month === 1 ? monthPeriod(period.year - 1, 12, period.timeZone) : monthPeriod(period.year, period.month - 1, period.timeZone);
    case 'custom': {
      const length = period.to.getTime() - period.from.getTime();
      return { kind: 'custom', from: new Date(period.from.getTime() - length), to: period.from, timeZone: period.timeZone };
    }
  }
}

/**
 * The local calendar months a range touches, each clipped to the range: `label` is `YYYY-MM`. A year gives its twelve
 * months; a range starting mid-month starts with the rest of that month.
 */
export function monthSteps(from: Date, to: Date, timeZone: string): PeriodStep[] {
  const steps: PeriodStep[] = [];
  const first = localDateOf(from, timeZone);
  let month: LocalDate = { year: first.year, month: first.month, day: 1 };
  let start = from;
  while (start.getTime() < to.getTime()) {
    const next = nextMonth(month);
    const end = new Date(Math.min(startOfLocalDay(next, timeZone).getTime(), to.getTime()));
    steps.push({ label: `${pad(month.year, 4)}-${pad(month.month)}`, from: start, to: end });
    month = next;
    start = end;
  }
  return steps;
}

/**
 * The steps at whose ends the backlog is measured: 7-day steps from the start of the period (local days) for periods of
 * up to {@link WEEKLY_BACKLOG_MAX_DAYS} days, local months otherwise; the last step ends with the period. `label` is the
 * local date of the last day a step covers.
 */
export function backlogSteps(period: StatsPeriod): PeriodStep[] {
  const { from, to, timeZone } = period;
  const weekly = period.kind === 'month' || (period.kind === 'custom' && to.getTime() - from.getTime() <= WEEKLY_BACKLOG_MAX_DAYS * DAY_MS);
  const ends: Date[] = [];
  if (weekly) {
    const startDay = localDateOf(from, timeZone);
    for (let k = 1; ; k++) {
      const end = startOfLocalDay(addLocalDays(startDay, 7 * k), timeZone);
      if (end.getTime() >= to.getTime()) break;
      ends.push(end);
    }
  } else {
    for (const step of monthSteps(from, to, timeZone)) if (step.to.getTime() < to.getTime()) ends.push(step.to);
  }
  ends.push(to);
  let start = from;
  return ends.map((end) => {
    const step = { label: formatLocalDate(localDateOf(new Date(end.getTime() - 1), timeZone)), from: start, to: end };
    start = end;
    return step;
  });
}

/**
 * Cuts steps at `asOf` (the time of computation): steps that have not started are left out, and a step still running
 * ends at `asOf` (its label then names the local date of `asOf`). Past periods are unchanged.
 */
export function stepsUntil(steps: readonly PeriodStep[], asOf: Date, timeZone: string, relabel: boolean): PeriodStep[] {
  const out: PeriodStep[] = [];
  for (const step of steps) {
    if (step.from.getTime() >= asOf.getTime()) break;
    if (step.to.getTime() <= asOf.getTime()) out.push(step);
    else out.push({ label: relabel ? formatLocalDate(localDateOf(asOf, timeZone)) : step.label, from: step.from, to: asOf });
  }
  return out;
}

/** The sorted, distinct instants bounding every step: the boundaries the SQL buckets rows by. */
export function stepBoundaries(...lists: readonly (readonly PeriodStep[])[]): Date[] {
  const times = new Set<number>();
  for (const list of lists) {
    for (const step of list) {
      times.add(step.from.getTime());
      times.add(step.to.getTime());
    }
  }
  return [...times].sort((a, b) => a - b).map((t) => new Date(t));
}
