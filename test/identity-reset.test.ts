import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { buildTestApp, type TestApp } from './helpers/app';
import { buildUser, loginAs, snapshotCounts } from './helpers/factories';
import { auditRows, auditText, getPage, newBrowser, postForm, sessionCookie } from './helpers/identity-flows';
import { hashToken } from '#src/core/ids';
import { createSetupLinkIfNeeded } from '#src/modules/identity/use-cases/create-setup-link';

let t: TestApp;
beforeAll(async () => {
  t = await buildTestApp({ RIBAT_LOGIN_RATE_LIMIT: '1000', RIBAT_FORM_RATE_LIMIT: '1000' });
});
afterAll(async () => {
  await t.close();
});

const newPassword = 'figues de Tanger au petit matin';

async function emailsTo(address: string) {
  return t.database.db.selectFrom('email_message').selectAll().where('to_address', '=', address).orderBy('created_at').orderBy('id').execute();
}

/** Asks for a reset link through the form and returns the link's path read from the queued e-mail. */
async function requestLink(email: string): Promise<string> {
  const res = await postForm(t, newBrowser(t), '/password/forgot', { email });
  expect(res.statusCode).toBe(200);
  const mail = (await emailsTo(email)).filter((m) => m.purpose === 'password_reset').at(-1);
  const match = /http:\/\/localhost:8080(\/password\/reset\/[A-Za-z0-9_-]+)/.exec(mail?.text_body ?? '');
  expect(match).not.toBeNull();
  return match?.[1] ?? '';
}

describe('asking for a reset link', () => {
  it('renders the form with an e-mail field and a way back', async () => {
    const res = await getPage(t, newBrowser(t), '/password/forgot');
    expect(res.statusCode).toBe(200);
    expect(res.body).toMatch(/<input id="f-email" name="email" type="email"[^>]*autocomplete="username"/);
    expect(res.body).toContain('href="/login"');
  });

  it('answers the same for an unknown address and queues an e-mail only for an active account', async () => {
    const user = await buildUser(t.database, { roles: ['org_member'] });
    const disabled = await buildUser(t.database, { roles: ['org_member'], status: 'disabled' });
    const before = await snapshotCounts(t.database);
    const unknown = await postForm(t, newBrowser(t), '/password/forgot', { email: 'ghost@example.ma' });
    const off = await postForm(t, newBrowser(t), '/password/forgot', { email: disabled.email });
    expect(await snapshotCounts(t.database)).toEqual(before);
    const known = await postForm(t, newBrowser(t), '/password/forgot', { email: user.email.toUpperCase() });
    for (const res of [unknown, off, known]) {
      expect(res.statusCode).toBe(200);
      expect(res.body).toContain('Vérifiez votre messagerie');
    }
    const normalise = (html: string, email: string) => html.replace(email, 'EMAIL').replace(/value="[^"]*"/g, '');
    expect(normalise(known.body, user.email.toUpperCase())).toBe(normalise(unknown.body, 'ghost@example.ma'));

    const mails = await emailsTo(user.email);
    expect(mails).toHaveLength(1);
    expect(mails[0]?.purpose).toBe('password_reset');
    expect(mails[0]?.subject).toBe('Ribat : réinitialisation de votre mot de passe');
    expect(mails[0]?.text_body).toMatch(/http:\/\/localhost:8080\/password\/reset\/[A-Za-z0-9_-]{43}/);
    expect(mails[0]?.text_body).toContain('valable une heure');
    const jobs = await t.database.db.selectFrom('job').select('payload').where('kind', '=', 'email.send').execute();
    expect(jobs.some((j) => j.payload.includes(mails[0]?.id ?? 'none'))).toBe(true);
    const tokens = await t.database.db.selectFrom('one_time_token').selectAll().where('user_id', '=', user.id).execute();
    expect(tokens).toHaveLength(1);
    const token = /reset\/([A-Za-z0-9_-]+)/.exec(mails[0]?.text_body ?? '')?.[1] ?? '';
    expect(tokens[0]?.token_hash).toBe(hashToken(token));
    expect(await auditText(t)).not.toContain(token);
  });

  it('writes the e-mail in the user’s language, else the language of the request', async () => {
    const arabic = await buildUser(t.database, { roles: ['org_member'] });
    await t.database.db.updateTable('user_account').set({ locale: 'ar' }).where('id', '=', arabic.id).execute();
    const noPreference = await buildUser(t.database, { roles: ['org_member'] });
    await postForm(t, newBrowser(t), '/password/forgot?lang=en', { email: arabic.email });
    await postForm(t, newBrowser(t), '/password/forgot?lang=en', { email: noPreference.email });
    expect((await emailsTo(arabic.email))[0]?.subject).toBe('Ribat: إعادة تعيين كلمة المرور');
    expect((await emailsTo(noPreference.email))[0]?.subject).toBe('Ribat: reset your password');
  });

  it('points out a malformed address and refuses a form without CSRF', async () => {
    const bad = await postForm(t, newBrowser(t), '/password/forgot', { email: 'not an address' });
    expect(bad.statusCode).toBe(400);
    expect(bad.body).toContain('Adresse e-mail invalide.');
    const before = await snapshotCounts(t.database);
    const user = await buildUser(t.database, { roles: ['org_member'] });
    const after = await snapshotCounts(t.database);
    const forged = await postForm(t, { ...newBrowser(t), csrf: 'forged' }, '/password/forgot', { email: user.email });
    expect(forged.statusCode).toBe(403);
    expect(await snapshotCounts(t.database)).toEqual(after);
    expect(after.email_message).toBe(before.email_message);
  });
});

