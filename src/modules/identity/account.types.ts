import { createHash } from 'node:crypto';
import { tokenScopes, type Role, type TokenScope } from '#src/core/access';
import type { Locale } from '#src/core/i18n/i18n';

/** The organisation of the signed-in user, with its names in the three languages. */
export interface AccountOrganisation {
  id: string;
  acronym: string | null;
  names: Record<Locale, string>;
}

/**
 * The signed-in user's own account as the account pages and `GET /api/v1/me` show it. Never carries the
 * password hash or the MFA secret: those stay in the repository.
 */
export interface AccountProfile {
  id: string;
  email: string;
  displayName: string;
  /** The preferred interface language, or null to follow the browser. */
  locale: Locale | null;
  roles: Role[];
  organisation: AccountOrganisation | null;
  hasMfa: boolean;
  mfaEnabledAt: Date | null;
  lastLoginAt: Date | null;
  passwordChangedAt: Date | null;
  createdAt: Date;
}

/** The profile fields a user may change about themselves, as recorded in the audit trail. */
export interface ProfileSnapshot {
  displayName: string;
  locale: Locale | null;
}

/** Whether an API token still opens the API. */
export type TokenStatus = 'active' | 'expired' | 'revoked';

/** An API token as its owner sees it: never the token itself (only shown once) nor its hash. */
export interface ApiToken {
  id: string;
  userId: string;
  name: string;
  /** The first characters of the token (`ribat_xxxxxxxx`), so the owner can recognise it. */
  prefix: string;
  scopes: TokenScope[];
  createdAt: Date;
  expiresAt: Date;
  lastUsedAt: Date | null;
  revokedAt: Date | null;
}

/** The status of a token at `now`: revoked wins over expired. */
export function tokenStatus(token: Pick<ApiToken, 'expiresAt' | 'revokedAt'>, now: Date): TokenStatus {
  if (token.revokedAt !== null) return 'revoked';
  if (token.expiresAt <= now) return 'expired';
  return 'active';
}

/**
 * One of the user's browser sessions. `publicId` is what pages and the API show and accept: the session's
 * primary key is the hash of the cookie (a bearer secret) and never leaves the repository.
 */
export interface UserSession {
  publicId: string;
  userId: string;
  createdAt: Date;
  lastSeenAt: Date;
  expiresAt: Date;
  ip: string | null;
  userAgent: string | null;
  /** True for the session making the request. */
  isCurrent: boolean;
}

/** The public identifier of a session: 16 hex characters derived one-way from its primary key. */
export function sessionPublicId(sessionKey: string): string {
  return createHash('sha256').update(`public:${sessionKey}`, 'utf8').digest('hex').slice(0, 16);
}

/** A public session identifier as accepted in URLs. */
export const sessionPublicIdPattern = '^[0-9a-f]{16}$';

/** Bounds of the token form and API. */
export const TOKEN_NAME_MAX = 80;
export const TOKEN_EXPIRY_MIN_DAYS = 1;
export const TOKEN_EXPIRY_MAX_DAYS = 365;
export const TOKEN_EXPIRY_DEFAULT_DAYS = 90;
export const DISPLAY_NAME_MAX = 120;

/** True when `value` is one of the token scopes. */
export function isTokenScope(value: string): value is TokenScope {
  return (tokenScopes as readonly string[]).includes(value);
}

/** A readable summary of a User-Agent header: browser with its major version, and operating system. */
export interface BrowserSummary {
  browser: string | null;
  os: string | null;
}

const browserRules: readonly [RegExp, string][] = [
  [/\bEdgA?\/(\d+)/, 'Edge'],
  [/\bOPR\/(\d+)/, 'Opera'],
  [/\bSamsungBrowser\/(\d+)/, 'Samsung Internet'],
  [/\bFirefox\/(\d+)/, 'Firefox'],
  [/\bFxiOS\/(\d+)/, 'Firefox'],
  [/\bCriOS\/(\d+)/, 'Chrome'],
  [/\bChrom(?:e|ium)\/(\d+)/, 'Chrome'],
  [/\bVersion\/(\d+)[.\d]* (?:Mobile\/\S+ )?Safari\//, 'Safari'],
  [/\bcurl\/(\d+)/, 'curl'],
  [/\bWget\/(\d+)/, 'Wget'],
];

const osRules: readonly [RegExp, string][] = [
  [/\b(?:iPhone|iPad|iPod)\b/, 'iOS'],
  [/\bAndroid\b/, 'Android'],
  [/\bCrOS\b/, 'ChromeOS'],
  [/\bWindows\b/, 'Windows'],
  [/\bMac OS X\b|\bMacintosh\b/, 'macOS'],
  [/\bLinux\b|\bX11\b/, 'Linux'],
];

/** Recognises common browsers and systems; anything else stays null rather than guessed. */
export function summariseUserAgent(userAgent: string | null): BrowserSummary {
  if (!userAgent) return { browser: null, os: null };
  let browser: string | null = null;
  for (const [pattern, name] of browserRules) {
    const match = pattern.exec(userAgent);
    if (match) {
      browser = match[1] ? `${name} ${match[1]}` : name;
      break;
    }
  }
  const os = osRules.find(([pattern]) => pattern.test(userAgent))?.[1] ?? null;
  return { browser, os };
}
