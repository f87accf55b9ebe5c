/**
 * The pure parts of the statistics: local calendar periods and steps, the headline's plural forms in the three
 * languages, cell suppression, the configuration of the public report, and every figure having a definition.
 */
import { describe, expect, it } from 'vitest';
import { ConfigError, loadConfig } from '#src/config/config';
import { AppError } from '#src/core/errors';
import { catalogue } from '#src/web/catalogue';
import { figureKeys } from '#src/modules/statistics/statistics.types';
import { defaultPublicFigures, figureDefinitions } from '#src/modules/statistics/statistics.definitions';
import { backlogSteps, customPeriod, monthPeriod, monthSteps, previousPeriod, stepsUntil, yearPeriod } from '#src/modules/statistics/statistics.periods';
import { countedPhrase, headlineSentence } from '#src/modules/statistics/use-cases/compute-headline';
import { suppressCells, suppressFigure } from '#src/modules/statistics/use-cases/public-report';

const TZ = 'Africa/Casablanca';
const iso = (d: Date): string => d.toISOString();

describe('periods in the CERT’s time zone', () => {
  it('bounds years and months by local midnights (UTC+1, and UTC+0 during Ramadan)', () => {
    const y = yearPeriod(2026, TZ);
    expect([iso(y.from), iso(y.to)]).toEqual(['2025-12-31T23:00:00.000Z', '2026-12-31T23:00:00.000Z']);
    const march = monthPeriod(2026, 3, TZ);
    expect([iso(march.from), iso(march.to)]).toEqual(['2026-03-01T00:00:00.000Z', '2026-03-31T23:00:00.000Z']);
    expect(iso(yearPeriod(2026, 'UTC').from)).toBe('2026-01-01T00:00:00.000Z');
  });

  it('takes the previous period of the same kind and length', () => {
    const jan = previousPeriod(monthPeriod(2026, 1, TZ));
    expect(jan).toMatchObject({ kind: 'month', year: 2025, month: 12 });
    expect(previousPeriod(yearPeriod(2026, TZ))).toMatchObject({ kind: 'year', year: 2025 });
    const custom = customPeriod(new Date('2026-03-10T00:00:00Z'), new Date('2026-03-20T00:00:00Z'), TZ);
    expect([iso(previousPeriod(custom).from), iso(previousPeriod(custom).to)]).toEqual(['2026-02-28T00:00:00.000Z', '2026-03-10T00:00:00.000Z']);
  });

  it('refuses reversed, overlong and out-of-range periods with field errors', () => {
    const fieldOf = (f: () => unknown): string | undefined => {
      try {
        f();
      } catch (err) {
        if (err instanceof AppError) return `${err.fields[0]?.field ?? ''}:${err.fields[0]?.message ?? ''}`;
        throw err;
      }
      return undefined;
    };
    expect(fieldOf(() => customPeriod(new Date('2026-03-10T00:00:00Z'), new Date('2026-03-10T00:00:00Z'), TZ))).toBe('to:date_order');
    expect(fieldOf(() => customPeriod(new Date('2000-01-01T00:00:00Z'), new Date('2026-01-01T00:00:00Z'), TZ))).toBe('to:too_large');
    expect(fieldOf(() => monthPeriod(2026, 13, TZ))).toBe('month:invalid_choice');
    expect(fieldOf(() => yearPeriod(1969, TZ))).toBe('year:invalid_choice');
  });

  it('splits a range into local months, the first and last clipped', () => {
    const steps = monthSteps(new Date('2026-01-20T12:00:00Z'), new Date('2026-03-10T00:00:00Z'), TZ);
    expect(steps.map((s) => [s.label, iso(s.from), iso(s.to)])).toEqual([
      ['2026-01', '2026-01-20T12:00:00.000Z', '2026-01-31T23:00:00.000Z'],
      ['2026-02', '2026-01-31T23:00:00.000Z', '2026-03-01T00:00:00.000Z'],
      ['2026-03', '2026-03-01T00:00:00.000Z', '2026-03-10T00:00:00.000Z'],
    ]);
    expect(monthSteps(yearPeriod(2026, TZ).from, yearPeriod(2026, TZ).to, TZ)).toHaveLength(12);
  });

  it('measures the backlog monthly over a year, weekly over three months or less, and stops at now', () => {
    expect(backlogSteps(yearPeriod(2026, TZ)).map((s) => s.label)).toEqual(['2026-01-31', '2026-02-28', '2026-03-31', '2026-04-30', '2026-05-31', '2026-06-30', '2026-07-31', '2026-08-31', '2026-09-30', '2026-10-31', '2026-11-30', '2026-12-31']);
    const quarter = customPeriod(new Date('2026-04-01T00:00:00Z'), new Date('2026-06-01T00:00:00Z'), 'UTC');
    const weeks = backlogSteps(quarter);
    expect(weeks).toHaveLength(9);
    expect(weeks.map((s) => s.label).slice(0, 2)).toEqual(['2026-04-07', '2026-04-14']);
    expect(weeks.at(-1)?.label).toBe('2026-05-31');
    const cut = stepsUntil(weeks, new Date('2026-04-10T12:00:00Z'), 'UTC', true);
    expect(cut.map((s) => [s.label, iso(s.to)])).toEqual([
      ['2026-04-07', '2026-04-08T00:00:00.000Z'],
      ['2026-04-10', '2026-04-10T12:00:00.000Z'],
    ]);
  });
});

