import type { PageContext } from '#src/web/page-context';
import type { FormErrors } from '#src/web/components/form';
import type { Translator } from '#src/core/i18n/i18n';
import type { Page } from '#src/core/pagination';
import type { IncidentSummary } from '#src/modules/incidents/incidents.types';
import type { Tlp } from '#src/modules/bulletins/bulletins.types';
import type { ReporterIncidentDisplay } from '#src/web/public/report/report-parts';
import { CsrfField, ErrorSummary, Notice, Pagination, SelectField, TextArea, TextField } from '#src/web/components/form';
import { TlpBadge } from '#src/web/public/bulletins/bulletin-components';
import { PortalLayout } from '#src/web/portal/incidents/portal-layout';
import { categoryOptions } from '#src/web/public/report/report-form';
import { MergedNotice, MessageThread, ReplyForm, ReportFacts, ReportText, SharedAttachments } from '#src/web/public/report/report-parts';
import { incidentLimits } from '#src/modules/incidents/incidents.validation';
import { attachmentLimits } from '#src/modules/incidents/attachments/attachment-store';

/** TLP levels offered to a constituent, most open first. */
export const portalTlpChoices: readonly Tlp[] = ['clear', 'green', 'amber', 'amber+strict', 'red'];

/** `GET /portal/incidents`: the incidents of the member's organisation they may see, newest first. */
export function PortalIncidentListPage({ page, list, isFirst, nextHref }: { page: PageContext; list: Page<IncidentSummary>; isFirst: boolean; nextHref: string | null }) {
  const { i18n } = page;
  const t = i18n.t;
  return (
    <PortalLayout page={page} title={t('portal.incidents.title')} section="incidents">
      <h1>{t('portal.incidents.title')}</h1>
      <p class="lead">{t('portal.incidents.lead')}</p>
      {page.can('incidents:report') ? (
        <p>
          <a class="button" href="/portal/incidents/new">
            {t('portal.incidents.new_button')}
          </a>
        </p>
      ) : null}
      {list.items.length === 0 ? (
        <p class="muted">{t('portal.incidents.empty')}</p>
      ) : (
        <div class="table-wrap">
          <table class="table">
            <thead>
              <tr>
                <th scope="col">{t('portal.incidents.col.reference')}</th>
                <th scope="col">{t('portal.incidents.col.title')}</th>
                <th scope="col">{t('portal.incidents.col.status')}</th>
                <th scope="col">{t('portal.incidents.col.tlp')}</th>
                <th scope="col">{t('portal.incidents.col.reported')}</th>
                <th scope="col">{t('portal.incidents.col.updated')}</th>
              </tr>
            </thead>
            <tbody>
              {list.items.map((i) => (
                <tr>
                  <td dir="ltr">
                    <a href={`/portal/incidents/${i.id}`}>{i.reference}</a>
                  </td>
                  <td dir="auto">{i.title}</td>
                  <td>{t(`report.status.${i.status}`)}</td>
                  <td>
                    <TlpBadge tlp={i.tlp} />
                  </td>
                  <td>
                    <time dateTime={i.reportedAt.toISOString()}>{i18n.formatDateTime(i.reportedAt)}</time>
                  </td>
                  <td>
                    <time dateTime={i.updatedAt.toISOString()}>{i18n.formatDateTime(i.updatedAt)}</time>
                  </td>
                </tr>
              ))}
            </tbody>
          </table>
        </div>
      )}
      <Pagination i18n={i18n} nextHref={nextHref} isFirst={isFirst} firstHref={`/portal/incidents?lang=${i18n.locale}`} />
    </PortalLayout>
  );
}

/** What the portal's report form shows: empty, or what the member typed when it was refused. */
export interface PortalReportValues {
  title: string;
  description: string;
  category: string;
  detectedAt: string;
  awareAt: string;
  tlp: string;
}

/** An empty portal report form (TLP:AMBER by default, as the use case defaults). */
export const emptyPortalReport: PortalReportValues = { title: '', description: '', category: '', detectedAt: '', awareAt: '', tlp: 'amber' };

function portalLabels(t: Translator['t']): Record<string, string> {
  return {
    title: t('report.form.title'),
    description: t('report.form.description'),
    category: t('report.form.category'),
    detectedAt: t('report.form.detected_at'),
    awareAt: t('report.form.aware_at'),
    tlp: t('portal.new.tlp'),
  };
}

