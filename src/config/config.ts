import { readFileSync, writeFileSync, mkdirSync, existsSync } from 'node:fs';
import { hkdfSync, randomBytes } from 'node:crypto';
import { isIP } from 'node:net';
import path from 'node:path';
import type { BulletinKind, ReferencePattern } from '#src/modules/bulletins/reference';
import { DEFAULT_KIND_CODES, DEFAULT_REFERENCE_PATTERN, isValidKindCode, parseReferencePattern } from '#src/modules/bulletins/reference';
import { parseCalendar, type WorkingCalendar } from '#src/modules/incidents/deadlines/business-time';
import { findProfile, parseProfileOverrides, type ProfileOverrides } from '#src/modules/incidents/deadlines/regulation-profiles';
import { figureKeys, isFigureKey, type FigureKey } from '#src/modules/statistics/statistics.types';
import { defaultPublicFigures } from '#src/modules/statistics/statistics.definitions';

/** Every setting Ribat reads, validated once and frozen. See docs/CONFIGURATION.md. */
export interface Config {
  readonly host: string;
  readonly port: number;
  readonly publicUrl: string;
  readonly dataDir: string;
  readonly databaseUrl: string | null;
  readonly secret: string;
  readonly logLevel: 'fatal' | 'error' | 'warn' | 'info' | 'debug' | 'trace' | 'silent';
  readonly smtpUrl: string | null;
  readonly mailFrom: string;
  readonly mfaRequiredForStaff: boolean;
  readonly sessionTtlHours: number;
  readonly sessionIdleMinutes: number;
  readonly timezone: string;
  readonly siteName: string;
  readonly securityContact: string;
  /**
   * Which reverse proxies' `X-Forwarded-For` to believe (Fastify's `trustProxy`): false (none), a function
   * trusting the first n hops, or a comma-separated list of proxy addresses/CIDRs. Never "every hop": the
   * left-most forwarded address is whatever the client wrote.
   */
  readonly trustProxy: TrustProxy;
  readonly jobsEnabled: boolean;
  readonly jobsPollMs: number;
  readonly bodyLimitBytes: number;
  readonly loginRateLimitPerMinute: number;
  readonly formRateLimitPerMinute: number;
  /** Pattern of bulletin reference numbers (see src/modules/bulletins/reference.ts). */
  readonly referencePattern: ReferencePattern;
  /** The CERT's working calendar (business-hour deadlines, local months and days). */
  readonly incidentCalendar: WorkingCalendar;
  /** Overrides of the regulation profiles' and service levels' delays (`ma-05-20.declaration=12h`…). */
  readonly incidentDeadlineOverrides: ProfileOverrides;
  /** Minutes before a deadline at which reminders are e-mailed (largest first). */
  readonly incidentReminderLeads: readonly number[];
  /** Regulation profiles applied to new incidents of operators of vital infrastructures and administrations. */
  readonly incidentDefaultProfiles: readonly string[];
  /** Where the built-in SMTP listener for incident reports listens (`host:port`), or null when it is off. */
  readonly incidentSmtpListen: { host: string; port: number } | null;
  /** The reporting addresses it accepts mail for (RCPT TO); others are refused with 550. */
  readonly incidentMailAddresses: readonly string[];
  /** Largest report e-mail accepted, in bytes. */
  readonly incidentMailMaxBytes: number;
  /** Pattern of incident references (`{YYYY}`, `{NNNNN}` …; no `{KIND}`). */
  readonly incidentReferencePattern: ReferencePattern;
  /** What `{KIND}` becomes for each kind. */
  readonly referenceKindCodes: Readonly<Record<BulletinKind, string>>;
  /** The system Chromium used to print PDFs; null when absent (PDF links are then not offered). */
  readonly chromiumPath: string | null;
  /** Encrypts the CSAF signing key at rest (RIBAT_CSAF_KEY_PASSPHRASE; by default derived from the secret). */
  readonly csafKeyPassphrase: string;
  /** User id of generated CSAF signing keys, e.g. `Ribat CSAF <security@cert.example>`. */
  readonly csafKeyUserId: string;
  /** CSAF `document.publisher.name` (RIBAT_CSAF_PUBLISHER_NAME; default the site name). */
  readonly csafPublisherName: string;
  /** CSAF `document.publisher.namespace`, a URL of the operator (RIBAT_CSAF_PUBLISHER_NAMESPACE; default the public URL). */
  readonly csafPublisherNamespace: string;
  /** CSAF `document.publisher.issuing_authority` (RIBAT_CSAF_ISSUING_AUTHORITY); null leaves it out. */
  readonly csafIssuingAuthority: string | null;
  /** CSAF `document.publisher.contact_details` (RIBAT_CSAF_CONTACT; default the security contact). */
  readonly csafContact: string;
  /** Hours between two automatic fetches of each registered CSAF source (0: only at registration and on demand). */
  readonly csafSourceFetchHours: number;
  /** The figures the public statistics report shows, in display order (RIBAT_STATS_PUBLIC_FIGURES). */
  readonly statsPublicFigures: readonly FigureKey[];
  /** Counts from 1 to this minus one are suppressed in the public report (RIBAT_STATS_MIN_COUNT). */
  readonly statsMinCount: number;
}

