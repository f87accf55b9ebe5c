import { Type } from '@sinclair/typebox';
import type { FastifyReply, FastifyRequest } from 'fastify';
import type { App } from '#src/plugins/types';
import type { AppServices } from '#src/app';
import type { FieldError } from '#src/core/errors';
import type { DetailDrafts, DetailNotice } from '#src/web/console/incidents/incident-detail.page';
import type { QueueFormValues, QueueNotice } from '#src/web/console/incidents/incident-queue.page';
import type { NewIncidentValues } from '#src/web/console/incidents/incident-forms.page';
import type { TriageValues } from '#src/web/console/incidents/incident-triage-form';
import type { QueueQuery } from '#src/modules/incidents/use-cases/list-incidents';
import type { LookupAnswer } from '#src/modules/incidents/use-cases/incident-indicators';
import { AppError } from '#src/core/errors';
import { can } from '#src/core/access';
import { FormBodySchema, readForm } from '#src/web/forms';
import { pageContext } from '#src/web/page-context';
import { formVersion } from '#src/web/console/bulletins/bulletin-form';
import { getIncident } from '#src/modules/incidents/use-cases/get-incident';
import { deleteQueueView, listIncidents, listQueueViews, saveQueueView } from '#src/modules/incidents/use-cases/list-incidents';
import { reportIncident } from '#src/modules/incidents/use-cases/report-incident';
import { editIncident } from '#src/modules/incidents/use-cases/update-incident';
import { assignIncident, changeIncidentStatus } from '#src/modules/incidents/use-cases/change-incident-status';
import { completeDeadline } from '#src/modules/incidents/use-cases/complete-deadline';
import { commentAsHandler } from '#src/modules/incidents/use-cases/comment-on-incident';
import { addIndicators, bulkLookup, previewIndicators, removeIndicator } from '#src/modules/incidents/use-cases/incident-indicators';
import { addIncidentTask, setIncidentTaskDone } from '#src/modules/incidents/use-cases/incident-tasks';
import { linkIncidents, mergeIncident } from '#src/modules/incidents/use-cases/merge-incident';
import { loadIncidentChoices, translateIncidentErrors } from '#src/web/console/incidents/incident-parts';
import { readTriageForm, triageEdit, triageValuesOf, zonedToIso } from '#src/web/console/incidents/incident-triage-form';
import { IncidentDetailPage, detailNotices } from '#src/web/console/incidents/incident-detail.page';
import { IncidentQueuePage, queueNotices, queueParams } from '#src/web/console/incidents/incident-queue.page';
import { IncidentLookupPage, IndicatorPreviewPage, NewIncidentPage, blankNewIncident } from '#src/web/console/incidents/incident-forms.page';

const PER_PAGE = 50;

/**
 * Every console route of incidents is for the CERT's handlers only. The routes say `signed-in` (anonymous people are
 * sent to sign in) and the hook of this plugin answers everyone else 404, so that an organisation's member or a
 * bulletin author cannot even tell these pages exist: reading needs `incidents:read`, changing needs
 * `incidents:handle`. The use cases check again (defence in depth).
 */
const signedIn = 'signed-in' as const;
/** POST routes that change no incident: reading is enough (looking values up, one's own saved views). */
const readingPosts = new Set(['/console/incidents/lookup', '/console/incidents/views', '/console/incidents/views/:id/delete']);

const Id = Type.String({ maxLength: 64 });
const Params = Type.Object({ id: Id });
const IndicatorParams = Type.Object({ id: Id, indicatorId: Id });
const TaskParams = Type.Object({ id: Id, taskId: Id });
const Choice = <T extends string>(values: readonly T[]) => Type.Optional(Type.Union([...values.map((v) => Type.Literal(v)), Type.Literal('')]));
const Text = (max: number) => Type.Optional(Type.String({ maxLength: max }));
const List = Type.Optional(Type.Union([Type.String({ maxLength: 60 }), Type.Array(Type.String({ maxLength: 60 }), { maxItems: 20 })]));
const QueueQuerySchema = Type.Object({
  status: List,
  severity: List,
  class: Text(60),
  organisation: Text(64),
  sector: Text(60),
  assignee: Text(64),
  overdue: Text(5),
  open: Text(5),
  channel: Text(20),
  q: Text(200),
  from: Text(40),
  to: Text(40),
  sort: Text(30),
  cursor: Text(500),
  limit: Type.Optional(Type.Integer({ minimum: 1, maximum: 200 })),
  done: Choice(queueNotices),
});
const DetailQuery = Type.Object({ done: Choice(detailNotices) });

