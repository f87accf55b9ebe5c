import type { Locale } from '#src/core/i18n/i18n';

/** Categories of organisations: behavioural (they drive reporting duties), so a closed set in code. */
export const organisationCategories = ['administration', 'vital-infrastructure', 'private-company', 'other'] as const;
export type OrganisationCategory = (typeof organisationCategories)[number];

export function isOrganisationCategory(value: string): value is OrganisationCategory {
  return (organisationCategories as readonly string[]).includes(value);
}

/** An organisation is active or suspended (its members keep their accounts but it no longer gets services). */
export const organisationStatuses = ['active', 'suspended'] as const;
export type OrganisationStatus = (typeof organisationStatuses)[number];

export function isOrganisationStatus(value: string): value is OrganisationStatus {
  return (organisationStatuses as readonly string[]).includes(value);
}

/** The organisation's name in each interface language. */
export interface OrganisationNames {
  fr: string;
  ar: string;
  en: string;
}

/** A security officer the CERT contacts about incidents. */
export interface SecurityContact {
  name: string;
  email: string;
  /** E.164, or null. */
  phone: string | null;
}

/** A constituent organisation as the list shows it. */
export interface OrganisationSummary {
  id: string;
  names: OrganisationNames;
  acronym: string | null;
  category: OrganisationCategory;
  sectorCode: string;
  status: OrganisationStatus;
  userCount: number;
}

/** A constituent organisation with everything the CERT knows about it. */
export interface Organisation extends OrganisationSummary {
  /** Lower-case domains (IDNs in punycode). */
  emailDomains: string[];
  /** Normalised CIDR blocks, IPv4 and IPv6. */
  ipRanges: string[];
  contacts: SecurityContact[];
  createdAt: Date;
  updatedAt: Date;
  version: number;
}

/** Limits of an organisation's lists. */
export const MAX_EMAIL_DOMAINS = 50;
export const MAX_IP_RANGES = 500;
export const MAX_CONTACTS = 20;
export const MAX_NAME_LENGTH = 200;

/** The organisation's name in `locale`, falling back to French. */
export function organisationName(org: Pick<OrganisationSummary, 'names'>, locale: Locale): string {
  return org.names[locale] || org.names.fr;
}

/** The message key of a category's label. */
export function categoryMessageKey(category: OrganisationCategory): string {
  return `constituents.category.${category}`;
}

/** The message key of a status label. */
export function statusMessageKey(status: OrganisationStatus): string {
  return `constituents.status.${status}`;
}

/** The JSON form of an organisation in the API (and in idempotent replays). */
export interface OrganisationJson {
  id: string;
  names: OrganisationNames;
  acronym: string | null;
  category: OrganisationCategory;
  sector: string;
  status: OrganisationStatus;
  emailDomains: string[];
  ipRanges: string[];
  contacts: SecurityContact[];
  userCount: number;
  createdAt: string;
  updatedAt: string;
  version: number;
}

/** Serialises an organisation for the API. */
export function toOrganisationJson(org: Organisation): OrganisationJson {
  return {
    id: org.id,
    names: { ...org.names },
    acronym: org.acronym,
    category: org.category,
    sector: org.sectorCode,
    status: org.status,
    emailDomains: [...org.emailDomains],
    ipRanges: [...org.ipRanges],
    contacts: org.contacts.map((c) => ({ ...c })),
    userCount: org.userCount,
    createdAt: org.createdAt.toISOString(),
    updatedAt: org.updatedAt.toISOString(),
    version: org.version,
  };
}

/** What an organisation looked like, for the audit trail (no derived counts). */
export function organisationAuditState(org: Organisation): Record<string, unknown> {
  return {
    names: org.names,
    acronym: org.acronym,
    category: org.category,
    sector: org.sectorCode,
    status: org.status,
    emailDomains: org.emailDomains,
    ipRanges: org.ipRanges,
    contacts: org.contacts,
    version: org.version,
  };
}
