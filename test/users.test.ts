import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { verifyPassword } from '#src/modules/identity/password';
import { hashToken, newId, randomToken } from '#src/core/ids';
import { fromDbTime, toDbTime } from '#src/core/time';
import { buildTestApp, type TestApp } from './helpers/app';
import { anonymousBrowser, buildOrganisation, buildUser, form, loginAs, snapshotCounts, type SignedIn, type UserFixture } from './helpers/factories';

let t: TestApp;
let admin: UserFixture;
let browser: SignedIn;
beforeAll(async () => {
  t = await buildTestApp({ RIBAT_FORM_RATE_LIMIT: '10000' });
  admin = await buildUser(t.database, { roles: ['admin'] });
  browser = await loginAs(t, admin);
});
afterAll(async () => {
  await t.close();
});

function post(who: SignedIn, url: string, fields: Record<string, string | string[]>) {
  return t.app.inject({ method: 'POST', url, cookies: who.cookies, ...form(fields, who.csrf) });
}

function get(who: SignedIn, url: string) {
  return t.app.inject({ method: 'GET', url, cookies: who.cookies });
}

async function userByEmail(email: string) {
  return t.database.db.selectFrom('user_account').selectAll().where('email', '=', email).executeTakeFirstOrThrow();
}

async function rolesOf(userId: string): Promise<string[]> {
  return (await t.database.db.selectFrom('user_role').select('role').where('user_id', '=', userId).execute()).map((r) => r.role).sort();
}

async function auditOf(entityId: string) {
  return t.database.db.selectFrom('audit_event').selectAll().where('entity_id', '=', entityId).orderBy('seq').execute();
}

function activationToken(text: string): string {
  const match = /http:\/\/localhost:8080\/activate\/([A-Za-z0-9_-]+)/.exec(text);
  if (!match?.[1]) throw new Error(`no activation link in: ${text}`);
  return match[1];
}

async function invitationFor(email: string) {
  const rows = await t.database.db.selectFrom('email_message').selectAll().where('to_address', '=', email).orderBy('created_at').execute();
  return rows;
}

/** Inserts a live session and a live API token for a user; returns the bearer token. */
async function giveSessionsAndToken(user: UserFixture): Promise<string> {
  await loginAs(t, user);
  await loginAs(t, user);
  const bearer = `ribat_${randomToken(24)}`;
  const now = t.clock.now();
  await t.database.db
    .insertInto('api_token')
    .values({ id: newId(), user_id: user.id, name: 'ci', prefix: bearer.slice(0, 12), token_hash: hashToken(bearer), scopes: '["read"]', created_at: toDbTime(now), expires_at: toDbTime(new Date(now.getTime() + 86_400_000)), last_used_at: null, revoked_at: null })
    .execute();
  return bearer;
}