/** Fastify's `trustProxy` as Ribat configures it: off, the first n hops (a predicate), or proxy addresses. */
export type TrustProxy = false | string | ((address: string, hop: number) => boolean);

/** Trusts the `hops` proxies nearest to Ribat, as proxy-addr does for a number (the Fastify types omit it). */
export function trustHops(hops: number): (address: string, hop: number) => boolean {
  return (_address, hop) => hop < hops;
}

/** A list of problems found in the environment; all of them are reported together. */
export class ConfigError extends Error {
  constructor(readonly problems: string[]) {
    super(`Invalid configuration:\n${problems.map((p) => `  - ${p}`).join('\n')}`);
    this.name = 'ConfigError';
  }
}

type Env = Readonly<Record<string, string | undefined>>;

interface Reader {
  str(name: string, fallback: string): string;
  optional(name: string): string | null;
  int(name: string, fallback: number, min: number, max: number): number;
  bool(name: string, fallback: boolean): boolean;
  oneOf<T extends string>(name: string, fallback: T, allowed: readonly T[]): T;
  url(name: string, fallback: string | null, protocols: readonly string[]): string | null;
  problems: string[];
}

function reader(env: Env): Reader {
  const problems: string[] = [];
  const raw = (name: string): string | undefined => {
    const v = env[name];
    return v === undefined || v.trim() === '' ? undefined : v.trim();
  };
  return {
    problems,
    str: (name, fallback) => raw(name) ?? fallback,
    optional: (name) => raw(name) ?? null,
    int(name, fallback, min, max) {
      const v = raw(name);
      if (v === undefined) return fallback;
      const n = Number(v);
      if (!Number.isInteger(n) || n < min || n > max) {
        problems.push(`${name}: expected an integer between ${min} and ${max}, got "${v}"`);
        return fallback;
      }
      return n;
    },
    bool(name, fallback) {
      const v = raw(name)?.toLowerCase();
      if (v === undefined) return fallback;
      if (['1', 'true', 'yes', 'on'].includes(v)) return true;
      if (['0', 'false', 'no', 'off'].includes(v)) return false;
      problems.push(`${name}: expected true or false, got "${v}"`);
      return fallback;
    },
    oneOf(name, fallback, allowed) {
      const v = raw(name);
      if (v === undefined) return fallback;
      if (!(allowed as readonly string[]).includes(v)) {
        problems.push(`${name}: expected one of ${allowed.join(', ')}, got "${v}"`);
        return fallback;
      }
      return v as (typeof allowed)[number];
    },
    url(name, fallback, protocols) {
      const v = raw(name) ?? fallback;
      if (v === null) return null;
      try {
        const u = new URL(v);
        if (!protocols.includes(u.protocol)) {
          problems.push(`${name}: expected a ${protocols.join(' or ')} URL, got "${u.protocol}"`);
        }
        return v;
      } catch {
        problems.push(`${name}: not a valid URL`);
        return fallback;
      }
    },
  };
}

