import type { FastifyReply, FastifyRequest } from 'fastify';
import { Type, type Static } from '@sinclair/typebox';
import type { App } from '#src/plugins/types';
import type { AppServices } from '#src/app';
import type { Headline, PublicReport } from '#src/modules/statistics/statistics.types';
import type { FormErrors } from '#src/web/components/form';
import type { PreparedChart, StatisticsData } from '#src/web/statistics/statistics-views';
import { AppError } from '#src/core/errors';
import { readAuditHeadSeq } from '#src/core/audit';
import { computeDashboard } from '#src/modules/statistics/use-cases/compute-dashboard';
import { headlineOfFigures } from '#src/modules/statistics/use-cases/compute-headline';
import { buildPublicReport } from '#src/modules/statistics/use-cases/public-report';
import { dashboardToCsv, dashboardToJson, publicReportToCsv, publicReportToJson } from '#src/modules/statistics/statistics.export';
import { findFirstStatisticsYear } from '#src/modules/statistics/statistics.repository';
import { localDateOf } from '#src/modules/statistics/statistics.periods';
import { parsePeriodQuery, periodQueryOf } from '#src/modules/statistics/statistics.validation';
import { PeriodQuerySchema, StatisticsDocumentSchema, YearParams } from '#src/modules/statistics/statistics.schemas';
import { translateFieldErrors } from '#src/web/components/form';
import { pageContext } from '#src/web/page-context';
import { renderDocument } from '#src/web/render';
import { selfContained, sendPrintedPdf } from '#src/web/print';
import { sendCacheable } from '#src/web/public/bulletins/http-cache';
import { prepareStatisticsCharts } from '#src/web/statistics/statistics-views';
import { StatisticsPage } from '#src/web/console/statistics/statistics.page';
import { StatsPage, reportData } from '#src/web/public/stats/stats.page';

const read = { permission: 'statistics:read' } as const;
/** How long a public report may be served after the data changed (it is recomputed at most this often per year). */
const REPORT_MIN_AGE_MS = 30_000;
const tags = ['statistics'];
type PeriodQueryInput = Static<typeof PeriodQuerySchema>;

function exportQueryString(query: Record<string, string>): string {
  return new URLSearchParams(query).toString();
}

function download(reply: FastifyReply, fileName: string, mediaType: string, body: string, isPublic: boolean): FastifyReply {
  reply.header('content-disposition', `attachment; filename="${fileName}"`);
  reply.header('x-content-type-options', 'nosniff');
  reply.header('cache-control', isPublic ? 'public, max-age=300' : 'private, no-store');
  return reply.type(mediaType).send(body);
}

/**
 * Statistics: the console dashboard (`statistics:read`: every record), its CSV and JSON downloads and the same figures
 * through the API; the public annual report (`/stats`, `/stats/{year}` and its JSON, CSV and PDF), made of TLP:CLEAR
 * aggregates with small counts suppressed, cached in memory until the data changes (the audit chain moves) or the hour
 * turns (the current year is reported up to now).
 */
