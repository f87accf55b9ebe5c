import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { buildTestApp, type TestApp } from './helpers/app';
import { buildUser, loginAs, snapshotCounts } from './helpers/factories';
import { auditRows, auditText, getPage, hiddenField, newBrowser, postForm, sessionCookie, signInWithPassword } from './helpers/identity-flows';
import { hashToken } from '#src/core/ids';
import { fromDbTime, fromDbTimeOrNull } from '#src/core/time';

let t: TestApp;
beforeAll(async () => {
  // A high limit here: the rate limit itself is tested on its own app below.
  t = await buildTestApp({ RIBAT_LOGIN_RATE_LIMIT: '1000' });
});
afterAll(async () => {
  await t.close();
});

const invalidCredentials = 'Adresse e-mail ou mot de passe incorrect.';

describe('GET /login', () => {
  it('renders an accessible sign-in form with autocomplete hints and a forgotten-password link', async () => {
    const res = await getPage(t, newBrowser(t), '/login');
    expect(res.statusCode).toBe(200);
    expect(res.body).toContain('<form method="post" action="/login"');
    expect(res.body).toContain('name="_csrf"');
    expect(res.body).toMatch(/<label for="f-email">Adresse e-mail<\/label>/);
    expect(res.body).toMatch(/<input id="f-email" name="email" type="email"[^>]*autocomplete="username"/);
    expect(res.body).toMatch(/<input id="f-password" name="password" type="password"[^>]*autocomplete="current-password"/);
    expect(res.body).toContain('href="/password/forgot"');
    expect(res.body).toContain('<meta name="robots" content="noindex"');
    expect(res.body).not.toMatch(/\sstyle=/);
  });

  it('is translated into Arabic (right to left) and English', async () => {
    const ar = await getPage(t, newBrowser(t), '/login?lang=ar');
    expect(ar.body).toContain('<html lang="ar" dir="rtl">');
    expect(ar.body).toContain('نسيت كلمة المرور؟');
    const en = await getPage(t, newBrowser(t), '/login?lang=en');
    expect(en.body).toContain('Forgot your password?');
  });
});

