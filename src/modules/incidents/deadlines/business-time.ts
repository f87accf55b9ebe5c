/**
 * Time arithmetic for deadlines: calendar durations in a local time zone and business (working) hours on a
 * working calendar, exact to the millisecond (so to the minute) across daylight-saving and other offset changes.
 *
 * Local wall-clock times are read with `Intl.DateTimeFormat` (the tz database shipped with Node's ICU), never with
 * fixed offsets: Africa/Casablanca, for one, leaves UTC+1 for UTC+0 during Ramadan on dates that move every year.
 *
 * Wall-clock times that do not exist (skipped by a change to a later offset) resolve forward by the length of the
 * gap; wall-clock times that occur twice (after a change to an earlier offset) resolve to the earlier instant.
 * This is the `compatible` disambiguation of TC39 Temporal and of RFC 5545.
 */

const MINUTE_MS = 60_000;
const DAY_MS = 86_400_000;
/** Upper bound on the days a business-time computation may walk before giving up (about 1,000 years). */
const MAX_DAYS_WALKED = 366_000;

/** A working calendar: the days and hours of a working week in one time zone, with public holidays. */
export interface WorkingCalendar {
  /** IANA time zone, e.g. `Africa/Casablanca`. */
  timeZone: string;
  /** ISO weekdays: 1 = Monday … 7 = Sunday (Morocco: 1–5). */
  workingDays: readonly number[];
  /** Opening time, local `HH:MM`. */
  start: string;
  /** Closing time, local `HH:MM` (`24:00` for midnight); after `start`. */
  end: string;
  /** Public holidays as local dates `YYYY-MM-DD`. */
  holidays: readonly string[];
}

/** A calendar duration; every amount is an integer and may be omitted. */
export interface CalendarDuration {
  minutes?: number;
  hours?: number;
  days?: number;
  months?: number;
}

/** A field of a working calendar that failed validation, with an English message for logs and configuration errors. */
export interface CalendarError {
  field: 'calendar' | 'timeZone' | 'workingDays' | 'hours' | 'start' | 'end' | 'holidays';
  message: string;
}

/** The result of {@link parseCalendar} and {@link validateCalendar}: a valid calendar or every problem found. */
export type CalendarResult = { ok: true; calendar: WorkingCalendar } | { ok: false; errors: CalendarError[] };

/** A local date and time, as read on a wall clock of a time zone. */
interface WallTime {
  year: number;
  month: number;
  day: number;
  hour: number;
  minute: number;
  second: number;
}

const formatters = new Map<string, Intl.DateTimeFormat>();

/** One formatter per time zone: building them is costly. Throws RangeError for an unknown time zone. */
function formatterFor(timeZone: string): Intl.DateTimeFormat {
  let formatter = formatters.get(timeZone);
  if (!formatter) {
    formatter = new Intl.DateTimeFormat('en-US', {
      timeZone,
      hourCycle: 'h23',
      era: 'short',
      year: 'numeric',
      month: 'numeric',
      day: 'numeric',
      hour: 'numeric',
      minute: 'numeric',
      second: 'numeric',
    });
    formatters.set(timeZone, formatter);
  }
  return formatter;
}

function wallTimeAt(at: number, timeZone: string): WallTime {
  const parts = formatterFor(timeZone).formatToParts(new Date(at));
  const get = (type: Intl.DateTimeFormatPartTypes): number => Number(parts.find((p) => p.type === type)?.value ?? 0);
  const era = parts.find((p) => p.type === 'era')?.value;
  const year = era === 'BC' || era === 'B' ? 1 - get('year') : get('year');
  return { year, month: get('month'), day: get('day'), hour: get('hour'), minute: get('minute'), second: get('second') };
}

/** A wall time encoded as if it were UTC (milliseconds); years 0–99 are kept as such, unlike `Date.UTC`. */
function encodeWall(year: number, month: number, day: number, hour = 0, minute = 0, second = 0, millisecond = 0): number {
  const d = new Date(0);
  d.setUTCFullYear(year, month - 1, day);
  d.setUTCHours(hour, minute, second, millisecond);
  return d.getTime();
}

function millisecondOf(at: number): number {
  return ((at % 1000) + 1000) % 1000;
}

/** The local wall time at `at`, encoded as UTC milliseconds. */
function localWallMs(at: number, timeZone: string): number {
  const w = wallTimeAt(at, timeZone);
  return encodeWall(w.year, w.month, w.day, w.hour, w.minute, w.second, millisecondOf(at));
}

/** Milliseconds to add to UTC to read the wall clock of `timeZone` at `at`. */
function offsetAt(at: number, timeZone: string): number {
  return localWallMs(at, timeZone) - at;
}

/**
 * The instant a wall time (encoded as UTC milliseconds) names in `timeZone`: the earlier instant when it occurs
 * twice, and the instant the same distance past the gap when it was skipped.
 */
