import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { hashToken } from '#src/core/ids';
import { sessionPublicId, summariseUserAgent } from '#src/modules/identity/account.types';
import { buildTestApp, type TestApp } from './helpers/app';
import { buildUser, form, loginAs, snapshotCounts, type SignedIn, type UserFixture } from './helpers/factories';

let t: TestApp;
beforeAll(async () => {
  t = await buildTestApp();
});
afterAll(async () => {
  await t.close();
});

const firefox = 'Mozilla/5.0 (Windows NT 10.0; Win64; x64; rv:128.0) Gecko/20100101 Firefox/128.0';
const safariIphone = 'Mozilla/5.0 (iPhone; CPU iPhone OS 17_5 like Mac OS X) AppleWebKit/605.1.15 (KHTML, like Gecko) Version/17.5 Mobile/15E148 Safari/604.1';

/** Signs in and gives the session a browser and an address, as the sign-in flow records them. */
async function loginFrom(user: UserFixture, userAgent: string, ip: string, createdAt?: Date): Promise<SignedIn> {
  const browser = await loginAs(t, user);
  await t.database.db
    .updateTable('session')
    .set({ user_agent: userAgent, ip, ...(createdAt ? { created_at: createdAt.toISOString() } : {}) })
    .where('id', '=', browser.sessionId)
    .execute();
  return browser;
}

async function postForm(url: string, browser: SignedIn) {
  const body = form({}, browser.csrf);
  return t.app.inject({ method: 'POST', url, cookies: browser.cookies, payload: body.payload, headers: body.headers });
}

async function isSignedIn(browser: SignedIn): Promise<boolean> {
  return (await t.app.inject({ method: 'GET', url: '/account', cookies: browser.cookies })).statusCode === 200;
}

async function apiToken(browser: SignedIn, scopes: string[]): Promise<string> {
  const res = await t.app.inject({ method: 'POST', url: '/api/v1/tokens', cookies: browser.cookies, headers: { 'x-csrf-token': browser.csrf }, payload: { name: `t-${scopes.join('-')}`, scopes } });
  expect(res.statusCode).toBe(201);
  return res.json().token as string;
}

describe('summariseUserAgent', () => {
  it.each([
    [firefox, 'Firefox 128', 'Windows'],
    [safariIphone, 'Safari 17', 'iOS'],
    ['Mozilla/5.0 (Macintosh; Intel Mac OS X 10_15_7) AppleWebKit/537.36 (KHTML, like Gecko) Chrome/126.0.0.0 Safari/537.36', 'Chrome 126', 'macOS'],
    ['Mozilla/5.0 (Windows NT 10.0; Win64; x64) AppleWebKit/537.36 (KHTML, like Gecko) Chrome/126.0.0.0 Safari/537.36 Edg/126.0.2592.87', 'Edge 126', 'Windows'],
    ['Mozilla/5.0 (Linux; Android 14; Pixel 8) AppleWebKit/537.36 (KHTML, like Gecko) Chrome/126.0.6478.122 Mobile Safari/537.36', 'Chrome 126', 'Android'],
    ['curl/8.5.0', 'curl 8', null],
    ['something else entirely', null, null],
  ])('%s', (ua, browser, os) => {
    expect(summariseUserAgent(ua)).toEqual({ browser, os });
  });
});

describe('GET /account/sessions', () => {
  it('lists only my live sessions, with a readable browser, the address and a marker on this one, never a session key', async () => {
    const me = await buildUser(t.database);
    const current = await loginFrom(me, firefox, '198.51.100.7');
    const phone = await loginFrom(me, safariIphone, '203.0.113.9');
    const ended = await loginFrom(me, firefox, '198.51.100.99');
    await t.database.db.updateTable('session').set({ revoked_at: new Date().toISOString() }).where('id', '=', ended.sessionId).execute();
    const stranger = await loginFrom(await buildUser(t.database), firefox, '192.0.2.200');

    const res = await t.app.inject({ method: 'GET', url: '/account/sessions', cookies: current.cookies });
    expect(res.statusCode).toBe(200);
    expect(res.headers['cache-control']).toBe('no-store');
    expect(res.body).toContain('Firefox 128 sous Windows');
    expect(res.body).toContain('Safari 17 sous iOS');
    expect(res.body).toContain('198.51.100.7');
    expect(res.body).toContain('203.0.113.9');
    expect(res.body).not.toContain('198.51.100.99');
    expect(res.body).not.toContain('192.0.2.200');
    expect(res.body.match(/Cette session/g)).toHaveLength(1);
    expect(res.body).toContain(`/account/sessions/${sessionPublicId(phone.sessionId)}/revoke`);
    expect(res.body).not.toContain(`/account/sessions/${sessionPublicId(current.sessionId)}/revoke`);
    for (const key of [current.sessionId, phone.sessionId, stranger.sessionId]) expect(res.body).not.toContain(key);
    expect(res.body).toContain('Fermer toutes les autres sessions');
  });

  it('does not list sessions idle for longer than the idle limit or past their expiry', async () => {
    const me = await buildUser(t.database);
    const current = await loginAs(t, me);
    const idle = await loginFrom(me, firefox, '198.51.100.41');
    const expired = await loginFrom(me, firefox, '198.51.100.42');
    const longAgo = new Date(Date.now() - (t.config.sessionIdleMinutes + 5) * 60_000).toISOString();
    await t.database.db.updateTable('session').set({ last_seen_at: longAgo }).where('id', '=', idle.sessionId).execute();
    await t.database.db.updateTable('session').set({ expires_at: new Date(Date.now() - 1000).toISOString() }).where('id', '=', expired.sessionId).execute();
    const res = await t.app.inject({ method: 'GET', url: '/api/v1/sessions', cookies: current.cookies });
    expect(res.json().items).toHaveLength(1);
    expect(res.json().items[0]).toMatchObject({ id: sessionPublicId(current.sessionId), current: true });
  });
});

