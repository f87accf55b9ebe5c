import { describe, expect, it } from 'vitest';
import {
  DEFAULT_REFERENCE_PATTERN,
  calendarDateIn,
  counterScope,
  csafFileName,
  formatReference,
  isValidKindCode,
  isValidTimeZone,
  parseReferencePattern,
  referenceSequenceKey,
} from '#src/modules/bulletins/reference';
import type { ReferencePattern } from '#src/modules/bulletins/reference';

function parsed(source: string): ReferencePattern {
  const result = parseReferencePattern(source);
  if (!result.ok) throw new Error(`pattern refused: ${JSON.stringify(result.error)}`);
  return result.pattern;
}

const april23 = new Date('2026-04-23T09:00:00Z');

describe('parseReferencePattern', () => {
  it.each([DEFAULT_REFERENCE_PATTERN, '{CCCC}{DD}{MM}/{YY}', 'CERTFR-{YYYY}-AVI-{NNNN}', 'CERTFR-{YYYY}-ALE-{NNN}', 'X_{N}.v1'])(
    'accepts %s',
    (source) => {
      const result = parseReferencePattern(source);
      expect(result.ok).toBe(true);
    },
  );

  it('splits the default pattern into literals and tokens', () => {
    expect(parsed(DEFAULT_REFERENCE_PATTERN).parts).toEqual([
      { type: 'literal', text: 'RIBAT-' },
      { type: 'date', token: 'YYYY' },
      { type: 'literal', text: '-' },
      { type: 'kind' },
      { type: 'literal', text: '-' },
      { type: 'counter', width: 4 },
    ]);
  });

  it.each([
    ['', { code: 'empty' }],
    [`${'A'.repeat(60)}-{NNNN}`, { code: 'too_long', max: 64 }],
    ['RIBAT-{YYYYY}-{NNNN}', { code: 'unknown_token', token: 'YYYYY', index: 6 }],
    ['RIBAT-{kind}-{NNNN}', { code: 'unknown_token', token: 'kind', index: 6 }],
    ['RIBAT-{NC}', { code: 'unknown_token', token: 'NC', index: 6 }],
    ['RIBAT-{}-{NNNN}', { code: 'unknown_token', token: '', index: 6 }],
    ['RIBAT-{YYYY}-BUL', { code: 'no_counter' }],
    ['{NNNN}-{CCCC}', { code: 'several_counters', index: 7 }],
    ['{NNNN}-{NN}', { code: 'several_counters', index: 7 }],
    ['RIBAT-{YYYY-{NNNN}', { code: 'unbalanced_braces', index: 6 }],
    ['RIBAT-{NNNN', { code: 'unbalanced_braces', index: 6 }],
    ['RIBAT-YYYY}-{NNNN}', { code: 'unbalanced_braces', index: 10 }],
    ['RIBAT {NNNN}', { code: 'invalid_character', character: ' ', index: 5 }],
    ['RIBAT:{NNNN}', { code: 'invalid_character', character: ':', index: 5 }],
    ['ربط-{NNNN}', { code: 'invalid_character', character: 'ر', index: 0 }],
    ['RIBAT-{NNNN}?x', { code: 'invalid_character', character: '?', index: 12 }],
    ['../{NNNN}', { code: 'unsafe_path' }],
    ['/RIBAT/{NNNN}', { code: 'unsafe_path' }],
    ['RIBAT//{NNNN}', { code: 'unsafe_path' }],
    ['{NNNN}/', { code: 'unsafe_path' }],
  ])('refuses %j naming the problem', (source, error) => {
    expect(parseReferencePattern(source)).toEqual({ ok: false, error });
  });
});

describe('counterScope', () => {
  it('is per year when the pattern shows the year, global otherwise', () => {
    expect(counterScope(parsed(DEFAULT_REFERENCE_PATTERN))).toBe('year');
    expect(counterScope(parsed('{CCCC}{DD}{MM}/{YY}'))).toBe('year');
    expect(counterScope(parsed('CERT-{MM}-{NNNN}'))).toBe('global');
    expect(counterScope(parsed('{CCCC}{DD}{MM}'))).toBe('global');
  });
});

