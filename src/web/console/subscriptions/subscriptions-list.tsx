import type { PageContext } from '#src/web/page-context';
import type { SubscriptionList } from '#src/modules/notifications/use-cases/list-subscriptions';
import type { SubscriptionStatus } from '#src/modules/notifications/subscriptions.types';
import { subscriptionStatuses } from '#src/modules/notifications/subscriptions.types';
import { ConsolePage } from '#src/web/layout';
import { SelectField } from '#src/web/components/form';
import { consoleHref, DateTime, FilteredPagination } from '#src/web/console/audit/console-list';

const statusClass: Record<SubscriptionStatus, string> = { active: 'status--active', pending: 'status--disabled', unsubscribed: 'status--suspended' };

/** `GET /console/subscriptions`: the subscribers, their filters and the number in each state. */
export function SubscriptionsListPage({ page, list, status, isFirst }: { page: PageContext; list: SubscriptionList; status: SubscriptionStatus | undefined; isFirst: boolean }) {
  const { i18n } = page;
  const t = i18n.t;
  const next = list.page.nextCursor ? consoleHref('/console/subscriptions', { status, cursor: list.page.nextCursor }) : null;
  return (
    <ConsolePage page={page} title={t('subscriptions.console.title')} section="subscriptions">
      <h1>{t('subscriptions.console.title')}</h1>
      <p class="lead">{t('subscriptions.console.lead')}</p>
      <ul>
        {subscriptionStatuses.map((s) => (
          <li>
            {t(`subscriptions.status.${s}`)} : <strong>{i18n.formatNumber(list.counts[s])}</strong>
          </li>
        ))}
      </ul>
      <form method="get" action="/console/subscriptions" class="form">
        <SelectField name="status" label={t('subscriptions.console.status')} value={status} includeEmpty={t('subscriptions.console.any_status')} options={subscriptionStatuses.map((s) => ({ value: s, label: t(`subscriptions.status.${s}`) }))} errors={{}} />
        <button type="submit" class="button">
          {t('subscriptions.console.apply')}
        </button>
      </form>
      {list.page.items.length === 0 ? (
        <p class="muted">{t('subscriptions.console.empty')}</p>
      ) : (
        <div class="table-wrap">
          <table class="table">
            <caption class="visually-hidden">{t('subscriptions.console.caption')}</caption>
            <thead>
              <tr>
                <th scope="col">{t('subscriptions.form.email')}</th>
                <th scope="col">{t('subscriptions.console.status')}</th>
                <th scope="col">{t('subscriptions.form.kinds')}</th>
                <th scope="col">{t('subscriptions.form.min_criticality')}</th>
                <th scope="col">{t('subscriptions.form.products')}</th>
                <th scope="col">{t('subscriptions.form.language')}</th>
                <th scope="col">{t('subscriptions.console.created')}</th>
                <th scope="col">{t('subscriptions.console.confirmed')}</th>
              </tr>
            </thead>
            <tbody>
              {list.page.items.map((s) => (
                <tr>
                  <td dir="ltr">{s.email}</td>
                  <td>
                    <span class={statusClass[s.status]}>{t(`subscriptions.status.${s.status}`)}</span>
                  </td>
                  <td>{s.filters.kinds.length === 0 ? t('subscriptions.summary.all_kinds') : s.filters.kinds.map((k) => t(`subscriptions.kind.${k}`)).join(', ')}</td>
                  <td>{s.filters.minCriticality ?? t('subscriptions.summary.any_criticality')}</td>
                  <td>{s.products.length === 0 ? t('subscriptions.summary.all_products') : s.products.map((p) => p.label).join(', ')}</td>
                  <td>{s.filters.language}</td>
                  <td>
                    <DateTime i18n={i18n} value={s.createdAt} />
                  </td>
                  <td>
                    <DateTime i18n={i18n} value={s.confirmedAt} />
                  </td>
                </tr>
              ))}
            </tbody>
          </table>
        </div>
      )}
      <FilteredPagination i18n={i18n} firstHref={consoleHref('/console/subscriptions', { status })} nextHref={next} isFirst={isFirst} />
    </ConsolePage>
  );
}
