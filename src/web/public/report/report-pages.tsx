import type { PageContext } from '#src/web/page-context';
import type { FormErrors } from '#src/web/components/form';
import type { Translator } from '#src/core/i18n/i18n';
import type { ReporterIncidentDisplay } from '#src/web/public/report/report-parts';
import { PublicPage } from '#src/web/layout';
import { CsrfField, ErrorSummary, Notice, SelectField, TextArea, TextField } from '#src/web/components/form';
import { categoryOptions } from '#src/web/public/report/report-form';
import { MergedNotice, MessageThread, ReplyForm, ReportFacts, ReportText, SharedAttachments } from '#src/web/public/report/report-parts';
import { incidentLimits } from '#src/modules/incidents/incidents.validation';

/** What the public form shows: empty, or what the reporter typed when it was refused. */
export interface ReportFormValues {
  reporterName: string;
  reporterEmail: string;
  reporterPhone: string;
  organisationName: string;
  category: string;
  title: string;
  description: string;
  detectedAt: string;
}

/** An empty public form. */
export const emptyReportForm: ReportFormValues = { reporterName: '', reporterEmail: '', reporterPhone: '', organisationName: '', category: '', title: '', description: '', detectedAt: '' };

/** The CERT's security contact as a link (an address, a web page or a phone number). */
export interface SecurityContact {
  href: string;
  text: string;
}

/** The maximum length of the organisation name typed on the public form. */
export const organisationNameMax = 200;

function reportLabels(t: Translator['t']): Record<string, string> {
  return {
    reporterName: t('report.form.name'),
    reporterEmail: t('report.form.email'),
    reporterPhone: t('report.form.phone'),
    organisationName: t('report.form.organisation'),
    category: t('report.form.category'),
    title: t('report.form.title'),
    description: t('report.form.description'),
    detectedAt: t('report.form.detected_at'),
  };
}

/** Who to call when it cannot wait, on every report page. */
function UrgentContact({ i18n, contact }: { i18n: Translator; contact: SecurityContact }) {
  return (
    <section class="card" aria-labelledby="urgent">
      <h2 id="urgent">{i18n.t('report.urgent.title')}</h2>
      <p>
        {i18n.t('report.urgent.body')}{' '}
        <a href={contact.href} dir="ltr">
          {contact.text}
        </a>
      </p>
    </section>
  );
}

/** `GET /report`: the public report form for people without an account (honeypot, CSRF, rate-limited). */
export function ReportFormPage({ page, values, errors, contact, zone }: { page: PageContext; values: ReportFormValues; errors: FormErrors; contact: SecurityContact; zone: string }) {
  const { i18n } = page;
  const t = i18n.t;
  const labels = reportLabels(t);
  const optional = (label: string) => `${label} ${t('report.form.optional')}`;
  return (
    <PublicPage page={page} title={t('report.title')}>
      <h1>{t('report.title')}</h1>
      <ErrorSummary i18n={i18n} errors={errors} labels={labels} />
      <p class="lead">{t('report.lead')}</p>
      <UrgentContact i18n={i18n} contact={contact} />
      {page.user !== null && page.can('incidents:report') && page.can('incidents:follow') ? (
        <p>
          {t('report.constituents_signed_in')} <a href="/portal/incidents/new">{t('portal.nav.new')}</a>
        </p>
      ) : page.user === null ? (
        <p>
          {t('report.constituents')} <a href="/login">{t('site.nav.signin')}</a>
        </p>
      ) : null}
      <form method="post" action={`/report?lang=${i18n.locale}`} class="form" noValidate>
        <CsrfField token={page.csrfToken} />
        <fieldset>
          <legend>{t('report.section.you')}</legend>
          <TextField name="reporterName" label={optional(labels.reporterName ?? '')} value={values.reporterName} autocomplete="name" maxLength={incidentLimits.name} errors={errors} dir="auto" />
          <TextField name="reporterEmail" label={labels.reporterEmail ?? ''} hint={t('report.form.email_hint')} type="email" value={values.reporterEmail} autocomplete="email" maxLength={254} required errors={errors} dir="ltr" />
          <TextField name="reporterPhone" label={optional(labels.reporterPhone ?? '')} hint={t('report.form.phone_hint')} type="tel" value={values.reporterPhone} autocomplete="tel" maxLength={incidentLimits.phone} errors={errors} dir="ltr" />
          <TextField name="organisationName" label={optional(labels.organisationName ?? '')} hint={t('report.form.organisation_hint')} value={values.organisationName} autocomplete="organization" maxLength={organisationNameMax} errors={errors} dir="auto" />
        </fieldset>
        <fieldset>
          <legend>{t('report.section.incident')}</legend>
          <SelectField name="category" label={labels.category ?? ''} hint={t('report.form.category_hint')} value={values.category} includeEmpty={t('report.form.category_empty')} options={categoryOptions(i18n)} errors={errors} />
          <TextField name="title" label={labels.title ?? ''} hint={t('report.form.title_hint')} value={values.title} maxLength={incidentLimits.title} required errors={errors} dir="auto" />
          <TextArea name="description" label={labels.description ?? ''} hint={t('report.form.description_hint')} value={values.description} rows={8} required errors={errors} dir="auto" />
          <TextField name="detectedAt" label={optional(labels.detectedAt ?? '')} hint={t('report.form.detected_at_hint', { zone })} type="datetime-local" value={values.detectedAt} errors={errors} dir="ltr" />
        </fieldset>
        {/* Honeypot: hidden from people (and from assistive technologies); a bot that fills it is answered as
            everyone else, and nothing is stored. */}
        <div class="subscribe-hp" aria-hidden="true">
          <label for="f-website">{t('report.form.honeypot')}</label>
          <input type="text" id="f-website" name="website" value="" tabIndex={-1} autoComplete="off" />
        </div>
        <p class="muted">{t('report.form.privacy')}</p>
        <p>
          <button type="submit" class="button">
            {t('report.form.submit')}
          </button>
        </p>
      </form>
    </PublicPage>
  );
}

