import type { PageContext } from '#src/web/page-context';
import type { Page } from '#src/core/pagination';
import type { JobView } from '#src/modules/notifications/notifications.types';
import type { JobQuery } from '#src/modules/notifications/notifications.schemas';
import { jobStatuses } from '#src/modules/notifications/notifications.types';
import { ConsolePage } from '#src/web/layout';
import { SelectField } from '#src/web/components/form';
import { consoleHref, DateTime, FilteredPagination } from '#src/web/console/audit/console-list';
import { JobStatusBadge } from '#src/web/console/outbox/status-badge';

/** `GET /console/jobs`: recent background jobs with a status filter. */
export function JobsListPage({ page, jobs, query }: { page: PageContext; jobs: Page<JobView>; query: JobQuery }) {
  const { i18n } = page;
  const t = i18n.t;
  const filters = { status: query.status };
  return (
    <ConsolePage page={page} title={t('jobs.title')} section="jobs">
      <h1>{t('jobs.title')}</h1>
      <p class="lead">{t('jobs.lead')}</p>
      <form method="get" action="/console/jobs" class="form">
        <SelectField name="status" label={t('jobs.filters.status')} value={query.status} includeEmpty={t('jobs.filters.any_status')} options={jobStatuses.map((s) => ({ value: s, label: t(`jobs.status.${s}`) }))} errors={{}} />
        <button type="submit" class="button">
          {t('jobs.filters.apply')}
        </button>
      </form>
      {jobs.items.length === 0 ? (
        <p class="muted">{t('jobs.empty')}</p>
      ) : (
        <div class="table-wrap">
          <table class="table">
            <caption class="visually-hidden">{t('jobs.table.caption')}</caption>
            <thead>
              <tr>
                <th scope="col">{t('jobs.col.kind')}</th>
                <th scope="col">{t('jobs.col.status')}</th>
                <th scope="col">{t('jobs.col.attempts')}</th>
                <th scope="col">{t('jobs.col.run_at')}</th>
                <th scope="col">{t('jobs.col.created')}</th>
                <th scope="col">{t('jobs.col.error')}</th>
              </tr>
            </thead>
            <tbody>
              {jobs.items.map((j) => (
                <tr>
                  <td>
                    <code>{j.kind}</code> <span class="muted">v{String(j.version)}</span>
                  </td>
                  <td>
                    <JobStatusBadge i18n={i18n} status={j.status} />
                  </td>
                  <td class="num">{t('jobs.attempts', { attempts: j.attempts, max: j.maxAttempts })}</td>
                  <td>
                    <DateTime i18n={i18n} value={j.runAt} />
                  </td>
                  <td>
                    <DateTime i18n={i18n} value={j.createdAt} />
                  </td>
                  <td>{j.lastError ?? t('outbox.none')}</td>
                </tr>
              ))}
            </tbody>
          </table>
        </div>
      )}
      <FilteredPagination
        i18n={i18n}
        firstHref={consoleHref('/console/jobs', filters)}
        nextHref={jobs.nextCursor ? consoleHref('/console/jobs', { ...filters, cursor: jobs.nextCursor }) : null}
        isFirst={!query.cursor}
      />
    </ConsolePage>
  );
}
