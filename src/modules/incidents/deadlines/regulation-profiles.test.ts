import { describe, expect, it } from 'vitest';
import {
  applyOverrides,
  certSlaProfile,
  checkProfiles,
  findProfile,
  formatStageTiming,
  morocco0520Profile,
  nis2Profile,
  parseProfileOverrides,
  parseStageTiming,
  regulationProfiles,
  type RegulationProfile,
} from '#src/modules/incidents/deadlines/regulation-profiles';

describe('shipped profiles', () => {
  it('are consistent and labelled in French, Arabic and English', () => {
    expect(checkProfiles(regulationProfiles)).toEqual([]);
    expect(regulationProfiles.map((p) => p.code)).toEqual(['ma-05-20', 'nis2', 'cert-sla']);
    for (const profile of regulationProfiles) {
      for (const label of [profile.label, ...profile.stages.map((s) => s.label)]) {
        expect(label.fr.trim()).not.toBe('');
        expect(label.en.trim()).not.toBe('');
        expect(label.ar).toMatch(/[\u0600-\u06FF]/);
      }
    }
  });

  it('NIS2 art. 23: early warning 24 h and notification 72 h from awareness, final report 1 month after the notification', () => {
    expect(nis2Profile.stages.map(({ code, startsFrom, duration, clock }) => ({ code, startsFrom, duration, clock }))).toEqual([
      { code: 'early-warning', startsFrom: 'awareness', duration: { hours: 24 }, clock: 'calendar' },
      { code: 'notification', startsFrom: 'awareness', duration: { hours: 72 }, clock: 'calendar' },
      { code: 'final-report', startsFrom: { afterStage: 'notification' }, duration: { months: 1 }, clock: 'calendar' },
    ]);
  });

  it('law 05-20 defaults to a declaration within 24 h and a follow-up within 72 h of awareness', () => {
    expect(morocco0520Profile.stages.map(({ code, startsFrom, duration, clock }) => ({ code, startsFrom, duration, clock }))).toEqual([
      { code: 'declaration', startsFrom: 'awareness', duration: { hours: 24 }, clock: 'calendar' },
      { code: 'follow-up', startsFrom: 'awareness', duration: { hours: 72 }, clock: 'calendar' },
    ]);
  });

  it("the CERT's service levels: first response 24 h calendar, triage 8 business hours, from receipt of the report", () => {
    expect(certSlaProfile.stages.map(({ code, startsFrom, duration, clock }) => ({ code, startsFrom, duration, clock }))).toEqual([
      { code: 'first-response', startsFrom: 'reported', duration: { hours: 24 }, clock: 'calendar' },
      { code: 'triage', startsFrom: 'reported', duration: { hours: 8 }, clock: 'business' },
    ]);
    expect(findProfile('cert-sla')).toBe(certSlaProfile);
    expect(findProfile('gdpr')).toBeUndefined();
  });
});

describe('parseStageTiming and formatStageTiming', () => {
  it('reads each unit and writes it back', () => {
    const cases: [string, unknown][] = [
      ['90m', { duration: { minutes: 90 }, clock: 'calendar' }],
      ['12h', { duration: { hours: 12 }, clock: 'calendar' }],
      ['5d', { duration: { days: 5 }, clock: 'calendar' }],
      ['1mo', { duration: { months: 1 }, clock: 'calendar' }],
      ['30bm', { duration: { minutes: 30 }, clock: 'business' }],
      ['4bh', { duration: { hours: 4 }, clock: 'business' }],
    ];
    for (const [text, timing] of cases) {
      const parsed = parseStageTiming(text);
      expect(parsed).toEqual({ ok: true, timing });
      if (parsed.ok) expect(formatStageTiming(parsed.timing)).toBe(text);
    }
    expect(parseStageTiming(' 4 BH ')).toEqual({ ok: true, timing: { duration: { hours: 4 }, clock: 'business' } });
    expect(formatStageTiming({ duration: { hours: 1, minutes: 30 }, clock: 'business' })).toBe('90bm');
    expect(formatStageTiming({ duration: { months: 1, days: 2 }, clock: 'calendar' })).toBe('1mo 2d');
  });

  it('refuses zero, huge, fractional and unit-less amounts', () => {
    expect(parseStageTiming('0h')).toEqual({ ok: false, message: 'the duration must be greater than zero' });
    expect(parseStageTiming('1000000h').ok).toBe(false);
    expect(parseStageTiming('1.5h').ok).toBe(false);
    expect(parseStageTiming('24').ok).toBe(false);
    expect(parseStageTiming('-4h').ok).toBe(false);
    expect(parseStageTiming('2bd').ok).toBe(false);
  });
});

