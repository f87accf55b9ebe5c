import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import type { TokenScope } from '#src/core/access';
import { hashToken, newId, randomToken } from '#src/core/ids';
import { toDbTime } from '#src/core/time';
import { buildTestApp, type TestApp } from './helpers/app';
import { buildOrganisation, buildUser, loginAs, snapshotCounts, type OrganisationFixture, type UserFixture } from './helpers/factories';

let t: TestApp;
let admin: UserFixture;
let adminToken: string;
let org: OrganisationFixture;

/** Inserts a live API token for a user and returns the bearer value. */
async function tokenFor(user: UserFixture, scopes: TokenScope[]): Promise<string> {
  const bearer = `ribat_${randomToken(24)}`;
  const now = t.clock.now();
  await t.database.db
    .insertInto('api_token')
    .values({ id: newId(), user_id: user.id, name: 'test', prefix: bearer.slice(0, 12), token_hash: hashToken(bearer), scopes: JSON.stringify(scopes), created_at: toDbTime(now), expires_at: toDbTime(new Date(now.getTime() + 86_400_000)), last_used_at: null, revoked_at: null })
    .execute();
  return bearer;
}

function call(method: 'GET' | 'POST' | 'PATCH', url: string, options: { body?: unknown; token?: string; headers?: Record<string, string> } = {}) {
  const headers: Record<string, string> = { authorization: `Bearer ${options.token ?? adminToken}`, ...(options.headers ?? {}) };
  if (options.body !== undefined) headers['content-type'] = 'application/json';
  return t.app.inject({ method, url, headers, ...(options.body === undefined ? {} : { payload: JSON.stringify(options.body) }) });
}

beforeAll(async () => {
  t = await buildTestApp();
  admin = await buildUser(t.database, { roles: ['admin'], email: 'admin@cert.example.ma' });
  adminToken = await tokenFor(admin, ['users:manage']);
  org = await buildOrganisation(t.database);
});
afterAll(async () => {
  await t.close();
});

const userKeys = ['activated', 'createdAt', 'displayName', 'email', 'hasMfa', 'id', 'lastLoginAt', 'locale', 'organisation', 'roles', 'status', 'updatedAt', 'version'];

