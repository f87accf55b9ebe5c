import type { Selectable } from 'kysely';
import type { Db, DbOrTx } from '#src/db/database';
import type { SubscriptionTable } from '#src/modules/notifications/subscriptions.tables';
import type { Subscription, SubscriptionFilters, SubscriptionStatus } from '#src/modules/notifications/subscriptions.types';
import type { BulletinContent } from '#src/modules/bulletins/bulletins.types';
import type { Locale } from '#src/core/i18n/i18n';
import { subscriptionStatuses } from '#src/modules/notifications/subscriptions.types';
import { bulletinKinds } from '#src/modules/bulletins/bulletins.types';
import { isLocale } from '#src/core/i18n/i18n';
import { fromDbTime, fromDbTimeOrNull, toDbTime } from '#src/core/time';
import { foldForSearch } from '#src/modules/bulletins/search-text';

type SubscriptionRow = Selectable<SubscriptionTable>;

function parseIds(text: string): string[] {
  try {
    const v = JSON.parse(text) as unknown;
    return Array.isArray(v) ? v.filter((x): x is string => typeof x === 'string') : [];
  } catch {
    return [];
  }
}

function toStatus(value: string): SubscriptionStatus {
  return (subscriptionStatuses as readonly string[]).includes(value) ? (value as SubscriptionStatus) : 'unsubscribed';
}

function toSubscription(row: SubscriptionRow): Subscription {
  return {
    id: row.id,
    email: row.email,
    status: toStatus(row.status),
    filters: {
      kinds: parseIds(row.kinds).filter((k): k is (typeof bulletinKinds)[number] => (bulletinKinds as readonly string[]).includes(k)),
      minCriticality: row.min_criticality,
      vendorIds: parseIds(row.vendor_ids),
      productIds: parseIds(row.product_ids),
      language: isLocale(row.language) ? row.language : 'fr',
    },
    confirmExpiresAt: fromDbTimeOrNull(row.confirm_expires_at),
    createdAt: fromDbTime(row.created_at),
    confirmedAt: fromDbTimeOrNull(row.confirmed_at),
    unsubscribedAt: fromDbTimeOrNull(row.unsubscribed_at),
    updatedAt: fromDbTime(row.updated_at),
  };
}

function filterColumns(f: SubscriptionFilters) {
  return {
    language: f.language,
    kinds: JSON.stringify(f.kinds),
    min_criticality: f.minCriticality,
    vendor_ids: JSON.stringify(f.vendorIds),
    product_ids: JSON.stringify(f.productIds),
  };
}

/** The lookup key of an address: one subscription per address whatever its case. */
export function emailKey(email: string): string {
  return email.trim().toLowerCase();
}

/** The subscription of an address, or null. */
export async function findSubscriptionByEmail(db: DbOrTx, email: string): Promise<Subscription | null> {
  const row = await db.selectFrom('subscription').selectAll().where('email_key', '=', emailKey(email)).executeTakeFirst();
  return row ? toSubscription(row) : null;
}

/** The subscription whose manage link carries this token (by its hash), or null. */
export async function findSubscriptionByManageHash(db: DbOrTx, hash: string): Promise<Subscription | null> {
  const row = await db.selectFrom('subscription').selectAll().where('manage_token_hash', '=', hash).executeTakeFirst();
  return row ? toSubscription(row) : null;
}

/** The subscription whose confirmation link carries this token (by its hash) while it is valid, or null. */
export async function findSubscriptionByConfirmHash(db: DbOrTx, hash: string, now: Date): Promise<Subscription | null> {
  const row = await db
    .selectFrom('subscription')
    .selectAll()
    .where('confirm_token_hash', '=', hash)
    .where('confirm_expires_at', '>', toDbTime(now))
    .where('status', '!=', 'unsubscribed')
    .executeTakeFirst();
  return row ? toSubscription(row) : null;
}

/** Inserts a pending subscription with its confirmation token hash. */
export async function insertSubscription(
  trx: DbOrTx,
  s: { id: string; email: string; filters: SubscriptionFilters; confirmHash: string; confirmExpiresAt: Date; manageHash: string; now: Date },
): Promise<void> {
  const now = toDbTime(s.now);
  await trx
    .insertInto('subscription')
    .values({
      id: s.id,
      email: s.email,
      email_key: emailKey(s.email),
      ...filterColumns(s.filters),
      status: 'pending',
      confirm_token_hash: s.confirmHash,
      confirm_expires_at: toDbTime(s.confirmExpiresAt),
      manage_token_hash: s.manageHash,
      created_at: now,
      confirmed_at: null,
      unsubscribed_at: null,
      updated_at: now,
    })
    .execute();
}

