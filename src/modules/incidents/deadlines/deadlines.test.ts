import { describe, expect, it } from 'vitest';
import type { WorkingCalendar } from '#src/modules/incidents/deadlines/business-time';
import { computeDeadlines, deadlineState, nextDeadline, reminderKey, remindersDue, type DeadlineInput, type DeadlineItem } from '#src/modules/incidents/deadlines/deadlines';
import { parseProfileOverrides, type RegulationProfile } from '#src/modules/incidents/deadlines/regulation-profiles';

const MINUTE = 60_000;
const HOUR = 60 * MINUTE;

const casablanca: WorkingCalendar = { timeZone: 'Africa/Casablanca', workingDays: [1, 2, 3, 4, 5], start: '08:30', end: '16:30', holidays: ['2026-05-01'] };
const paris: WorkingCalendar = { timeZone: 'Europe/Paris', workingDays: [1, 2, 3, 4, 5], start: '09:00', end: '17:00', holidays: [] };

function wall(at: Date, timeZone: string): string {
  const parts = new Intl.DateTimeFormat('en-GB', { timeZone, hourCycle: 'h23', year: 'numeric', month: '2-digit', day: '2-digit', hour: '2-digit', minute: '2-digit' }).formatToParts(at);
  const get = (type: string): string => parts.find((p) => p.type === type)?.value ?? '';
  return `${get('year')}-${get('month')}-${get('day')} ${get('hour')}:${get('minute')}`;
}

function input(overrides: Partial<DeadlineInput>): DeadlineInput {
  return {
    profiles: ['nis2'],
    times: { detectedAt: null, awareAt: null, reportedAt: null },
    completed: {},
    calendar: casablanca,
    now: new Date('2026-01-01T00:00:00Z'),
    ...overrides,
  };
}

function byKey(items: DeadlineItem[]): Record<string, DeadlineItem> {
  return Object.fromEntries(items.map((i) => [i.key, i]));
}

describe('NIS2 deadlines from awareness on a Friday at 23:59 local', () => {
  it('Paris, 27 March 2026 (the weekend of the change to summer time)', () => {
    const awareAt = new Date('2026-03-27T22:59:00Z');
    expect(wall(awareAt, 'Europe/Paris')).toBe('2026-03-27 23:59');
    const items = byKey(computeDeadlines(input({ calendar: paris, times: { detectedAt: null, awareAt, reportedAt: null }, now: awareAt })));
    expect(items['nis2.early-warning']?.dueAt?.toISOString()).toBe('2026-03-28T22:59:00.000Z');
    expect(items['nis2.notification']?.dueAt?.toISOString()).toBe('2026-03-30T22:59:00.000Z');
    expect(wall(items['nis2.notification']?.dueAt ?? new Date(NaN), 'Europe/Paris')).toBe('2026-03-31 00:59');
    // Not yet notified: one month after the notification's due time, 31 March 00:59 → 30 April 00:59 (clamped).
    expect(items['nis2.final-report']).toMatchObject({ isProvisional: true, state: 'pending', startsAt: items['nis2.notification']?.dueAt });
    expect(items['nis2.final-report']?.dueAt?.toISOString()).toBe('2026-04-29T22:59:00.000Z');
    expect(items['nis2.early-warning']).toMatchObject({ profile: 'nis2', stage: 'early-warning', clock: 'calendar', startsAt: awareAt, completedAt: null, state: 'pending', isProvisional: false });
  });

  it('Paris: once the notification is submitted, the final report counts from the submission', () => {
    const awareAt = new Date('2026-03-27T22:59:00Z');
    const notifiedAt = new Date('2026-03-30T10:00:00Z');
    const items = byKey(computeDeadlines(input({ calendar: paris, times: { detectedAt: null, awareAt, reportedAt: null }, completed: { 'nis2.notification': notifiedAt }, now: notifiedAt })));
    expect(items['nis2.notification']).toMatchObject({ completedAt: notifiedAt, state: 'met' });
    expect(items['nis2.final-report']).toMatchObject({ startsAt: notifiedAt, isProvisional: false });
    expect(items['nis2.final-report']?.dueAt?.toISOString()).toBe('2026-04-30T10:00:00.000Z');
  });

  it('Casablanca, 13 February 2026 (the weekend Morocco leaves UTC+1 for Ramadan): hours stay elapsed time', () => {
    const awareAt = new Date('2026-02-13T22:59:00Z');
    expect(wall(awareAt, 'Africa/Casablanca')).toBe('2026-02-13 23:59');
    const items = byKey(computeDeadlines(input({ times: { detectedAt: null, awareAt, reportedAt: null }, now: awareAt })));
    const notification = items['nis2.notification']?.dueAt ?? new Date(NaN);
    expect(items['nis2.early-warning']?.dueAt?.getTime()).toBe(awareAt.getTime() + 24 * HOUR);
    expect(notification.getTime()).toBe(awareAt.getTime() + 72 * HOUR);
    // The final report keeps the notification's local time of day, one calendar month later.
    const notifiedWall = wall(notification, 'Africa/Casablanca');
    expect(wall(items['nis2.final-report']?.dueAt ?? new Date(NaN), 'Africa/Casablanca')).toBe(`2026-03-${notifiedWall.slice(8)}`);
  });
});

