/**
 * Organisation managers manage their own organisation's users and nobody else's: the scope is applied in SQL,
 * anything outside it is answered 404 (never 403) and leaves the database unchanged.
 */
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { buildTestApp, type TestApp } from './helpers/app';
import { anonymousBrowser, buildOrganisation, buildUser, form, loginAs, snapshotCounts, type OrganisationFixture, type SignedIn, type UserFixture } from './helpers/factories';

let t: TestApp;
let orgA: OrganisationFixture;
let orgB: OrganisationFixture;
let managerA: UserFixture;
let memberA: UserFixture;
let memberB: UserFixture;
let managerB: UserFixture;
let staff: UserFixture;
let admin: UserFixture;
let asManagerA: SignedIn;

beforeAll(async () => {
  t = await buildTestApp();
  orgA = await buildOrganisation(t.database, { nameFr: 'Organisation Alpha' });
  orgB = await buildOrganisation(t.database, { nameFr: 'Organisation Beta' });
  managerA = await buildUser(t.database, { roles: ['org_manager'], organisationId: orgA.id, email: 'manager.a@alpha.example.ma' });
  memberA = await buildUser(t.database, { roles: ['org_member'], organisationId: orgA.id, email: 'member.a@alpha.example.ma' });
  managerB = await buildUser(t.database, { roles: ['org_manager'], organisationId: orgB.id, email: 'manager.b@beta.example.ma' });
  memberB = await buildUser(t.database, { roles: ['org_member'], organisationId: orgB.id, email: 'member.b@beta.example.ma' });
  staff = await buildUser(t.database, { roles: ['analyst'], email: 'analyst@cert.example.ma' });
  admin = await buildUser(t.database, { roles: ['admin'], email: 'admin@cert.example.ma' });
  asManagerA = await loginAs(t, managerA);
});
afterAll(async () => {
  await t.close();
});

function post(who: SignedIn, url: string, fields: Record<string, string | string[]>) {
  return t.app.inject({ method: 'POST', url, cookies: who.cookies, ...form(fields, who.csrf) });
}

function api(who: SignedIn, method: 'GET' | 'POST' | 'PATCH', url: string, body?: unknown) {
  return t.app.inject({
    method,
    url,
    cookies: who.cookies,
    headers: { 'x-csrf-token': who.csrf, ...(body === undefined ? {} : { 'content-type': 'application/json' }) },
    ...(body === undefined ? {} : { payload: JSON.stringify(body) }),
  });
}

async function userRow(id: string) {
  const row = await t.database.db.selectFrom('user_account').selectAll().where('id', '=', id).executeTakeFirstOrThrow();
  const roles = await t.database.db.selectFrom('user_role').select('role').where('user_id', '=', id).orderBy('role').execute();
  return { ...row, roles: roles.map((r) => r.role) };
}

