import { Type } from '@sinclair/typebox';
import type { FastifyReply, FastifyRequest } from 'fastify';
import type { App } from '#src/plugins/types';
import type { AppServices } from '#src/app';
import type { FieldError } from '#src/core/errors';
import type { FormErrors } from '#src/web/components/form';
import type { ReportFormValues } from '#src/web/public/report/report-pages';
import { AppError } from '#src/core/errors';
import { FormBodySchema, readForm } from '#src/web/forms';
import { pageContext } from '#src/web/page-context';
import { translateFieldErrors } from '#src/web/components/form';
import { reportIncident } from '#src/modules/incidents/use-cases/report-incident';
import { getIncidentByTrackingToken } from '#src/modules/incidents/use-cases/get-incident';
import { commentByTrackingToken } from '#src/modules/incidents/use-cases/comment-on-incident';
import { displayOf, formDateTime, reportFormErrors, securityContactLink, typeCodeOfCategory } from '#src/web/public/report/report-form';
import { ReportFormPage, ReportSentPage, TrackingPage, emptyReportForm, organisationNameMax } from '#src/web/public/report/report-pages';

const TrackParams = Type.Object({ token: Type.String({ minLength: 1, maxLength: 200 }) });
const TrackQuery = Type.Object({ done: Type.Optional(Type.Union([Type.Literal('replied'), Type.Literal('')])) });
const SentQuery = Type.Object({ ref: Type.Optional(Type.String({ maxLength: 200 })) });

/** What a reference looks like (the configurable pattern only ever yields these characters). */
const REFERENCE_SHAPE = /^[A-Za-z0-9][A-Za-z0-9._/-]{0,79}$/;

/**
 * Headers of the pages reached by (or leading to) a secret tracking link: the URL must not leak through the
 * Referer header of a link followed from the page, be stored by a cache, or be indexed. Set in a route-level onSend
 * hook, which runs after the application's security headers (whose site-wide policy is same-origin).
 */
async function secretPageHeaders(_request: FastifyRequest, reply: FastifyReply, payload: unknown): Promise<unknown> {
  reply.header('referrer-policy', 'no-referrer');
  reply.header('cache-control', 'no-store');
  reply.header('x-robots-tag', 'noindex');
  return payload;
}

function valuesOf(request: FastifyRequest): ReportFormValues {
  const form = readForm(request.body);
  return {
    reporterName: form.str('reporterName'),
    reporterEmail: form.str('reporterEmail'),
    reporterPhone: form.str('reporterPhone'),
    organisationName: form.str('organisationName'),
    category: form.str('category'),
    title: form.str('title'),
    description: form.raw('description').slice(0, 100_000),
    detectedAt: form.str('detectedAt'),
  };
}

/** Incidents: the public report form for people without an account, and the reporter's private tracking page. */
export async function incidentsPublicRoutes(app: App, services: AppServices): Promise<void> {
  const { config, database } = services;
  const formRateLimit = { max: config.formRateLimitPerMinute, timeWindow: 60_000 };
  const contact = securityContactLink(config);
  const page = (request: FastifyRequest) => pageContext(request, config.siteName);

  function renderForm(request: FastifyRequest, reply: FastifyReply, values: ReportFormValues, errors: FormErrors, status = 200) {
    return reply.page(<ReportFormPage page={page(request)} values={values} errors={errors} contact={contact} zone={config.timezone} />, status);
  }

  // ---- The form ---------------------------------------------------------------------------------------------

  app.get('/report', { config: { access: 'public' }, schema: { hide: true } }, async (request, reply) => renderForm(request, reply, emptyReportForm, {}));

  app.post('/report', { config: { access: 'public', rateLimit: formRateLimit }, schema: { hide: true, body: FormBodySchema } }, async (request, reply) => {
    const form = readForm(request.body);
    const values = valuesOf(request);
    const lang = request.i18n.locale;
    // A filled honeypot is a bot: it gets the usual answer and nothing is stored or sent.
    if (form.str('website') !== '') return reply.redirect(`/report/sent?lang=${lang}`, 303);

    const local: FieldError[] = [];
    if (values.organisationName.length > organisationNameMax) local.push({ field: 'organisationName', message: 'too_long', params: { max: organisationNameMax } });
    const typeCode = typeCodeOfCategory(values.category);
    if (typeCode === null) local.push({ field: 'category', message: 'invalid_choice' });
    if (local.length > 0) return renderForm(request, reply, values, translateFieldErrors(request.i18n, local), 400);

    // The organisation, when given, heads the description (the public form has no organisation record to link).
    const description = values.organisationName !== '' && values.description.trim() !== '' ? `${request.i18n.t('report.description.organisation', { name: values.organisationName })}\n\n${values.description.trim()}` : values.description;
    try {
      const { incident } = await reportIncident(database, config, request.ctx, 'public', {
        title: values.title,
        description,
        detectedAt: formDateTime(values.detectedAt, config.timezone),
        reporterName: values.reporterName,
        reporterEmail: values.reporterEmail,
        reporterPhone: values.reporterPhone,
        ...(typeCode ? { typeCode } : {}),
        locale: lang,
      });
      // The tracking token went to the reporter's mailbox only: this answer carries the reference, never the token.
      return reply.redirect(`/report/sent?ref=${encodeURIComponent(incident.reference)}&lang=${lang}`, 303);
    } catch (error) {
      if (!(error instanceof AppError) || error.code !== 'validation_failed') throw error;
      return renderForm(request, reply, values, reportFormErrors(request.i18n, error.fields), 400);
    }
  });

  app.get('/report/sent', { config: { access: 'public' }, schema: { hide: true, querystring: SentQuery }, onSend: secretPageHeaders }, async (request, reply) => {
    const ref = request.query.ref ?? '';
    return reply.page(<ReportSentPage page={page(request)} reference={REFERENCE_SHAPE.test(ref) ? ref : null} contact={contact} />);
  });

  // ---- Tracking (the secret link e-mailed to the reporter) --------------------------------------------------

  async function renderTracking(request: FastifyRequest, reply: FastifyReply, token: string, state: { notice: 'replied' | null; body: string; errors: FormErrors }, status = 200) {
    const view = await getIncidentByTrackingToken(database, token);
    const display = await displayOf(database, request.i18n, view);
    return reply.page(<TrackingPage page={page(request)} display={display} token={token} reply={{ value: state.body, errors: state.errors }} notice={state.notice} />, status);
  }

  app.get('/report/track/:token', { config: { access: 'public' }, schema: { hide: true, params: TrackParams, querystring: TrackQuery }, onSend: secretPageHeaders }, async (request, reply) =>
    renderTracking(request, reply, request.params.token, { notice: request.query.done === 'replied' ? 'replied' : null, body: '', errors: {} }),
  );

  app.post(
    '/report/track/:token',
    { config: { access: 'public', rateLimit: formRateLimit }, schema: { hide: true, params: TrackParams, body: FormBodySchema }, onSend: secretPageHeaders },
    async (request, reply) => {
      const token = request.params.token;
      const body = readForm(request.body).raw('body').slice(0, 100_000);
      try {
        await commentByTrackingToken(database, request.ctx, token, body);
        return reply.redirect(`/report/track/${encodeURIComponent(token)}?done=replied&lang=${request.i18n.locale}`, 303);
      } catch (error) {
        if (!(error instanceof AppError) || error.code !== 'validation_failed') throw error;
        return renderTracking(request, reply, token, { notice: null, body, errors: translateFieldErrors(request.i18n, error.fields) }, 400);
      }
    },
  );
}
