import nodemailer, { type Transporter } from 'nodemailer';
import { Type } from '@sinclair/typebox';
import type { DbOrTx } from '#src/db/database';
import type { Clock } from '#src/core/time';
import type { JobDeps } from '#src/jobs';
import { defineJob, enqueueJob } from '#src/core/jobs/queue';
import { newId } from '#src/core/ids';
import { toDbTime } from '#src/core/time';

/** An outgoing e-mail: plain text always, HTML optionally, extra headers (List-Unsubscribe …). */
export interface OutgoingEmail {
  purpose: string;
  to: string;
  subject: string;
  text: string;
  html?: string;
  headers?: Record<string, string>;
}

/**
 * Records an e-mail and enqueues its delivery in the caller's transaction: it is sent if and only if the
 * change that caused it commits. Returns the message id.
 */
export async function queueEmail(trx: DbOrTx, clock: Clock, email: OutgoingEmail): Promise<string> {
  const id = newId();
  await trx
    .insertInto('email_message')
    .values({
      id,
      purpose: email.purpose,
      to_address: email.to,
      subject: email.subject,
      text_body: email.text,
      html_body: email.html ?? null,
      headers: JSON.stringify(email.headers ?? {}),
      status: 'queued',
      last_error: null,
      created_at: toDbTime(clock.now()),
      sent_at: null,
    })
    .execute();
  await enqueueJob(trx, sendEmailJob, { emailId: id }, { clock, idempotencyKey: `email:${id}` });
  return id;
}

const MAX_ATTEMPTS = 8;

const transports = new Map<string, Transporter>();

function transportFor(smtpUrl: string): Transporter {
  let transport = transports.get(smtpUrl);
  if (!transport) {
    // Bounded timeouts: a stalled server must fail the attempt (and be retried) well before the job runner
    // considers the job abandoned and hands it to another worker, which would send the message twice.
    transport = nodemailer.createTransport({ url: smtpUrl, connectionTimeout: 30_000, greetingTimeout: 30_000, socketTimeout: 120_000 });
    transports.set(smtpUrl, transport);
  }
  return transport;
}

/**
 * Delivers one recorded e-mail over SMTP when configured; without SMTP the message is kept in the outbox,
 * where administrators read it. A message already sent is never sent twice.
 */
export const sendEmailJob = defineJob({
  kind: 'email.send',
  version: 1,
  schema: Type.Object({ emailId: Type.String() }),
  maxAttempts: MAX_ATTEMPTS,
  async handle(payload, deps: JobDeps, job) {
    const { database, config, clock } = deps;
    const email = await database.db.selectFrom('email_message').selectAll().where('id', '=', payload.emailId).executeTakeFirst();
    if (!email || email.status === 'sent' || email.status === 'kept') return;
    await database.db.updateTable('email_message').set({ attempts: Number(email.attempts) + 1 }).where('id', '=', email.id).execute();
    if (config.smtpUrl === null) {
      await database.db.updateTable('email_message').set({ status: 'kept' }).where('id', '=', email.id).execute();
      return;
    }
    try {
      await transportFor(config.smtpUrl).sendMail({
        from: config.mailFrom,
        to: email.to_address,
        subject: email.subject,
        text: email.text_body,
        ...(email.html_body ? { html: email.html_body } : {}),
        headers: JSON.parse(email.headers) as Record<string, string>,
        messageId: `<${email.id}@${new URL(config.publicUrl).hostname}>`,
      });
    } catch (err) {
      // After the last attempt the message is marked failed, so the outbox shows it and an admin can retry it.
      const status = job.attempt >= MAX_ATTEMPTS ? 'failed' : 'queued';
      await database.db.updateTable('email_message').set({ status, last_error: err instanceof Error ? err.message.slice(0, 1000) : String(err) }).where('id', '=', email.id).execute();
      throw err;
    }
    // Outside the try: a failure to record the success must not be taken for a failed delivery (and resent).
    await database.db.updateTable('email_message').set({ status: 'sent', sent_at: toDbTime(clock.now()), last_error: null }).where('id', '=', email.id).execute();
  },
});
