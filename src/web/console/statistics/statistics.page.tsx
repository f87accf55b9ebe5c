/**
 * The statistics dashboard of the console: a period chosen with a GET form (so a dashboard is a link that can be
 * shared), the headline of the year, every figure of the period against the previous one with its definition, and
 * the downloads (CSV, JSON) of exactly what is shown.
 */
import type { PageContext } from '#src/web/page-context';
import type { FormErrors } from '#src/web/components/form';
import type { Headline } from '#src/modules/statistics/statistics.types';
import type { PeriodQuery } from '#src/modules/statistics/statistics.validation';
import type { PreparedChart, StatisticsData } from '#src/web/statistics/statistics-views';
import { ConsolePage } from '#src/web/layout';
import { ErrorSummary, SelectField, TextField } from '#src/web/components/form';
import { StatisticsFigures, periodLabel } from '#src/web/statistics/statistics-views';

export interface StatisticsPageProps {
  page: PageContext;
  /** What the form shows (as typed). */
  query: PeriodQuery;
  errors: FormErrors;
  /** Null when the query was invalid: only the form and its errors are shown. */
  data: StatisticsData | null;
  charts: readonly PreparedChart[];
  headline: Headline | null;
  computedAt: Date | null;
  /** The query string of the period shown, for the download links. */
  exportQuery: string;
}

/** The dashboard page. */
export function StatisticsPage({ page, query, errors, data, charts, headline, computedAt, exportQuery }: StatisticsPageProps) {
  const { i18n } = page;
  const t = i18n.t;
  const labels = { period: t('statsConsole.field.period'), year: t('statsConsole.field.year'), month: t('statsConsole.field.month'), from: t('statsConsole.field.from'), to: t('statsConsole.field.to') };
  return (
    <ConsolePage page={page} title={t('statsConsole.title')} section="statistics">
      <h1>{t('statsConsole.title')}</h1>
      <p class="lead">{t('statsConsole.lead')}</p>
      <ErrorSummary i18n={i18n} errors={errors} labels={labels} />
      <form method="get" action="/console/statistics" class="filters stat-period">
        <fieldset>
          <legend>{t('statsConsole.period')}</legend>
          <SelectField
            name="period"
            label={labels.period}
            errors={errors}
            value={query.period ?? 'year'}
            options={[
              { value: 'year', label: t('statsConsole.period.year') },
              { value: 'month', label: t('statsConsole.period.month') },
              { value: 'custom', label: t('statsConsole.period.custom') },
            ]}
          />
          <TextField name="year" label={labels.year} errors={errors} value={query.year ?? ''} inputMode="numeric" maxLength={4} />
          <TextField name="month" label={labels.month} errors={errors} value={query.month ?? ''} inputMode="numeric" maxLength={2} />
          <TextField name="from" label={labels.from} errors={errors} value={query.from ?? ''} type="date" maxLength={10} />
          <TextField name="to" label={labels.to} errors={errors} value={query.to ?? ''} type="date" maxLength={10} />
          <button type="submit" class="button">
            {t('statsConsole.show')}
          </button>
        </fieldset>
      </form>
      {data !== null ? (
        <>
          <h2 class="stat-period__title">{t('statsConsole.comparedWith', { period: periodLabel(i18n, data.period), previous: periodLabel(i18n, data.previousPeriod) })}</h2>
          {headline !== null ? (
            <section aria-labelledby="headline" class="stat-headline">
              <h2 id="headline">{t('statsConsole.headline')}</h2>
              <p class="stat-headline__sentence">{headline.sentences[i18n.locale]}</p>
            </section>
          ) : null}
          <p class="stat-downloads">
            <span>{t('statsView.downloadsLabel')}</span> <a href={`/console/statistics/export.csv?${exportQuery}`}>{t('statsView.download.csv')}</a> · <a href={`/console/statistics/export.json?${exportQuery}`}>{t('statsView.download.json')}</a>
          </p>
          <StatisticsFigures i18n={i18n} data={data} charts={charts} />
          {computedAt !== null ? <p class="muted">{t('statsView.computedAt', { date: i18n.formatDateTime(computedAt) })}</p> : null}
        </>
      ) : null}
    </ConsolePage>
  );
}