describe('creating users from the console', () => {
  it('shows the creation form with every role and the organisations to an administrator', async () => {
    const org = await buildOrganisation(t.database, { nameFr: 'Banque Alpha' });
    const res = await get(browser, '/console/users/new');
    expect(res.statusCode).toBe(200);
    expect(res.body).toContain('name="_csrf"');
    for (const label of ['Administrateur', 'Analyste', 'Responsable d’organisation', 'Membre d’organisation']) expect(res.body).toContain(label);
    expect(res.body).toContain(`value="${org.id}"`);
    expect(res.body).toContain('Banque Alpha');
    expect(res.body).not.toContain('type="password"');
  });

  it('creates a staff user without a password, queues a working invitation and audits it in one go', async () => {
    const res = await post(browser, '/console/users/new', { email: 'Nadia.Staff@Example.MA', displayName: '  Nadia   Staff ', roles: ['analyst', 'author'], organisationId: '', locale: 'en' });
    expect(res.statusCode, res.body).toBe(303);
    const row = await userByEmail('nadia.staff@example.ma');
    expect(res.headers.location).toBe(`/console/users/${row.id}?done=created`);
    expect(row.display_name).toBe('Nadia Staff');
    expect(row.password_hash).toBeNull();
    expect(row.organisation_id).toBeNull();
    expect(row.locale).toBe('en');
    expect(await rolesOf(row.id)).toEqual(['analyst', 'author']);

    const mails = await invitationFor('nadia.staff@example.ma');
    expect(mails).toHaveLength(1);
    const mail = mails[0];
    expect(mail?.purpose).toBe('user.invitation');
    expect(mail?.subject).toBe('Your Ribat account');
    expect(mail?.text_body).toContain('Hello Nadia Staff');
    const token = activationToken(mail?.text_body ?? '');
    const tokenRow = await t.database.db.selectFrom('one_time_token').selectAll().where('token_hash', '=', hashToken(token)).executeTakeFirstOrThrow();
    expect(tokenRow.purpose).toBe('activation');
    const ttl = fromDbTime(tokenRow.expires_at).getTime() - fromDbTime(tokenRow.created_at).getTime();
    expect(ttl).toBe(7 * 24 * 3600 * 1000);
    const job = await t.database.db.selectFrom('job').selectAll().where('idempotency_key', '=', `email:${mail?.id ?? ''}`).executeTakeFirst();
    expect(job?.kind).toBe('email.send');

    const audit = await auditOf(row.id);
    expect(audit.map((a) => a.action)).toEqual(['user.created']);
    expect(audit[0]?.actor_id).toBe(admin.id);
    expect(JSON.parse(audit[0]?.after_data ?? '{}')).toMatchObject({ email: 'nadia.staff@example.ma', roles: ['analyst', 'author'], organisationId: null, status: 'active' });

    const page = await get(browser, res.headers.location as string);
    expect(page.statusCode).toBe(200);
    expect(page.body).toContain('Le compte a été créé et une invitation a été envoyée à nadia.staff@example.ma');
    expect(page.body).toContain('Invitation en attente');
  });

  it('creates an organisation member in an organisation, invited in French by default', async () => {
    const org = await buildOrganisation(t.database);
    const res = await post(browser, '/console/users/new', { email: 'karim@org.example.ma', displayName: 'Karim', roles: ['org_member'], organisationId: org.id, locale: '' });
    expect(res.statusCode, res.body).toBe(303);
    const row = await userByEmail('karim@org.example.ma');
    expect(row.organisation_id).toBe(org.id);
    expect(await rolesOf(row.id)).toEqual(['org_member']);
    const [mail] = await invitationFor('karim@org.example.ma');
    expect(mail?.subject).toBe('Votre compte Ribat');
    expect(mail?.text_body).toContain('/activate/');
  });

  it('re-renders the form with 400, an error summary and each field error, keeping what was typed', async () => {
    const org = await buildOrganisation(t.database);
    const before = await snapshotCounts(t.database);
    const taken = await post(browser, '/console/users/new', { email: 'NADIA.staff@example.ma', displayName: 'Someone Else', roles: ['analyst'], organisationId: '', locale: 'fr' });
    expect(taken.statusCode).toBe(400);
    expect(taken.body).toContain('class="error-summary"');
    expect(taken.body).toContain('Un compte existe déjà avec cette adresse.');
    expect(taken.body).toContain('value="NADIA.staff@example.ma"');
    expect(taken.body).toContain('value="Someone Else"');

    const staffInOrg = await post(browser, '/console/users/new', { email: 'staff2@example.ma', displayName: 'S', roles: ['analyst'], organisationId: org.id, locale: 'fr' });
    expect(staffInOrg.statusCode).toBe(400);
    expect(staffInOrg.body).toContain('Le personnel du CERT ne doit pas être rattaché à une organisation.');

    const mixed = await post(browser, '/console/users/new', { email: 'mixed@example.ma', displayName: 'M', roles: ['analyst', 'org_member'], organisationId: org.id, locale: 'fr' });
    expect(mixed.statusCode).toBe(400);
    expect(mixed.body).toContain('Un compte ne peut pas cumuler');
    expect(mixed.body).toMatch(/<input[^>]*value="analyst"[^>]*checked/);

    const memberWithoutOrg = await post(browser, '/console/users/new', { email: 'm2@example.ma', displayName: 'M', roles: ['org_member'], organisationId: '', locale: 'fr' });
    expect(memberWithoutOrg.statusCode).toBe(400);
    expect(memberWithoutOrg.body).toContain('Une organisation est requise pour ce rôle.');

    const empty = await post(browser, '/console/users/new', { email: 'not an address', displayName: '', locale: 'fr' });
    expect(empty.statusCode).toBe(400);
    expect(empty.body).toContain('Adresse e-mail invalide.');
    expect(empty.body).toContain('href="#f-displayName"');
    expect(empty.body).toContain('href="#f-roles"');

    expect(await snapshotCounts(t.database)).toEqual(before);
  });
});