function instantOfWall(wall: number, timeZone: string): number {
  const offsetBefore = offsetAt(wall - DAY_MS, timeZone);
  const offsetAfter = offsetAt(wall + DAY_MS, timeZone);
  const candidates = [wall - offsetBefore, wall - offsetAfter].filter((t) => localWallMs(t, timeZone) === wall);
  if (candidates.length > 0) return Math.min(...candidates);
  // Skipped wall time: reading it with the offset in force before the change moves it forward by the gap.
  return wall - offsetBefore;
}

function daysInMonth(year: number, month: number): number {
  return new Date(encodeWall(year, month + 1, 0)).getUTCDate();
}

function checkInteger(name: string, value: number | undefined): number {
  if (value === undefined) return 0;
  if (!Number.isSafeInteger(value)) throw new RangeError(`${name} must be an integer, got ${String(value)}`);
  return value;
}

/**
 * Adds a calendar duration in `timeZone`. Months, then days, move the local date and keep the local time of day
 * (a month ends on the same day number, clamped to the month's last day: 31 January + 1 month = 28 February, or 29
 * in a leap year; 29 February + 1 month = 29 March); hours and minutes are then added as elapsed time, so `24 h`
 * is always 86,400 s even on a day of 23 or 25 hours, while `1 day` keeps the wall-clock time. Throws RangeError for
 * an unknown time zone or a non-integer amount (validate configuration first).
 */
export function addCalendarDuration(from: Date, duration: CalendarDuration, timeZone: string): Date {
  const months = checkInteger('months', duration.months);
  const days = checkInteger('days', duration.days);
  const hours = checkInteger('hours', duration.hours);
  const minutes = checkInteger('minutes', duration.minutes);
  let t = from.getTime();
  if (Number.isNaN(t)) throw new RangeError('from is not a valid date');
  formatterFor(timeZone);
  if (months !== 0 || days !== 0) {
    const w = wallTimeAt(t, timeZone);
    const monthIndex = w.year * 12 + (w.month - 1) + months;
    const year = Math.floor(monthIndex / 12);
    const month = monthIndex - year * 12 + 1;
    const day = Math.min(w.day, daysInMonth(year, month));
    const wall = encodeWall(year, month, day, w.hour, w.minute, w.second, millisecondOf(t)) + days * DAY_MS;
    t = instantOfWall(wall, timeZone);
  }
  return new Date(t + (hours * 60 + minutes) * MINUTE_MS);
}

/** A calendar checked and reduced to what the business-time walk needs. */
interface PreparedCalendar {
  /** The calendar as JSON when prepared, so a calendar mutated afterwards is checked again. */
  source: string;
  timeZone: string;
  days: ReadonlySet<number>;
  startMinute: number;
  endMinute: number;
  holidays: ReadonlySet<string>;
}

const prepared = new WeakMap<WorkingCalendar, PreparedCalendar>();

/** Validates a calendar once per object (calendars are configuration: built once, used for every incident). */
function prepare(calendar: WorkingCalendar): PreparedCalendar {
  const cached = prepared.get(calendar);
  if (cached && cached.source === JSON.stringify(calendar)) return cached;
  const checked = validateCalendar(calendar);
  if (!checked.ok) throw new RangeError(`invalid working calendar: ${checked.errors.map((e) => `${e.field}: ${e.message}`).join('; ')}`);
  const c = checked.calendar;
  const result: PreparedCalendar = {
    source: JSON.stringify(calendar),
    timeZone: c.timeZone,
    days: new Set(c.workingDays),
    startMinute: clockMinutes(c.start) ?? 0,
    endMinute: clockMinutes(c.end) ?? 0,
    holidays: new Set(c.holidays),
  };
  prepared.set(calendar, result);
  return result;
}

/** The local day number (days since 1970-01-01) of an instant. */
function localDayOf(at: number, timeZone: string): number {
  return Math.floor(localWallMs(at, timeZone) / DAY_MS);
}

/** The working window of a local day as instants [open, close), or null on a day off. */
function windowOn(dayNumber: number, c: PreparedCalendar): { open: number; close: number } | null {
  const date = new Date(dayNumber * DAY_MS);
  const isoWeekday = ((date.getUTCDay() + 6) % 7) + 1;
  if (!c.days.has(isoWeekday) || c.holidays.has(date.toISOString().slice(0, 10))) return null;
  const open = instantOfWall(dayNumber * DAY_MS + c.startMinute * MINUTE_MS, c.timeZone);
  const close = instantOfWall(dayNumber * DAY_MS + c.endMinute * MINUTE_MS, c.timeZone);
  return close > open ? { open, close } : null;
}

