import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { hashToken } from '#src/core/ids';
import { buildTestApp, type TestApp } from './helpers/app';
import { buildUser, form, loginAs, snapshotCounts, type SignedIn, type UserFixture } from './helpers/factories';

let t: TestApp;
beforeAll(async () => {
  t = await buildTestApp();
});
afterAll(async () => {
  await t.close();
});

const tokenPattern = /ribat_[a-z0-9]{8}_[A-Za-z0-9_-]{43}/;
const day = 24 * 3600 * 1000;

async function postForm(url: string, browser: SignedIn, fields: Record<string, string | string[]>) {
  const body = form(fields, browser.csrf);
  return t.app.inject({ method: 'POST', url, cookies: browser.cookies, payload: body.payload, headers: body.headers });
}

/** Creates a token through the account page and returns its text, as the user copies it from the page. */
async function createTokenViaPage(browser: SignedIn, fields: { name: string; scopes: string[]; expiresInDays?: string }): Promise<string> {
  const res = await postForm('/account/tokens', browser, { name: fields.name, scopes: fields.scopes, expiresInDays: fields.expiresInDays ?? '30' });
  expect(res.statusCode).toBe(200);
  const match = /<code class="token-once" id="token-value">([^<]+)<\/code>/.exec(res.body);
  expect(match?.[1]).toMatch(tokenPattern);
  return match?.[1] as string;
}

function bearer(token: string): Record<string, string> {
  return { authorization: `Bearer ${token}` };
}

/** Every text stored in every table, to prove a secret was never written anywhere. */
async function wholeDatabaseText(): Promise<string> {
  const tables = ['user_account', 'user_role', 'session', 'api_token', 'audit_event', 'idempotency_record', 'job', 'email_message', 'one_time_token'] as const;
  const parts: string[] = [];
  for (const table of tables) parts.push(JSON.stringify(await t.database.db.selectFrom(table).selectAll().execute()));
  return parts.join('\n');
}

