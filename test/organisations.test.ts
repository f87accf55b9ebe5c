import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { buildTestApp, type TestApp } from './helpers/app';
import { buildOrganisation, buildUser, form, loginAs, snapshotCounts, type SignedIn, type UserFixture } from './helpers/factories';

let t: TestApp;
let admin: UserFixture;
let analyst: UserFixture;
let adminSession: SignedIn;

beforeAll(async () => {
  t = await buildTestApp();
  admin = await buildUser(t.database, { roles: ['admin'] });
  analyst = await buildUser(t.database, { roles: ['analyst'] });
  adminSession = await loginAs(t, admin);
});
afterAll(async () => {
  await t.close();
});

const validForm = (overrides: Record<string, string> = {}): Record<string, string> => ({
  name_fr: 'Agence nationale des ports',
  name_ar: 'الوكالة الوطنية للموانئ',
  name_en: 'National Ports Agency',
  acronym: 'anp',
  category: 'vital-infrastructure',
  sector: 'transport',
  email_domains: 'ANP.org.ma\n\nports.gov.ma',
  ip_ranges: '192.168.1.7/24\n2001:DB8:0:0::1/32',
  contact_0_name: 'Salma Idrissi',
  contact_0_email: 'RSSI@anp.org.ma',
  contact_0_phone: '0612345678',
  contact_1_name: '',
  contact_1_email: '',
  contact_1_phone: '',
  contact_2_name: '',
  contact_2_email: '',
  contact_2_phone: '',
  ...overrides,
});

async function get(session: SignedIn, url: string) {
  return t.app.inject({ method: 'GET', url, cookies: session.cookies });
}

async function post(session: SignedIn, url: string, fields: Record<string, string>) {
  return t.app.inject({ method: 'POST', url, cookies: session.cookies, ...form(fields, session.csrf) });
}

async function orgRow(id: string) {
  return t.database.db.selectFrom('organisation').selectAll().where('id', '=', id).executeTakeFirstOrThrow();
}

async function auditOf(id: string) {
  const rows = await t.database.db.selectFrom('audit_event').selectAll().where('entity_id', '=', id).orderBy('seq').execute();
  return rows.map((r) => ({ action: r.action, actor: r.actor_id, before: r.before_data ? (JSON.parse(r.before_data) as Record<string, unknown>) : null, after: r.after_data ? (JSON.parse(r.after_data) as Record<string, unknown>) : null }));
}

async function createViaForm(overrides: Record<string, string> = {}): Promise<string> {
  const res = await post(adminSession, '/console/organisations/new', validForm(overrides));
  expect(res.statusCode, res.body.slice(0, 2000)).toBe(303);
  const match = /^\/console\/organisations\/([0-9a-f-]{36})\?done=created$/.exec(String(res.headers.location));
  expect(match).not.toBeNull();
  return match?.[1] ?? '';
}

