import type { AddressInfo } from 'node:net';
import { afterAll, beforeAll, beforeEach, describe, expect, it } from 'vitest';
import { SMTPServer } from 'smtp-server';
import { JobRunner, retryDelayMs } from '#src/core/jobs/queue';
import { jobDefinitions, type JobDeps } from '#src/jobs';
import { queueEmail, sendEmailJob, type OutgoingEmail } from '#src/modules/notifications/mailer';
import { buildTestApp, testDialect, type TestApp } from './helpers/app';
import { buildUser, loginAs } from './helpers/factories';

interface Received {
  from: string;
  to: string[];
  raw: string;
}

let server: SMTPServer;
let received: Received[] = [];
/** Recipients refused at RCPT TO, with how many more times to refuse them (Infinity: always). */
const refusals = new Map<string, number>();
let t: TestApp;
let runner: JobRunner<JobDeps>;

async function queue(email: Partial<OutgoingEmail> & { to: string }): Promise<string> {
  return t.database.db.transaction().execute((trx) =>
    queueEmail(trx, t.clock, { purpose: 'password-reset', subject: 'Password reset', text: 'Open https://ribat.example/reset/abc to choose a new password.', ...email }),
  );
}

async function emailRow(id: string) {
  return t.database.db.selectFrom('email_message').selectAll().where('id', '=', id).executeTakeFirstOrThrow();
}

async function jobFor(id: string) {
  return t.database.db.selectFrom('job').selectAll().where('idempotency_key', '=', `email:${id}`).executeTakeFirstOrThrow();
}

beforeAll(async () => {
  server = new SMTPServer({
    authOptional: true,
    disabledCommands: ['STARTTLS'],
    logger: false,
    onRcptTo(address, _session, callback) {
      const left = refusals.get(address.address) ?? 0;
      if (left > 0) {
        refusals.set(address.address, left - 1);
        const err = Object.assign(new Error('Mailbox temporarily unavailable'), { responseCode: 450 });
        return callback(err);
      }
      return callback();
    },
    onData(stream, session, callback) {
      const chunks: Buffer[] = [];
      stream.on('data', (c: Buffer) => chunks.push(c));
      stream.on('end', () => {
        received.push({
          from: session.envelope.mailFrom ? session.envelope.mailFrom.address : '',
          to: session.envelope.rcptTo.map((r) => r.address),
          raw: Buffer.concat(chunks).toString('utf8'),
        });
        callback();
      });
    },
  });
  await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve));
  const { port } = server.server.address() as AddressInfo;
  t = await buildTestApp({ RIBAT_SMTP_URL: `smtp://127.0.0.1:${port}?ignoreTLS=true`, RIBAT_MAIL_FROM: 'cert@ribat.example' });
  runner = new JobRunner<JobDeps>({ db: t.database.db, dialect: t.database.dialect, definitions: jobDefinitions, deps: { config: t.config, database: t.database, logger: t.services.logger, clock: t.clock }, logger: t.services.logger, clock: t.clock, pollMs: 1000 });
});
afterAll(async () => {
  await t.close();
  await new Promise<void>((resolve) => server.close(() => resolve()));
});
beforeEach(() => {
  received = [];
});