describe('POST /api/v1/users', () => {
  it('creates a user (201, Location) and answers only declared fields: no hash, secret or counter', async () => {
    const res = await call('POST', '/api/v1/users', { body: { email: 'Api.Staff@Example.ma', displayName: 'Api Staff', roles: ['analyst'], locale: 'en' } });
    expect(res.statusCode, res.body).toBe(201);
    const body = res.json();
    expect(res.headers.location).toBe(`/api/v1/users/${body.id}`);
    expect(Object.keys(body).sort()).toEqual(userKeys);
    expect(body).toMatchObject({ email: 'api.staff@example.ma', displayName: 'Api Staff', roles: ['analyst'], organisation: null, status: 'active', activated: false, hasMfa: false, version: 1 });
    expect(res.body).not.toMatch(/hash|secret|failed/i);
    const mail = await t.database.db.selectFrom('email_message').selectAll().where('to_address', '=', 'api.staff@example.ma').executeTakeFirstOrThrow();
    expect(mail.subject).toBe('Your Ribat account');
    const audit = await t.database.db.selectFrom('audit_event').selectAll().where('entity_id', '=', body.id).execute();
    expect(audit.map((a) => [a.action, a.actor_label])).toEqual([['user.created', 'admin@cert.example.ma (token)']]);
  });

  it('creates an organisation user with the organisation’s names in the answer', async () => {
    const res = await call('POST', '/api/v1/users', { body: { email: 'member@org.example.ma', displayName: 'Member', roles: ['org_manager', 'org_member'], organisationId: org.id } });
    expect(res.statusCode, res.body).toBe(201);
    expect(res.json().organisation).toMatchObject({ id: org.id, name: { fr: org.nameFr } });
    expect(res.json().roles).toEqual(['org_manager', 'org_member']);
  });

  it('replays a retry with the same Idempotency-Key instead of creating twice, and refuses the key for another body', async () => {
    const headers = { 'idempotency-key': 'create-user-0001' };
    const body = { email: 'once@example.ma', displayName: 'Once', roles: ['author'] };
    const first = await call('POST', '/api/v1/users', { body, headers });
    expect(first.statusCode).toBe(201);
    const counts = await snapshotCounts(t.database);
    const retry = await call('POST', '/api/v1/users', { body, headers });
    expect(retry.statusCode).toBe(201);
    expect(retry.json().id).toBe(first.json().id);
    expect(retry.headers['idempotent-replayed']).toBe('true');
    expect(await snapshotCounts(t.database)).toEqual(counts);
    const mails = await t.database.db.selectFrom('email_message').select('id').where('to_address', '=', 'once@example.ma').execute();
    expect(mails).toHaveLength(1);

    const other = await call('POST', '/api/v1/users', { body: { ...body, displayName: 'Twice' }, headers });
    expect(other.statusCode).toBe(422);
    expect(other.json().code).toBe('idempotency_mismatch');
  });

  it('answers problem details naming the field: unknown field, bad role, taken address, rules of roles', async () => {
    const before = await snapshotCounts(t.database);
    const unknown = await call('POST', '/api/v1/users', { body: { email: 'x@example.ma', displayName: 'X', roles: ['analyst'], password: 'nope nope nope' } });
    expect(unknown.statusCode).toBe(400);
    expect(unknown.headers['content-type']).toContain('application/problem+json');
    expect(unknown.json().errors).toContainEqual(expect.objectContaining({ field: 'password', code: 'unknown_field' }));

    const badRole = await call('POST', '/api/v1/users', { body: { email: 'x@example.ma', displayName: 'X', roles: ['root'] } });
    expect(badRole.statusCode).toBe(400);
    expect(badRole.json().errors[0].field).toMatch(/^roles/);

    const taken = await call('POST', '/api/v1/users', { body: { email: 'ADMIN@cert.example.ma', displayName: 'X', roles: ['analyst'] } });
    expect(taken.statusCode).toBe(400);
    expect(taken.json().errors).toEqual([expect.objectContaining({ field: 'email', code: 'email_taken' })]);

    const takenIdempotent = await call('POST', '/api/v1/users', { body: { email: 'admin@cert.example.ma', displayName: 'X', roles: ['analyst'] }, headers: { 'idempotency-key': 'taken-0000001' } });
    expect(takenIdempotent.statusCode).toBe(400);
    expect(takenIdempotent.json().errors).toEqual([expect.objectContaining({ field: 'email', code: 'email_taken' })]);

    const noOrg = await call('POST', '/api/v1/users', { body: { email: 'x@example.ma', displayName: 'X', roles: ['org_member'] } });
    expect(noOrg.json().errors).toContainEqual(expect.objectContaining({ field: 'organisationId', code: 'organisation_required' }));
    const staffOrg = await call('POST', '/api/v1/users', { body: { email: 'x@example.ma', displayName: 'X', roles: ['analyst'], organisationId: org.id } });
    expect(staffOrg.json().errors).toContainEqual(expect.objectContaining({ field: 'organisationId', code: 'organisation_forbidden' }));
    const mixed = await call('POST', '/api/v1/users', { body: { email: 'x@example.ma', displayName: 'X', roles: ['analyst', 'org_member'], organisationId: org.id } });
    expect(mixed.json().errors).toContainEqual(expect.objectContaining({ field: 'roles', code: 'roles_mixed' }));
    const unknownOrg = await call('POST', '/api/v1/users', { body: { email: 'x@example.ma', displayName: 'X', roles: ['org_member'], organisationId: newId() } });
    expect(unknownOrg.json().errors).toContainEqual(expect.objectContaining({ field: 'organisationId', code: 'invalid_choice' }));
    expect(await snapshotCounts(t.database)).toEqual(before);
  });

  it('refuses a token without the users:manage scope', async () => {
    const readOnly = await tokenFor(admin, ['read']);
    const res = await call('POST', '/api/v1/users', { token: readOnly, body: { email: 'y@example.ma', displayName: 'Y', roles: ['analyst'] } });
    expect(res.statusCode).toBe(403);
  });
});

