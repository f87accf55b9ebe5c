import type { FieldError } from '#src/core/errors';
import type { OrganisationCategory, OrganisationNames, SecurityContact } from '#src/modules/constituents/constituents.types';
import { hasControlCharacters, isValidEmail, normaliseDomain, normaliseEmail, normalisePhone, parseCidr } from '#src/core/validation';
import { locales } from '#src/core/i18n/i18n';
import { MAX_CONTACTS, MAX_EMAIL_DOMAINS, MAX_IP_RANGES, MAX_NAME_LENGTH, isOrganisationCategory } from '#src/modules/constituents/constituents.types';

/** A contact as submitted; a slot left entirely blank is ignored. */
export interface ContactDraft {
  name?: string | undefined;
  email?: string | undefined;
  phone?: string | null | undefined;
}

/** An organisation as submitted by a form, the API or the CLI, before validation. */
export interface OrganisationDraft {
  names: Partial<Record<keyof OrganisationNames, string | undefined>>;
  acronym: string | null;
  category: string;
  sector: string;
  emailDomains: readonly string[];
  ipRanges: readonly string[];
  contacts: readonly ContactDraft[];
}

/** The validated, normalised fields of an organisation. */
export interface OrganisationFields {
  names: OrganisationNames;
  acronym: string | null;
  category: OrganisationCategory;
  sectorCode: string;
  emailDomains: string[];
  ipRanges: string[];
  contacts: SecurityContact[];
}

const ACRONYM = /^[A-Z0-9-]{2,20}$/;
/** Offending values are echoed in error parameters, shortened so an error never carries a whole payload. */
const shown = (value: string): string => (value.length > 80 ? `${value.slice(0, 79)}…` : value);

function text(raw: string | undefined): string {
  return (raw ?? '').trim().replace(/\s+/g, ' ');
}

/** Checks a required single-line text; errors name `field`. */
function requiredText(raw: string | undefined, field: string, max: number, errors: FieldError[]): string {
  const value = text(raw);
  if (value === '') errors.push({ field, message: 'required' });
  else if (value.length > max) errors.push({ field, message: 'too_long', params: { max } });
  else if (hasControlCharacters(value)) errors.push({ field, message: 'invalid' });
  return value;
}

/** Normalises e-mail domains (a leading '@' is tolerated), drops duplicates; a bad one names `emailDomains.<i>`. */
export function validateEmailDomains(raw: readonly string[], errors: FieldError[]): string[] {
  const out: string[] = [];
  raw.forEach((entry, i) => {
    const domain = normaliseDomain(entry.trim().replace(/^@/, ''));
    if (domain === null) errors.push({ field: `emailDomains.${i}`, message: 'invalid_domain', params: { value: shown(entry.trim()) } });
    else if (!out.includes(domain)) out.push(domain);
  });
  if (out.length > MAX_EMAIL_DOMAINS) errors.push({ field: 'emailDomains', message: 'too_long', params: { max: MAX_EMAIL_DOMAINS } });
  return out;
}

/**
 * Normalises IP ranges to their network form ('192.168.1.7/24' → '192.168.1.0/24', a bare address → /32 or
 * /128), drops duplicates; a bad one names `ipRanges.<i>` with the value in the parameters.
 */
export function validateIpRanges(raw: readonly string[], errors: FieldError[]): string[] {
  const out: string[] = [];
  raw.forEach((entry, i) => {
    const parsed = parseCidr(entry);
    if (parsed === null) errors.push({ field: `ipRanges.${i}`, message: 'invalid_cidr', params: { value: shown(entry.trim()) } });
    else if (!out.includes(parsed.cidr)) out.push(parsed.cidr);
  });
  if (out.length > MAX_IP_RANGES) errors.push({ field: 'ipRanges', message: 'too_long', params: { max: MAX_IP_RANGES } });
  return out;
}

/** Validates security-officer contacts (at least one); errors name `contacts.<i>.<name|email|phone>`. */
export function validateContacts(raw: readonly ContactDraft[], errors: FieldError[]): SecurityContact[] {
  const out: SecurityContact[] = [];
  raw.forEach((draft, i) => {
    const name = text(draft.name);
    const emailText = (draft.email ?? '').trim();
    const phoneText = (draft.phone ?? '').trim();
    if (name === '' && emailText === '' && phoneText === '') return;
    const contactName = requiredText(draft.name, `contacts.${i}.name`, MAX_NAME_LENGTH, errors);
    const email = normaliseEmail(emailText);
    if (emailText === '') errors.push({ field: `contacts.${i}.email`, message: 'required' });
    else if (!isValidEmail(email)) errors.push({ field: `contacts.${i}.email`, message: 'invalid_email', params: { value: shown(emailText) } });
    let phone: string | null = null;
    if (phoneText !== '') {
      phone = normalisePhone(phoneText);
      if (phone === null) errors.push({ field: `contacts.${i}.phone`, message: 'invalid_phone', params: { value: shown(phoneText) } });
    }
    out.push({ name: contactName, email, phone });
  });
  if (out.length === 0 && !errors.some((e) => e.field.startsWith('contacts.'))) errors.push({ field: 'contacts', message: 'required' });
  if (out.length > MAX_CONTACTS) errors.push({ field: 'contacts', message: 'too_long', params: { max: MAX_CONTACTS } });
  return out;
}

/** Upper-cases an acronym; blank means none. Errors name `acronym`. */
export function validateAcronym(raw: string | null, errors: FieldError[]): string | null {
  const value = (raw ?? '').trim().toUpperCase();
  if (value === '') return null;
  if (!ACRONYM.test(value)) errors.push({ field: 'acronym', message: 'invalid_format' });
  return value;
}

/**
 * Checks and normalises every field of an organisation, collecting all the errors at once. The sector is only
 * checked for presence here: whether it is an offered term is the use case's business (it needs the database).
 */
export function validateOrganisation(draft: OrganisationDraft): { fields: OrganisationFields; errors: FieldError[] } {
  const errors: FieldError[] = [];
  const names: OrganisationNames = { fr: '', ar: '', en: '' };
  for (const locale of locales) names[locale] = requiredText(draft.names[locale], `names.${locale}`, MAX_NAME_LENGTH, errors);
  const acronym = validateAcronym(draft.acronym, errors);
  const categoryText = draft.category.trim();
  if (categoryText === '') errors.push({ field: 'category', message: 'required' });
  else if (!isOrganisationCategory(categoryText)) errors.push({ field: 'category', message: 'invalid_choice' });
  const sectorCode = draft.sector.trim();
  if (sectorCode === '') errors.push({ field: 'sector', message: 'required' });
  const emailDomains = validateEmailDomains(draft.emailDomains, errors);
  const ipRanges = validateIpRanges(draft.ipRanges, errors);
  const contacts = validateContacts(draft.contacts, errors);
  const category = (isOrganisationCategory(categoryText) ? categoryText : 'other') satisfies OrganisationCategory;
  return { fields: { names, acronym, category, sectorCode, emailDomains, ipRanges, contacts }, errors };
}

/** Splits a one-per-line textarea (commas and spaces also separate), dropping blank lines. */
export function splitLines(value: string): string[] {
  return value
    .split(/[\r\n,;\s]+/)
    .map((s) => s.trim())
    .filter((s) => s !== '');
}
