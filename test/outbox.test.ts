import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { JobRunner } from '#src/core/jobs/queue';
import { jobDefinitions, type JobDeps } from '#src/jobs';
import { queueEmail } from '#src/modules/notifications/mailer';
import { buildTestApp, testDialect, type TestApp } from './helpers/app';
import { buildUser, form, loginAs, type SignedIn } from './helpers/factories';

let t: TestApp;
let admin: SignedIn;
let analyst: SignedIn;
let member: SignedIn;
let runner: JobRunner<JobDeps>;

const evilHtml = '<p>Bonjour</p><img src=x onerror="alert(1)"><script>steal()</script>';

async function queue(to: string, subject: string, purpose = 'password-reset'): Promise<string> {
  return t.database.db.transaction().execute((trx) => queueEmail(trx, t.clock, { purpose, to, subject, text: `Hello ${to},\n\nOpen https://ribat.example/reset/abc`, html: evilHtml, headers: { 'X-Ribat-Test': 'yes' } }));
}

const get = (who: SignedIn | null, url: string) => t.app.inject({ method: 'GET', url, ...(who ? { cookies: who.cookies } : {}) });

beforeAll(async () => {
  t = await buildTestApp();
  runner = new JobRunner<JobDeps>({ db: t.database.db, dialect: t.database.dialect, definitions: jobDefinitions, deps: { config: t.config, database: t.database, logger: t.services.logger, clock: t.clock }, logger: t.services.logger, clock: t.clock, pollMs: 1000 });
  admin = await loginAs(t, await buildUser(t.database, { roles: ['admin'] }));
  analyst = await loginAs(t, await buildUser(t.database, { roles: ['analyst'] }));
  member = await loginAs(t, await buildUser(t.database, { roles: ['org_member'] }));
});
afterAll(async () => {
  await t.close();
});