describe('account activation', () => {
  let token: string;
  let email: string;
  beforeAll(async () => {
    email = 'salma@example.ma';
    const res = await post(browser, '/console/users/new', { email, displayName: 'Salma', roles: ['reviewer'], organisationId: '', locale: 'fr' });
    expect(res.statusCode).toBe(303);
    const [mail] = await invitationFor(email);
    token = activationToken(mail?.text_body ?? '');
  });

  it('shows the password form for a valid link', async () => {
    const res = await t.app.inject({ method: 'GET', url: `/activate/${token}` });
    expect(res.statusCode).toBe(200);
    expect(res.body).toContain(email);
    expect(res.body).toContain('autocomplete="new-password"');
  });

  it('checks the password policy and the confirmation, never echoing the password', async () => {
    const anon = anonymousBrowser(t);
    const short = await post(anon, `/activate/${token}`, { password: 'short', confirmation: 'short' });
    expect(short.statusCode).toBe(400);
    expect(short.body).toContain('au moins 12 caractères');
    const mismatch = await post(anon, `/activate/${token}`, { password: 'lantern orchard velvet 1987', confirmation: 'lantern orchard velvet 1988' });
    expect(mismatch.statusCode).toBe(400);
    expect(mismatch.body).toContain('Les mots de passe ne correspondent pas.');
    expect(mismatch.body).not.toContain('lantern orchard');
    expect((await userByEmail(email)).password_hash).toBeNull();
  });

  it('sets the password once, audits the activation and sends the user to the sign-in page', async () => {
    const anon = anonymousBrowser(t);
    const res = await post(anon, `/activate/${token}`, { password: 'lantern orchard velvet 1987', confirmation: 'lantern orchard velvet 1987' });
    expect(res.statusCode, res.body).toBe(303);
    expect(res.headers.location).toBe('/login');
    const row = await userByEmail(email);
    expect(await verifyPassword(row.password_hash, 'lantern orchard velvet 1987')).toBe(true);
    expect(row.password_changed_at).not.toBeNull();
    const audit = await auditOf(row.id);
    expect(audit.map((a) => a.action)).toEqual(['user.created', 'user.activated']);
    expect(audit[1]?.actor_id).toBe(row.id);
    expect(audit[1]?.after_data).not.toMatch(/argon|hash/i);
  });

  it('answers a used, unknown or expired link with a localised 404 page and changes nothing', async () => {
    const before = await snapshotCounts(t.database);
    const used = await t.app.inject({ method: 'GET', url: `/activate/${token}?lang=en` });
    expect(used.statusCode).toBe(404);
    expect(used.body).toContain('Invalid activation link');
    const reuse = await post(anonymousBrowser(t), `/activate/${token}`, { password: 'another long pass phrase', confirmation: 'another long pass phrase' });
    expect(reuse.statusCode).toBe(404);
    const unknown = await t.app.inject({ method: 'GET', url: `/activate/${randomToken(32)}`, headers: { 'accept-language': 'ar' } });
    expect(unknown.statusCode).toBe(404);
    expect(unknown.body).toContain('رابط التفعيل غير صالح');
    expect(await snapshotCounts(t.database)).toEqual(before);

    await post(browser, '/console/users/new', { email: 'late@example.ma', displayName: 'Late', roles: ['author'], organisationId: '', locale: 'fr' });
    const [mail] = await invitationFor('late@example.ma');
    const lateToken = activationToken(mail?.text_body ?? '');
    t.clock.advance(7 * 24 * 3600 * 1000 + 1000);
    try {
      const expired = await t.app.inject({ method: 'GET', url: `/activate/${lateToken}` });
      expect(expired.statusCode).toBe(404);
    } finally {
      t.clock.advance(-(7 * 24 * 3600 * 1000 + 1000));
    }
  });
});