describe('parseProfileOverrides', () => {
  it('reads the configuration example', () => {
    expect(parseProfileOverrides('ma-05-20.declaration=12h, ma-05-20.follow-up=5d, cert-sla.first-response=4bh')).toEqual({
      ok: true,
      overrides: {
        'ma-05-20.declaration': { duration: { hours: 12 }, clock: 'calendar' },
        'ma-05-20.follow-up': { duration: { days: 5 }, clock: 'calendar' },
        'cert-sla.first-response': { duration: { hours: 4 }, clock: 'business' },
      },
    });
  });

  it('accepts new lines and semicolons, ignores blank entries, and reads an empty text as no overrides', () => {
    expect(parseProfileOverrides('\n NIS2.Early-Warning = 12h ;\n\ncert-sla.triage=30bm,')).toEqual({
      ok: true,
      overrides: { 'nis2.early-warning': { duration: { hours: 12 }, clock: 'calendar' }, 'cert-sla.triage': { duration: { minutes: 30 }, clock: 'business' } },
    });
    expect(parseProfileOverrides('  ')).toEqual({ ok: true, overrides: {} });
  });

  it('lists every error at once, each naming its key', () => {
    const result = parseProfileOverrides(
      ['gdpr.notification=72h', 'nis2.interim=5d', 'nis2.early-warning=12x', 'cert-sla.triage=0bh', 'ma-05-20.declaration', 'nis2=24h', 'nis2.notification=48h', 'nis2.notification=24h'].join(','),
    );
    expect(result.ok).toBe(false);
    if (result.ok) return;
    expect(result.errors.map((e) => e.key)).toEqual(['gdpr.notification', 'nis2.interim', 'nis2.early-warning', 'cert-sla.triage', 'ma-05-20.declaration', 'nis2', 'nis2.notification']);
    const messages = result.errors.map((e) => e.message);
    expect(messages[0]).toBe('unknown profile "gdpr" (known: ma-05-20, nis2, cert-sla)');
    expect(messages[1]).toBe('unknown stage "interim" of nis2 (known: early-warning, notification, final-report)');
    expect(messages[2]).toContain('"12x" is not a duration');
    expect(messages[3]).toBe('the duration must be greater than zero');
    expect(messages[4]).toContain('expected key=duration');
    expect(messages[5]).toContain('<profile>.<stage>');
    expect(messages[6]).toBe('given more than once');
  });

  it('checks keys against the profiles given', () => {
    const custom: RegulationProfile = { code: 'dora', label: { fr: 'DORA', ar: 'DORA', en: 'DORA' }, stages: [{ code: 'initial', label: { fr: 'Initial', ar: 'أولي', en: 'Initial' }, startsFrom: 'awareness', duration: { hours: 4 }, clock: 'calendar' }] };
    expect(parseProfileOverrides('dora.initial=2h', [custom]).ok).toBe(true);
    expect(parseProfileOverrides('nis2.notification=2h', [custom]).ok).toBe(false);
  });
});

describe('applyOverrides', () => {
  it('replaces the duration and the clock of the named stages only', () => {
    const parsed = parseProfileOverrides('cert-sla.first-response=4bh');
    if (!parsed.ok) throw new Error('expected valid overrides');
    const profile = applyOverrides(certSlaProfile, parsed.overrides);
    expect(profile.stages[0]).toMatchObject({ code: 'first-response', duration: { hours: 4 }, clock: 'business' });
    expect(profile.stages[1]).toBe(certSlaProfile.stages[1]);
    expect(certSlaProfile.stages[0]).toMatchObject({ duration: { hours: 24 }, clock: 'calendar' });
  });
});

describe('checkProfiles', () => {
  const label = { fr: 'x', ar: 'س', en: 'x' };
  it('finds cycles, unknown predecessors, business days, bad codes, duplicates and empty durations', () => {
    const broken: RegulationProfile[] = [
      {
        code: 'Bad Code',
        label,
        stages: [
          { code: 'a', label, startsFrom: { afterStage: 'b' }, duration: { hours: 1 }, clock: 'calendar' },
          { code: 'b', label, startsFrom: { afterStage: 'a' }, duration: { hours: 1 }, clock: 'calendar' },
          { code: 'c', label, startsFrom: { afterStage: 'missing' }, duration: { hours: 1 }, clock: 'calendar' },
          { code: 'd', label, startsFrom: 'reported', duration: { days: 2 }, clock: 'business' },
          { code: 'd', label, startsFrom: 'reported', duration: {}, clock: 'calendar' },
        ],
      },
      { code: 'Bad Code', label, stages: [] },
    ];
    const errors = checkProfiles(broken);
    expect(errors).toEqual([
      { key: 'Bad Code', message: 'a profile code is lower-case letters, digits and single hyphens' },
      { key: 'Bad Code.d', message: 'a business-hours clock counts hours and minutes only' },
      { key: 'Bad Code.d', message: 'stage code used more than once in its profile' },
      { key: 'Bad Code.d', message: 'the duration must be made of non-negative whole numbers and be greater than zero' },
      { key: 'Bad Code.a', message: 'its start depends on itself through other stages' },
      { key: 'Bad Code.b', message: 'its start depends on itself through other stages' },
      { key: 'Bad Code.c', message: 'starts after "missing", which is not another stage of Bad Code' },
      { key: 'Bad Code', message: 'a profile code is lower-case letters, digits and single hyphens' },
      { key: 'Bad Code', message: 'profile code used more than once' },
    ]);
  });
});
