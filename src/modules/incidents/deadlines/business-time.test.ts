import { describe, expect, it } from 'vitest';
import { addBusinessMinutes, addCalendarDuration, businessMinutesBetween, parseCalendar, validateCalendar, type WorkingCalendar } from '#src/modules/incidents/deadlines/business-time';

const HOUR = 3_600_000;
const DAY = 24 * HOUR;

/** The wall clock of `timeZone` at `at`, as `YYYY-MM-DD HH:MM`, read independently of the code under test. */
function wall(at: Date, timeZone: string): string {
  const parts = new Intl.DateTimeFormat('en-GB', { timeZone, hourCycle: 'h23', year: 'numeric', month: '2-digit', day: '2-digit', hour: '2-digit', minute: '2-digit' }).formatToParts(at);
  const get = (type: string): string => parts.find((p) => p.type === type)?.value ?? '';
  return `${get('year')}-${get('month')}-${get('day')} ${get('hour')}:${get('minute')}`;
}

/** UTC offset of `timeZone` at `t`, in minutes. */
function offsetMinutes(t: number, timeZone: string): number {
  const w = wall(new Date(t), timeZone);
  const asUtc = Date.parse(`${w.replace(' ', 'T')}:00Z`);
  return Math.round((asUtc - (t - (t % 60_000))) / 60_000);
}

interface Transition {
  at: Date;
  offsetBefore: number;
  offsetAfter: number;
}

/** Every offset change of `timeZone` in `year`, found by probing Intl hourly and then bisecting to the minute. */
function probeTransitions(timeZone: string, year: number): Transition[] {
  const found: Transition[] = [];
  const end = Date.UTC(year + 1, 0, 1);
  for (let t = Date.UTC(year, 0, 1); t < end; t += HOUR) {
    const before = offsetMinutes(t, timeZone);
    const after = offsetMinutes(t + HOUR, timeZone);
    if (before === after) continue;
    let lo = t;
    let hi = t + HOUR;
    while (hi - lo > 60_000) {
      const mid = lo + Math.floor((hi - lo) / 120_000) * 60_000;
      if (offsetMinutes(mid, timeZone) === before) lo = mid;
      else hi = mid;
    }
    found.push({ at: new Date(hi), offsetBefore: before, offsetAfter: after });
  }
  return found;
}

/** The local date (`YYYY-MM-DD`) `days` after `date`. */
function shiftDate(date: string, days: number): string {
  return new Date(Date.parse(`${date}T00:00:00Z`) + days * DAY).toISOString().slice(0, 10);
}

/** The instant of local `date time` at a known offset (minutes east of UTC). */
function at(date: string, time: string, offset: number): Date {
  return new Date(Date.parse(`${date}T${time}:00Z`) - offset * 60_000);
}

const casablanca: WorkingCalendar = { timeZone: 'Africa/Casablanca', workingDays: [1, 2, 3, 4, 5], start: '08:30', end: '16:30', holidays: ['2026-05-01'] };
const roundTheClock = (timeZone: string): WorkingCalendar => ({ timeZone, workingDays: [1, 2, 3, 4, 5, 6, 7], start: '00:00', end: '24:00', holidays: [] });