describe('formatReference', () => {
  it('formats the default pattern with the default kind codes', () => {
    const pattern = parsed(DEFAULT_REFERENCE_PATTERN);
    expect(formatReference(pattern, { date: april23, kind: 'bulletin', counter: 7 })).toBe('RIBAT-2026-BUL-0007');
    expect(formatReference(pattern, { date: april23, kind: 'alert', counter: 7 })).toBe('RIBAT-2026-ALE-0007');
    expect(formatReference(pattern, { date: april23, kind: 'note', counter: 7 })).toBe('RIBAT-2026-NOT-0007');
  });

  it("formats maCERT's pattern: counter 6349 on 23 April 2026 gives 63492304/26", () => {
    expect(formatReference(parsed('{CCCC}{DD}{MM}/{YY}'), { date: april23, kind: 'bulletin', counter: 6349 })).toBe('63492304/26');
  });

  it("formats CERT-FR's pattern", () => {
    expect(formatReference(parsed('CERTFR-{YYYY}-AVI-{NNNN}'), { date: april23, kind: 'bulletin', counter: 42 })).toBe(
      'CERTFR-2026-AVI-0042',
    );
  });

  it('uses per-kind codes when configured', () => {
    const kindCodes = { bulletin: 'AVI', alert: 'ALE', note: 'ACT' };
    expect(formatReference(parsed('CERTFR-{YYYY}-{KIND}-{NNN}'), { date: april23, kind: 'note', kindCodes, counter: 3 })).toBe(
      'CERTFR-2026-ACT-003',
    );
  });

  it('never truncates a counter wider than its token', () => {
    expect(formatReference(parsed('{CCCC}{DD}{MM}/{YY}'), { date: april23, kind: 'alert', counter: 12345 })).toBe('123452304/26');
    expect(formatReference(parsed('X-{N}'), { date: april23, kind: 'alert', counter: 987 })).toBe('X-987');
  });

  it('takes the date in the configured time zone: 2026-12-31T23:30Z is 1 January 2027 in Casablanca (UTC+1)', () => {
    const date = new Date('2026-12-31T23:30:00Z');
    expect(formatReference(parsed('{CCCC}{DD}{MM}/{YY}'), { date, kind: 'bulletin', counter: 1 })).toBe('00010101/27');
    expect(formatReference(parsed(DEFAULT_REFERENCE_PATTERN), { date, kind: 'bulletin', counter: 1 })).toBe('RIBAT-2027-BUL-0001');
    expect(formatReference(parsed(DEFAULT_REFERENCE_PATTERN), { date, timeZone: 'UTC', kind: 'bulletin', counter: 1 })).toBe(
      'RIBAT-2026-BUL-0001',
    );
  });

  it('pads years below 1000 and months and days below 10', () => {
    const date = new Date('0999-02-03T12:00:00Z');
    expect(formatReference(parsed('{YYYY}{YY}{MM}{DD}-{N}'), { date, timeZone: 'UTC', kind: 'note', counter: 1 })).toBe('099999' + '0203-1');
  });

  it('refuses invalid counters, kind codes and time zones', () => {
    const pattern = parsed(DEFAULT_REFERENCE_PATTERN);
    expect(() => formatReference(pattern, { date: april23, kind: 'bulletin', counter: 0 })).toThrow(RangeError);
    expect(() => formatReference(pattern, { date: april23, kind: 'bulletin', counter: 1.5 })).toThrow(RangeError);
    const kindCodes = { bulletin: 'B U L', alert: 'ALE', note: 'NOT' };
    expect(() => formatReference(pattern, { date: april23, kind: 'bulletin', kindCodes, counter: 1 })).toThrow(RangeError);
    expect(() => formatReference(pattern, { date: april23, timeZone: 'Mars/Olympus', kind: 'bulletin', counter: 1 })).toThrow(RangeError);
  });
});

describe('referenceSequenceKey', () => {
  it('separates counters per year and per kind when the pattern shows them', () => {
    const pattern = parsed(DEFAULT_REFERENCE_PATTERN);
    expect(referenceSequenceKey(pattern, { date: april23, kind: 'bulletin' })).toBe('RIBAT-{YYYY}-{KIND}-{N}|year=2026|kind=BUL');
    expect(referenceSequenceKey(pattern, { date: new Date('2026-12-31T23:30:00Z'), kind: 'alert' })).toBe(
      'RIBAT-{YYYY}-{KIND}-{N}|year=2027|kind=ALE',
    );
  });

  it("shares one global counter across kinds and dates for maCERT's pattern", () => {
    const pattern = parsed('{CCCC}{DD}{MM}');
    const a = referenceSequenceKey(pattern, { date: april23, kind: 'bulletin' });
    const b = referenceSequenceKey(pattern, { date: new Date('2031-01-05T10:00:00Z'), kind: 'note' });
    expect(a).toBe('{N}{DD}{MM}');
    expect(b).toBe(a);
  });

  it('ignores the counter width so widening the counter continues the count', () => {
    expect(referenceSequenceKey(parsed('A-{NNN}'), { date: april23, kind: 'note' })).toBe(
      referenceSequenceKey(parsed('A-{NNNNN}'), { date: april23, kind: 'note' }),
    );
  });
});

describe('helpers', () => {
  it('reads the calendar date in a time zone', () => {
    expect(calendarDateIn(new Date('2026-12-31T23:30:00Z'), 'Africa/Casablanca')).toEqual({ year: 2027, month: 1, day: 1 });
    expect(calendarDateIn(new Date('2026-12-31T23:30:00Z'), 'UTC')).toEqual({ year: 2026, month: 12, day: 31 });
  });

  it('validates time zones and kind codes', () => {
    expect(isValidTimeZone('Africa/Casablanca')).toBe(true);
    expect(isValidTimeZone('Mars/Olympus')).toBe(false);
    expect(isValidKindCode('AVI')).toBe(true);
    expect(isValidKindCode('')).toBe(false);
    expect(isValidKindCode('A-B')).toBe(false);
  });
});

describe('csafFileName (CSAF 2.0 section 5.1)', () => {
  it.each([
    ['63492304/26', '63492304_26.json'],
    ['RIBAT-2026-BUL-0001', 'ribat-2026-bul-0001.json'],
    ['CERTFR-2026-AVI-0042', 'certfr-2026-avi-0042.json'],
    ['RIBAT-2026-BUL-0001-ar', 'ribat-2026-bul-0001-ar.json'],
    ['a//b..c d', 'a_b_c_d.json'],
    ['v1+build', 'v1+build.json'],
    ['Élevé/2026', '_lev_2026.json'],
  ])('%s → %s', (trackingId, fileName) => {
    expect(csafFileName(trackingId)).toBe(fileName);
  });
});
