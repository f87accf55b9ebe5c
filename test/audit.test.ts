import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { sql } from 'kysely';
import type { RequestContext } from '#src/core/context';
import { recordAudit } from '#src/core/audit';
import { systemActor } from '#src/core/access';
import { fixedClock } from '#src/core/time';
import { buildTestApp, testDialect, type TestApp } from './helpers/app';
import { buildUser, loginAs, type SignedIn } from './helpers/factories';

let t: TestApp;
let admin: SignedIn;
let analyst: SignedIn;
let member: SignedIn;

/** Records one change as if made by `label` from `ip` at `at`. */
async function change(label: string, at: string, input: { action: string; entityType: string; entityId: string; before?: unknown; after?: unknown }, ip = '198.51.100.7'): Promise<void> {
  const ctx: RequestContext = { actor: { ...systemActor(label), kind: 'user', userId: null }, requestId: `req-${label}-${at}`, locale: 'fr', clock: fixedClock(new Date(at)), ip };
  await t.database.db.transaction().execute((trx) => recordAudit(trx, t.database.dialect, ctx, input));
}

beforeAll(async () => {
  t = await buildTestApp({ RIBAT_TIMEZONE: 'Asia/Dubai' });
  admin = await loginAs(t, await buildUser(t.database, { roles: ['admin'] }));
  analyst = await loginAs(t, await buildUser(t.database, { roles: ['analyst'] }));
  member = await loginAs(t, await buildUser(t.database, { roles: ['org_member'] }));
  await change('Alice@cert.example.ma', '2025-03-01T10:00:00.000Z', { action: 'user.create', entityType: 'user', entityId: 'u-1', after: { email: 'bob@example.ma', roles: ['analyst'], status: 'active' } });
  await change('alice@cert.example.ma', '2025-03-02T10:00:00.000Z', {
    action: 'user.update',
    entityType: 'user',
    entityId: 'u-1',
    before: { email: 'bob@example.ma', roles: ['analyst'], status: 'active', displayName: 'Bob' },
    after: { email: 'bob@example.ma', roles: ['analyst', 'author'], status: 'disabled', locale: 'ar' },
  });
  await change('carol@cert.example.ma', '2025-03-03T10:00:00.000Z', { action: 'organisation.create', entityType: 'organisation', entityId: 'o-1', after: { name: '<script>alert(1)</script>' } }, '2001:db8::1');
  await change('carol@cert.example.ma', '2025-03-04T23:30:00.000Z', { action: 'organisation.update', entityType: 'organisation', entityId: 'o-1', before: { status: 'active' }, after: { status: 'suspended' } });
});
afterAll(async () => {
  await t.close();
});

const get = (who: SignedIn | null, url: string) => t.app.inject({ method: 'GET', url, ...(who ? { cookies: who.cookies } : {}) });

/** The sequence numbers of the events listed on a console page, in display order. */
function listedSeqs(html: string): number[] {
  return [...html.matchAll(/href="\/console\/audit\/(\d+)"/g)].map((m) => Number(m[1]));
}