describe('creating a token in the account pages', () => {
  it('shows the token once with a copy button and a warning, stores only its hash and prefix', async () => {
    const user = await buildUser(t.database, { roles: ['analyst'] });
    const browser = await loginAs(t, user);
    const res = await postForm('/account/tokens', browser, { name: 'SIEM export', scopes: ['read'], expiresInDays: '30' });
    expect(res.statusCode).toBe(200);
    expect(res.headers['cache-control']).toBe('no-store');
    expect(res.body).toContain('<button type="button" class="button button--secondary" data-copy="token-value" hidden>');
    expect(res.body).toContain('il ne sera plus jamais affiché');
    const token = /<code class="token-once" id="token-value">([^<]+)<\/code>/.exec(res.body)?.[1] as string;
    expect(token).toMatch(new RegExp(`^${tokenPattern.source}$`));

    const row = await t.database.db.selectFrom('api_token').selectAll().where('user_id', '=', user.id).executeTakeFirstOrThrow();
    expect(row.token_hash).toBe(hashToken(token));
    expect(row.prefix).toBe(token.slice(0, 'ribat_'.length + 8));
    expect(JSON.parse(row.scopes)).toEqual(['read']);
    const days = (new Date(row.expires_at).getTime() - new Date(row.created_at).getTime()) / day;
    expect(days).toBe(30);
    const secretPart = token.slice(15);
    const everything = await wholeDatabaseText();
    expect(everything).not.toContain(token);
    expect(everything).not.toContain(secretPart);

    const audit = await t.database.db.selectFrom('audit_event').selectAll().where('action', '=', 'api_token.created').where('entity_id', '=', row.id).executeTakeFirstOrThrow();
    expect(audit.actor_id).toBe(user.id);
    expect(JSON.parse(audit.after_data ?? '{}')).toMatchObject({ name: 'SIEM export', scopes: ['read'], prefix: row.prefix });

    // Never retrievable again: the list shows the prefix, never the token.
    const list = await t.app.inject({ method: 'GET', url: '/account/tokens', cookies: browser.cookies });
    expect(list.body).not.toContain(token);
    expect(list.body).not.toContain('token-once');
    expect(list.body).toContain(`${row.prefix}…`);
    expect(list.body).toContain('SIEM export');
    expect(list.body).toContain('Actif');
    const api = await t.app.inject({ method: 'GET', url: '/api/v1/tokens', headers: bearer(token) });
    expect(api.body).not.toContain(token);
    expect(api.body).not.toContain(row.token_hash);
    expect(Object.keys(api.json().items[0]).sort()).toEqual(['createdAt', 'expiresAt', 'id', 'lastUsedAt', 'name', 'prefix', 'revokedAt', 'scopes', 'status']);
  });

  it('offers only the scopes the user’s roles can use and refuses any other', async () => {
    const analyst = await buildUser(t.database, { roles: ['analyst'] });
    const admin = await buildUser(t.database, { roles: ['admin'] });
    const analystPage = await t.app.inject({ method: 'GET', url: '/account/tokens', cookies: (await loginAs(t, analyst)).cookies });
    expect(analystPage.body).toContain('value="read"');
    expect(analystPage.body).toContain('value="write"');
    expect(analystPage.body).not.toContain('value="users:manage"');
    expect(analystPage.body).not.toContain('value="audit:read"');
    const adminPage = await t.app.inject({ method: 'GET', url: '/account/tokens', cookies: (await loginAs(t, admin)).cookies });
    expect(adminPage.body).toContain('value="users:manage"');
    expect(adminPage.body).toContain('value="audit:read"');

    const browser = await loginAs(t, analyst);
    const before = await snapshotCounts(t.database);
    const res = await postForm('/account/tokens', browser, { name: 'escalation', scopes: ['read', 'users:manage'], expiresInDays: '30' });
    expect(res.statusCode).toBe(400);
    expect(res.body).toContain('href="#f-scopes"');
    expect(res.body).toContain('Vous ne pouvez pas accorder cette portée.');
    expect(res.body).toContain('value="escalation"');
    expect(await snapshotCounts(t.database)).toEqual(before);
  });

  it('refuses a missing name, no scope and an expiry outside 1–365 days, naming each field', async () => {
    const browser = await loginAs(t, await buildUser(t.database));
    const before = await snapshotCounts(t.database);
    const res = await postForm('/account/tokens', browser, { name: ' ', expiresInDays: '366' });
    expect(res.statusCode).toBe(400);
    expect(res.body).toContain('href="#f-name"');
    expect(res.body).toContain('href="#f-scopes"');
    expect(res.body).toContain('href="#f-expiresInDays"');
    expect(res.body).toContain('Trop grand (maximum 365).');
    const zero = await postForm('/account/tokens', browser, { name: 'x', scopes: 'read', expiresInDays: '0' });
    expect(zero.body).toContain('Trop petit (minimum 1).');
    const text = await postForm('/account/tokens', browser, { name: 'x', scopes: 'read', expiresInDays: 'soon' });
    expect(text.statusCode).toBe(400);
    expect(text.body).toContain('id="f-expiresInDays"');
    expect(await snapshotCounts(t.database)).toEqual(before);
  });
});

