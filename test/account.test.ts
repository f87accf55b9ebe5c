import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { verify } from '@node-rs/argon2';
import { buildTestApp, type TestApp } from './helpers/app';
import { buildOrganisation, buildUser, form, loginAs, snapshotCounts, type SignedIn } from './helpers/factories';

let t: TestApp;
beforeAll(async () => {
  t = await buildTestApp();
});
afterAll(async () => {
  await t.close();
});

async function get(url: string, browser: SignedIn, headers: Record<string, string> = {}) {
  return t.app.inject({ method: 'GET', url, cookies: browser.cookies, headers });
}

async function post(url: string, browser: SignedIn, fields: Record<string, string | string[]>) {
  const body = form(fields, browser.csrf);
  return t.app.inject({ method: 'POST', url, cookies: browser.cookies, payload: body.payload, headers: body.headers });
}

async function auditRows(action: string, entityId: string) {
  return t.database.db.selectFrom('audit_event').selectAll().where('action', '=', action).where('entity_id', '=', entityId).orderBy('seq').execute();
}

describe('GET /account', () => {
  it('sends an anonymous visitor to the sign-in page', async () => {
    const res = await t.app.inject({ method: 'GET', url: '/account' });
    expect(res.statusCode).toBe(303);
    expect(res.headers.location).toBe('/login?next=%2Faccount');
  });

  it('shows name, e-mail, translated roles, organisation, MFA status with its link and last sign-in', async () => {
    const org = await buildOrganisation(t.database, { nameFr: 'Office National de Test' });
    const user = await buildUser(t.database, { roles: ['org_manager'], organisationId: org.id, displayName: 'Salma Idrissi' });
    const lastLogin = new Date('2025-03-04T10:20:00Z');
    await t.database.db.updateTable('user_account').set({ last_login_at: lastLogin.toISOString() }).where('id', '=', user.id).execute();
    const res = await get('/account', await loginAs(t, user));
    expect(res.statusCode).toBe(200);
    expect(res.headers['cache-control']).toBe('no-store');
    expect(res.body).toContain('Salma Idrissi');
    expect(res.body).toContain(user.email);
    expect(res.body).toContain('Responsable d’organisation');
    expect(res.body).toContain('Office National de Test');
    expect(res.body).toContain('Non activée');
    expect(res.body).toContain('href="/account/mfa"');
    expect(res.body).toContain('2025');
    expect(res.body).toContain('<meta name="robots" content="noindex"/>');
    expect(res.body).not.toMatch(/\sstyle=/);
    expect(res.body).not.toMatch(/<script(?![^>]*\bsrc=)/);
  });

  it('shows MFA as on, with its date, for an enrolled user, and no organisation for staff', async () => {
    const user = await buildUser(t.database, { roles: ['analyst', 'reviewer'], mfaSecret: 'JBSWY3DPEHPK3PXP' });
    const res = await get('/account', await loginAs(t, user));
    expect(res.body).toContain('Activée depuis le');
    expect(res.body).toContain('Analyste, Relecteur');
    expect(res.body).toMatch(/Organisation<\/dt><dd>Aucune<\/dd>/);
  });
});

