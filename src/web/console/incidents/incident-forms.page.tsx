/**
 * The smaller incident console pages: recording an incident received by a handler (telephone, letter, meeting),
 * confirming the indicators extracted from pasted text, and the bulk lookup of indicators.
 */
import type { PageContext } from '#src/web/page-context';
import type { FormErrors } from '#src/web/components/form';
import type { ExtractedIndicator } from '#src/modules/indicators/indicators';
import type { LookupAnswer } from '#src/modules/incidents/use-cases/incident-indicators';
import type { IncidentChoices } from '#src/web/console/incidents/incident-parts';
import { ConsolePage } from '#src/web/layout';
import { CsrfField, ErrorSummary, SelectField, TextArea, TextField } from '#src/web/components/form';
import { tlpLevels } from '#src/modules/bulletins/bulletins.types';
import { defang } from '#src/modules/indicators/indicators';
import { incidentLimits } from '#src/modules/incidents/incidents.validation';
import { indicatorLabels, tlpLabel } from '#src/web/console/bulletins/bulletin-parts';
import { IncidentBreadcrumbs, IncidentStatusBadge, offeredTerms, organisationLabel, typesByClass } from '#src/web/console/incidents/incident-parts';
import { RsitTypeSelect } from '#src/web/console/incidents/incident-triage-form';

// ---- New incident ------------------------------------------------------------------------------------------------

/** The new-incident form as typed; dates are `datetime-local` values in the CERT's time zone. */
export interface NewIncidentValues {
  title: string;
  description: string;
  organisationId: string;
  tlp: string;
  detectedAt: string;
  awareAt: string;
  classCode: string;
  typeCode: string;
}

/** The empty form (TLP:AMBER by default, like every report). */
export const blankNewIncident: NewIncidentValues = { title: '', description: '', organisationId: '', tlp: 'amber', detectedAt: '', awareAt: '', classCode: '', typeCode: '' };

/** A handler records an incident (channel `staff`) for an organisation. */
export function NewIncidentPage({ page, values, errors, choices, timezone }: { page: PageContext; values: NewIncidentValues; errors: FormErrors; choices: IncidentChoices; timezone: string }) {
  const { i18n } = page;
  const t = i18n.t;
  const locale = i18n.locale;
  const zoneHint = t('incidents.console.hint.time_zone', { zone: timezone });
  const labels = {
    title: t('incidents.console.field.title'),
    description: t('incidents.console.field.description'),
    organisationId: t('incidents.console.field.organisation'),
    tlp: 'TLP',
    detectedAt: t('incidents.console.field.detected_at'),
    awareAt: t('incidents.console.field.aware_at'),
    classCode: t('incidents.console.field.rsit_class'),
    typeCode: t('incidents.console.field.rsit_type'),
  };
  return (
    <ConsolePage page={page} title={t('incidents.console.new.title')} section="incidents">
      <IncidentBreadcrumbs page={page} items={[{ label: t('incidents.console.new.title') }]} />
      <h1>{t('incidents.console.new.title')}</h1>
      <p class="lead">{t('incidents.console.new.lead')}</p>
      <ErrorSummary i18n={i18n} errors={errors} labels={labels} />
      <form method="post" action="/console/incidents/new" class="form">
        <CsrfField token={page.csrfToken} />
        <TextField name="title" label={t('incidents.console.field.title')} errors={errors} value={values.title} maxLength={incidentLimits.title} required dir="auto" />
        <TextArea name="description" label={t('incidents.console.field.description')} errors={errors} value={values.description} rows={6} required dir="auto" />
        <SelectField
          name="organisationId"
          label={t('incidents.console.field.organisation')}
          errors={errors}
          value={values.organisationId}
          includeEmpty={t('incidents.console.organisation.none')}
          options={choices.organisations.map((o) => ({ value: o.id, label: organisationLabel(o, locale) }))}
        />
        <div class="editor-row__fields">
          <SelectField name="classCode" label={t('incidents.console.field.rsit_class')} errors={errors} value={values.classCode} includeEmpty={t('incidents.console.choose')} options={offeredTerms(choices.classes, [], locale)} />
          <RsitTypeSelect name="typeCode" label={t('incidents.console.field.rsit_type')} value={values.typeCode} errors={errors} groups={typesByClass(choices, locale, [])} emptyLabel={t('incidents.console.type_unknown')} />
          <SelectField name="tlp" label="TLP" errors={errors} value={values.tlp} options={tlpLevels.map((l) => ({ value: l, label: tlpLabel(l) }))} />
          <TextField name="detectedAt" type="datetime-local" label={t('incidents.console.field.detected_at')} hint={zoneHint} errors={errors} value={values.detectedAt} />
          <TextField name="awareAt" type="datetime-local" label={t('incidents.console.field.aware_at')} hint={zoneHint} errors={errors} value={values.awareAt} />
        </div>
        <button type="submit" class="button">
          {t('incidents.console.new.submit')}
        </button>
      </form>
    </ConsolePage>
  );
}

// ---- Indicators extracted from pasted text ------------------------------------------------------------------------

/** The value a confirmation checkbox carries: `type:value` (types never contain a colon). */
export function candidateValue(c: { type: string; value: string }): string {
  return `${c.type}:${c.value}`;
}

