/**
 * The triage form of an incident: its values as typed (strings, so that a refused submission comes back exactly as
 * it was sent), how they are read from a submitted form and turned into the use case's edit, and the form itself.
 */
import type { FormReader } from '#src/web/forms';
import type { FormErrors } from '#src/web/components/form';
import type { PageContext } from '#src/web/page-context';
import type { Incident, IncidentImpact } from '#src/modules/incidents/incidents.types';
import type { IncidentEdit } from '#src/modules/incidents/use-cases/update-incident';
import type { IncidentChoices } from '#src/web/console/incidents/incident-parts';
import { CheckboxGroup, CsrfField, SelectField, TextArea, TextField } from '#src/web/components/form';
import { emptyImpact, incidentPriorities, papLevels, triStates } from '#src/modules/incidents/incidents.types';
import { tlpLevels } from '#src/modules/bulletins/bulletins.types';
import { incidentLimits } from '#src/modules/incidents/incidents.validation';
import { dateToZonedLocal, zonedLocalToDate } from '#src/web/console/bulletins/bulletin-form';
import { HiddenVersion, offeredTerms, organisationLabel, profileLabel, typesByClass } from '#src/web/console/incidents/incident-parts';
import { tlpLabel } from '#src/web/console/bulletins/bulletin-parts';

/** Regulation profiles a handler may put an incident under (the CERT's own service levels always apply). */
export const selectableProfiles = ['ma-05-20', 'nis2'] as const;

const impactKeys = Object.keys(emptyImpact) as (keyof IncidentImpact)[];

/** Blank classification rows shown after the incident's own pairs; at least two rows in all. */
const MIN_ROWS = 2;
/** Rows read from a submitted form at most (the use case refuses more than ten pairs, naming the field). */
const MAX_ROWS_READ = 20;

/** The triage form's values as typed; dates are `datetime-local` values in the CERT's time zone. */
export interface TriageValues {
  title: string;
  description: string;
  classifications: { classCode: string; typeCode: string }[];
  severity: string;
  priority: string;
  tlp: string;
  pap: string;
  suspectedMalicious: string;
  crossBorder: string;
  impact: Record<keyof IncidentImpact, string>;
  rootCause: string;
  mitigation: string;
  detectedAt: string;
  awareAt: string;
  organisationId: string;
  affectedOrganisationIds: string[];
  regulationProfiles: string[];
}

/** The form filled with an incident's current values. */
export function triageValuesOf(incident: Incident, timeZone: string): TriageValues {
  return {
    title: incident.title,
    description: incident.description,
    classifications: incident.classifications.map((c) => ({ classCode: c.classCode, typeCode: c.typeCode ?? '' })),
    severity: incident.severity ?? '',
    priority: String(incident.priority),
    tlp: incident.tlp,
    pap: incident.pap,
    suspectedMalicious: incident.suspectedMalicious,
    crossBorder: incident.crossBorder,
    impact: { ...incident.impact },
    rootCause: incident.rootCause,
    mitigation: incident.mitigation,
    detectedAt: incident.detectedAt ? dateToZonedLocal(incident.detectedAt, timeZone) : '',
    awareAt: incident.awareAt ? dateToZonedLocal(incident.awareAt, timeZone) : '',
    organisationId: incident.organisationId ?? '',
    affectedOrganisationIds: [...incident.affectedOrganisationIds],
    regulationProfiles: [...incident.regulationProfiles],
  };
}

