import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { buildTestApp, type TestApp } from './helpers/app';
import { buildUser, loginAs, snapshotCounts, type UserFixture } from './helpers/factories';
import { auditRows, auditText, getPage, hiddenField, newBrowser, postForm, sessionCookie, signInWithPassword, withSession, type Browser } from './helpers/identity-flows';
import { openMfaSecret, openPendingEnrolment, sealMfaSecret } from '#src/modules/identity/mfa-secrets';
import { generateTotpSecret, totpCodeForStep, totpStep } from '#src/modules/identity/totp';
import { hashRecoveryCode } from '#src/modules/identity/recovery-codes';
import { fromDbTimeOrNull } from '#src/core/time';

let t: TestApp;
beforeAll(async () => {
  t = await buildTestApp({ RIBAT_LOGIN_RATE_LIMIT: '1000' });
});
afterAll(async () => {
  await t.close();
});

/** A code of a time step later than the last one used, moving the clock on so that it is current. */
async function freshCode(userId: string, secret: string): Promise<string> {
  const row = await t.database.db.selectFrom('user_account').select('mfa_last_step').where('id', '=', userId).executeTakeFirstOrThrow();
  t.clock.advance(30_000);
  const current = totpStep(t.clock.now());
  const last = row.mfa_last_step === null ? -1 : Number(row.mfa_last_step);
  return totpCodeForStep(secret, Math.max(current, last + 1));
}

/** A six-digit code that no step in the window accepts. */
function wrongCode(secret: string): string {
  const current = totpStep(t.clock.now());
  const valid = new Set([-2, -1, 0, 1, 2].map((d) => totpCodeForStep(secret, current + d)));
  for (let n = 0; ; n += 1) {
    const candidate = String(n).padStart(6, '0');
    if (!valid.has(candidate)) return candidate;
  }
}

/** Enrols a signed-in browser through the real pages; returns the secret, recovery codes and new browser. */
async function enrol(browser: Browser, user: UserFixture): Promise<{ secret: string; codes: string[]; browser: Browser }> {
  const setup = await getPage(t, browser, '/account/mfa/setup');
  expect(setup.statusCode).toBe(200);
  const pending = hiddenField(setup.body, 'pending') ?? '';
  const secret = openPendingEnrolment(t.config.secret, user.id, pending, t.clock.now()) ?? '';
  expect(secret).toMatch(/^[A-Z2-7]{32}$/);
  const res = await postForm(t, browser, '/account/mfa/setup', { pending, code: totpCodeForStep(secret, totpStep(t.clock.now())) });
  expect(res.statusCode).toBe(200);
  const codes = [...res.body.matchAll(/<li><code>([a-z0-9-]+)<\/code><\/li>/g)].map((m) => m[1] ?? '');
  return { secret, codes, browser: withSession(browser, res) };
}

