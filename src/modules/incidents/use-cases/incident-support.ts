import type { Config } from '#src/config/config';
import type { Dialect, Tx } from '#src/db/database';
import type { RequestContext } from '#src/core/context';
import type { Incident, IncidentDeadline } from '#src/modules/incidents/incidents.types';
import { AppError } from '#src/core/errors';
import { recordAudit } from '#src/core/audit';
import { can } from '#src/core/access';
import { formatReference, referenceSequenceKey } from '#src/modules/bulletins/reference';
import { nextCounterValue } from '#src/modules/bulletins/bulletins.repository';
import { findIncidentForUpdate, listDeadlines, setNextDueAt, writeDeadlines } from '#src/modules/incidents/incidents.repository';
import { computeDeadlines } from '#src/modules/incidents/deadlines/deadlines';

/** What the audit trail keeps of an incident: workflow and triage fields, never the free texts' full bodies. */
export function incidentAuditState(i: Incident): Record<string, unknown> {
  return {
    reference: i.reference,
    title: i.title,
    status: i.status,
    channel: i.channel,
    organisationId: i.organisationId,
    severity: i.severity,
    priority: i.priority,
    tlp: i.tlp,
    pap: i.pap,
    suspectedMalicious: i.suspectedMalicious,
    crossBorder: i.crossBorder,
    classifications: i.classifications.map((c) => c.typeCode ?? c.classCode),
    affectedOrganisationIds: i.affectedOrganisationIds,
    assigneeId: i.assigneeId,
    disposition: i.disposition,
    mergedIntoId: i.mergedIntoId,
    regulationProfiles: i.regulationProfiles,
    detectedAt: i.detectedAt?.toISOString() ?? null,
    awareAt: i.awareAt?.toISOString() ?? null,
    version: i.version,
  };
}

/** Records an incident event in the caller's transaction (the incident's timeline reads these). */
export async function auditIncident(trx: Tx, dialect: Dialect, ctx: RequestContext, action: string, before: Incident | null, after: Incident, extra: Record<string, unknown> = {}): Promise<void> {
  await recordAudit(trx, dialect, ctx, {
    action,
    entityType: 'incident',
    entityId: after.id,
    ...(before ? { before: incidentAuditState(before) } : {}),
    after: { ...incidentAuditState(after), ...extra },
  });
}

/** Allocates the next incident reference in the caller's transaction (gapless per sequence, like bulletins). */
export async function allocateIncidentReference(trx: Tx, config: Config, date: Date): Promise<string> {
  const input = { date, timeZone: config.timezone, kind: 'bulletin' as const };
  const key = `incident:${referenceSequenceKey(config.incidentReferencePattern, input)}`;
  return formatReference(config.incidentReferencePattern, { ...input, counter: await nextCounterValue(trx, key) });
}

/**
 * Loads an incident for a change by a handler: 404 when it does not exist or the actor may not handle incidents,
 * 409 when the version moved (optimistic locking), unless `version` is null (internal follow-ups).
 */
export async function loadForHandling(trx: Tx, ctx: RequestContext, id: string, version: number | null): Promise<Incident> {
  if (!can(ctx.actor, 'incidents:handle')) throw new AppError('not_found');
  const incident = await findIncidentForUpdate(trx, id);
  if (!incident) throw new AppError('not_found');
  if (version !== null && incident.version !== version) throw new AppError('version_conflict');
  return incident;
}

/**
 * Recomputes the incident's deadlines (the CERT's service levels always, and the regulation profiles it is under)
 * from its times and completions, stores them and returns the incident with `nextDueAt` set. The service levels are
 * completed by the first response and by triage; legal stages by the handler marking the stage report received. Call
 * it after the incident row is written; it stores `next_due_at` itself.
 */
export async function refreshDeadlines(trx: Tx, config: Config, incident: Incident, now: Date): Promise<Incident> {
  const stored = await listDeadlines(trx, incident.id);
  const completed: Record<string, Date> = {};
  for (const d of stored) if (d.completedAt !== null && d.profile !== 'cert-sla') completed[d.key] = d.completedAt;
  if (incident.firstResponseAt) completed['cert-sla.first-response'] = incident.firstResponseAt;
  if (incident.triagedAt) completed['cert-sla.triage'] = incident.triagedAt;
  const isOpen = incident.status !== 'closed' && incident.status !== 'resolved';
  const items = computeDeadlines({
    profiles: ['cert-sla', ...incident.regulationProfiles],
    times: { detectedAt: incident.detectedAt, awareAt: incident.awareAt ?? incident.detectedAt, reportedAt: incident.reportedAt },
    completed,
    calendar: config.incidentCalendar,
    overrides: config.incidentDeadlineOverrides,
    now,
  });
  // A closed incident keeps its deadlines (met or missed) for the record, but none is open any more.
  const deadlines: IncidentDeadline[] = items.map((i) => ({ key: i.key, profile: i.profile, stage: i.stage, dueAt: i.dueAt, completedAt: i.completedAt }));
  const nextDue = await writeDeadlines(trx, incident.id, deadlines, now);
  const nextDueAt = isOpen ? nextDue : null;
  await setNextDueAt(trx, incident.id, nextDueAt);
  return { ...incident, nextDueAt };
}