describe('listing users', () => {
  it('shows name, e-mail, translated roles, organisation, status, MFA and last sign-in, with filters', async () => {
    const res = await get(browser, '/console/users?lang=en');
    expect(res.statusCode).toBe(200);
    expect(res.body).toContain('nadia.staff@example.ma');
    expect(res.body).toContain('Analyst, Author');
    expect(res.body).toContain('Invitation pending');
    expect(res.body).toContain('Never');
    expect(res.body).toContain('name="q"');
    expect(res.body).toContain('name="organisationId"');

    const filtered = await get(browser, '/console/users?q=NADIA');
    expect(filtered.body).toContain('nadia.staff@example.ma');
    expect(filtered.body).not.toContain('karim@org.example.ma');
    const byRole = await get(browser, '/console/users?role=org_member');
    expect(byRole.body).toContain('karim@org.example.ma');
    expect(byRole.body).not.toContain('nadia.staff@example.ma');
    const wildcard = await get(browser, '/console/users?q=%25');
    expect(wildcard.body).toContain('Aucun utilisateur ne correspond');
  });

  it('pages with a "next page" link that keeps the filters', async () => {
    const org = await buildOrganisation(t.database);
    for (let i = 0; i < 52; i += 1) await buildUser(t.database, { roles: ['org_member'], organisationId: org.id, displayName: `Paged ${i}` });
    const first = await get(browser, `/console/users?organisationId=${org.id}`);
    const next = /href="(\/console\/users\?[^"]*cursor=[^"]+)"/.exec(first.body)?.[1]?.replace(/&amp;/g, '&');
    expect(next).toBeDefined();
    expect(next).toContain(`organisationId=${org.id}`);
    const second = await get(browser, next ?? '');
    expect(second.statusCode).toBe(200);
    const rows = (body: string) => (body.match(/Paged \d+/g) ?? []).length;
    expect(rows(first.body)).toBe(50);
    expect(rows(second.body)).toBe(2);
    expect(second.body).not.toContain('rel="next"');
  });
});

describe('editing a user', () => {
  it('changes display name, roles and organisation, bumping the version and auditing before and after', async () => {
    const target = await buildUser(t.database, { roles: ['analyst'], displayName: 'Old Name' });
    const page = await get(browser, `/console/users/${target.id}`);
    expect(page.statusCode).toBe(200);
    expect(page.body).toContain('name="version" value="1"');
    const res = await post(browser, `/console/users/${target.id}`, { displayName: 'New Name', roles: ['coordinator', 'analyst'], organisationId: '', version: '1' });
    expect(res.statusCode, res.body).toBe(303);
    expect(res.headers.location).toBe(`/console/users/${target.id}?done=saved`);
    const row = await userByEmail(target.email);
    expect(row.display_name).toBe('New Name');
    expect(Number(row.version)).toBe(2);
    expect(await rolesOf(target.id)).toEqual(['analyst', 'coordinator']);
    const [event] = await auditOf(target.id);
    expect(event?.action).toBe('user.updated');
    expect(JSON.parse(event?.before_data ?? '{}')).toMatchObject({ displayName: 'Old Name', roles: ['analyst'] });
    expect(JSON.parse(event?.after_data ?? '{}')).toMatchObject({ displayName: 'New Name', roles: ['analyst', 'coordinator'] });
    expect(`${event?.before_data}${event?.after_data}`).not.toMatch(/hash|secret|failed/i);
  });

  it('answers a stale version with 409, keeping both the submitted values and the saved ones', async () => {
    const target = await buildUser(t.database, { roles: ['analyst'], displayName: 'Original' });
    // Someone else saves first, from version 1.
    expect((await post(browser, `/console/users/${target.id}`, { displayName: 'Saved By Colleague', roles: ['analyst'], organisationId: '', version: '1' })).statusCode).toBe(303);
    const rowBefore = await userByEmail(target.email);
    const res = await post(browser, `/console/users/${target.id}`, { displayName: 'My Late Edit', roles: ['reviewer'], organisationId: '', version: '1' });
    expect(res.statusCode).toBe(409);
    expect(res.body).toContain('Quelqu’un a modifié cet élément entre-temps.');
    expect(res.body).toContain('value="My Late Edit"');
    expect(res.body).toMatch(/<input[^>]*value="reviewer"[^>]*checked/);
    expect(res.body).toContain('<dd>Saved By Colleague</dd>');
    // The form now carries the saved version, so saving again applies the edit deliberately.
    expect(res.body).toContain('name="version" value="2"');
    expect(await userByEmail(target.email)).toEqual(rowBefore);
    expect(await rolesOf(target.id)).toEqual(['analyst']);
  });

  it('refuses to let administrators remove their own administrator role', async () => {
    const before = await snapshotCounts(t.database);
    const res = await post(browser, `/console/users/${admin.id}`, { displayName: 'Me', roles: ['analyst'], organisationId: '', version: String((await userByEmail(admin.email)).version) });
    expect(res.statusCode).toBe(400);
    expect(res.body).toContain('Vous ne pouvez pas retirer votre propre rôle d’administrateur.');
    expect(await rolesOf(admin.id)).toEqual(['admin']);
    expect(await snapshotCounts(t.database)).toEqual(before);
  });
});

