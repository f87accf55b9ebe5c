import type { Config } from '#src/config/config';
import type { DatabaseHandle, Tx } from '#src/db/database';
import type { RequestContext } from '#src/core/context';
import type { Incident } from '#src/modules/incidents/incidents.types';
import { AppError } from '#src/core/errors';
import { newId } from '#src/core/ids';
import { findIncidentByReference, insertIndicators, insertLink, listIndicators, updateIncident } from '#src/modules/incidents/incidents.repository';
import { auditIncident, loadForHandling, refreshDeadlines } from '#src/modules/incidents/use-cases/incident-support';

/** The incident a report is merged into, read in the merge's transaction (SQLite has one connection). */
async function findTarget(trx: Tx, reference: string, self: Incident): Promise<Incident> {
  const target = await findIncidentByReference(trx, { kind: 'handler' }, reference.trim());
  if (!target || target.id === self.id) throw AppError.field('reference', 'unknown_reference');
  if (target.mergedIntoId !== null) throw AppError.field('reference', 'unknown_reference');
  return target;
}

/**
 * Merges a report into another incident (handlers only): the report is closed as `duplicate` with `merged_into`
 * set, its indicators are copied to the target, both are linked, and both audit trails record it. The reporter keeps
 * following their own report, which says where it went.
 */
export async function mergeIncident(database: DatabaseHandle, config: Config, ctx: RequestContext, id: string, version: number, targetReference: string): Promise<Incident> {
  return database.db.transaction().execute(async (trx) => {
    const before = await loadForHandling(trx, ctx, id, version);
    if (before.mergedIntoId !== null) throw new AppError('conflict', [], 'already merged');
    const target = await findTarget(trx, targetReference, before);
    const now = ctx.clock.now();
    const after: Incident = { ...before, status: 'closed', disposition: 'duplicate', mergedIntoId: target.id, closedAt: now, resolvedAt: before.resolvedAt ?? now, triagedAt: before.triagedAt ?? now, updatedAt: now, version: before.version + 1 };
    if (!(await updateIncident(trx, after, version))) throw new AppError('version_conflict');
    const copied = await insertIndicators(trx, (await listIndicators(trx, id)).map((i) => ({ ...i, id: newId(), incidentId: target.id })), ctx.actor.userId);
    await insertLink(trx, id, target.id, ctx.actor.userId, now);
    const targetAfter: Incident = { ...target, updatedAt: now, version: target.version + 1 };
    if (!(await updateIncident(trx, targetAfter, target.version))) throw new AppError('version_conflict');
    const closed = await refreshDeadlines(trx, config, after, now);
    await auditIncident(trx, database.dialect, ctx, 'incident.merged', before, closed, { into: target.reference });
    await auditIncident(trx, database.dialect, ctx, 'incident.merge_received', target, targetAfter, { from: before.reference, indicatorsCopied: copied.length });
    return closed;
  });
}

/** Links two incidents both ways (related work, same campaign); audited on both. */
export async function linkIncidents(database: DatabaseHandle, ctx: RequestContext, id: string, otherReference: string): Promise<void> {
  await database.db.transaction().execute(async (trx) => {
    const before = await loadForHandling(trx, ctx, id, null);
    const other = await findIncidentByReference(trx, { kind: 'handler' }, otherReference.trim());
    if (!other || other.id === id) throw AppError.field('reference', 'unknown_reference');
    const now = ctx.clock.now();
    await insertLink(trx, id, other.id, ctx.actor.userId, now);
    await auditIncident(trx, database.dialect, ctx, 'incident.linked', before, before, { other: other.reference });
    await auditIncident(trx, database.dialect, ctx, 'incident.linked', other, other, { other: before.reference });
  });
}