describe('staff must enrol MFA', () => {
  it('sends staff without MFA to enrolment and keeps every signed-in page closed until they enrol', async () => {
    const user = await buildUser(t.database, { roles: ['analyst'] });
    const { browser, res } = await signInWithPassword(t, user, '/console');
    expect(res.statusCode).toBe(303);
    expect(res.headers.location).toBe('/account/mfa/setup?next=%2Fconsole');
    for (const url of ['/account/mfa', '/console', '/account']) {
      const page = await getPage(t, browser, url);
      expect(page.statusCode, url).toBe(303);
      expect(page.headers.location, url).toBe('/account/mfa/setup');
    }
    const posted = await postForm(t, browser, '/account/mfa/recovery-codes', {});
    expect(posted.statusCode).toBe(303);
    expect(posted.headers.location).toBe('/account/mfa/setup');
  });

  it('shows a locally rendered QR code and the key, and writes nothing before confirmation', async () => {
    const user = await buildUser(t.database, { roles: ['analyst'] });
    const { browser } = await signInWithPassword(t, user);
    const before = await snapshotCounts(t.database);
    const res = await getPage(t, browser, '/account/mfa/setup');
    expect(res.statusCode).toBe(200);
    expect(res.headers['cache-control']).toBe('no-store');
    expect(res.body).toMatch(/<div class="qr" role="img" aria-label="Code QR à scanner avec votre application d’authentification"><svg aria-hidden="true" focusable="false" xmlns="http:\/\/www.w3.org\/2000\/svg"/);
    expect(res.body).not.toMatch(/\sstyle=/);
    expect(res.body).not.toMatch(/<script(?![^>]*\bsrc=)/);
    expect(res.body).toContain('Votre rôle au CERT exige la vérification en deux étapes.');
    expect(res.body).toMatch(/<input id="f-code" name="code" type="text"[^>]*autocomplete="one-time-code"[^>]*inputmode="numeric"/);
    const pending = hiddenField(res.body, 'pending') ?? '';
    const secret = openPendingEnrolment(t.config.secret, user.id, pending, t.clock.now());
    expect(secret).not.toBeNull();
    expect(pending).not.toContain(secret ?? '');
    // The key is shown for manual entry, grouped by four.
    expect(res.body).toContain(`<code class="token-once" dir="ltr">${(secret ?? '').replace(/(.{4})(?=.)/g, '$1 ')}</code>`);
    expect(await snapshotCounts(t.database)).toEqual(before);
    const row = await t.database.db.selectFrom('user_account').select(['mfa_secret', 'mfa_enabled_at']).where('id', '=', user.id).executeTakeFirstOrThrow();
    expect(row).toEqual({ mfa_secret: null, mfa_enabled_at: null });
    // Another user's pending secret cannot be opened as this user's.
    expect(openPendingEnrolment(t.config.secret, 'another-user', pending, t.clock.now())).toBeNull();
  });

  it('refuses a wrong code, keeps the same pending secret, then enrols with a right one and shows ten recovery codes once', async () => {
    const user = await buildUser(t.database, { roles: ['coordinator'] });
    const { browser } = await signInWithPassword(t, user, '/console');
    const setup = await getPage(t, browser, '/account/mfa/setup?next=%2Fconsole');
    const pending = hiddenField(setup.body, 'pending') ?? '';
    const secret = openPendingEnrolment(t.config.secret, user.id, pending, t.clock.now()) ?? '';

    const wrong = await postForm(t, browser, '/account/mfa/setup', { pending, code: wrongCode(secret), next: '/console' });
    expect(wrong.statusCode).toBe(400);
    expect(wrong.body).toContain('Code invalide.');
    expect(hiddenField(wrong.body, 'pending')).toBe(pending);

    const code = totpCodeForStep(secret, totpStep(t.clock.now()));
    const res = await postForm(t, browser, '/account/mfa/setup', { pending, code, next: '/console' });
    expect(res.statusCode).toBe(200);
    expect(res.headers['cache-control']).toBe('no-store');
    expect(res.body).toContain('<ul class="codes"');
    expect(res.body).toContain('Conservez ces codes en lieu sûr');
    expect(res.body).toContain('href="/console"');
    const codes = [...res.body.matchAll(/<li><code>([a-z0-9-]+)<\/code><\/li>/g)].map((m) => m[1] ?? '');
    expect(codes).toHaveLength(10);
    for (const c of codes) expect(c).toMatch(/^[a-z2-9]{5}-[a-z2-9]{5}$/);

    // The secret is stored sealed, never in clear; recovery codes only as hashes.
    const row = await t.database.db.selectFrom('user_account').select(['mfa_secret', 'mfa_enabled_at', 'mfa_last_step']).where('id', '=', user.id).executeTakeFirstOrThrow();
    expect(row.mfa_secret).toMatch(/^v1\./);
    expect(row.mfa_secret).not.toContain(secret);
    expect(openMfaSecret(t.config.secret, user.id, row.mfa_secret ?? '', t.clock.now())).toBe(secret);
    expect(fromDbTimeOrNull(row.mfa_enabled_at)).not.toBeNull();
    // The step of the enrolment code is remembered, so that code cannot be replayed at sign-in.
    expect(totpCodeForStep(secret, Number(row.mfa_last_step))).toBe(code);
    const stored = await t.database.db.selectFrom('recovery_code').select('code_hash').where('user_id', '=', user.id).execute();
    expect(stored.map((r) => r.code_hash).sort()).toEqual(codes.map(hashRecoveryCode).sort());

    // The session was rotated: the old cookie is dead, the new one is MFA-verified and opens the console.
    const newSession = withSession(browser, res);
    expect(newSession.cookies.ribat_session).not.toBe(browser.cookies.ribat_session);
    const old = await t.database.db.selectFrom('session').select('revoked_at').where('id', '=', browser.sessionId).executeTakeFirstOrThrow();
    expect(old.revoked_at).not.toBeNull();
    const current = await t.database.db.selectFrom('session').select('mfa_verified_at').where('id', '=', newSession.sessionId).executeTakeFirstOrThrow();
    expect(current.mfa_verified_at).not.toBeNull();
    expect((await getPage(t, newSession, '/account/mfa')).statusCode).toBe(200);
    expect((await getPage(t, newSession, '/console')).statusCode).toBe(200);

    const audit = (await auditRows(t, 'user.mfa_enabled')).filter((r) => r.entity_id === user.id);
    expect(audit).toHaveLength(1);
    expect(audit[0]?.actor_id).toBe(user.id);
    const trail = await auditText(t);
    expect(trail).not.toContain(secret);
    expect(trail).not.toContain(row.mfa_secret ?? 'x');
    for (const c of codes) expect(trail).not.toContain(c);

    // Enrolling twice is not possible: the page now sends to the management page.
    const again = await getPage(t, newSession, '/account/mfa/setup');
    expect(again.statusCode).toBe(303);
    expect(again.headers.location).toBe('/account/mfa');
  });

  it('refuses an enrolment form older than 15 minutes and offers a new secret', async () => {
    const user = await buildUser(t.database, { roles: ['analyst'] });
    const { browser } = await signInWithPassword(t, user);
    const setup = await getPage(t, browser, '/account/mfa/setup');
    const pending = hiddenField(setup.body, 'pending') ?? '';
    const secret = openPendingEnrolment(t.config.secret, user.id, pending, t.clock.now()) ?? '';
    t.clock.advance(15 * 60_000 + 1000);
    const res = await postForm(t, browser, '/account/mfa/setup', { pending, code: totpCodeForStep(secret, totpStep(t.clock.now())) });
    expect(res.statusCode).toBe(400);
    expect(res.body).toContain('Ce formulaire a expiré.');
    expect(hiddenField(res.body, 'pending')).not.toBe(pending);
    const row = await t.database.db.selectFrom('user_account').select('mfa_enabled_at').where('id', '=', user.id).executeTakeFirstOrThrow();
    expect(row.mfa_enabled_at).toBeNull();
  });

  it('refuses an enrolment form sealed for another user', async () => {
    const alice = await buildUser(t.database, { roles: ['analyst'] });
    const bob = await buildUser(t.database, { roles: ['analyst'] });
    const a = await signInWithPassword(t, alice);
    const b = await signInWithPassword(t, bob);
    const pending = hiddenField((await getPage(t, a.browser, '/account/mfa/setup')).body, 'pending') ?? '';
    const secret = openPendingEnrolment(t.config.secret, alice.id, pending, t.clock.now()) ?? '';
    const res = await postForm(t, b.browser, '/account/mfa/setup', { pending, code: totpCodeForStep(secret, totpStep(t.clock.now())) });
    expect(res.statusCode).toBe(400);
    const row = await t.database.db.selectFrom('user_account').select('mfa_enabled_at').where('id', '=', bob.id).executeTakeFirstOrThrow();
    expect(row.mfa_enabled_at).toBeNull();
  });
});

