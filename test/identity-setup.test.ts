import { afterEach, beforeEach, describe, expect, it } from 'vitest';
import { buildTestApp, type TestApp } from './helpers/app';
import { buildUser, snapshotCounts } from './helpers/factories';
import { auditRows, auditText, getPage, newBrowser, postForm } from './helpers/identity-flows';
import { createSetupLinkIfNeeded, hasAdministrator } from '#src/modules/identity/use-cases/create-setup-link';

// Each test starts from an installation without any administrator.
let t: TestApp;
beforeEach(async () => {
  t = await buildTestApp({ RIBAT_FORM_RATE_LIMIT: '1000', RIBAT_LOGIN_RATE_LIMIT: '1000' });
});
afterEach(async () => {
  await t.close();
});

const adminPassword = 'la kasbah des Oudayas au lever du jour';

async function setupPath(): Promise<string> {
  const link = await createSetupLinkIfNeeded(t.database, t.clock, t.config.publicUrl);
  expect(link).toMatch(/^http:\/\/localhost:8080\/setup\/[A-Za-z0-9_-]{43}$/);
  return new URL(link ?? '').pathname;
}

const validForm = { email: 'Admin@CERT.gov.ma', display_name: 'Nadia Bennani', password: adminPassword, password_confirmation: adminPassword };