/** Reads a submitted triage form (absent fields are empty: the form always sends all of them). */
export function readTriageForm(form: FormReader): TriageValues {
  const rows: { classCode: string; typeCode: string }[] = [];
  for (let i = 0; i < MAX_ROWS_READ; i += 1) {
    const present = form.names().some((n) => n === `classifications.${i}.class` || n === `classifications.${i}.type`);
    if (!present) continue;
    rows[i] = { classCode: form.str(`classifications.${i}.class`), typeCode: form.str(`classifications.${i}.type`) };
  }
  const impact = { ...emptyImpact };
  for (const key of impactKeys) impact[key] = form.raw(`impact.${key}`);
  return {
    title: form.raw('title'),
    description: form.raw('description'),
    classifications: Array.from(rows, (r) => r ?? { classCode: '', typeCode: '' }),
    severity: form.str('severity'),
    priority: form.str('priority'),
    tlp: form.str('tlp'),
    pap: form.str('pap'),
    suspectedMalicious: form.str('suspectedMalicious'),
    crossBorder: form.str('crossBorder'),
    impact,
    rootCause: form.raw('rootCause'),
    mitigation: form.raw('mitigation'),
    detectedAt: form.str('detectedAt'),
    awareAt: form.str('awareAt'),
    organisationId: form.str('organisationId'),
    affectedOrganisationIds: form.list('affectedOrganisationIds'),
    regulationProfiles: form.list('regulationProfiles'),
  };
}

/** A `datetime-local` value in the CERT's time zone as an ISO instant; other text goes through for the use case to refuse. */
export function zonedToIso(value: string, timeZone: string): string {
  if (value === '') return '';
  return zonedLocalToDate(value, timeZone)?.toISOString() ?? value;
}

/** The use case's edit: every field of the form (an empty select clears the value). */
export function triageEdit(values: TriageValues, timeZone: string): IncidentEdit {
  return {
    title: values.title,
    description: values.description,
    classifications: values.classifications.map((c) => ({ classCode: c.classCode, typeCode: c.typeCode === '' ? null : c.typeCode })),
    severity: values.severity,
    priority: values.priority,
    tlp: values.tlp,
    pap: values.pap,
    suspectedMalicious: values.suspectedMalicious,
    crossBorder: values.crossBorder,
    impact: { ...values.impact },
    rootCause: values.rootCause,
    mitigation: values.mitigation,
    detectedAt: zonedToIso(values.detectedAt, timeZone),
    awareAt: zonedToIso(values.awareAt, timeZone),
    organisationId: values.organisationId,
    affectedOrganisationIds: values.affectedOrganisationIds,
    regulationProfiles: values.regulationProfiles,
  };
}

/** The labels of the triage fields, for the error summary (classification rows included). */
export function triageLabels(page: PageContext, values: TriageValues): Record<string, string> {
  const t = page.i18n.t;
  const labels: Record<string, string> = {
    title: t('incidents.console.field.title'),
    description: t('incidents.console.field.description'),
    classifications: t('incidents.console.field.classifications'),
    severity: t('incidents.console.field.severity'),
    priority: t('incidents.console.field.priority'),
    tlp: 'TLP',
    pap: 'PAP',
    suspectedMalicious: t('incidents.console.field.suspected_malicious'),
    crossBorder: t('incidents.console.field.cross_border'),
    rootCause: t('incidents.console.field.root_cause'),
    mitigation: t('incidents.console.field.mitigation'),
    detectedAt: t('incidents.console.field.detected_at'),
    awareAt: t('incidents.console.field.aware_at'),
    organisationId: t('incidents.console.field.organisation'),
    affectedOrganisationIds: t('incidents.console.field.affected_organisations'),
    regulationProfiles: t('incidents.console.field.regulation_profiles'),
  };
  for (const key of impactKeys) labels[`impact.${key}`] = t(`incidents.console.field.impact.${key}`);
  const rows = Math.max(values.classifications.length + 1, MIN_ROWS, 10);
  for (let i = 0; i < rows; i += 1) {
    labels[`classifications.${i}.class`] = t('incidents.console.field.rsit_row_class', { n: i + 1 });
    labels[`classifications.${i}.type`] = t('incidents.console.field.rsit_row_type', { n: i + 1 });
  }
  return labels;
}

const fieldId = (name: string): string => `f-${name.replace(/[^a-zA-Z0-9_-]/g, '-')}`;