describe('signing in with MFA', () => {
  it('asks for a code after the password, refuses a replayed code, accepts a fresh one and rotates the session', async () => {
    const user = await buildUser(t.database, { roles: ['analyst'] });
    const first = await signInWithPassword(t, user);
    const { secret } = await enrol(first.browser, user);
    const lastStep = Number((await t.database.db.selectFrom('user_account').select('mfa_last_step').where('id', '=', user.id).executeTakeFirstOrThrow()).mfa_last_step);

    const { browser, res } = await signInWithPassword(t, user, '/console');
    expect(res.headers.location).toBe('/login/mfa?next=%2Fconsole');
    const pendingRow = await t.database.db.selectFrom('session').select('mfa_verified_at').where('id', '=', browser.sessionId).executeTakeFirstOrThrow();
    expect(pendingRow.mfa_verified_at).toBeNull();
    // Between the two steps, nothing but the MFA step is open.
    const blocked = await getPage(t, browser, '/account/mfa');
    expect(blocked.statusCode).toBe(303);
    expect(blocked.headers.location).toBe('/login/mfa');

    const form = await getPage(t, browser, '/login/mfa?next=%2Fconsole');
    expect(form.statusCode).toBe(200);
    expect(form.body).toMatch(/<input id="f-code" name="code" type="text"[^>]*autocomplete="one-time-code"[^>]*inputmode="numeric"/);
    expect(form.body).toContain('name="recovery_code"');
    expect(hiddenField(form.body, 'next')).toBe('/console');

    // The code used to enrol was observed: it must not work again.
    const replay = await postForm(t, browser, '/login/mfa', { code: totpCodeForStep(secret, lastStep), next: '/console' });
    expect(replay.statusCode).toBe(400);
    expect(replay.body).toContain('Code invalide.');
    expect(sessionCookie(replay)).toBeUndefined();

    const ok = await postForm(t, browser, '/login/mfa', { code: await freshCode(user.id, secret), next: '/console' });
    expect(ok.statusCode).toBe(303);
    expect(ok.headers.location).toBe('/console');
    const full = withSession(browser, ok);
    expect(full.sessionId).not.toBe(browser.sessionId);
    const rows = await t.database.db.selectFrom('session').select(['id', 'revoked_at', 'mfa_verified_at']).where('id', 'in', [browser.sessionId, full.sessionId]).execute();
    expect(rows.find((r) => r.id === browser.sessionId)?.revoked_at).not.toBeNull();
    expect(rows.find((r) => r.id === full.sessionId)?.mfa_verified_at).not.toBeNull();
    expect((await getPage(t, full, '/console')).statusCode).toBe(200);
    const verified = (await auditRows(t, 'user.mfa_verified')).filter((r) => r.entity_id === user.id);
    expect(JSON.parse(verified.at(-1)?.after_data ?? '{}')).toEqual({ method: 'totp' });

    // The same fresh code cannot be used a second time either.
    const again = await signInWithPassword(t, user);
    const code = totpCodeForStep(secret, Number((await t.database.db.selectFrom('user_account').select('mfa_last_step').where('id', '=', user.id).executeTakeFirstOrThrow()).mfa_last_step));
    expect((await postForm(t, again.browser, '/login/mfa', { code })).statusCode).toBe(400);
  });

  it('accepts a recovery code once, whatever its case and hyphen', async () => {
    const user = await buildUser(t.database, { roles: ['org_member'] });
    const first = await signInWithPassword(t, user);
    const { codes, browser: enrolled } = await enrol(first.browser, user);
    const code = codes[0] ?? '';

    const a = await signInWithPassword(t, user);
    const used = await postForm(t, a.browser, '/login/mfa', { recovery_code: code.toUpperCase().replace('-', ' ') });
    expect(used.statusCode).toBe(303);
    expect(used.headers.location).toBe('/account');
    const verified = (await auditRows(t, 'user.mfa_verified')).filter((r) => r.entity_id === user.id);
    expect(JSON.parse(verified.at(-1)?.after_data ?? '{}')).toEqual({ method: 'recovery_code', remainingRecoveryCodes: 9 });

    const b = await signInWithPassword(t, user);
    const reused = await postForm(t, b.browser, '/login/mfa', { recovery_code: code });
    expect(reused.statusCode).toBe(400);
    expect(reused.body).toContain('Code invalide.');
    expect(reused.body).toMatch(/<details open/);

    const manage = await getPage(t, enrolled, '/account/mfa');
    expect(manage.statusCode).toBe(200);
    expect(manage.body).toMatch(/Codes de secours restants<\/dt><dd>9<\/dd>/);
  });

  it('counts wrong codes toward the lockout and ends the pending session when the account locks', async () => {
    const user = await buildUser(t.database, { roles: ['org_member'] });
    const first = await signInWithPassword(t, user);
    const { secret } = await enrol(first.browser, user);
    const { browser } = await signInWithPassword(t, user);
    for (let i = 0; i < 5; i += 1) {
      const res = await postForm(t, browser, '/login/mfa', { code: wrongCode(secret) });
      expect(res.statusCode).toBe(400);
    }
    const session = await t.database.db.selectFrom('session').select('revoked_at').where('id', '=', browser.sessionId).executeTakeFirstOrThrow();
    expect(session.revoked_at).not.toBeNull();
    expect((await auditRows(t, 'user.locked')).some((r) => r.entity_id === user.id)).toBe(true);
    const after = await postForm(t, browser, '/login/mfa', { code: await freshCode(user.id, secret) });
    expect(after.statusCode).toBe(303);
    expect(after.headers.location).toMatch(/^\/login\?next=/);
    // The password step is locked too, until the lock ends.
    const password = await postForm(t, newBrowser(t), '/login', { email: user.email, password: user.password });
    expect(password.statusCode).toBe(400);
    expect(sessionCookie(password)).toBeUndefined();
  });
});

