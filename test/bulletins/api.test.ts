import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { buildTestApp, type TestApp } from '../helpers/app';
import { buildUser, loginAs, snapshotCounts, type SignedIn, type UserFixture } from '../helpers/factories';
import { buildApiToken } from '../authz/world';
import { buildPublishedBulletin } from '../helpers/bulletin-factories';

let t: TestApp;
let author: UserFixture;
let reviewer: UserFixture;
let authorSession: SignedIn;
let reviewerSession: SignedIn;

beforeAll(async () => {
  t = await buildTestApp();
  author = await buildUser(t.database, { roles: ['author'] });
  reviewer = await buildUser(t.database, { roles: ['reviewer'] });
  authorSession = await loginAs(t, author);
  reviewerSession = await loginAs(t, reviewer);
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

const content = {
  texts: { fr: { title: 'Vulnérabilité dans Ivanti Connect Secure', summary: 'Contournement d’authentification.', description: 'Une vulnérabilité **critique**.', solution: 'Mettre à jour.' } },
  criticality: 'critical',
  risks: ['security-bypass'],
  affected: [{ vendor: 'Ivanti', product: 'Connect Secure', versions: '< 22.7R2.5' }],
  cves: [{ id: 'CVE-2025-0282', cvss31: 'CVSS:3.1/AV:N/AC:L/PR:N/UI:N/S:U/C:H/I:H/A:H', exploited: true }],
  references: [{ title: 'Avis Ivanti', url: 'https://forums.ivanti.com/advisory' }],
};

interface BulletinBody {
  id: string;
  version: number;
  state: string;
  reference: string | null;
  publishedRevision: number;
  content: { cves: { id: string }[]; affected: { productId: string }[] };
}

describe('/api/v1/bulletins', () => {
  it('runs the whole workflow through the API: create, update, submit, approve, publish', async () => {
    const created = await api(authorSession, 'POST', '/api/v1/bulletins', { kind: 'alert', originalLanguage: 'fr', content });
    expect(created.statusCode, created.body).toBe(201);
    const b = created.json<BulletinBody>();
    expect(b).toMatchObject({ state: 'draft', reference: null, version: 1 });
    expect(b.content.affected[0]?.productId).toBeTruthy();

    const updated = await api(authorSession, 'PATCH', `/api/v1/bulletins/${b.id}`, { content: { texts: { en: { title: 'Ivanti Connect Secure vulnerability' } } }, version: 1 });
    expect(updated.statusCode, updated.body).toBe(200);
    const u = updated.json<BulletinBody & { content: { texts: Record<string, { title: string }> } }>();
    expect(u.content.texts.fr?.title).toBe('Vulnérabilité dans Ivanti Connect Secure');
    expect(u.content.texts.en?.title).toBe('Ivanti Connect Secure vulnerability');

    const submitted = await api(authorSession, 'POST', `/api/v1/bulletins/${b.id}/submit`, { version: u.version });
    expect(submitted.statusCode, submitted.body).toBe(200);
    const approved = await api(reviewerSession, 'POST', `/api/v1/bulletins/${b.id}/approve`, { version: submitted.json<BulletinBody>().version, comment: 'OK' });
    expect(approved.statusCode, approved.body).toBe(200);
    const published = await api(reviewerSession, 'POST', `/api/v1/bulletins/${b.id}/publish`, { version: approved.json<BulletinBody>().version });
    expect(published.statusCode, published.body).toBe(200);
    expect(published.json<BulletinBody>()).toMatchObject({ state: 'published', publishedRevision: 1 });
    expect(published.json<BulletinBody>().reference).toMatch(/^RIBAT-\d{4}-ALE-\d{4}$/);

    const detail = await api(authorSession, 'GET', `/api/v1/bulletins/${b.id}`);
    expect(detail.statusCode).toBe(200);
    expect(detail.json<{ revisions: { number: number }[]; comments: { kind: string }[] }>()).toMatchObject({ revisions: [{ number: 1 }], comments: [{ kind: 'approval' }] });

    const closed = await api(reviewerSession, 'POST', `/api/v1/bulletins/${b.id}/close`, { version: published.json<BulletinBody>().version });
    expect(closed.statusCode, closed.body).toBe(200);
    const withdrawn = await api(reviewerSession, 'POST', `/api/v1/bulletins/${b.id}/withdraw`, { version: closed.json<BulletinBody>().version, reason: 'Doublon.' });
    expect(withdrawn.statusCode, withdrawn.body).toBe(200);
    expect(withdrawn.json<{ publication: string; withdrawalReason: string }>()).toMatchObject({ publication: 'withdrawn', withdrawalReason: 'Doublon.' });
  });

  it('replays a creation with the same Idempotency-Key instead of creating a second bulletin', async () => {
    const headers = { 'idempotency-key': 'create-bulletin-0001' };
    const first = await api(authorSession, 'POST', '/api/v1/bulletins', { kind: 'bulletin', originalLanguage: 'fr', content }, headers);
    expect(first.statusCode, first.body).toBe(201);
    const before = await snapshotCounts(t.database);
    const again = await api(authorSession, 'POST', '/api/v1/bulletins', { kind: 'bulletin', originalLanguage: 'fr', content }, headers);
    expect(again.statusCode).toBe(201);
    expect(again.json<BulletinBody>().id).toBe(first.json<BulletinBody>().id);
    expect(await snapshotCounts(t.database)).toEqual(before);
    const other = await api(authorSession, 'POST', '/api/v1/bulletins', { kind: 'note', originalLanguage: 'fr' }, headers);
    expect(other.statusCode).toBe(422);
  });

  it('answers 400 naming the fields of malformed content, and writes nothing', async () => {
    const before = await snapshotCounts(t.database);
    const res = await api(authorSession, 'POST', '/api/v1/bulletins', {
      kind: 'bulletin',
      originalLanguage: 'fr',
      content: { cves: [{ id: 'CVE-2024-1', cvss31: 'CVSS:3.0/AV:N/AC:L/PR:N/UI:N/S:U/C:H/I:H/A:H' }], references: [{ title: 'x', url: 'ftp://example.com' }] },
    });
    expect(res.statusCode).toBe(400);
    expect(res.headers['content-type']).toContain('application/problem+json');
    const fields = res.json<{ errors: { field: string }[] }>().errors.map((e) => e.field).sort();
    expect(fields).toEqual(['cves.0.cvss31', 'cves.0.id', 'references.0.url']);
    expect(await snapshotCounts(t.database)).toEqual(before);
  });

  it('answers 409 to a stale version and 403 own_bulletin to a self-approval', async () => {
    const coordinator = await buildUser(t.database, { roles: ['coordinator'] });
    const session = await loginAs(t, coordinator);
    const created = (await api(session, 'POST', '/api/v1/bulletins', { kind: 'bulletin', originalLanguage: 'fr', content })).json<BulletinBody>();
    const stale = await api(session, 'PATCH', `/api/v1/bulletins/${created.id}`, { content: { criticality: 'low' }, version: 99 });
    expect(stale.statusCode).toBe(409);
    const submitted = (await api(session, 'POST', `/api/v1/bulletins/${created.id}/submit`, { version: created.version })).json<BulletinBody>();
    const own = await api(session, 'POST', `/api/v1/bulletins/${created.id}/approve`, { version: submitted.version });
    expect(own.statusCode).toBe(403);
    expect(own.json<{ title: string }>().title).toMatch(/approuver|approve/);
    const row = await t.database.db.selectFrom('bulletin').select('state').where('id', '=', created.id).executeTakeFirstOrThrow();
    expect(row.state).toBe('in_review');
  });

  it('lists bulletins for staff with filters and refuses authors the review actions', async () => {
    const published = await buildPublishedBulletin(t, { author });
    const list = await api(reviewerSession, 'GET', '/api/v1/bulletins?state=published&limit=200');
    expect(list.statusCode).toBe(200);
    expect(list.json<{ items: { id: string }[] }>().items.map((i) => i.id)).toContain(published.bulletin.id);
    const refused = await api(authorSession, 'POST', `/api/v1/bulletins/${published.bulletin.id}/withdraw`, { version: published.bulletin.version, reason: 'x' });
    expect(refused.statusCode).toBe(403);
  });

  it('takes comments from any staff reader', async () => {
    const published = await buildPublishedBulletin(t);
    const res = await api(reviewerSession, 'POST', `/api/v1/bulletins/${published.bulletin.id}/comments`, { body: 'Ajouter la version 17.4 ?' });
    expect(res.statusCode, res.body).toBe(201);
    expect(res.json<{ kind: string; authorId: string }>()).toMatchObject({ kind: 'comment', authorId: reviewer.id });
  });

  it('lets a read-only API token read the thread but not write in it', async () => {
    const published = await buildPublishedBulletin(t);
    const readOnly = await buildApiToken(t, reviewer, ['read']);
    const writer = await buildApiToken(t, reviewer, ['read', 'write']);
    const send = (secret: string) =>
      t.app.inject({ method: 'POST', url: `/api/v1/bulletins/${published.bulletin.id}/comments`, headers: { authorization: `Bearer ${secret}`, 'content-type': 'application/json' }, payload: JSON.stringify({ body: 'Vu.' }) });
    expect((await send(readOnly.secret)).statusCode).toBe(403);
    expect((await send(writer.secret)).statusCode).toBe(201);
    const read = await t.app.inject({ method: 'GET', url: `/api/v1/bulletins/${published.bulletin.id}`, headers: { authorization: `Bearer ${readOnly.secret}` } });
    expect(read.statusCode).toBe(200);
  });

  it('answers 404 to a constituent, for a bulletin that exists as for one that does not', async () => {
    const published = await buildPublishedBulletin(t);
    const member = await buildUser(t.database, { roles: ['org_member'] });
    const session = await loginAs(t, member);
    const res = await api(session, 'GET', `/api/v1/bulletins/${published.bulletin.id}`);
    expect([403, 404]).toContain(res.statusCode);
    const missing = await api(reviewerSession, 'GET', '/api/v1/bulletins/00000000-0000-7000-8000-000000000000');
    expect(missing.statusCode).toBe(404);
  });
});

describe('/api/v1/products', () => {
  it('suggests registry products by vendor or name', async () => {
    await buildPublishedBulletin(t, { affected: [{ vendor: 'Citrix', product: 'NetScaler ADC', versions: '< 14.1-12.35' }] });
    const res = await api(authorSession, 'GET', '/api/v1/products?q=netsc');
    expect(res.statusCode).toBe(200);
    expect(res.json<{ items: { vendor: string; name: string }[] }>().items).toEqual([expect.objectContaining({ vendor: 'Citrix', name: 'NetScaler ADC' })]);
    const bad = await api(authorSession, 'GET', '/api/v1/products?q=x&limit=0');
    expect(bad.statusCode).toBe(400);
  });
});
