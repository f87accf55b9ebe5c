import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { buildTestApp, type TestApp } from './helpers/app';
import { buildOrganisation, buildUser, form, loginAs, snapshotCounts, type SignedIn } from './helpers/factories';

let t: TestApp;
let admin: SignedIn;

beforeAll(async () => {
  t = await buildTestApp();
  admin = await loginAs(t, await buildUser(t.database, { roles: ['admin'] }));
});
afterAll(async () => {
  await t.close();
});

const get = (session: SignedIn, url: string) => t.app.inject({ method: 'GET', url, cookies: session.cookies });
const post = (session: SignedIn, url: string, fields: Record<string, string>) => t.app.inject({ method: 'POST', url, cookies: session.cookies, ...form(fields, session.csrf) });

function api(session: SignedIn, method: 'GET' | 'POST' | 'PATCH', url: string, body?: unknown, headers: Record<string, string> = {}) {
  return t.app.inject({
    method,
    url,
    cookies: session.cookies,
    headers: { 'x-csrf-token': session.csrf, ...(body !== undefined ? { 'content-type': 'application/json' } : {}), ...headers },
    ...(body !== undefined ? { payload: JSON.stringify(body) } : {}),
  });
}

async function termRow(code: string) {
  return t.database.db.selectFrom('vocabulary_term').selectAll().where('vocabulary', '=', 'sector').where('code', '=', code).executeTakeFirstOrThrow();
}

async function auditOf(id: string) {
  return t.database.db.selectFrom('audit_event').selectAll().where('entity_type', '=', 'vocabulary_term').where('entity_id', '=', id).orderBy('seq').execute();
}