describe('MFA lockout cannot be side-stepped', () => {
  it('does not let a correct password reset the count of wrong codes (no unlimited guessing by signing in again)', async () => {
    const user = await buildUser(t.database, { roles: ['org_member'] });
    const first = await signInWithPassword(t, user);
    const { secret } = await enrol(first.browser, user);
    const { browser } = await signInWithPassword(t, user);
    for (let i = 0; i < 4; i += 1) expect((await postForm(t, browser, '/login/mfa', { code: wrongCode(secret) })).statusCode).toBe(400);
    // Signing in again with the password opens a new pending session but keeps the four failures.
    const again = await signInWithPassword(t, user);
    expect(again.res.statusCode).toBe(303);
    const count = await t.database.db.selectFrom('user_account').select('failed_login_count').where('id', '=', user.id).executeTakeFirstOrThrow();
    expect(Number(count.failed_login_count)).toBe(4);
    expect((await postForm(t, again.browser, '/login/mfa', { code: wrongCode(secret) })).statusCode).toBe(400);
    expect((await auditRows(t, 'user.locked')).some((r) => r.entity_id === user.id)).toBe(true);
    const locked = await postForm(t, again.browser, '/login/mfa', { code: await freshCode(user.id, secret) });
    expect(locked.statusCode).toBe(303);
    expect(locked.headers.location).toMatch(/^\/login\?next=/);
    // A right code, after the lock, clears the count for good.
    t.clock.advance(2 * 60_000);
    const later = await signInWithPassword(t, user);
    const ok = await postForm(t, later.browser, '/login/mfa', { code: await freshCode(user.id, secret) });
    expect(ok.statusCode).toBe(303);
    expect(ok.headers.location).toBe('/account');
    const cleared = await t.database.db.selectFrom('user_account').select(['failed_login_count', 'locked_until']).where('id', '=', user.id).executeTakeFirstOrThrow();
    expect(Number(cleared.failed_login_count)).toBe(0);
    expect(cleared.locked_until).toBeNull();
  });

  it('judges a burst of concurrent wrong codes one after another: none is checked past the lock', async () => {
    const user = await buildUser(t.database, { roles: ['org_member'] });
    const first = await signInWithPassword(t, user);
    const { secret } = await enrol(first.browser, user);
    const { browser } = await signInWithPassword(t, user);
    const burst = await Promise.all(Array.from({ length: 9 }, () => postForm(t, browser, '/login/mfa', { code: wrongCode(secret) })));
    expect(burst.every((r) => r.statusCode === 400 || r.statusCode === 303)).toBe(true);
    const row = await t.database.db.selectFrom('user_account').select(['failed_login_count', 'locked_until']).where('id', '=', user.id).executeTakeFirstOrThrow();
    // Only the attempts made before the lock were counted as wrong codes; the others met the lock.
    expect(Number(row.failed_login_count)).toBe(5);
    expect(row.locked_until).not.toBeNull();
  });

  it('judges a burst of concurrent wrong passwords one after another: none is checked past the lock', async () => {
    const user = await buildUser(t.database, { roles: ['org_member'] });
    const burst = await Promise.all(Array.from({ length: 9 }, () => postForm(t, newBrowser(t), '/login', { email: user.email, password: 'not the password, sorry' })));
    expect(burst.every((r) => r.statusCode === 400)).toBe(true);
    const row = await t.database.db.selectFrom('user_account').select(['failed_login_count', 'locked_until']).where('id', '=', user.id).executeTakeFirstOrThrow();
    expect(Number(row.failed_login_count)).toBe(5);
    expect(row.locked_until).not.toBeNull();
    const reasons = (await auditRows(t, 'user.login_failed')).filter((r) => r.entity_id === user.id).map((r) => (JSON.parse(r.after_data ?? '{}') as { reason: string }).reason);
    expect(reasons.filter((r) => r === 'wrong_password')).toHaveLength(5);
    expect(reasons.filter((r) => r === 'locked')).toHaveLength(4);
  });
});