describe('console: creating an organisation', () => {
  it('offers a trilingual form with the Arabic name right to left and the sectors in use', async () => {
    const res = await get(adminSession, '/console/organisations/new');
    expect(res.statusCode).toBe(200);
    expect(res.body).toMatch(/<input[^>]*name="name_ar"[^>]*dir="rtl"/);
    expect(res.body).toContain('<option value="energy">Énergie</option>');
    expect(res.body).toContain('name="ip_ranges"');
    expect(res.body).toContain('name="contact_2_email"');
    expect(res.body).not.toMatch(/\sstyle=/);
  });

  it('creates it with normalised domains, CIDR ranges and contacts, audited in the same transaction', async () => {
    const id = await createViaForm();
    const row = await orgRow(id);
    expect(row).toMatchObject({ name_fr: 'Agence nationale des ports', acronym: 'ANP', category: 'vital-infrastructure', sector_code: 'transport', status: 'active', version: 1 });
    expect(JSON.parse(row.ip_ranges)).toEqual(['192.168.1.0/24', '2001:db8::/32']);
    expect(JSON.parse(row.email_domains)).toEqual(['anp.org.ma', 'ports.gov.ma']);
    const contacts = await t.database.db.selectFrom('organisation_contact').selectAll().where('organisation_id', '=', id).execute();
    expect(contacts.map((c) => [c.kind, c.name, c.email, c.phone])).toEqual([['security_officer', 'Salma Idrissi', 'rssi@anp.org.ma', '+212612345678']]);
    const audit = await auditOf(id);
    expect(audit).toHaveLength(1);
    expect(audit[0]).toMatchObject({ action: 'organisation.created', actor: admin.id, before: null });
    expect(audit[0]?.after).toMatchObject({ acronym: 'ANP', ipRanges: ['192.168.1.0/24', '2001:db8::/32'], status: 'active' });

    const page = await get(adminSession, `/console/organisations/${id}?done=created`);
    expect(page.statusCode).toBe(200);
    expect(page.body).toContain('notice--success');
    expect(page.body).toContain('<code>192.168.1.0/24</code>');
    expect(page.body).toContain('rssi@anp.org.ma');
    expect(page.body).toContain('Transport et logistique');
  });

  it('refuses an invalid IP range naming the field and the value, keeps what was typed and writes nothing', async () => {
    const before = await snapshotCounts(t.database);
    const res = await post(adminSession, '/console/organisations/new', validForm({ acronym: 'BADIP', ip_ranges: '10.0.0.0/8\n10.0.0.300/8\n2001:db8::/129' }));
    expect(res.statusCode).toBe(400);
    expect(res.body).toContain('class="error-summary"');
    expect(res.body).toContain('href="#f-ip_ranges"');
    expect(res.body).toContain('« 10.0.0.300/8 »');
    expect(res.body).toContain('« 2001:db8::/129 »');
    expect(res.body).toContain('Plage IP invalide');
    expect(res.body).toContain('10.0.0.0/8\n10.0.0.300/8\n2001:db8::/129</textarea>');
    expect(res.body).toContain('value="Agence nationale des ports"');
    expect(await snapshotCounts(t.database)).toEqual(before);
  });

  it('refuses a missing contact, a bad contact e-mail and a taken acronym, each next to its field', async () => {
    await createViaForm({ acronym: 'TAKEN', name_fr: 'Première' });
    const before = await snapshotCounts(t.database);
    const res = await post(adminSession, '/console/organisations/new', validForm({ acronym: 'taken', contact_0_email: 'not-an-email', name_ar: '' }));
    expect(res.statusCode).toBe(400);
    expect(res.body).toContain('href="#f-contact_0_email"');
    expect(res.body).toContain('href="#f-acronym"');
    expect(res.body).toContain('Ce sigle est déjà utilisé');
    expect(res.body).toContain('href="#f-name_ar"');
    const noContact = await post(adminSession, '/console/organisations/new', validForm({ acronym: '', contact_0_name: '', contact_0_email: '', contact_0_phone: '' }));
    expect(noContact.statusCode).toBe(400);
    expect(noContact.body).toContain('href="#f-contacts"');
    expect(await snapshotCounts(t.database)).toEqual(before);
  });
});