describe('other profiles and overrides', () => {
  const reportedAt = new Date('2026-05-08T14:00:00Z'); // Friday 15:00 in Casablanca

  it("the CERT's first response is 24 h calendar and triage 8 business hours from the report", () => {
    const items = byKey(computeDeadlines(input({ profiles: ['cert-sla'], times: { detectedAt: null, awareAt: null, reportedAt }, now: reportedAt })));
    expect(items['cert-sla.first-response']?.dueAt?.toISOString()).toBe('2026-05-09T14:00:00.000Z');
    expect(items['cert-sla.triage']).toMatchObject({ clock: 'business' });
    expect(wall(items['cert-sla.triage']?.dueAt ?? new Date(NaN), 'Africa/Casablanca')).toBe('2026-05-11 15:00');
  });

  it('applies overrides, including a switch to business hours', () => {
    const parsed = parseProfileOverrides('ma-05-20.declaration=12h, ma-05-20.follow-up=5d, cert-sla.first-response=4bh');
    if (!parsed.ok) throw new Error('expected valid overrides');
    const awareAt = new Date('2026-05-07T20:00:00Z');
    const items = byKey(computeDeadlines(input({ profiles: ['ma-05-20', 'cert-sla'], times: { detectedAt: null, awareAt, reportedAt }, overrides: parsed.overrides, now: reportedAt })));
    expect(items['ma-05-20.declaration']?.dueAt?.toISOString()).toBe('2026-05-08T08:00:00.000Z');
    expect(items['ma-05-20.follow-up']?.dueAt?.toISOString()).toBe('2026-05-12T20:00:00.000Z');
    expect(items['cert-sla.first-response']).toMatchObject({ clock: 'business' });
    // Friday 15:00 + 4 business hours: 90 minutes on Friday, 150 on Monday from 08:30.
    expect(wall(items['cert-sla.first-response']?.dueAt ?? new Date(NaN), 'Africa/Casablanca')).toBe('2026-05-11 11:00');
  });

  it('lists profiles in the order given, once each, and ignores unknown codes', () => {
    const items = computeDeadlines(input({ profiles: ['cert-sla', 'gdpr', 'nis2', 'cert-sla'] }));
    expect(items.map((i) => i.key)).toEqual(['cert-sla.first-response', 'cert-sla.triage', 'nis2.early-warning', 'nis2.notification', 'nis2.final-report']);
  });

  it('starts from detection when a profile says so, and uses custom definitions', () => {
    const label = { fr: 'x', ar: 'س', en: 'x' };
    const custom: RegulationProfile = {
      code: 'loop',
      label,
      stages: [
        { code: 'first', label, startsFrom: 'detection', duration: { minutes: 90 }, clock: 'calendar' },
        { code: 'a', label, startsFrom: { afterStage: 'b' }, duration: { hours: 1 }, clock: 'calendar' },
        { code: 'b', label, startsFrom: { afterStage: 'a' }, duration: { hours: 1 }, clock: 'calendar' },
        { code: 'c', label, startsFrom: { afterStage: 'nowhere' }, duration: { hours: 1 }, clock: 'calendar' },
        { code: 'd', label, startsFrom: 'detection', duration: { days: 1 }, clock: 'business' },
      ],
    };
    const detectedAt = new Date('2026-05-11T10:00:00Z');
    const items = byKey(computeDeadlines(input({ profiles: ['loop'], definitions: [custom], times: { detectedAt, awareAt: null, reportedAt: null }, now: detectedAt })));
    expect(items['loop.first']?.dueAt?.toISOString()).toBe('2026-05-11T11:30:00.000Z');
    // A cycle, an unknown predecessor or a business clock in days cannot be computed: shown as waiting, not a crash.
    for (const key of ['loop.a', 'loop.b', 'loop.c', 'loop.d']) expect(items[key]).toMatchObject({ dueAt: null, startsAt: null, state: 'waiting' });
  });
});