describe('headline plural forms', () => {
  it('uses the six Arabic forms: 0, 1, 2, 3–10, 11–99, 100+', () => {
    const ar = (n: number): string => countedPhrase('ar', 'statistics.headline.treated', n);
    expect([0, 1, 2, 3, 10, 11, 99, 100, 101, 102, 103, 111, 1000, 1234].map(ar)).toEqual([
      'لم تتم معالجة أي حادث',
      'معالجة حادث واحد',
      'معالجة حادثين',
      'معالجة 3 حوادث',
      'معالجة 10 حوادث',
      'معالجة 11 حادثًا',
      'معالجة 99 حادثًا',
      'معالجة 100 حادث',
      'معالجة 101 حادث',
      'معالجة 102 حادث',
      'معالجة 103 حوادث',
      'معالجة 111 حادثًا',
      'معالجة 1.000 حادث',
      'معالجة 1.234 حادثًا',
    ]);
  });

  it('uses the French and English forms and their number formats', () => {
    expect([0, 1, 2, 1234, 1_000_000].map((n) => countedPhrase('fr', 'statistics.headline.treated', n))).toEqual([
      'aucun incident traité',
      'un incident traité',
      '2 incidents traités',
      '1.234 incidents traités',
      '1.000.000 incidents traités',
    ]);
    expect([0, 1, 2, 1234].map((n) => countedPhrase('en', 'statistics.headline.published', n))).toEqual([
      'no bulletins or notes published',
      'one bulletin or note published',
      '2 bulletins and notes published',
      '1,234 bulletins and notes published',
    ]);
  });

  it('writes the issue’s example sentence exactly', () => {
    const figures = { treated: 150, published: 464, critical: 133 };
    expect(headlineSentence('fr', 2026, figures)).toBe('En 2026 : 150 incidents traités, 464 bulletins et notes publiés, dont 133 critiques');
    expect(headlineSentence('en', 2026, figures)).toBe('In 2026: 150 incidents handled, 464 bulletins and notes published, 133 of them critical');
    expect(headlineSentence('ar', 2026, figures)).toBe('في سنة 2026: معالجة 150 حادثًا، ونشر 464 نشرةً، منها 133 نشرةً حرجة');
  });
});