const proxyNames = new Set(['loopback', 'linklocal', 'uniquelocal']);

/** True when `entry` is an IPv4/IPv6 address, optionally with a /prefix, or one of proxy-addr's named ranges. */
function isProxyAddress(entry: string): boolean {
  if (proxyNames.has(entry)) return true;
  const [address = '', prefix, extra] = entry.split('/');
  if (extra !== undefined || (prefix !== undefined && !/^\d{1,3}$/.test(prefix))) return false;
  return isIP(address) !== 0;
}

/**
 * Reads RIBAT_TRUST_PROXY. `true` means the one reverse proxy in front (one hop), not "trust every hop": with
 * the latter the client address would be the left-most `X-Forwarded-For` entry, which the client chooses,
 * so anyone could dodge the per-address rate limits and write any address into the audit trail.
 */
function readTrustProxy(r: Reader): TrustProxy {
  const name = 'RIBAT_TRUST_PROXY';
  const v = r.optional(name);
  if (v === null) return false;
  const lower = v.toLowerCase();
  if (['0', 'false', 'no', 'off'].includes(lower)) return false;
  if (['true', 'yes', 'on'].includes(lower)) return trustHops(1);
  if (/^\d+$/.test(v)) {
    const hops = Number(v);
    if (hops >= 1 && hops <= 10) return trustHops(hops);
    r.problems.push(`${name}: expected a number of proxy hops between 1 and 10, got "${v}"`);
    return false;
  }
  const entries = v.split(',').map((e) => e.trim()).filter((e) => e !== '');
  const bad = entries.filter((e) => !isProxyAddress(e));
  if (entries.length === 0 || bad.length > 0) {
    r.problems.push(`${name}: expected true, false, a number of hops or a list of proxy addresses, got "${v}"`);
    return false;
  }
  return entries.join(',');
}

function isValidTimezone(tz: string): boolean {
  try {
    new Intl.DateTimeFormat('en', { timeZone: tz });
    return true;
  } catch {
    return false;
  }
}

/**
 * Reads the secret from RIBAT_SECRET, or from `<dataDir>/secret.key`, creating it on first start so that
 * no installation shares a default secret.
 */
function resolveSecret(r: Reader, dataDir: string, createIfMissing: boolean): string {
  const fromEnv = r.optional('RIBAT_SECRET');
  if (fromEnv !== null) {
    if (fromEnv.length < 32) r.problems.push('RIBAT_SECRET: must be at least 32 characters');
    return fromEnv;
  }
  const file = path.join(dataDir, 'secret.key');
  if (existsSync(file)) return readFileSync(file, 'utf8').trim();
  const secret = randomBytes(32).toString('base64url');
  if (createIfMissing) {
    mkdirSync(dataDir, { recursive: true });
    writeFileSync(file, `${secret}\n`, { mode: 0o600, flag: 'wx' });
  }
  return secret;
}

/** Reads RIBAT_REFERENCE_PATTERN (default `RIBAT-{YYYY}-{KIND}-{NNNN}`). */
function readReferencePattern(r: Reader): ReferencePattern {
  const source = r.str('RIBAT_REFERENCE_PATTERN', DEFAULT_REFERENCE_PATTERN);
  const parsed = parseReferencePattern(source);
  if (parsed.ok) return parsed.pattern;
  r.problems.push(`RIBAT_REFERENCE_PATTERN: invalid pattern "${source}" (${JSON.stringify(parsed.error)})`);
  const fallback = parseReferencePattern(DEFAULT_REFERENCE_PATTERN);
  if (!fallback.ok) throw new Error('default reference pattern is invalid');
  return fallback.pattern;
}