describe(`e-mail over SMTP (${testDialect})`, () => {
  it('delivers a queued e-mail once, as multipart text and HTML, and marks it sent', async () => {
    const id = await queue({ to: 'analyst@example.ma', html: '<p>Open <a href="https://ribat.example/reset/abc">this link</a></p>', headers: { 'X-Ribat-Purpose': 'password-reset' } });
    expect(received).toHaveLength(0); // nothing leaves before the job runs
    expect(await runner.drain()).toBe(1);
    expect(received).toHaveLength(1);
    const [message] = received;
    expect(message?.to).toEqual(['analyst@example.ma']);
    expect(message?.from).toBe('cert@ribat.example');
    const raw = message?.raw ?? '';
    expect(raw).toMatch(/^To: analyst@example\.ma\r?$/m);
    expect(raw).toMatch(/^Subject: Password reset\r?$/m);
    expect(raw).toMatch(/^X-Ribat-Purpose: password-reset\r?$/m);
    expect(raw).toContain(`Message-ID: <${id}@localhost>`);
    const boundary = /Content-Type: multipart\/alternative;\s*boundary="?([^"\r\n]+)"?/i.exec(raw)?.[1];
    expect(boundary).toBeDefined();
    const parts = raw.split(`--${boundary}`);
    // preamble, text part, HTML part, closing "--"
    expect(parts).toHaveLength(4);
    expect(parts[1]).toMatch(/Content-Type: text\/plain; charset=utf-8/i);
    expect(parts[1]).toContain('Open https://ribat.example/reset/abc to choose a new password.');
    expect(parts[2]).toMatch(/Content-Type: text\/html; charset=utf-8/i);
    expect(parts[2]).toContain('<p>Open <a href="https://ribat.example/reset/abc">this link</a></p>');
    expect(parts[3]?.startsWith('--')).toBe(true);

    const row = await emailRow(id);
    expect(row.status).toBe('sent');
    expect(row.sent_at).not.toBeNull();
    expect(Number(row.attempts)).toBe(1);
    expect((await jobFor(id)).status).toBe('done');
    // Running the queue again sends nothing twice.
    expect(await runner.drain()).toBe(0);
    expect(received).toHaveLength(1);
  });

  it('retries after a temporary refusal, with a backoff, and sends on the next run', async () => {
    refusals.set('retry@example.ma', 1);
    const id = await queue({ to: 'retry@example.ma' });
    expect(await runner.drain()).toBe(1);
    expect(received).toHaveLength(0);
    let job = await jobFor(id);
    expect(job.status).toBe('pending');
    expect(Number(job.attempts)).toBe(1);
    expect(new Date(job.run_at).getTime()).toBeGreaterThan(t.clock.now().getTime());
    expect(job.last_error).toMatch(/450|recipients were rejected/i);
    let row = await emailRow(id);
    expect(row.status).toBe('queued');
    expect(row.last_error).toMatch(/450|recipients were rejected/i);

    // Not due yet: nothing runs.
    expect(await runner.drain()).toBe(0);
    t.clock.advance(retryDelayMs(1) + 1000);
    expect(await runner.drain()).toBe(1);
    expect(received).toHaveLength(1);
    expect(received[0]?.to).toEqual(['retry@example.ma']);
    row = await emailRow(id);
    expect(row.status).toBe('sent');
    expect(row.last_error).toBeNull();
    expect(Number(row.attempts)).toBe(2);
    job = await jobFor(id);
    expect(job.status).toBe('done');
  });

  it('gives up after the maximum number of attempts: the e-mail is failed, the job dead, an admin can retry it', async () => {
    refusals.set('never@example.ma', Number.POSITIVE_INFINITY);
    const id = await queue({ to: 'never@example.ma' });
    for (let attempt = 1; attempt <= sendEmailJob.maxAttempts; attempt++) {
      expect(await runner.drain()).toBe(1);
      const row = await emailRow(id);
      expect(row.status).toBe(attempt < sendEmailJob.maxAttempts ? 'queued' : 'failed');
      t.clock.advance(retryDelayMs(attempt) + 1000);
    }
    expect(await runner.drain()).toBe(0);
    expect((await jobFor(id)).status).toBe('dead');
    const row = await emailRow(id);
    expect(row.status).toBe('failed');
    expect(Number(row.attempts)).toBe(sendEmailJob.maxAttempts);
    expect(received).toHaveLength(0);

    // Once the server accepts again, the administrator's retry delivers it.
    refusals.delete('never@example.ma');
    const admin = await loginAs(t, await buildUser(t.database, { roles: ['admin'] }));
    const page = await t.app.inject({ method: 'GET', url: '/console/outbox?status=failed', cookies: admin.cookies });
    expect(page.body).toContain('never@example.ma');
    expect(page.body).toContain('<span class="status--suspended">Échec</span>');
    expect(page.body).not.toContain('RIBAT_SMTP_URL');
    const retry = await t.app.inject({ method: 'POST', url: `/console/outbox/${id}/retry`, cookies: admin.cookies, payload: `_csrf=${encodeURIComponent(admin.csrf)}`, headers: { 'content-type': 'application/x-www-form-urlencoded' } });
    expect(retry.statusCode).toBe(303);
    expect(await runner.drain()).toBe(1);
    expect(received.map((r) => r.to)).toEqual([['never@example.ma']]);
    expect((await emailRow(id)).status).toBe('sent');
  });
});
