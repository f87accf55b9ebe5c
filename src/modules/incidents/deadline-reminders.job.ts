import { Type } from '@sinclair/typebox';
import type { JobDeps } from '#src/jobs';
import type { DatabaseHandle } from '#src/db/database';
import type { Clock } from '#src/core/time';
import type { DeadlineItem } from '#src/modules/incidents/deadlines/deadlines';
import { defineJob, enqueueJob } from '#src/core/jobs/queue';
import { createTranslator, isLocale } from '#src/core/i18n/i18n';
import { fromDbTimeOrNull, toDbTime } from '#src/core/time';
import { deadlineState, remindersDue } from '#src/modules/incidents/deadlines/deadlines';
import { findProfile } from '#src/modules/incidents/deadlines/regulation-profiles';
import { queueEmail } from '#src/modules/notifications/mailer';
import { incidentsMessages } from '#src/modules/incidents/incidents.messages';

/** How often the reminders are looked for: deadlines are accurate to the minute, reminders to five. */
const PERIOD_MS = 5 * 60_000;

/** Queues the next run of the reminder job at the next five-minute boundary (idempotent: one job per boundary). */
export async function scheduleDeadlineReminders(database: DatabaseHandle, clock: Clock): Promise<void> {
  const slot = Math.floor(clock.now().getTime() / PERIOD_MS) + 1;
  await enqueueJob(database.db, deadlineRemindersJob, { slot }, { clock, runAt: new Date(slot * PERIOD_MS), idempotencyKey: `incident.deadline-reminders:${slot}` });
}

/**
 * Sends the reminders that are due: for each open deadline of an open incident, the shortest configured lead whose
 * moment has come (RIBAT_INCIDENT_REMINDER_MINUTES), once per deadline and lead (kept in `reminders_sent`, reset when
 * the deadline's due time changes), to the incident's assignee or, when nobody is assigned, to every coordinator.
 * Each e-mail and its bookkeeping commit together. Returns how many reminders were queued.
 */
export async function sendDueReminders(deps: Pick<JobDeps, 'database' | 'config' | 'clock'>): Promise<number> {
  const { database, config, clock } = deps;
  const now = clock.now();
  const horizon = new Date(now.getTime() + Math.max(...config.incidentReminderLeads, 0) * 60_000);
  const rows = await database.db
    .selectFrom('incident_deadline')
    .innerJoin('incident', 'incident.id', 'incident_deadline.incident_id')
    .select(['incident_deadline.incident_id', 'incident_deadline.key', 'incident_deadline.profile', 'incident_deadline.stage', 'incident_deadline.due_at', 'incident_deadline.reminders_sent', 'incident.reference', 'incident.title', 'incident.assignee_id'])
    .where('incident_deadline.completed_at', 'is', null)
    .where('incident_deadline.due_at', '>=', toDbTime(now))
    .where('incident_deadline.due_at', '<=', toDbTime(horizon))
    .where('incident.status', 'not in', ['resolved', 'closed'])
    .limit(5000)
    .execute();
  let sent = 0;
  for (const row of rows) {
    const dueAt = fromDbTimeOrNull(row.due_at);
    if (dueAt === null) continue;
    const profile = findProfile(row.profile);
    const stage = profile?.stages.find((s) => s.code === row.stage);
    const item: DeadlineItem = {
      key: row.key,
      profile: row.profile,
      stage: row.stage,
      label: stage?.label ?? { fr: row.stage, ar: row.stage, en: row.stage },
      clock: stage?.clock ?? 'calendar',
      startsAt: null,
      dueAt,
      completedAt: null,
      state: deadlineState(dueAt, null, now),
      isProvisional: false,
    };
    const already = new Set((JSON.parse(row.reminders_sent) as string[]).map(String));
    const due = remindersDue([item], now, config.incidentReminderLeads, already);
    if (due.length === 0) continue;
    await database.db.transaction().execute(async (trx) => {
      // Recipients: the assignee, else the coordinators (active accounts).
      const recipients = await trx
        .selectFrom('user_account')
        .select(['user_account.email', 'user_account.locale'])
        .where('user_account.status', '=', 'active')
        .where((eb) =>
          row.assignee_id !== null
            ? eb('user_account.id', '=', row.assignee_id)
            : eb.exists(eb.selectFrom('user_role').select('user_role.user_id').whereRef('user_role.user_id', '=', 'user_account.id').where('user_role.role', '=', 'coordinator')),
        )
        .execute();
      for (const r of recipients) {
        const locale = isLocale(r.locale) ? r.locale : 'fr';
        const i18n = createTranslator(incidentsMessages, locale, config.timezone);
        const t = i18n.t;
        const params = { reference: row.reference, title: row.title, stage: item.label[locale], profile: profile?.label[locale] ?? row.profile, due: i18n.formatDateTime(dueAt), url: `${config.publicUrl}/console/incidents/${row.incident_id}` };
        await queueEmail(trx, clock, { purpose: 'incident.reminder', to: r.email, subject: t('incidents.email.reminder.subject', params), text: t('incidents.email.reminder.body', params) });
      }
      const keys = [...already, ...due.map((d) => d.key)];
      await trx.updateTable('incident_deadline').set({ reminders_sent: JSON.stringify(keys) }).where('incident_id', '=', row.incident_id).where('key', '=', row.key).execute();
    });
    sent += due.length;
  }
  return sent;
}

/** The periodic reminder job: sends what is due, then queues its next run. */
export const deadlineRemindersJob = defineJob({
  kind: 'incident.deadline-reminders',
  version: 1,
  schema: Type.Object({ slot: Type.Integer({ minimum: 0 }) }),
  maxAttempts: 3,
  handle: async (_payload, deps: JobDeps) => {
    await sendDueReminders(deps);
    await scheduleDeadlineReminders(deps.database, deps.clock);
  },
});