describe('states', () => {
  const awareAt = new Date('2026-05-11T08:00:00Z');
  const due = new Date(awareAt.getTime() + 24 * HOUR);
  const stateAt = (now: Date, completed: Record<string, Date> = {}, dueSoonMinutes?: number): DeadlineItem | undefined =>
    computeDeadlines(input({ times: { detectedAt: null, awareAt, reportedAt: null }, completed, now, ...(dueSoonMinutes === undefined ? {} : { dueSoonMinutes }) }))[0];

  it('pending, then due soon from the threshold (4 h by default) up to and including the due minute, then overdue', () => {
    expect(stateAt(awareAt)?.state).toBe('pending');
    expect(stateAt(new Date(due.getTime() - 4 * HOUR - 1))?.state).toBe('pending');
    expect(stateAt(new Date(due.getTime() - 4 * HOUR))?.state).toBe('due-soon');
    expect(stateAt(due)?.state).toBe('due-soon');
    expect(stateAt(new Date(due.getTime() + 1))?.state).toBe('overdue');
    expect(stateAt(new Date(due.getTime() - 30 * MINUTE), {}, 15)?.state).toBe('pending');
  });

  it('met when completed by the due time, missed when completed after it, whatever now is', () => {
    const later = new Date(due.getTime() + 48 * HOUR);
    expect(stateAt(later, { 'nis2.early-warning': due })?.state).toBe('met');
    expect(stateAt(later, { 'nis2.early-warning': new Date(due.getTime() + MINUTE) })?.state).toBe('missed');
  });

  it('waiting while the start is unknown, down the chain of stages; met if completed anyway', () => {
    const items = computeDeadlines(input({ completed: { 'nis2.early-warning': awareAt } }));
    expect(items.map((i) => [i.key, i.state, i.dueAt])).toEqual([
      ['nis2.early-warning', 'met', null],
      ['nis2.notification', 'waiting', null],
      ['nis2.final-report', 'waiting', null],
    ]);
    expect(items[2]?.isProvisional).toBe(false);
  });

  it('treats invalid dates as unknown', () => {
    const items = computeDeadlines(input({ times: { detectedAt: null, awareAt: new Date(NaN), reportedAt: null }, completed: { 'nis2.early-warning': new Date('nope') } }));
    expect(items[0]).toMatchObject({ state: 'waiting', dueAt: null, completedAt: null });
  });

  it('deadlineState covers every state directly', () => {
    const now = new Date('2026-05-11T12:00:00Z');
    expect(deadlineState(null, null, now)).toBe('waiting');
    expect(deadlineState(new Date(now.getTime() + 5 * HOUR), null, now)).toBe('pending');
    expect(deadlineState(new Date(now.getTime() + HOUR), null, now)).toBe('due-soon');
    expect(deadlineState(new Date(now.getTime() - MINUTE), null, now)).toBe('overdue');
    expect(deadlineState(now, new Date(now.getTime() - MINUTE), now)).toBe('met');
    expect(deadlineState(now, new Date(now.getTime() + MINUTE), now)).toBe('missed');
    expect(deadlineState(null, now, now)).toBe('met');
  });

  it('nextDeadline is the open deadline due first', () => {
    const items = computeDeadlines(input({ times: { detectedAt: null, awareAt, reportedAt: null }, completed: { 'nis2.early-warning': awareAt }, now: awareAt }));
    expect(nextDeadline(items)?.key).toBe('nis2.notification');
    expect(nextDeadline(computeDeadlines(input({})))).toBeNull();
  });
});