/** Reads RIBAT_INCIDENT_SMTP_LISTEN (`127.0.0.1:2525`, `[::1]:2525` or a port alone for 127.0.0.1); unset: off. */
function readSmtpListen(r: Reader): { host: string; port: number } | null {
  const text = r.optional('RIBAT_INCIDENT_SMTP_LISTEN');
  if (text === null) return null;
  const m = /^(?:\[([0-9a-fA-F:.]+)\]|([^:\s]+)):(\d{1,5})$/.exec(text.trim()) ?? /^()()(\d{1,5})$/.exec(text.trim());
  const port = m ? Number(m[3]) : NaN;
  if (!m || !Number.isInteger(port) || port < 1 || port > 65535) {
    r.problems.push(`RIBAT_INCIDENT_SMTP_LISTEN: expected host:port or a port, got "${text}"`);
    return null;
  }
  return { host: m[1] || m[2] || '127.0.0.1', port };
}

/** Reads RIBAT_INCIDENT_MAIL_ADDRESSES (comma-separated); defaults to `incident@<host of RIBAT_PUBLIC_URL>`. */
function readMailAddresses(r: Reader, publicUrl: string): string[] {
  const text = r.optional('RIBAT_INCIDENT_MAIL_ADDRESSES') ?? `incident@${new URL(publicUrl).hostname}`;
  const addresses = text.split(',').map((a) => a.trim().toLowerCase()).filter((a) => a !== '');
  const bad = addresses.filter((a) => !/^[^\s@<>]+@[^\s@<>]+$/.test(a));
  if (bad.length > 0 || addresses.length === 0) r.problems.push(`RIBAT_INCIDENT_MAIL_ADDRESSES: not e-mail addresses: ${bad.join(', ') || '(none)'}`);
  return addresses.filter((a) => !bad.includes(a));
}

/** Reads RIBAT_INCIDENT_CALENDAR (`Mon-Fri 08:30-16:30`, time zone RIBAT_TIMEZONE unless given) and RIBAT_INCIDENT_HOLIDAYS. */
function readIncidentCalendar(r: Reader, timezone: string): WorkingCalendar {
  const text = r.str('RIBAT_INCIDENT_CALENDAR', 'Mon-Fri 08:30-16:30');
  const withZone = /\b[A-Za-z]+\/[A-Za-z_]+/.test(text) || /\bUTC\b/.test(text) ? text : `${text} ${timezone}`;
  const holidays = (r.optional('RIBAT_INCIDENT_HOLIDAYS') ?? '').split(/[\s,;]+/).filter((h) => h !== '');
  const parsed = parseCalendar(withZone, holidays);
  if (parsed.ok) return parsed.calendar;
  r.problems.push(`RIBAT_INCIDENT_CALENDAR/RIBAT_INCIDENT_HOLIDAYS: ${parsed.errors.map((e) => `${e.field}: ${e.message}`).join('; ')}`);
  // With RIBAT_TIMEZONE itself invalid (already reported), fall back to UTC so that every problem is listed at once.
  const fallback = parseCalendar(`Mon-Fri 08:30-16:30 ${timezone}`);
  if (fallback.ok) return fallback.calendar;
  const utc = parseCalendar('Mon-Fri 08:30-16:30 UTC');
  if (!utc.ok) throw new Error('default incident calendar is invalid');
  return utc.calendar;
}

/** Reads RIBAT_INCIDENT_DEADLINES, e.g. `ma-05-20.declaration=12h, cert-sla.first-response=4bh`. */
function readDeadlineOverrides(r: Reader): ProfileOverrides {
  const text = r.optional('RIBAT_INCIDENT_DEADLINES');
  if (text === null) return {};
  const parsed = parseProfileOverrides(text);
  if (parsed.ok) return parsed.overrides;
  r.problems.push(`RIBAT_INCIDENT_DEADLINES: ${parsed.errors.map((e) => `${e.key}: ${e.message}`).join('; ')}`);
  return {};
}

