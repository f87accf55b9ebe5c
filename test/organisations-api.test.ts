import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { buildTestApp, type TestApp } from './helpers/app';
import { buildOrganisation, buildUser, loginAs, snapshotCounts, type SignedIn, type UserFixture } from './helpers/factories';

let t: TestApp;
let admin: UserFixture;
let adminSession: SignedIn;

beforeAll(async () => {
  t = await buildTestApp();
  admin = await buildUser(t.database, { roles: ['admin'] });
  adminSession = await loginAs(t, admin);
});
afterAll(async () => {
  await t.close();
});

function api(session: SignedIn, method: 'GET' | 'POST' | 'PATCH', url: string, body?: unknown, headers: Record<string, string> = {}) {
  return t.app.inject({
    method,
    url,
    cookies: session.cookies,
    headers: { 'x-csrf-token': session.csrf, ...(body !== undefined ? { 'content-type': 'application/json' } : {}), ...headers },
    ...(body !== undefined ? { payload: JSON.stringify(body) } : {}),
  });
}

let acronyms = 0;
const newBody = (overrides: Record<string, unknown> = {}) => ({
  names: { fr: 'Caisse de dépôt', ar: 'صندوق الإيداع', en: 'Deposit fund' },
  acronym: `CDG${++acronyms}`,
  category: 'private-company',
  sector: 'banking-finance',
  emailDomains: ['CDG.ma'],
  ipRanges: ['192.168.1.7/24', '2001:DB8::1/48'],
  contacts: [{ name: 'Karim Alaoui', email: 'soc@cdg.ma', phone: '+212 5 22 00 00 00' }],
  ...overrides,
});

async function auditActions(id: string): Promise<string[]> {
  const rows = await t.database.db.selectFrom('audit_event').select('action').where('entity_id', '=', id).orderBy('seq').execute();
  return rows.map((r) => r.action);
}

describe('POST /api/v1/organisations', () => {
  it('creates an organisation (201) with normalised ranges, and replays the first answer for the same Idempotency-Key', async () => {
    const body = newBody();
    const first = await api(adminSession, 'POST', '/api/v1/organisations', body, { 'idempotency-key': 'create-cdg-0001' });
    expect(first.statusCode, first.body).toBe(201);
    const created = first.json();
    expect(created).toMatchObject({ acronym: body.acronym, category: 'private-company', sector: 'banking-finance', status: 'active', version: 1, userCount: 0 });
    expect(created.ipRanges).toEqual(['192.168.1.0/24', '2001:db8::/48']);
    expect(created.emailDomains).toEqual(['cdg.ma']);
    expect(created.contacts).toEqual([{ name: 'Karim Alaoui', email: 'soc@cdg.ma', phone: '+212522000000' }]);
    const before = await snapshotCounts(t.database);
    const replay = await api(adminSession, 'POST', '/api/v1/organisations', body, { 'idempotency-key': 'create-cdg-0001' });
    expect(replay.statusCode).toBe(201);
    expect(replay.json()).toEqual(created);
    expect(await snapshotCounts(t.database)).toEqual(before);
    expect(await auditActions(created.id)).toEqual(['organisation.created']);
    const mismatch = await api(adminSession, 'POST', '/api/v1/organisations', newBody(), { 'idempotency-key': 'create-cdg-0001' });
    expect(mismatch.statusCode).toBe(422);
    expect(await snapshotCounts(t.database)).toEqual(before);
  });

  it('names the offending IP range by its index and writes nothing', async () => {
    const before = await snapshotCounts(t.database);
    const res = await api(adminSession, 'POST', '/api/v1/organisations', newBody({ ipRanges: ['10.0.0.0/8', '::1/128', '300.1.1.1/8', 'fe80::/10'] }));
    expect(res.statusCode).toBe(400);
    expect(res.headers['content-type']).toContain('application/problem+json');
    const problem = res.json();
    expect(problem.code).toBe('validation_failed');
    expect(problem.errors).toEqual([{ field: 'ipRanges.2', code: 'invalid_cidr', message: expect.stringContaining('CIDR') }]);
    expect(await snapshotCounts(t.database)).toEqual(before);
  });

  it('validates the body strictly: unknown properties, bad categories and items are named', async () => {
    const before = await snapshotCounts(t.database);
    const unknown = await api(adminSession, 'POST', '/api/v1/organisations', { ...newBody(), colour: 'blue' });
    expect(unknown.statusCode).toBe(400);
    expect(unknown.json().errors).toContainEqual(expect.objectContaining({ field: 'colour', code: 'unknown_field' }));
    const category = await api(adminSession, 'POST', '/api/v1/organisations', newBody({ category: 'ngo' }));
    expect(category.json().errors).toContainEqual(expect.objectContaining({ field: 'category' }));
    const contact = await api(adminSession, 'POST', '/api/v1/organisations', newBody({ contacts: [{ name: 'X', email: 'x@cdg.ma' }, { name: 'Y', email: 'nope' }] }));
    expect(contact.json().errors).toEqual([expect.objectContaining({ field: 'contacts.1.email', code: 'invalid_email' })]);
    const noContact = await api(adminSession, 'POST', '/api/v1/organisations', newBody({ contacts: [] }));
    expect(noContact.json().errors).toContainEqual(expect.objectContaining({ field: 'contacts' }));
    const sector = await api(adminSession, 'POST', '/api/v1/organisations', newBody({ sector: 'astrology' }));
    expect(sector.json().errors).toEqual([expect.objectContaining({ field: 'sector', code: 'invalid_choice' })]);
    const domain = await api(adminSession, 'POST', '/api/v1/organisations', newBody({ emailDomains: ['ok.ma', 'bad domain'] }));
    expect(domain.json().errors).toEqual([expect.objectContaining({ field: 'emailDomains.1', code: 'invalid_domain' })]);
    expect(await snapshotCounts(t.database)).toEqual(before);
  });

  it('refuses a duplicate acronym, whatever its case', async () => {
    await api(adminSession, 'POST', '/api/v1/organisations', newBody({ acronym: 'DUPE' }));
    const res = await api(adminSession, 'POST', '/api/v1/organisations', newBody({ acronym: 'dupe' }));
    expect(res.statusCode).toBe(400);
    expect(res.json().errors).toEqual([expect.objectContaining({ field: 'acronym', code: 'acronym_taken' })]);
  });
});

