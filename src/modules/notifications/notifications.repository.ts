import { sql, type Selectable } from 'kysely';
import type { Db, DbOrTx } from '#src/db/database';
import type { EmailMessageTable } from '#src/modules/notifications/notifications.tables';
import type { JobTable } from '#src/db/core.tables';
import { emailStatuses, jobStatuses, type EmailFilter, type EmailMessage, type EmailStatus, type JobStatus, type JobView, type StatusCounts } from '#src/modules/notifications/notifications.types';
import { fromDbTime, fromDbTimeOrNull } from '#src/core/time';

function parseHeaders(text: string): Record<string, string> {
  try {
    const parsed = JSON.parse(text) as unknown;
    if (parsed && typeof parsed === 'object' && !Array.isArray(parsed)) {
      return Object.fromEntries(Object.entries(parsed as Record<string, unknown>).map(([k, v]) => [k, String(v)]));
    }
  } catch {
    // fall through: unreadable headers are shown as none
  }
  return {};
}

function toEmail(row: Selectable<EmailMessageTable>): EmailMessage {
  return {
    id: row.id,
    purpose: row.purpose,
    to: row.to_address,
    subject: row.subject,
    text: row.text_body,
    html: row.html_body,
    headers: parseHeaders(row.headers),
    status: row.status,
    attempts: Number(row.attempts),
    lastError: row.last_error,
    createdAt: fromDbTime(row.created_at),
    sentAt: fromDbTimeOrNull(row.sent_at),
  };
}

function toJob(row: Selectable<JobTable>): JobView {
  return {
    id: row.id,
    kind: row.kind,
    version: Number(row.version),
    status: row.status,
    attempts: Number(row.attempts),
    maxAttempts: Number(row.max_attempts),
    runAt: fromDbTime(row.run_at),
    lastError: row.last_error,
    createdAt: fromDbTime(row.created_at),
    finishedAt: fromDbTimeOrNull(row.finished_at),
  };
}

/** E-mails matching the filter, newest first (keyset on the time-ordered id), `limit + 1` rows. */
export async function findEmails(db: Db, filter: EmailFilter, page: { limit: number; beforeId: string | null }): Promise<EmailMessage[]> {
  let query = db.selectFrom('email_message').selectAll();
  if (filter.status) query = query.where('status', '=', filter.status);
  if (filter.recipient) {
    const pattern = `%${filter.recipient.toLowerCase().replace(/[\\%_]/g, (c) => `\\${c}`)}%`;
    query = query.where(sql<boolean>`lower(to_address) like ${pattern} escape '\\'`);
  }
  if (page.beforeId !== null) query = query.where('id', '<', page.beforeId);
  const rows = await query.orderBy('id', 'desc').limit(page.limit + 1).execute();
  return rows.map(toEmail);
}

/** One e-mail by id, or null. */
export async function findEmailById(db: DbOrTx, id: string): Promise<EmailMessage | null> {
  const row = await db.selectFrom('email_message').selectAll().where('id', '=', id).executeTakeFirst();
  return row ? toEmail(row) : null;
}

/** Puts a failed e-mail back in the queue (attempt count kept for the record); false when it was not failed. */
export async function requeueFailedEmail(trx: DbOrTx, id: string): Promise<boolean> {
  const result = await trx.updateTable('email_message').set({ status: 'queued' }).where('id', '=', id).where('status', '=', 'failed').executeTakeFirst();
  return Number(result.numUpdatedRows) > 0;
}

/** Number of e-mails in each state. */
export async function countEmailsByStatus(db: Db): Promise<StatusCounts<EmailStatus>> {
  const rows = await db.selectFrom('email_message').select(['status', (eb) => eb.fn.countAll<number>().as('n')]).groupBy('status').execute();
  const out = Object.fromEntries(emailStatuses.map((s) => [s, 0])) as StatusCounts<EmailStatus>;
  for (const r of rows) if ((emailStatuses as readonly string[]).includes(r.status)) out[r.status] = Number(r.n);
  return out;
}

/** Jobs, newest first (keyset on the time-ordered id), optionally of one state, `limit + 1` rows. */
export async function findJobs(db: Db, filter: { status?: JobStatus }, page: { limit: number; beforeId: string | null }): Promise<JobView[]> {
  let query = db.selectFrom('job').selectAll();
  if (filter.status) query = query.where('status', '=', filter.status);
  if (page.beforeId !== null) query = query.where('id', '<', page.beforeId);
  const rows = await query.orderBy('id', 'desc').limit(page.limit + 1).execute();
  return rows.map(toJob);
}

/** Number of jobs in each state. */
export async function countJobsByStatus(db: Db): Promise<StatusCounts<JobStatus>> {
  const rows = await db.selectFrom('job').select(['status', (eb) => eb.fn.countAll<number>().as('n')]).groupBy('status').execute();
  const out = Object.fromEntries(jobStatuses.map((s) => [s, 0])) as StatusCounts<JobStatus>;
  for (const r of rows) if ((jobStatuses as readonly string[]).includes(r.status)) out[r.status] = Number(r.n);
  return out;
}