describe('suppression', () => {
  const cells = (...values: number[]) => values.map((value) => ({ value, suppressed: false }));
  const shown = (line: { value: number; suppressed: boolean }[]) => line.map((c) => (c.suppressed ? null : c.value));

  it('suppresses counts from 1 to the threshold minus one, never zero', () => {
    const line = cells(0, 1, 4, 5, 12);
    suppressCells([line], 5);
    expect(shown(line)).toEqual([0, null, null, 5, 12]);
  });

  it('adds the next smallest non-zero cell when a single cell would be derivable from the total', () => {
    const line = cells(0, 3, 9, 7, 20);
    suppressCells([line], 5);
    expect(shown(line)).toEqual([0, null, 9, null, 20]);
    const onlyZeros = cells(2, 0, 0);
    suppressCells([onlyZeros], 5);
    expect(shown(onlyZeros)).toEqual([null, null, 0]);
  });

  it('protects rows and columns of a table until no line gives a cell away', () => {
    // Two rows and their total row; columns add up to the total row.
    const r1 = cells(10, 3, 8);
    const r2 = cells(10, 9, 8);
    const total = cells(20, 12, 16);
    const columns = [0, 1, 2].map((j) => [r1[j], r2[j], total[j]].filter((c) => c !== undefined));
    suppressCells([r1, r2, total, ...columns], 5);
    // r1's 3 is small; r1's 8 goes with it; then the columns of 3 and 8 need a second cell each (r2's).
    expect([shown(r1), shown(r2), shown(total)]).toEqual([
      [10, null, null],
      [10, null, null],
      [20, 12, 16],
    ]);
  });

  it('suppresses a small total with every non-zero category, and durations over too few incidents', () => {
    const figure = suppressFigure(
      'incidents.reported',
      { kind: 'count', value: 3, breakdowns: { channel: [{ code: 'portal', labels: null, value: 3 }, { code: 'api', labels: null, value: 0 }] } },
      5,
    );
    expect(figure).toEqual({ kind: 'count', value: null, suppressed: true, breakdowns: { channel: [{ code: 'portal', labels: null, value: null, suppressed: true }, { code: 'api', labels: null, value: 0 }] } });
    expect(suppressFigure('incidents.triage_time', { kind: 'duration', count: 4, medianSeconds: 60, p90Seconds: 90 }, 5)).toMatchObject({ count: null, medianSeconds: null, suppressed: true });
    expect(suppressFigure('bulletins.published', { kind: 'count', value: 1, breakdowns: {} }, 5)).toEqual({ kind: 'count', value: 1, breakdowns: {} });
  });
});

describe('definitions and configuration', () => {
  it('defines every figure, with its name and definition in every language', () => {
    for (const key of figureKeys) {
      const d = figureDefinitions[key];
      expect(d.key).toBe(key);
      for (const locale of ['fr', 'ar', 'en'] as const) {
        expect(catalogue[locale][d.nameKey], `${locale} ${d.nameKey}`).toBeTruthy();
        expect(catalogue[locale][d.definitionKey], `${locale} ${d.definitionKey}`).toBeTruthy();
      }
    }
  });

  it('reads RIBAT_STATS_PUBLIC_FIGURES and RIBAT_STATS_MIN_COUNT, listing invalid values with the other errors', () => {
    const base = { RIBAT_SECRET: 'test-secret-test-secret-test-secret-0123', RIBAT_DATA_DIR: '/tmp/ribat-stats-config', RIBAT_LOG_LEVEL: 'silent' };
    const defaults = loadConfig(base, { createSecret: false });
    expect(defaults.statsPublicFigures).toEqual(defaultPublicFigures);
    expect(defaults.statsMinCount).toBe(5);
    const chosen = loadConfig({ ...base, RIBAT_STATS_PUBLIC_FIGURES: 'bulletins.cves, incidents.reported', RIBAT_STATS_MIN_COUNT: '10' }, { createSecret: false });
    expect(chosen.statsPublicFigures).toEqual(['incidents.reported', 'bulletins.cves']);
    expect(chosen.statsMinCount).toBe(10);
    expect(loadConfig({ ...base, RIBAT_STATS_PUBLIC_FIGURES: 'none' }, { createSecret: false }).statsPublicFigures).toEqual([]);
    try {
      loadConfig({ ...base, RIBAT_STATS_PUBLIC_FIGURES: 'incidents.reported,incidents.secret', RIBAT_STATS_MIN_COUNT: '0', RIBAT_PORT: 'x' }, { createSecret: false });
      expect.unreachable('the configuration is invalid');
    } catch (err) {
      expect(err).toBeInstanceOf(ConfigError);
      const problems = (err as ConfigError).problems;
      expect(problems).toHaveLength(3);
      expect(problems.some((p) => p.startsWith('RIBAT_STATS_PUBLIC_FIGURES: unknown figure(s) incidents.secret'))).toBe(true);
      expect(problems).toContain('RIBAT_STATS_MIN_COUNT: expected an integer between 1 and 1000, got "0"');
    }
  });
});
