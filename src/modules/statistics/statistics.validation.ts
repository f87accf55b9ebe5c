/**
 * Reading the period a dashboard or an export is asked for, from a query string (console form, API, download):
 * `period=year&year=2026`, `period=month&year=2026&month=3`, or `period=custom&from=2026-01-01&to=2026-03-31` (local
 * calendar days in the CERT's time zone, `to` included). Every problem is reported at once, naming its field.
 */
import type { StatsPeriod } from '#src/modules/statistics/statistics.types';
import { AppError, type FieldError } from '#src/core/errors';
import { addLocalDays, customPeriod, localDateOf, monthPeriod, startOfLocalDay, yearPeriod, type LocalDate } from '#src/modules/statistics/statistics.periods';

/** The kinds of period a reader may ask for. */
export const periodKinds = ['year', 'month', 'custom'] as const;
export type PeriodKind = (typeof periodKinds)[number];

/** The raw query: every value a string, as typed (the page redisplays them). */
export interface PeriodQuery {
  period?: string | undefined;
  year?: string | undefined;
  month?: string | undefined;
  from?: string | undefined;
  to?: string | undefined;
}

const DAY = /^(\d{4})-(\d{2})-(\d{2})$/;

function parseLocalDay(value: string): LocalDate | null {
  const m = DAY.exec(value.trim());
  if (!m) return null;
  const d = { year: Number(m[1]), month: Number(m[2]), day: Number(m[3]) };
  // Round-trip through the calendar: 2026-02-30 is refused rather than rolled over to March.
  const check = addLocalDays(d, 0);
  return check.year === d.year && check.month === d.month && check.day === d.day && d.year >= 1971 && d.year <= 9998 ? d : null;
}

function parseInteger(value: string | undefined): number | null {
  if (value === undefined || !/^\s*\d{1,4}\s*$/.test(value)) return null;
  return Number(value);
}

/**
 * The period a query asks for; without any, the current calendar year (to date). Throws a validation error listing
 * every invalid field (`period`, `year`, `month`, `from`, `to`).
 */
export function parsePeriodQuery(query: PeriodQuery, timeZone: string, now: Date): StatsPeriod {
  const today = localDateOf(now, timeZone);
  const kind = (query.period === undefined || query.period === '' ? (query.from || query.to ? 'custom' : query.month ? 'month' : 'year') : query.period) as PeriodKind;
  const errors: FieldError[] = [];
  if (!periodKinds.includes(kind)) throw AppError.field('period', 'invalid_choice');
  const collect = (make: () => StatsPeriod): StatsPeriod | null => {
    try {
      return make();
    } catch (error) {
      if (error instanceof AppError && error.code === 'validation_failed') {
        errors.push(...error.fields);
        return null;
      }
      throw error;
    }
  };
  let period: StatsPeriod | null = null;
  if (kind === 'year' || kind === 'month') {
    const year = query.year === undefined || query.year === '' ? today.year : parseInteger(query.year);
    const month = kind === 'month' ? (query.month === undefined || query.month === '' ? today.month : parseInteger(query.month)) : 1;
    if (year === null) errors.push({ field: 'year', message: 'invalid_choice' });
    if (month === null) errors.push({ field: 'month', message: 'invalid_choice' });
    if (year !== null && month !== null) period = collect(() => (kind === 'year' ? yearPeriod(year, timeZone) : monthPeriod(year, month, timeZone)));
  } else {
    const from = query.from ? parseLocalDay(query.from) : null;
    const to = query.to ? parseLocalDay(query.to) : null;
    if (!query.from) errors.push({ field: 'from', message: 'required' });
    else if (from === null) errors.push({ field: 'from', message: 'invalid_date' });
    if (!query.to) errors.push({ field: 'to', message: 'required' });
    else if (to === null) errors.push({ field: 'to', message: 'invalid_date' });
    // `to` is the last day included: the period ends when the next day starts.
    if (from !== null && to !== null) period = collect(() => customPeriod(startOfLocalDay(from, timeZone), startOfLocalDay(addLocalDays(to, 1), timeZone), timeZone));
  }
  if (errors.length > 0 || period === null) throw new AppError('validation_failed', errors);
  return period;
}

/** The query string that asks for `period` again (links to exports and to the previous period). */
export function periodQueryOf(period: StatsPeriod): Record<string, string> {
  switch (period.kind) {
    case 'year':
      return { period: 'year', year: String(period.year) };
    case 'month':
      return { period: 'month', year: String(period.year), month: String(period.month) };
    case 'custom': {
      const from = localDateOf(period.from, period.timeZone);
      const last = localDateOf(new Date(period.to.getTime() - 1), period.timeZone);
      const day = (d: LocalDate): string => `${String(d.year).padStart(4, '0')}-${String(d.month).padStart(2, '0')}-${String(d.day).padStart(2, '0')}`;
      return { period: 'custom', from: day(from), to: day(last) };
    }
  }
}