/** Starts a new confirmation of a pending or unsubscribed subscription: back to pending with these filters. */
export async function restartSubscription(trx: DbOrTx, id: string, email: string, filters: SubscriptionFilters, confirmHash: string, expiresAt: Date, now: Date): Promise<void> {
  await trx
    .updateTable('subscription')
    .set({ ...filterColumns(filters), email, status: 'pending', confirm_token_hash: confirmHash, confirm_expires_at: toDbTime(expiresAt), unsubscribed_at: null, updated_at: toDbTime(now) })
    .where('id', '=', id)
    .execute();
}

/** Records a confirmation token for an active subscription, leaving its filters as they are until confirmed. */
export async function setConfirmationToken(trx: DbOrTx, id: string, confirmHash: string, expiresAt: Date, now: Date): Promise<void> {
  await trx.updateTable('subscription').set({ confirm_token_hash: confirmHash, confirm_expires_at: toDbTime(expiresAt), updated_at: toDbTime(now) }).where('id', '=', id).execute();
}

/**
 * Activates a subscription with these filters and burns its confirmation token, only if the token is still the
 * current one (compare-and-set); false when another request used it first.
 */
export async function activateSubscription(trx: DbOrTx, id: string, confirmHash: string, filters: SubscriptionFilters, now: Date, confirmedAt: Date): Promise<boolean> {
  const result = await trx
    .updateTable('subscription')
    .set({ ...filterColumns(filters), status: 'active', confirm_token_hash: null, confirm_expires_at: null, confirmed_at: toDbTime(confirmedAt), unsubscribed_at: null, updated_at: toDbTime(now) })
    .where('id', '=', id)
    .where('confirm_token_hash', '=', confirmHash)
    .executeTakeFirst();
  return Number(result.numUpdatedRows) > 0;
}

/** Replaces the filters of a subscription (manage page). */
export async function updateSubscriptionFilters(trx: DbOrTx, id: string, filters: SubscriptionFilters, now: Date): Promise<void> {
  await trx.updateTable('subscription').set({ ...filterColumns(filters), updated_at: toDbTime(now) }).where('id', '=', id).execute();
}

/** Marks a subscription unsubscribed and drops any pending confirmation; false when it already was. */
export async function markUnsubscribed(trx: DbOrTx, id: string, now: Date): Promise<boolean> {
  const result = await trx
    .updateTable('subscription')
    .set({ status: 'unsubscribed', unsubscribed_at: toDbTime(now), confirm_token_hash: null, confirm_expires_at: null, updated_at: toDbTime(now) })
    .where('id', '=', id)
    .where('status', '!=', 'unsubscribed')
    .executeTakeFirst();
  return Number(result.numUpdatedRows) > 0;
}

/** Subscriptions for the console, newest first (keyset on the time-ordered id), `limit + 1` rows. */
export async function findSubscriptions(db: Db, filter: { status?: SubscriptionStatus }, page: { limit: number; beforeId: string | null }): Promise<Subscription[]> {
  let query = db.selectFrom('subscription').selectAll();
  if (filter.status) query = query.where('status', '=', filter.status);
  if (page.beforeId !== null) query = query.where('id', '<', page.beforeId);
  const rows = await query.orderBy('id', 'desc').limit(page.limit + 1).execute();
  return rows.map(toSubscription);
}

/** Number of subscriptions in each state (every state present). */
export async function countSubscriptionsByStatus(db: Db): Promise<Record<SubscriptionStatus, number>> {
  const rows = await db.selectFrom('subscription').select(['status', (eb) => eb.fn.countAll<number>().as('n')]).groupBy('status').execute();
  const out: Record<SubscriptionStatus, number> = { pending: 0, active: 0, unsubscribed: 0 };
  for (const r of rows) out[toStatus(r.status)] += Number(r.n);
  return out;
}

/** Every active subscription (the fan-out filters them in code: there are few filters per subscriber). */
export async function findActiveSubscriptions(db: DbOrTx): Promise<(Subscription & { manageHash: string })[]> {
  const rows = await db.selectFrom('subscription').selectAll().where('status', '=', 'active').orderBy('email_key').execute();
  return rows.map((r) => ({ ...toSubscription(r), manageHash: r.manage_token_hash }));
}

// ---- The product registry, read to resolve what subscribers type ------------------------------------------

/** A vendor or product of the registry as the subscription form shows it. */
export interface RegistryEntry {
  kind: 'vendor' | 'product';
  id: string;
  /** "Vendor" or "Vendor Product". */
  label: string;
}

