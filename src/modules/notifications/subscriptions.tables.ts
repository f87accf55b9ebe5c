import type { DbTime } from '#src/db/core.tables';

export interface SubscriptionTable {
  id: string;
  email: string;
  /** Lower-cased address: one subscription per address. */
  email_key: string;
  language: string;
  /** JSON array of bulletin kinds; empty means every kind. */
  kinds: string;
  /** Criticality code; null means every level. */
  min_criticality: string | null;
  /** JSON arrays of registry ids; both empty means every product. */
  vendor_ids: string;
  product_ids: string;
  /** pending (waiting for the confirmation click), active, unsubscribed. */
  status: string;
  confirm_token_hash: string | null;
  confirm_expires_at: DbTime | null;
  /** SHA-256 of the token in the manage and one-click unsubscribe links. */
  manage_token_hash: string;
  created_at: DbTime;
  confirmed_at: DbTime | null;
  unsubscribed_at: DbTime | null;
  updated_at: DbTime;
}

export interface BulletinDeliveryTable {
  id: string;
  revision_id: string;
  /** `email:<lower-cased address>`: one e-mail per address per revision, whether subscriber, officer or named user. */
  recipient_key: string;
  email_message_id: string | null;
  created_at: DbTime;
}
