import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { recordAudit } from '#src/core/audit';
import { systemContext } from '#src/core/context';
import { queueEmail } from '#src/modules/notifications/mailer';
import { buildTestApp, testDialect, type TestApp } from './helpers/app';
import { buildOrganisation, buildUser, loginAs, type SignedIn } from './helpers/factories';

let t: TestApp;
let admin: SignedIn;
let analyst: SignedIn;
let member: SignedIn;

const get = (who: SignedIn | null, url: string) => t.app.inject({ method: 'GET', url, ...(who ? { cookies: who.cookies } : {}) });

/** The figure next to a label in a card of the dashboard. */
function figure(html: string, card: string, label: string): string | undefined {
  const section = new RegExp(`<h3><a href="[^"]+">${card}</a></h3>[\\s\\S]*?</dl>`).exec(html)?.[0] ?? '';
  return new RegExp(`<dt>${label}</dt><dd>(?:<a href="[^"]+">)?([^<]+)`).exec(section)?.[1];
}

beforeAll(async () => {
  t = await buildTestApp();
  admin = await loginAs(t, await buildUser(t.database, { roles: ['admin'] }));
  analyst = await loginAs(t, await buildUser(t.database, { roles: ['analyst'] }));
  member = await loginAs(t, await buildUser(t.database, { roles: ['org_member'] }));
  await buildUser(t.database, { roles: ['author'], status: 'disabled' });
  await buildOrganisation(t.database, { status: 'suspended' });
  await t.database.db.transaction().execute(async (trx) => {
    await queueEmail(trx, t.clock, { purpose: 'invitation', to: 'a@example.ma', subject: 'A', text: 'a' });
    const failed = await queueEmail(trx, t.clock, { purpose: 'invitation', to: 'b@example.ma', subject: 'B', text: 'b' });
    await trx.updateTable('email_message').set({ status: 'failed' }).where('id', '=', failed).execute();
    await trx.updateTable('job').set({ status: 'dead' }).where('idempotency_key', '=', `email:${failed}`).execute();
    await recordAudit(trx, t.database.dialect, systemContext('dashboard-tester@example.ma'), { action: 'organisation.suspend', entityType: 'organisation', entityId: 'o-9', before: { status: 'active' }, after: { status: 'suspended' } });
  });
});
afterAll(async () => {
  await t.close();
});

describe(`console dashboard (${testDialect})`, () => {
  it('gives administrators figures from the database, what needs attention and the latest changes', async () => {
    const res = await get(admin, '/console?lang=en');
    expect(res.statusCode).toBe(200);
    const users = await t.database.db.selectFrom('user_account').select(['status']).execute();
    const orgs = await t.database.db.selectFrom('organisation').select(['status']).execute();
    expect(figure(res.body, 'User accounts', 'Active')).toBe(String(users.filter((u) => u.status === 'active').length));
    expect(figure(res.body, 'User accounts', 'Disabled')).toBe('1');
    expect(figure(res.body, 'Organisations', 'Active')).toBe(String(orgs.filter((o) => o.status === 'active').length));
    expect(figure(res.body, 'Organisations', 'Suspended')).toBe('1');
    expect(figure(res.body, 'E-mails', 'Queued')).toBe('1');
    expect(figure(res.body, 'E-mails', 'Failed')).toBe('1');
    expect(figure(res.body, 'Background jobs', 'Dead')).toBe('1');
    expect(res.body).toContain('<a href="/console/outbox?status=failed">1 failed e-mail(s)</a>');
    expect(res.body).toContain('<a href="/console/jobs?status=dead">1 dead job(s)</a>');
    expect(res.body).toContain('Latest changes');
    expect(res.body).toContain('dashboard-tester@example.ma');
    expect(res.body).toContain('<code>organisation.suspend</code>');
    for (const href of ['/console/users', '/console/organisations', '/console/vocabularies', '/console/audit', '/console/outbox', '/console/jobs']) {
      expect(res.body).toContain(`<dt><a href="${href}">`);
    }
  });

  it('shows other staff only the sections their roles open', async () => {
    const res = await get(analyst, '/console?lang=en');
    expect(res.statusCode).toBe(200);
    expect(res.body).toContain('Organisations');
    expect(res.body).not.toContain('Latest changes');
    expect(res.body).not.toContain('User accounts');
    expect(res.body).not.toContain('failed e-mail');
    expect(res.body).not.toContain('<dt><a href="/console/audit">');
    expect(res.body).not.toContain('<dt><a href="/console/outbox">');
    expect(res.body).toContain('<dt><a href="/console/organisations">');
  });

  it('refuses constituents (403) and sends visitors to sign in', async () => {
    expect((await get(member, '/console')).statusCode).toBe(403);
    const anonymous = await get(null, '/console');
    expect(anonymous.statusCode).toBe(303);
    expect(anonymous.headers.location).toBe('/login?next=%2Fconsole');
  });

  it('renders in Arabic, right to left', async () => {
    const res = await get(admin, '/console?lang=ar');
    expect(res.body).toContain('<html lang="ar" dir="rtl">');
    expect(res.body).toContain('لوحة القيادة');
  });
});