describe('first-administrator set-up', () => {
  it('renders the set-up form in the three languages, with autocomplete hints', async () => {
    const path = await setupPath();
    const fr = await getPage(t, newBrowser(t), path);
    expect(fr.statusCode).toBe(200);
    expect(fr.headers['cache-control']).toBe('no-store');
    expect(fr.body).toContain('Mise en service : premier administrateur');
    expect(fr.body).toMatch(/name="email" type="email"[^>]*autocomplete="username"/);
    expect(fr.body).toMatch(/name="display_name" type="text"[^>]*autocomplete="name"/);
    expect(fr.body).toMatch(/name="password" type="password"[^>]*autocomplete="new-password"/);
    expect(fr.body).toMatch(/name="password_confirmation" type="password"[^>]*autocomplete="new-password"/);
    const ar = await getPage(t, newBrowser(t), `${path}?lang=ar`);
    expect(ar.body).toContain('dir="rtl"');
    expect(ar.body).toContain('التهيئة: المدير الأول');
    const en = await getPage(t, newBrowser(t), `${path}?lang=en`);
    expect(en.body).toContain('Set-up: first administrator');
  });

  it('creates the administrator once, audits it as done by the set-up link, and refuses a second use', async () => {
    const path = await setupPath();
    const res = await postForm(t, newBrowser(t), path, validForm);
    expect(res.statusCode).toBe(303);
    expect(res.headers.location).toBe('/login?done=setup');
    expect(await hasAdministrator(t.database)).toBe(true);

    const user = await t.database.db.selectFrom('user_account').selectAll().where('email', '=', 'admin@cert.gov.ma').executeTakeFirstOrThrow();
    expect(user.display_name).toBe('Nadia Bennani');
    expect(user.status).toBe('active');
    expect(user.organisation_id).toBeNull();
    expect(user.password_hash).toMatch(/^\$argon2id\$/);
    const roles = await t.database.db.selectFrom('user_role').select('role').where('user_id', '=', user.id).execute();
    expect(roles.map((r) => r.role)).toEqual(['admin']);
    const token = await t.database.db.selectFrom('one_time_token').select('used_at').where('purpose', '=', 'setup').executeTakeFirstOrThrow();
    expect(token.used_at).not.toBeNull();

    const audit = await auditRows(t, 'user.created');
    expect(audit).toHaveLength(1);
    expect(audit[0]?.actor_label).toBe('setup');
    expect(audit[0]?.entity_id).toBe(user.id);
    expect(JSON.parse(audit[0]?.after_data ?? '{}')).toMatchObject({ email: 'admin@cert.gov.ma', roles: ['admin'] });
    const trail = await auditText(t);
    expect(trail).not.toContain(adminPassword);
    expect(trail).not.toContain(user.password_hash ?? 'x');
    expect(trail).not.toContain(path.split('/').at(-1) ?? 'x');

    const before = await snapshotCounts(t.database);
    const again = await postForm(t, newBrowser(t), path, { ...validForm, email: 'intruder@example.ma' });
    expect(again.statusCode).toBe(404);
    expect(again.body).toContain('Ce lien n’est plus valable');
    expect((await getPage(t, newBrowser(t), path)).statusCode).toBe(404);
    expect(await snapshotCounts(t.database)).toEqual(before);

    // No new link either, now that an administrator exists.
    expect(await createSetupLinkIfNeeded(t.database, t.clock, t.config.publicUrl)).toBeNull();
  });

  it('leads the new administrator to sign in and enrol MFA', async () => {
    const path = await setupPath();
    await postForm(t, newBrowser(t), path, validForm);
    const notice = await getPage(t, newBrowser(t), '/login?done=setup');
    expect(notice.body).toContain('Le compte administrateur a été créé.');
    const login = await postForm(t, newBrowser(t), '/login', { email: 'admin@cert.gov.ma', password: adminPassword });
    expect(login.statusCode).toBe(303);
    expect(login.headers.location).toBe('/account/mfa/setup');
  });

  it('re-renders the form with each error next to its field, keeping what was typed but not the password, and writes nothing', async () => {
    const path = await setupPath();
    const before = await snapshotCounts(t.database);
    const res = await postForm(t, newBrowser(t), path, { email: 'not-an-address', display_name: '', password: 'motdepasse123', password_confirmation: 'x' });
    expect(res.statusCode).toBe(400);
    expect(res.body).toContain('class="error-summary"');
    expect(res.body).toContain('Adresse e-mail invalide.');
    expect(res.body).toContain('Ce champ est obligatoire.');
    expect(res.body).toContain('Ce mot de passe est trop courant.');
    expect(res.body).toContain('value="not-an-address"');
    expect(res.body).not.toContain('motdepasse123');
    expect(await snapshotCounts(t.database)).toEqual(before);
    // The link still works after a refused attempt.
    expect((await getPage(t, newBrowser(t), path)).statusCode).toBe(200);
  });

  it('refuses an address already used by an account and keeps the link usable', async () => {
    const existing = await buildUser(t.database, { roles: ['org_member'] });
    const path = await setupPath();
    const res = await postForm(t, newBrowser(t), path, { ...validForm, email: existing.email });
    expect(res.statusCode).toBe(400);
    expect(res.body).toContain('Un compte existe déjà avec cette adresse.');
    expect(await hasAdministrator(t.database)).toBe(false);
    expect((await postForm(t, newBrowser(t), path, validForm)).statusCode).toBe(303);
  });

  it('refuses a link once an administrator exists by other means', async () => {
    const path = await setupPath();
    await buildUser(t.database, { roles: ['admin'] });
    const res = await postForm(t, newBrowser(t), path, validForm);
    expect(res.statusCode).toBe(404);
    expect((await getPage(t, newBrowser(t), path)).statusCode).toBe(404);
    const created = await t.database.db.selectFrom('user_account').select('id').where('email', '=', 'admin@cert.gov.ma').executeTakeFirst();
    expect(created).toBeUndefined();
  });

  it('refuses an expired link (24 hours), an unknown one and a form without CSRF', async () => {
    const path = await setupPath();
    const forged = await postForm(t, { ...newBrowser(t), csrf: 'forged' }, path, validForm);
    expect(forged.statusCode).toBe(403);
    expect(await hasAdministrator(t.database)).toBe(false);
    expect((await getPage(t, newBrowser(t), '/setup/unknown-token-value-0123456789abcdefghij')).statusCode).toBe(404);
    t.clock.advance(24 * 3600_000 + 1000);
    const expired = await getPage(t, newBrowser(t), path);
    expect(expired.statusCode).toBe(404);
    expect(expired.body).toContain('redémarrez Ribat');
  });
});