describe('POST /account/profile', () => {
  it('saves name and language, audits user.profile_updated, and the next page is in Arabic, right to left', async () => {
    const user = await buildUser(t.database, { displayName: 'Old Name' });
    const browser = await loginAs(t, user);
    const res = await post('/account/profile', browser, { displayName: '  Nadia   Benali ', locale: 'ar' });
    expect(res.statusCode).toBe(303);
    expect(res.headers.location).toBe('/account?saved=profile');

    const row = await t.database.db.selectFrom('user_account').select(['display_name', 'locale']).where('id', '=', user.id).executeTakeFirstOrThrow();
    expect(row).toEqual({ display_name: 'Nadia Benali', locale: 'ar' });
    const audit = await auditRows('user.profile_updated', user.id);
    expect(audit).toHaveLength(1);
    expect(JSON.parse(audit[0]?.before_data ?? 'null')).toEqual({ displayName: 'Old Name', locale: null });
    expect(JSON.parse(audit[0]?.after_data ?? 'null')).toEqual({ displayName: 'Nadia Benali', locale: 'ar' });
    expect(audit[0]?.actor_id).toBe(user.id);

    const page = await get(res.headers.location as string, browser, { 'accept-language': 'fr' });
    expect(page.body).toContain('<html lang="ar" dir="rtl">');
    expect(page.body).toContain('تم حفظ ملفك الشخصي.');

    // Back to "browser default": Accept-Language decides again.
    const reset = await post('/account/profile', browser, { displayName: 'Nadia Benali', locale: '' });
    expect(reset.statusCode).toBe(303);
    const english = await get('/account', browser, { 'accept-language': 'en-GB,en;q=0.9' });
    expect(english.body).toContain('<html lang="en" dir="ltr">');
    const stored = await t.database.db.selectFrom('user_account').select('locale').where('id', '=', user.id).executeTakeFirstOrThrow();
    expect(stored.locale).toBeNull();
  });

  it('writes nothing and audits nothing when nothing changed', async () => {
    const user = await buildUser(t.database, { displayName: 'Same Name' });
    const browser = await loginAs(t, user);
    const before = await snapshotCounts(t.database);
    const res = await post('/account/profile', browser, { displayName: 'Same Name', locale: '' });
    expect(res.statusCode).toBe(303);
    expect(await snapshotCounts(t.database)).toEqual(before);
  });

  it('re-renders with 400, an error summary and each error next to its field, keeping what was typed', async () => {
    const user = await buildUser(t.database, { displayName: 'Kept Name' });
    const browser = await loginAs(t, user);
    const before = await snapshotCounts(t.database);
    const long = 'x'.repeat(121);
    const res = await post('/account/profile', browser, { displayName: long, locale: 'de' });
    expect(res.statusCode).toBe(400);
    expect(res.body).toContain('class="error-summary"');
    expect(res.body).toContain('href="#f-displayName"');
    expect(res.body).toContain('href="#f-locale"');
    expect(res.body).toContain('Trop long (maximum 120).');
    expect(res.body).toContain('Choix invalide.');
    expect(res.body).toContain(`value="${long}"`);
    expect(await snapshotCounts(t.database)).toEqual(before);
    const row = await t.database.db.selectFrom('user_account').select('display_name').where('id', '=', user.id).executeTakeFirstOrThrow();
    expect(row.display_name).toBe('Kept Name');

    const empty = await post('/account/profile', browser, { displayName: '   ', locale: 'fr' });
    expect(empty.statusCode).toBe(400);
    expect(empty.body).toContain('Ce champ est obligatoire.');
  });
});

describe('POST /account/password', () => {
  const strong = 'Le chat de Tanger mange des figues';

  it('refuses a wrong current password, naming the field, and changes nothing', async () => {
    const user = await buildUser(t.database);
    const browser = await loginAs(t, user);
    const before = await snapshotCounts(t.database);
    const res = await post('/account/password', browser, { currentPassword: 'not my password at all', newPassword: strong, confirmPassword: strong });
    expect(res.statusCode).toBe(400);
    expect(res.body).toContain('href="#f-currentPassword"');
    expect(res.body).toContain('Le mot de passe actuel est incorrect.');
    expect(res.body).not.toContain(strong);
    expect(res.body).not.toContain('not my password at all');
    expect(await snapshotCounts(t.database)).toEqual(before);
  });

  it.each([
    ['short', 'court-123', 'Le mot de passe doit contenir au moins 12 caractères.'],
    ['common', 'password1234', 'Ce mot de passe est trop courant. Choisissez-en un autre.'],
  ])('refuses a %s new password next to the new-password field', async (_kind, candidate, message) => {
    const user = await buildUser(t.database);
    const browser = await loginAs(t, user);
    const before = await snapshotCounts(t.database);
    const res = await post('/account/password', browser, { currentPassword: user.password, newPassword: candidate, confirmPassword: candidate });
    expect(res.statusCode).toBe(400);
    expect(res.body).toContain('href="#f-newPassword"');
    expect(res.body).toMatch(new RegExp(`id="f-newPassword-error">${message.replace(/[.()]/g, '\\$&')}`));
    expect(res.body).not.toContain(candidate);
    expect(await snapshotCounts(t.database)).toEqual(before);
  });

  it('refuses a confirmation that does not match, and a new password equal to the current one', async () => {
    const user = await buildUser(t.database);
    const browser = await loginAs(t, user);
    const mismatch = await post('/account/password', browser, { currentPassword: user.password, newPassword: strong, confirmPassword: `${strong}!` });
    expect(mismatch.statusCode).toBe(400);
    expect(mismatch.body).toContain('id="f-confirmPassword-error">Les mots de passe ne correspondent pas.');
    const same = await post('/account/password', browser, { currentPassword: user.password, newPassword: user.password, confirmPassword: user.password });
    expect(same.statusCode).toBe(400);
    expect(same.body).toContain('id="f-newPassword-error">Le nouveau mot de passe doit être différent de l’actuel.');
  });

  it('changes the password, signs out every other session, audits and queues a notice e-mail', async () => {
    const user = await buildUser(t.database, { displayName: 'Youssef Alaoui' });
    const current = await loginAs(t, user);
    const other = await loginAs(t, user);
    const third = await loginAs(t, user);
    const stranger = await loginAs(t, await buildUser(t.database));

    const res = await post('/account/password', current, { currentPassword: user.password, newPassword: strong, confirmPassword: strong });
    expect(res.statusCode).toBe(303);
    expect(res.headers.location).toBe('/account?saved=password&sessions=2');

    const row = await t.database.db.selectFrom('user_account').select(['password_hash', 'password_changed_at']).where('id', '=', user.id).executeTakeFirstOrThrow();
    expect(await verify(row.password_hash as string, strong)).toBe(true);
    expect(await verify(row.password_hash as string, user.password)).toBe(false);

    expect((await get('/account', current)).statusCode).toBe(200);
    expect((await get('/account', other)).statusCode).toBe(303);
    expect((await get('/account', third)).statusCode).toBe(303);
    expect((await get('/account', stranger)).statusCode).toBe(200);
    const page = await get(res.headers.location as string, current);
    expect(page.body).toContain('Votre mot de passe a été changé. Autres sessions fermées : 2.');

    const audit = await auditRows('user.password_changed', user.id);
    expect(audit).toHaveLength(1);
    expect(JSON.parse(audit[0]?.after_data ?? '{}')).toMatchObject({ revokedSessions: 2 });
    expect(audit[0]?.after_data).not.toContain('argon2');

    const mail = await t.database.db.selectFrom('email_message').selectAll().where('to_address', '=', user.email).execute();
    expect(mail).toHaveLength(1);
    expect(mail[0]?.purpose).toBe('password_changed');
    expect(mail[0]?.subject).toContain('Votre mot de passe a été changé');
    expect(mail[0]?.text_body).toContain('Youssef Alaoui');
    expect(mail[0]?.text_body).not.toContain(strong);
    const job = await t.database.db.selectFrom('job').select('kind').where('idempotency_key', '=', `email:${mail[0]?.id}`).executeTakeFirst();
    expect(job?.kind).toBe('email.send');
  });
});