/**
 * Resolves one line typed by a subscriber against the registry, comparing folded names (`foldForSearch`, as the
 * registry's `name_key`: case, accents and punctuation ignored): a vendor name ("Fortinet"), a product name ("FortiOS") or both ("Fortinet FortiOS").
 * Returns every match (a product name shared by two vendors matches both), empty when nothing matches.
 */
export async function resolveRegistryLine(db: DbOrTx, line: string): Promise<RegistryEntry[]> {
  const key = foldForSearch(line);
  if (key === '') return [];
  const vendor = await db
    .selectFrom('product_vendor')
    .select(['id', 'name'])
    .where('name_key', '=', key)
    .executeTakeFirst();
  if (vendor) return [{ kind: 'vendor', id: vendor.id, label: vendor.name }];
  const products = await db
    .selectFrom('product')
    .innerJoin('product_vendor', 'product_vendor.id', 'product.vendor_id')
    .select(['product.id as id', 'product.name as name', 'product_vendor.name as vendor'])
    .where('product.name_key', '=', key)
    .orderBy('product.id')
    .limit(20)
    .execute();
  if (products.length > 0) return products.map((p) => ({ kind: 'product' as const, id: p.id, label: `${p.vendor} ${p.name}` }));
  // "Vendor Product": try every split of the words into a vendor name and a product name.
  const words = key.split(' ');
  if (words.length < 2 || words.length > 12) return [];
  for (let i = 1; i < words.length; i++) {
    const vendorKey = words.slice(0, i).join(' ');
    const productKey = words.slice(i).join(' ');
    const found = await db
      .selectFrom('product')
      .innerJoin('product_vendor', 'product_vendor.id', 'product.vendor_id')
      .select(['product.id as id', 'product.name as name', 'product_vendor.name as vendor'])
      .where('product_vendor.name_key', '=', vendorKey)
      .where('product.name_key', '=', productKey)
      .executeTakeFirst();
    if (found) return [{ kind: 'product', id: found.id, label: `${found.vendor} ${found.name}` }];
  }
  return [];
}

/** The labels of registry ids, vendors first, for the manage form and the console (unknown ids are left out). */
export async function describeRegistryIds(db: DbOrTx, vendorIds: readonly string[], productIds: readonly string[]): Promise<RegistryEntry[]> {
  const out: RegistryEntry[] = [];
  if (vendorIds.length > 0) {
    const rows = await db.selectFrom('product_vendor').select(['id', 'name']).where('id', 'in', [...vendorIds]).orderBy('name').execute();
    out.push(...rows.map((r) => ({ kind: 'vendor' as const, id: r.id, label: r.name })));
  }
  if (productIds.length > 0) {
    const rows = await db
      .selectFrom('product')
      .innerJoin('product_vendor', 'product_vendor.id', 'product.vendor_id')
      .select(['product.id as id', 'product.name as name', 'product_vendor.name as vendor'])
      .where('product.id', 'in', [...productIds])
      .orderBy('product_vendor.name')
      .orderBy('product.name')
      .execute();
    out.push(...rows.map((r) => ({ kind: 'product' as const, id: r.id, label: `${r.vendor} ${r.name}` })));
  }
  return out;
}

// ---- What the fan-out reads ---------------------------------------------------------------------------------

/** A published revision with what its e-mails need from the bulletin. */
export interface RevisionToSend {
  revisionId: string;
  number: number;
  bulletinId: string;
  reference: string;
  slug: string;
  publication: string;
  publishedRevision: number;
  publishedAt: Date;
  changeSummary: string;
  content: BulletinContent;
}

/** The revision and its bulletin, or null when either is missing or the bulletin has no reference yet. */
export async function findRevisionToSend(db: DbOrTx, revisionId: string): Promise<RevisionToSend | null> {
  const row = await db
    .selectFrom('bulletin_revision')
    .innerJoin('bulletin', 'bulletin.id', 'bulletin_revision.bulletin_id')
    .select([
      'bulletin_revision.id as revisionId',
      'bulletin_revision.number as number',
      'bulletin_revision.content as content',
      'bulletin_revision.published_at as publishedAt',
      'bulletin_revision.change_summary as changeSummary',
      'bulletin.id as bulletinId',
      'bulletin.reference as reference',
      'bulletin.slug as slug',
      'bulletin.publication as publication',
      'bulletin.published_revision as publishedRevision',
    ])
    .where('bulletin_revision.id', '=', revisionId)
    .executeTakeFirst();
  if (!row || row.reference === null || row.slug === null) return null;
  return {
    revisionId: row.revisionId,
    number: Number(row.number),
    bulletinId: row.bulletinId,
    reference: row.reference,
    slug: row.slug,
    publication: row.publication,
    publishedRevision: Number(row.publishedRevision),
    publishedAt: fromDbTime(row.publishedAt),
    changeSummary: row.changeSummary,
    content: JSON.parse(row.content) as BulletinContent,
  };
}

