// Reference numbers of bulletins, built from an operator-configured pattern such as `RIBAT-{YYYY}-{KIND}-{NNNN}`
// (default), maCERT's `{CCCC}{DD}{MM}/{YY}` or CERT-FR's `CERTFR-{YYYY}-AVI-{NNNN}`. Pure functions: the allocation
// of the counter (without gaps or reuse) belongs to the repository, keyed by `referenceSequenceKey`.

/** The three kinds of publication; behavioural, so code rather than vocabulary. */
export type BulletinKind = 'bulletin' | 'alert' | 'note';

/** Default code each kind contributes through `{KIND}`. */
export const DEFAULT_KIND_CODES: Readonly<Record<BulletinKind, string>> = { bulletin: 'BUL', alert: 'ALE', note: 'NOT' };

/** The pattern used when the operator configures none. */
export const DEFAULT_REFERENCE_PATTERN = 'RIBAT-{YYYY}-{KIND}-{NNNN}';

/** Time zone of the publication date when none is configured. */
export const DEFAULT_REFERENCE_TIME_ZONE = 'Africa/Casablanca';

/** Longest pattern accepted: references end up in URLs, file names and CSAF `tracking.id`. */
export const MAX_REFERENCE_PATTERN_LENGTH = 64;

type DateToken = 'YYYY' | 'YY' | 'MM' | 'DD';

/** One piece of a parsed pattern. */
export type ReferencePart =
  | { type: 'literal'; text: string }
  | { type: 'date'; token: DateToken }
  | { type: 'kind' }
  | { type: 'counter'; width: number };

/** A validated pattern, ready for `formatReference`. */
export interface ReferencePattern {
  source: string;
  parts: readonly ReferencePart[];
}

/** Why a pattern was refused; `index` is the 0-based position in the pattern text. The UI maps `code` to a message. */
export type ReferencePatternError =
  | { code: 'empty' }
  | { code: 'too_long'; max: number }
  | { code: 'unknown_token'; token: string; index: number }
  | { code: 'no_counter' }
  | { code: 'several_counters'; index: number }
  | { code: 'unbalanced_braces'; index: number }
  | { code: 'invalid_character'; character: string; index: number }
  | { code: 'unsafe_path' };

export type ParseReferencePatternResult = { ok: true; pattern: ReferencePattern } | { ok: false; error: ReferencePatternError };

const LITERAL_CHARACTER = /^[A-Za-z0-9/_.-]$/;
const KIND_CODE = /^[A-Za-z0-9]{1,16}$/;

function parseToken(token: string, index: number): ReferencePart | ReferencePatternError {
  switch (token) {
    case 'YYYY':
    case 'YY':
    case 'MM':
    case 'DD':
      return { type: 'date', token };
    case 'KIND':
      return { type: 'kind' };
    default:
      if (/^N+$/.test(token) || /^C+$/.test(token)) return { type: 'counter', width: token.length };
      return { code: 'unknown_token', token, index };
  }
}

/**
 * Parses and validates a reference pattern. Tokens: `{YYYY}`, `{YY}`, `{MM}`, `{DD}`, `{KIND}`, and exactly one
 * counter `{N…}` or `{C…}` (zero-padded to as many digits as letters); literals are limited to `[A-Za-z0-9/_.-]`.
 */
export function parseReferencePattern(source: string): ParseReferencePatternResult {
  const fail = (error: ReferencePatternError): ParseReferencePatternResult => ({ ok: false, error });
  if (source.length === 0) return fail({ code: 'empty' });
  if (source.length > MAX_REFERENCE_PATTERN_LENGTH) return fail({ code: 'too_long', max: MAX_REFERENCE_PATTERN_LENGTH });

  const parts: ReferencePart[] = [];
  let literal = '';
  let counterSeen = false;
  let index = 0;
  while (index < source.length) {
    const character = source.charAt(index);
    if (character === '}') return fail({ code: 'unbalanced_braces', index });
    if (character === '{') {
      const close = source.indexOf('}', index + 1);
      const nextOpen = source.indexOf('{', index + 1);
      if (close === -1 || (nextOpen !== -1 && nextOpen < close)) return fail({ code: 'unbalanced_braces', index });
      const part = parseToken(source.slice(index + 1, close), index);
      if ('code' in part) return fail(part);
      if (part.type === 'counter') {
        if (counterSeen) return fail({ code: 'several_counters', index });
        counterSeen = true;
      }
      if (literal !== '') parts.push({ type: 'literal', text: literal });
      literal = '';
      parts.push(part);
      index = close + 1;
      continue;
    }
    if (!LITERAL_CHARACTER.test(character)) {
      // Report the whole code point (an Arabic letter or an emoji), not half a surrogate pair.
      const codePoint = String.fromCodePoint(source.codePointAt(index) ?? 0);
      return fail({ code: 'invalid_character', character: codePoint, index });
    }
    literal += character;
    index += 1;
  }
  if (literal !== '') parts.push({ type: 'literal', text: literal });
  if (!counterSeen) return fail({ code: 'no_counter' });

  // References become URL path segments and file names: refuse shapes that a path resolver would reinterpret.
  // Tokens only ever produce letters and digits, so only the literals need checking.
  const literals = parts.filter((p) => p.type === 'literal').map((p) => p.text);
  const first = parts[0];
  const last = parts.at(-1);
  if (
    literals.some((text) => text.includes('..') || text.includes('//')) ||
    (first?.type === 'literal' && /^[./]/.test(first.text)) ||
    (last?.type === 'literal' && last.text.endsWith('/'))
  ) {
    return fail({ code: 'unsafe_path' });
  }
  return { ok: true, pattern: { source, parts } };
}

