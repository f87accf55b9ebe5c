/**
 * Indicators of compromise (observables): validation and normalisation per type, type detection, refanging and
 * defanging, and extraction from free text (an e-mail, a report, a log excerpt) for an analyst to confirm.
 *
 * Normalised forms: IPv4 dotted decimal (leading zeros refused: `010.0.0.1` is octal to some parsers); IPv6 in
 * RFC 5952 form; CIDR as its network (`10.1.2.3/8` → `10.0.0.0/8`); domains lower-case, IDN in punycode, no trailing
 * dot; URLs with the scheme (http, https, ftp) and host lower-cased, an empty path written `/`, the rest kept as
 * given; e-mail addresses lower-cased; hashes lower-case hex; ASNs as `AS64500`; CVE ids upper-case; file names as
 * given (trimmed). Values typed into a field are refanged first, since analysts paste defanged values.
 */
import { hasControlCharacters, isValidEmail, normaliseDomain, normaliseEmail, parseCidr } from '#src/core/validation';
import { matchCveIds, parseCveId } from '#src/modules/vulnerabilities/cve';

/** The indicator types Ribat stores. */
export const indicatorTypes = ['ipv4', 'ipv6', 'cidr', 'domain', 'url', 'email', 'md5', 'sha1', 'sha256', 'sha512', 'filename', 'cve', 'asn'] as const;

/** One indicator type. */
export type IndicatorType = (typeof indicatorTypes)[number];

/** Why a value was refused. */
export type IndicatorRejection = 'empty' | 'invalid' | 'leading_zero' | 'unsupported_scheme' | 'too_long';

/** The result of {@link normaliseIndicator}. */
export type NormalisedIndicator = { ok: true; value: string } | { ok: false; reason: IndicatorRejection };

/** An indicator found in text: normalised value, type, where it first appears (UTF-16 offsets into the text given, end exclusive) and how often. */
export interface ExtractedIndicator {
  type: IndicatorType;
  value: string;
  start: number;
  end: number;
  occurrences: number;
}

/**
 * File extensions that make `name.ext` a file name rather than a domain in free text. Some are also TLDs (`zip`,
 * `mov`, `sh`, `py`…): in an incident report, `invoice.zip` is far more often a file than a host. Extensions that are
 * mostly seen as domains (`com`, `pl`, `so`, `app`) are left out.
 */
export const fileExtensions: ReadonlySet<string> = new Set([
  'exe', 'dll', 'sys', 'scr', 'cpl', 'msi', 'msp', 'drv', 'ocx', 'bin', 'elf', 'dylib', 'apk', 'ipa', 'dmg', 'pkg', 'deb', 'rpm',
  'bat', 'cmd', 'ps1', 'psm1', 'vbs', 'vbe', 'js', 'jse', 'wsf', 'wsh', 'hta', 'sh', 'py', 'rb', 'php', 'jar', 'class', 'lnk', 'url', 'iso', 'img', 'vhd', 'vhdx',
  'pdf', 'doc', 'docx', 'docm', 'dot', 'dotm', 'xls', 'xlsx', 'xlsm', 'xlsb', 'xlam', 'ppt', 'pptx', 'pptm', 'rtf', 'odt', 'ods', 'odp', 'one', 'txt', 'csv', 'log', 'xml', 'json', 'ini', 'cfg', 'conf', 'dat', 'tmp',
  'zip', 'rar', '7z', 'gz', 'tgz', 'bz2', 'xz', 'tar', 'cab', 'ace', 'arj',
  'html', 'htm', 'svg', 'eml', 'msg', 'chm',
  'jpg', 'jpeg', 'png', 'gif', 'bmp', 'ico', 'mp3', 'mp4', 'mov', 'avi', 'wav',
]);

/** Longest URL accepted (browsers and proxies cut far earlier in practice). */
const MAX_URL_LENGTH = 8192;
/** Longest file name on common file systems, in bytes of UTF-8. */
const MAX_FILENAME_BYTES = 255;
const MAX_ASN = 4_294_967_295;