/** Reads RIBAT_INCIDENT_REMINDER_MINUTES (default `1440,120`: a day and two hours before each deadline). */
function readReminderLeads(r: Reader): number[] {
  const text = r.str('RIBAT_INCIDENT_REMINDER_MINUTES', '1440,120');
  const leads = text.split(',').map((v) => v.trim()).filter((v) => v !== '').map(Number);
  if (leads.some((n) => !Number.isInteger(n) || n < 1 || n > 60 * 24 * 31)) {
    r.problems.push(`RIBAT_INCIDENT_REMINDER_MINUTES: expected minutes between 1 and 44640, separated by commas ("${text}")`);
    return [1440, 120];
  }
  return [...new Set(leads)].sort((a, b) => b - a);
}

/** Reads RIBAT_INCIDENT_PROFILES: the regulation profiles applied to new reports of vital operators (default `ma-05-20`). */
function readDefaultProfiles(r: Reader): string[] {
  const codes = r.str('RIBAT_INCIDENT_PROFILES', 'ma-05-20').split(',').map((c) => c.trim()).filter((c) => c !== '');
  const unknown = codes.filter((c) => findProfile(c) === undefined || c === 'cert-sla');
  if (unknown.length > 0) r.problems.push(`RIBAT_INCIDENT_PROFILES: unknown profile(s) ${unknown.join(', ')} (known: ma-05-20, nis2)`);
  return codes.filter((c) => !unknown.includes(c));
}

const DEFAULT_INCIDENT_REFERENCE_PATTERN = 'INC-{YYYY}-{NNNNN}';

/** Reads RIBAT_INCIDENT_REFERENCE_PATTERN: the reference patterns' syntax without `{KIND}` (incidents have one kind). */
function readIncidentReferencePattern(r: Reader): ReferencePattern {
  const source = r.str('RIBAT_INCIDENT_REFERENCE_PATTERN', DEFAULT_INCIDENT_REFERENCE_PATTERN);
  const parsed = parseReferencePattern(source);
  if (parsed.ok && !parsed.pattern.parts.some((p) => p.type === 'kind')) return parsed.pattern;
  r.problems.push(`RIBAT_INCIDENT_REFERENCE_PATTERN: invalid pattern "${source}" (${parsed.ok ? '{KIND} is for bulletins' : JSON.stringify(parsed.error)})`);
  const fallback = parseReferencePattern(DEFAULT_INCIDENT_REFERENCE_PATTERN);
  if (!fallback.ok) throw new Error('default incident reference pattern is invalid');
  return fallback.pattern;
}

/** Reads RIBAT_REFERENCE_KIND_CODES, e.g. `bulletin=AVI,alert=ALE,note=NOT`; missing kinds keep their default. */
function readKindCodes(r: Reader): Record<BulletinKind, string> {
  const codes: Record<BulletinKind, string> = { ...DEFAULT_KIND_CODES };
  const v = r.optional('RIBAT_REFERENCE_KIND_CODES');
  if (v === null) return codes;
  for (const entry of v.split(',').map((e) => e.trim()).filter((e) => e !== '')) {
    const [kind = '', code = ''] = entry.split('=').map((x) => x.trim());
    if ((kind === 'bulletin' || kind === 'alert' || kind === 'note') && isValidKindCode(code)) codes[kind] = code;
    else r.problems.push(`RIBAT_REFERENCE_KIND_CODES: expected kind=CODE (kinds bulletin, alert, note; codes of 1 to 16 letters or digits), got "${entry}"`);
  }
  return codes;
}

/** Reads RIBAT_CHROMIUM_PATH; by default Debian's /usr/bin/chromium when it exists. */
function readChromiumPath(r: Reader): string | null {
  const v = r.optional('RIBAT_CHROMIUM_PATH');
  if (v !== null) {
    if (['none', 'off', 'false'].includes(v.toLowerCase())) return null;
    if (!existsSync(v)) r.problems.push(`RIBAT_CHROMIUM_PATH: no such file "${v}"`);
    return v;
  }
  return existsSync('/usr/bin/chromium') ? '/usr/bin/chromium' : null;
}