describe(`audit console (${testDialect})`, () => {
  it('lists events newest first with time, actor, action, entity, IP and request id', async () => {
    const res = await get(admin, '/console/audit');
    expect(res.statusCode).toBe(200);
    expect(listedSeqs(res.body)).toEqual([4, 3, 2, 1]);
    expect(res.body).toContain('carol@cert.example.ma');
    expect(res.body).toContain('organisation.update');
    expect(res.body).toContain('2001:db8::1');
    expect(res.body).toContain('req-carol@cert.example.ma-2025-03-03T10:00:00.000Z');
    expect(res.body).toContain('<time datetime="2025-03-04T23:30:00.000Z">');
    // The action and entity type selects offer what was recorded.
    expect(res.body).toMatch(/<option value="organisation.update"/);
    expect(res.body).toMatch(/<option value="organisation"/);
    expect(res.body).not.toContain('<script>alert(1)</script>');
  });

  it('shows dates in the reader’s language and the installation time zone', async () => {
    const res = await get(admin, '/console/audit?lang=en');
    // 23:30 UTC on 4 March is 03:30 on 5 March in Dubai (UTC+4, no daylight saving time).
    expect(res.body).toMatch(/5 Mar 2025, 03:30/);
  });

  it('filters by actor (case-insensitive, part of the address)', async () => {
    expect(listedSeqs((await get(admin, '/console/audit?actor=ALICE')).body)).toEqual([2, 1]);
    expect(listedSeqs((await get(admin, '/console/audit?actor=%25')).body)).toEqual([]);
  });

  it('filters by action, entity type and entity id', async () => {
    expect(listedSeqs((await get(admin, '/console/audit?action=user.update')).body)).toEqual([2]);
    expect(listedSeqs((await get(admin, '/console/audit?entityType=organisation')).body)).toEqual([4, 3]);
    expect(listedSeqs((await get(admin, '/console/audit?entityType=user&entityId=u-1')).body)).toEqual([2, 1]);
  });

  it('filters by a date range in the installation time zone, the end day included', async () => {
    expect(listedSeqs((await get(admin, '/console/audit?from=2025-03-02&to=2025-03-03')).body)).toEqual([3, 2]);
    // 2025-03-04T23:30Z falls on 5 March in Dubai.
    expect(listedSeqs((await get(admin, '/console/audit?from=2025-03-05')).body)).toEqual([4]);
    expect(listedSeqs((await get(admin, '/console/audit?to=2025-03-04')).body)).toEqual([3, 2, 1]);
  });

  it('answers invalid dates with the form, an error summary and the error next to each field', async () => {
    const res = await get(admin, '/console/audit?from=2025-02-30&to=yesterday&actor=alice');
    expect(res.statusCode).toBe(400);
    expect(res.body).toContain('class="error-summary"');
    expect(res.body).toContain('href="#f-from"');
    expect(res.body).toContain('href="#f-to"');
    expect(res.body).toContain('Date invalide.');
    expect(res.body).toContain('value="alice"');
    const reversed = await get(admin, '/console/audit?from=2025-03-04&to=2025-03-01');
    expect(reversed.statusCode).toBe(400);
    expect(reversed.body).toContain('La date de fin doit être postérieure ou égale à la date de début.');
  });

  it('paginates on the sequence number, keeping the filters', async () => {
    const first = await get(admin, '/console/audit?limit=3&entityType=');
    expect(listedSeqs(first.body)).toEqual([4, 3, 2]);
    const next = /href="(\/console\/audit\?[^"]*cursor=[^"]+)"/.exec(first.body)?.[1]?.replace(/&amp;/g, '&');
    expect(next).toBeDefined();
    const second = await get(admin, `${next}&limit=3`);
    expect(listedSeqs(second.body)).toEqual([1]);
    expect(second.body).not.toContain('rel="next"');
    const filtered = await get(admin, '/console/audit?limit=1&actor=carol');
    const nextFiltered = /href="([^"]*cursor=[^"]+)"/.exec(filtered.body)?.[1]?.replace(/&amp;/g, '&') ?? '';
    expect(nextFiltered).toContain('actor=carol');
  });

  it('shows one event with before and after side by side and a field-by-field diff with text markers', async () => {
    const res = await get(admin, '/console/audit/2?lang=en');
    expect(res.statusCode).toBe(200);
    const row = (field: string): string => new RegExp(`<tr data-change="[a-z]+"><th scope="row">(?:<strong>|<span>)${field}[\\s\\S]*?</tr>`).exec(res.body)?.[0] ?? '';
    expect(row('roles')).toContain('<mark>Changed</mark>');
    expect(row('status')).toContain('<mark>Changed</mark>');
    expect(row('locale')).toContain('<mark>Added</mark>');
    expect(row('displayName')).toContain('<mark>Removed</mark>');
    expect(row('email')).toContain('Unchanged');
    expect(row('email')).not.toContain('<mark>');
    expect(res.body).toContain('4 field(s) changed');
    const event = await t.database.db.selectFrom('audit_event').select(['hash', 'prev_hash']).where('seq', '=', 2).executeTakeFirstOrThrow();
    expect(res.body).toContain(event.hash);
    expect(res.body).toContain(event.prev_hash);
  });

  it('escapes recorded data instead of rendering it', async () => {
    const res = await get(admin, '/console/audit/3');
    expect(res.body).toContain('&lt;script>alert(1)&lt;/script>');
    expect(res.body).not.toContain('<script>alert(1)</script>');
  });

  it('answers 404 for an unknown event and 400 for a malformed number', async () => {
    expect((await get(admin, '/console/audit/999')).statusCode).toBe(404);
    expect((await get(admin, '/console/audit/abc')).statusCode).toBe(400);
  });

  it('is for holders of audit:read only: staff without it and constituents get 403, visitors go to sign-in', async () => {
    for (const url of ['/console/audit', '/console/audit/1', '/console/audit/verify']) {
      expect((await get(analyst, url)).statusCode).toBe(403);
      expect((await get(member, url)).statusCode).toBe(403);
      const anonymous = await get(null, url);
      expect(anonymous.statusCode).toBe(303);
      expect(anonymous.headers.location).toMatch(/^\/login\?next=/);
    }
  });
});