describe('remindersDue', () => {
  const awareAt = new Date('2026-05-11T08:00:00Z');
  const due = new Date(awareAt.getTime() + 72 * HOUR);
  const items = (now: Date, completed: Record<string, Date> = {}): DeadlineItem[] =>
    computeDeadlines(input({ times: { detectedAt: null, awareAt, reportedAt: null }, completed, now })).filter((i) => i.key === 'nis2.notification');
  const leads = [1440, 120];

  it('sends each lead once, when its moment comes, and nothing after the due time', () => {
    const sent = new Set<string>();
    const send = (now: Date): string[] => {
      const due = remindersDue(items(now), now, leads, sent);
      for (const r of due) sent.add(r.key);
      return due.map((r) => r.key);
    };
    expect(send(new Date(due.getTime() - 1440 * MINUTE - 1))).toEqual([]);
    expect(send(new Date(due.getTime() - 1440 * MINUTE))).toEqual(['nis2.notification@1440']);
    expect(send(new Date(due.getTime() - 1440 * MINUTE))).toEqual([]);
    expect(send(new Date(due.getTime() - 600 * MINUTE))).toEqual([]);
    expect(send(new Date(due.getTime() - 120 * MINUTE))).toEqual(['nis2.notification@120']);
    expect(send(new Date(due.getTime() - 60 * MINUTE))).toEqual([]);
    expect(send(new Date(due.getTime() + MINUTE))).toEqual([]);
    expect([...sent]).toEqual(['nis2.notification@1440', 'nis2.notification@120']);
  });

  it('reports the lead and the moment it became due', () => {
    const now = new Date(due.getTime() - 100 * MINUTE);
    const [reminder] = remindersDue(items(now), now, leads, new Set());
    expect(reminder).toMatchObject({ key: reminderKey('nis2.notification', 120), leadMinutes: 120, sendAt: new Date(due.getTime() - 120 * MINUTE) });
    expect(reminder?.item.key).toBe('nis2.notification');
  });

  it('sends only the shortest lead when several have passed, and never the longer one afterwards', () => {
    const now = new Date(due.getTime() - 60 * MINUTE);
    const sent = new Set(remindersDue(items(now), now, leads, new Set()).map((r) => r.key));
    expect([...sent]).toEqual(['nis2.notification@120']);
    expect(remindersDue(items(now), now, leads, sent)).toEqual([]);
  });

  it('sends nothing for completed or waiting deadlines, and ignores leads that are not positive whole minutes', () => {
    const now = new Date(due.getTime() - 60 * MINUTE);
    expect(remindersDue(items(now, { 'nis2.notification': awareAt }), now, leads, new Set())).toEqual([]);
    expect(remindersDue(computeDeadlines(input({ now })), now, leads, new Set())).toEqual([]);
    expect(remindersDue(items(now), now, [0, -5, 1.5, Number.NaN], new Set())).toEqual([]);
  });
});
