import type { DatabaseHandle } from '#src/db/database';
import type { RequestContext } from '#src/core/context';
import type { IncidentChannel, IncidentStatus, IncidentSummary } from '#src/modules/incidents/incidents.types';
import type { Page } from '#src/core/pagination';
import type { QueueFilters, QueueSort } from '#src/modules/incidents/incidents.repository';
import { AppError } from '#src/core/errors';
import { can } from '#src/core/access';
import { recordAudit } from '#src/core/audit';
import { isId, newId } from '#src/core/ids';
import { incidentChannels, incidentStatuses } from '#src/modules/incidents/incidents.types';
import { deleteView, listIncidentQueue, listSavedViews, queueSorts, saveView } from '#src/modules/incidents/incidents.repository';
import { incidentViewerOf } from '#src/modules/incidents/incidents.visibility';
import { FieldErrors, incidentLimits } from '#src/modules/incidents/incidents.validation';

/** The queue's filters as they come from a query string (every value a string or a list of strings). */
export interface QueueQuery {
  status?: string | string[];
  severity?: string | string[];
  class?: string;
  organisation?: string;
  sector?: string;
  assignee?: string;
  overdue?: string;
  open?: string;
  channel?: string;
  q?: string;
  from?: string;
  to?: string;
  sort?: string;
}

const list = (v: string | string[] | undefined): string[] => (v === undefined ? [] : (Array.isArray(v) ? v : [v]).flatMap((s) => s.split(',')).map((s) => s.trim()).filter((s) => s !== ''));

/** Validates the queue's query into filters; an unknown value is an error naming its parameter. */
export function parseQueueQuery(query: QueueQuery, actorUserId: string | null): QueueFilters {
  const errors = new FieldErrors();
  const statuses = list(query.status);
  if (statuses.some((s) => !(incidentStatuses as readonly string[]).includes(s))) errors.add('status', 'invalid_choice');
  const filters: QueueFilters = { statuses: statuses as IncidentStatus[], severities: list(query.severity).slice(0, 10) };
  if (query.class !== undefined && query.class !== '') filters.classCode = query.class.slice(0, 60);
  if (query.organisation !== undefined && query.organisation !== '') {
    if (!isId(query.organisation)) errors.add('organisation', 'invalid');
    else filters.organisationId = query.organisation;
  }
  if (query.sector !== undefined && query.sector !== '') filters.sector = query.sector.slice(0, 60);
  if (query.assignee !== undefined && query.assignee !== '') {
    if (query.assignee === 'none') filters.assigneeId = 'none';
    else if (query.assignee === 'me' && actorUserId !== null) filters.assigneeId = actorUserId;
    else if (!isId(query.assignee)) errors.add('assignee', 'invalid');
    else filters.assigneeId = query.assignee;
  }
  if (query.overdue === '1' || query.overdue === 'true') filters.overdue = true;
  if (query.open === '1' || query.open === 'true') filters.open = true;
  if (query.channel !== undefined && query.channel !== '') {
    if (!(incidentChannels as readonly string[]).includes(query.channel)) errors.add('channel', 'invalid_choice');
    else filters.channel = query.channel as IncidentChannel;
  }
  if (query.q !== undefined && query.q.trim() !== '') filters.q = query.q.slice(0, 200);
  for (const [name, value] of [['from', query.from], ['to', query.to]] as const) {
    if (value === undefined || value === '') continue;
    const date = new Date(/^\d{4}-\d{2}-\d{2}$/.test(value) ? `${value}T00:00:00Z` : value);
    if (!/^\d{4}-\d{2}-\d{2}/.test(value) || Number.isNaN(date.getTime())) errors.add(name, 'invalid_date');
    else if (name === 'from') filters.reportedFrom = date;
    else filters.reportedTo = /^\d{4}-\d{2}-\d{2}$/.test(value) ? new Date(date.getTime() + 86_400_000) : date;
  }
  if (query.sort !== undefined && query.sort !== '') {
    if (!(queueSorts as readonly string[]).includes(query.sort)) errors.add('sort', 'invalid_choice');
    else filters.sort = query.sort as QueueSort;
  }
  errors.failIfAny();
  return filters;
}

/**
 * A page of incidents as the actor may see them: the analyst queue for handlers, their organisation's incidents for
 * constituents (the visibility rule filters in SQL either way). Nobody else gets any.
 */
export async function listIncidents(database: DatabaseHandle, ctx: RequestContext, query: QueueQuery, page: { limit: number; cursor?: string }): Promise<Page<IncidentSummary>> {
  if (!can(ctx.actor, 'incidents:read') && !can(ctx.actor, 'incidents:follow')) throw new AppError('not_found');
  const filters = parseQueueQuery(query, ctx.actor.userId);
  return listIncidentQueue(database.db, incidentViewerOf(ctx.actor), filters, page, ctx.clock.now());
}

/** The actor's saved queue views. */
export async function listQueueViews(database: DatabaseHandle, ctx: RequestContext): Promise<{ id: string; name: string; query: string }[]> {
  if (!can(ctx.actor, 'incidents:read') || ctx.actor.userId === null) return [];
  return listSavedViews(database.db, ctx.actor.userId);
}

/** Saves the current filters under a name (replacing a view of the same name); the query is validated first. */
export async function saveQueueView(database: DatabaseHandle, ctx: RequestContext, name: string | undefined, queryString: string | undefined): Promise<void> {
  if (!can(ctx.actor, 'incidents:read') || ctx.actor.userId === null) throw new AppError('not_found');
  const errors = new FieldErrors();
  const trimmed = (name ?? '').trim();
  if (trimmed === '') errors.add('name', 'required');
  else if (trimmed.length > incidentLimits.viewName) errors.add('name', 'too_long', { max: incidentLimits.viewName });
  const raw = (queryString ?? '').replace(/^\?/, '').slice(0, 2000);
  const params = new URLSearchParams(raw);
  const query: Record<string, string | string[]> = {};
  for (const key of new Set(params.keys())) {
    if (key === 'cursor' || key === 'view') continue;
    const values = params.getAll(key);
    query[key] = values.length === 1 ? (values[0] ?? '') : values;
  }
  errors.failIfAny();
  parseQueueQuery(query, ctx.actor.userId);
  const clean = new URLSearchParams();
  for (const [k, v] of Object.entries(query)) for (const value of Array.isArray(v) ? v : [v]) clean.append(k, value);
  const userId = ctx.actor.userId;
  await database.db.transaction().execute(async (trx) => {
    const id = newId();
    await saveView(trx, { id, userId, name: trimmed, query: clean.toString(), createdAt: ctx.clock.now() });
    await recordAudit(trx, database.dialect, ctx, { action: 'incident_view.saved', entityType: 'incident_view', entityId: userId, after: { name: trimmed, query: clean.toString() } });
  });
}

/** Deletes one of the actor's views (404 for anyone else's). */
export async function deleteQueueView(database: DatabaseHandle, ctx: RequestContext, id: string): Promise<void> {
  const userId = ctx.actor.userId;
  if (userId === null) throw new AppError('not_found');
  await database.db.transaction().execute(async (trx) => {
    if (!(await deleteView(trx, userId, id))) throw new AppError('not_found');
    await recordAudit(trx, database.dialect, ctx, { action: 'incident_view.deleted', entityType: 'incident_view', entityId: userId, before: { id } });
  });
}