describe(`audit API (${testDialect})`, () => {
  it('lists events with the same filters and cursor pagination', async () => {
    const res = await get(admin, '/api/v1/audit-events?limit=2');
    expect(res.statusCode).toBe(200);
    const body = res.json();
    expect(body.items.map((e: { seq: number }) => e.seq)).toEqual([4, 3]);
    expect(body.items[0]).toMatchObject({ action: 'organisation.update', entityType: 'organisation', entityId: 'o-1', actorLabel: 'carol@cert.example.ma', before: { status: 'active' }, after: { status: 'suspended' } });
    expect(body.items[0].hash).toMatch(/^[0-9a-f]{64}$/);
    const next = await get(admin, `/api/v1/audit-events?limit=2&cursor=${body.nextCursor}`);
    expect(next.json().items.map((e: { seq: number }) => e.seq)).toEqual([2, 1]);
    expect(next.json().nextCursor).toBeNull();
    const filtered = await get(admin, '/api/v1/audit-events?actor=alice&from=2025-03-02T00:00:00Z');
    expect(filtered.json().items.map((e: { seq: number }) => e.seq)).toEqual([2]);
  });

  it('answers invalid filters with problem details naming the field', async () => {
    const res = await get(admin, '/api/v1/audit-events?from=31/12/2024');
    expect(res.statusCode).toBe(400);
    expect(res.headers['content-type']).toContain('application/problem+json');
    expect(res.json().errors).toEqual([expect.objectContaining({ field: 'from', code: 'invalid_date' })]);
    const cursor = await get(admin, '/api/v1/audit-events?cursor=bm9wZQ');
    expect(cursor.statusCode).toBe(400);
    expect(cursor.json().errors[0].field).toBe('cursor');
  });

  it('returns one event by sequence number, 404 when absent, 403 without audit:read', async () => {
    const res = await get(admin, '/api/v1/audit-events/1');
    expect(res.json()).toMatchObject({ seq: 1, action: 'user.create', before: null, after: { email: 'bob@example.ma' } });
    expect(res.json().prevHash).toBe('0'.repeat(64));
    expect((await get(admin, '/api/v1/audit-events/77')).statusCode).toBe(404);
    expect((await get(analyst, '/api/v1/audit-events/1')).statusCode).toBe(403);
    expect((await get(null, '/api/v1/audit-events')).statusCode).toBe(401);
  });

  it('is documented in the OpenAPI document under the audit tag', async () => {
    const doc = (await get(null, '/api/openapi.json')).json();
    expect(doc.paths['/api/v1/audit-events'].get.tags).toEqual(['audit']);
    expect(doc.paths['/api/v1/audit-events/{seq}'].get.tags).toEqual(['audit']);
  });
});

describe(`audit verification page (${testDialect})`, () => {
  it('reports an intact chain with its count, then every problem after tampering', async () => {
    const ok = await get(admin, '/console/audit/verify?lang=en');
    expect(ok.statusCode).toBe(200);
    const total = Number((await t.database.db.selectFrom('audit_event').select((eb) => eb.fn.countAll<number>().as('n')).executeTakeFirstOrThrow()).n);
    expect(ok.body).toContain(`The trail is intact: ${total} events verified.`);

    if (testDialect === 'postgres') await sql`alter table audit_event disable trigger audit_event_no_update`.execute(t.database.db);
    else await sql`drop trigger audit_event_no_update`.execute(t.database.db);
    await sql`update audit_event set actor_label = 'someone-else@example.ma' where seq = 2`.execute(t.database.db);

    const bad = await get(admin, '/console/audit/verify?lang=en');
    expect(bad.statusCode).toBe(200);
    expect(bad.body).toContain('The trail has been tampered with: 1 problem(s)');
    expect(bad.body).toMatch(/<tr data-kind="modified"><td class="num"><a href="\/console\/audit\/2">2<\/a><\/td><td><strong>Content modified<\/strong>/);
    expect(bad.body).toContain('The content of event 2 no longer matches its hash.');
  });
});