function isAppError(err: unknown, ...codes: string[]): err is AppError {
  return err instanceof AppError && codes.includes(err.code);
}

const asList = (v: string | string[] | undefined): string[] => (v === undefined ? [] : Array.isArray(v) ? v : [v]).map((s) => s.trim()).filter((s) => s !== '');
const first = (v: string | string[] | undefined): string => asList(v)[0] ?? '';

/** The queue's filters from a query string (parsed by Fastify, or a saved view's text). */
function queueValuesOf(q: Record<string, string | string[] | undefined>): QueueFormValues {
  return {
    // The use case also accepts comma-separated statuses (API style): split them so the checkboxes show them.
    status: asList(q.status).flatMap((s) => s.split(',')).map((s) => s.trim()).filter((s) => s !== ''),
    severity: first(q.severity),
    class: first(q.class),
    organisation: first(q.organisation),
    sector: first(q.sector),
    assignee: first(q.assignee),
    overdue: ['1', 'true'].includes(first(q.overdue)),
    open: ['1', 'true'].includes(first(q.open)),
    channel: first(q.channel),
    q: first(q.q),
    from: first(q.from),
    to: first(q.to),
    sort: first(q.sort),
  };
}

function queueValuesOfText(text: string): QueueFormValues {
  const params = new URLSearchParams(text.replace(/^\?/, '').slice(0, 2000));
  const q: Record<string, string[]> = {};
  for (const key of new Set(params.keys())) q[key] = params.getAll(key);
  return queueValuesOf(q);
}

/** The use case's query from the form values (empty values mean "any"). */
function queueQueryOf(values: QueueFormValues): QueueQuery {
  const out: QueueQuery = {};
  if (values.status.length > 0) out.status = values.status;
  if (values.severity !== '') out.severity = values.severity;
  const single = ['class', 'organisation', 'sector', 'assignee', 'channel', 'q', 'from', 'to', 'sort'] as const;
  for (const key of single) if (values[key] !== '') out[key] = values[key];
  if (values.overdue) out.overdue = '1';
  if (values.open) out.open = '1';
  return out;
}

/** Renames the use cases' field names to the names of the page's fields (each form's fields are unique on the page). */
const renames = {
  status: { status: 'to' },
  indicator: { 'indicators.0.type': 'indicatorType', 'indicators.0.value': 'indicatorValue', 'indicators.0.comment': 'indicatorComment', indicators: 'indicatorValue' },
  task: { title: 'taskTitle', ownerId: 'taskOwnerId', dueAt: 'taskDueAt' },
  merge: { reference: 'mergeReference' },
  link: { reference: 'linkReference' },
  newIncident: { 'classifications.0.class': 'classCode', 'classifications.0.type': 'typeCode', classifications: 'classCode' },
} as const satisfies Record<string, Record<string, string>>;

/** The incident console: queue with saved views, recording, the incident page and its forms, bulk lookup. */
export async function incidentsConsoleRoutes(app: App, services: AppServices): Promise<void> {
  await app.register(async (scope) => {
    scope.addHook('onRequest', async (request, reply) => {
      // The application's hook has already sent anonymous people to sign in (or refused them).
      if (reply.sent || request.ctx.actor.kind !== 'user') return;
      const reading = request.method === 'GET' || request.method === 'HEAD' || readingPosts.has(request.routeOptions.url ?? '');
      if (!can(request.ctx.actor, reading ? 'incidents:read' : 'incidents:handle')) throw new AppError('not_found');
    });
    registerRoutes(scope, services);
  });
}