describe('POST /login', () => {
  it('opens a new session in an httpOnly SameSite=Lax session cookie and records the sign-in', async () => {
    const user = await buildUser(t.database, { roles: ['org_member'] });
    const before = t.clock.now();
    const { res } = await signInWithPassword(t, user);
    expect(res.statusCode).toBe(303);
    expect(res.headers.location).toBe('/account');
    const cookie = sessionCookie(res);
    expect(cookie).toBeDefined();
    expect(cookie?.httpOnly).toBe(true);
    expect(cookie?.sameSite).toBe('Lax');
    expect(cookie?.path).toBe('/');
    expect(cookie?.maxAge).toBeUndefined();
    expect(cookie?.secure).toBeFalsy();
    expect(cookie?.value).toMatch(/^[A-Za-z0-9_-]{43}$/);

    const session = await t.database.db.selectFrom('session').selectAll().where('id', '=', hashToken(cookie?.value ?? '')).executeTakeFirstOrThrow();
    expect(session.user_id).toBe(user.id);
    expect(session.user_agent).toBe('vitest-browser');
    expect(session.ip).toBe('127.0.0.1');
    expect(session.revoked_at).toBeNull();
    expect(session.mfa_verified_at).toBeNull();
    const ttl = fromDbTime(session.expires_at).getTime() - fromDbTime(session.created_at).getTime();
    expect(ttl).toBe(t.config.sessionTtlHours * 3600_000);

    const account = await t.database.db.selectFrom('user_account').select(['last_login_at', 'failed_login_count']).where('id', '=', user.id).executeTakeFirstOrThrow();
    expect(fromDbTimeOrNull(account.last_login_at)?.getTime()).toBeGreaterThanOrEqual(before.getTime());
    const audit = (await auditRows(t, 'user.login')).filter((r) => r.entity_id === user.id);
    expect(audit).toHaveLength(1);
    expect(audit[0]?.actor_id).toBe(user.id);

    // The cookie works: the account area opens.
    const page = await getPage(t, { cookies: { ribat_session: cookie?.value ?? '' }, csrf: '', sessionId: '' }, '/account/mfa');
    expect(page.statusCode).toBe(200);
  });

  it('matches the e-mail address case-insensitively', async () => {
    const user = await buildUser(t.database, { roles: ['org_member'] });
    const { res } = await signInWithPassword(t, { email: `  ${user.email.toUpperCase()} `, password: user.password });
    expect(res.statusCode).toBe(303);
  });

  it('answers a wrong password and an unknown address with the same message, keeping the e-mail but never the password', async () => {
    const user = await buildUser(t.database, { roles: ['org_member'] });
    const wrong = await postForm(t, newBrowser(t), '/login', { email: user.email, password: 'not the right password at all' });
    const unknown = await postForm(t, newBrowser(t), '/login', { email: 'nobody-here@example.ma', password: 'not the right password at all' });
    for (const res of [wrong, unknown]) {
      expect(res.statusCode).toBe(400);
      expect(res.body).toContain(invalidCredentials);
      expect(res.body).toContain('class="error-summary"');
      expect(res.body).not.toContain('not the right password at all');
      expect(sessionCookie(res)).toBeUndefined();
    }
    expect(wrong.body).toContain(`value="${user.email}"`);
    const strip = (html: string) => html.replace(/value="[^"]*"/g, '');
    expect(strip(wrong.body)).toBe(strip(unknown.body));

    const failed = (await auditRows(t, 'user.login_failed')).filter((r) => r.entity_id === user.id);
    expect(failed).toHaveLength(1);
    expect(JSON.parse(failed[0]?.after_data ?? '{}')).toEqual({ reason: 'wrong_password', failedLoginCount: 1 });
    expect(await auditText(t)).not.toContain('not the right password at all');
    expect(await auditText(t)).not.toContain('nobody-here@example.ma');
  });

  it('refuses a disabled account with the same message, even with the right password', async () => {
    const user = await buildUser(t.database, { roles: ['org_member'], status: 'disabled' });
    const res = await postForm(t, newBrowser(t), '/login', { email: user.email, password: user.password });
    expect(res.statusCode).toBe(400);
    expect(res.body).toContain(invalidCredentials);
    expect(sessionCookie(res)).toBeUndefined();
  });

  it('asks for both fields when they are empty', async () => {
    const res = await postForm(t, newBrowser(t), '/login', { email: '', password: '' });
    expect(res.statusCode).toBe(400);
    expect(res.body).toContain('Ce champ est obligatoire.');
  });

  it('locks the account from the fifth consecutive failure, for 1 then 2 minutes, and a success resets the count', async () => {
    const user = await buildUser(t.database, { roles: ['org_member'] });
    for (let i = 0; i < 5; i += 1) {
      const res = await postForm(t, newBrowser(t), '/login', { email: user.email, password: `wrong password number ${i}` });
      expect(res.statusCode).toBe(400);
    }
    const locked = await auditRows(t, 'user.locked');
    expect(locked.filter((r) => r.entity_id === user.id)).toHaveLength(1);

    // Locked: even the right password gets the generic answer, and the attempt is audited as such.
    const refused = await postForm(t, newBrowser(t), '/login', { email: user.email, password: user.password });
    expect(refused.statusCode).toBe(400);
    expect(refused.body).toContain(invalidCredentials);
    const lastFailure = (await auditRows(t, 'user.login_failed')).filter((r) => r.entity_id === user.id).at(-1);
    expect(JSON.parse(lastFailure?.after_data ?? '{}')).toEqual({ reason: 'locked' });

    t.clock.advance(61_000);
    // Sixth consecutive failure: locked for 2 minutes this time.
    expect((await postForm(t, newBrowser(t), '/login', { email: user.email, password: 'still wrong, sorry' })).statusCode).toBe(400);
    t.clock.advance(61_000);
    expect((await postForm(t, newBrowser(t), '/login', { email: user.email, password: user.password })).statusCode).toBe(400);
    t.clock.advance(60_000);
    const ok = await postForm(t, newBrowser(t), '/login', { email: user.email, password: user.password });
    expect(ok.statusCode).toBe(303);
    const row = await t.database.db.selectFrom('user_account').select(['failed_login_count', 'locked_until']).where('id', '=', user.id).executeTakeFirstOrThrow();
    expect(Number(row.failed_login_count)).toBe(0);
    expect(row.locked_until).toBeNull();
  });

  it('refuses a form without a valid CSRF token with 403 and writes nothing', async () => {
    const user = await buildUser(t.database, { roles: ['org_member'] });
    const before = await snapshotCounts(t.database);
    const browser = newBrowser(t);
    const missing = await t.app.inject({
      method: 'POST',
      url: '/login',
      payload: new URLSearchParams({ email: user.email, password: user.password }).toString(),
      headers: { 'content-type': 'application/x-www-form-urlencoded' },
      cookies: browser.cookies,
    });
    expect(missing.statusCode).toBe(403);
    const forged = await postForm(t, { ...browser, csrf: 'forged-token' }, '/login', { email: user.email, password: user.password });
    expect(forged.statusCode).toBe(403);
    expect(forged.body).toContain('Le formulaire a expiré ou ne provient pas de ce site.');
    expect(sessionCookie(forged)).toBeUndefined();
    expect(await snapshotCounts(t.database)).toEqual(before);
  });

  it('honours a same-site next path and ignores open redirects', async () => {
    const user = await buildUser(t.database, { roles: ['org_member'] });
    const local = await signInWithPassword(t, user, '/account/mfa?from=login');
    expect(local.res.headers.location).toBe('/account/mfa?from=login');
    for (const next of ['//evil.example', 'https://evil.example/', '/\\evil.example', 'javascript:alert(1)']) {
      const { res } = await signInWithPassword(t, user, next);
      expect(res.statusCode).toBe(303);
      expect(res.headers.location).toBe('/account');
    }
    const page = await getPage(t, newBrowser(t), `/login?next=${encodeURIComponent('//evil.example')}`);
    // The form does not carry it on (the language links keep the page's own query, which is harmless).
    expect(hiddenField(page.body, 'next')).toBeNull();
    const kept = await getPage(t, newBrowser(t), '/login?next=%2Fconsole%2Fusers');
    expect(hiddenField(kept.body, 'next')).toBe('/console/users');
  });

  it('replaces a session the browser already had (no session fixation)', async () => {
    const user = await buildUser(t.database, { roles: ['org_member'] });
    const old = await loginAs(t, user);
    const res = await postForm(t, old, '/login', { email: user.email, password: user.password });
    expect(res.statusCode).toBe(303);
    expect(sessionCookie(res)?.value).not.toBe(old.cookies.ribat_session);
    const previous = await t.database.db.selectFrom('session').select('revoked_at').where('id', '=', old.sessionId).executeTakeFirstOrThrow();
    expect(previous.revoked_at).not.toBeNull();
  });
});

