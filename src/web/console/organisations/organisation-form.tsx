import type { FieldError } from '#src/core/errors';
import type { Translator } from '#src/core/i18n/i18n';
import type { PageContext } from '#src/web/page-context';
import type { FormErrors } from '#src/web/components/form';
import type { FormReader } from '#src/web/forms';
import type { VocabularyTerm } from '#src/modules/taxonomies/taxonomies.types';
import type { Organisation } from '#src/modules/constituents/constituents.types';
import type { ContactDraft, OrganisationDraft } from '#src/modules/constituents/constituents.validation';
import { CsrfField, ErrorSummary, SelectField, TextArea, TextField } from '#src/web/components/form';
import { termLabel } from '#src/modules/taxonomies/taxonomies.types';
import { MAX_CONTACTS, categoryMessageKey, organisationCategories } from '#src/modules/constituents/constituents.types';
import { splitLines } from '#src/modules/constituents/constituents.validation';

/** The organisation form as typed, so a refused form comes back unchanged. */
export interface OrganisationFormValues {
  name_fr: string;
  name_ar: string;
  name_en: string;
  acronym: string;
  category: string;
  sector: string;
  email_domains: string;
  ip_ranges: string;
  contacts: { name: string; email: string; phone: string }[];
}

const MIN_CONTACT_SLOTS = 3;
const SPARE_CONTACT_SLOTS = 2;

/** The blank form of a new organisation. */
export const emptyOrganisationForm: OrganisationFormValues = {
  name_fr: '',
  name_ar: '',
  name_en: '',
  acronym: '',
  category: '',
  sector: '',
  email_domains: '',
  ip_ranges: '',
  contacts: [],
};

/** The form filled with an organisation's current values. */
export function organisationFormValues(org: Organisation): OrganisationFormValues {
  return {
    name_fr: org.names.fr,
    name_ar: org.names.ar,
    name_en: org.names.en,
    acronym: org.acronym ?? '',
    category: org.category,
    sector: org.sectorCode,
    email_domains: org.emailDomains.join('\n'),
    ip_ranges: org.ipRanges.join('\n'),
    contacts: org.contacts.map((c) => ({ name: c.name, email: c.email, phone: c.phone ?? '' })),
  };
}

/** Reads the submitted form: contacts come as numbered groups `contact_<i>_name|email|phone`. */
export function readOrganisationForm(form: FormReader): OrganisationFormValues {
  const contacts: OrganisationFormValues['contacts'] = [];
  for (let i = 0; i < MAX_CONTACTS; i += 1) {
    const prefix = `contact_${i}_`;
    if (!form.names().some((n) => n.startsWith(prefix))) continue;
    contacts[i] = { name: form.str(`${prefix}name`), email: form.str(`${prefix}email`), phone: form.str(`${prefix}phone`) };
  }
  return {
    name_fr: form.str('name_fr'),
    name_ar: form.str('name_ar'),
    name_en: form.str('name_en'),
    acronym: form.str('acronym'),
    category: form.str('category'),
    sector: form.str('sector'),
    email_domains: form.str('email_domains'),
    ip_ranges: form.str('ip_ranges'),
    contacts: Array.from(contacts, (c) => c ?? { name: '', email: '', phone: '' }),
  };
}

/** The draft the use cases validate; slot numbers are kept so errors point at the right group. */
export function draftFromForm(values: OrganisationFormValues): OrganisationDraft {
  const contacts: ContactDraft[] = values.contacts.map((c) => ({ name: c.name, email: c.email, phone: c.phone }));
  return {
    names: { fr: values.name_fr, ar: values.name_ar, en: values.name_en },
    acronym: values.acronym,
    category: values.category,
    sector: values.sector,
    emailDomains: splitLines(values.email_domains),
    ipRanges: splitLines(values.ip_ranges),
    contacts,
  };
}

/** The form input that shows an API field's error: `ipRanges.3` → `ip_ranges`, `contacts.1.email` → `contact_1_email`. */
export function formFieldOf(field: string): string {
  const name = /^names\.(fr|ar|en)$/.exec(field);
  if (name) return `name_${name[1]}`;
  if (field === 'emailDomains' || field.startsWith('emailDomains.')) return 'email_domains';
  if (field === 'ipRanges' || field.startsWith('ipRanges.')) return 'ip_ranges';
  const contact = /^contacts\.(\d+)\.(name|email|phone)$/.exec(field);
  if (contact) return `contact_${contact[1]}_${contact[2]}`;
  return field;
}

/**
 * Translates errors for the form: list entries are grouped under their textarea, each prefixed with the
 * offending value, so every bad line is named at once.
 */
export function organisationFormErrors(i18n: Translator, errors: readonly FieldError[]): FormErrors {
  const grouped = new Map<string, string[]>();
  for (const e of errors) {
    const field = formFieldOf(e.field);
    const message = i18n.t(`field.${e.message}`, e.params);
    const value = e.params?.value;
    const text = value !== undefined && field !== e.field ? i18n.t('constituents.form.bad_entry', { value: String(value), message }) : message;
    grouped.set(field, [...(grouped.get(field) ?? []), text]);
  }
  return Object.fromEntries([...grouped].map(([field, texts]) => [field, texts.join(' ')]));
}