describe('console: vocabularies', () => {
  it('lists the vocabularies and the seeded sectors', async () => {
    const list = await get(admin, '/console/vocabularies');
    expect(list.statusCode).toBe(200);
    expect(list.body).toContain('href="/console/vocabularies/sector"');
    expect(list.body).toContain("Secteurs d'activité");
    const terms = await get(admin, '/console/vocabularies/sector');
    expect(terms.statusCode).toBe(200);
    expect(terms.body).toContain('<code>energy</code>');
    expect(terms.body).toContain('<td lang="ar" dir="rtl">الطاقة</td>');
    expect((await get(admin, '/console/vocabularies/astrology')).statusCode).toBe(404);
  });

  it('adds a sector, audited, which the organisation form then offers', async () => {
    const res = await post(admin, '/console/vocabularies/sector', { code: 'space', label_fr: 'Spatial', label_ar: 'الفضاء', label_en: 'Space', position: '' });
    expect(res.statusCode, res.body.slice(0, 1500)).toBe(303);
    expect(res.headers.location).toBe('/console/vocabularies/sector?added=space');
    const row = await termRow('space');
    expect(row).toMatchObject({ label_fr: 'Spatial', label_ar: 'الفضاء', label_en: 'Space', retired_at: null });
    expect(Number(row.position)).toBeGreaterThanOrEqual(15);
    const audit = await auditOf(row.id);
    expect(audit.map((a) => a.action)).toEqual(['vocabulary_term.created']);
    expect(JSON.parse(audit[0]?.after_data ?? '{}')).toMatchObject({ code: 'space', labels: { fr: 'Spatial' } });
    const newForm = await get(admin, '/console/organisations/new');
    expect(newForm.body).toContain('<option value="space">Spatial</option>');
  });

  it('refuses a duplicate or malformed code and missing labels, naming each field, writing nothing', async () => {
    const before = await snapshotCounts(t.database);
    const dup = await post(admin, '/console/vocabularies/sector', { code: 'energy', label_fr: 'Énergie 2', label_ar: 'طاقة', label_en: 'Energy 2', position: '' });
    expect(dup.statusCode).toBe(400);
    expect(dup.body).toContain('href="#f-code"');
    expect(dup.body).toContain('Ce code est déjà utilisé.');
    expect(dup.body).toContain('value="Énergie 2"');
    const bad = await post(admin, '/console/vocabularies/sector', { code: 'Bad Code', label_fr: '', label_ar: '', label_en: 'x', position: 'first' });
    expect(bad.statusCode).toBe(400);
    for (const field of ['code', 'label_fr', 'label_ar', 'position']) expect(bad.body).toContain(`href="#f-${field}"`);
    expect(await snapshotCounts(t.database)).toEqual(before);
  });

  it('retires a sector: no longer offered for new organisations, kept by those that use it, then restored', async () => {
    await post(admin, '/console/vocabularies/sector', { code: 'fishing', label_fr: 'Pêche', label_ar: 'الصيد البحري', label_en: 'Fishing', position: '' });
    const org = await buildOrganisation(t.database, { nameFr: 'Office des pêches', sectorCode: 'fishing' });
    const row = await termRow('fishing');
    const retire = await post(admin, '/console/vocabularies/sector/fishing/retire', { version: String(row.version) });
    expect(retire.statusCode).toBe(303);
    expect((await termRow('fishing')).retired_at).not.toBeNull();

    const newForm = await get(admin, '/console/organisations/new');
    expect(newForm.body).not.toContain('value="fishing"');
    const detail = await get(admin, `/console/organisations/${org.id}`);
    expect(detail.body).toContain('Pêche');
    expect(detail.body).toContain('<option value="fishing" selected>Pêche (retiré)</option>');
    expect((await t.database.db.selectFrom('organisation').select('sector_code').where('id', '=', org.id).executeTakeFirstOrThrow()).sector_code).toBe('fishing');

    const termPage = await get(admin, '/console/vocabularies/sector/fishing?saved=retired');
    expect(termPage.body).toContain('status--suspended');
    expect(termPage.body).toContain('action="/console/vocabularies/sector/fishing/restore"');
    const restore = await post(admin, '/console/vocabularies/sector/fishing/restore', { version: String(Number(row.version) + 1) });
    expect(restore.statusCode).toBe(303);
    expect((await termRow('fishing')).retired_at).toBeNull();
    expect((await auditOf(row.id)).map((a) => a.action)).toEqual(['vocabulary_term.created', 'vocabulary_term.retired', 'vocabulary_term.restored']);
  });

  it('edits labels with the version read; a stale version is a 409 keeping the typed labels', async () => {
    const row = await termRow('media');
    const ok = await post(admin, '/console/vocabularies/sector/media', { label_fr: 'Médias et presse', label_ar: 'الإعلام والصحافة', label_en: 'Media and press', position: '20', version: String(row.version) });
    expect(ok.statusCode).toBe(303);
    const after = await termRow('media');
    expect(after).toMatchObject({ label_fr: 'Médias et presse' });
    expect(Number(after.position)).toBe(20);
    const audit = await auditOf(row.id);
    expect(audit.map((a) => a.action)).toEqual(['vocabulary_term.updated']);
    expect(JSON.parse(audit[0]?.before_data ?? '{}')).toMatchObject({ labels: { fr: 'Médias' } });
    const before = await snapshotCounts(t.database);
    const stale = await post(admin, '/console/vocabularies/sector/media', { label_fr: 'Écrasé', label_ar: 'x', label_en: 'y', position: '1', version: String(row.version) });
    expect(stale.statusCode).toBe(409);
    expect(stale.body).toContain('notice--warning');
    expect(stale.body).toContain('value="Écrasé"');
    expect((await termRow('media')).label_fr).toBe('Médias et presse');
    expect(await snapshotCounts(t.database)).toEqual(before);
  });

  it('is for administrators only: a coordinator gets 403 and changes nothing', async () => {
    const coordinator = await loginAs(t, await buildUser(t.database, { roles: ['coordinator'] }));
    const before = await snapshotCounts(t.database);
    expect((await get(coordinator, '/console/vocabularies')).statusCode).toBe(403);
    expect((await post(coordinator, '/console/vocabularies/sector', { code: 'sneaky', label_fr: 'a', label_ar: 'b', label_en: 'c' })).statusCode).toBe(403);
    expect((await post(coordinator, '/console/vocabularies/sector/energy/retire', { version: '1' })).statusCode).toBe(403);
    expect(await snapshotCounts(t.database)).toEqual(before);
  });
});

