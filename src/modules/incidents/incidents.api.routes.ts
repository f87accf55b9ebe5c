import { Type } from '@sinclair/typebox';
import type { FastifyReply } from 'fastify';
import type { App } from '#src/plugins/types';
import type { AppServices } from '#src/app';
import type { DatabaseHandle, Tx } from '#src/db/database';
import type { RequestContext } from '#src/core/context';
import type { IdempotentResult } from '#src/core/idempotency';
import type { IncidentEdit } from '#src/modules/incidents/use-cases/update-incident';
import type { QueueQuery } from '#src/modules/incidents/use-cases/list-incidents';
import type { EditIncidentBody, QueueFilterQuery } from '#src/modules/incidents/incidents.schemas';
import type { ExportFile } from '#src/modules/incidents/use-cases/export-incident';
import { withIdempotency } from '#src/core/idempotency';
import { IdempotencyHeaders } from '#src/modules/bulletins/bulletins.schemas';
import { incidentViewerOf, isHandler } from '#src/modules/incidents/incidents.visibility';
import {
  AssignBody,
  CommentBody,
  CommentSchema,
  EditIncidentBody as EditIncidentBodySchema,
  ExportQuery,
  IncidentDetailSchema,
  IncidentIndicatorParams,
  IncidentListQuery,
  IncidentPageSchema,
  IncidentParams,
  IncidentSchema,
  IndicatorList,
  IndicatorsBody,
  LookupBody,
  LookupResultSchema,
  MergeBody,
  QueueFilterQuery as QueueFilterQuerySchema,
  ReportIncidentBody,
  ReportedSchema,
  StatusBody,
  TaskBody,
  TaskSchema,
  reporterPartOf,
  toCommentJson,
  toHandlerSummaryJson,
  toIncidentDetailJson,
  toIncidentJson,
  toIndicatorJson,
  toLookupJson,
  toReporterIncidentJson,
  toReporterSummaryJson,
  toTaskJson,
  type ReportedJson,
} from '#src/modules/incidents/incidents.schemas';
import { reportIncident } from '#src/modules/incidents/use-cases/report-incident';
import { getIncident } from '#src/modules/incidents/use-cases/get-incident';
import { listIncidents } from '#src/modules/incidents/use-cases/list-incidents';
import { editIncident } from '#src/modules/incidents/use-cases/update-incident';
import { assignIncident, changeIncidentStatus } from '#src/modules/incidents/use-cases/change-incident-status';
import { completeDeadline } from '#src/modules/incidents/use-cases/complete-deadline';
import { commentAsConstituent, commentAsHandler } from '#src/modules/incidents/use-cases/comment-on-incident';
import { addIndicators, bulkLookup, removeIndicator } from '#src/modules/incidents/use-cases/incident-indicators';
import { addIncidentTask } from '#src/modules/incidents/use-cases/incident-tasks';
import { mergeIncident } from '#src/modules/incidents/use-cases/merge-incident';
import { exportIncident, exportIncidents } from '#src/modules/incidents/use-cases/export-incident';

const tags = ['incidents'];
/** Reading: the use cases answer by the visibility rule (handlers: the queue; constituents: their organisation's). */
const signedIn = 'signed-in' as const;
const read = { permission: 'incidents:read' } as const;
const handle = { permission: 'incidents:handle' } as const;
const report = { permission: 'incidents:report' } as const;

/** Sorts a constituent may use: the others order by triage data they do not see. */
const constituentSorts = new Set(['reported_desc', 'reported_asc', 'updated_desc']);

/**
 * A database handle whose `transaction()` joins the already open `trx`, so that a use case that opens its own
 * transaction runs inside the idempotency record's one: the creation and the record of its answer commit together.
 * Kysely's classes keep private fields, so every member is read from (and bound to) the real transaction.
 */