describe('revoking sessions', () => {
  it('signs out another of my sessions, audited under its public id', async () => {
    const me = await buildUser(t.database);
    const current = await loginFrom(me, firefox, '198.51.100.1');
    const other = await loginFrom(me, safariIphone, '198.51.100.2');
    const publicId = sessionPublicId(other.sessionId);
    const res = await postForm(`/account/sessions/${publicId}/revoke`, current);
    expect(res.statusCode).toBe(303);
    expect(res.headers.location).toBe('/account/sessions?revoked=1');
    expect(await isSignedIn(other)).toBe(false);
    expect(await isSignedIn(current)).toBe(true);
    const page = await t.app.inject({ method: 'GET', url: res.headers.location as string, cookies: current.cookies });
    expect(page.body).toContain('La session a été fermée.');
    expect(page.body).toContain('Aucune autre session n’est ouverte.');
    const audit = await t.database.db.selectFrom('audit_event').selectAll().where('action', '=', 'session.revoked').where('entity_id', '=', publicId).execute();
    expect(audit).toHaveLength(1);
    expect(audit[0]?.actor_id).toBe(me.id);
    expect(JSON.stringify(audit)).not.toContain(other.sessionId);
    // Already ended: not found.
    expect((await postForm(`/account/sessions/${publicId}/revoke`, current)).statusCode).toBe(404);
  });

  it('answers 404 for another user’s session, by page or API, and leaves it signed in', async () => {
    const me = await buildUser(t.database);
    const mine = await loginAs(t, me);
    const theirs = await loginAs(t, await buildUser(t.database));
    const theirId = sessionPublicId(theirs.sessionId);
    const token = await apiToken(mine, ['write']);
    const before = await snapshotCounts(t.database);
    expect((await postForm(`/account/sessions/${theirId}/revoke`, mine)).statusCode).toBe(404);
    const api = await t.app.inject({ method: 'DELETE', url: `/api/v1/sessions/${theirId}`, headers: { authorization: `Bearer ${token}` } });
    expect(api.statusCode).toBe(404);
    expect(api.headers['content-type']).toContain('application/problem+json');
    // The session key itself is not an identifier the routes accept.
    expect((await postForm(`/account/sessions/${theirs.sessionId}/revoke`, mine)).statusCode).toBe(404);
    expect(await snapshotCounts(t.database)).toEqual(before);
    expect(await isSignedIn(theirs)).toBe(true);
  });

  it('signs out every other session at once and keeps this one', async () => {
    const me = await buildUser(t.database);
    const current = await loginAs(t, me);
    const others = [await loginAs(t, me), await loginAs(t, me), await loginAs(t, me)];
    const stranger = await loginAs(t, await buildUser(t.database));
    const res = await postForm('/account/sessions/revoke-others', current);
    expect(res.statusCode).toBe(303);
    expect(res.headers.location).toBe('/account/sessions?others=3');
    for (const o of others) expect(await isSignedIn(o)).toBe(false);
    expect(await isSignedIn(current)).toBe(true);
    expect(await isSignedIn(stranger)).toBe(true);
    const page = await t.app.inject({ method: 'GET', url: res.headers.location as string, cookies: current.cookies });
    expect(page.body).toContain('Sessions fermées : 3.');
    const audit = await t.database.db.selectFrom('audit_event').selectAll().where('action', '=', 'session.others_revoked').where('entity_id', '=', me.id).execute();
    expect(JSON.parse(audit[0]?.after_data ?? '{}')).toEqual({ revokedSessions: 3, kept: sessionPublicId(current.sessionId) });
  });

  it('revoking the current session signs the browser out', async () => {
    const me = await buildUser(t.database);
    const current = await loginAs(t, me);
    const res = await postForm(`/account/sessions/${sessionPublicId(current.sessionId)}/revoke`, current);
    expect(res.statusCode).toBe(303);
    expect(res.headers.location).toBe('/login');
    expect(res.cookies.find((c) => c.name === 'ribat_session')?.value).toBe('');
    expect(await isSignedIn(current)).toBe(false);
  });
});

