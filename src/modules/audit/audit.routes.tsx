import { Type } from '@sinclair/typebox';
import type { App } from '#src/plugins/types';
import type { AppServices } from '#src/app';
import { pageContext } from '#src/web/page-context';
import { AuditEventPageSchema, AuditEventSchema, AuditQuery, AuditSeqParams, serialiseAuditEvent } from '#src/modules/audit/audit.schemas';
import { listAuditEvents } from '#src/modules/audit/use-cases/list-audit-events';
import { browseAuditTrail } from '#src/modules/audit/use-cases/browse-audit-trail';
import { getAuditEvent } from '#src/modules/audit/use-cases/get-audit-event';
import { verifyAuditTrail } from '#src/modules/audit/use-cases/verify-audit-trail';
import { AuditListPage } from '#src/web/console/audit/audit-list';
import { AuditEventPage } from '#src/web/console/audit/audit-event';
import { AuditVerifyPage } from '#src/web/console/audit/audit-verify';

const readAudit = { access: { permission: 'audit:read' } } as const;

/** The audit trail: JSON API and console pages (list, one event, chain verification). */
export function auditRoutes(app: App, services: AppServices): void {
  const { database, config } = services;

  app.get(
    '/api/v1/audit-events',
    {
      config: readAudit,
      schema: {
        tags: ['audit'],
        summary: 'List audit events, newest first',
        description: 'Filters combine with AND. Dates are days in the installation time zone (YYYY-MM-DD) or ISO 8601 date-times.',
        querystring: AuditQuery,
        response: { 200: AuditEventPageSchema },
      },
    },
    async (request) => {
      const page = await listAuditEvents(database, request.ctx, request.query, config.timezone);
      return { items: page.items.map(serialiseAuditEvent), nextCursor: page.nextCursor };
    },
  );

  app.get(
    '/api/v1/audit-events/:seq',
    {
      config: readAudit,
      schema: { tags: ['audit'], summary: 'Get one audit event by sequence number', params: AuditSeqParams, response: { 200: AuditEventSchema } },
    },
    async (request) => serialiseAuditEvent(await getAuditEvent(database, request.ctx, request.params.seq)),
  );

  app.get('/console/audit', { config: readAudit, schema: { hide: true, querystring: AuditQuery } }, async (request, reply) => {
    const view = await browseAuditTrail(database, request.ctx, request.query, config.timezone);
    const page = pageContext(request, config.siteName);
    return reply.page(<AuditListPage page={page} view={view} query={request.query} />, view.error ? 400 : 200);
  });

  app.get('/console/audit/verify', { config: readAudit, schema: { hide: true, querystring: Type.Object({}) } }, async (request, reply) => {
    const report = await verifyAuditTrail(database, request.ctx);
    return reply.page(<AuditVerifyPage page={pageContext(request, config.siteName)} report={report} />);
  });

  app.get('/console/audit/:seq', { config: readAudit, schema: { hide: true, params: AuditSeqParams } }, async (request, reply) => {
    const event = await getAuditEvent(database, request.ctx, request.params.seq);
    return reply.page(<AuditEventPage page={pageContext(request, config.siteName)} event={event} />);
  });
}