/**
 * Adds `minutes` of working time to `from`: time outside working hours, on days off and on holidays does not
 * count, and a start outside working hours rolls to the next opening (so 0 minutes gives the next opening, or
 * `from` itself during working hours). A result that uses up a day's last minute is that day's closing time.
 * Throws RangeError for a negative or non-finite amount or an invalid calendar (validate configuration first).
 */
export function addBusinessMinutes(from: Date, minutes: number, calendar: WorkingCalendar): Date {
  if (!Number.isFinite(minutes) || minutes < 0) throw new RangeError(`minutes must be a non-negative number, got ${String(minutes)}`);
  const fromMs = from.getTime();
  if (Number.isNaN(fromMs)) throw new RangeError('from is not a valid date');
  const c = prepare(calendar);
  let remaining = Math.round(minutes * MINUTE_MS);
  const firstDay = localDayOf(fromMs, c.timeZone);
  for (let day = firstDay; day - firstDay <= MAX_DAYS_WALKED; day++) {
    const w = windowOn(day, c);
    if (!w) continue;
    const start = Math.max(w.open, fromMs);
    if (start >= w.close) continue;
    const available = w.close - start;
    if (remaining <= available) return new Date(start + remaining);
    remaining -= available;
  }
  throw new RangeError('no working time found within the search horizon');
}

/**
 * The working time between two instants, in whole minutes truncated toward zero (negative when `b` is before `a`).
 * Throws RangeError for an invalid date or calendar.
 */
export function businessMinutesBetween(a: Date, b: Date, calendar: WorkingCalendar): number {
  const aMs = a.getTime();
  const bMs = b.getTime();
  if (Number.isNaN(aMs) || Number.isNaN(bMs)) throw new RangeError('a and b must be valid dates');
  const c = prepare(calendar);
  const [from, until] = aMs <= bMs ? [aMs, bMs] : [bMs, aMs];
  let total = 0;
  const lastDay = localDayOf(until, c.timeZone);
  for (let day = localDayOf(from, c.timeZone); day <= lastDay; day++) {
    const w = windowOn(day, c);
    if (w) total += Math.max(0, Math.min(w.close, until) - Math.max(w.open, from));
  }
  const result = Math.trunc(total / MINUTE_MS);
  return aMs <= bMs || result === 0 ? result : -result;
}

const CLOCK = /^(\d{2}):(\d{2})$/;

/** Minutes after midnight of `HH:MM` (00:00–24:00), or null. */
function clockMinutes(value: string): number | null {
  const m = CLOCK.exec(value);
  if (!m) return null;
  const hour = Number(m[1]);
  const minute = Number(m[2]);
  if (minute > 59 || hour > 24 || (hour === 24 && minute !== 0)) return null;
  return hour * 60 + minute;
}

const ISO_DATE = /^(\d{4})-(\d{2})-(\d{2})$/;

function isRealDate(value: string): boolean {
  const m = ISO_DATE.exec(value);
  if (!m) return false;
  const [year, month, day] = [Number(m[1]), Number(m[2]), Number(m[3])];
  return month >= 1 && month <= 12 && day >= 1 && day <= daysInMonth(year, month);
}

/** The canonical name of an IANA time zone, or null if ICU does not know it. */
function canonicalTimeZone(value: string): string | null {
  if (value.trim() === '' || value.length > 64) return null;
  try {
    return new Intl.DateTimeFormat('en-US', { timeZone: value }).resolvedOptions().timeZone;
  } catch {
    return null;
  }
}

/**
 * Checks a working calendar received as data (settings JSON, a form): time zone known to ICU, working days among
 * 1–7, `HH:MM` times with the end after the start, holidays as real `YYYY-MM-DD` dates. Returns a normalised copy
 * (days sorted and deduplicated, holidays sorted and deduplicated) or every problem found.
 */