describe('console: list, edit, suspend', () => {
  it('lists organisations with filters, in the interface language', async () => {
    await createViaForm({ acronym: 'ONDA', name_fr: 'Office national des aéroports', name_ar: 'المكتب الوطني للمطارات', name_en: 'National Airports Office', category: 'administration', sector: 'public-administration' });
    const all = await get(adminSession, '/console/organisations');
    expect(all.statusCode).toBe(200);
    expect(all.body).toContain('Office national des aéroports');
    expect(all.body).toContain('status--active');
    const filtered = await get(adminSession, '/console/organisations?q=a%C3%A9roports&category=administration&status=active&sector=');
    expect(filtered.body).toContain('Office national des aéroports');
    expect(filtered.body).not.toContain('Agence nationale des ports');
    const none = await get(adminSession, '/console/organisations?status=suspended&q=onda');
    expect(none.body).toContain('Aucune organisation ne correspond');
    const arabic = await get(adminSession, '/console/organisations?lang=ar&q=ONDA');
    expect(arabic.body).toContain('المكتب الوطني للمطارات');
    expect(arabic.body).toContain('إدارة');
  });

  it('pages through the list by name with a cursor that keeps the filters', async () => {
    for (let i = 0; i < 52; i += 1) await buildOrganisation(t.database, { nameFr: `Zeta ${String(i).padStart(2, '0')}` });
    const first = await get(adminSession, '/console/organisations?q=zeta');
    expect(first.statusCode).toBe(200);
    expect(first.body).toContain('Zeta 00');
    expect(first.body).toContain('Zeta 49');
    expect(first.body).not.toContain('Zeta 50');
    const next = /href="(\/console\/organisations\?q=zeta&amp;cursor=[^"]+)" rel="next"/.exec(first.body)?.[1]?.replace(/&amp;/g, '&');
    expect(next).toBeDefined();
    const second = await get(adminSession, next ?? '');
    expect(second.statusCode).toBe(200);
    expect(second.body).toContain('Zeta 50');
    expect(second.body).toContain('Zeta 51');
    expect(second.body).not.toContain('Zeta 49');
    expect(second.body).not.toContain('rel="next"');
  });

  it('edits with the version read and audits before and after; a stale version is a 409 keeping the typed values', async () => {
    const id = await createViaForm({ acronym: 'EDIT1', name_fr: 'Avant' });
    const ok = await post(adminSession, `/console/organisations/${id}`, validForm({ acronym: 'EDIT1', name_fr: 'Après', ip_ranges: '10.1.2.3/16', version: '1' }));
    expect(ok.statusCode, ok.body.slice(0, 1500)).toBe(303);
    expect(ok.headers.location).toBe(`/console/organisations/${id}?done=updated`);
    const row = await orgRow(id);
    expect(row.name_fr).toBe('Après');
    expect(JSON.parse(row.ip_ranges)).toEqual(['10.1.0.0/16']);
    expect(Number(row.version)).toBe(2);
    const audit = await auditOf(id);
    expect(audit.map((a) => a.action)).toEqual(['organisation.created', 'organisation.updated']);
    expect(audit[1]?.before).toMatchObject({ names: { fr: 'Avant' }, version: 1 });
    expect(audit[1]?.after).toMatchObject({ names: { fr: 'Après' }, ipRanges: ['10.1.0.0/16'], version: 2 });

    const before = await snapshotCounts(t.database);
    const stale = await post(adminSession, `/console/organisations/${id}`, validForm({ acronym: 'EDIT1', name_fr: 'Écrasement', version: '1' }));
    expect(stale.statusCode).toBe(409);
    expect(stale.body).toContain('notice--warning');
    expect(stale.body).toContain('value="Écrasement"');
    expect(stale.body).toContain('name="version" value="2"');
    expect((await orgRow(id)).name_fr).toBe('Après');
    expect(await snapshotCounts(t.database)).toEqual(before);
  });

  it('suspends and reactivates, each audited', async () => {
    const id = await createViaForm({ acronym: 'SUSP' });
    const suspended = await post(adminSession, `/console/organisations/${id}/suspend`, { version: '1' });
    expect(suspended.statusCode).toBe(303);
    expect((await orgRow(id)).status).toBe('suspended');
    const page = await get(adminSession, `/console/organisations/${id}`);
    expect(page.body).toContain('status--suspended');
    expect(page.body).toContain(`action="/console/organisations/${id}/reactivate"`);
    const stale = await post(adminSession, `/console/organisations/${id}/reactivate`, { version: '1' });
    expect(stale.statusCode).toBe(409);
    expect((await orgRow(id)).status).toBe('suspended');
    const reactivated = await post(adminSession, `/console/organisations/${id}/reactivate`, { version: '2' });
    expect(reactivated.statusCode).toBe(303);
    expect((await orgRow(id)).status).toBe('active');
    expect((await auditOf(id)).map((a) => a.action)).toEqual(['organisation.created', 'organisation.suspended', 'organisation.reactivated']);
  });
});