describe('/api/v1/sessions', () => {
  it('lists my sessions through a token (none marked current) and through the browser (this one marked)', async () => {
    const me = await buildUser(t.database);
    const browser = await loginFrom(me, firefox, '198.51.100.10');
    await loginFrom(me, safariIphone, '198.51.100.11');
    const token = await apiToken(browser, ['read']);
    const viaToken = (await t.app.inject({ method: 'GET', url: '/api/v1/sessions', headers: { authorization: `Bearer ${token}` } })).json();
    expect(viaToken.items).toHaveLength(2);
    for (const item of viaToken.items) {
      expect(item.id).toMatch(/^[0-9a-f]{16}$/);
      expect(item.current).toBe(false);
      expect(Object.keys(item).sort()).toEqual(['browser', 'createdAt', 'current', 'expiresAt', 'id', 'ip', 'lastSeenAt', 'os', 'userAgent']);
    }
    const viaBrowser = (await t.app.inject({ method: 'GET', url: '/api/v1/sessions', cookies: browser.cookies })).json();
    expect(viaBrowser.items.filter((i: { current: boolean }) => i.current)).toEqual([expect.objectContaining({ id: sessionPublicId(browser.sessionId), browser: 'Firefox 128', os: 'Windows' })]);
  });

  it('paginates with a cursor that never carries a session key, also across sessions opened at the same instant', async () => {
    const me = await buildUser(t.database);
    const browser = await loginAs(t, me);
    const sameInstant = new Date(Date.now() - 60_000);
    const keys = [browser.sessionId];
    for (let i = 0; i < 6; i += 1) {
      const s = await loginFrom(me, firefox, `198.51.100.${20 + i}`, i < 4 ? sameInstant : new Date(Date.now() - (i + 2) * 60_000));
      keys.push(s.sessionId);
    }
    const seen: string[] = [];
    let cursor: string | null = null;
    let pages = 0;
    do {
      const url: string = `/api/v1/sessions?limit=2${cursor ? `&cursor=${encodeURIComponent(cursor)}` : ''}`;
      const res = await t.app.inject({ method: 'GET', url, cookies: browser.cookies });
      expect(res.statusCode).toBe(200);
      const body = res.json<{ items: { id: string; createdAt: string }[]; nextCursor: string | null }>();
      expect(body.items.length).toBeLessThanOrEqual(2);
      seen.push(...body.items.map((i) => i.id));
      cursor = body.nextCursor;
      if (cursor) {
        const decoded = Buffer.from(cursor, 'base64url').toString('utf8');
        for (const key of keys) expect(decoded).not.toContain(key);
      }
      pages += 1;
    } while (cursor && pages < 10);
    expect(pages).toBe(4);
    expect(seen).toHaveLength(7);
    expect(new Set(seen)).toEqual(new Set(keys.map(sessionPublicId)));
  });

  it('DELETE /api/v1/sessions/:id: 204 with a write token, 403 with a read-only token', async () => {
    const me = await buildUser(t.database);
    const browser = await loginAs(t, me);
    const other = await loginAs(t, me);
    const reader = await apiToken(browser, ['read']);
    const writer = await apiToken(browser, ['write']);
    const url = `/api/v1/sessions/${sessionPublicId(other.sessionId)}`;
    const before = await snapshotCounts(t.database);
    const denied = await t.app.inject({ method: 'DELETE', url, headers: { authorization: `Bearer ${reader}` } });
    expect(denied.statusCode).toBe(403);
    expect(await snapshotCounts(t.database)).toEqual(before);
    expect(await isSignedIn(other)).toBe(true);
    const done = await t.app.inject({ method: 'DELETE', url, headers: { authorization: `Bearer ${writer}` } });
    expect(done.statusCode).toBe(204);
    expect(done.body).toBe('');
    expect(await isSignedIn(other)).toBe(false);
    expect(await isSignedIn(browser)).toBe(true);
    const malformed = await t.app.inject({ method: 'DELETE', url: `/api/v1/sessions/${hashToken('x')}`, headers: { authorization: `Bearer ${writer}` } });
    expect(malformed.statusCode).toBe(400);
  });
});