/**
 * When the running counter restarts: 'year' if the pattern shows the year (`{YYYY}` or `{YY}`), so the counter
 * resets every 1 January in the configured time zone; 'global' otherwise (one counter forever, as maCERT's).
 */
export function counterScope(pattern: ReferencePattern): 'year' | 'global' {
  return pattern.parts.some((p) => p.type === 'date' && (p.token === 'YYYY' || p.token === 'YY')) ? 'year' : 'global';
}

/** True when `{KIND}` appears, so each kind needs its own counter; otherwise all kinds share one. */
export function hasKindToken(pattern: ReferencePattern): boolean {
  return pattern.parts.some((p) => p.type === 'kind');
}

/** True when `timeZone` is an IANA zone this runtime knows (validate configuration with it). */
export function isValidTimeZone(timeZone: string): boolean {
  try {
    new Intl.DateTimeFormat('en-US', { timeZone });
    return true;
  } catch {
    return false;
  }
}

/** True when `code` can stand for a kind in references: 1 to 16 ASCII letters or digits. */
export function isValidKindCode(code: string): boolean {
  return KIND_CODE.test(code);
}

/** Calendar date (Gregorian, Latin digits) of `date` as seen in `timeZone`. */
export function calendarDateIn(date: Date, timeZone: string): { year: number; month: number; day: number } {
  const parts = new Intl.DateTimeFormat('en-US-u-ca-gregory-nu-latn', {
    timeZone,
    year: 'numeric',
    month: 'numeric',
    day: 'numeric',
  }).formatToParts(date);
  const get = (type: 'year' | 'month' | 'day'): number => Number(parts.find((p) => p.type === type)?.value);
  return { year: get('year'), month: get('month'), day: get('day') };
}

/** What a reference is built from. */
export interface ReferenceInput {
  /** Publication date; its calendar date is taken in `timeZone`. */
  date: Date;
  /** IANA time zone; defaults to Africa/Casablanca. */
  timeZone?: string;
  kind: BulletinKind;
  /** Codes for `{KIND}`; defaults to BUL, ALE, NOT. */
  kindCodes?: Readonly<Record<BulletinKind, string>>;
  /** The allocated counter value, a positive integer. */
  counter: number;
}

function kindCodeOf(input: Pick<ReferenceInput, 'kind' | 'kindCodes'>): string {
  const code = (input.kindCodes ?? DEFAULT_KIND_CODES)[input.kind];
  if (!isValidKindCode(code)) throw new RangeError(`Invalid kind code for ${input.kind}: ${JSON.stringify(code)}`);
  return code;
}

const pad = (value: number, width: number): string => String(value).padStart(width, '0');

/**
 * Builds the reference for one publication. The counter is zero-padded to the counter's width and never truncated
 * (counter 12345 with `{NNNN}` gives `12345`). Throws a RangeError on a counter that is not a positive safe integer,
 * an unknown time zone or an invalid kind code: those are programming or configuration errors.
 */
export function formatReference(pattern: ReferencePattern, input: ReferenceInput): string {
  if (!Number.isSafeInteger(input.counter) || input.counter < 1) {
    throw new RangeError(`Reference counter must be a positive integer, got ${input.counter}`);
  }
  const { year, month, day } = calendarDateIn(input.date, input.timeZone ?? DEFAULT_REFERENCE_TIME_ZONE);
  return pattern.parts
    .map((part) => {
      switch (part.type) {
        case 'literal':
          return part.text;
        case 'kind':
          return kindCodeOf(input);
        case 'counter':
          return pad(input.counter, part.width);
        case 'date':
          switch (part.token) {
            case 'YYYY':
              return pad(year, 4);
            case 'YY':
              return pad(year % 100, 2);
            case 'MM':
              return pad(month, 2);
            case 'DD':
              return pad(day, 2);
          }
      }
    })
    .join('');
}

/**
 * Identifies the counter sequence a new reference draws from: the pattern (counter width ignored, so widening
 * `{NNN}` to `{NNNN}` continues the count), plus the year when the scope is 'year', plus the kind code when the
 * pattern shows `{KIND}`. Two references from the same key differ by their counter, hence never collide.
 */
export function referenceSequenceKey(pattern: ReferencePattern, input: Omit<ReferenceInput, 'counter'>): string {
  const skeleton = pattern.parts
    .map((part) => {
      switch (part.type) {
        case 'literal':
          return part.text;
        case 'kind':
          return '{KIND}';
        case 'counter':
          return '{N}';
        case 'date':
          return `{${part.token}}`;
      }
    })
    .join('');
  let key = skeleton;
  if (counterScope(pattern) === 'year') {
    key += `|year=${calendarDateIn(input.date, input.timeZone ?? DEFAULT_REFERENCE_TIME_ZONE).year}`;
  }
  if (hasKindToken(pattern)) key += `|kind=${kindCodeOf(input)}`;
  return key;
}

/**
 * CSAF 2.0 file name for a `tracking.id` (section 5.1): lower-cased, every run of characters outside `[+\-a-z0-9]`
 * replaced by one `_`, then `.json` (`63492304/26` → `63492304_26.json`).
 */
export function csafFileName(trackingId: string): string {
  return `${trackingId.toLowerCase().replace(/[^+\-a-z0-9]+/g, '_')}.json`;
}