describe('Africa/Casablanca around Ramadan 2026 (transitions probed from the tz data)', () => {
  const transitions = probeTransitions('Africa/Casablanca', 2026);
  const [toRamadan, fromRamadan] = transitions;
  if (!toRamadan || !fromRamadan) throw new Error('expected two offset changes in 2026');
  const fallDay = wall(toRamadan.at, 'Africa/Casablanca').slice(0, 10);
  const springDay = wall(fromRamadan.at, 'Africa/Casablanca').slice(0, 10);

  it('has two changes: UTC+1 to UTC+0 in February, back to UTC+1 in March', () => {
    expect(transitions).toHaveLength(2);
    expect(toRamadan).toMatchObject({ offsetBefore: 60, offsetAfter: 0 });
    expect(fromRamadan).toMatchObject({ offsetBefore: 0, offsetAfter: 60 });
    expect(toRamadan.at.getUTCMonth()).toBe(1);
    expect(fromRamadan.at.getUTCMonth()).toBe(2);
  });

  it('counts the day of the change to UTC+0 as 25 hours and the day back to UTC+1 as 23 hours', () => {
    const cal = roundTheClock('Africa/Casablanca');
    expect(businessMinutesBetween(at(fallDay, '00:00', 60), at(shiftDate(fallDay, 1), '00:00', 0), cal)).toBe(1500);
    expect(businessMinutesBetween(at(springDay, '00:00', 0), at(shiftDate(springDay, 1), '00:00', 60), cal)).toBe(1380);
  });

  it('adds business hours across the weekend of the change: Friday 16:00 + 60 min is Monday 09:00 at the new offset', () => {
    const friday = shiftDate(fallDay, -((new Date(`${fallDay}T00:00:00Z`).getUTCDay() + 2) % 7));
    const monday = shiftDate(friday, 3);
    const from = at(friday, '16:00', 60);
    const due = addBusinessMinutes(from, 60, casablanca);
    expect(due.toISOString()).toBe(at(monday, '09:00', 0).toISOString());
    expect(wall(due, 'Africa/Casablanca')).toBe(`${monday} 09:00`);
    expect(businessMinutesBetween(from, due, casablanca)).toBe(60);
  });

  it('keeps 24 h as elapsed time and 1 day as the same wall-clock time across the change', () => {
    const from = at(shiftDate(fallDay, -1), '12:00', 60);
    expect(addCalendarDuration(from, { hours: 24 }, 'Africa/Casablanca').getTime() - from.getTime()).toBe(DAY);
    expect(wall(addCalendarDuration(from, { hours: 24 }, 'Africa/Casablanca'), 'Africa/Casablanca')).toBe(`${fallDay} 11:00`);
    expect(wall(addCalendarDuration(from, { days: 1 }, 'Africa/Casablanca'), 'Africa/Casablanca')).toBe(`${fallDay} 12:00`);
    expect(addCalendarDuration(from, { days: 1 }, 'Africa/Casablanca').getTime() - from.getTime()).toBe(DAY + HOUR);
  });

  it('moves a skipped wall-clock time forward by the gap when the offset returns to UTC+1', () => {
    // Half an hour into the skipped hour, read on the clock as it ran before the change (e.g. 02:30).
    const skipped = new Date(fromRamadan.at.getTime() + (fromRamadan.offsetBefore + 30) * 60_000).toISOString().slice(11, 16);
    const from = at(shiftDate(springDay, -1), skipped, 0);
    const due = addCalendarDuration(from, { days: 1 }, 'Africa/Casablanca');
    expect(due.getTime() - from.getTime()).toBe(DAY);
    expect(wall(due, 'Africa/Casablanca')).toBe(wall(new Date(fromRamadan.at.getTime() + 30 * 60_000), 'Africa/Casablanca'));
    expect(wall(due, 'Africa/Casablanca')).not.toBe(`${springDay} ${skipped}`);
  });

  it('clamps 31 January + 1 month to 28 February, at the Ramadan offset', () => {
    expect(new Date('2026-02-28T10:00:00Z').getTime()).toBeGreaterThan(toRamadan.at.getTime());
    expect(new Date('2026-02-28T10:00:00Z').getTime()).toBeLessThan(fromRamadan.at.getTime());
    const due = addCalendarDuration(new Date('2026-01-31T09:00:00Z'), { months: 1 }, 'Africa/Casablanca');
    expect(due.toISOString()).toBe('2026-02-28T10:00:00.000Z');
    expect(wall(due, 'Africa/Casablanca')).toBe('2026-02-28 10:00');
  });
});

describe('Europe/Paris daylight saving (last Sundays of March and October 2026)', () => {
  it('24 h from Saturday noon before the March change is Sunday 13:00 local, 1 day is Sunday noon', () => {
    const from = new Date('2026-03-28T11:00:00Z');
    expect(addCalendarDuration(from, { hours: 24 }, 'Europe/Paris').toISOString()).toBe('2026-03-29T11:00:00.000Z');
    expect(addCalendarDuration(from, { days: 1 }, 'Europe/Paris').toISOString()).toBe('2026-03-29T10:00:00.000Z');
  });

  it('resolves 02:30 on 29 March (skipped) to 03:30 CEST', () => {
    expect(addCalendarDuration(new Date('2026-03-28T01:30:00Z'), { days: 1 }, 'Europe/Paris').toISOString()).toBe('2026-03-29T01:30:00.000Z');
  });

  it('resolves 02:30 on 25 October (twice) to the earlier instant, and keeps the second one when adding only time', () => {
    expect(addCalendarDuration(new Date('2026-10-24T00:30:00Z'), { days: 1 }, 'Europe/Paris').toISOString()).toBe('2026-10-25T00:30:00.000Z');
    const second = new Date('2026-10-25T01:30:00Z');
    expect(wall(second, 'Europe/Paris')).toBe('2026-10-25 02:30');
    expect(addCalendarDuration(second, {}, 'Europe/Paris').toISOString()).toBe(second.toISOString());
    expect(addCalendarDuration(second, { minutes: 30 }, 'Europe/Paris').toISOString()).toBe('2026-10-25T02:00:00.000Z');
  });

  it('counts working time by elapsed minutes on the days of the changes', () => {
    const cal = roundTheClock('Europe/Paris');
    expect(businessMinutesBetween(new Date('2026-03-28T23:00:00Z'), new Date('2026-03-29T22:00:00Z'), cal)).toBe(1380);
    expect(businessMinutesBetween(new Date('2026-10-24T22:00:00Z'), new Date('2026-10-25T23:00:00Z'), cal)).toBe(1500);
    expect(addBusinessMinutes(new Date('2026-03-28T11:00:00Z'), 1440, cal).toISOString()).toBe('2026-03-29T11:00:00.000Z');
    // A night shift 01:00–04:00 lasts two real hours on 29 March: 01:00 CET to 04:00 CEST.
    const night: WorkingCalendar = { ...cal, start: '01:00', end: '04:00' };
    expect(businessMinutesBetween(new Date('2026-03-29T00:00:00Z'), new Date('2026-03-29T23:00:00Z'), night)).toBe(120);
    expect(businessMinutesBetween(new Date('2026-10-24T22:00:00Z'), new Date('2026-10-25T23:00:00Z'), night)).toBe(240);
  });
});