/** The publication state of a bulletin now (re-read before each e-mail, so a withdrawal stops a run). */
export async function findPublicationState(db: DbOrTx, bulletinId: string): Promise<{ publication: string; publishedRevision: number } | null> {
  const row = await db.selectFrom('bulletin').select(['publication', 'published_revision']).where('id', '=', bulletinId).executeTakeFirst();
  return row ? { publication: row.publication, publishedRevision: Number(row.published_revision) } : null;
}

/** A security officer of an active organisation. */
export interface OfficerContact {
  email: string;
  name: string;
  organisationId: string;
  organisationNames: Record<Locale, string>;
}

/** The security officers of the active organisations (all of them, or only those listed), in a stable order. */
export async function findSecurityOfficers(db: DbOrTx, organisationIds: readonly string[] | 'all'): Promise<OfficerContact[]> {
  if (organisationIds !== 'all' && organisationIds.length === 0) return [];
  let query = db
    .selectFrom('organisation_contact')
    .innerJoin('organisation', 'organisation.id', 'organisation_contact.organisation_id')
    .select(['organisation_contact.email as email', 'organisation_contact.name as name', 'organisation.id as organisationId', 'organisation.name_fr as fr', 'organisation.name_ar as ar', 'organisation.name_en as en'])
    .where('organisation_contact.kind', '=', 'security_officer')
    .where('organisation.status', '=', 'active');
  if (organisationIds !== 'all') query = query.where('organisation.id', 'in', [...organisationIds]);
  const rows = await query.orderBy('organisation.id').orderBy('organisation_contact.position').orderBy('organisation_contact.id').execute();
  return rows.map((r) => ({ email: r.email, name: r.name, organisationId: r.organisationId, organisationNames: { fr: r.fr, ar: r.ar, en: r.en } }));
}

/** The named recipients of a TLP:RED revision that are active users. */
export async function findActiveUsers(db: DbOrTx, userIds: readonly string[]): Promise<{ id: string; email: string; displayName: string; locale: string | null }[]> {
  if (userIds.length === 0) return [];
  const rows = await db.selectFrom('user_account').select(['id', 'email', 'display_name', 'locale']).where('id', 'in', [...userIds]).where('status', '=', 'active').orderBy('id').execute();
  return rows.map((r) => ({ id: r.id, email: r.email, displayName: r.display_name, locale: r.locale }));
}

/** The vendor of each product id. */
export async function findProductVendors(db: DbOrTx, productIds: readonly string[]): Promise<Map<string, string>> {
  if (productIds.length === 0) return new Map();
  const rows = await db.selectFrom('product').select(['id', 'vendor_id']).where('id', 'in', [...productIds]).execute();
  return new Map(rows.map((r) => [r.id, r.vendor_id]));
}

/**
 * Claims the delivery of a revision to one recipient: inserts the bulletin_delivery row, or returns false when
 * it exists (already sent by this or an earlier run). On PostgreSQL a concurrent run's insert waits on the
 * unique index until this transaction ends, then finds the row.
 */
export async function claimDelivery(trx: DbOrTx, d: { id: string; revisionId: string; recipientKey: string; now: Date }): Promise<boolean> {
  const result = await trx
    .insertInto('bulletin_delivery')
    .values({ id: d.id, revision_id: d.revisionId, recipient_key: d.recipientKey, email_message_id: null, created_at: toDbTime(d.now) })
    .onConflict((oc) => oc.columns(['revision_id', 'recipient_key']).doNothing())
    .executeTakeFirst();
  return Number(result.numInsertedOrUpdatedRows ?? 0) > 0;
}

/** Links a delivery to the e-mail queued for it. */
export async function setDeliveryEmail(trx: DbOrTx, deliveryId: string, emailId: string): Promise<void> {
  await trx.updateTable('bulletin_delivery').set({ email_message_id: emailId }).where('id', '=', deliveryId).execute();
}

/** Number of deliveries of a revision. */
export async function countDeliveries(db: DbOrTx, revisionId: string): Promise<number> {
  const row = await db.selectFrom('bulletin_delivery').select((eb) => eb.fn.countAll<number>().as('n')).where('revision_id', '=', revisionId).executeTakeFirstOrThrow();
  return Number(row.n);
}