describe('API: vocabularies', () => {
  it('lets any signed-in user read terms page by page, retired ones on request', async () => {
    const member = await loginAs(t, await buildUser(t.database, { roles: ['org_member'] }));
    const list = await api(member, 'GET', '/api/v1/vocabularies');
    expect(list.json().items).toContainEqual(expect.objectContaining({ name: 'sector' }));
    const codes: string[] = [];
    let url = '/api/v1/vocabularies/sector/terms?limit=4';
    for (;;) {
      const res = await api(member, 'GET', url);
      expect(res.statusCode).toBe(200);
      codes.push(...res.json().items.map((i: { code: string }) => i.code));
      const next = res.json().nextCursor as string | null;
      if (!next) break;
      url = `/api/v1/vocabularies/sector/terms?limit=4&cursor=${encodeURIComponent(next)}`;
    }
    expect(codes[0]).toBe('public-administration');
    expect(codes).toContain('energy');
    expect(new Set(codes).size).toBe(codes.length);
    const active = (await api(member, 'GET', '/api/v1/vocabularies/sector/terms?limit=200')).json().items.length;
    const withRetired = (await api(member, 'GET', '/api/v1/vocabularies/sector/terms?limit=200&includeRetired=true')).json().items.length;
    expect(withRetired).toBeGreaterThanOrEqual(active);
    expect((await api(member, 'GET', '/api/v1/vocabularies/astrology/terms')).statusCode).toBe(404);
    expect((await api(member, 'POST', '/api/v1/vocabularies/sector/terms', { code: 'nope', labels: { fr: 'a', ar: 'b', en: 'c' } })).statusCode).toBe(403);
  });

  it('adds a term idempotently (201) and refuses a taken code', async () => {
    const body = { code: 'tourism', labels: { fr: 'Tourisme', ar: 'السياحة', en: 'Tourism' }, position: 3 };
    const first = await api(admin, 'POST', '/api/v1/vocabularies/sector/terms', body, { 'idempotency-key': 'add-tourism-001' });
    expect(first.statusCode, first.body).toBe(201);
    expect(first.json()).toMatchObject({ vocabulary: 'sector', code: 'tourism', position: 3, retired: false, version: 1 });
    const before = await snapshotCounts(t.database);
    const replay = await api(admin, 'POST', '/api/v1/vocabularies/sector/terms', body, { 'idempotency-key': 'add-tourism-001' });
    expect(replay.statusCode).toBe(201);
    expect(replay.json()).toEqual(first.json());
    expect(await snapshotCounts(t.database)).toEqual(before);
    const dup = await api(admin, 'POST', '/api/v1/vocabularies/sector/terms', body);
    expect(dup.statusCode).toBe(400);
    expect(dup.json().errors).toEqual([expect.objectContaining({ field: 'code', code: 'code_taken' })]);
    const bad = await api(admin, 'POST', '/api/v1/vocabularies/sector/terms', { code: 'x', labels: { fr: 'a', ar: 'b' }, extra: 1 });
    expect(bad.statusCode).toBe(400);
    const fields = bad.json().errors.map((e: { field: string }) => e.field);
    expect(fields).toEqual(expect.arrayContaining(['code', 'labels.en', 'extra']));
    expect(await snapshotCounts(t.database)).toEqual(before);
  });

  it('patches labels, retires and restores with optimistic locking', async () => {
    const term = (await api(admin, 'GET', '/api/v1/vocabularies/sector/terms/water')).json();
    const patched = await api(admin, 'PATCH', '/api/v1/vocabularies/sector/terms/water', { labels: { en: 'Water' }, version: term.version });
    expect(patched.statusCode, patched.body).toBe(200);
    expect(patched.json()).toMatchObject({ labels: { fr: 'Eau et assainissement', en: 'Water' }, version: term.version + 1 });
    const stale = await api(admin, 'PATCH', '/api/v1/vocabularies/sector/terms/water', { retired: true, version: term.version });
    expect(stale.statusCode).toBe(409);
    const retired = await api(admin, 'PATCH', '/api/v1/vocabularies/sector/terms/water', { retired: true, version: term.version + 1 });
    expect(retired.json()).toMatchObject({ retired: true });
    expect(retired.json().retiredAt).not.toBeNull();
    const active = (await api(admin, 'GET', '/api/v1/vocabularies/sector/terms?limit=200')).json().items.map((i: { code: string }) => i.code);
    expect(active).not.toContain('water');
    expect((await api(admin, 'PATCH', '/api/v1/vocabularies/sector/terms/unknown-code', { retired: true, version: 1 })).statusCode).toBe(404);
  });
});