const HASH_LENGTHS: ReadonlyMap<number, IndicatorType> = new Map([
  [32, 'md5'],
  [40, 'sha1'],
  [64, 'sha256'],
  [128, 'sha512'],
]);
const HASH_TYPE_LENGTH: Readonly<Record<'md5' | 'sha1' | 'sha256' | 'sha512', number>> = { md5: 32, sha1: 40, sha256: 64, sha512: 128 };

const IPV4_SHAPE = /^\d{1,3}(?:\.\d{1,3}){3}$/;
const HEX = /^[0-9a-f]+$/i;

function ok(value: string): NormalisedIndicator {
  return { ok: true, value };
}

function no(reason: IndicatorRejection): NormalisedIndicator {
  return { ok: false, reason };
}

function normaliseIpv4(s: string): NormalisedIndicator {
  if (!IPV4_SHAPE.test(s)) return no('invalid');
  if (s.split('.').some((octet) => octet.length > 1 && octet.startsWith('0'))) return no('leading_zero');
  const parsed = parseCidr(s);
  return parsed?.version === 4 ? ok(parsed.cidr.slice(0, -'/32'.length)) : no('invalid');
}

function normaliseIpv6(input: string): NormalisedIndicator {
  const s = input.startsWith('[') && input.endsWith(']') ? input.slice(1, -1) : input;
  if (s.includes('/') || !s.includes(':')) return no('invalid');
  const parsed = parseCidr(s);
  return parsed?.version === 6 ? ok(parsed.cidr.slice(0, -'/128'.length)) : no('invalid');
}

function normaliseCidrValue(s: string): NormalisedIndicator {
  const slash = s.indexOf('/');
  const address = slash < 0 ? s : s.slice(0, slash);
  if (IPV4_SHAPE.test(address) && address.split('.').some((o) => o.length > 1 && o.startsWith('0'))) return no('leading_zero');
  const parsed = parseCidr(s);
  return parsed ? ok(parsed.cidr) : no('invalid');
}

/** A URL's host: a domain, an IPv4 address or a bracketed IPv6 address; null if invalid. */
function normaliseHost(host: string): string | null {
  if (host.startsWith('[')) {
    const v6 = normaliseIpv6(host);
    return v6.ok ? `[${v6.value}]` : null;
  }
  if (/^[\d.]+$/.test(host)) {
    const v4 = normaliseIpv4(host);
    return v4.ok ? v4.value : null;
  }
  return normaliseDomain(host);
}

