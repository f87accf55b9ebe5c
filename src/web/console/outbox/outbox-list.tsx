import type { PageContext } from '#src/web/page-context';
import type { Page } from '#src/core/pagination';
import type { EmailMessage } from '#src/modules/notifications/notifications.types';
import type { EmailQuery } from '#src/modules/notifications/notifications.schemas';
import { emailStatuses } from '#src/modules/notifications/notifications.types';
import { ConsolePage } from '#src/web/layout';
import { Notice, SelectField, TextField } from '#src/web/components/form';
import { consoleHref, DateTime, FilteredPagination } from '#src/web/console/audit/console-list';
import { EmailStatusBadge } from '#src/web/console/outbox/status-badge';

/** The SMTP notice: where mail goes in this installation. */
export function SmtpNotice({ page, smtpHost }: { page: PageContext; smtpHost: string | null }) {
  const t = page.i18n.t;
  return smtpHost === null ? (
    <Notice kind="warning">
      <p>{t('outbox.no_smtp')}</p>
    </Notice>
  ) : (
    <Notice kind="info">
      <p>{t('outbox.smtp', { host: smtpHost })}</p>
    </Notice>
  );
}

/** `GET /console/outbox`: recorded e-mails, newest first, with status and recipient filters. */
export function OutboxListPage({ page, emails, query, smtpHost }: { page: PageContext; emails: Page<EmailMessage>; query: EmailQuery; smtpHost: string | null }) {
  const { i18n } = page;
  const t = i18n.t;
  const filters = { status: query.status, recipient: query.recipient };
  const hasFilters = Boolean(query.status || query.recipient);
  return (
    <ConsolePage page={page} title={t('outbox.title')} section="outbox">
      <h1>{t('outbox.title')}</h1>
      <p class="lead">{t('outbox.lead')}</p>
      <SmtpNotice page={page} smtpHost={smtpHost} />
      <form method="get" action="/console/outbox" class="form" aria-labelledby="outbox-filters">
        <h2 id="outbox-filters">{t('outbox.filters.title')}</h2>
        <SelectField name="status" label={t('outbox.filters.status')} value={query.status} includeEmpty={t('outbox.filters.any_status')} options={emailStatuses.map((s) => ({ value: s, label: t(`outbox.status.${s}`) }))} errors={{}} />
        <TextField name="recipient" label={t('outbox.filters.recipient')} value={query.recipient} errors={{}} maxLength={254} dir="ltr" />
        <button type="submit" class="button">
          {t('outbox.filters.apply')}
        </button>
        {hasFilters ? (
          <a href="/console/outbox" class="button button--secondary">
            {t('outbox.filters.reset')}
          </a>
        ) : null}
      </form>
      {emails.items.length === 0 ? (
        <p class="muted">{t('outbox.empty')}</p>
      ) : (
        <div class="table-wrap">
          <table class="table">
            <caption class="visually-hidden">{t('outbox.table.caption')}</caption>
            <thead>
              <tr>
                <th scope="col">{t('outbox.col.status')}</th>
                <th scope="col">{t('outbox.col.recipient')}</th>
                <th scope="col">{t('outbox.col.subject')}</th>
                <th scope="col">{t('outbox.col.purpose')}</th>
                <th scope="col">{t('outbox.col.created')}</th>
                <th scope="col">{t('outbox.col.sent')}</th>
                <th scope="col">{t('outbox.col.attempts')}</th>
                <th scope="col">{t('outbox.col.error')}</th>
              </tr>
            </thead>
            <tbody>
              {emails.items.map((e) => (
                <tr>
                  <td>
                    <EmailStatusBadge i18n={i18n} status={e.status} />
                  </td>
                  <td>
                    <bdi>{e.to}</bdi>
                  </td>
                  <td>
                    <a href={`/console/outbox/${e.id}`}>{e.subject}</a>
                  </td>
                  <td>
                    <code>{e.purpose}</code>
                  </td>
                  <td>
                    <DateTime i18n={i18n} value={e.createdAt} />
                  </td>
                  <td>
                    <DateTime i18n={i18n} value={e.sentAt} />
                  </td>
                  <td class="num">{i18n.formatNumber(e.attempts)}</td>
                  <td>{e.lastError ?? t('outbox.none')}</td>
                </tr>
              ))}
            </tbody>
          </table>
        </div>
      )}
      <FilteredPagination
        i18n={i18n}
        firstHref={consoleHref('/console/outbox', filters)}
        nextHref={emails.nextCursor ? consoleHref('/console/outbox', { ...filters, cursor: emails.nextCursor }) : null}
        isFirst={!query.cursor}
      />
    </ConsolePage>
  );
}
