import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { newId } from '#src/core/ids';
import { toDbTime } from '#src/core/time';
import { buildTestApp, type TestApp } from './helpers/app';
import { buildOrganisation, buildUser, form, loginAs, snapshotCounts, type UserFixture } from './helpers/factories';

let t: TestApp;
let admin: UserFixture;
beforeAll(async () => {
  t = await buildTestApp();
  admin = await buildUser(t.database, { roles: ['admin'], mfaSecret: 'sealed-secret-placeholder-for-admin' });
});
afterAll(async () => {
  await t.close();
});

async function withRecoveryCodes(user: UserFixture): Promise<void> {
  const now = toDbTime(t.clock.now());
  for (let i = 0; i < 3; i++) await t.database.db.insertInto('recovery_code').values({ id: newId(), user_id: user.id, code_hash: `hash-${user.id}-${i}`, created_at: now, used_at: null }).execute();
}

describe('resetting a user’s two-factor authentication', () => {
  it('lets an administrator remove the authenticator and recovery codes, ending the user’s sessions, audited', async () => {
    const analyst = await buildUser(t.database, { roles: ['analyst'], mfaSecret: 'sealed-secret-of-the-analyst' });
    await withRecoveryCodes(analyst);
    const analystSession = await loginAs(t, analyst);
    const browser = await loginAs(t, admin);
    const res = await t.app.inject({ method: 'POST', url: `/console/users/${analyst.id}/reset-mfa`, cookies: browser.cookies, ...form({}, browser.csrf) });
    expect(res.statusCode).toBe(303);
    expect(res.headers.location).toBe(`/console/users/${analyst.id}?done=mfa_reset`);
    const row = await t.database.db.selectFrom('user_account').select(['mfa_secret', 'mfa_enabled_at']).where('id', '=', analyst.id).executeTakeFirstOrThrow();
    expect(row).toEqual({ mfa_secret: null, mfa_enabled_at: null });
    expect(await t.database.db.selectFrom('recovery_code').select('id').where('user_id', '=', analyst.id).execute()).toEqual([]);
    const session = await t.database.db.selectFrom('session').select('revoked_at').where('id', '=', analystSession.sessionId).executeTakeFirstOrThrow();
    expect(session.revoked_at).not.toBeNull();
    const audit = await t.database.db.selectFrom('audit_event').selectAll().where('action', '=', 'user.mfa_reset').where('entity_id', '=', analyst.id).executeTakeFirstOrThrow();
    expect(audit.actor_id).toBe(admin.id);
    expect(audit.after_data).not.toContain('sealed-secret');
    // At the next sign-in the analyst, as staff, must enrol again.
    const page = await t.app.inject({ method: 'GET', url: `/console/users/${analyst.id}?done=mfa_reset`, cookies: browser.cookies });
    expect(page.body).toContain('réinitialisée');
  });

  it('is scoped: an organisation manager resets only their own organisation’s members, others get 404 and nothing changes', async () => {
    const org = await buildOrganisation(t.database);
    const other = await buildOrganisation(t.database);
    const manager = await buildUser(t.database, { roles: ['org_manager'], organisationId: org.id });
    const member = await buildUser(t.database, { roles: ['org_member'], organisationId: org.id, mfaSecret: 'sealed-member' });
    const stranger = await buildUser(t.database, { roles: ['org_member'], organisationId: other.id, mfaSecret: 'sealed-stranger' });
    const browser = await loginAs(t, manager);
    const before = await snapshotCounts(t.database);
    const refused = await t.app.inject({ method: 'POST', url: `/console/users/${stranger.id}/reset-mfa`, cookies: browser.cookies, ...form({}, browser.csrf) });
    expect(refused.statusCode).toBe(404);
    const strangerRow = await t.database.db.selectFrom('user_account').select('mfa_secret').where('id', '=', stranger.id).executeTakeFirstOrThrow();
    expect(strangerRow.mfa_secret).toBe('sealed-stranger');
    expect(await snapshotCounts(t.database)).toEqual(before);
    const ok = await t.app.inject({ method: 'POST', url: `/console/users/${member.id}/reset-mfa`, cookies: browser.cookies, ...form({}, browser.csrf) });
    expect(ok.statusCode).toBe(303);
  });

  it('is refused on one’s own account (that goes through the account page, with the password)', async () => {
    const browser = await loginAs(t, admin);
    const res = await t.app.inject({ method: 'POST', url: `/api/v1/users/${admin.id}/reset-mfa`, cookies: browser.cookies, headers: { 'x-csrf-token': browser.csrf } });
    expect(res.statusCode).toBe(400);
    expect(res.json().errors[0].field).toBe('mfa');
    const row = await t.database.db.selectFrom('user_account').select('mfa_secret').where('id', '=', admin.id).executeTakeFirstOrThrow();
    expect(row.mfa_secret).not.toBeNull();
  });
});

describe('ribat user reset-mfa', () => {
  it('resets a user found by e-mail and names --email for an unknown address', async () => {
    const { main } = await import('#src/cli/main');
    const { openCliTestEnvironment } = await import('./helpers/app');
    const cli = await openCliTestEnvironment();
    try {
      const target = await buildUser(cli.database, { roles: ['analyst'], mfaSecret: 'sealed-secret-cli' });
      const out: string[] = [];
      const err: string[] = [];
      const io = { out: (l: string) => out.push(l), err: (l: string) => err.push(l), readStdin: async () => '', env: cli.env };
      expect(await main(['node', 'ribat', 'user', 'reset-mfa', '--email', target.email], io)).toBe(0);
      const row = await cli.database.db.selectFrom('user_account').select('mfa_secret').where('id', '=', target.id).executeTakeFirstOrThrow();
      expect(row.mfa_secret).toBeNull();
      const audit = await cli.database.db.selectFrom('audit_event').select('actor_label').where('action', '=', 'user.mfa_reset').executeTakeFirstOrThrow();
      expect(audit.actor_label).toBe('cli');
      expect(await main(['node', 'ribat', 'user', 'reset-mfa', '--email', 'nobody@example.ma'], io)).toBe(1);
      expect(err.join('\n')).toContain('--email');
    } finally {
      await cli.close();
    }
  });
});