describe('using a reset link', () => {
  it('sets a new password once, ends every session, clears the lockout, audits and notifies', async () => {
    const user = await buildUser(t.database, { roles: ['org_member'] });
    const other = await loginAs(t, user);
    const second = await loginAs(t, user);
    await t.database.db.updateTable('user_account').set({ failed_login_count: 7, locked_until: new Date(t.clock.now().getTime() + 3600_000).toISOString() }).where('id', '=', user.id).execute();
    const link = await requestLink(user.email);

    const page = await getPage(t, newBrowser(t), link);
    expect(page.statusCode).toBe(200);
    expect(page.headers['cache-control']).toBe('no-store');
    expect(page.body).toContain(user.email);
    expect(page.body).toMatch(/<input id="f-password" name="password" type="password"[^>]*autocomplete="new-password"/);
    expect(page.body).toMatch(/<input id="f-password_confirmation" name="password_confirmation" type="password"[^>]*autocomplete="new-password"/);

    const common = await postForm(t, newBrowser(t), link, { password: 'password1234', password_confirmation: 'password1234' });
    expect(common.statusCode).toBe(400);
    expect(common.body).toContain('Ce mot de passe est trop courant.');
    expect(common.body).not.toContain('value="password1234"');
    const short = await postForm(t, newBrowser(t), link, { password: 'short', password_confirmation: 'short' });
    expect(short.body).toContain('au moins 12 caractères');
    const mismatch = await postForm(t, newBrowser(t), link, { password: newPassword, password_confirmation: `${newPassword}!` });
    expect(mismatch.statusCode).toBe(400);
    expect(mismatch.body).toContain('Les mots de passe ne correspondent pas.');

    const done = await postForm(t, newBrowser(t), link, { password: newPassword, password_confirmation: newPassword });
    expect(done.statusCode).toBe(303);
    expect(done.headers.location).toBe('/login?done=reset');
    const notice = await getPage(t, newBrowser(t), '/login?done=reset');
    expect(notice.body).toContain('Votre mot de passe a été changé.');

    const account = await t.database.db.selectFrom('user_account').select(['password_hash', 'failed_login_count', 'locked_until']).where('id', '=', user.id).executeTakeFirstOrThrow();
    expect(account.password_hash).toMatch(/^\$argon2id\$/);
    expect(Number(account.failed_login_count)).toBe(0);
    expect(account.locked_until).toBeNull();
    const sessions = await t.database.db.selectFrom('session').select('revoked_at').where('id', 'in', [other.sessionId, second.sessionId]).execute();
    expect(sessions.every((s) => s.revoked_at !== null)).toBe(true);
    expect((await getPage(t, other, '/account/mfa')).statusCode).toBe(303);

    const audit = (await auditRows(t, 'user.password_reset')).filter((r) => r.entity_id === user.id);
    expect(audit).toHaveLength(1);
    expect(JSON.parse(audit[0]?.after_data ?? '{}')).toEqual({ revokedSessions: 2 });
    const trail = await auditText(t);
    expect(trail).not.toContain(newPassword);
    expect(trail).not.toContain(account.password_hash ?? 'x');
    expect(trail).not.toContain(link.split('/').at(-1) ?? 'x');
    const changed = (await emailsTo(user.email)).filter((m) => m.purpose === 'password_changed');
    expect(changed).toHaveLength(1);
    expect(changed[0]?.subject).toBe('Ribat : votre mot de passe a été changé');

    // The new password works, the old one does not.
    expect(sessionCookie(await postForm(t, newBrowser(t), '/login', { email: user.email, password: newPassword }))).toBeDefined();
    expect((await postForm(t, newBrowser(t), '/login', { email: user.email, password: user.password })).statusCode).toBe(400);

    // The link worked once.
    const reused = await getPage(t, newBrowser(t), link);
    expect(reused.statusCode).toBe(404);
    expect(reused.body).toContain('Ce lien n’est plus valable');
    expect(reused.body).toContain('href="/password/forgot"');
    const reposted = await postForm(t, newBrowser(t), link, { password: 'another long passphrase here', password_confirmation: 'another long passphrase here' });
    expect(reposted.statusCode).toBe(404);
  });

  it('expires after one hour', async () => {
    const user = await buildUser(t.database, { roles: ['org_member'] });
    const link = await requestLink(user.email);
    t.clock.advance(3600_000 - 5_000);
    expect((await getPage(t, newBrowser(t), link)).statusCode).toBe(200);
    t.clock.advance(10_000);
    const expired = await getPage(t, newBrowser(t), `${link}?lang=ar`);
    expect(expired.statusCode).toBe(404);
    expect(expired.body).toContain('لم يعد هذا الرابط صالحًا');
    const posted = await postForm(t, newBrowser(t), link, { password: newPassword, password_confirmation: newPassword });
    expect(posted.statusCode).toBe(404);
  });

  it('invalidates an earlier link when a new one is asked for', async () => {
    const user = await buildUser(t.database, { roles: ['org_member'] });
    const first = await requestLink(user.email);
    const second = await requestLink(user.email);
    expect((await getPage(t, newBrowser(t), first)).statusCode).toBe(404);
    expect((await getPage(t, newBrowser(t), second)).statusCode).toBe(200);
  });

  it('stops working once the password is changed from the account page', async () => {
    const user = await buildUser(t.database, { roles: ['org_member'] });
    const link = await requestLink(user.email);
    const browser = await loginAs(t, user);
    const changed = await postForm(t, browser, '/account/password', { currentPassword: user.password, newPassword, confirmPassword: newPassword });
    expect(changed.statusCode).toBe(303);
    expect((await getPage(t, newBrowser(t), link)).statusCode).toBe(404);
    const posted = await postForm(t, newBrowser(t), link, { password: 'another long passphrase here', password_confirmation: 'another long passphrase here' });
    expect(posted.statusCode).toBe(404);
    // The password set on the account page is still the one that works.
    expect(sessionCookie(await postForm(t, newBrowser(t), '/login', { email: user.email, password: newPassword }))).toBeDefined();
  });

  it('answers unknown and malformed tokens with the localised 404 page, never a 500', async () => {
    for (const token of ['abc', 'A'.repeat(43), 'x'.repeat(200), '%E2%80%AE', '..%2F..%2Fsetup']) {
      const res = await getPage(t, newBrowser(t), `/password/reset/${token}`);
      expect(res.statusCode, token).toBe(404);
      expect(res.body, token).toContain('Ce lien n’est plus valable');
    }
  });

  it('does not accept a set-up token as a reset token', async () => {
    const admin = await t.database.db.selectFrom('user_role').select('user_id').where('role', '=', 'admin').executeTakeFirst();
    expect(admin).toBeUndefined();
    const setupLink = await createSetupLinkIfNeeded(t.database, t.clock, t.config.publicUrl);
    const token = setupLink?.split('/').at(-1) ?? '';
    expect((await getPage(t, newBrowser(t), `/password/reset/${token}`)).statusCode).toBe(404);
  });
});