describe('console: who may do what', () => {
  it('lets an analyst read but not create, edit or suspend (403, nothing written)', async () => {
    const id = await createViaForm({ acronym: 'READ' });
    const session = await loginAs(t, analyst);
    const list = await get(session, '/console/organisations');
    expect(list.statusCode).toBe(200);
    expect(list.body).not.toContain('href="/console/organisations/new"');
    const detail = await get(session, `/console/organisations/${id}`);
    expect(detail.statusCode).toBe(200);
    expect(detail.body).not.toContain(`action="/console/organisations/${id}"`);
    const before = await snapshotCounts(t.database);
    expect((await get(session, '/console/organisations/new')).statusCode).toBe(403);
    expect((await post(session, '/console/organisations/new', validForm({ acronym: 'NOPE' }))).statusCode).toBe(403);
    expect((await post(session, `/console/organisations/${id}`, validForm({ acronym: 'READ', name_fr: 'Piraté', version: '1' }))).statusCode).toBe(403);
    expect((await post(session, `/console/organisations/${id}/suspend`, { version: '1' })).statusCode).toBe(403);
    expect(await snapshotCounts(t.database)).toEqual(before);
    expect((await orgRow(id)).name_fr).toBe('Agence nationale des ports');
  });

  it('shows a constituent only their own organisation: another one is 404, the console list is refused', async () => {
    const own = await buildOrganisation(t.database, { nameFr: 'Ma propre organisation' });
    const other = await buildOrganisation(t.database, { nameFr: 'Une autre organisation' });
    const member = await buildUser(t.database, { roles: ['org_member'], organisationId: own.id });
    const session = await loginAs(t, member);
    const before = await snapshotCounts(t.database);

    const mine = await get(session, '/organisation');
    expect(mine.statusCode).toBe(200);
    expect(mine.body).toContain('Ma propre organisation');
    expect(mine.body).not.toContain('Une autre organisation');
    expect(mine.body).not.toContain('<form method="post" action="/console');

    const theirs = await get(session, `/console/organisations/${other.id}`);
    expect(theirs.statusCode).toBe(404);
    expect(theirs.body).not.toContain('Une autre organisation');
    const missing = await get(session, '/console/organisations/01900000-0000-7000-8000-000000000000');
    expect(missing.statusCode).toBe(404);
    const ownInConsole = await get(session, `/console/organisations/${own.id}`);
    expect(ownInConsole.statusCode).toBe(303);
    expect(ownInConsole.headers.location).toBe('/organisation');
    expect((await get(session, '/console/organisations')).statusCode).toBe(403);
    expect((await post(session, `/console/organisations/${other.id}/suspend`, { version: '1' })).statusCode).toBe(403);
    expect(await snapshotCounts(t.database)).toEqual(before);
    expect((await orgRow(other.id)).status).toBe('active');
  });

  it('answers 404 on /organisation for CERT staff, who belong to no organisation', async () => {
    expect((await get(adminSession, '/organisation')).statusCode).toBe(404);
  });

  it('counts the users of an organisation', async () => {
    const org = await buildOrganisation(t.database, { nameFr: 'Comptée' });
    await buildUser(t.database, { roles: ['org_manager'], organisationId: org.id });
    await buildUser(t.database, { roles: ['org_member'], organisationId: org.id });
    const res = await get(adminSession, `/console/organisations?q=Compt%C3%A9e`);
    expect(res.body).toMatch(/<td class="num">2<\/td>/);
  });
});
