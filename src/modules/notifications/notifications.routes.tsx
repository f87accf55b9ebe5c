import { Type } from '@sinclair/typebox';
import type { App } from '#src/plugins/types';
import type { AppServices } from '#src/app';
import { AppError } from '#src/core/errors';
import { FormBodySchema } from '#src/web/forms';
import { pageContext } from '#src/web/page-context';
import { EmailIdParams, EmailPageSchema, EmailQuery, EmailSchema, JobQuery, serialiseEmail, serialiseEmailSummary } from '#src/modules/notifications/notifications.schemas';
import { listEmails } from '#src/modules/notifications/use-cases/list-emails';
import { getEmail } from '#src/modules/notifications/use-cases/get-email';
import { retryEmail } from '#src/modules/notifications/use-cases/retry-email';
import { listJobs } from '#src/modules/notifications/use-cases/list-jobs';
import { OutboxListPage } from '#src/web/console/outbox/outbox-list';
import { OutboxEmailPage } from '#src/web/console/outbox/outbox-email';
import { JobsListPage } from '#src/web/console/outbox/jobs-list';

const readOutbox = { access: { permission: 'outbox:read' } } as const;

/** The SMTP host shown to administrators (never the credentials of the URL), or null without SMTP. */
function smtpHostOf(smtpUrl: string | null): string | null {
  if (smtpUrl === null) return null;
  try {
    return new URL(smtpUrl).host;
  } catch {
    return '?';
  }
}

/** The outbox and the job console: JSON API and pages. */
export function notificationsRoutes(app: App, services: AppServices): void {
  const { database, config } = services;
  const smtpHost = smtpHostOf(config.smtpUrl);

  app.get(
    '/api/v1/emails',
    {
      config: readOutbox,
      schema: { tags: ['outbox'], summary: 'List recorded e-mails, newest first', querystring: EmailQuery, response: { 200: EmailPageSchema } },
    },
    async (request) => {
      const page = await listEmails(database, request.ctx, request.query);
      return { items: page.items.map(serialiseEmailSummary), nextCursor: page.nextCursor };
    },
  );

  app.get(
    '/api/v1/emails/:id',
    { config: readOutbox, schema: { tags: ['outbox'], summary: 'Get one recorded e-mail with its bodies', params: EmailIdParams, response: { 200: EmailSchema } } },
    async (request) => serialiseEmail(await getEmail(database, request.ctx, request.params.id)),
  );

  app.get('/console/outbox', { config: readOutbox, schema: { hide: true, querystring: EmailQuery } }, async (request, reply) => {
    const emails = await listEmails(database, request.ctx, request.query);
    return reply.page(<OutboxListPage page={pageContext(request, config.siteName)} emails={emails} query={request.query} smtpHost={smtpHost} />);
  });

  app.get(
    '/console/outbox/:id',
    { config: readOutbox, schema: { hide: true, params: EmailIdParams, querystring: Type.Object({ notice: Type.Optional(Type.Literal('retried')) }) } },
    async (request, reply) => {
      const email = await getEmail(database, request.ctx, request.params.id);
      return reply.page(<OutboxEmailPage page={pageContext(request, config.siteName)} email={email} notice={request.query.notice ?? null} />);
    },
  );

  app.post('/console/outbox/:id/retry', { config: readOutbox, schema: { hide: true, params: EmailIdParams, body: FormBodySchema } }, async (request, reply) => {
    try {
      await retryEmail(database, request.ctx, request.params.id);
    } catch (err) {
      if (err instanceof AppError && err.code === 'conflict') {
        const email = await getEmail(database, request.ctx, request.params.id);
        return reply.page(<OutboxEmailPage page={pageContext(request, config.siteName)} email={email} notice="not-failed" />, 409);
      }
      throw err;
    }
    return reply.redirect(`/console/outbox/${request.params.id}?notice=retried`, 303);
  });

  app.get('/console/jobs', { config: readOutbox, schema: { hide: true, querystring: JobQuery } }, async (request, reply) => {
    const jobs = await listJobs(database, request.ctx, request.query);
    return reply.page(<JobsListPage page={pageContext(request, config.siteName)} jobs={jobs} query={request.query} />);
  });
}