function joinTransaction(database: DatabaseHandle, trx: Tx): DatabaseHandle {
  const joined = new Proxy(trx, {
    get(target, property) {
      if (property === 'transaction') return () => ({ execute: <R>(work: (t: Tx) => Promise<R>): Promise<R> => work(target) });
      const value: unknown = Reflect.get(target, property, target);
      return typeof value === 'function' ? (value as (...args: unknown[]) => unknown).bind(target) : value;
    },
  });
  return { db: joined, dialect: database.dialect, sqliteFile: database.sqliteFile, close: async () => undefined };
}

/**
 * Runs a creation once per Idempotency-Key (per actor and operation), in one transaction with the record of its answer
 * (always a 201); a replay returns the recorded body.
 */
async function once<T>(database: DatabaseHandle, ctx: RequestContext, key: string | undefined, scope: string, request: unknown, work: (db: DatabaseHandle) => Promise<T>): Promise<IdempotentResult<T>> {
  return withIdempotency(database.db, { actorKey: ctx.actor.userId ?? ctx.actor.label, key: key ?? null, scope, request, clock: ctx.clock }, async (trx) => ({
    status: 201,
    body: await work(joinTransaction(database, trx)),
  }));
}

/**
 * Runs a use case inside one transaction opened here, reads on `database.db` included. mergeIncident reads the target
 * on `database.db` while its own transaction holds SQLite's only connection, which would wait forever; joined, the
 * read goes through the transaction (and sees its writes on PostgreSQL too).
 */
async function inOneTransaction<T>(database: DatabaseHandle, work: (db: DatabaseHandle) => Promise<T>): Promise<T> {
  return database.db.transaction().execute(async (trx) => work(joinTransaction(database, trx)));
}

/** The queue's filters from a query string; constituents' handler-only filters are dropped (they would reveal triage). */
export function queueQueryOf(query: QueueFilterQuery, handler: boolean): QueueQuery {
  const { status, severity, class: classCode, organisation, sector, assignee, overdue, open, channel, q, from, to, sort } = query;
  const out: QueueQuery = { status, organisation, sector, open, channel, q, from, to };
  if (handler) return { ...out, severity, class: classCode, assignee, overdue, sort };
  return sort !== undefined && constituentSorts.has(sort) ? { ...out, sort } : out;
}

/** The triage edit as the use case takes it: null clears a value (the use case reads '' as "none"). */
function toIncidentEdit(body: EditIncidentBody): IncidentEdit {
  const edit: IncidentEdit = {};
  if (body.title !== undefined) edit.title = body.title;
  if (body.description !== undefined) edit.description = body.description;
  if (body.severity !== undefined) edit.severity = body.severity ?? '';
  if (body.priority !== undefined) edit.priority = body.priority;
  if (body.tlp !== undefined) edit.tlp = body.tlp;
  if (body.pap !== undefined) edit.pap = body.pap;
  if (body.suspectedMalicious !== undefined) edit.suspectedMalicious = body.suspectedMalicious;
  if (body.crossBorder !== undefined) edit.crossBorder = body.crossBorder;
  if (body.impact !== undefined) edit.impact = body.impact;
  if (body.rootCause !== undefined) edit.rootCause = body.rootCause;
  if (body.mitigation !== undefined) edit.mitigation = body.mitigation;
  if (body.detectedAt !== undefined) edit.detectedAt = body.detectedAt ?? '';
  if (body.awareAt !== undefined) edit.awareAt = body.awareAt ?? '';
  if (body.classifications !== undefined) edit.classifications = body.classifications.map((c) => ({ classCode: c.classCode, typeCode: c.typeCode ?? null }));
  if (body.organisationId !== undefined) edit.organisationId = body.organisationId ?? '';
  if (body.affectedOrganisationIds !== undefined) edit.affectedOrganisationIds = body.affectedOrganisationIds;
  if (body.regulationProfiles !== undefined) edit.regulationProfiles = body.regulationProfiles;
  return edit;
}

