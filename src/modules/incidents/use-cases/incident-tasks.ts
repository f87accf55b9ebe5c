import type { DatabaseHandle } from '#src/db/database';
import type { RequestContext } from '#src/core/context';
import type { IncidentTask } from '#src/modules/incidents/incidents.types';
import { AppError } from '#src/core/errors';
import { newId } from '#src/core/ids';
import { findActiveHandlerId, insertTask, listTasks, setTaskDone, updateIncident } from '#src/modules/incidents/incidents.repository';
import { FieldErrors, incidentLimits, requiredText } from '#src/modules/incidents/incidents.validation';
import { auditIncident, loadForHandling } from '#src/modules/incidents/use-cases/incident-support';

/** Parses a task due date: `YYYY-MM-DD` (end of that day, UTC) or a date-time; may be in the future. */
function parseDue(errors: FieldErrors, value: string | undefined): Date | null {
  const text = (value ?? '').trim();
  if (text === '') return null;
  const date = new Date(/^\d{4}-\d{2}-\d{2}$/.test(text) ? `${text}T23:59:00Z` : /[zZ]|[+-]\d\d:?\d\d$/.test(text) ? text : `${text}Z`);
  if (!/^\d{4}-\d{2}-\d{2}/.test(text) || Number.isNaN(date.getTime())) {
    errors.add('dueAt', 'invalid_date');
    return null;
  }
  return date;
}

/** Adds a task with an owner (a handler) and a due date to an incident; audited `incident.task_added`. */
export async function addIncidentTask(database: DatabaseHandle, ctx: RequestContext, id: string, input: { title?: string; ownerId?: string; dueAt?: string }): Promise<IncidentTask> {
  return database.db.transaction().execute(async (trx) => {
    const before = await loadForHandling(trx, ctx, id, null);
    const errors = new FieldErrors();
    const title = requiredText(errors, 'title', input.title, incidentLimits.taskTitle);
    const dueAt = parseDue(errors, input.dueAt);
    let ownerId: string | null = null;
    if (input.ownerId !== undefined && input.ownerId !== '') {
      const owner = await findActiveHandlerId(trx, input.ownerId);
      if (!owner) errors.add('ownerId', 'invalid_choice');
      else ownerId = owner;
    }
    errors.failIfAny();
    const now = ctx.clock.now();
    const task: IncidentTask = { id: newId(), incidentId: id, title, ownerId, dueAt, doneAt: null, createdAt: now, version: 1 };
    await insertTask(trx, task, ctx.actor.userId);
    const after = { ...before, updatedAt: now, version: before.version + 1 };
    if (!(await updateIncident(trx, after, before.version))) throw new AppError('version_conflict');
    await auditIncident(trx, database.dialect, ctx, 'incident.task_added', before, after, { taskId: task.id, task: title, ownerId, dueAt: dueAt?.toISOString() ?? null });
    return task;
  });
}

/** Marks a task done or open again (optimistic locking on the task's version); audited `incident.task_done`/`_reopened`. */
export async function setIncidentTaskDone(database: DatabaseHandle, ctx: RequestContext, id: string, taskId: string, version: number, done: boolean): Promise<void> {
  await database.db.transaction().execute(async (trx) => {
    const before = await loadForHandling(trx, ctx, id, null);
    const task = (await listTasks(trx, id)).find((t) => t.id === taskId);
    if (!task) throw new AppError('not_found');
    const now = ctx.clock.now();
    if (!(await setTaskDone(trx, id, taskId, done ? now : null, version, now))) throw new AppError('version_conflict');
    const after = { ...before, updatedAt: now, version: before.version + 1 };
    if (!(await updateIncident(trx, after, before.version))) throw new AppError('version_conflict');
    await auditIncident(trx, database.dialect, ctx, done ? 'incident.task_done' : 'incident.task_reopened', before, after, { taskId, task: task.title });
  });
}
