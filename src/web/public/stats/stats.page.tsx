/**
 * The public annual report (`/stats/{year}`): the headline, the published figures of TLP:CLEAR data with their
 * definitions, charts with their data tables, the suppression rule, the downloads and the other years. Works
 * without JavaScript and prints as the PDF report.
 */
import type { PageContext } from '#src/web/page-context';
import type { PublicReport } from '#src/modules/statistics/statistics.types';
import type { PreparedChart, StatisticsData } from '#src/web/statistics/statistics-views';
import { PublicPage } from '#src/web/layout';
import { StatisticsFigures } from '#src/web/statistics/statistics-views';

export interface StatsPageProps {
  page: PageContext;
  report: PublicReport;
  charts: readonly PreparedChart[];
  /** The years that can be shown, most recent first, and the current one (reported to date). */
  years: readonly number[];
  currentYear: number;
  /** False for the printed version (no links to other formats) or when no Chromium is configured. */
  pdfAvailable: boolean;
  /** The printed version: no navigation between years nor downloads. */
  isPrint?: boolean;
}

/** The data of a public report as the shared views take it. */
export function reportData(report: PublicReport): StatisticsData {
  return { keys: report.figureKeys, current: report.current, previous: report.previous, period: report.period, previousPeriod: report.previousPeriod };
}

/** The annual report page. */
export function StatsPage({ page, report, charts, years, currentYear, pdfAvailable, isPrint = false }: StatsPageProps) {
  const { i18n } = page;
  const t = i18n.t;
  const year = String(report.year);
  const title = report.year === currentYear ? t('stats.yearTitle', { year: t('stats.inProgress', { year }) }) : t('stats.yearTitle', { year });
  const alternates = [{ href: `/stats/${year}.json`, type: 'application/json', title: t('statsView.download.json') }];
  return (
    <PublicPage page={page} title={title} alternates={isPrint ? [] : alternates}>
      <h1>{title}</h1>
      {report.headline !== null ? <p class="lead stat-headline__sentence">{report.headline.sentences[i18n.locale]}</p> : <p class="lead">{t('stats.lead')}</p>}
      <p>{t('stats.scope')}</p>
      {!isPrint && years.length > 1 ? (
        <nav aria-labelledby="stat-years" class="stat-years">
          <h2 id="stat-years" class="visually-hidden">
            {t('stats.years')}
          </h2>
          <ul>
            {years.map((y) => (
              <li>
                {y === report.year ? (
                  <span aria-current="page">{y === currentYear ? t('stats.inProgress', { year: String(y) }) : String(y)}</span>
                ) : (
                  <a href={`/stats/${y}`}>{y === currentYear ? t('stats.inProgress', { year: String(y) }) : String(y)}</a>
                )}
              </li>
            ))}
          </ul>
        </nav>
      ) : null}
      {report.figureKeys.length === 0 ? <p class="muted">{t('stats.noFigures')}</p> : <StatisticsFigures i18n={i18n} data={reportData(report)} charts={charts} />}
      <p class="muted stat-suppression">{t('statsView.suppressedNote', { max: String(report.minCount - 1) })}</p>
      <p class="muted">{t('statsView.computedAt', { date: i18n.formatDateTime(report.computedAt) })}</p>
      {!isPrint ? (
        <p class="stat-downloads">
          <span>{t('statsView.downloadsLabel')}</span> <a href={`/stats/${year}.csv`}>{t('statsView.download.csv')}</a> · <a href={`/stats/${year}.json`}>{t('statsView.download.json')}</a>
          {pdfAvailable ? (
            <>
              {' '}
              · <a href={`/stats/${year}.pdf`}>{t('statsView.download.pdf')}</a>
            </>
          ) : null}
        </p>
      ) : null}
    </PublicPage>
  );
}
