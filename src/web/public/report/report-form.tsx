import type { Translator } from '#src/core/i18n/i18n';
import type { Config } from '#src/config/config';
import type { DatabaseHandle } from '#src/db/database';
import type { FieldError } from '#src/core/errors';
import type { FormErrors } from '#src/web/components/form';
import type { ReporterIncidentView } from '#src/modules/incidents/use-cases/get-incident';
import type { ReporterIncidentDisplay } from '#src/web/public/report/report-parts';
import type { SecurityContact } from '#src/web/public/report/report-pages';
import { translateFieldErrors } from '#src/web/components/form';
import { findTerms } from '#src/modules/taxonomies/taxonomies.repository';
import { labelOfCode } from '#src/modules/taxonomies/taxonomies.types';
import { zonedLocalToDate } from '#src/web/console/bulletins/bulletin-form';

/**
 * The common cases a reporter picks from ("what happened"), in plain words, each mapped to its RSIT type
 * (DOMAIN.md §3). The analyst refines the classification at triage.
 */
export const reportCategories = {
  phishing: 'fraud.phishing',
  malware: 'malicious-code.infected-system',
  account: 'intrusions.unprivileged-account-compromise',
  website: 'intrusions.application-compromise',
  data_leak: 'information-content-security.data-leak',
  ddos: 'availability.ddos',
  fraud: 'fraud.masquerade',
  other: 'other.undetermined',
} as const;

/** One of the common cases of the report forms. */
export type ReportCategory = keyof typeof reportCategories;

/** True when `value` names one of the common cases. */
export function isReportCategory(value: string): value is ReportCategory {
  return Object.prototype.hasOwnProperty.call(reportCategories, value);
}

/** The RSIT type of a chosen case: undefined for "I do not know" (empty), null for a value that is not a case. */
export function typeCodeOfCategory(value: string): string | undefined | null {
  if (value === '') return undefined;
  return isReportCategory(value) ? reportCategories[value] : null;
}

/** The cases as select options, labelled in the reader's language. */
export function categoryOptions(i18n: Translator): { value: string; label: string }[] {
  return (Object.keys(reportCategories) as ReportCategory[]).map((c) => ({ value: c, label: i18n.t(`report.category.${c}`) }));
}

/** The security contact of the configuration as a link: an address, a web page or a phone number. */
export function securityContactLink(config: Config): SecurityContact {
  const contact = config.securityContact;
  if (/^(mailto:|https?:|tel:)/i.test(contact)) return { href: contact, text: contact.replace(/^(mailto:|tel:)/i, '') };
  return { href: `mailto:${contact}`, text: contact };
}

/**
 * Field errors of the report use case as the forms name their fields: the reporter's guess of the RSIT class or
 * type comes from the "what happened" select.
 */
export function reportFormErrors(i18n: Translator, errors: readonly FieldError[]): FormErrors {
  return translateFieldErrors(
    i18n,
    errors.map((e) => (e.field.startsWith('classifications') ? { ...e, field: 'category' } : e)),
  );
}

/** A `datetime-local` value read in the CERT's time zone, as ISO 8601; anything else is passed on for the use case to refuse. */
export function formDateTime(value: string, timeZone: string): string {
  if (value === '') return '';
  return zonedLocalToDate(value, timeZone)?.toISOString() ?? value;
}

/** The reporter's view with its disposition in words (only once closed), for the tracking and portal pages. */
export async function displayOf(database: DatabaseHandle, i18n: Translator, view: ReporterIncidentView): Promise<ReporterIncidentDisplay> {
  const { status, disposition } = view.incident;
  if (status !== 'closed' || disposition === null) return { view, dispositionLabel: null };
  const terms = await findTerms(database.db, 'incident_disposition', { includeRetired: true });
  return { view, dispositionLabel: labelOfCode(terms, disposition, i18n.locale) };
}
