import type { PageContext } from '#src/web/page-context';
import type { EmailMessage } from '#src/modules/notifications/notifications.types';
import { ConsolePage } from '#src/web/layout';
import { CsrfField, Notice } from '#src/web/components/form';
import { DateTime } from '#src/web/console/audit/console-list';
import { EmailStatusBadge } from '#src/web/console/outbox/status-badge';

/**
 * `GET /console/outbox/:id`: one e-mail. The text body is shown as preformatted text; the HTML body only as
 * escaped source inside a details element: e-mail HTML is never injected into the console.
 */
export function OutboxEmailPage({ page, email, notice }: { page: PageContext; email: EmailMessage; notice: 'retried' | 'not-failed' | null }) {
  const { i18n } = page;
  const t = i18n.t;
  const headers = Object.entries(email.headers);
  return (
    <ConsolePage page={page} title={email.subject} section="outbox">
      <nav class="breadcrumbs" aria-label={t('outbox.email.back')}>
        <ol>
          <li>
            <a href="/console/outbox">{t('outbox.title')}</a>
          </li>
          <li aria-current="page">{email.subject}</li>
        </ol>
      </nav>
      {notice === 'retried' ? (
        <Notice kind="success">
          <p>{t('outbox.email.retried')}</p>
        </Notice>
      ) : null}
      {notice === 'not-failed' ? (
        <Notice kind="error">
          <p>{t('outbox.email.not_failed')}</p>
        </Notice>
      ) : null}
      <h1>{email.subject}</h1>
      <dl class="summary-list">
        <dt>{t('outbox.col.status')}</dt>
        <dd>
          <EmailStatusBadge i18n={i18n} status={email.status} />
        </dd>
        <dt>{t('outbox.col.recipient')}</dt>
        <dd>
          <bdi>{email.to}</bdi>
        </dd>
        <dt>{t('outbox.col.purpose')}</dt>
        <dd>
          <code>{email.purpose}</code>
        </dd>
        <dt>{t('outbox.col.created')}</dt>
        <dd>
          <DateTime i18n={i18n} value={email.createdAt} />
        </dd>
        <dt>{t('outbox.col.sent')}</dt>
        <dd>
          <DateTime i18n={i18n} value={email.sentAt} />
        </dd>
        <dt>{t('outbox.col.attempts')}</dt>
        <dd>{i18n.formatNumber(email.attempts)}</dd>
        <dt>{t('outbox.col.error')}</dt>
        <dd>{email.lastError ?? t('outbox.none')}</dd>
      </dl>
      {email.status === 'failed' ? (
        <form method="post" action={`/console/outbox/${email.id}/retry`}>
          <CsrfField token={page.csrfToken} />
          <p class="muted">{t('outbox.email.retry_hint')}</p>
          <button type="submit" class="button">
            {t('outbox.email.retry')}
          </button>
        </form>
      ) : null}
      {headers.length > 0 ? (
        <>
          <h2>{t('outbox.email.headers')}</h2>
          <dl class="summary-list">
            {headers.map(([k, v]) => (
              <>
                <dt>
                  <code>{k}</code>
                </dt>
                <dd>
                  <code>{v}</code>
                </dd>
              </>
            ))}
          </dl>
        </>
      ) : null}
      <h2>{t('outbox.email.text')}</h2>
      <pre>{email.text}</pre>
      {email.html === null ? (
        <p class="muted">{t('outbox.email.no_html')}</p>
      ) : (
        <details>
          <summary>{t('outbox.email.html')}</summary>
          <pre>
            <code>{email.html}</code>
          </pre>
        </details>
      )}
      <p>
        <a href="/console/outbox">{t('outbox.email.back')}</a>
      </p>
    </ConsolePage>
  );
}