describe('using a token as a Bearer', () => {
  let user: UserFixture;
  let browser: SignedIn;
  beforeAll(async () => {
    user = await buildUser(t.database, { roles: ['analyst'], displayName: 'Bearer User' });
    browser = await loginAs(t, user);
  });

  it('opens GET /api/v1/me and records when it was last used', async () => {
    const token = await createTokenViaPage(browser, { name: 'me', scopes: ['read'] });
    const res = await t.app.inject({ method: 'GET', url: '/api/v1/me', headers: bearer(token) });
    expect(res.statusCode).toBe(200);
    expect(res.json()).toMatchObject({ id: user.id, email: user.email, displayName: 'Bearer User', roles: ['analyst'], organisation: null, mfaEnabled: false, authentication: { method: 'token', scopes: ['read'] } });
    const row = await t.database.db.selectFrom('api_token').select('last_used_at').where('token_hash', '=', hashToken(token)).executeTakeFirstOrThrow();
    expect(row.last_used_at).not.toBeNull();
    const viaSession = await t.app.inject({ method: 'GET', url: '/api/v1/me', cookies: browser.cookies });
    expect(viaSession.json().authentication).toEqual({ method: 'session', scopes: null });
  });

  it('answers 401 problem+json once the token has expired', async () => {
    const token = await createTokenViaPage(browser, { name: 'short-lived', scopes: ['read'], expiresInDays: '1' });
    expect((await t.app.inject({ method: 'GET', url: '/api/v1/me', headers: bearer(token) })).statusCode).toBe(200);
    t.clock.advance(day + 1000);
    try {
      const res = await t.app.inject({ method: 'GET', url: '/api/v1/me', headers: bearer(token) });
      expect(res.statusCode).toBe(401);
      expect(res.headers['content-type']).toContain('application/problem+json');
      expect(res.headers['www-authenticate']).toContain('invalid_token');
      expect(res.json()).toMatchObject({ status: 401, code: 'unauthenticated' });
      const fresh = await loginAs(t, user);
      const page = await t.app.inject({ method: 'GET', url: '/account/tokens', cookies: fresh.cookies });
      expect(page.body).toContain('Expiré');
    } finally {
      t.clock.advance(-(day + 1000));
    }
  });

  it('answers 401 once revoked from the account page, and the page shows it revoked', async () => {
    const token = await createTokenViaPage(browser, { name: 'to revoke', scopes: ['read'] });
    const row = await t.database.db.selectFrom('api_token').select('id').where('token_hash', '=', hashToken(token)).executeTakeFirstOrThrow();
    const res = await postForm(`/account/tokens/${row.id}/revoke`, browser, {});
    expect(res.statusCode).toBe(303);
    expect(res.headers.location).toBe(`/account/tokens?revoked=${row.id}`);
    const denied = await t.app.inject({ method: 'GET', url: '/api/v1/me', headers: bearer(token) });
    expect(denied.statusCode).toBe(401);
    expect(denied.headers['content-type']).toContain('application/problem+json');
    const page = await t.app.inject({ method: 'GET', url: res.headers.location as string, cookies: browser.cookies });
    expect(page.body).toContain('Le jeton « to revoke » a été révoqué.');
    expect(page.body).toContain('Révoqué');
    const audit = await t.database.db.selectFrom('audit_event').select('after_data').where('action', '=', 'api_token.revoked').where('entity_id', '=', row.id).execute();
    expect(audit).toHaveLength(1);
    // A second revocation changes nothing.
    expect((await postForm(`/account/tokens/${row.id}/revoke`, browser, {})).statusCode).toBe(303);
    expect(await t.database.db.selectFrom('audit_event').select('seq').where('action', '=', 'api_token.revoked').where('entity_id', '=', row.id).execute()).toHaveLength(1);
  });

  it('answers 404 to revoking another user’s token, through the page or the API, and leaves it working', async () => {
    const other = await buildUser(t.database);
    const theirs = await createTokenViaPage(await loginAs(t, other), { name: 'not yours', scopes: ['read', 'write'] });
    const row = await t.database.db.selectFrom('api_token').select('id').where('token_hash', '=', hashToken(theirs)).executeTakeFirstOrThrow();
    const mine = await createTokenViaPage(browser, { name: 'mine rw', scopes: ['write'] });
    const before = await snapshotCounts(t.database);
    expect((await postForm(`/account/tokens/${row.id}/revoke`, browser, {})).statusCode).toBe(404);
    const api = await t.app.inject({ method: 'DELETE', url: `/api/v1/tokens/${row.id}`, headers: bearer(mine) });
    expect(api.statusCode).toBe(404);
    expect(api.headers['content-type']).toContain('application/problem+json');
    expect(await snapshotCounts(t.database)).toEqual(before);
    expect((await t.app.inject({ method: 'GET', url: '/api/v1/me', headers: bearer(theirs) })).statusCode).toBe(200);
  });
});