/**
 * The CSAF signing key's passphrase: RIBAT_CSAF_KEY_PASSPHRASE, or one derived from the installation secret with
 * HKDF-SHA256 (so a fresh installation signs with zero configuration, and the key in the database is never stored
 * in the clear; whoever holds the secret can still decrypt it, which is why an operator may set a separate one).
 */
function readCsafKeyPassphrase(r: Reader, secret: string): string {
  const v = r.optional('RIBAT_CSAF_KEY_PASSPHRASE');
  if (v !== null) {
    if (v.length < 12) r.problems.push('RIBAT_CSAF_KEY_PASSPHRASE: must be at least 12 characters');
    return v;
  }
  return Buffer.from(hkdfSync('sha256', secret, 'ribat', 'csaf-signing-key-passphrase', 32)).toString('base64url');
}

/** RIBAT_CSAF_KEY_USER_ID, by default `<site name> CSAF <address>` with the security contact's e-mail address. */
function readCsafKeyUserId(r: Reader, siteName: string, securityContact: string, mailFrom: string): string {
  const v = r.optional('RIBAT_CSAF_KEY_USER_ID');
  if (v !== null) return v;
  const contact = /^mailto:([^\s@<>?]+@[^\s@<>?]+)/i.exec(securityContact)?.[1];
  const address = contact ?? /<?([^\s@<>]+@[^\s@<>]+?)>?$/.exec(mailFrom)?.[1] ?? 'csaf@localhost';
  return `${siteName} CSAF <${address}>`;
}

/**
 * Reads RIBAT_STATS_PUBLIC_FIGURES: figure keys separated by commas (`incidents.reported, bulletins.published`), or
 * `none`; unset, the figures public by default (src/modules/statistics/statistics.definitions.ts). Kept in display order.
 */
function readStatsPublicFigures(r: Reader): FigureKey[] {
  const text = r.optional('RIBAT_STATS_PUBLIC_FIGURES');
  if (text === null) return [...defaultPublicFigures];
  if (text.toLowerCase() === 'none') return [];
  const keys = text.split(',').map((k) => k.trim()).filter((k) => k !== '');
  const unknown = keys.filter((k) => !isFigureKey(k));
  if (unknown.length > 0) {
    r.problems.push(`RIBAT_STATS_PUBLIC_FIGURES: unknown figure(s) ${unknown.join(', ')} (known: ${figureKeys.join(', ')}, or none)`);
    return [...defaultPublicFigures];
  }
  return figureKeys.filter((k) => keys.includes(k));
}

export interface LoadConfigOptions {
  /** Write `<dataDir>/secret.key` when no secret exists (true for the server and CLI, false in tests). */
  createSecret?: boolean;
}