/** A select of RSIT types grouped by class (`<optgroup>`), with its label and error like the shared fields. */
export function RsitTypeSelect({ name, label, value, errors, groups, emptyLabel }: { name: string; label: string; value: string; errors: FormErrors; groups: ReturnType<typeof typesByClass>; emptyLabel: string }) {
  const id = fieldId(name);
  const error = errors[name];
  return (
    <div class={error ? 'field field--error' : 'field'}>
      <label for={id}>{label}</label>
      {error ? (
        <p class="field__error" id={`${id}-error`}>
          {error}
        </p>
      ) : null}
      <select id={id} name={name} aria-invalid={error ? 'true' : undefined} aria-describedby={error ? `${id}-error` : undefined}>
        <option value="">{emptyLabel}</option>
        {groups.map((g) => (
          <optgroup label={g.label}>
            {g.types.map((o) => (
              <option value={o.value} selected={o.value === value}>
                {o.label}
              </option>
            ))}
          </optgroup>
        ))}
      </select>
    </div>
  );
}

/** A labelled multi-select (affected organisations), with its error. */
function MultiSelect({ name, label, hint, values, errors, options }: { name: string; label: string; hint: string; values: readonly string[]; errors: FormErrors; options: { value: string; label: string }[] }) {
  const id = fieldId(name);
  const error = errors[name];
  return (
    <div class={error ? 'field field--error' : 'field'}>
      <label for={id}>{label}</label>
      <p class="field__hint" id={`${id}-hint`}>
        {hint}
      </p>
      {error ? (
        <p class="field__error" id={`${id}-error`}>
          {error}
        </p>
      ) : null}
      <select id={id} name={name} multiple size={Math.min(8, Math.max(3, options.length))} aria-invalid={error ? 'true' : undefined} aria-describedby={error ? `${id}-hint ${id}-error` : `${id}-hint`}>
        {options.map((o) => (
          <option value={o.value} selected={values.includes(o.value)}>
            {o.label}
          </option>
        ))}
      </select>
    </div>
  );
}

