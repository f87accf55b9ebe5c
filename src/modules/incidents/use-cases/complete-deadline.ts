import type { Config } from '#src/config/config';
import type { DatabaseHandle } from '#src/db/database';
import type { RequestContext } from '#src/core/context';
import type { Incident } from '#src/modules/incidents/incidents.types';
import { AppError } from '#src/core/errors';
import { toDbTime } from '#src/core/time';
import { updateIncident } from '#src/modules/incidents/incidents.repository';
import { FieldErrors, optionalDate } from '#src/modules/incidents/incidents.validation';
import { auditIncident, loadForHandling, refreshDeadlines } from '#src/modules/incidents/use-cases/incident-support';

/**
 * Records that the organisation delivered a legal stage report (`ma-05-20.declaration`, `nis2.notification`…) at
 * `completedAt` (now when empty), or clears it with `completed: false`. The service levels (`cert-sla.*`) are not set
 * by hand: the first shared comment and triage complete them. Later stages are recomputed (NIS2's final report counts
 * from the notification's completion). Audited `incident.deadline_completed` / `incident.deadline_reopened`.
 */
export async function completeDeadline(database: DatabaseHandle, config: Config, ctx: RequestContext, id: string, key: string, options: { completed: boolean; completedAt?: string }): Promise<Incident> {
  return database.db.transaction().execute(async (trx) => {
    const before = await loadForHandling(trx, ctx, id, null);
    const row = await trx.selectFrom('incident_deadline').select(['key', 'profile']).where('incident_id', '=', id).where('key', '=', key).executeTakeFirst();
    if (!row || row.profile === 'cert-sla') throw AppError.field('key', 'invalid_choice');
    const now = ctx.clock.now();
    const errors = new FieldErrors();
    const at = options.completed ? (optionalDate(errors, 'completedAt', options.completedAt, now) ?? now) : null;
    errors.failIfAny();
    await trx.updateTable('incident_deadline').set({ completed_at: at === null ? null : toDbTime(at), updated_at: toDbTime(now) }).where('incident_id', '=', id).where('key', '=', key).execute();
    const after: Incident = { ...before, updatedAt: now, version: before.version + 1 };
    if (!(await updateIncident(trx, after, before.version))) throw new AppError('version_conflict');
    const refreshed = await refreshDeadlines(trx, config, after, now);
    await auditIncident(trx, database.dialect, ctx, at === null ? 'incident.deadline_reopened' : 'incident.deadline_completed', before, refreshed, { deadline: key, completedAt: at?.toISOString() ?? null });
    return refreshed;
  });
}