describe('managing MFA', () => {
  it('regenerates recovery codes: the new ones work, the old ones no longer do', async () => {
    const user = await buildUser(t.database, { roles: ['analyst'] });
    const first = await signInWithPassword(t, user);
    const { codes: oldCodes, browser } = await enrol(first.browser, user);
    const res = await postForm(t, browser, '/account/mfa/recovery-codes', {});
    expect(res.statusCode).toBe(200);
    expect(res.body).toContain('De nouveaux codes de secours ont été créés');
    const newCodes = [...res.body.matchAll(/<li><code>([a-z0-9-]+)<\/code><\/li>/g)].map((m) => m[1] ?? '');
    expect(newCodes).toHaveLength(10);
    expect(newCodes.some((c) => oldCodes.includes(c))).toBe(false);
    const audit = (await auditRows(t, 'user.recovery_codes_regenerated')).filter((r) => r.entity_id === user.id);
    expect(audit).toHaveLength(1);
    const trail = await auditText(t);
    for (const c of newCodes) expect(trail).not.toContain(c);

    const a = await signInWithPassword(t, user);
    expect((await postForm(t, a.browser, '/login/mfa', { recovery_code: oldCodes[0] ?? '' })).statusCode).toBe(400);
    expect((await postForm(t, a.browser, '/login/mfa', { recovery_code: newCodes[0] ?? '' })).statusCode).toBe(303);
  });

  it('shows the status page with regeneration, and for staff no way to turn MFA off', async () => {
    const user = await buildUser(t.database, { roles: ['analyst'] });
    const first = await signInWithPassword(t, user);
    const { browser } = await enrol(first.browser, user);
    const page = await getPage(t, browser, '/account/mfa');
    expect(page.statusCode).toBe(200);
    expect(page.body).toContain('action="/account/mfa/recovery-codes"');
    expect(page.body).not.toContain('action="/account/mfa/disable"');
    expect(page.body).toContain('elle ne peut pas être désactivée');
    const refused = await postForm(t, browser, '/account/mfa/disable', { password: user.password });
    expect(refused.statusCode).toBe(403);
    const row = await t.database.db.selectFrom('user_account').select('mfa_enabled_at').where('id', '=', user.id).executeTakeFirstOrThrow();
    expect(row.mfa_enabled_at).not.toBeNull();
  });

  it('lets a constituent turn MFA off with the current password, and audits it', async () => {
    const user = await buildUser(t.database, { roles: ['org_manager'] });
    const first = await signInWithPassword(t, user);
    expect(first.res.headers.location).toBe('/account');
    const { browser } = await enrol(first.browser, user);
    const wrong = await postForm(t, browser, '/account/mfa/disable', { password: 'definitely not my password' });
    expect(wrong.statusCode).toBe(400);
    expect(wrong.body).toContain('Le mot de passe actuel est incorrect.');
    const ok = await postForm(t, browser, '/account/mfa/disable', { password: user.password });
    expect(ok.statusCode).toBe(303);
    expect(ok.headers.location).toBe('/account/mfa?done=disabled');
    const row = await t.database.db.selectFrom('user_account').select(['mfa_secret', 'mfa_enabled_at', 'mfa_last_step']).where('id', '=', user.id).executeTakeFirstOrThrow();
    expect(row).toEqual({ mfa_secret: null, mfa_enabled_at: null, mfa_last_step: null });
    const codes = await t.database.db.selectFrom('recovery_code').select('id').where('user_id', '=', user.id).execute();
    expect(codes).toHaveLength(0);
    expect((await auditRows(t, 'user.mfa_disabled')).some((r) => r.entity_id === user.id)).toBe(true);
    expect(await auditText(t)).not.toContain(user.password);
    const page = await getPage(t, browser, '/account/mfa?done=disabled');
    expect(page.body).toContain('La vérification en deux étapes est désactivée.');
    expect(page.body).toContain('href="/account/mfa/setup"');
    // Signing in no longer asks for a code.
    expect((await signInWithPassword(t, user)).res.headers.location).toBe('/account');
  });

  it('signs in a user enrolled outside the pages (sealed secret) and renders the MFA page in Arabic', async () => {
    const secret = generateTotpSecret();
    const placeholder = await buildUser(t.database, { roles: ['org_member'] });
    await t.database.db
      .updateTable('user_account')
      .set({ mfa_secret: sealMfaSecret(t.config.secret, placeholder.id, secret), mfa_enabled_at: new Date().toISOString() })
      .where('id', '=', placeholder.id)
      .execute();
    const { browser } = await signInWithPassword(t, placeholder);
    const ar = await getPage(t, browser, '/login/mfa?lang=ar');
    expect(ar.body).toContain('dir="rtl"');
    expect(ar.body).toContain('التحقق بخطوتين');
    const ok = await postForm(t, browser, '/login/mfa', { code: totpCodeForStep(secret, totpStep(t.clock.now())) });
    expect(ok.statusCode).toBe(303);
  });

  it('lets the MFA step be abandoned by signing out', async () => {
    const user = await buildUser(t.database, { roles: ['org_member'] });
    const first = await signInWithPassword(t, user);
    await enrol(first.browser, user);
    const { browser } = await signInWithPassword(t, user);
    const res = await postForm(t, browser, '/logout', {});
    expect(res.statusCode).toBe(303);
    const row = await t.database.db.selectFrom('session').select('revoked_at').where('id', '=', browser.sessionId).executeTakeFirstOrThrow();
    expect(row.revoked_at).not.toBeNull();
  });

  it('keeps the MFA pages closed to anonymous visitors', async () => {
    for (const url of ['/login/mfa', '/account/mfa/setup', '/account/mfa']) {
      const res = await getPage(t, newBrowser(t), url);
      expect(res.statusCode, url).toBe(303);
      expect(res.headers.location, url).toMatch(/^\/login\?next=/);
    }
    const signedIn = await loginAs(t, await buildUser(t.database, { roles: ['org_member'] }));
    expect((await getPage(t, signedIn, '/login/mfa')).headers.location).toBe('/account');
  });
});
