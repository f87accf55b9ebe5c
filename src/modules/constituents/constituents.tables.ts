import type { Generated } from 'kysely';
import type { DbTime } from '#src/db/core.tables';

export interface OrganisationTable {
  id: string;
  name_fr: string;
  name_ar: string;
  name_en: string;
  acronym: string | null;
  category: string;
  sector_code: string;
  status: 'active' | 'suspended';
  /** JSON array of lower-case domains. */
  email_domains: string;
  /** JSON array of normalised CIDR strings. */
  ip_ranges: string;
  created_at: DbTime;
  updated_at: DbTime;
  version: Generated<number>;
}

export interface OrganisationContactTable {
  id: string;
  organisation_id: string;
  kind: 'security_officer';
  name: string;
  email: string;
  phone: string | null;
  position: Generated<number>;
}