describe(`outbox without SMTP (${testDialect})`, () => {
  it('keeps e-mails in the outbox when no SMTP server is configured, and says so', async () => {
    const id = await queue('reset-me@example.ma', 'Réinitialisation du mot de passe');
    expect(await runner.drain()).toBe(1);
    const row = await t.database.db.selectFrom('email_message').selectAll().where('id', '=', id).executeTakeFirstOrThrow();
    expect(row.status).toBe('kept');
    expect(Number(row.attempts)).toBe(1);

    const res = await get(admin, '/console/outbox');
    expect(res.statusCode).toBe(200);
    expect(res.body).toContain('RIBAT_SMTP_URL');
    expect(res.body).toContain('reset-me@example.ma');
    expect(res.body).toContain(`href="/console/outbox/${id}"`);
    expect(res.body).toContain('<span class="badge">Conservé</span>');
    expect(res.body).toContain('password-reset');
  });

  it('shows a message with its text in a <pre> and its HTML only as escaped source', async () => {
    const id = await queue('reader@example.ma', 'Invitation');
    const res = await get(admin, `/console/outbox/${id}`);
    expect(res.statusCode).toBe(200);
    expect(res.body).toContain('<pre>Hello reader@example.ma,\n\nOpen https://ribat.example/reset/abc</pre>');
    expect(res.body).toContain('<details><summary>');
    expect(res.body).toContain('&lt;p>Bonjour&lt;/p>&lt;img src=x onerror=&quot;alert(1)&quot;>&lt;script>steal()&lt;/script>');
    expect(res.body).not.toContain('<script>steal()');
    expect(res.body).not.toContain('<img src=x');
    expect(res.body).toContain('X-Ribat-Test');
  });

  it('filters by status and recipient and paginates newest first', async () => {
    await queue('alpha@example.ma', 'A1');
    await queue('alpha@example.ma', 'A2');
    await queue('beta@example.ma', 'B1');
    const alpha = await get(admin, '/console/outbox?recipient=ALPHA');
    expect([...alpha.body.matchAll(/<a href="\/console\/outbox\/[^"]+">(A\d)<\/a>/g)].map((m) => m[1])).toEqual(['A2', 'A1']);
    const kept = await get(admin, '/console/outbox?status=kept');
    expect(kept.body).toContain('reset-me@example.ma');
    expect(kept.body).not.toContain('beta@example.ma');
    const page1 = await get(admin, '/console/outbox?limit=2');
    const subjects1 = [...page1.body.matchAll(/<a href="\/console\/outbox\/[^"]+">([^<]+)<\/a>/g)].map((m) => m[1]);
    expect(subjects1).toEqual(['B1', 'A2']);
    const next = /href="(\/console\/outbox\?[^"]*cursor=[^"]+)"/.exec(page1.body)?.[1]?.replace(/&amp;/g, '&') ?? '';
    const page2 = await get(admin, `${next}&limit=2`);
    expect([...page2.body.matchAll(/<a href="\/console\/outbox\/[^"]+">([^<]+)<\/a>/g)].map((m) => m[1])).toEqual(['A1', 'Invitation']);
    expect((await get(admin, '/console/outbox?status=bogus')).statusCode).toBe(400);
  });

  it('re-queues a failed e-mail with a new job, audited; other states cannot be retried', async () => {
    const id = await queue('failed@example.ma', 'Will fail');
    // As the job runner leaves it after the last attempt: the message failed, its delivery job dead.
    await t.database.db.updateTable('email_message').set({ status: 'failed', last_error: '550 mailbox unavailable', attempts: 8 }).where('id', '=', id).execute();
    await t.database.db.updateTable('job').set({ status: 'dead', attempts: 8 }).where('idempotency_key', '=', `email:${id}`).execute();
    const page = await get(admin, `/console/outbox/${id}`);
    expect(page.body).toContain(`action="/console/outbox/${id}/retry"`);
    expect(page.body).toContain('550 mailbox unavailable');

    const jobsBefore = await t.database.db.selectFrom('job').select('id').execute();
    const res = await t.app.inject({ method: 'POST', url: `/console/outbox/${id}/retry`, cookies: admin.cookies, ...form({}, admin.csrf) });
    expect(res.statusCode).toBe(303);
    expect(res.headers.location).toBe(`/console/outbox/${id}?notice=retried`);
    const row = await t.database.db.selectFrom('email_message').select('status').where('id', '=', id).executeTakeFirstOrThrow();
    expect(row.status).toBe('queued');
    const jobsAfter = await t.database.db.selectFrom('job').select(['id', 'payload', 'status']).execute();
    expect(jobsAfter.length).toBe(jobsBefore.length + 1);
    expect(jobsAfter.filter((j) => j.payload.includes(id) && j.status === 'pending')).toHaveLength(1);
    const audit = await t.database.db.selectFrom('audit_event').selectAll().where('action', '=', 'email.retry').where('entity_id', '=', id).executeTakeFirstOrThrow();
    expect(JSON.parse(audit.before_data ?? '{}')).toMatchObject({ status: 'failed' });
    expect(JSON.parse(audit.after_data ?? '{}')).toMatchObject({ status: 'queued' });
    const notice = await get(admin, res.headers.location as string);
    expect(notice.body).toContain("Le message a été remis dans la file d'envoi.");

    const again = await t.app.inject({ method: 'POST', url: `/console/outbox/${id}/retry`, cookies: admin.cookies, ...form({}, admin.csrf) });
    expect(again.statusCode).toBe(409);
    expect(again.body).toContain('Seul un message en échec peut être relancé.');

    const noCsrf = await t.app.inject({ method: 'POST', url: `/console/outbox/${id}/retry`, cookies: admin.cookies, payload: '', headers: { 'content-type': 'application/x-www-form-urlencoded' } });
    expect(noCsrf.statusCode).toBe(403);
    const byAnalyst = await t.app.inject({ method: 'POST', url: `/console/outbox/${id}/retry`, cookies: analyst.cookies, ...form({}, analyst.csrf) });
    expect(byAnalyst.statusCode).toBe(403);
  });

  it('lists background jobs with a status filter', async () => {
    const all = await get(admin, '/console/jobs');
    expect(all.statusCode).toBe(200);
    expect(all.body).toContain('<code>email.send</code>');
    expect(all.body).toContain('Terminée');
    expect(all.body).toContain('En attente');
    const pending = await get(admin, '/console/jobs?status=pending');
    expect(pending.body).toContain('En attente');
    expect(pending.body).not.toContain('<span class="status--active">Terminée</span>');
  });

  it('answers 404 for an unknown e-mail and 400 for a malformed id', async () => {
    expect((await get(admin, '/console/outbox/0190f0f0-0000-7000-8000-000000000000')).statusCode).toBe(404);
    expect((await get(admin, '/console/outbox/not-an-id')).statusCode).toBe(400);
  });

  it('is for holders of outbox:read only', async () => {
    for (const url of ['/console/outbox', '/console/jobs', '/api/v1/emails']) {
      expect((await get(analyst, url)).statusCode).toBe(403);
      expect((await get(member, url)).statusCode).toBe(403);
    }
    expect((await get(null, '/console/outbox')).statusCode).toBe(303);
    expect((await get(null, '/api/v1/emails')).statusCode).toBe(401);
  });
});

describe(`outbox API (${testDialect})`, () => {
  it('lists e-mails without bodies and returns one with its bodies', async () => {
    const list = await get(admin, '/api/v1/emails?limit=2&recipient=alpha');
    expect(list.statusCode).toBe(200);
    const body = list.json();
    expect(body.items).toHaveLength(2);
    expect(body.items[0]).toMatchObject({ to: 'alpha@example.ma', subject: 'A2', status: 'queued', attempts: 0, sentAt: null });
    expect(body.items[0].text).toBeUndefined();
    const one = await get(admin, `/api/v1/emails/${body.items[0].id}`);
    expect(one.json()).toMatchObject({ subject: 'A2', html: evilHtml, headers: { 'X-Ribat-Test': 'yes' } });
    expect(one.json().text).toContain('Hello alpha@example.ma');
    expect((await get(admin, '/api/v1/emails/0190f0f0-0000-7000-8000-000000000000')).statusCode).toBe(404);
    expect((await get(admin, '/api/v1/emails?status=kept')).json().items.every((e: { status: string }) => e.status === 'kept')).toBe(true);
  });
});