/** Labels of the form inputs, for the error summary. */
export function organisationFieldLabels(t: Translator['t'], slots: number): Record<string, string> {
  const labels: Record<string, string> = {
    name_fr: t('constituents.field.name_fr'),
    name_ar: t('constituents.field.name_ar'),
    name_en: t('constituents.field.name_en'),
    acronym: t('constituents.field.acronym'),
    category: t('constituents.field.category'),
    sector: t('constituents.field.sector'),
    email_domains: t('constituents.field.email_domains'),
    ip_ranges: t('constituents.field.ip_ranges'),
    contacts: t('constituents.field.contacts'),
    version: t('constituents.field.version'),
  };
  for (let i = 0; i < slots; i += 1) {
    for (const part of ['name', 'email', 'phone'] as const) {
      labels[`contact_${i}_${part}`] = t('constituents.field.contact_part', { n: i + 1, part: t(`constituents.field.contact_${part}`) });
    }
  }
  return labels;
}

/** The sector options: terms in use, plus the current one if it was retired since. */
export function sectorOptions(i18n: Translator, sectors: readonly VocabularyTerm[], current: string): { value: string; label: string }[] {
  return sectors
    .filter((s) => s.retiredAt === null || s.code === current)
    .map((s) => ({ value: s.code, label: s.retiredAt === null ? termLabel(s, i18n.locale) : i18n.t('constituents.sector.retired', { label: termLabel(s, i18n.locale) }) }));
}

export interface OrganisationFormProps {
  page: PageContext;
  action: string;
  values: OrganisationFormValues;
  errors: FormErrors;
  sectors: readonly VocabularyTerm[];
  /** The sector the organisation has now (a retired one stays selectable for it). */
  currentSector: string;
  version?: number;
  submitLabel: string;
}

/** The organisation form, shared by creation and edition; works without JavaScript. */
export function OrganisationForm({ page, action, values, errors, sectors, currentSector, version, submitLabel }: OrganisationFormProps) {
  const { i18n } = page;
  const t = i18n.t;
  const slots = Math.min(MAX_CONTACTS, Math.max(MIN_CONTACT_SLOTS, values.contacts.filter((c) => c.name || c.email || c.phone).length + SPARE_CONTACT_SLOTS, values.contacts.length));
  const labels = organisationFieldLabels(t, slots);
  const contacts = Array.from({ length: slots }, (_, i) => values.contacts[i] ?? { name: '', email: '', phone: '' });
  return (
    <form method="post" action={action} class="form" noValidate>
      <ErrorSummary i18n={i18n} errors={errors} labels={labels} />
      <CsrfField token={page.csrfToken} />
      {version !== undefined ? <input type="hidden" name="version" value={String(version)} /> : null}
      <TextField name="name_fr" label={labels.name_fr ?? ''} value={values.name_fr} errors={errors} required maxLength={200} dir="ltr" />
      <TextField name="name_ar" label={labels.name_ar ?? ''} value={values.name_ar} errors={errors} required maxLength={200} dir="rtl" />
      <TextField name="name_en" label={labels.name_en ?? ''} value={values.name_en} errors={errors} required maxLength={200} dir="ltr" />
      <TextField name="acronym" label={`${labels.acronym ?? ''} ${t('form.optional')}`} hint={t('constituents.field.acronym_hint')} value={values.acronym} errors={errors} maxLength={20} dir="ltr" />
      <SelectField
        name="category"
        label={labels.category ?? ''}
        value={values.category}
        errors={errors}
        required
        includeEmpty={t('constituents.field.choose')}
        options={organisationCategories.map((c) => ({ value: c, label: t(categoryMessageKey(c)) }))}
      />
      <SelectField name="sector" label={labels.sector ?? ''} value={values.sector} errors={errors} required includeEmpty={t('constituents.field.choose')} options={sectorOptions(i18n, sectors, currentSector)} />
      <TextArea name="email_domains" label={`${labels.email_domains ?? ''} ${t('form.optional')}`} hint={t('constituents.field.email_domains_hint')} value={values.email_domains} errors={errors} rows={4} dir="ltr" />
      <TextArea name="ip_ranges" label={`${labels.ip_ranges ?? ''} ${t('form.optional')}`} hint={t('constituents.field.ip_ranges_hint')} value={values.ip_ranges} errors={errors} rows={6} dir="ltr" />
      <fieldset class={errors.contacts ? 'field field--error' : 'field'} id="f-contacts">
        <legend>{labels.contacts}</legend>
        <p class="field__hint">{t('constituents.field.contacts_hint')}</p>
        {errors.contacts ? <p class="field__error">{errors.contacts}</p> : null}
        {contacts.map((c, i) => (
          <fieldset class="field">
            <legend>{t('constituents.field.contact_n', { n: i + 1 })}</legend>
            <TextField name={`contact_${i}_name`} label={t('constituents.field.contact_name')} value={c.name} errors={errors} maxLength={200} autocomplete="off" />
            <TextField name={`contact_${i}_email`} label={t('constituents.field.contact_email')} type="email" value={c.email} errors={errors} maxLength={254} autocomplete="off" dir="ltr" />
            <TextField name={`contact_${i}_phone`} label={`${t('constituents.field.contact_phone')} ${t('form.optional')}`} type="tel" value={c.phone} errors={errors} maxLength={40} autocomplete="off" dir="ltr" />
          </fieldset>
        ))}
      </fieldset>
      <button type="submit" class="button">
        {submitLabel}
      </button>
    </form>
  );
}