const URL_SHAPE = /^([a-z][a-z0-9+.-]*):\/\/([^/?#]*)(.*)$/is;

function normaliseUrl(s: string): NormalisedIndicator {
  if (s.length > MAX_URL_LENGTH) return no('too_long');
  if (/\s/.test(s) || hasControlCharacters(s)) return no('invalid');
  const m = URL_SHAPE.exec(s);
  if (!m) return no('invalid');
  const scheme = (m[1] ?? '').toLowerCase();
  if (scheme !== 'http' && scheme !== 'https' && scheme !== 'ftp') return no('unsupported_scheme');
  const authority = m[2] ?? '';
  const rest = m[3] ?? '';
  // The userinfo is kept verbatim: 'http://bank.example@evil.example/' is a classic phishing form worth recording as is.
  const at = authority.lastIndexOf('@');
  const userinfo = at >= 0 ? authority.slice(0, at + 1) : '';
  const hostPort = authority.slice(at + 1);
  let hostPart: string;
  let port: string | undefined;
  if (hostPort.startsWith('[')) {
    const close = hostPort.indexOf(']');
    if (close < 0) return no('invalid');
    hostPart = hostPort.slice(0, close + 1);
    const after = hostPort.slice(close + 1);
    if (after !== '' && !/^:\d{1,5}$/.test(after)) return no('invalid');
    port = after === '' ? undefined : after.slice(1);
  } else {
    const hp = /^([^:]*)(?::(\d{1,5}))?$/.exec(hostPort);
    if (!hp) return no('invalid');
    hostPart = hp[1] ?? '';
    port = hp[2];
  }
  const host = normaliseHost(hostPart);
  if (host === null) return no('invalid');
  if (port !== undefined && (Number(port) < 1 || Number(port) > 65535)) return no('invalid');
  const portText = port === undefined ? '' : `:${Number(port)}`;
  const path = rest === '' ? '/' : rest;
  if (!/^[/?#]/.test(path)) return no('invalid');
  return ok(`${scheme}://${userinfo}${host}${portText}${path}`);
}

function normaliseAsn(s: string): NormalisedIndicator {
  const m = /^(?:ASN?\s*)?(\d{1,10})(?:\.(\d{1,5}))?$/i.exec(s);
  if (!m) return no('invalid');
  const high = m[1] ?? '';
  const low = m[2];
  if ((high.length > 1 && high.startsWith('0')) || (low !== undefined && low.length > 1 && low.startsWith('0'))) return no('leading_zero');
  // asdot notation (RFC 5396): 'AS1.10' is 1 × 65536 + 10.
  const value = low === undefined ? Number(high) : Number(high) * 65536 + Number(low);
  if (low !== undefined && (Number(high) > 65535 || Number(low) > 65535)) return no('invalid');
  return value <= MAX_ASN ? ok(`AS${value}`) : no('invalid');
}

function normaliseFilename(s: string): NormalisedIndicator {
  if (s === '.' || s === '..') return no('invalid');
  if (/[/\\\0]/.test(s) || hasControlCharacters(s)) return no('invalid');
  if (Buffer.byteLength(s, 'utf8') > MAX_FILENAME_BYTES) return no('too_long');
  return ok(s);
}

/** Types whose typed values are refanged before validation (the ones defanging applies to). */
function isFangable(type: IndicatorType): boolean {
  return type === 'ipv4' || type === 'ipv6' || type === 'cidr' || type === 'domain' || type === 'url' || type === 'email';
}

/** Validates and normalises a value of the given type; values of the fangable types are refanged first. */
export function normaliseIndicator(type: IndicatorType, value: string): NormalisedIndicator {
  const raw = (isFangable(type) ? refang(value) : value).trim();
  if (raw === '') return no('empty');
  switch (type) {
    case 'ipv4':
      return normaliseIpv4(raw);
    case 'ipv6':
      return normaliseIpv6(raw);
    case 'cidr':
      return normaliseCidrValue(raw);
    case 'domain': {
      if (raw.length > 254) return no('too_long');
      const d = normaliseDomain(raw);
      return d === null ? no('invalid') : ok(d);
    }
    case 'url':
      return normaliseUrl(raw);
    case 'email': {
      const e = normaliseEmail(raw);
      return isValidEmail(e) ? ok(e) : no('invalid');
    }
    case 'md5':
    case 'sha1':
    case 'sha256':
    case 'sha512':
      return raw.length === HASH_TYPE_LENGTH[type] && HEX.test(raw) ? ok(raw.toLowerCase()) : no('invalid');
    case 'filename':
      return normaliseFilename(raw);
    case 'cve': {
      const id = parseCveId(raw);
      return id === null ? no('invalid') : ok(id);
    }
    case 'asn':
      return normaliseAsn(raw);
  }
}

/** True if the last label of `name` is a known file extension (`invoice.pdf`, `setup.exe`). */
function hasFileExtension(name: string): boolean {
  const dot = name.lastIndexOf('.');
  return dot > 0 && fileExtensions.has(name.slice(dot + 1).toLowerCase());
}

/**
 * Guesses the type of a single value (refanged first): URL, e-mail, CIDR, IP address, hash (by length), CVE, ASN,
 * file name (a known extension), domain; null when nothing fits. A bare number is not taken for an ASN.
 */
export function detectIndicatorType(value: string): IndicatorType | null {
  const v = refang(value).trim();
  if (v === '') return null;
  if (/^[a-z][a-z0-9+.-]*:\/\//i.test(v)) return normaliseIndicator('url', v).ok ? 'url' : null;
  if (v.includes('@')) return normaliseIndicator('email', v).ok ? 'email' : null;
  if (v.includes('/')) return normaliseIndicator('cidr', v).ok ? 'cidr' : null;
  if (normaliseIpv4(v).ok) return 'ipv4';
  if (v.includes(':') && normaliseIpv6(v).ok) return 'ipv6';
  if (HEX.test(v)) {
    const hash = HASH_LENGTHS.get(v.length);
    if (hash) return hash;
  }
  if (parseCveId(v) !== null) return 'cve';
  if (/^AS(?:N\s?)?\d+$/i.test(v) && normaliseAsn(v).ok) return 'asn';
  if (hasFileExtension(v) && normaliseFilename(v).ok) return 'filename';
  if (normaliseDomain(v) !== null) return 'domain';
  return null;
}

// --- Refanging -----------------------------------------------------------------------------------------------------

/**
 * One pass over every defanging form: `hxxp`/`hxxps`/`fxp` schemes, `[.]` `(.)` `{.}` `[dot]` (any bracket pair,
 * optional inner spaces), `[:]`, `[://]`, `[/]`, `[@]` `[at]` (any bracket pair). A space on each side of a bracketed
 * dot or at is absorbed (`evil [.] example` → `evil.example`).
 */
const DEFANGED = /\b(h(?:xx|\*\*)p(s?)|fxp)(?=\[?:)|[ \t]?[[({][ \t]?(\.|dot|@|at)[ \t]?[\])}][ \t]?|\[(:\/\/|:|\/)\]/gi;

interface Replacement {
  inStart: number;
  inEnd: number;
  outStart: number;
  outEnd: number;
}

function replacementFor(match: string, scheme: string | undefined, secure: string | undefined, symbol: string | undefined, literal: string | undefined): string {
  if (scheme !== undefined) return scheme.toLowerCase() === 'fxp' ? 'ftp' : `http${secure ?? ''}`;
  if (symbol !== undefined) return symbol === '.' || symbol.toLowerCase() === 'dot' ? '.' : '@';
  return literal ?? match;
}

/** Refangs `text` and keeps what is needed to map positions in the result back to the original. */
function refangWithMap(text: string): { text: string; replacements: Replacement[] } {
  const replacements: Replacement[] = [];
  let out = '';
  let last = 0;
  for (const m of text.matchAll(DEFANGED)) {
    const replacement = replacementFor(m[0], m[1], m[2], m[3], m[4]);
    out += text.slice(last, m.index);
    replacements.push({ inStart: m.index, inEnd: m.index + m[0].length, outStart: out.length, outEnd: out.length + replacement.length });
    out += replacement;
    last = m.index + m[0].length;
  }
  out += text.slice(last);
  return { text: out, replacements };
}

/** Undoes common defanging so that indicators can be parsed: `hxxps://evil[.]example` → `https://evil.example`. */
export function refang(text: string): string {
  return refangWithMap(text).text;
}

/** Index of the last replacement starting at or before `out` in the refanged text, or -1. */
function replacementBefore(replacements: readonly Replacement[], out: number): number {
  let lo = 0;
  let hi = replacements.length - 1;
  let found = -1;
  while (lo <= hi) {
    const mid = (lo + hi) >> 1;
    if ((replacements[mid]?.outStart ?? Infinity) <= out) {
      found = mid;
      lo = mid + 1;
    } else hi = mid - 1;
  }
  return found;
}

function toOriginalStart(replacements: readonly Replacement[], out: number): number {
  const r = replacements[replacementBefore(replacements, out)];
  if (!r) return out;
  if (out < r.outEnd) return r.inStart + Math.min(out - r.outStart, r.inEnd - r.inStart - 1);
  return r.inEnd + (out - r.outEnd);
}

function toOriginalEnd(replacements: readonly Replacement[], outEnd: number): number {
  if (outEnd === 0) return 0;
  const lastChar = outEnd - 1;
  const r = replacements[replacementBefore(replacements, lastChar)];
  if (r && lastChar < r.outEnd) return lastChar === r.outEnd - 1 ? r.inEnd : r.inStart + (lastChar - r.outStart) + 1;
  return toOriginalStart(replacements, lastChar) + 1;
}

// --- Defanging -----------------------------------------------------------------------------------------------------

function defangDots(s: string): string {
  return s.replaceAll('.', '[.]');
}

function defangLastDot(s: string): string {
  const dot = s.lastIndexOf('.');
  return dot < 0 ? s : `${s.slice(0, dot)}[.]${s.slice(dot + 1)}`;
}

/**
 * The display form of a normalised indicator, safe to show in a page or an e-mail without becoming a link:
 * `hxxps://evil[.]example/path`, `evil[.]example`, `1.2.3[.]4`, `user[@]evil[.]example`. IPv6 addresses, hashes,
 * file names, CVE ids and ASNs are not turned into links by mail clients and are returned unchanged.
 */
export function defang(type: IndicatorType, value: string): string {
  switch (type) {
    case 'url': {
      const m = /^([a-z]+):\/\/([^/?#]*)(.*)$/is.exec(value);
      if (!m) return value;
      const scheme = (m[1] ?? '').toLowerCase();
      const fanged = scheme === 'http' ? 'hxxp' : scheme === 'https' ? 'hxxps' : scheme === 'ftp' ? 'fxp' : scheme;
      const authority = m[2] ?? '';
      const at = authority.lastIndexOf('@');
      const host = authority.slice(at + 1);
      return `${fanged}://${authority.slice(0, at + 1)}${host.startsWith('[') ? host : defangDots(host)}${m[3] ?? ''}`;
    }
    case 'domain':
      return defangDots(value);
    case 'ipv4':
      return defangLastDot(value);
    case 'cidr': {
      const slash = value.indexOf('/');
      const address = slash < 0 ? value : value.slice(0, slash);
      return address.includes(':') ? value : `${defangLastDot(address)}${value.slice(address.length)}`;
    }
    case 'email': {
      const at = value.lastIndexOf('@');
      return at < 0 ? value : `${value.slice(0, at)}[@]${defangDots(value.slice(at + 1))}`;
    }
    case 'ipv6':
    case 'md5':
    case 'sha1':
    case 'sha256':
    case 'sha512':
    case 'filename':
    case 'cve':
    case 'asn':
      return value;
  }
}

// --- Extraction ----------------------------------------------------------------------------------------------------

/** A URL with a supported scheme, up to whitespace, quotes or angle brackets; trailing punctuation trimmed afterwards. */
const URL_IN_TEXT = /(?<![\p{L}\p{N}_])(?:https?|ftp):\/\/[^\s<>"'`]+/giu;
/**
 * An e-mail address. The local part is narrower than RFC 5322 allows ('=', '/', '{', '|'… are left out) so that
 * `user=bob@corp.example` in a log yields `bob@corp.example`. The lookbehind makes matches start only at the
 * beginning of a run, keeping the scan linear.
 */
const EMAIL_IN_TEXT = /(?<![\w.!#$%&'*+-])[\w.!#$%&'*+-]+@[\p{L}\p{N}.-]+/gu;
/** A run of hex digits, colons and dots containing a colon: an IPv6 candidate, optionally with a prefix length. */
const IPV6_IN_TEXT = /(?<![\w:.])[0-9a-f.]*:[0-9a-f:.]*(?:\/\d{1,3})?(?![\w:])/gi;
/** An AS number: `AS64500`, `ASN64500` or `ASN 64500` (upper case, to avoid the English word "as"). */
const ASN_IN_TEXT = /(?<![\p{L}\p{N}_])AS(?:N ?)?\d{1,10}(?![\p{L}\p{N}_])/gu;
/** A run of letters, digits, marks, '_', '-' and '.': domains, IPv4 addresses, hashes and file names are such runs. */
const TOKEN = /(?<![\p{L}\p{N}\p{M}_.-])[\p{L}\p{N}\p{M}_.-]+/gu;

/** Trims trailing punctuation from a URL found in prose, keeping closing brackets that close one opened in the URL. */
function trimUrl(url: string): string {
  let end = url.length;
  for (;;) {
    const c = url[end - 1];
    if (c === undefined) break;
    if ('.,;:!?\'"'.includes(c)) {
      end -= 1;
      continue;
    }
    const open = c === ')' ? '(' : c === ']' ? '[' : c === '}' ? '{' : null;
    if (open !== null) {
      const body = url.slice(0, end);
      if (body.split(c).length > body.split(open).length) {
        end -= 1;
        continue;
      }
    }
    break;
  }
  return url.slice(0, end);
}

/** Accepts an IPv6 candidate only with at least two non-empty groups (`a::b`), so that `Foo::` in code is ignored. */
function plausibleIpv6(candidate: string): boolean {
  return candidate.split(':').filter((g) => g !== '').length >= 2;
}

/**
 * Finds the indicators of every type in free text: refangs it, then looks for URLs first (a URL's host, path and
 * file name are not reported separately), e-mail addresses, IPv6 addresses, CVE ids, AS numbers, then words:
 * IPv4 addresses and CIDR blocks, hashes (whole words of 32, 40, 64 or 128 hex digits), file names (a known
 * extension) and domains. Results are normalised, deduplicated by type and value, ordered by first appearance, with
 * positions in the original text. Meant for an analyst to confirm: `version 1.2.3.4` does yield an IPv4 address.
 */
export function extractIndicators(input: string): ExtractedIndicator[] {
  const { text, replacements } = refangWithMap(input);
  const claimed = new Uint8Array(text.length);
  const found = new Map<string, ExtractedIndicator>();

  const isFree = (start: number, end: number): boolean => {
    for (let i = start; i < end; i += 1) if (claimed[i] === 1) return false;
    return true;
  };
  const add = (type: IndicatorType, value: string, start: number, end: number): void => {
    claimed.fill(1, start, end);
    const key = `${type}\u0000${value}`;
    const existing = found.get(key);
    if (existing) {
      existing.occurrences += 1;
      return;
    }
    found.set(key, { type, value, start: toOriginalStart(replacements, start), end: toOriginalEnd(replacements, end), occurrences: 1 });
  };
  const tryAdd = (type: IndicatorType, raw: string, start: number): boolean => {
    const end = start + raw.length;
    if (!isFree(start, end)) return false;
    const n = normaliseIndicator(type, raw);
    if (!n.ok) return false;
    add(type, n.value, start, end);
    return true;
  };

  for (const m of text.matchAll(URL_IN_TEXT)) tryAdd('url', trimUrl(m[0]), m.index);
  for (const m of text.matchAll(EMAIL_IN_TEXT)) tryAdd('email', m[0].replace(/[.-]+$/, ''), m.index);
  for (const m of text.matchAll(IPV6_IN_TEXT)) {
    const candidate = m[0].replace(/[.:]+$/, '');
    if (!plausibleIpv6(candidate.split('/')[0] ?? '')) continue;
    if (candidate.includes('/')) {
      if (!tryAdd('cidr', candidate, m.index)) tryAdd('ipv6', candidate.split('/')[0] ?? '', m.index);
    } else tryAdd('ipv6', candidate, m.index);
  }
  for (const m of matchCveIds(text)) if (isFree(m.start, m.end)) add('cve', m.id, m.start, m.end);
  for (const m of text.matchAll(ASN_IN_TEXT)) tryAdd('asn', m[0], m.index);

  for (const m of text.matchAll(TOKEN)) {
    // Sentence punctuation and list dashes around a word are not part of it.
    const leading = /^[.\-_]*/.exec(m[0])?.[0].length ?? 0;
    const word = m[0].slice(leading).replace(/[.\-_]+$/, '');
    if (word === '') continue;
    const start = m.index + leading;
    if (IPV4_SHAPE.test(word)) {
      const prefix = /^\/(\d{1,3})(?![\d.])/.exec(text.slice(start + word.length, start + word.length + 5));
      if (!(prefix && tryAdd('cidr', `${word}${prefix[0]}`, start))) tryAdd('ipv4', word, start);
      continue;
    }
    if (HEX.test(word)) {
      const hash = HASH_LENGTHS.get(word.length);
      if (hash) tryAdd(hash, word, start);
      continue;
    }
    if (!word.includes('.')) continue;
    if (hasFileExtension(word)) tryAdd('filename', word, start);
    else tryAdd('domain', word, start);
  }

  return [...found.values()].sort((a, b) => a.start - b.start);
}