describe('what an organisation manager sees', () => {
  it('lists only the users of their own organisation in the console', async () => {
    const res = await t.app.inject({ method: 'GET', url: '/console/users', cookies: asManagerA.cookies });
    expect(res.statusCode).toBe(200);
    expect(res.body).toContain(managerA.email);
    expect(res.body).toContain(memberA.email);
    for (const outsider of [managerB, memberB, staff, admin]) expect(res.body).not.toContain(outsider.email);
    // No organisation filter and no staff role to filter on: they could only reveal other organisations.
    expect(res.body).not.toContain('name="organisationId"');
    expect(res.body).not.toContain('value="analyst"');
  });

  it('cannot widen the list with filters', async () => {
    const byOrg = await t.app.inject({ method: 'GET', url: `/console/users?organisationId=${orgB.id}&q=beta`, cookies: asManagerA.cookies });
    expect(byOrg.body).not.toContain(memberB.email);
    const apiByOrg = await api(asManagerA, 'GET', `/api/v1/users?organisationId=${orgB.id}`);
    expect(apiByOrg.statusCode).toBe(200);
    expect(apiByOrg.json().items).toEqual([]);
    const byRole = await api(asManagerA, 'GET', '/api/v1/users?role=admin');
    expect(byRole.json().items).toEqual([]);
  });

  it('filters in SQL: one-item pages walk exactly their organisation, with no empty or short page', async () => {
    const seen: string[] = [];
    let cursor: string | null = null;
    for (let i = 0; i < 10; i += 1) {
      const url: string = `/api/v1/users?limit=1${cursor ? `&cursor=${encodeURIComponent(cursor)}` : ''}`;
      const res = await api(asManagerA, 'GET', url);
      expect(res.statusCode).toBe(200);
      const body = res.json<{ items: { id: string; organisation: { id: string } | null }[]; nextCursor: string | null }>();
      expect(body.items).toHaveLength(1);
      for (const item of body.items) {
        expect(item.organisation?.id).toBe(orgA.id);
        seen.push(item.id);
      }
      cursor = body.nextCursor;
      if (cursor === null) break;
    }
    expect(seen.sort()).toEqual([managerA.id, memberA.id].sort());
  });

  it('gets 404 (not 403) for another organisation’s user, on pages and API, and nothing changes', async () => {
    const before = await snapshotCounts(t.database);
    const rowBefore = await userRow(memberB.id);
    const page = await t.app.inject({ method: 'GET', url: `/console/users/${memberB.id}`, cookies: asManagerA.cookies });
    expect(page.statusCode).toBe(404);
    expect(page.body).not.toContain(memberB.email);
    const staffPage = await t.app.inject({ method: 'GET', url: `/console/users/${staff.id}`, cookies: asManagerA.cookies });
    expect(staffPage.statusCode).toBe(404);

    const apiGet = await api(asManagerA, 'GET', `/api/v1/users/${memberB.id}`);
    expect(apiGet.statusCode).toBe(404);
    expect(apiGet.headers['content-type']).toContain('application/problem+json');
    expect(apiGet.json().code).toBe('not_found');

    const edit = await post(asManagerA, `/console/users/${memberB.id}`, { displayName: 'Hijacked', roles: ['org_member'], version: '1' });
    expect(edit.statusCode).toBe(404);
    for (const action of ['disable', 'enable', 'resend-invitation']) {
      expect((await post(asManagerA, `/console/users/${memberB.id}/${action}`, {})).statusCode, action).toBe(404);
    }
    expect((await api(asManagerA, 'PATCH', `/api/v1/users/${memberB.id}`, { displayName: 'Hijacked', version: 1 })).statusCode).toBe(404);
    expect((await api(asManagerA, 'POST', `/api/v1/users/${memberB.id}/disable`)).statusCode).toBe(404);
    expect((await api(asManagerA, 'POST', `/api/v1/users/${admin.id}/disable`)).statusCode).toBe(404);

    expect(await snapshotCounts(t.database)).toEqual(before);
    expect(await userRow(memberB.id)).toEqual(rowBefore);
  });
});