/** `GET /report/sent`: the reference and where the private link went (never the link itself). */
export function ReportSentPage({ page, reference, contact }: { page: PageContext; reference: string | null; contact: SecurityContact }) {
  const { i18n } = page;
  const t = i18n.t;
  return (
    <PublicPage page={page} title={t('report.sent.title')} noindex>
      <h1>{t('report.sent.title')}</h1>
      <p class="lead">{reference !== null ? t('report.sent.reference', { reference }) : t('report.sent.generic')}</p>
      <p>{t('report.sent.email')}</p>
      <p class="muted">{t('report.sent.spam')}</p>
      <UrgentContact i18n={i18n} contact={contact} />
      <p>
        <a href="/report">{t('report.sent.again')}</a>
      </p>
    </PublicPage>
  );
}

/** `GET /report/track/:token`: the public reporter's own report, the shared messages and the reply form. */
export function TrackingPage(props: { page: PageContext; display: ReporterIncidentDisplay; token: string; reply: { value: string; errors: FormErrors }; notice: 'replied' | null }) {
  const { page, display, token, reply, notice } = props;
  const { i18n } = page;
  const t = i18n.t;
  const { incident } = display.view;
  return (
    <PublicPage page={page} title={t('report.track.title')} noindex>
      <h1>{t('report.track.title')}</h1>
      <ErrorSummary i18n={i18n} errors={reply.errors} labels={{ body: t('report.reply.label') }} />
      {notice === 'replied' ? (
        <Notice kind="success">
          <p>{t('report.track.replied')}</p>
        </Notice>
      ) : null}
      <p class="muted">{t('report.track.private')}</p>
      <MergedNotice i18n={i18n} reference={incident.mergedIntoReference} />
      <ReportFacts i18n={i18n} display={display} showTlp={false} />
      <ReportText i18n={i18n} title={incident.title} description={incident.description} />
      <SharedAttachments i18n={i18n} attachments={display.view.attachments} hrefOf={(a) => `/report/track/${encodeURIComponent(token)}/attachments/${a.id}`} />
      {/* On the tracking page, "you" is whoever holds the link: replies through it or by e-mail. */}
      <MessageThread i18n={i18n} comments={display.view.comments} isOwn={(c) => c.source === 'tracking' || c.source === 'email'} />
      <ReplyForm i18n={i18n} csrfToken={page.csrfToken} action={`/report/track/${encodeURIComponent(token)}?lang=${i18n.locale}`} value={reply.value} errors={reply.errors} isClosed={incident.status === 'closed'} />
    </PublicPage>
  );
}