/** Sends an export as a download: attachment with a safe name, its own type, never sniffed or cached. */
export function sendDownload(reply: FastifyReply, file: ExportFile): FastifyReply {
  reply.header('content-disposition', `attachment; filename="${file.fileName}"`);
  reply.header('x-content-type-options', 'nosniff');
  reply.header('cache-control', 'private, no-store');
  return reply.type(file.mediaType).send(Buffer.from(file.body, 'utf8'));
}

/** Incidents: the JSON API under /api/v1 (report, queue, triage, indicators, exports) and the console's downloads. */
export function incidentsApiRoutes(app: App, services: AppServices): void {
  const { database, config } = services;

  app.post(
    '/api/v1/incidents',
    {
      config: { access: report },
      schema: {
        tags,
        summary: 'Report an incident',
        description:
          'Takes in a report (channel `api`) as a new incident and acknowledges it by e-mail with its reference. Constituents report for their own organisation; staff may name one. Send an `Idempotency-Key` so that a retry returns the first answer instead of a second incident.',
        headers: IdempotencyHeaders,
        body: ReportIncidentBody,
        response: { 201: ReportedSchema },
      },
    },
    async (request, reply) => {
      const ctx = request.ctx;
      const handler = isHandler(incidentViewerOf(ctx.actor));
      const result = await once(database, ctx, request.headers['idempotency-key'], 'POST /api/v1/incidents', request.body, async (db): Promise<ReportedJson> => {
        const { incident } = await reportIncident(db, config, ctx, 'api', request.body);
        return handler ? { view: 'handler', incident: toIncidentJson(incident) } : { view: 'reporter', incident: toReporterIncidentJson(reporterPartOf(incident)) };
      });
      return reply.status(201).send(result.body);
    },
  );

  app.get(
    '/api/v1/incidents',
    {
      config: { access: signedIn },
      schema: {
        tags,
        summary: 'List incidents',
        description:
          'Handlers: the queue (every incident), with every filter and sort. Constituents: the incidents they may follow (their own and their organisation’s, TLP permitting), without triage data; severity, class, assignee and overdue filters are ignored for them. Cursor pagination.',
        querystring: IncidentListQuery,
        response: { 200: IncidentPageSchema },
      },
    },
    async (request) => {
      const { limit, cursor, ...filters } = request.query;
      const handler = isHandler(incidentViewerOf(request.ctx.actor));
      const page = await listIncidents(database, request.ctx, queueQueryOf(filters, handler), { limit: limit ?? 50, ...(cursor !== undefined ? { cursor } : {}) });
      return handler ? { view: 'handler' as const, items: page.items.map(toHandlerSummaryJson), nextCursor: page.nextCursor } : { view: 'reporter' as const, items: page.items.map(toReporterSummaryJson), nextCursor: page.nextCursor };
    },
  );

  app.get(
    '/api/v1/incidents/:id',
    {
      config: { access: signedIn },
      schema: {
        tags,
        summary: 'Read an incident',
        description:
          'Handlers (`view: handler`): everything, internal comments, tasks, deadlines, correlations and timeline included. Constituents (`view: reporter`): the incident as its reporter sees it, shared comments only. 404 for anyone else.',
        params: IncidentParams,
        response: { 200: IncidentDetailSchema },
      },
    },
    async (request) => toIncidentDetailJson(await getIncident(database, config, request.ctx, request.params.id)),
  );

  app.patch(
    '/api/v1/incidents/:id',
    {
      config: { access: handle },
      schema: {
        tags,
        summary: 'Triage an incident',
        description: 'Send the fields to change and the `version` you read; absent fields keep their value, lists replace. A new incident moves to triage. Deadlines are recomputed.',
        params: IncidentParams,
        body: EditIncidentBodySchema,
        response: { 200: IncidentSchema },
      },
    },
    async (request) => toIncidentJson(await editIncident(database, config, request.ctx, request.params.id, request.body.version, toIncidentEdit(request.body))),
  );

  app.post(
    '/api/v1/incidents/:id/status',
    {
      config: { access: handle },
      schema: { tags, summary: 'Change the status', description: 'Along the workflow only (409 otherwise); closing needs a disposition; closed → triage reopens.', params: IncidentParams, body: StatusBody, response: { 200: IncidentSchema } },
    },
    async (request) => toIncidentJson(await changeIncidentStatus(database, config, request.ctx, request.params.id, request.body.version, request.body.status, request.body.disposition)),
  );

  app.post(
    '/api/v1/incidents/:id/deadlines/:key',
    {
      config: { access: handle },
      schema: {
        tags,
        summary: 'Record a legal stage report',
        description: 'Marks a stage of a regulation profile (`ma-05-20.declaration`, `nis2.notification`…) as delivered at `completedAt` (now when absent), or open again with `completed: false`. Service levels (`cert-sla.*`) complete on their own.',
        params: Type.Object({ id: Type.String({ maxLength: 64 }), key: Type.String({ maxLength: 80 }) }),
        body: Type.Object({ completed: Type.Boolean(), completedAt: Type.Optional(Type.String({ maxLength: 40 })) }, { additionalProperties: false }),
        response: { 200: IncidentSchema },
      },
    },
    async (request) =>
      toIncidentJson(
        await completeDeadline(database, config, request.ctx, request.params.id, request.params.key, {
          completed: request.body.completed,
          ...(request.body.completedAt !== undefined ? { completedAt: request.body.completedAt } : {}),
        }),
      ),
  );

  app.post(
    '/api/v1/incidents/:id/assign',
    { config: { access: handle }, schema: { tags, summary: 'Assign an incident', description: 'To a handler, or `null` to unassign.', params: IncidentParams, body: AssignBody, response: { 200: IncidentSchema } } },
    async (request) => toIncidentJson(await assignIncident(database, config, request.ctx, request.params.id, request.body.version, request.body.assigneeId)),
  );

  app.post(
    '/api/v1/incidents/:id/comments',
    {
      config: { access: report },
      schema: {
        tags,
        summary: 'Comment on an incident',
        description: 'Handlers write internal (default) or shared comments (shared ones reach the reporter by e-mail). Constituents answer on their organisation’s incidents; their comments are always shared.',
        headers: IdempotencyHeaders,
        params: IncidentParams,
        body: CommentBody,
        response: { 201: CommentSchema },
      },
    },
    async (request, reply) => {
      const ctx = request.ctx;
      const { id } = request.params;
      const { body, visibility } = request.body;
      const handler = isHandler(incidentViewerOf(ctx.actor));
      const result = await once(database, ctx, request.headers['idempotency-key'], 'POST /api/v1/incidents/:id/comments', { id, body, visibility }, async (db) =>
        toCommentJson(handler ? await commentAsHandler(db, config, ctx, id, visibility ?? 'internal', body) : await commentAsConstituent(db, ctx, id, body)),
      );
      return reply.status(201).send(result.body);
    },
  );

  app.post(
    '/api/v1/incidents/:id/indicators',
    {
      config: { access: handle },
      schema: {
        tags,
        summary: 'Add indicators',
        description: 'Up to 1,000 at once, each validated and normalised (defanged values accepted); errors name `indicators.N.value`. Those already on the incident are skipped: the answer lists the ones added.',
        params: IncidentParams,
        body: IndicatorsBody,
        response: { 201: IndicatorList },
      },
    },
    async (request, reply) => reply.status(201).send({ items: (await addIndicators(database, request.ctx, request.params.id, request.body.indicators)).map(toIndicatorJson) }),
  );

  app.delete(
    '/api/v1/incidents/:id/indicators/:indicatorId',
    { config: { access: handle }, schema: { tags, summary: 'Remove an indicator', params: IncidentIndicatorParams, response: { 204: Type.Null() } } },
    async (request, reply) => {
      await removeIndicator(database, request.ctx, request.params.id, request.params.indicatorId);
      return reply.status(204).send(null);
    },
  );

  app.post(
    '/api/v1/incidents/:id/tasks',
    { config: { access: handle }, schema: { tags, summary: 'Add a task', description: 'With an owner (a handler) and a due date, both optional.', headers: IdempotencyHeaders, params: IncidentParams, body: TaskBody, response: { 201: TaskSchema } } },
    async (request, reply) => {
      const ctx = request.ctx;
      const { id } = request.params;
      const input = request.body;
      const result = await once(database, ctx, request.headers['idempotency-key'], 'POST /api/v1/incidents/:id/tasks', { id, ...input }, async (db) => toTaskJson(await addIncidentTask(db, ctx, id, input)));
      return reply.status(201).send(result.body);
    },
  );

  app.post(
    '/api/v1/incidents/:id/merge',
    {
      config: { access: handle },
      schema: { tags, summary: 'Merge into another incident', description: 'The incident is closed as a duplicate of the one named by `reference`; its indicators are copied there and both are linked.', params: IncidentParams, body: MergeBody, response: { 200: IncidentSchema } },
    },
    async (request) => toIncidentJson(await inOneTransaction(database, async (db) => mergeIncident(db, config, request.ctx, request.params.id, request.body.version, request.body.reference))),
  );

  app.post(
    '/api/v1/indicators/lookup',
    {
      config: { access: read },
      schema: {
        tags,
        summary: 'Look up indicators in bulk',
        description: 'Up to 1,000 values (defanged accepted), each typed, normalised and matched exactly against the indicators of the incidents you may see. Values that are no indicator come back with `error: invalid`.',
        body: LookupBody,
        response: { 200: LookupResultSchema },
      },
    },
    async (request) => toLookupJson(await bulkLookup(database, request.ctx, request.body.values.join('\n'))),
  );

  app.get(
    '/api/v1/incidents/:id/export',
    {
      // Signed-in rather than `incidents:read`: the use case answers 404 to constituents, as for an unknown incident.
      config: { access: signedIn, formless: true },
      schema: {
        tags,
        summary: 'Export an incident',
        description: 'As a download: `misp` (MISP event JSON with tlp:, PAP: and rsit: tags), `stix` (STIX 2.1 bundle with the TLP 2.0 marking) or `csv` (its indicators). Handlers only.',
        params: IncidentParams,
        querystring: ExportQuery,
        response: { 200: Type.String({ description: 'The file (JSON or CSV).' }) },
      },
    },
    async (request, reply) => sendDownload(reply, await exportIncident(database, config, request.ctx, request.params.id, request.query.format)),
  );

  // ---- Console downloads (session, HTML errors) -----------------------------------------------------------------

  const consoleExport = { config: { access: read, formless: true }, schema: { hide: true, params: IncidentParams } } as const;
  app.get('/console/incidents/:id/export.misp.json', consoleExport, async (request, reply) => sendDownload(reply, await exportIncident(database, config, request.ctx, request.params.id, 'misp')));
  app.get('/console/incidents/:id/export.stix.json', consoleExport, async (request, reply) => sendDownload(reply, await exportIncident(database, config, request.ctx, request.params.id, 'stix')));
  app.get('/console/incidents/:id/export.csv', consoleExport, async (request, reply) => sendDownload(reply, await exportIncident(database, config, request.ctx, request.params.id, 'csv')));
  app.get('/console/incidents/export.csv', { config: { access: read, formless: true }, schema: { hide: true, querystring: QueueFilterQuerySchema } }, async (request, reply) => {
    const file = await exportIncidents(database, config, request.ctx, queueQueryOf(request.query, true));
    if (file.truncated) reply.header('x-export-truncated', 'true');
    return sendDownload(reply, file);
  });
}