/** The triage form (POST /console/incidents/:id), with the hidden version for optimistic locking. */
export function TriageForm({ page, incidentId, values, version, errors, choices, timezone }: { page: PageContext; incidentId: string; values: TriageValues; version: number; errors: FormErrors; choices: IncidentChoices; timezone: string }) {
  const { i18n } = page;
  const t = i18n.t;
  const locale = i18n.locale;
  const rows = [...values.classifications];
  // The incident's pairs, then one blank row to add a pair, and at least two rows in all.
  rows.push({ classCode: '', typeCode: '' });
  while (rows.length < MIN_ROWS) rows.push({ classCode: '', typeCode: '' });
  const typeCodes = rows.map((r) => r.typeCode).filter((c) => c !== '');
  const classOptions = offeredTerms(choices.classes, rows.map((r) => r.classCode).filter((c) => c !== ''), locale);
  const groups = typesByClass(choices, locale, typeCodes);
  const triOptions = triStates.map((s) => ({ value: s, label: t(`incidents.console.tri.${s}`) }));
  const organisationOptions = choices.organisations.map((o) => ({ value: o.id, label: organisationLabel(o, locale) }));
  const zoneHint = t('incidents.console.hint.time_zone', { zone: timezone });
  return (
    <form method="post" action={`/console/incidents/${incidentId}`} class="form" id="triage-form">
      <CsrfField token={page.csrfToken} />
      <HiddenVersion version={version} />
      <TextField name="title" label={t('incidents.console.field.title')} errors={errors} value={values.title} maxLength={incidentLimits.title} required />
      <TextArea name="description" label={t('incidents.console.field.description')} errors={errors} value={values.description} rows={5} dir="auto" />

      <fieldset class={errors.classifications ? 'editor-section field--error' : 'editor-section'} id="f-classifications">
        <legend>{t('incidents.console.field.classifications')}</legend>
        <p class="field__hint">{t('incidents.console.hint.classifications')}</p>
        {errors.classifications ? (
          <p class="field__error" id="f-classifications-error">
            {errors.classifications}
          </p>
        ) : null}
        <div class="editor-rows__list">
          {rows.map((row, i) => (
            <fieldset class="editor-row">
              <legend class="editor-row__legend">{t('incidents.console.field.rsit_row', { n: i + 1 })}</legend>
              <div class="editor-row__fields">
                <SelectField
                  name={`classifications.${i}.class`}
                  label={t('incidents.console.field.rsit_class')}
                  errors={errors}
                  value={row.classCode}
                  includeEmpty={t('incidents.console.choose')}
                  options={classOptions}
                />
                <RsitTypeSelect name={`classifications.${i}.type`} label={t('incidents.console.field.rsit_type')} value={row.typeCode} errors={errors} groups={groups} emptyLabel={t('incidents.console.type_unknown')} />
              </div>
            </fieldset>
          ))}
        </div>
      </fieldset>

      <div class="editor-row__fields">
        <SelectField name="severity" label={t('incidents.console.field.severity')} errors={errors} value={values.severity} includeEmpty={t('incidents.console.severity.none')} options={offeredTerms(choices.severities, values.severity === '' ? [] : [values.severity], locale)} />
        <SelectField name="priority" label={t('incidents.console.field.priority')} errors={errors} value={values.priority} options={incidentPriorities.map((p) => ({ value: String(p), label: t(`incidents.console.priority.${p}`) }))} />
        <SelectField name="tlp" label="TLP" errors={errors} value={values.tlp} options={tlpLevels.map((l) => ({ value: l, label: tlpLabel(l) }))} />
        <SelectField name="pap" label="PAP" errors={errors} value={values.pap} options={papLevels.map((l) => ({ value: l, label: `PAP:${l.toUpperCase()}` }))} />
        <SelectField name="suspectedMalicious" label={t('incidents.console.field.suspected_malicious')} errors={errors} value={values.suspectedMalicious} options={triOptions} />
        <SelectField name="crossBorder" label={t('incidents.console.field.cross_border')} errors={errors} value={values.crossBorder} options={triOptions} />
        <TextField name="detectedAt" type="datetime-local" label={t('incidents.console.field.detected_at')} hint={zoneHint} errors={errors} value={values.detectedAt} />
        <TextField name="awareAt" type="datetime-local" label={t('incidents.console.field.aware_at')} hint={zoneHint} errors={errors} value={values.awareAt} />
      </div>

      <fieldset class="editor-section">
        <legend>{t('incidents.console.field.impact')}</legend>
        <div class="editor-row__fields">
          {impactKeys.map((key) => (
            <TextArea name={`impact.${key}`} label={t(`incidents.console.field.impact.${key}`)} errors={errors} value={values.impact[key]} rows={2} dir="auto" />
          ))}
        </div>
      </fieldset>
      <TextArea name="rootCause" label={t('incidents.console.field.root_cause')} errors={errors} value={values.rootCause} rows={3} dir="auto" />
      <TextArea name="mitigation" label={t('incidents.console.field.mitigation')} errors={errors} value={values.mitigation} rows={3} dir="auto" />

      <SelectField name="organisationId" label={t('incidents.console.field.organisation')} errors={errors} value={values.organisationId} includeEmpty={t('incidents.console.organisation.none')} options={organisationOptions} />
      <MultiSelect name="affectedOrganisationIds" label={t('incidents.console.field.affected_organisations')} hint={t('incidents.console.hint.multi_select')} values={values.affectedOrganisationIds} errors={errors} options={organisationOptions} />
      <CheckboxGroup
        name="regulationProfiles"
        legend={t('incidents.console.field.regulation_profiles')}
        errors={errors}
        values={values.regulationProfiles}
        options={selectableProfiles.map((p) => ({ value: p, label: profileLabel(p, locale) }))}
      />
      <button type="submit" class="button">
        {t('incidents.console.triage.submit')}
      </button>
    </form>
  );
}
