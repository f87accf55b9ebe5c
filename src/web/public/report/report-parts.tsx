import type { Translator } from '#src/core/i18n/i18n';
import type { FormErrors } from '#src/web/components/form';
import type { IncidentAttachment, IncidentComment } from '#src/modules/incidents/incidents.types';
import type { ReporterIncidentView } from '#src/modules/incidents/use-cases/get-incident';
import { CsrfField, TextArea } from '#src/web/components/form';
import { TlpBadge } from '#src/web/public/bulletins/bulletin-components';

/** The reporter's view of an incident as the pages show it, with the disposition already put in words. */
export interface ReporterIncidentDisplay {
  view: ReporterIncidentView;
  /** The closing disposition's label in the reader's language, or null while open. */
  dispositionLabel: string | null;
}

/** Who wrote a comment, as a reporter reads it: the CERT (never an analyst's name), themselves, or a colleague. */
function authorOf(i18n: Translator, comment: IncidentComment, isOwn: (c: IncidentComment) => boolean): string {
  if (comment.source === 'console' || comment.source === 'api') return i18n.t('report.messages.from_cert');
  if (isOwn(comment)) return i18n.t('report.messages.from_you');
  return comment.authorLabel;
}

/** The facts of a report in words: reference, status, dates, TLP (portal only) and the closing disposition. */
export function ReportFacts({ i18n, display, showTlp }: { i18n: Translator; display: ReporterIncidentDisplay; showTlp: boolean }) {
  const t = i18n.t;
  const { incident } = display.view;
  return (
    <dl class="summary-list">
      <div>
        <dt>{t('report.facts.reference')}</dt>
        <dd dir="ltr">
          <strong>{incident.reference}</strong>
        </dd>
      </div>
      <div>
        <dt>{t('report.facts.status')}</dt>
        <dd>
          <span class={`badge badge--incident-${incident.status}`}>{t(`report.status.${incident.status}`)}</span>
        </dd>
      </div>
      {showTlp ? (
        <div>
          <dt>{t('report.facts.tlp')}</dt>
          <dd>
            <TlpBadge tlp={incident.tlp} />
          </dd>
        </div>
      ) : null}
      <div>
        <dt>{t('report.facts.reported_at')}</dt>
        <dd>
          <time dateTime={incident.reportedAt.toISOString()}>{i18n.formatDateTime(incident.reportedAt)}</time>
        </dd>
      </div>
      <div>
        <dt>{t('report.facts.updated_at')}</dt>
        <dd>
          <time dateTime={incident.updatedAt.toISOString()}>{i18n.formatDateTime(incident.updatedAt)}</time>
        </dd>
      </div>
      {incident.closedAt !== null && incident.status === 'closed' ? (
        <div>
          <dt>{t('report.facts.closed_at')}</dt>
          <dd>
            <time dateTime={incident.closedAt.toISOString()}>{i18n.formatDateTime(incident.closedAt)}</time>
          </dd>
        </div>
      ) : null}
      {display.dispositionLabel !== null ? (
        <div>
          <dt>{t('report.facts.disposition')}</dt>
          <dd>{display.dispositionLabel}</dd>
        </div>
      ) : null}
    </dl>
  );
}

/** The "merged into" notice, when the CERT folded this report into another case. */
export function MergedNotice({ i18n, reference }: { i18n: Translator; reference: string | null }) {
  if (reference === null) return null;
  return (
    <div class="notice notice--info" role="status">
      <p>{i18n.t('report.merged', { reference })}</p>
    </div>
  );
}

/** The report's own text: title and description as the reporter wrote them. */
export function ReportText({ i18n, title, description }: { i18n: Translator; title: string; description: string }) {
  return (
    <section aria-labelledby="report-text">
      <h2 id="report-text">{i18n.t('report.your_text')}</h2>
      <p dir="auto">
        <strong>{title}</strong>
      </p>
      <p class="comment__body" dir="auto">
        {description}
      </p>
    </section>
  );
}

/** The shared messages between the CERT and the reporter, oldest first (internal comments never reach here). */
export function MessageThread({ i18n, comments, isOwn }: { i18n: Translator; comments: readonly IncidentComment[]; isOwn: (c: IncidentComment) => boolean }) {
  const t = i18n.t;
  const shared = comments.filter((c) => c.visibility === 'shared');
  return (
    <section aria-labelledby="messages">
      <h2 id="messages">{t('report.messages')}</h2>
      {shared.length === 0 ? (
        <p class="muted">{t('report.messages.none')}</p>
      ) : (
        <ol class="comment-thread">
          {shared.map((c) => (
            <li class={`comment comment--${c.source === 'console' || c.source === 'api' ? 'cert' : 'reporter'}`}>
              <p class="comment__meta">
                <strong>{authorOf(i18n, c, isOwn)}</strong> · <time dateTime={c.createdAt.toISOString()}>{i18n.formatDateTime(c.createdAt)}</time>
              </p>
              <p class="comment__body" dir="auto">
                {c.body}
              </p>
            </li>
          ))}
        </ol>
      )}
    </section>
  );
}

/** The attachments shared with the reporter, each a download link (served as a file, never rendered), with its size. */
export function SharedAttachments({ i18n, attachments, hrefOf }: { i18n: Translator; attachments: readonly IncidentAttachment[]; hrefOf: (a: IncidentAttachment) => string }) {
  const shared = attachments.filter((a) => a.visibility === 'shared');
  if (shared.length === 0) return null;
  return (
    <section aria-labelledby="attachments">
      <h2 id="attachments">{i18n.t('report.attachments')}</h2>
      <ul>
        {shared.map((a) => (
          <li>
            <a href={hrefOf(a)} download={a.fileName} dir="auto">
              {a.fileName}
            </a>{' '}
            ({i18n.t('report.attachments.size', { size: Math.max(1, Math.ceil(a.size / 1024)) })}) <code dir="ltr">SHA-256 {a.sha256.slice(0, 16)}…</code>
          </li>
        ))}
      </ul>
    </section>
  );
}

/** The reply form under the thread (a POST with the CSRF token; works without JavaScript). */
export function ReplyForm({ i18n, csrfToken, action, value, errors, isClosed }: { i18n: Translator; csrfToken: string; action: string; value: string; errors: FormErrors; isClosed: boolean }) {
  const t = i18n.t;
  return (
    <form method="post" action={action} class="form" noValidate>
      <CsrfField token={csrfToken} />
      <TextArea name="body" label={t('report.reply.label')} hint={isClosed ? t('report.reply.closed_hint') : t('report.reply.hint')} value={value} rows={5} errors={errors} required dir="auto" />
      <p>
        <button type="submit" class="button">
          {t('report.reply.submit')}
        </button>
      </p>
    </form>
  );
}