describe('addBusinessMinutes and businessMinutesBetween (Casablanca, Mon–Fri 08:30–16:30, 1 May 2026 off)', () => {
  it('skips the weekend and a holiday: Thursday 30 April 15:00 + 8 business hours is Monday 4 May 15:00', () => {
    const from = new Date('2026-04-30T14:00:00Z');
    const due = addBusinessMinutes(from, 480, casablanca);
    expect(due.toISOString()).toBe('2026-05-04T14:00:00.000Z');
    expect(wall(due, 'Africa/Casablanca')).toBe('2026-05-04 15:00');
    expect(businessMinutesBetween(from, due, casablanca)).toBe(480);
  });

  it('rolls a start outside hours to the next opening', () => {
    expect(wall(addBusinessMinutes(new Date('2026-05-09T09:00:00Z'), 60, casablanca), 'Africa/Casablanca')).toBe('2026-05-11 09:30');
    expect(wall(addBusinessMinutes(new Date('2026-05-11T06:00:00Z'), 30, casablanca), 'Africa/Casablanca')).toBe('2026-05-11 09:00');
    expect(wall(addBusinessMinutes(new Date('2026-05-10T12:00:00Z'), 0, casablanca), 'Africa/Casablanca')).toBe('2026-05-11 08:30');
    expect(wall(addBusinessMinutes(new Date('2026-05-11T17:00:00Z'), 1, casablanca), 'Africa/Casablanca')).toBe('2026-05-12 08:31');
  });

  it('returns the start itself for 0 minutes in hours, and the closing time when the day is used up exactly', () => {
    const inHours = new Date('2026-05-11T10:17:00Z');
    expect(addBusinessMinutes(inHours, 0, casablanca).toISOString()).toBe(inHours.toISOString());
    expect(wall(addBusinessMinutes(new Date('2026-05-11T15:00:00Z'), 30, casablanca), 'Africa/Casablanca')).toBe('2026-05-11 16:30');
    expect(wall(addBusinessMinutes(new Date('2026-05-11T07:30:00Z'), 5 * 480, casablanca), 'Africa/Casablanca')).toBe('2026-05-15 16:30');
  });

  it('keeps seconds of the start, and counts whole minutes between', () => {
    const from = new Date('2026-05-11T10:00:30Z');
    expect(addBusinessMinutes(from, 1, casablanca).toISOString()).toBe('2026-05-11T10:01:30.000Z');
    expect(businessMinutesBetween(from, new Date('2026-05-11T10:02:00Z'), casablanca)).toBe(1);
  });

  it('is negative when the end comes first and zero over a weekend', () => {
    expect(businessMinutesBetween(new Date('2026-05-04T14:00:00Z'), new Date('2026-04-30T14:00:00Z'), casablanca)).toBe(-480);
    expect(businessMinutesBetween(new Date('2026-05-09T08:00:00Z'), new Date('2026-05-10T20:00:00Z'), casablanca)).toBe(0);
  });

  it('refuses a negative amount or an invalid calendar with a RangeError naming the problem', () => {
    expect(() => addBusinessMinutes(new Date(), -1, casablanca)).toThrow(RangeError);
    expect(() => addBusinessMinutes(new Date(), 10, { ...casablanca, workingDays: [] })).toThrow(/workingDays/);
    expect(() => businessMinutesBetween(new Date(), new Date(), { ...casablanca, timeZone: 'Mars/Olympus' })).toThrow(/timeZone/);
  });
});