export function validateCalendar(input: unknown): CalendarResult {
  const errors: CalendarError[] = [];
  if (typeof input !== 'object' || input === null) return { ok: false, errors: [{ field: 'calendar', message: 'must be an object' }] };
  const record = input as Record<string, unknown>;

  let timeZone = '';
  if (typeof record.timeZone !== 'string') errors.push({ field: 'timeZone', message: 'must be an IANA time zone name such as Africa/Casablanca' });
  else {
    const canonical = canonicalTimeZone(record.timeZone);
    if (canonical === null) errors.push({ field: 'timeZone', message: `unknown time zone "${record.timeZone}"` });
    else timeZone = canonical;
  }

  let workingDays: number[] = [];
  if (!Array.isArray(record.workingDays)) errors.push({ field: 'workingDays', message: 'must be a list of ISO weekdays (1 = Monday … 7 = Sunday)' });
  else {
    const bad = record.workingDays.filter((d) => typeof d !== 'number' || !Number.isInteger(d) || d < 1 || d > 7);
    if (bad.length > 0) errors.push({ field: 'workingDays', message: `not ISO weekdays (1 = Monday … 7 = Sunday): ${bad.map((d) => JSON.stringify(d)).join(', ')}` });
    else if (record.workingDays.length === 0) errors.push({ field: 'workingDays', message: 'at least one working day is required' });
    else workingDays = [...new Set(record.workingDays as number[])].sort((x, y) => x - y);
  }

  const start = typeof record.start === 'string' ? clockMinutes(record.start) : null;
  const end = typeof record.end === 'string' ? clockMinutes(record.end) : null;
  if (start === null || start === 24 * 60) errors.push({ field: 'start', message: `must be a time HH:MM from 00:00 to 23:59, got ${JSON.stringify(record.start)}` });
  if (end === null) errors.push({ field: 'end', message: `must be a time HH:MM from 00:01 to 24:00, got ${JSON.stringify(record.end)}` });
  else if (start !== null && end <= start) errors.push({ field: 'end', message: `must be after the start (${String(record.start)}), got ${String(record.end)}` });

  let holidays: string[] = [];
  if (!Array.isArray(record.holidays)) errors.push({ field: 'holidays', message: 'must be a list of dates YYYY-MM-DD' });
  else {
    const bad = record.holidays.filter((h) => typeof h !== 'string' || !isRealDate(h));
    if (bad.length > 0) errors.push({ field: 'holidays', message: `not dates YYYY-MM-DD: ${bad.map((h) => JSON.stringify(h)).join(', ')}` });
    else holidays = [...new Set(record.holidays as string[])].sort();
  }

  if (errors.length > 0) return { ok: false, errors };
  return { ok: true, calendar: { timeZone, workingDays, start: record.start as string, end: record.end as string, holidays } };
}

const WEEKDAYS: Readonly<Record<string, number>> = { mon: 1, tue: 2, wed: 3, thu: 4, fri: 5, sat: 6, sun: 7 };

/** Reads `Mon-Fri`, `Sun-Thu` (a range may wrap past Sunday), `Mon,Wed,Fri` or a mix; on error, the part that could not be read. */
function parseWorkingDays(text: string): { days: number[] } | { bad: string } {
  const days = new Set<number>();
  for (const part of text.split(',')) {
    const range = part.split('-');
    if (range.length > 2) return { bad: part };
    const unknown = range.find((name) => WEEKDAYS[name.toLowerCase()] === undefined);
    if (unknown !== undefined) return { bad: unknown };
    const first = WEEKDAYS[(range[0] ?? '').toLowerCase()] ?? 1;
    const last = WEEKDAYS[(range[1] ?? range[0] ?? '').toLowerCase()] ?? first;
    for (let d = first, n = 0; n < 7; d = (d % 7) + 1, n++) {
      days.add(d);
      if (d === last) break;
    }
  }
  return { days: [...days] };
}

/**
 * Parses a working calendar from configuration text such as `Mon-Fri 08:30-16:30 Africa/Casablanca` (days: English
 * three-letter names, ranges and commas; hours `HH:MM-HH:MM`, end up to `24:00`; an IANA time zone) and a holiday
 * list (dates `YYYY-MM-DD` separated by commas or white space). Never throws: returns every problem, each naming
 * its field.
 */
export function parseCalendar(text: string, holidays: string | readonly string[] = []): CalendarResult {
  const errors: CalendarError[] = [];
  const tokens = text.trim().split(/\s+/).filter((t) => t !== '');
  if (tokens.length !== 3) {
    return { ok: false, errors: [{ field: 'calendar', message: `expected "<days> <HH:MM-HH:MM> <time zone>", e.g. "Mon-Fri 08:30-16:30 Africa/Casablanca", got "${text.trim()}"` }] };
  }
  const [daysText = '', hoursText = '', timeZone = ''] = tokens;

  const days = parseWorkingDays(daysText);
  if ('bad' in days) errors.push({ field: 'workingDays', message: `cannot read "${days.bad}": use Mon, Tue, Wed, Thu, Fri, Sat, Sun, ranges (Mon-Fri) and commas` });

  const hours = /^(\d{2}:\d{2})-(\d{2}:\d{2})$/.exec(hoursText);
  if (!hours) errors.push({ field: 'hours', message: `working hours must read HH:MM-HH:MM, got "${hoursText}"` });

  const holidayList = typeof holidays === 'string' ? holidays.split(/[\s,]+/).filter((h) => h !== '') : [...holidays];
  const checked = validateCalendar({
    timeZone,
    workingDays: 'days' in days ? days.days : [1],
    start: hours?.[1] ?? '00:00',
    end: hours?.[2] ?? '24:00',
    holidays: holidayList,
  });
  if (!checked.ok) errors.push(...checked.errors);
  if (errors.length > 0 || !checked.ok) return { ok: false, errors };
  return checked;
}
