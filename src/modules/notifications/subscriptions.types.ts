import type { Locale } from '#src/core/i18n/i18n';
import type { BulletinKind } from '#src/modules/bulletins/bulletins.types';
import { bulletinKinds } from '#src/modules/bulletins/bulletins.types';
import { isLocale } from '#src/core/i18n/i18n';
import { hmac } from '#src/core/ids';

/** pending: waiting for the confirmation click (nothing is sent); active: receives bulletins; unsubscribed. */
export const subscriptionStatuses = ['pending', 'active', 'unsubscribed'] as const;
export type SubscriptionStatus = (typeof subscriptionStatuses)[number];

/** What a subscriber wants to receive. Empty lists mean "every kind" / "every product". */
export interface SubscriptionFilters {
  kinds: BulletinKind[];
  /** Criticality code (vocabulary `criticality`): this level and every more critical one; null for all levels. */
  minCriticality: string | null;
  vendorIds: string[];
  productIds: string[];
  language: Locale;
}

/** A subscription as the use cases see it (token hashes stay in the repository). */
export interface Subscription {
  id: string;
  email: string;
  status: SubscriptionStatus;
  filters: SubscriptionFilters;
  confirmExpiresAt: Date | null;
  createdAt: Date;
  confirmedAt: Date | null;
  unsubscribedAt: Date | null;
  updatedAt: Date;
}

/** How long a confirmation link works. */
export const CONFIRMATION_TTL_MS = 48 * 3600 * 1000;

/** Most vendor/product lines a subscriber may give. */
export const MAX_PRODUCT_LINES = 30;

/**
 * The secret of a subscription's manage and one-click unsubscribe links. It is derived from the installation
 * secret (HMAC), so every bulletin e-mail can carry it while the database stores only its SHA-256
 * (`manage_token_hash`): a copy of the database does not give the links. Rotating RIBAT_SECRET invalidates
 * every manage link (subscribers then manage their subscription by subscribing again).
 */
export function manageTokenFor(secret: string, subscriptionId: string): string {
  return hmac(secret, `subscription-manage:${subscriptionId}`);
}

/** A plausible link token (base64url, 32 to 128 characters): anything else is not looked up. */
export function isTokenShaped(value: string | undefined): value is string {
  return typeof value === 'string' && /^[A-Za-z0-9_-]{32,128}$/.test(value);
}

/** The filters as recorded in the audit trail and carried by confirmation links. */
export function filtersAuditState(f: SubscriptionFilters): Record<string, unknown> {
  return { kinds: f.kinds, minCriticality: f.minCriticality, vendorIds: f.vendorIds, productIds: f.productIds, language: f.language };
}

/**
 * Encodes the filters a confirmation link applies (base64url JSON). They need no signature: the link also
 * carries the single-use confirmation token, which only the owner of the address received, and that owner
 * may choose any filters anyway.
 */
export function encodeFilters(f: SubscriptionFilters): string {
  return Buffer.from(JSON.stringify({ k: f.kinds, c: f.minCriticality, v: f.vendorIds, p: f.productIds, l: f.language }), 'utf8').toString('base64url');
}

const isStringArray = (v: unknown, max: number): v is string[] => Array.isArray(v) && v.length <= max && v.every((x) => typeof x === 'string' && x.length <= 64);

/** Decodes filters from a confirmation link; null when malformed (ids are checked against the registry later). */
export function decodeFilters(value: string | undefined): SubscriptionFilters | null {
  if (typeof value !== 'string' || value.length > 8000 || !/^[A-Za-z0-9_-]*$/.test(value)) return null;
  let parsed: unknown;
  try {
    parsed = JSON.parse(Buffer.from(value, 'base64url').toString('utf8'));
  } catch {
    return null;
  }
  if (!parsed || typeof parsed !== 'object') return null;
  const o = parsed as Record<string, unknown>;
  if (!isStringArray(o.k, 3) || !o.k.every((k) => (bulletinKinds as readonly string[]).includes(k))) return null;
  if (!(o.c === null || (typeof o.c === 'string' && o.c.length <= 64))) return null;
  if (!isStringArray(o.v, 200) || !isStringArray(o.p, 200) || !isLocale(o.l)) return null;
  return { kinds: o.k as BulletinKind[], minCriticality: o.c, vendorIds: o.v, productIds: o.p, language: o.l };
}