describe('POST /logout', () => {
  it('revokes the session, clears the cookie and goes home', async () => {
    const user = await buildUser(t.database, { roles: ['org_member'] });
    const browser = await loginAs(t, user);
    const res = await postForm(t, browser, '/logout', {});
    expect(res.statusCode).toBe(303);
    expect(res.headers.location).toBe('/');
    const cleared = res.cookies.find((c) => c.name === 'ribat_session');
    expect(cleared?.value).toBe('');
    const row = await t.database.db.selectFrom('session').select('revoked_at').where('id', '=', browser.sessionId).executeTakeFirstOrThrow();
    expect(row.revoked_at).not.toBeNull();
    expect((await auditRows(t, 'user.logout')).some((r) => r.entity_id === user.id)).toBe(true);
    const after = await getPage(t, browser, '/account/mfa');
    expect(after.statusCode).toBe(303);
    expect(after.headers.location).toBe('/login?next=%2Faccount%2Fmfa');
  });

  it('refuses a sign-out without the CSRF token', async () => {
    const user = await buildUser(t.database, { roles: ['org_member'] });
    const browser = await loginAs(t, user);
    const res = await postForm(t, { ...browser, csrf: 'nope' }, '/logout', {});
    expect(res.statusCode).toBe(403);
    const row = await t.database.db.selectFrom('session').select('revoked_at').where('id', '=', browser.sessionId).executeTakeFirstOrThrow();
    expect(row.revoked_at).toBeNull();
  });
});

describe('sign-in rate limit', () => {
  it('answers 429 with a localised page after N attempts a minute from one address', async () => {
    const limited = await buildTestApp({ RIBAT_LOGIN_RATE_LIMIT: '3' });
    try {
      const browser = newBrowser(limited);
      for (let i = 0; i < 3; i += 1) {
        const res = await postForm(limited, browser, '/login', { email: 'someone@example.ma', password: 'whatever password here' });
        expect(res.statusCode).toBe(400);
      }
      const blocked = await postForm(limited, browser, '/login', { email: 'someone@example.ma', password: 'whatever password here' });
      expect(blocked.statusCode).toBe(429);
      expect(blocked.body).toContain('Trop de tentatives.');
      const english = await postForm(limited, browser, '/login?lang=en', { email: 'someone@example.ma', password: 'whatever password here' });
      expect(english.statusCode).toBe(429);
      expect(english.body).toContain('Too many attempts');
      // Reading the form is not limited.
      expect((await getPage(limited, browser, '/login')).statusCode).toBe(200);
    } finally {
      await limited.close();
    }
  });
});