describe('GET /api/v1/organisations', () => {
  it('pages with a cursor and filters by status, category, sector and text', async () => {
    for (let i = 0; i < 3; i += 1) await buildOrganisation(t.database, { nameFr: `Pagée ${i}`, category: 'other', sectorCode: 'media' });
    await buildOrganisation(t.database, { nameFr: 'Pagée suspendue', category: 'other', sectorCode: 'media', status: 'suspended' });
    const seen: string[] = [];
    let url = '/api/v1/organisations?limit=2&sector=media&status=active';
    for (;;) {
      const res = await api(adminSession, 'GET', url);
      expect(res.statusCode).toBe(200);
      const page = res.json();
      expect(page.items.length).toBeLessThanOrEqual(2);
      seen.push(...page.items.map((o: { names: { fr: string } }) => o.names.fr));
      if (!page.nextCursor) break;
      url = `/api/v1/organisations?limit=2&sector=media&status=active&cursor=${encodeURIComponent(page.nextCursor)}`;
    }
    expect(seen).toEqual(['Pagée 0', 'Pagée 1', 'Pagée 2']);
    const text = await api(adminSession, 'GET', '/api/v1/organisations?q=suspendue');
    expect(text.json().items.map((o: { status: string }) => o.status)).toEqual(['suspended']);
    const bad = await api(adminSession, 'GET', '/api/v1/organisations?cursor=%%%');
    expect(bad.statusCode).toBe(400);
  });

  it('gives a constituent only their own organisation; another one is 404 and they cannot change anything', async () => {
    const own = await buildOrganisation(t.database, { nameFr: 'Mienne' });
    const other = await buildOrganisation(t.database, { nameFr: 'Autre' });
    const manager = await buildUser(t.database, { roles: ['org_manager'], organisationId: own.id });
    const session = await loginAs(t, manager);
    const before = await snapshotCounts(t.database);
    const list = await api(session, 'GET', '/api/v1/organisations');
    expect(list.statusCode).toBe(200);
    expect(list.json().items.map((o: { id: string }) => o.id)).toEqual([own.id]);
    expect(list.json().nextCursor).toBeNull();
    expect((await api(session, 'GET', `/api/v1/organisations/${own.id}`)).json().names.fr).toBe('Mienne');
    const theirs = await api(session, 'GET', `/api/v1/organisations/${other.id}`);
    expect(theirs.statusCode).toBe(404);
    expect(theirs.json().code).toBe('not_found');
    expect((await api(session, 'PATCH', `/api/v1/organisations/${other.id}`, { names: { fr: 'Volée' }, version: 1 })).statusCode).toBe(403);
    expect((await api(session, 'POST', `/api/v1/organisations/${own.id}/suspend`, {})).statusCode).toBe(403);
    expect((await api(session, 'POST', '/api/v1/organisations', newBody())).statusCode).toBe(403);
    expect(await snapshotCounts(t.database)).toEqual(before);
  });

  it('lets an analyst read any organisation but not create or edit one', async () => {
    const org = await buildOrganisation(t.database, { nameFr: 'Lue' });
    const session = await loginAs(t, await buildUser(t.database, { roles: ['analyst'] }));
    expect((await api(session, 'GET', `/api/v1/organisations/${org.id}`)).statusCode).toBe(200);
    const before = await snapshotCounts(t.database);
    const create = await api(session, 'POST', '/api/v1/organisations', newBody());
    expect(create.statusCode).toBe(403);
    expect(create.headers['content-type']).toContain('application/problem+json');
    expect((await api(session, 'PATCH', `/api/v1/organisations/${org.id}`, { names: { fr: 'Modifiée' }, version: 1 })).statusCode).toBe(403);
    expect(await snapshotCounts(t.database)).toEqual(before);
  });
});