describe('GET /api/v1/users', () => {
  it('filters by text, role, organisation and status', async () => {
    const q = await call('GET', '/api/v1/users?q=API.STAFF');
    expect(q.json().items.map((u: { email: string }) => u.email)).toEqual(['api.staff@example.ma']);
    const byRole = await call('GET', '/api/v1/users?role=org_manager');
    expect(byRole.json().items.map((u: { email: string }) => u.email)).toEqual(['member@org.example.ma']);
    const byOrg = await call('GET', `/api/v1/users?organisationId=${org.id}`);
    expect(byOrg.json().items.every((u: { organisation: { id: string } }) => u.organisation.id === org.id)).toBe(true);
    const disabled = await call('GET', '/api/v1/users?status=disabled');
    expect(disabled.json().items).toEqual([]);
    const badStatus = await call('GET', '/api/v1/users?status=gone');
    expect(badStatus.statusCode).toBe(400);
    expect(badStatus.json().errors[0].field).toBe('status');
  });

  it('pages with a cursor: every user exactly once', async () => {
    for (let i = 0; i < 5; i += 1) await buildUser(t.database, { roles: ['reviewer'] });
    const total = Number((await t.database.db.selectFrom('user_account').select((eb) => eb.fn.countAll<number>().as('n')).executeTakeFirstOrThrow()).n);
    const ids: string[] = [];
    let cursor: string | null = null;
    do {
      const res = await call('GET', `/api/v1/users?limit=2${cursor ? `&cursor=${encodeURIComponent(cursor)}` : ''}`);
      expect(res.statusCode).toBe(200);
      const page = res.json<{ items: { id: string }[]; nextCursor: string | null }>();
      expect(page.items.length).toBeLessThanOrEqual(2);
      ids.push(...page.items.map((u) => u.id));
      cursor = page.nextCursor;
    } while (cursor !== null);
    expect(ids).toHaveLength(total);
    expect(new Set(ids).size).toBe(total);
    const forged = await call('GET', '/api/v1/users?cursor=not-a-cursor');
    expect(forged.statusCode).toBe(400);
    expect(forged.json().errors[0].field).toBe('cursor');
  });

  it('gets one user, or 404 for an unknown id', async () => {
    const ok = await call('GET', `/api/v1/users/${admin.id}`);
    expect(ok.statusCode).toBe(200);
    expect(ok.json()).toMatchObject({ id: admin.id, roles: ['admin'], activated: true });
    expect((await call('GET', `/api/v1/users/${newId()}`)).statusCode).toBe(404);
    expect((await call('GET', '/api/v1/users/not-an-id')).statusCode).toBe(404);
  });
});