/** `GET /portal/incidents/new`: a member reports an incident for their organisation. */
export function PortalNewIncidentPage({ page, values, errors, zone }: { page: PageContext; values: PortalReportValues; errors: FormErrors; zone: string }) {
  const { i18n } = page;
  const t = i18n.t;
  const labels = portalLabels(t);
  const optional = (label: string) => `${label} ${t('report.form.optional')}`;
  return (
    <PortalLayout page={page} title={t('portal.new.title')} section="new">
      <h1>{t('portal.new.title')}</h1>
      <ErrorSummary i18n={i18n} errors={errors} labels={labels} />
      <p class="lead">{t('portal.new.lead')}</p>
      <form method="post" action={`/portal/incidents/new?lang=${i18n.locale}`} class="form" noValidate>
        <CsrfField token={page.csrfToken} />
        <SelectField name="category" label={labels.category ?? ''} hint={t('report.form.category_hint')} value={values.category} includeEmpty={t('report.form.category_empty')} options={categoryOptions(i18n)} errors={errors} />
        <TextField name="title" label={labels.title ?? ''} hint={t('report.form.title_hint')} value={values.title} maxLength={incidentLimits.title} required errors={errors} dir="auto" />
        <TextArea name="description" label={labels.description ?? ''} hint={t('report.form.description_hint')} value={values.description} rows={8} required errors={errors} dir="auto" />
        <TextField name="detectedAt" label={optional(labels.detectedAt ?? '')} hint={t('report.form.detected_at_hint', { zone })} type="datetime-local" value={values.detectedAt} errors={errors} dir="ltr" />
        <TextField name="awareAt" label={optional(labels.awareAt ?? '')} hint={t('report.form.aware_at_hint', { zone })} type="datetime-local" value={values.awareAt} errors={errors} dir="ltr" />
        <SelectField name="tlp" label={labels.tlp ?? ''} hint={t('portal.new.tlp_hint')} value={values.tlp} options={portalTlpChoices.map((tlp) => ({ value: tlp, label: t(`portal.tlp.${tlp}`) }))} errors={errors} required />
        <p>
          <button type="submit" class="button">
            {t('portal.new.submit')}
          </button>
        </p>
      </form>
    </PortalLayout>
  );
}

/** Confirmations shown on the incident page after a redirect. */
export type PortalIncidentNotice = 'reported' | 'commented';

/** `GET /portal/incidents/:id`: the reporter's view of one incident (shared messages only) and the reply form. */
export function PortalIncidentPage(props: { page: PageContext; display: ReporterIncidentDisplay; notice: PortalIncidentNotice | null; reply: { value: string; errors: FormErrors } }) {
  const { page, display, notice, reply } = props;
  const { i18n } = page;
  const t = i18n.t;
  const { incident } = display.view;
  const userId = page.user?.id ?? null;
  return (
    <PortalLayout page={page} title={`${incident.reference} · ${incident.title}`} section="incidents">
      <p>
        <a href="/portal/incidents">{t('portal.detail.back')}</a>
      </p>
      <h1 dir="auto">{incident.title}</h1>
      <ErrorSummary i18n={i18n} errors={reply.errors} labels={{ body: t('report.reply.label') }} />
      {notice !== null ? (
        <Notice kind="success">
          <p>{t(`portal.detail.done.${notice}`, { reference: incident.reference })}</p>
        </Notice>
      ) : null}
      <MergedNotice i18n={i18n} reference={incident.mergedIntoReference} />
      <ReportFacts i18n={i18n} display={display} showTlp />
      <ReportText i18n={i18n} title={incident.title} description={incident.description} />
      <SharedAttachments i18n={i18n} attachments={display.view.attachments} hrefOf={(a) => `/portal/incidents/${incident.id}/attachments/${a.id}`} />
      <MessageThread i18n={i18n} comments={display.view.comments} isOwn={(c) => userId !== null && c.authorUserId === userId} />
      {page.can('incidents:report') ? (
        <>
          <ReplyForm i18n={i18n} csrfToken={page.csrfToken} action={`/portal/incidents/${incident.id}/comments?lang=${i18n.locale}`} value={reply.value} errors={reply.errors} isClosed={incident.status === 'closed'} />
          {/* The upload goes to the attachments routes (multipart); the CSRF field must come first in the body. */}
          <form method="post" action={`/portal/incidents/${incident.id}/attachments?lang=${i18n.locale}`} encType="multipart/form-data" class="form">
            <CsrfField token={page.csrfToken} />
            <div class="field">
              <label for="f-file">{t('report.attachments.add')}</label>
              <p class="field__hint" id="f-file-hint">
                {t('report.attachments.hint', { max: Math.floor(attachmentLimits.maxBytes / (1024 * 1024)) })}
              </p>
              <input type="file" id="f-file" name="file" aria-describedby="f-file-hint" />
            </div>
            <p>
              <button type="submit" class="button button--secondary">
                {t('report.attachments.submit')}
              </button>
            </p>
          </form>
        </>
      ) : null}
    </PortalLayout>
  );
}
