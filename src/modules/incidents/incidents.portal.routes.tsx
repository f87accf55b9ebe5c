import { Type } from '@sinclair/typebox';
import type { FastifyReply, FastifyRequest } from 'fastify';
import type { App } from '#src/plugins/types';
import type { AppServices } from '#src/app';
import type { FormErrors } from '#src/web/components/form';
import type { PortalIncidentNotice, PortalReportValues } from '#src/web/portal/incidents/portal-incidents.pages';
import { AppError } from '#src/core/errors';
import { can } from '#src/core/access';
import { FormBodySchema, readForm } from '#src/web/forms';
import { pageContext } from '#src/web/page-context';
import { translateFieldErrors } from '#src/web/components/form';
import { reportIncident } from '#src/modules/incidents/use-cases/report-incident';
import { getIncident } from '#src/modules/incidents/use-cases/get-incident';
import { listIncidents } from '#src/modules/incidents/use-cases/list-incidents';
import { commentAsConstituent } from '#src/modules/incidents/use-cases/comment-on-incident';
import { displayOf, formDateTime, reportFormErrors, typeCodeOfCategory } from '#src/web/public/report/report-form';
import { PortalIncidentListPage, PortalIncidentPage, PortalNewIncidentPage, emptyPortalReport } from '#src/web/portal/incidents/portal-incidents.pages';

const follow = { permission: 'incidents:follow' } as const;
const report = { permission: 'incidents:report' } as const;

const Params = Type.Object({ id: Type.String({ maxLength: 64 }) });
const ListQuery = Type.Object({ cursor: Type.Optional(Type.String({ maxLength: 500 })) });
const DetailQuery = Type.Object({ done: Type.Optional(Type.Union([Type.Literal('reported'), Type.Literal('commented'), Type.Literal('')])) });

/** Rows of a portal list page. */
const PAGE_SIZE = 25;

/** Incidents in the constituent portal: the organisation's incidents, a new report, one incident and the reply. */
export async function incidentsPortalRoutes(app: App, services: AppServices): Promise<void> {
  const { config, database } = services;
  const page = (request: FastifyRequest) => pageContext(request, config.siteName);

  app.get('/portal/incidents', { config: { access: follow }, schema: { hide: true, querystring: ListQuery } }, async (request, reply) => {
    const cursor = request.query.cursor;
    // No filters: the visibility rule (their organisation's incidents, TLP:RED to its reporter only) applies in SQL.
    const list = await listIncidents(database, request.ctx, { sort: 'reported_desc' }, { limit: PAGE_SIZE, cursor });
    const lang = request.i18n.locale;
    const nextHref = list.nextCursor === null ? null : `/portal/incidents?cursor=${encodeURIComponent(list.nextCursor)}&lang=${lang}`;
    return reply.page(<PortalIncidentListPage page={page(request)} list={list} isFirst={cursor === undefined || cursor === ''} nextHref={nextHref} />);
  });

  // ---- New report -------------------------------------------------------------------------------------------

  function renderNew(request: FastifyRequest, reply: FastifyReply, values: PortalReportValues, errors: FormErrors, status = 200) {
    return reply.page(<PortalNewIncidentPage page={page(request)} values={values} errors={errors} zone={config.timezone} />, status);
  }

  app.get('/portal/incidents/new', { config: { access: report }, schema: { hide: true } }, async (request, reply) => renderNew(request, reply, emptyPortalReport, {}));

  app.post('/portal/incidents/new', { config: { access: report }, schema: { hide: true, body: FormBodySchema } }, async (request, reply) => {
    const form = readForm(request.body);
    const values: PortalReportValues = {
      title: form.str('title'),
      description: form.raw('description').slice(0, 100_000),
      category: form.str('category'),
      detectedAt: form.str('detectedAt'),
      awareAt: form.str('awareAt'),
      tlp: form.str('tlp'),
    };
    const typeCode = typeCodeOfCategory(values.category);
    if (typeCode === null) return renderNew(request, reply, values, translateFieldErrors(request.i18n, [{ field: 'category', message: 'invalid_choice' }]), 400);
    try {
      const { incident } = await reportIncident(database, config, request.ctx, 'portal', {
        title: values.title,
        description: values.description,
        detectedAt: formDateTime(values.detectedAt, config.timezone),
        awareAt: formDateTime(values.awareAt, config.timezone),
        tlp: values.tlp,
        ...(typeCode ? { typeCode } : {}),
        locale: request.i18n.locale,
      });
      const lang = request.i18n.locale;
      // CERT staff may report too (they hold `incidents:report`), but they follow incidents in the console.
      const target = can(request.ctx.actor, 'incidents:follow') ? `/portal/incidents/${incident.id}?done=reported&lang=${lang}` : `/console/incidents/${incident.id}?lang=${lang}`;
      return reply.redirect(target, 303);
    } catch (error) {
      if (!(error instanceof AppError) || error.code !== 'validation_failed') throw error;
      return renderNew(request, reply, values, reportFormErrors(request.i18n, error.fields), 400);
    }
  });

  // ---- One incident -----------------------------------------------------------------------------------------

  async function renderIncident(request: FastifyRequest, reply: FastifyReply, id: string, state: { notice: PortalIncidentNotice | null; body: string; errors: FormErrors }, status = 200) {
    const view = await getIncident(database, config, request.ctx, id);
    // Only constituents reach these routes; a handler's full view (internal comments…) never renders here.
    if (view.kind !== 'reporter') throw new AppError('not_found');
    const display = await displayOf(database, request.i18n, view);
    return reply.page(<PortalIncidentPage page={page(request)} display={display} notice={state.notice} reply={{ value: state.body, errors: state.errors }} />, status);
  }

  app.get('/portal/incidents/:id', { config: { access: follow }, schema: { hide: true, params: Params, querystring: DetailQuery } }, async (request, reply) => {
    const done = request.query.done;
    return renderIncident(request, reply, request.params.id, { notice: done === 'reported' || done === 'commented' ? done : null, body: '', errors: {} });
  });

  // Declared with `incidents:report` (the use case's own rule) so that a body is read and limited before the handler;
  // the portal is for constituents, so CERT staff, who follow incidents in the console, are answered 404 here.
  app.post('/portal/incidents/:id/comments', { config: { access: report }, schema: { hide: true, params: Params, body: FormBodySchema } }, async (request, reply) => {
    if (!can(request.ctx.actor, 'incidents:follow')) throw new AppError('not_found');
    const id = request.params.id;
    const body = readForm(request.body).raw('body').slice(0, 100_000);
    try {
      await commentAsConstituent(database, request.ctx, id, body);
      return reply.redirect(`/portal/incidents/${id}?done=commented&lang=${request.i18n.locale}`, 303);
    } catch (error) {
      if (!(error instanceof AppError) || error.code !== 'validation_failed') throw error;
      return renderIncident(request, reply, id, { notice: null, body, errors: translateFieldErrors(request.i18n, error.fields) }, 400);
    }
  });
}
