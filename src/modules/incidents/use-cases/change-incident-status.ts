import type { Config } from '#src/config/config';
import type { DatabaseHandle } from '#src/db/database';
import type { RequestContext } from '#src/core/context';
import type { Incident, IncidentStatus } from '#src/modules/incidents/incidents.types';
import { AppError } from '#src/core/errors';
import { findTerms } from '#src/modules/taxonomies/taxonomies.repository';
import { incidentStatuses, incidentTransitions } from '#src/modules/incidents/incidents.types';
import { findActiveHandlerId, listActiveHandlers, updateIncident } from '#src/modules/incidents/incidents.repository';
import { FieldErrors, checkTerm } from '#src/modules/incidents/incidents.validation';
import { auditIncident, loadForHandling, refreshDeadlines } from '#src/modules/incidents/use-cases/incident-support';

/**
 * Moves an incident along its workflow (handlers only): new → triage → in progress → resolved → closed, and reopen
 * (closed → triage). Closing needs a disposition from the vocabulary; reopening clears it. Each step stamps its
 * time (triage, resolution, closing) the first time it is reached. Optimistic locking; audited `incident.status`.
 */
export async function changeIncidentStatus(database: DatabaseHandle, config: Config, ctx: RequestContext, id: string, version: number, to: string, disposition?: string): Promise<Incident> {
  return database.db.transaction().execute(async (trx) => {
    const before = await loadForHandling(trx, ctx, id, version);
    const errors = new FieldErrors();
    if (!(incidentStatuses as readonly string[]).includes(to)) {
      errors.add('status', 'invalid_choice');
      errors.failIfAny();
    }
    const target = to as IncidentStatus;
    if (!incidentTransitions[before.status].includes(target)) throw new AppError('conflict', [{ field: 'status', message: 'invalid_choice' }], `cannot go from ${before.status} to ${target}`);
    const now = ctx.clock.now();
    const after: Incident = { ...before, status: target, updatedAt: now, version: before.version + 1 };
    if (target === 'closed') {
      const terms = await findTerms(trx, 'incident_disposition', { includeRetired: false });
      const code = checkTerm(errors, 'disposition', disposition, terms, null);
      if (code === null && !errors.errors.some((e) => e.field === 'disposition')) errors.add('disposition', 'required');
      errors.failIfAny();
      after.disposition = code;
      after.closedAt = now;
      after.resolvedAt ??= now;
    } else if (before.status === 'closed') {
      // Reopened: the earlier closing no longer holds.
      after.disposition = null;
      after.closedAt = null;
      after.resolvedAt = null;
    }
    if (target === 'resolved') after.resolvedAt = now;
    if (target !== 'new') after.triagedAt ??= now;
    if (!(await updateIncident(trx, after, version))) throw new AppError('version_conflict');
    const withDeadlines = await refreshDeadlines(trx, config, after, now);
    await auditIncident(trx, database.dialect, ctx, before.status === 'closed' ? 'incident.reopened' : target === 'closed' ? 'incident.closed' : 'incident.status', before, withDeadlines);
    return withDeadlines;
  });
}

/**
 * Assigns an incident to a handler (someone holding `incidents:handle`), or unassigns it with null. Optimistic
 * locking; audited `incident.assigned`.
 */
export async function assignIncident(database: DatabaseHandle, config: Config, ctx: RequestContext, id: string, version: number, assigneeId: string | null): Promise<Incident> {
  return database.db.transaction().execute(async (trx) => {
    const before = await loadForHandling(trx, ctx, id, version);
    if (assigneeId !== null) {
      const handler = await findActiveHandlerId(trx, assigneeId);
      if (!handler) throw AppError.field('assigneeId', 'invalid_choice');
    }
    const now = ctx.clock.now();
    const after: Incident = { ...before, assigneeId, updatedAt: now, version: before.version + 1 };
    if (!(await updateIncident(trx, after, version))) throw new AppError('version_conflict');
    const withDeadlines = await refreshDeadlines(trx, config, after, now);
    await auditIncident(trx, database.dialect, ctx, 'incident.assigned', before, withDeadlines);
    return withDeadlines;
  });
}

/** Handlers who can be assigned incidents (active, with a handling role), by name. */
export async function listHandlers(database: DatabaseHandle): Promise<{ id: string; name: string }[]> {
  return listActiveHandlers(database.db);
}