describe('addCalendarDuration month arithmetic', () => {
  it('clamps to the last day of a shorter month and keeps the time of day', () => {
    expect(addCalendarDuration(new Date('2028-01-31T10:00:00Z'), { months: 1 }, 'UTC').toISOString()).toBe('2028-02-29T10:00:00.000Z');
    expect(addCalendarDuration(new Date('2028-02-29T10:00:00Z'), { months: 1 }, 'UTC').toISOString()).toBe('2028-03-29T10:00:00.000Z');
    expect(addCalendarDuration(new Date('2026-03-31T10:00:00Z'), { months: 1 }, 'UTC').toISOString()).toBe('2026-04-30T10:00:00.000Z');
    expect(addCalendarDuration(new Date('2026-12-31T23:59:00Z'), { months: 2 }, 'UTC').toISOString()).toBe('2027-02-28T23:59:00.000Z');
    expect(addCalendarDuration(new Date('2026-03-31T10:00:00Z'), { months: -1 }, 'UTC').toISOString()).toBe('2026-02-28T10:00:00.000Z');
  });

  it('applies months before days, then time', () => {
    expect(addCalendarDuration(new Date('2026-01-31T00:00:00Z'), { months: 1, days: 1, hours: 1, minutes: 1 }, 'UTC').toISOString()).toBe('2026-03-01T01:01:00.000Z');
  });

  it('refuses non-integer amounts and unknown time zones', () => {
    expect(() => addCalendarDuration(new Date(), { hours: 1.5 }, 'UTC')).toThrow(RangeError);
    expect(() => addCalendarDuration(new Date(), { hours: 1 }, 'Nowhere/Land')).toThrow(RangeError);
  });
});

describe('parseCalendar', () => {
  it('reads days, hours, time zone and holidays', () => {
    const result = parseCalendar('Mon-Fri 08:30-16:30 Africa/Casablanca', '2026-05-01, 2026-01-01\n2026-05-01');
    expect(result).toEqual({ ok: true, calendar: { timeZone: 'Africa/Casablanca', workingDays: [1, 2, 3, 4, 5], start: '08:30', end: '16:30', holidays: ['2026-01-01', '2026-05-01'] } });
  });

  it('reads wrapping ranges, lists and midnight', () => {
    const sunThu = parseCalendar('sun-thu 00:00-24:00 Asia/Riyadh');
    expect(sunThu.ok && sunThu.calendar.workingDays).toEqual([1, 2, 3, 4, 7]);
    const list = parseCalendar('Mon,Wed,Fri-Sat 09:00-12:00 UTC', ['2026-12-25']);
    expect(list.ok && list.calendar).toEqual({ timeZone: 'UTC', workingDays: [1, 3, 5, 6], start: '09:00', end: '12:00', holidays: ['2026-12-25'] });
  });

  it('names each faulty field, all at once', () => {
    const result = parseCalendar('Mon-Fry 17:00-08:00 Africa/Casablanka', '2026-02-30 2026-13-01 tomorrow');
    expect(result.ok).toBe(false);
    if (result.ok) return;
    expect(result.errors.map((e) => e.field)).toEqual(['workingDays', 'timeZone', 'end', 'holidays']);
    expect(result.errors[0]?.message).toContain('"Fry"');
    expect(result.errors[1]?.message).toContain('Africa/Casablanka');
    expect(result.errors[3]?.message).toContain('"2026-02-30"');
    expect(result.errors[3]?.message).toContain('"tomorrow"');
  });

  it('explains the expected shape when parts are missing or malformed', () => {
    const missing = parseCalendar('Mon-Fri 08:30-16:30');
    expect(missing.ok === false && missing.errors[0]).toMatchObject({ field: 'calendar' });
    expect(missing.ok === false && missing.errors[0]?.message).toContain('Mon-Fri 08:30-16:30 Africa/Casablanca');
    const badHours = parseCalendar('Mon-Fri 8h-16h UTC');
    expect(badHours.ok === false && badHours.errors.map((e) => e.field)).toEqual(['hours']);
    const badTime = parseCalendar('Mon-Fri 08:30-25:00 UTC');
    expect(badTime.ok === false && badTime.errors.map((e) => e.field)).toEqual(['end']);
    expect(parseCalendar('').ok).toBe(false);
  });

  it('validates calendars held as data without throwing', () => {
    expect(validateCalendar(null)).toEqual({ ok: false, errors: [{ field: 'calendar', message: 'must be an object' }] });
    const result = validateCalendar({ timeZone: 7, workingDays: [0, 8], start: '9:00', end: '17:00', holidays: 'none' });
    expect(result.ok === false && result.errors.map((e) => e.field)).toEqual(['timeZone', 'workingDays', 'start', 'holidays']);
  });
});
