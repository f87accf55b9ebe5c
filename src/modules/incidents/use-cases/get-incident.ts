import type { Config } from '#src/config/config';
import type { DatabaseHandle } from '#src/db/database';
import type { RequestContext } from '#src/core/context';
import type { AuditEvent } from '#src/modules/audit/audit.types';
import type { Incident, IncidentAttachment, IncidentComment, IncidentIndicator, IncidentStatus, IncidentTask } from '#src/modules/incidents/incidents.types';
import type { DeadlineState } from '#src/modules/incidents/deadlines/deadlines';
import { AppError } from '#src/core/errors';
import { hashToken } from '#src/core/ids';
import { findAuditEvents } from '#src/modules/audit/audit.repository';
import { deadlineState } from '#src/modules/incidents/deadlines/deadlines';
import {
  findCorrelations,
  findDuplicateCandidates,
  findIncident,
  findIncidentByTrackingHash,
  listAttachments,
  listComments,
  listDeadlines,
  listIndicators,
  listLinks,
  listTasks,
} from '#src/modules/incidents/incidents.repository';
import { incidentViewerOf, isHandler } from '#src/modules/incidents/incidents.visibility';

/** A deadline with its state now. */
export interface DeadlineView {
  key: string;
  profile: string;
  stage: string;
  dueAt: Date | null;
  completedAt: Date | null;
  state: DeadlineState;
}

/** Everything the incident page shows to a handler. */
export interface HandlerIncidentView {
  kind: 'handler';
  incident: Incident;
  comments: IncidentComment[];
  tasks: IncidentTask[];
  indicators: (IncidentIndicator & { seenIn: { id: string; reference: string; title: string }[] })[];
  attachments: IncidentAttachment[];
  deadlines: DeadlineView[];
  links: { id: string; reference: string; title: string; status: IncidentStatus }[];
  duplicates: { id: string; reference: string; title: string; reason: 'reporter' | 'indicator' }[];
  mergedInto: { id: string; reference: string } | null;
  timeline: AuditEvent[];
}

/** What a reporter (portal member or tracking link holder) sees: no internal comments, assignee, tasks or correlation. */
export interface ReporterIncidentView {
  kind: 'reporter';
  incident: Pick<Incident, 'id' | 'reference' | 'title' | 'description' | 'status' | 'reportedAt' | 'updatedAt' | 'closedAt' | 'tlp' | 'channel' | 'organisationId'> & { disposition: string | null; mergedIntoReference: string | null };
  comments: IncidentComment[];
  attachments: IncidentAttachment[];
  indicators: IncidentIndicator[];
}

function deadlineViews(rows: Awaited<ReturnType<typeof listDeadlines>>, now: Date): DeadlineView[] {
  return rows.map((d) => ({ ...d, state: deadlineState(d.dueAt, d.completedAt, now) }));
}

/** The timeline: every audited change of the incident, oldest first (up to 500 events). */
async function timelineOf(database: DatabaseHandle, id: string): Promise<AuditEvent[]> {
  return (await findAuditEvents(database.db, { entityType: 'incident', entityId: id }, { limit: 500, beforeSeq: null })).reverse();
}

async function reporterView(database: DatabaseHandle, incident: Incident): Promise<ReporterIncidentView> {
  const mergedInto = incident.mergedIntoId === null ? null : await database.db.selectFrom('incident').select('reference').where('id', '=', incident.mergedIntoId).executeTakeFirst();
  return {
    kind: 'reporter',
    incident: {
      id: incident.id,
      reference: incident.reference,
      title: incident.title,
      description: incident.description,
      status: incident.status,
      reportedAt: incident.reportedAt,
      updatedAt: incident.updatedAt,
      closedAt: incident.closedAt,
      tlp: incident.tlp,
      channel: incident.channel,
      organisationId: incident.organisationId,
      disposition: incident.disposition,
      mergedIntoReference: mergedInto?.reference ?? null,
    },
    comments: await listComments(database.db, incident.id, true),
    attachments: await listAttachments(database.db, incident.id, true),
    indicators: await listIndicators(database.db, incident.id),
  };
}

/**
 * An incident as the actor may see it: the full view for handlers (comments, tasks, indicators with the other
 * incidents that hold them, deadlines with their state, links, duplicate suggestions, timeline), the reporter's view
 * for constituents (their organisation's incidents only; shared comments only). 404 for anyone else.
 */
export async function getIncident(database: DatabaseHandle, config: Config, ctx: RequestContext, id: string): Promise<HandlerIncidentView | ReporterIncidentView> {
  const viewer = incidentViewerOf(ctx.actor);
  const incident = await findIncident(database.db, viewer, id);
  if (!incident) throw new AppError('not_found');
  if (!isHandler(viewer)) return reporterView(database, incident);
  const now = ctx.clock.now();
  const [comments, tasks, indicators, correlations, attachments, deadlines, links, duplicates, timeline] = await Promise.all([
    listComments(database.db, id, false),
    listTasks(database.db, id),
    listIndicators(database.db, id),
    findCorrelations(database.db, viewer, id),
    listAttachments(database.db, id, false),
    listDeadlines(database.db, id),
    listLinks(database.db, viewer, id),
    incident.status === 'closed' ? Promise.resolve([]) : findDuplicateCandidates(database.db, viewer, incident),
    timelineOf(database, id),
  ]);
  const mergedInto = incident.mergedIntoId === null ? null : ((await database.db.selectFrom('incident').select(['id', 'reference']).where('id', '=', incident.mergedIntoId).executeTakeFirst()) ?? null);
  return {
    kind: 'handler',
    incident,
    comments,
    tasks,
    indicators: indicators.map((i) => ({ ...i, seenIn: correlations.get(i.id) ?? [] })),
    attachments,
    deadlines: deadlineViews(deadlines, now),
    links,
    duplicates: duplicates.filter((d) => d.id !== incident.mergedIntoId && !links.some((l) => l.id === d.id)),
    mergedInto,
    timeline,
  };
}

/** A public reporter's view of their report through the tracking link; an unknown token is 404. */
export async function getIncidentByTrackingToken(database: DatabaseHandle, token: string): Promise<ReporterIncidentView> {
  if (!/^[A-Za-z0-9_-]{20,100}$/.test(token)) throw new AppError('not_found');
  const incident = await findIncidentByTrackingHash(database.db, hashToken(token));
  if (!incident) throw new AppError('not_found');
  return reporterView(database, incident);
}