describe('PATCH, suspend and reactivate', () => {
  it('changes only the fields sent, with optimistic locking on version, audited before and after', async () => {
    const created = (await api(adminSession, 'POST', '/api/v1/organisations', newBody())).json();
    const patched = await api(adminSession, 'PATCH', `/api/v1/organisations/${created.id}`, { names: { en: 'Deposit and Management Fund' }, ipRanges: ['2001:db8:abcd:12::7/64'], version: 1 });
    expect(patched.statusCode, patched.body).toBe(200);
    expect(patched.json()).toMatchObject({ names: { fr: 'Caisse de dépôt', en: 'Deposit and Management Fund' }, ipRanges: ['2001:db8:abcd:12::/64'], emailDomains: ['cdg.ma'], version: 2 });
    const before = await snapshotCounts(t.database);
    const stale = await api(adminSession, 'PATCH', `/api/v1/organisations/${created.id}`, { names: { en: 'Lost update' }, version: 1 });
    expect(stale.statusCode).toBe(409);
    expect(stale.json().code).toBe('version_conflict');
    expect(await snapshotCounts(t.database)).toEqual(before);
    const row = await t.database.db.selectFrom('audit_event').selectAll().where('entity_id', '=', created.id).where('action', '=', 'organisation.updated').executeTakeFirstOrThrow();
    expect(JSON.parse(row.before_data ?? '{}')).toMatchObject({ names: { en: 'Deposit fund' }, ipRanges: ['192.168.1.0/24', '2001:db8::/48'] });
    expect(JSON.parse(row.after_data ?? '{}')).toMatchObject({ names: { en: 'Deposit and Management Fund' }, ipRanges: ['2001:db8:abcd:12::/64'] });
  });

  it('suspends and reactivates, audited, and 409 on a stale version', async () => {
    const created = (await api(adminSession, 'POST', '/api/v1/organisations', newBody())).json();
    const suspended = await api(adminSession, 'POST', `/api/v1/organisations/${created.id}/suspend`, { version: 1 });
    expect(suspended.statusCode).toBe(200);
    expect(suspended.json()).toMatchObject({ status: 'suspended', version: 2 });
    expect((await api(adminSession, 'POST', `/api/v1/organisations/${created.id}/reactivate`, { version: 1 })).statusCode).toBe(409);
    const reactivated = await api(adminSession, 'POST', `/api/v1/organisations/${created.id}/reactivate`);
    expect(reactivated.statusCode, reactivated.body).toBe(200);
    expect(reactivated.json().status).toBe('active');
    expect(await auditActions(created.id)).toEqual(['organisation.created', 'organisation.suspended', 'organisation.reactivated']);
    expect((await api(adminSession, 'POST', '/api/v1/organisations/01900000-0000-7000-8000-000000000000/suspend', {})).statusCode).toBe(404);
  });

  it('keeps a retired sector on an existing organisation but refuses it for a new one', async () => {
    const created = (await api(adminSession, 'POST', '/api/v1/organisations', newBody({ sector: 'insurance' }))).json();
    const term = (await api(adminSession, 'GET', '/api/v1/vocabularies/sector/terms/insurance')).json();
    const retired = await api(adminSession, 'PATCH', '/api/v1/vocabularies/sector/terms/insurance', { retired: true, version: term.version });
    expect(retired.statusCode).toBe(200);
    const kept = await api(adminSession, 'PATCH', `/api/v1/organisations/${created.id}`, { names: { fr: 'Assureur' }, version: 1 });
    expect(kept.statusCode, kept.body).toBe(200);
    expect(kept.json().sector).toBe('insurance');
    const refused = await api(adminSession, 'POST', '/api/v1/organisations', newBody({ sector: 'insurance' }));
    expect(refused.statusCode).toBe(400);
    expect(refused.json().errors).toEqual([expect.objectContaining({ field: 'sector', code: 'invalid_choice' })]);
    const moved = await api(adminSession, 'PATCH', `/api/v1/organisations/${created.id}`, { sector: 'energy', version: 2 });
    expect(moved.json().sector).toBe('energy');
    const back = await api(adminSession, 'PATCH', `/api/v1/organisations/${created.id}`, { sector: 'insurance', version: 3 });
    expect(back.statusCode).toBe(400);
  });

  it('documents the organisation endpoints in OpenAPI under the organisations tag', async () => {
    const doc = (await t.app.inject({ method: 'GET', url: '/api/openapi.json' })).json();
    expect(doc.paths['/api/v1/organisations'].post.tags).toEqual(['organisations']);
    expect(doc.paths['/api/v1/organisations/{id}'].patch.summary).toBeTruthy();
    expect(doc.paths['/api/v1/vocabularies/{vocabulary}/terms'].get.tags).toEqual(['vocabularies']);
  });
});