describe('PATCH /api/v1/users/:id', () => {
  it('updates with the version read, and answers 409 version_conflict for a stale one without writing', async () => {
    const target = await buildUser(t.database, { roles: ['analyst'], displayName: 'Before' });
    const ok = await call('PATCH', `/api/v1/users/${target.id}`, { body: { displayName: 'After', roles: ['analyst', 'reviewer'], version: 1 } });
    expect(ok.statusCode, ok.body).toBe(200);
    expect(ok.json()).toMatchObject({ displayName: 'After', roles: ['analyst', 'reviewer'], version: 2 });
    const before = await snapshotCounts(t.database);
    const stale = await call('PATCH', `/api/v1/users/${target.id}`, { body: { displayName: 'Lost update', version: 1 } });
    expect(stale.statusCode).toBe(409);
    expect(stale.json().code).toBe('version_conflict');
    expect(await snapshotCounts(t.database)).toEqual(before);
    expect((await call('GET', `/api/v1/users/${target.id}`)).json()).toMatchObject({ displayName: 'After', version: 2 });
  });

  it('requires the version and refuses unknown fields, naming them', async () => {
    const target = await buildUser(t.database, { roles: ['analyst'] });
    const noVersion = await call('PATCH', `/api/v1/users/${target.id}`, { body: { displayName: 'X' } });
    expect(noVersion.statusCode).toBe(400);
    expect(noVersion.json().errors).toContainEqual(expect.objectContaining({ field: 'version', code: 'required' }));
    const extra = await call('PATCH', `/api/v1/users/${target.id}`, { body: { email: 'new@example.ma', version: 1 } });
    expect(extra.statusCode).toBe(400);
    expect(extra.json().errors).toContainEqual(expect.objectContaining({ field: 'email', code: 'unknown_field' }));
  });

  it('moves a user to an organisation with organisation roles in one change', async () => {
    const target = await buildUser(t.database, { roles: ['analyst'] });
    const res = await call('PATCH', `/api/v1/users/${target.id}`, { body: { roles: ['org_member'], organisationId: org.id, version: 1 } });
    expect(res.statusCode, res.body).toBe(200);
    expect(res.json().organisation.id).toBe(org.id);
    const half = await call('PATCH', `/api/v1/users/${target.id}`, { body: { organisationId: null, version: 2 } });
    expect(half.statusCode).toBe(400);
    expect(half.json().errors).toContainEqual(expect.objectContaining({ field: 'organisationId', code: 'organisation_required' }));
  });

  it('keeps at least one active administrator and refuses self-demotion', async () => {
    const self = await call('PATCH', `/api/v1/users/${admin.id}`, { body: { roles: ['analyst'], version: 1 } });
    expect(self.statusCode).toBe(400);
    expect(self.json().errors).toContainEqual(expect.objectContaining({ field: 'roles', code: 'cannot_remove_own_admin' }));
    const second = await buildUser(t.database, { roles: ['admin'] });
    const demote = await call('PATCH', `/api/v1/users/${second.id}`, { body: { roles: ['coordinator'], version: 1 } });
    expect(demote.statusCode, demote.body).toBe(200);
    expect(demote.json().roles).toEqual(['coordinator']);
  });
});

describe('disable and enable', () => {
  it('disables a user, revoking their sessions and tokens, then enables them again', async () => {
    const target = await buildUser(t.database, { roles: ['author'] });
    await loginAs(t, target);
    const targetToken = await tokenFor(target, ['read']);
    const res = await call('POST', `/api/v1/users/${target.id}/disable`);
    expect(res.statusCode, res.body).toBe(200);
    expect(res.json()).toMatchObject({ status: 'disabled', version: 2 });
    const live = await t.database.db.selectFrom('session').select('id').where('user_id', '=', target.id).where('revoked_at', 'is', null).execute();
    expect(live).toEqual([]);
    expect((await call('GET', '/api/v1/users', { token: targetToken })).statusCode).toBe(401);
    const again = await call('POST', `/api/v1/users/${target.id}/disable`);
    expect(again.json().version).toBe(2);
    const enabled = await call('POST', `/api/v1/users/${target.id}/enable`);
    expect(enabled.json()).toMatchObject({ status: 'active', version: 3 });
  });

  it('refuses to disable oneself with 409 and the reason', async () => {
    const res = await call('POST', `/api/v1/users/${admin.id}/disable`);
    expect(res.statusCode).toBe(409);
    expect(res.json()).toMatchObject({ code: 'conflict', errors: [expect.objectContaining({ field: 'status', code: 'cannot_disable_self' })] });
  });
});

describe('OpenAPI', () => {
  it('documents the users operations under the "users" tag', async () => {
    const doc = (await t.app.inject({ method: 'GET', url: '/api/openapi.json' })).json<{ paths: Record<string, Record<string, { tags?: string[] }>> }>();
    for (const [path, method] of [
      ['/api/v1/users', 'get'],
      ['/api/v1/users', 'post'],
      ['/api/v1/users/{id}', 'get'],
      ['/api/v1/users/{id}', 'patch'],
      ['/api/v1/users/{id}/disable', 'post'],
      ['/api/v1/users/{id}/enable', 'post'],
    ] as const) {
      expect(doc.paths[path]?.[method]?.tags, `${method} ${path}`).toEqual(['users']);
    }
    expect(JSON.stringify(doc.paths)).not.toMatch(/"(password_?hash|mfa_?secret|failed_?login_?count)"/i);
    expect(JSON.stringify(doc.paths['/api/v1/users']?.get)).toContain('"activated"');
  });
});