/** The candidates found in pasted text, all checked, for the handler to confirm before they are added. */
export function IndicatorPreviewPage({ page, incident, candidates, errors }: { page: PageContext; incident: { id: string; reference: string; title: string }; candidates: ExtractedIndicator[]; errors: FormErrors }) {
  const { i18n } = page;
  const t = i18n.t;
  const base = `/console/incidents/${incident.id}`;
  return (
    <ConsolePage page={page} title={t('incidents.console.preview.title', { reference: incident.reference })} section="incidents">
      <IncidentBreadcrumbs page={page} items={[{ href: base, label: incident.reference }, { label: t('incidents.console.preview.crumb') }]} />
      <h1>{t('incidents.console.preview.title', { reference: incident.reference })}</h1>
      <ErrorSummary i18n={i18n} errors={errors} labels={{ indicators: t('incidents.console.indicators.title'), text: t('incidents.console.field.paste') }} />
      {candidates.length === 0 ? (
        <p>{t('incidents.console.preview.none')}</p>
      ) : (
        <form method="post" action={`${base}/indicators`} class="form">
          <CsrfField token={page.csrfToken} />
          <input type="hidden" name="source" value="preview" />
          <fieldset class="field" id="f-indicators">
            <legend>{t('incidents.console.preview.legend', { count: candidates.length })}</legend>
            <div class="choices">
              {candidates.map((c, i) => (
                <div>
                  <input type="checkbox" id={`f-indicator-${i}`} name="indicator" value={candidateValue(c)} checked />
                  <label for={`f-indicator-${i}`}>
                    {indicatorLabels[c.type]} —{' '}
                    <code dir="ltr">{defang(c.type, c.value)}</code>
                    {c.occurrences > 1 ? <span class="muted"> {t('incidents.console.preview.occurrences', { count: c.occurrences })}</span> : null}
                  </label>
                </div>
              ))}
            </div>
          </fieldset>
          <button type="submit" class="button">
            {t('incidents.console.preview.confirm')}
          </button>
        </form>
      )}
      <p>
        <a href={`${base}#indicators`}>{t('incidents.console.preview.back')}</a>
      </p>
    </ConsolePage>
  );
}

// ---- Bulk lookup --------------------------------------------------------------------------------------------------

/** Up to 1,000 values looked up at once against every incident's indicators. */
export function IncidentLookupPage({ page, text, answers, errors }: { page: PageContext; text: string; answers: LookupAnswer[] | null; errors: FormErrors }) {
  const { i18n } = page;
  const t = i18n.t;
  const found = answers?.filter((a) => a.incidents.length > 0).length ?? 0;
  return (
    <ConsolePage page={page} title={t('incidents.console.lookup.title')} section="incidents">
      <IncidentBreadcrumbs page={page} items={[{ label: t('incidents.console.lookup.title') }]} />
      <h1>{t('incidents.console.lookup.title')}</h1>
      <ErrorSummary i18n={i18n} errors={errors} labels={{ values: t('incidents.console.lookup.values') }} />
      <form method="post" action="/console/incidents/lookup" class="form">
        <CsrfField token={page.csrfToken} />
        <TextArea name="values" label={t('incidents.console.lookup.values')} hint={t('incidents.console.lookup.hint')} errors={errors} value={text} rows={10} dir="ltr" />
        <button type="submit" class="button">
          {t('incidents.console.lookup.submit')}
        </button>
      </form>
      {answers === null ? null : (
        <section aria-labelledby="lookup-results">
          <h2 id="lookup-results">{t('incidents.console.lookup.results', { count: answers.length, found })}</h2>
          {answers.length === 0 ? (
            <p class="muted">{t('incidents.console.lookup.nothing')}</p>
          ) : (
            <div class="table-wrap">
              <table class="table">
                <thead>
                  <tr>
                    <th scope="col">{t('incidents.console.field.indicator_value')}</th>
                    <th scope="col">{t('incidents.console.field.indicator_type')}</th>
                    <th scope="col">{t('incidents.console.lookup.incidents')}</th>
                  </tr>
                </thead>
                <tbody>
                  {answers.map((a) => (
                    <tr>
                      <td dir="ltr">
                        <code>{a.type !== null && a.value !== null ? defang(a.type, a.value) : a.input}</code>
                      </td>
                      <td>{a.type !== null ? indicatorLabels[a.type] : <span class="muted">{t('incidents.console.lookup.invalid')}</span>}</td>
                      <td>
                        {a.error !== null ? (
                          <span class="muted">—</span>
                        ) : a.incidents.length === 0 ? (
                          <span class="muted">{t('incidents.console.lookup.not_found')}</span>
                        ) : (
                          <ul class="codes">
                            {a.incidents.map((i) => (
                              <li>
                                <a href={`/console/incidents/${i.id}`} dir="ltr">
                                  {i.reference}
                                </a>{' '}
                                <span dir="auto">{i.title}</span> <IncidentStatusBadge i18n={i18n} status={i.status} />
                              </li>
                            ))}
                          </ul>
                        )}
                      </td>
                    </tr>
                  ))}
                </tbody>
              </table>
            </div>
          )}
        </section>
      )}
    </ConsolePage>
  );
}