describe('token scopes', () => {
  it('a read-only token cannot create or revoke tokens (403), a write token can, never beyond its own scopes', async () => {
    const admin = await buildUser(t.database, { roles: ['admin'] });
    const browser = await loginAs(t, admin);
    const readOnly = await createTokenViaPage(browser, { name: 'ro', scopes: ['read'] });
    const writer = await createTokenViaPage(browser, { name: 'rw', scopes: ['write'] });
    const readRow = await t.database.db.selectFrom('api_token').select('id').where('token_hash', '=', hashToken(readOnly)).executeTakeFirstOrThrow();

    const before = await snapshotCounts(t.database);
    const refused = await t.app.inject({ method: 'POST', url: '/api/v1/tokens', headers: bearer(readOnly), payload: { name: 'child', scopes: ['read'] } });
    expect(refused.statusCode).toBe(403);
    expect(refused.headers['content-type']).toContain('application/problem+json');
    expect(refused.json()).toMatchObject({ status: 403, code: 'forbidden' });
    expect((await t.app.inject({ method: 'DELETE', url: `/api/v1/tokens/${readRow.id}`, headers: bearer(readOnly) })).statusCode).toBe(403);
    // Even with the admin role, a token lacking `users:manage` cannot mint one that has it.
    const escalation = await t.app.inject({ method: 'POST', url: '/api/v1/tokens', headers: bearer(writer), payload: { name: 'child', scopes: ['users:manage'] } });
    expect(escalation.statusCode).toBe(400);
    expect(escalation.json().errors).toEqual([expect.objectContaining({ field: 'scopes', code: 'scope_forbidden' })]);
    expect(await snapshotCounts(t.database)).toEqual(before);

    const child = await t.app.inject({ method: 'POST', url: '/api/v1/tokens', headers: bearer(writer), payload: { name: 'child', scopes: ['read'] } });
    expect(child.statusCode).toBe(201);
    expect(child.json().scopes).toEqual(['read']);
    expect(child.json().expiresAt).toBe(new Date(new Date(child.json().createdAt).getTime() + 90 * day).toISOString());
    expect((await t.app.inject({ method: 'DELETE', url: `/api/v1/tokens/${readRow.id}`, headers: bearer(writer) })).statusCode).toBe(204);
    expect((await t.app.inject({ method: 'GET', url: '/api/v1/me', headers: bearer(readOnly) })).statusCode).toBe(401);
  });

  it('a token without `read` or `write` (here `audit:read` only) cannot read the owner’s sessions or tokens (403)', async () => {
    const admin = await buildUser(t.database, { roles: ['admin'] });
    const browser = await loginAs(t, admin);
    const auditOnly = await createTokenViaPage(browser, { name: 'audit only', scopes: ['audit:read'] });
    for (const url of ['/api/v1/sessions', '/api/v1/tokens', '/api/v1/me']) {
      const res = await t.app.inject({ method: 'GET', url, headers: bearer(auditOnly) });
      expect(res.statusCode, url).toBe(403);
      expect(res.json(), url).toMatchObject({ status: 403, code: 'forbidden' });
    }
    const reader = await createTokenViaPage(browser, { name: 'reader', scopes: ['read'] });
    expect((await t.app.inject({ method: 'GET', url: '/api/v1/sessions', headers: bearer(reader) })).statusCode).toBe(200);
  });

  it('the API validates the body and names the field (400 problem+json)', async () => {
    const browser = await loginAs(t, await buildUser(t.database));
    const token = await createTokenViaPage(browser, { name: 'validator', scopes: ['write'] });
    const cases: [unknown, string][] = [
      [{ name: '', scopes: ['read'] }, 'name'],
      [{ name: 'x', scopes: ['bogus'] }, 'scopes.0'],
      [{ name: 'x', scopes: [] }, 'scopes'],
      [{ name: 'x', scopes: ['read'], expiresInDays: 400 }, 'expiresInDays'],
      [{ name: 'x', scopes: ['read'], tokenHash: 'x' }, 'tokenHash'],
    ];
    for (const [payload, field] of cases) {
      const res = await t.app.inject({ method: 'POST', url: '/api/v1/tokens', headers: bearer(token), payload: payload as Record<string, unknown> });
      expect(res.statusCode, JSON.stringify(payload)).toBe(400);
      expect(res.headers['content-type']).toContain('application/problem+json');
      expect(res.json().errors.map((e: { field: string }) => e.field)).toContain(field);
    }
  });
});

