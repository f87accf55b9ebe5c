import { AppError, type FieldError } from '#src/core/errors';

const DAY_MS = 24 * 3600 * 1000;
const DATE_ONLY = /^(\d{4})-(\d{2})-(\d{2})$/;
const DATE_TIME = /^\d{4}-\d{2}-\d{2}T\d{2}:\d{2}(:\d{2}(\.\d{1,9})?)?(Z|[+-]\d{2}:\d{2})$/;

/** Milliseconds to add to UTC to get the wall-clock time of `timeZone` at `at`. */
function zoneOffsetMs(at: number, timeZone: string): number {
  const parts = new Intl.DateTimeFormat('en-US', {
    timeZone,
    hourCycle: 'h23',
    year: 'numeric',
    month: '2-digit',
    day: '2-digit',
    hour: '2-digit',
    minute: '2-digit',
    second: '2-digit',
  }).formatToParts(new Date(at));
  const get = (type: Intl.DateTimeFormatPartTypes): number => Number(parts.find((p) => p.type === type)?.value ?? 0);
  const wall = Date.UTC(get('year'), get('month') - 1, get('day'), get('hour'), get('minute'), get('second'));
  return wall - (at - (((at % 1000) + 1000) % 1000));
}

/** The instant a calendar day starts in `timeZone` (DST-aware), or null for a day that does not exist. */
export function startOfDayIn(date: string, timeZone: string): Date | null {
  const m = DATE_ONLY.exec(date);
  if (!m) return null;
  const [y, mo, d] = [Number(m[1]), Number(m[2]), Number(m[3])];
  const guess = Date.UTC(y, mo - 1, d);
  const check = new Date(guess);
  if (check.getUTCFullYear() !== y || check.getUTCMonth() !== mo - 1 || check.getUTCDate() !== d || y < 1970 || y > 9999) return null;
  let t = guess - zoneOffsetMs(guess, timeZone);
  const corrected = guess - zoneOffsetMs(t, timeZone);
  if (corrected !== t) t = corrected;
  return new Date(t);
}

/** A validated half-open range [from, until). */
export interface DateRange {
  from?: Date;
  until?: Date;
}

/**
 * Reads a from/to pair typed as `YYYY-MM-DD` (a day in `timeZone`, `to` inclusive) or as an ISO 8601 date-time
 * with an offset. Throws a validation error naming `from` and/or `to` when a date is invalid or the range is reversed.
 */
export function parseDateRange(input: { from?: string | undefined; to?: string | undefined }, timeZone: string): DateRange {
  const errors: FieldError[] = [];
  const read = (field: 'from' | 'to', raw: string | undefined): Date | undefined => {
    const value = raw?.trim() ?? '';
    if (value === '') return undefined;
    if (DATE_ONLY.test(value)) {
      const start = startOfDayIn(value, timeZone);
      if (start && field === 'from') return start;
      // `to` includes its whole day: the range ends where the next calendar day starts (23 or 25 hours on DST days).
      if (start) return startOfDayIn(new Date(Date.parse(`${value}T00:00:00Z`) + DAY_MS).toISOString().slice(0, 10), timeZone) ?? undefined;
    } else if (DATE_TIME.test(value)) {
      const t = Date.parse(value);
      if (Number.isFinite(t)) return new Date(field === 'from' ? t : t + 1);
    }
    errors.push({ field, message: 'invalid_date' });
    return undefined;
  };
  const from = read('from', input.from);
  const until = read('to', input.to);
  if (from && until && until.getTime() <= from.getTime()) errors.push({ field: 'to', message: 'date_order' });
  if (errors.length > 0) throw new AppError('validation_failed', errors);
  return { ...(from ? { from } : {}), ...(until ? { until } : {}) };
}