describe('disabling and enabling', () => {
  it('disables a user, revoking every session and API token in the same transaction', async () => {
    const target = await buildUser(t.database, { roles: ['analyst'] });
    const bearer = await giveSessionsAndToken(target);
    const targetBrowser = await loginAs(t, target);
    expect((await t.app.inject({ method: 'GET', url: '/api/v1/users', headers: { authorization: `Bearer ${bearer}` } })).statusCode).toBe(403);

    const res = await post(browser, `/console/users/${target.id}/disable`, {});
    expect(res.statusCode, res.body).toBe(303);
    expect(res.headers.location).toBe(`/console/users/${target.id}?done=disabled`);
    expect((await userByEmail(target.email)).status).toBe('disabled');
    const liveSessions = await t.database.db.selectFrom('session').select('id').where('user_id', '=', target.id).where('revoked_at', 'is', null).execute();
    expect(liveSessions).toEqual([]);
    const liveTokens = await t.database.db.selectFrom('api_token').select('id').where('user_id', '=', target.id).where('revoked_at', 'is', null).execute();
    expect(liveTokens).toEqual([]);
    expect((await t.app.inject({ method: 'GET', url: '/api/v1/users', headers: { authorization: `Bearer ${bearer}` } })).statusCode).toBe(401);
    const signedOut = await get(targetBrowser, '/console/users');
    expect(signedOut.statusCode).toBe(303);
    const [event] = await auditOf(target.id);
    expect(event?.action).toBe('user.disabled');
    expect(JSON.parse(event?.after_data ?? '{}')).toMatchObject({ status: 'disabled', revokedSessions: 3, revokedTokens: 1 });

    const page = await get(browser, `/console/users/${target.id}`);
    expect(page.body).toContain('Désactivé');
    expect(page.body).toContain(`action="/console/users/${target.id}/enable"`);

    const enabled = await post(browser, `/console/users/${target.id}/enable`, {});
    expect(enabled.statusCode).toBe(303);
    expect((await userByEmail(target.email)).status).toBe('active');
    expect((await auditOf(target.id)).map((a) => a.action)).toEqual(['user.disabled', 'user.enabled']);
    // Revoked credentials stay revoked.
    expect((await t.app.inject({ method: 'GET', url: '/api/v1/users', headers: { authorization: `Bearer ${bearer}` } })).statusCode).toBe(401);
  });

  it('refuses to let administrators disable themselves (409 with the reason) and changes nothing', async () => {
    const ownPage = await get(browser, `/console/users/${admin.id}`);
    expect(ownPage.body).not.toContain(`/console/users/${admin.id}/disable`);
    const before = await snapshotCounts(t.database);
    const res = await post(browser, `/console/users/${admin.id}/disable`, {});
    expect(res.statusCode).toBe(409);
    expect(res.body).toContain('Vous ne pouvez pas désactiver votre propre compte.');
    expect((await userByEmail(admin.email)).status).toBe('active');
    expect(await snapshotCounts(t.database)).toEqual(before);
  });
});

describe('resending an invitation', () => {
  it('sends a new link to a user who never activated; the old link stops working', async () => {
    await post(browser, '/console/users/new', { email: 'resend@example.ma', displayName: 'Resend', roles: ['author'], organisationId: '', locale: 'fr' });
    const row = await userByEmail('resend@example.ma');
    const [first] = await invitationFor('resend@example.ma');
    const oldToken = activationToken(first?.text_body ?? '');
    const res = await post(browser, `/console/users/${row.id}/resend-invitation`, {});
    expect(res.statusCode).toBe(303);
    const mails = await invitationFor('resend@example.ma');
    expect(mails).toHaveLength(2);
    const newToken = activationToken(mails[1]?.text_body ?? '');
    expect(newToken).not.toBe(oldToken);
    expect((await t.app.inject({ method: 'GET', url: `/activate/${oldToken}` })).statusCode).toBe(404);
    expect((await t.app.inject({ method: 'GET', url: `/activate/${newToken}` })).statusCode).toBe(200);
    expect((await auditOf(row.id)).map((a) => a.action)).toEqual(['user.created', 'user.invitation_sent']);
  });

  it('refuses for an account that is already activated', async () => {
    const active = await buildUser(t.database, { roles: ['analyst'] });
    const before = await snapshotCounts(t.database);
    const res = await post(browser, `/console/users/${active.id}/resend-invitation`, {});
    expect(res.statusCode).toBe(409);
    expect(await snapshotCounts(t.database)).toEqual(before);
  });
});
