import type { PageContext } from '#src/web/page-context';
import type { AuditQuery } from '#src/modules/audit/audit.schemas';
import type { AuditTrailView } from '#src/modules/audit/use-cases/browse-audit-trail';
import { ConsolePage } from '#src/web/layout';
import { ErrorSummary, SelectField, TextField, translateFieldErrors } from '#src/web/components/form';
import { consoleHref, DateTime, FilteredPagination } from '#src/web/console/audit/console-list';

/** The filters echoed back in links (cursor excluded). */
export function auditFilterParams(query: AuditQuery): Record<string, string | undefined> {
  return { actor: query.actor, action: query.action, entityType: query.entityType, entityId: query.entityId, from: query.from, to: query.to };
}

/** `GET /console/audit`: the filter form and the table of events, newest first. */
export function AuditListPage({ page, view, query }: { page: PageContext; view: AuditTrailView; query: AuditQuery }) {
  const { i18n } = page;
  const t = i18n.t;
  const errors = view.error ? translateFieldErrors(i18n, view.error.fields) : {};
  const labels = {
    actor: t('audit.filters.actor'),
    action: t('audit.filters.action'),
    entityType: t('audit.filters.entity_type'),
    entityId: t('audit.filters.entity_id'),
    from: t('audit.filters.from'),
    to: t('audit.filters.to'),
    cursor: t('pagination.label'),
  };
  const filters = auditFilterParams(query);
  const hasFilters = Object.values(filters).some((v) => v !== undefined && v !== '');
  const { items, nextCursor } = view.page;
  return (
    <ConsolePage page={page} title={t('audit.title')} section="audit">
      <h1>{t('audit.title')}</h1>
      <p class="lead">{t('audit.lead')}</p>
      <p>
        <a href="/console/audit/verify">{t('audit.verify.link')}</a>
      </p>
      <ErrorSummary i18n={i18n} errors={errors} labels={labels} />
      <form method="get" action="/console/audit" class="form" aria-labelledby="audit-filters">
        <h2 id="audit-filters">{t('audit.filters.title')}</h2>
        <TextField name="actor" label={labels.actor} hint={t('audit.filters.actor_hint')} value={query.actor} errors={errors} maxLength={200} />
        <SelectField name="action" label={labels.action} value={query.action} includeEmpty={t('audit.filters.any_action')} options={view.choices.actions.map((a) => ({ value: a, label: a }))} errors={errors} />
        <SelectField name="entityType" label={labels.entityType} value={query.entityType} includeEmpty={t('audit.filters.any_type')} options={view.choices.entityTypes.map((a) => ({ value: a, label: a }))} errors={errors} />
        <TextField name="entityId" label={labels.entityId} value={query.entityId} errors={errors} maxLength={200} dir="ltr" />
        <TextField name="from" label={labels.from} hint={t('audit.filters.date_hint')} type="date" value={query.from} errors={errors} />
        <TextField name="to" label={labels.to} hint={t('audit.filters.date_hint')} type="date" value={query.to} errors={errors} />
        <button type="submit" class="button">
          {t('audit.filters.apply')}
        </button>
        {hasFilters ? (
          <a href="/console/audit" class="button button--secondary">
            {t('audit.filters.reset')}
          </a>
        ) : null}
      </form>
      {items.length === 0 ? (
        <p class="muted">{t('audit.empty')}</p>
      ) : (
        <div class="table-wrap">
          <table class="table">
            <caption class="visually-hidden">{t('audit.table.caption')}</caption>
            <thead>
              <tr>
                <th scope="col">{t('audit.col.seq')}</th>
                <th scope="col">{t('audit.col.time')}</th>
                <th scope="col">{t('audit.col.actor')}</th>
                <th scope="col">{t('audit.col.action')}</th>
                <th scope="col">{t('audit.col.entity')}</th>
                <th scope="col">{t('audit.col.ip')}</th>
                <th scope="col">{t('audit.col.request')}</th>
              </tr>
            </thead>
            <tbody>
              {items.map((e) => (
                <tr>
                  <td class="num">
                    <a href={`/console/audit/${e.seq}`}>{String(e.seq)}</a>
                  </td>
                  <td>
                    <DateTime i18n={i18n} value={e.occurredAt} />
                  </td>
                  <td>
                    <bdi>{e.actorLabel}</bdi>
                  </td>
                  <td>
                    <code>{e.action}</code>
                  </td>
                  <td>
                    {e.entityType} <code>{e.entityId}</code>
                  </td>
                  <td>{e.ip ? <code>{e.ip}</code> : t('audit.none')}</td>
                  <td>
                    <code>{e.requestId}</code>
                  </td>
                </tr>
              ))}
            </tbody>
          </table>
        </div>
      )}
      <FilteredPagination
        i18n={i18n}
        firstHref={consoleHref('/console/audit', filters)}
        nextHref={nextCursor ? consoleHref('/console/audit', { ...filters, cursor: nextCursor }) : null}
        isFirst={query.cursor === undefined || query.cursor === ''}
      />
    </ConsolePage>
  );
}