describe('CSRF on account forms', () => {
  it.each(['/account/profile', '/account/password', '/account/tokens', '/account/sessions/revoke-others'])('POST %s without the token → 403 and nothing written', async (url) => {
    const user = await buildUser(t.database);
    await loginAs(t, user);
    const browser = await loginAs(t, user);
    const before = await snapshotCounts(t.database);
    const fields = { displayName: 'Forged', locale: 'en', currentPassword: user.password, newPassword: 'orange-tramway-sous-la-pluie', confirmPassword: 'orange-tramway-sous-la-pluie', name: 'forged', scopes: 'read', expiresInDays: '30' };
    const res = await t.app.inject({ method: 'POST', url, cookies: browser.cookies, payload: new URLSearchParams(fields).toString(), headers: { 'content-type': 'application/x-www-form-urlencoded' } });
    expect(res.statusCode).toBe(403);
    expect(await snapshotCounts(t.database)).toEqual(before);
    const wrong = form(fields, 'not-the-right-token');
    const res2 = await t.app.inject({ method: 'POST', url, cookies: browser.cookies, payload: wrong.payload, headers: wrong.headers });
    expect(res2.statusCode).toBe(403);
    expect(await snapshotCounts(t.database)).toEqual(before);
  });

  it('POST revoke of a token or a session without the token → 403 and nothing revoked', async () => {
    const user = await buildUser(t.database);
    const browser = await loginAs(t, user);
    const other = await loginAs(t, user);
    const created = await post('/account/tokens', browser, { name: 'csrf target', scopes: 'read', expiresInDays: '30' });
    expect(created.statusCode).toBe(200);
    const token = await t.database.db.selectFrom('api_token').select('id').where('user_id', '=', user.id).executeTakeFirstOrThrow();
    const sessions = (await t.app.inject({ method: 'GET', url: '/api/v1/sessions', cookies: browser.cookies })).json<{ items: { id: string; current: boolean }[] }>();
    const otherId = sessions.items.find((s) => !s.current)?.id as string;
    const before = await snapshotCounts(t.database);
    for (const url of [`/account/tokens/${token.id}/revoke`, `/account/sessions/${otherId}/revoke`]) {
      const res = await t.app.inject({ method: 'POST', url, cookies: browser.cookies, payload: '', headers: { 'content-type': 'application/x-www-form-urlencoded' } });
      expect(res.statusCode).toBe(403);
    }
    expect(await snapshotCounts(t.database)).toEqual(before);
    const still = await t.database.db.selectFrom('api_token').select('revoked_at').where('id', '=', token.id).executeTakeFirstOrThrow();
    expect(still.revoked_at).toBeNull();
    expect((await get('/account', other)).statusCode).toBe(200);
  });
});