export function statisticsRoutes(app: App, services: AppServices): void {
  const { database, config } = services;

  // ---- Console and API (staff) -----------------------------------------------------------------------------------

  async function staffDashboard(request: FastifyRequest, query: PeriodQueryInput) {
    const period = parsePeriodQuery(query, config.timezone, request.ctx.clock.now());
    return computeDashboard(database, request.ctx, { period, scope: 'staff' });
  }

  app.get('/console/statistics', { config: { access: read }, schema: { hide: true, querystring: PeriodQuerySchema } }, async (request, reply) => {
    const page = pageContext(request, config.siteName);
    const { lang: _lang, ...query } = request.query;
    let errors: FormErrors = {};
    let data: StatisticsData | null = null;
    let charts: PreparedChart[] = [];
    let headline: Headline | null = null;
    let computedAt: Date | null = null;
    let exportQuery = '';
    try {
      const dashboard = await staffDashboard(request, query);
      data = { keys: Object.keys(dashboard.current) as StatisticsData['keys'], current: dashboard.current, previous: dashboard.previous, period: dashboard.period, previousPeriod: dashboard.previousPeriod };
      headline = headlineOfFigures(dashboard.period, 'staff', dashboard.current);
      charts = await prepareStatisticsCharts(page.i18n, data);
      computedAt = dashboard.computedAt;
      exportQuery = exportQueryString(periodQueryOf(dashboard.period));
    } catch (error) {
      if (!(error instanceof AppError) || error.code !== 'validation_failed') throw error;
      errors = translateFieldErrors(page.i18n, error.fields);
    }
    reply.header('cache-control', 'private, no-store');
    return reply.page(<StatisticsPage page={page} query={query} errors={errors} data={data} charts={charts} headline={headline} computedAt={computedAt} exportQuery={exportQuery} />, data === null ? 400 : 200);
  });

  app.get('/console/statistics/export.csv', { config: { access: read, formless: true }, schema: { hide: true, querystring: PeriodQuerySchema } }, async (request, reply) => {
    const { lang: _lang, ...query } = request.query;
    const dashboard = await staffDashboard(request, query);
    return download(reply, `statistics-${exportQueryString(periodQueryOf(dashboard.period)).replace(/[^a-z0-9-]+/gi, '-')}.csv`, 'text/csv; charset=utf-8', dashboardToCsv(dashboard, request.i18n.locale), false);
  });

  app.get('/console/statistics/export.json', { config: { access: read, formless: true }, schema: { hide: true, querystring: PeriodQuerySchema } }, async (request, reply) => {
    const { lang: _lang, ...query } = request.query;
    const dashboard = await staffDashboard(request, query);
    return download(reply, `statistics-${exportQueryString(periodQueryOf(dashboard.period)).replace(/[^a-z0-9-]+/gi, '-')}.json`, 'application/json; charset=utf-8', `${JSON.stringify(dashboardToJson(dashboard), null, 2)}\n`, false);
  });

  app.get(
    '/api/v1/statistics',
    {
      config: { access: read },
      schema: {
        tags,
        summary: 'Statistics of a period',
        description:
          'Every figure of the dashboard (every record, whatever its TLP) for a period and the previous period of the same length: `period=year&year=2026`, `period=month&year=2026&month=3` or `period=custom&from=2026-01-01&to=2026-03-31` (local days in the CERT’s time zone, `to` included). Without a period: the current year to date. Each figure names its definition.',
        querystring: PeriodQuerySchema,
        response: { 200: StatisticsDocumentSchema },
      },
    },
    async (request) => {
      const { lang: _lang, ...query } = request.query;
      const dashboard = await staffDashboard(request, query);
      const document = dashboardToJson(dashboard);
      const headline = headlineOfFigures(dashboard.period, 'staff', dashboard.current);
      return headline === null ? document : { ...document, headline: { figures: headline.figures, sources: headline.sources, sentences: headline.sentences } };
    },
  );

  app.get(
    '/api/v1/statistics/export.csv',
    {
      config: { access: read, formless: true },
      schema: {
        tags,
        summary: 'Statistics of a period as CSV',
        description: 'The same figures as `GET /api/v1/statistics`, one row per figure, dimension and category, with the period bounds (labels in the `lang` language).',
        querystring: PeriodQuerySchema,
        response: { 200: Type.String({ description: 'CSV (UTF-8).' }) },
      },
    },
    async (request, reply) => {
      const { lang: _lang, ...query } = request.query;
      const dashboard = await staffDashboard(request, query);
      return download(reply, 'statistics.csv', 'text/csv; charset=utf-8', dashboardToCsv(dashboard, request.i18n.locale), false);
    },
  );

  // ---- Public annual report --------------------------------------------------------------------------------------

  /**
   * Public reports in memory, one per year, shared by concurrent requests (one computation in flight per year). An
   * entry is current while the audit chain has not moved and the hour has not turned; a stale one is still served for
   * REPORT_MIN_AGE_MS after it was computed, so that a busy CERT (whose audit chain moves every few seconds) does not
   * recompute a costly report for every visitor.
   */
  const reports = new Map<number, { promise: Promise<{ report: PublicReport; years: number[] }>; auditSeq: number; hour: number; createdAt: number }>();

  /** The public report of `year` (404 for a year that has not started or before any record). */
  async function publicReport(request: FastifyRequest, year: number): Promise<{ report: PublicReport; years: number[]; currentYear: number }> {
    const now = request.ctx.clock.now();
    const currentYear = localDateOf(now, config.timezone).year;
    if (!Number.isInteger(year) || year > currentYear) throw new AppError('not_found');
    const auditSeq = await readAuditHeadSeq(database.db);
    const hour = Math.floor(now.getTime() / 3_600_000);
    const cached = reports.get(year);
    const isCurrent = cached !== undefined && ((cached.auditSeq === auditSeq && cached.hour === hour) || now.getTime() - cached.createdAt < REPORT_MIN_AGE_MS);
    if (cached === undefined || !isCurrent) {
      const promise = (async () => {
        const first = (await findFirstStatisticsYear(database.db, 'public', config.timezone)) ?? currentYear;
        const years: number[] = [];
        for (let y = currentYear; y >= first; y--) years.push(y);
        if (!years.includes(year)) throw new AppError('not_found');
        return { report: await buildPublicReport(database, config, request.ctx, year), years };
      })();
      reports.set(year, { promise, auditSeq, hour, createdAt: now.getTime() });
      // A failed computation is not kept (nor is a year that does not exist).
      promise.catch(() => reports.delete(year));
    }
    const entry = await (reports.get(year)?.promise ?? Promise.reject(new AppError('not_found')));
    return { ...entry, currentYear };
  }

  /** The report shown at /stats: the last complete year when it has figures, else the current year to date. */
  async function defaultYear(request: FastifyRequest): Promise<number> {
    const currentYear = localDateOf(request.ctx.clock.now(), config.timezone).year;
    const first = await findFirstStatisticsYear(database.db, 'public', config.timezone);
    return first !== null && first < currentYear ? currentYear - 1 : currentYear;
  }

  function yearOf(params: { year: string }): number {
    return Number(params.year);
  }

  async function sendReportPage(request: FastifyRequest, reply: FastifyReply, year: number) {
    const { report, years, currentYear } = await publicReport(request, year);
    const page = pageContext(request, config.siteName);
    const charts = await prepareStatisticsCharts(page.i18n, reportData(report));
    const html = renderDocument(<StatsPage page={page} report={report} charts={charts} years={years} currentYear={currentYear} pdfAvailable={config.chromiumPath !== null} />);
    return sendCacheable(request, reply, { body: html, type: 'text/html; charset=utf-8', lastModified: report.computedAt, personal: request.auth.kind !== 'anonymous', vary: 'Cookie, Accept-Language' });
  }

  app.get('/stats', { config: { access: 'public' }, schema: { hide: true } }, async (request, reply) => sendReportPage(request, reply, await defaultYear(request)));

  app.get('/stats/:year', { config: { access: 'public' }, schema: { hide: true, params: YearParams } }, async (request, reply) => sendReportPage(request, reply, yearOf(request.params)));

  app.get(
    '/stats/:year.json',
    {
      config: { access: 'public', formless: true },
      schema: { tags, summary: 'Public annual report (JSON)', description: 'The figures of the public report of a year: TLP:CLEAR data only, small counts suppressed (null, `suppressed: true`).', params: YearParams, response: { 200: StatisticsDocumentSchema } },
    },
    async (request, reply) => {
      const { report } = await publicReport(request, yearOf(request.params));
      const body = `${JSON.stringify(publicReportToJson(report), null, 2)}\n`;
      return sendCacheable(request, reply, { body, type: 'application/json; charset=utf-8', lastModified: report.computedAt, personal: false });
    },
  );

  app.get('/stats/:year.csv', { config: { access: 'public', formless: true }, schema: { hide: true, params: YearParams } }, async (request, reply) => {
    const { report } = await publicReport(request, yearOf(request.params));
    return download(reply, `statistics-${report.year}.csv`, 'text/csv; charset=utf-8', publicReportToCsv(report, request.i18n.locale), true);
  });

  app.get('/stats/:year.pdf', { config: { access: 'public', formless: true }, schema: { hide: true, params: YearParams } }, async (request, reply) => {
    const chromiumPath = config.chromiumPath;
    if (chromiumPath === null) throw new AppError('not_found');
    const year = yearOf(request.params);
    const { report, years, currentYear } = await publicReport(request, year);
    // The printed page carries nothing of the session (no user, no CSRF token) and no links to other formats.
    const page = { ...pageContext(request, config.siteName), path: `/stats/${year}`, user: null, csrfToken: '', can: () => false };
    const charts = await prepareStatisticsCharts(page.i18n, reportData(report));
    const html = selfContained(renderDocument(<StatsPage page={page} report={report} charts={charts} years={years} currentYear={currentYear} pdfAvailable={false} isPrint />));
    return sendPrintedPdf(request, reply, { chromiumPath, html, fileName: `statistics-${year}.pdf`, cacheControl: 'public, max-age=300', vary: 'Accept-Language', lastModified: null });
  });
}