/** Parses the environment into a frozen Config, or throws a ConfigError listing every problem at once. */
export function loadConfig(env: Env, options: LoadConfigOptions = {}): Config {
  const r = reader(env);
  const port = r.int('RIBAT_PORT', 8080, 0, 65535);
  const dataDir = path.resolve(r.str('RIBAT_DATA_DIR', './data'));
  const databaseUrl = r.url('DATABASE_URL', null, ['postgres:', 'postgresql:']);
  const publicUrl = (r.url('RIBAT_PUBLIC_URL', `http://localhost:${port}`, ['http:', 'https:']) ?? '').replace(/\/+$/, '');
  const timezone = r.str('RIBAT_TIMEZONE', 'Africa/Casablanca');
  if (!isValidTimezone(timezone)) r.problems.push(`RIBAT_TIMEZONE: unknown time zone "${timezone}"`);
  const mailFrom = r.str('RIBAT_MAIL_FROM', 'ribat@localhost');
  if (!/^[^\s@<>]+@[^\s@<>]+$/.test(mailFrom) && !/<[^\s@<>]+@[^\s@<>]+>$/.test(mailFrom)) {
    r.problems.push(`RIBAT_MAIL_FROM: not an e-mail address: "${mailFrom}"`);
  }
  const secret = resolveSecret(r, dataDir, options.createSecret ?? true);
  const siteName = r.str('RIBAT_SITE_NAME', 'Ribat');
  const securityContact = r.str('RIBAT_SECURITY_CONTACT', 'mailto:security@localhost');
  const config: Config = {
    host: r.str('RIBAT_HOST', 'localhost'),
    port,
    publicUrl,
    dataDir,
    databaseUrl,
    secret,
    logLevel: r.oneOf('RIBAT_LOG_LEVEL', 'info', ['fatal', 'error', 'warn', 'info', 'debug', 'trace', 'silent'] as const),
    smtpUrl: r.url('RIBAT_SMTP_URL', null, ['smtp:', 'smtps:']),
    mailFrom,
    mfaRequiredForStaff: r.bool('RIBAT_MFA_REQUIRED_FOR_STAFF', true),
    sessionTtlHours: r.int('RIBAT_SESSION_TTL_HOURS', 12, 1, 24 * 30),
    sessionIdleMinutes: r.int('RIBAT_SESSION_IDLE_MINUTES', 120, 5, 24 * 60),
    timezone,
    siteName,
    securityContact,
    trustProxy: readTrustProxy(r),
    jobsEnabled: r.bool('RIBAT_JOBS_ENABLED', true),
    jobsPollMs: r.int('RIBAT_JOBS_POLL_MS', 1000, 50, 60_000),
    bodyLimitBytes: r.int('RIBAT_BODY_LIMIT_BYTES', 1024 * 1024, 1024, 100 * 1024 * 1024),
    loginRateLimitPerMinute: r.int('RIBAT_LOGIN_RATE_LIMIT', 10, 1, 10_000),
    formRateLimitPerMinute: r.int('RIBAT_FORM_RATE_LIMIT', 30, 1, 10_000),
    referencePattern: readReferencePattern(r),
    incidentReferencePattern: readIncidentReferencePattern(r),
    incidentCalendar: readIncidentCalendar(r, timezone),
    incidentSmtpListen: readSmtpListen(r),
    incidentMailAddresses: readMailAddresses(r, publicUrl),
    incidentMailMaxBytes: r.int('RIBAT_INCIDENT_MAIL_MAX_BYTES', 30 * 1024 * 1024, 64 * 1024, 200 * 1024 * 1024),
    incidentDeadlineOverrides: readDeadlineOverrides(r),
    incidentReminderLeads: readReminderLeads(r),
    incidentDefaultProfiles: readDefaultProfiles(r),
    referenceKindCodes: readKindCodes(r),
    chromiumPath: readChromiumPath(r),
    csafKeyPassphrase: readCsafKeyPassphrase(r, secret),
    csafKeyUserId: readCsafKeyUserId(r, siteName, securityContact, mailFrom),
    csafPublisherName: r.str('RIBAT_CSAF_PUBLISHER_NAME', siteName),
    csafPublisherNamespace: (r.url('RIBAT_CSAF_PUBLISHER_NAMESPACE', publicUrl, ['http:', 'https:']) ?? publicUrl).replace(/\/+$/, ''),
    csafIssuingAuthority: r.optional('RIBAT_CSAF_ISSUING_AUTHORITY'),
    csafContact: r.str('RIBAT_CSAF_CONTACT', securityContact),
    csafSourceFetchHours: r.int('RIBAT_CSAF_SOURCE_FETCH_HOURS', 6, 0, 24 * 30),
    statsPublicFigures: readStatsPublicFigures(r),
    statsMinCount: r.int('RIBAT_STATS_MIN_COUNT', 5, 1, 1000),
  };
  if (r.problems.length > 0) throw new ConfigError(r.problems);
  return Object.freeze(config);
}