describe('what an organisation manager may do', () => {
  it('creates organisation users, always in their own organisation', async () => {
    const res = await post(asManagerA, '/console/users/new', { email: 'new.member@alpha.example.ma', displayName: 'New Member', roles: ['org_member'], organisationId: orgB.id, locale: 'fr' });
    expect(res.statusCode, res.body).toBe(303);
    const row = await t.database.db.selectFrom('user_account').selectAll().where('email', '=', 'new.member@alpha.example.ma').executeTakeFirstOrThrow();
    // The submitted organisation is not a choice a manager has: the account lands in theirs.
    expect(row.organisation_id).toBe(orgA.id);
    const mail = await t.database.db.selectFrom('email_message').selectAll().where('to_address', '=', 'new.member@alpha.example.ma').executeTakeFirstOrThrow();
    expect(mail.text_body).toContain('/activate/');
  });

  it('shows the fixed organisation instead of a choice in the creation form', async () => {
    const res = await t.app.inject({ method: 'GET', url: '/console/users/new', cookies: asManagerA.cookies });
    expect(res.statusCode).toBe(200);
    expect(res.body).toContain('Organisation Alpha');
    expect(res.body).not.toContain('Organisation Beta');
    expect(res.body).not.toContain('value="admin"');
    expect(res.body).toContain('value="org_manager"');
  });

  it('cannot grant a staff role (field error) or place a user in another organisation through the API', async () => {
    const before = await snapshotCounts(t.database);
    const page = await post(asManagerA, '/console/users/new', { email: 'sneaky@alpha.example.ma', displayName: 'Sneaky', roles: ['admin'], locale: 'fr' });
    expect(page.statusCode).toBe(400);
    expect(page.body).toContain('Vous ne pouvez pas attribuer ce rôle.');

    const viaApi = await api(asManagerA, 'POST', '/api/v1/users', { email: 'sneaky@alpha.example.ma', displayName: 'Sneaky', roles: ['analyst'] });
    expect(viaApi.statusCode).toBe(400);
    expect(viaApi.json().errors).toContainEqual(expect.objectContaining({ field: 'roles', code: 'role_forbidden' }));

    const otherOrg = await api(asManagerA, 'POST', '/api/v1/users', { email: 'sneaky@alpha.example.ma', displayName: 'Sneaky', roles: ['org_member'], organisationId: orgB.id });
    expect(otherOrg.statusCode).toBe(400);
    expect(otherOrg.json().errors).toContainEqual(expect.objectContaining({ field: 'organisationId', code: 'invalid_choice' }));
    expect(await snapshotCounts(t.database)).toEqual(before);
  });

  it('edits users of their organisation but cannot promote them to staff or move them away', async () => {
    const promoted = await post(asManagerA, `/console/users/${memberA.id}`, { displayName: 'Member A', roles: ['org_manager'], version: '1' });
    expect(promoted.statusCode, promoted.body).toBe(303);
    expect((await userRow(memberA.id)).roles).toEqual(['org_manager']);

    const rowBefore = await userRow(memberA.id);
    const before = await snapshotCounts(t.database);
    const toStaff = await post(asManagerA, `/console/users/${memberA.id}`, { displayName: 'Member A', roles: ['admin'], version: String(rowBefore.version) });
    expect(toStaff.statusCode).toBe(400);
    expect(toStaff.body).toContain('Vous ne pouvez pas attribuer ce rôle.');
    const away = await api(asManagerA, 'PATCH', `/api/v1/users/${memberA.id}`, { organisationId: orgB.id, version: Number(rowBefore.version) });
    expect(away.statusCode).toBe(400);
    expect(away.json().errors).toContainEqual(expect.objectContaining({ field: 'organisationId' }));
    expect(await userRow(memberA.id)).toEqual(rowBefore);
    expect(await snapshotCounts(t.database)).toEqual(before);
  });

  it('disables a member of their organisation', async () => {
    const victim = await buildUser(t.database, { roles: ['org_member'], organisationId: orgA.id });
    const res = await post(asManagerA, `/console/users/${victim.id}/disable`, {});
    expect(res.statusCode).toBe(303);
    expect((await userRow(victim.id)).status).toBe('disabled');
  });
});

describe('who may not manage users at all', () => {
  it('refuses organisation members and non-admin staff with 403, on pages and API, changing nothing', async () => {
    const before = await snapshotCounts(t.database);
    for (const who of [memberB, staff]) {
      const browser = await loginAs(t, who);
      const after = await snapshotCounts(t.database);
      expect((await t.app.inject({ method: 'GET', url: '/console/users', cookies: browser.cookies })).statusCode).toBe(403);
      expect((await t.app.inject({ method: 'GET', url: '/console/users/new', cookies: browser.cookies })).statusCode).toBe(403);
      expect((await post(browser, '/console/users/new', { email: 'x@example.ma', displayName: 'X', roles: ['org_member'] })).statusCode).toBe(403);
      const list = await api(browser, 'GET', '/api/v1/users');
      expect(list.statusCode).toBe(403);
      expect(list.headers['content-type']).toContain('application/problem+json');
      expect((await api(browser, 'POST', '/api/v1/users', { email: 'x@example.ma', displayName: 'X', roles: ['org_member'] })).statusCode).toBe(403);
      expect((await api(browser, 'POST', `/api/v1/users/${memberA.id}/disable`)).statusCode).toBe(403);
      expect(await snapshotCounts(t.database)).toEqual(after);
    }
    expect((await snapshotCounts(t.database)).user_account).toBe(before.user_account);
  });

  it('sends anonymous visitors to the sign-in page (pages) or answers 401 (API)', async () => {
    const anon = anonymousBrowser(t);
    const page = await t.app.inject({ method: 'GET', url: '/console/users', cookies: anon.cookies });
    expect(page.statusCode).toBe(303);
    expect(page.headers.location).toMatch(/^\/login\?next=/);
    expect((await t.app.inject({ method: 'GET', url: '/api/v1/users' })).statusCode).toBe(401);
  });
});