function registerRoutes(app: App, services: AppServices): void {
  const { database, config } = services;

  // ---- Rendering helpers ---------------------------------------------------------------------------------

  interface QueueOptions {
    cursor?: string | undefined;
    limit?: number | undefined;
    notice?: QueueNotice | undefined;
    errors?: readonly FieldError[];
    viewName?: string;
    status?: number;
  }

  async function renderQueue(request: FastifyRequest, reply: FastifyReply, values: QueueFormValues, options: QueueOptions = {}) {
    const ctx = request.ctx;
    const [choices, views] = await Promise.all([loadIncidentChoices(database, ctx), listQueueViews(database, ctx)]);
    const limit = options.limit ?? PER_PAGE;
    let errors = [...(options.errors ?? [])];
    let status = options.status ?? 200;
    let page: Awaited<ReturnType<typeof listIncidents>> = { items: [], nextCursor: null };
    try {
      page = await listIncidents(database, ctx, queueQueryOf(values), { limit, ...(options.cursor ? { cursor: options.cursor } : {}) });
    } catch (err) {
      // A bad filter value is answered with the queue, the value kept and the error named next to its filter.
      if (!isAppError(err, 'validation_failed')) throw err;
      errors = [...err.fields, ...errors];
      status = 400;
    }
    let nextHref: string | null = null;
    if (page.nextCursor) {
      const params = queueParams(values);
      if (options.limit !== undefined) params.set('limit', String(options.limit));
      params.set('cursor', page.nextCursor);
      nextHref = `/console/incidents?${params.toString()}`;
    }
    return reply.page(
      <IncidentQueuePage
        page={pageContext(request, config.siteName)}
        values={values}
        items={page.items}
        nextHref={nextHref}
        isFirst={!options.cursor}
        choices={choices}
        views={views}
        now={ctx.clock.now()}
        notice={options.notice}
        errors={translateIncidentErrors(request.i18n, errors)}
        viewName={options.viewName ?? ''}
      />,
      status,
    );
  }

  interface DetailOptions {
    notice?: DetailNotice | undefined;
    problem?: string | undefined;
    errors?: readonly FieldError[];
    rename?: Record<string, string>;
    triage?: TriageValues;
    drafts?: DetailDrafts;
    status?: number;
  }

  async function renderDetail(request: FastifyRequest, reply: FastifyReply, id: string, options: DetailOptions = {}) {
    const view = await getIncident(database, config, request.ctx, id);
    if (view.kind !== 'handler') throw new AppError('not_found');
    const choices = await loadIncidentChoices(database, request.ctx);
    const incidentId = view.incident.id;
    return reply.page(
      <IncidentDetailPage
        page={pageContext(request, config.siteName)}
        view={view}
        choices={choices}
        timezone={config.timezone}
        now={request.ctx.clock.now()}
        triage={options.triage ?? triageValuesOf(view.incident, config.timezone)}
        // The current version: after a conflict, submitting again is a deliberate choice made after seeing both.
        version={view.incident.version}
        exports={{
          misp: `/console/incidents/${incidentId}/export.misp.json`,
          stix: `/console/incidents/${incidentId}/export.stix.json`,
          csv: `/console/incidents/${incidentId}/export.csv`,
        }}
        notice={options.notice}
        problem={options.problem}
        errors={translateIncidentErrors(request.i18n, options.errors ?? [], options.rename)}
        drafts={options.drafts ?? {}}
      />,
      options.status ?? 200,
    );
  }

  /**
   * Runs one action of the incident page: a 303 back to the page with its notice, or the page again with the
   * refusal (400 with the errors next to the fields, 409 for a stale version or an impossible step), keeping what
   * was typed.
   */
  async function act(request: FastifyRequest, reply: FastifyReply, id: string, run: () => Promise<DetailNotice>, failure: Omit<DetailOptions, 'errors' | 'problem' | 'status' | 'notice'> = {}) {
    let done: DetailNotice;
    try {
      done = await run();
    } catch (err) {
      if (!isAppError(err, 'validation_failed', 'version_conflict', 'conflict')) throw err;
      const t = request.i18n.t;
      const problem =
        err.code === 'version_conflict' ? t(failure.triage ? 'incidents.console.problem.version_conflict_kept' : 'incidents.console.problem.version_conflict') : err.code === 'conflict' ? t('incidents.console.problem.conflict') : undefined;
      return renderDetail(request, reply, id, { ...failure, problem, errors: err.fields, status: err.status });
    }
    return reply.redirect(`/console/incidents/${encodeURIComponent(id)}?done=${done}`, 303);
  }

  // ---- Queue and saved views -----------------------------------------------------------------------------

  app.get('/console/incidents', { config: { access: signedIn }, schema: { hide: true, querystring: QueueQuerySchema } }, async (request, reply) => {
    const q = request.query;
    const { cursor: _cursor, limit: _limit, done: _done, ...filters } = q;
    return renderQueue(request, reply, queueValuesOf(filters), { cursor: q.cursor, limit: q.limit, notice: q.done || undefined });
  });

  app.post('/console/incidents/views', { config: { access: signedIn }, schema: { hide: true, body: FormBodySchema } }, async (request, reply) => {
    const form = readForm(request.body);
    const name = form.str('name');
    const values = queueValuesOfText(form.str('query'));
    const query = queueParams(values).toString();
    try {
      await saveQueueView(database, request.ctx, name, query);
    } catch (err) {
      if (!isAppError(err, 'validation_failed')) throw err;
      return renderQueue(request, reply, values, { errors: err.fields, viewName: name, status: 400 });
    }
    return reply.redirect(`/console/incidents?${query === '' ? '' : `${query}&`}done=view_saved`, 303);
  });

  app.post('/console/incidents/views/:id/delete', { config: { access: signedIn }, schema: { hide: true, params: Params, body: FormBodySchema } }, async (request, reply) => {
    await deleteQueueView(database, request.ctx, request.params.id);
    return reply.redirect('/console/incidents?done=view_deleted', 303);
  });

  // ---- Recording an incident -----------------------------------------------------------------------------

  app.get('/console/incidents/new', { config: { access: signedIn }, schema: { hide: true } }, async (request, reply) => {
    const choices = await loadIncidentChoices(database, request.ctx);
    return reply.page(<NewIncidentPage page={pageContext(request, config.siteName)} values={blankNewIncident} errors={{}} choices={choices} timezone={config.timezone} />);
  });

  app.post('/console/incidents/new', { config: { access: signedIn }, schema: { hide: true, body: FormBodySchema } }, async (request, reply) => {
    const form = readForm(request.body);
    const values: NewIncidentValues = {
      title: form.raw('title'),
      description: form.raw('description'),
      organisationId: form.str('organisationId'),
      tlp: form.str('tlp'),
      detectedAt: form.str('detectedAt'),
      awareAt: form.str('awareAt'),
      classCode: form.str('classCode'),
      typeCode: form.str('typeCode'),
    };
    try {
      const { incident } = await reportIncident(database, config, request.ctx, 'staff', {
        title: values.title,
        description: values.description,
        tlp: values.tlp,
        detectedAt: zonedToIso(values.detectedAt, config.timezone),
        awareAt: zonedToIso(values.awareAt, config.timezone),
        ...(values.organisationId !== '' ? { organisationId: values.organisationId } : {}),
        ...(values.classCode !== '' ? { classCode: values.classCode } : {}),
        ...(values.typeCode !== '' ? { typeCode: values.typeCode } : {}),
        locale: request.i18n.locale,
      });
      return reply.redirect(`/console/incidents/${incident.id}?done=created`, 303);
    } catch (err) {
      if (!isAppError(err, 'validation_failed')) throw err;
      const choices = await loadIncidentChoices(database, request.ctx);
      return reply.page(
        <NewIncidentPage page={pageContext(request, config.siteName)} values={values} errors={translateIncidentErrors(request.i18n, err.fields, renames.newIncident)} choices={choices} timezone={config.timezone} />,
        400,
      );
    }
  });

  // ---- Bulk lookup ---------------------------------------------------------------------------------------

  app.get('/console/incidents/lookup', { config: { access: signedIn }, schema: { hide: true } }, async (request, reply) => {
    return reply.page(<IncidentLookupPage page={pageContext(request, config.siteName)} text="" answers={null} errors={{}} />);
  });

  app.post('/console/incidents/lookup', { config: { access: signedIn }, schema: { hide: true, body: FormBodySchema } }, async (request, reply) => {
    const text = readForm(request.body).raw('values');
    let answers: LookupAnswer[];
    try {
      answers = await bulkLookup(database, request.ctx, text);
    } catch (err) {
      if (!isAppError(err, 'validation_failed')) throw err;
      return reply.page(<IncidentLookupPage page={pageContext(request, config.siteName)} text={text} answers={null} errors={translateIncidentErrors(request.i18n, err.fields)} />, 400);
    }
    return reply.page(<IncidentLookupPage page={pageContext(request, config.siteName)} text={text} answers={answers} errors={{}} />);
  });

  // ---- One incident --------------------------------------------------------------------------------------

  app.get('/console/incidents/:id', { config: { access: signedIn }, schema: { hide: true, params: Params, querystring: DetailQuery } }, async (request, reply) => {
    return renderDetail(request, reply, request.params.id, { notice: request.query.done || undefined });
  });

  const action = { hide: true, params: Params, body: FormBodySchema };

  app.post('/console/incidents/:id', { config: { access: signedIn }, schema: action }, async (request, reply) => {
    const id = request.params.id;
    const form = readForm(request.body);
    const values = readTriageForm(form);
    return act(
      request,
      reply,
      id,
      async () => {
        await editIncident(database, config, request.ctx, id, formVersion(form.str('version')), triageEdit(values, config.timezone));
        return 'saved';
      },
      { triage: values },
    );
  });

  app.post('/console/incidents/:id/status', { config: { access: signedIn }, schema: action }, async (request, reply) => {
    const id = request.params.id;
    const form = readForm(request.body);
    const to = form.str('to');
    const disposition = form.str('disposition');
    return act(
      request,
      reply,
      id,
      async () => {
        const after = await changeIncidentStatus(database, config, request.ctx, id, formVersion(form.str('version')), to, disposition === '' ? undefined : disposition);
        return after.status === 'closed' ? 'closed' : 'status';
      },
      { rename: renames.status, drafts: { disposition } },
    );
  });

  app.post('/console/incidents/:id/deadlines/:key', { config: { access: signedIn }, schema: { ...action, params: Type.Object({ id: Type.String({ maxLength: 64 }), key: Type.String({ maxLength: 80 }) }) } }, async (request, reply) => {
    const id = request.params.id;
    const form = readForm(request.body);
    return act(request, reply, id, async () => {
      await completeDeadline(database, config, request.ctx, id, request.params.key, { completed: form.str('completed') !== 'false' });
      return 'deadline';
    });
  });

  app.post('/console/incidents/:id/assign', { config: { access: signedIn }, schema: action }, async (request, reply) => {
    const id = request.params.id;
    const form = readForm(request.body);
    const chosen = form.str('assigneeId');
    const assigneeId = chosen === '' ? null : chosen === 'me' ? request.ctx.actor.userId : chosen;
    return act(
      request,
      reply,
      id,
      async () => {
        await assignIncident(database, config, request.ctx, id, formVersion(form.str('version')), assigneeId);
        return assigneeId === null ? 'unassigned' : 'assigned';
      },
      { drafts: { assigneeId: chosen } },
    );
  });

  app.post('/console/incidents/:id/comments', { config: { access: signedIn }, schema: action }, async (request, reply) => {
    const id = request.params.id;
    const form = readForm(request.body);
    const body = form.raw('body');
    const visibility = form.str('visibility');
    return act(
      request,
      reply,
      id,
      async () => {
        const comment = await commentAsHandler(database, config, request.ctx, id, visibility, body);
        return comment.visibility === 'shared' ? 'shared' : 'commented';
      },
      { drafts: { comment: { body, visibility } } },
    );
  });

  app.post('/console/incidents/:id/indicators/preview', { config: { access: signedIn }, schema: action }, async (request, reply) => {
    const id = request.params.id;
    const text = readForm(request.body).raw('text');
    if (text.trim() === '') return renderDetail(request, reply, id, { errors: [{ field: 'text', message: 'required' }], status: 400 });
    const view = await getIncident(database, config, request.ctx, id);
    if (view.kind !== 'handler') throw new AppError('not_found');
    const incident = { id: view.incident.id, reference: view.incident.reference, title: view.incident.title };
    return reply.page(<IndicatorPreviewPage page={pageContext(request, config.siteName)} incident={incident} candidates={previewIndicators(text)} errors={{}} />);
  });

  app.post('/console/incidents/:id/indicators', { config: { access: signedIn }, schema: action }, async (request, reply) => {
    const id = request.params.id;
    const form = readForm(request.body);
    const confirmed = form.names().includes('indicator') || form.str('source') === 'preview';
    const single = { type: form.str('indicatorType'), value: form.str('indicatorValue'), comment: form.str('indicatorComment') };
    const input = confirmed
      ? form.list('indicator').map((entry) => {
          // `type:value` as the confirmation page wrote it (indicator types never contain a colon).
          const colon = entry.indexOf(':');
          return colon < 0 ? { value: entry } : { type: entry.slice(0, colon), value: entry.slice(colon + 1) };
        })
      : [single];
    return act(
      request,
      reply,
      id,
      async () => {
        if (!confirmed && single.value === '') throw AppError.field('indicators.0.value', 'required');
        const added = await addIndicators(database, request.ctx, id, input);
        return added.length > 0 ? 'indicators_added' : 'indicators_known';
      },
      confirmed ? {} : { rename: renames.indicator, drafts: { indicator: single } },
    );
  });

  app.post('/console/incidents/:id/indicators/:indicatorId/delete', { config: { access: signedIn }, schema: { hide: true, params: IndicatorParams, body: FormBodySchema } }, async (request, reply) => {
    const { id, indicatorId } = request.params;
    return act(request, reply, id, async () => {
      await removeIndicator(database, request.ctx, id, indicatorId);
      return 'indicator_removed';
    });
  });

  app.post('/console/incidents/:id/tasks', { config: { access: signedIn }, schema: action }, async (request, reply) => {
    const id = request.params.id;
    const form = readForm(request.body);
    const task = { title: form.raw('taskTitle'), ownerId: form.str('taskOwnerId'), dueAt: form.str('taskDueAt') };
    return act(
      request,
      reply,
      id,
      async () => {
        await addIncidentTask(database, request.ctx, id, task);
        return 'task_added';
      },
      { rename: renames.task, drafts: { task } },
    );
  });

  app.post('/console/incidents/:id/tasks/:taskId', { config: { access: signedIn }, schema: { hide: true, params: TaskParams, body: FormBodySchema } }, async (request, reply) => {
    const { id, taskId } = request.params;
    const form = readForm(request.body);
    const done = form.str('done');
    return act(request, reply, id, async () => {
      if (done !== '1' && done !== '0') throw AppError.field('done', 'invalid_choice');
      await setIncidentTaskDone(database, request.ctx, id, taskId, formVersion(form.str('version')), done === '1');
      return done === '1' ? 'task_done' : 'task_reopened';
    });
  });

  app.post('/console/incidents/:id/merge', { config: { access: signedIn }, schema: action }, async (request, reply) => {
    const id = request.params.id;
    const form = readForm(request.body);
    const reference = form.str('mergeReference');
    return act(
      request,
      reply,
      id,
      async () => {
        if (reference === '') throw AppError.field('reference', 'required');
        await mergeIncident(database, config, request.ctx, id, formVersion(form.str('version')), reference);
        return 'merged';
      },
      { rename: renames.merge, drafts: { mergeReference: reference } },
    );
  });

  app.post('/console/incidents/:id/links', { config: { access: signedIn }, schema: action }, async (request, reply) => {
    const id = request.params.id;
    const reference = readForm(request.body).str('linkReference');
    return act(
      request,
      reply,
      id,
      async () => {
        if (reference === '') throw AppError.field('reference', 'required');
        await linkIncidents(database, request.ctx, id, reference);
        return 'linked';
      },
      { rename: renames.link, drafts: { linkReference: reference } },
    );
  });
}