describe('POST /api/v1/tokens idempotency', () => {
  it('returns the same answer for the same key, creates one token, and refuses another body with 422', async () => {
    const user = await buildUser(t.database);
    const browser = await loginAs(t, user);
    const headers = { 'x-csrf-token': browser.csrf, 'idempotency-key': 'create-ci-token-0001' };
    const payload = { name: 'CI pipeline', scopes: ['read', 'write'], expiresInDays: 10 };
    const first = await t.app.inject({ method: 'POST', url: '/api/v1/tokens', cookies: browser.cookies, headers, payload });
    expect(first.statusCode).toBe(201);
    expect(first.headers['cache-control']).toBe('no-store');
    const body = first.json();
    expect(body.token).toMatch(new RegExp(`^${tokenPattern.source}$`));
    expect(body).toMatchObject({ name: 'CI pipeline', scopes: ['read', 'write'], status: 'active', lastUsedAt: null, revokedAt: null });
    expect(first.headers.location).toBe(`/api/v1/tokens/${body.id}`);

    const again = await t.app.inject({ method: 'POST', url: '/api/v1/tokens', cookies: browser.cookies, headers, payload });
    expect(again.statusCode).toBe(201);
    expect(again.json()).toEqual(body);
    expect(again.headers['idempotent-replayed']).toBe('true');
    const rows = await t.database.db.selectFrom('api_token').select('id').where('user_id', '=', user.id).where('name', '=', 'CI pipeline').execute();
    expect(rows).toHaveLength(1);

    const mismatch = await t.app.inject({ method: 'POST', url: '/api/v1/tokens', cookies: browser.cookies, headers, payload: { ...payload, name: 'Other' } });
    expect(mismatch.statusCode).toBe(422);
    expect(mismatch.headers['content-type']).toContain('application/problem+json');
    expect(mismatch.json()).toMatchObject({ code: 'idempotency_mismatch', status: 422 });

    // The replay record keeps the answer sealed: the token text is still nowhere in the database.
    const everything = await wholeDatabaseText();
    expect(everything).not.toContain(body.token);
    expect(everything).not.toContain((body.token as string).slice(15));
    expect((await t.app.inject({ method: 'GET', url: '/api/v1/me', headers: bearer(body.token) })).statusCode).toBe(200);
  });

  it('refuses a browser-session creation without the CSRF header (403) and writes nothing', async () => {
    const browser = await loginAs(t, await buildUser(t.database));
    const before = await snapshotCounts(t.database);
    const res = await t.app.inject({ method: 'POST', url: '/api/v1/tokens', cookies: browser.cookies, payload: { name: 'x', scopes: ['read'] } });
    expect(res.statusCode).toBe(403);
    expect(await snapshotCounts(t.database)).toEqual(before);
  });
});

describe('GET /api/v1/tokens pagination', () => {
  it('returns the newest first with a nextCursor that leads to the next page', async () => {
    const browser = await loginAs(t, await buildUser(t.database));
    const names = ['one', 'two', 'three', 'four', 'five'];
    for (const name of names) await createTokenViaPage(browser, { name, scopes: ['read'] });
    const page1 = await t.app.inject({ method: 'GET', url: '/api/v1/tokens?limit=2', cookies: browser.cookies });
    expect(page1.statusCode).toBe(200);
    const p1 = page1.json<{ items: { name: string }[]; nextCursor: string | null }>();
    expect(p1.items.map((i) => i.name)).toEqual(['five', 'four']);
    expect(p1.nextCursor).toEqual(expect.any(String));
    const p2 = (await t.app.inject({ method: 'GET', url: `/api/v1/tokens?limit=2&cursor=${encodeURIComponent(p1.nextCursor as string)}`, cookies: browser.cookies })).json();
    expect(p2.items.map((i: { name: string }) => i.name)).toEqual(['three', 'two']);
    const p3 = (await t.app.inject({ method: 'GET', url: `/api/v1/tokens?limit=2&cursor=${encodeURIComponent(p2.nextCursor as string)}`, cookies: browser.cookies })).json();
    expect(p3.items.map((i: { name: string }) => i.name)).toEqual(['one']);
    expect(p3.nextCursor).toBeNull();

    const bad = await t.app.inject({ method: 'GET', url: '/api/v1/tokens?cursor=not-a-cursor', cookies: browser.cookies });
    expect(bad.statusCode).toBe(400);
    expect(bad.json().errors[0].field).toBe('cursor');
  });

  it('lists only the caller’s tokens', async () => {
    const a = await loginAs(t, await buildUser(t.database));
    const b = await loginAs(t, await buildUser(t.database));
    await createTokenViaPage(a, { name: 'belongs to a', scopes: ['read'] });
    const list = (await t.app.inject({ method: 'GET', url: '/api/v1/tokens', cookies: b.cookies })).json();
    expect(list.items).toEqual([]);
    const page = await t.app.inject({ method: 'GET', url: '/account/tokens', cookies: b.cookies });
    expect(page.body).not.toContain('belongs to a');
    expect(page.body).toContain('Vous n’avez encore créé aucun jeton.');
  });
});
