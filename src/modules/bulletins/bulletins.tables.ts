import type { Generated } from 'kysely';
import type { DbTime } from '#src/db/core.tables';

export interface ProductVendorTable {
  id: string;
  name: string;
  /** `name` folded (case, accents, spaces) so each vendor is spelled once. */
  name_key: string;
  created_at: DbTime;
}

export interface ProductTable {
  id: string;
  vendor_id: string;
  name: string;
  name_key: string;
  cpe: string | null;
  purl: string | null;
  created_at: DbTime;
}

export interface BulletinTable {
  id: string;
  kind: string;
  reference: string | null;
  slug: string | null;
  state: string;
  publication: string;
  /** JSON BulletinContent: the working copy. */
  draft: string;
  published_revision: Generated<number>;
  change_summary: Generated<string>;
  author_id: string;
  submitted_by: string | null;
  approved_by: string | null;
  approved_at: DbTime | null;
  scheduled_at: DbTime | null;
  first_published_at: DbTime | null;
  last_published_at: DbTime | null;
  closed_at: DbTime | null;
  withdrawn_at: DbTime | null;
  /** Why the bulletin was withdrawn (shown with the notice at its address). */
  withdrawal_reason: string | null;
  created_at: DbTime;
  updated_at: DbTime;
  version: Generated<number>;
}

export interface BulletinAliasTable {
  alias: string;
  bulletin_id: string;
}

export interface BulletinRevisionTable {
  id: string;
  bulletin_id: string;
  number: number;
  published_at: DbTime;
  published_by: string;
  approved_by: string;
  change_summary: string;
  /** JSON BulletinContent, frozen. */
  content: string;
}

export interface BulletinCommentTable {
  id: string;
  bulletin_id: string;
  author_id: string;
  kind: string;
  body: string;
  created_at: DbTime;
}

export interface ReferenceCounterTable {
  sequence_key: string;
  last_value: number;
}

export interface BulletinListingTable {
  bulletin_id: string;
  language: string;
  /** 1 for the original language, 0 for a translation (integer in both dialects). */
  is_original: number;
  reference: string;
  slug: string;
  kind: string;
  criticality: string;
  tlp: string;
  publication: string;
  revision: number;
  title: string;
  summary: string;
  search_text: string;
  first_published_at: DbTime;
  last_published_at: DbTime;
}

/** SQLite only: the FTS5 index over bulletin_listing.search_text (PostgreSQL uses a generated tsvector column). */
export interface BulletinFtsTable {
  rowid: Generated<number>;
  bulletin_id: string;
  language: string;
  search_text: string;
}

export interface BulletinCveTable {
  bulletin_id: string;
  cve_id: string;
  exploited: number;
}

export interface BulletinProductTable {
  bulletin_id: string;
  product_id: string;
  vendor_id: string;
}

export interface BulletinRecipientOrganisationTable {
  bulletin_id: string;
  organisation_id: string;
}

export interface BulletinRecipientUserTable {
  bulletin_id: string;
  user_id: string;
}
