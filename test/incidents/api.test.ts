/**
 * The incidents JSON API end to end (issue 5, intake (c) and the API gaps users of other tools complain about):
 * reports with an Idempotency-Key, problem+json errors naming the field, optimistic locking, the handler's and the
 * reporter's views, the triage workflow, indicators, tasks, merging, the 1,000-value bulk lookup and exports.
 */
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import type { LightMyRequestResponse } from 'fastify';
import { buildTestApp, type TestApp } from '../helpers/app';
import { buildOrganisation, buildUser, loginAs, type SignedIn, type UserFixture } from '../helpers/factories';
import { contextFor } from '../helpers/bulletin-factories';
import { buildApiToken } from '../authz/world';
import { reportIncident } from '#src/modules/incidents/use-cases/report-incident';

let t: TestApp;
let analyst: UserFixture;
let memberA: UserFixture;
let colleagueA: UserFixture;
let memberB: UserFixture;
let analystSession: SignedIn;
let memberSession: SignedIn;
let colleagueSession: SignedIn;
let memberBSession: SignedIn;
let orgA: string;

type Caller = SignedIn | { bearer: string };

beforeAll(async () => {
  t = await buildTestApp();
  orgA = (await buildOrganisation(t.database)).id;
  const orgB = (await buildOrganisation(t.database)).id;
  analyst = await buildUser(t.database, { roles: ['analyst'], displayName: 'Analyste Un' });
  memberA = await buildUser(t.database, { roles: ['org_member'], organisationId: orgA });
  colleagueA = await buildUser(t.database, { roles: ['org_member'], organisationId: orgA });
  memberB = await buildUser(t.database, { roles: ['org_member'], organisationId: orgB });
  analystSession = await loginAs(t, analyst);
  memberSession = await loginAs(t, memberA);
  colleagueSession = await loginAs(t, colleagueA);
  memberBSession = await loginAs(t, memberB);
});
afterAll(async () => {
  await t.close();
});

function api(caller: Caller, method: 'GET' | 'POST' | 'PATCH' | 'DELETE', url: string, body?: unknown, headers: Record<string, string> = {}): Promise<LightMyRequestResponse> {
  const auth = 'bearer' in caller ? { authorization: `Bearer ${caller.bearer}` } : { 'x-csrf-token': caller.csrf };
  return t.app.inject({
    method,
    url,
    ...('bearer' in caller ? {} : { cookies: caller.cookies }),
    headers: { ...auth, ...(body !== undefined ? { 'content-type': 'application/json' } : {}), ...headers },
    ...(body !== undefined ? { payload: JSON.stringify(body) } : {}),
  });
}

async function count(table: 'incident' | 'incident_comment' | 'incident_task' | 'incident_indicator' | 'idempotency_record' | 'email_message'): Promise<number> {
  const row = await t.database.db.selectFrom(table).select((eb) => eb.fn.countAll<number>().as('n')).executeTakeFirstOrThrow();
  return Number(row.n);
}

function fieldsOf(res: LightMyRequestResponse): string[] {
  expect(res.headers['content-type']).toContain('application/problem+json');
  return res.json<{ errors: { field: string }[] }>().errors.map((e) => e.field).sort();
}

interface IncidentBody {
  id: string;
  reference: string;
  version: number;
  status: string;
  tlp: string;
  pap: string;
  severity: string | null;
  assigneeId: string | null;
  disposition: string | null;
  mergedIntoId: string | null;
  organisationId: string | null;
  classifications: { classCode: string; typeCode: string | null }[];
}

async function reportAsAnalyst(title: string, tlp = 'amber'): Promise<IncidentBody> {
  const res = await api(analystSession, 'POST', '/api/v1/incidents', { title, description: `${title}: description.`, tlp, organisationId: orgA });
  expect(res.statusCode, res.body).toBe(201);
  const body = res.json<{ view: string; incident: IncidentBody }>();
  expect(body.view).toBe('handler');
  return body.incident;
}

describe('POST /api/v1/incidents', () => {
  it('takes a constituent’s report (channel api, their organisation) and answers 201 with the reporter’s view and the reference', async () => {
    const emails = await count('email_message');
    const res = await api(memberSession, 'POST', '/api/v1/incidents', { title: 'Courriel de hameçonnage', description: 'Un lien vers un faux portail.', tlp: 'green', classCode: 'fraud', typeCode: 'fraud.phishing' });
    expect(res.statusCode, res.body).toBe(201);
    const body = res.json<{ view: string; incident: Record<string, unknown> }>();
    expect(body.view).toBe('reporter');
    expect(body.incident).toMatchObject({ channel: 'api', status: 'new', tlp: 'green', organisationId: orgA });
    expect(String(body.incident.reference)).toMatch(/^INC-\d{4}-\d{5}$/);
    // The reporter's view carries no triage data.
    for (const key of ['assigneeId', 'severity', 'priority', 'pap', 'reporter', 'nextDueAt', 'regulationProfiles']) expect(body.incident).not.toHaveProperty(key);
    expect(await count('email_message')).toBe(emails + 1);
  });

  it('replays a report sent again with the same Idempotency-Key: the same incident, created once', async () => {
    const token = await buildApiToken(t, memberA, ['write']);
    const caller = { bearer: token.secret };
    const body = { title: 'Rançongiciel sur un serveur de fichiers', description: 'Fichiers chiffrés, note de rançon.' };
    const headers = { 'idempotency-key': 'soc-report-0000001' };
    const before = await count('incident');
    const first = await api(caller, 'POST', '/api/v1/incidents', body, headers);
    expect(first.statusCode, first.body).toBe(201);
    const again = await api(caller, 'POST', '/api/v1/incidents', body, headers);
    expect(again.statusCode, again.body).toBe(201);
    expect(again.json<{ incident: IncidentBody }>().incident.id).toBe(first.json<{ incident: IncidentBody }>().incident.id);
    expect(again.json<{ incident: IncidentBody }>().incident.reference).toBe(first.json<{ incident: IncidentBody }>().incident.reference);
    expect(await count('incident')).toBe(before + 1);
    // The same key with another body is refused, and creates nothing.
    const other = await api(caller, 'POST', '/api/v1/incidents', { ...body, title: 'Autre chose' }, headers);
    expect(other.statusCode).toBe(422);
    expect(await count('incident')).toBe(before + 1);
    // Without a key, every request is a new report.
    await api(caller, 'POST', '/api/v1/incidents', body);
    expect(await count('incident')).toBe(before + 2);
  });

  it('answers 400 problems naming each field of an invalid report, and writes nothing', async () => {
    const before = await count('incident');
    const missing = await api(memberSession, 'POST', '/api/v1/incidents', { description: 'x' });
    expect(missing.statusCode).toBe(400);
    expect(fieldsOf(missing)).toEqual(['title']);
    const wrong = await api(memberSession, 'POST', '/api/v1/incidents', { title: 'x', description: 'y', tlp: 'purple', extra: true });
    expect(wrong.statusCode).toBe(400);
    expect(fieldsOf(wrong)).toEqual(['extra', 'tlp']);
    const blank = await api(memberSession, 'POST', '/api/v1/incidents', { title: '   ', description: 'y', typeCode: 'fraud.nonsense', detectedAt: 'yesterday' });
    expect(blank.statusCode).toBe(400);
    expect(fieldsOf(blank)).toEqual(['classifications.0.type', 'detectedAt', 'title']);
    const idempotent = await api(memberSession, 'POST', '/api/v1/incidents', { title: '', description: '' }, { 'idempotency-key': 'bad-body-000001' });
    expect(idempotent.statusCode).toBe(400);
    expect(await count('incident')).toBe(before);
    const retried = await api(memberSession, 'POST', '/api/v1/incidents', { title: 'Corrigé', description: 'Corrigé.' }, { 'idempotency-key': 'bad-body-000001' });
    expect(retried.statusCode, 'a refused request records no answer: the corrected retry goes through').toBe(201);
    expect(await count('incident')).toBe(before + 1);
  });

  it('refuses staff without the incidents permissions (403) and anonymous callers (401)', async () => {
    const author = await buildUser(t.database, { roles: ['author'] });
    const res = await api(await loginAs(t, author), 'POST', '/api/v1/incidents', { title: 'x', description: 'y' });
    expect(res.statusCode).toBe(403);
    const anonymous = await t.app.inject({ method: 'POST', url: '/api/v1/incidents', headers: { 'content-type': 'application/json' }, payload: JSON.stringify({ title: 'x', description: 'y' }) });
    expect(anonymous.statusCode).toBe(401);
  });
});

describe('triage through the API', () => {
  it('runs the workflow: triage edit, 409 on a stale version, status, assignment, comments, indicators, tasks', async () => {
    const incident = await reportAsAnalyst('Compte de messagerie compromis');

    const edited = await api(analystSession, 'PATCH', `/api/v1/incidents/${incident.id}`, {
      version: incident.version,
      severity: 'grave',
      priority: 2,
      pap: 'green',
      classifications: [{ classCode: 'fraud', typeCode: 'fraud.phishing' }],
      impact: { users: '120 boîtes aux lettres' },
      detectedAt: null,
    });
    expect(edited.statusCode, edited.body).toBe(200);
    const e = edited.json<IncidentBody & { impact: { users: string } }>();
    expect(e).toMatchObject({ status: 'triage', severity: 'grave', pap: 'green', classifications: [{ classCode: 'fraud', typeCode: 'fraud.phishing' }], version: incident.version + 1 });
    expect(e.impact.users).toBe('120 boîtes aux lettres');

    const stale = await api(analystSession, 'PATCH', `/api/v1/incidents/${incident.id}`, { version: incident.version, severity: 'limite' });
    expect(stale.statusCode).toBe(409);
    expect(stale.headers['content-type']).toContain('application/problem+json');

    const badEdit = await api(analystSession, 'PATCH', `/api/v1/incidents/${incident.id}`, { version: e.version, severity: 'apocalyptique', classifications: [{ classCode: 'fraud', typeCode: 'malicious-code.c2-server' }], priority: 9 });
    expect(badEdit.statusCode).toBe(400);
    expect(fieldsOf(badEdit)).toEqual(['priority']);
    const badTerms = await api(analystSession, 'PATCH', `/api/v1/incidents/${incident.id}`, { version: e.version, severity: 'apocalyptique', classifications: [{ classCode: 'fraud', typeCode: 'malicious-code.c2-server' }] });
    expect(fieldsOf(badTerms)).toEqual(['classifications.0.type', 'severity']);

    const invalidMove = await api(analystSession, 'POST', `/api/v1/incidents/${incident.id}/status`, { version: e.version, status: 'new' });
    expect(invalidMove.statusCode).toBe(409);
    const moved = await api(analystSession, 'POST', `/api/v1/incidents/${incident.id}/status`, { version: e.version, status: 'in_progress' });
    expect(moved.statusCode, moved.body).toBe(200);
    const assigned = await api(analystSession, 'POST', `/api/v1/incidents/${incident.id}/assign`, { version: moved.json<IncidentBody>().version, assigneeId: analyst.id });
    expect(assigned.statusCode, assigned.body).toBe(200);
    expect(assigned.json<IncidentBody>().assigneeId).toBe(analyst.id);
    const notHandler = await api(analystSession, 'POST', `/api/v1/incidents/${incident.id}/assign`, { version: assigned.json<IncidentBody>().version, assigneeId: memberA.id });
    expect(fieldsOf(notHandler)).toEqual(['assigneeId']);

    const internal = await api(analystSession, 'POST', `/api/v1/incidents/${incident.id}/comments`, { body: 'Note interne : piste du prestataire.' });
    expect(internal.statusCode, internal.body).toBe(201);
    expect(internal.json<{ visibility: string }>().visibility).toBe('internal');
    const shared = await api(analystSession, 'POST', `/api/v1/incidents/${incident.id}/comments`, { body: 'Merci, nous analysons.', visibility: 'shared' });
    expect(shared.json<{ visibility: string }>().visibility).toBe('shared');

    const added = await api(analystSession, 'POST', `/api/v1/incidents/${incident.id}/indicators`, {
      indicators: [{ value: 'hxxps://login-portail[.]example/auth' }, { type: 'ipv4', value: '203.0.113.45', comment: 'C2' }, { value: 'login-portail.example' }],
    });
    expect(added.statusCode, added.body).toBe(201);
    const items = added.json<{ items: { id: string; type: string; value: string }[] }>().items;
    expect(items.map((i) => `${i.type}:${i.value}`)).toEqual(['url:https://login-portail.example/auth', 'ipv4:203.0.113.45', 'domain:login-portail.example']);
    const again = await api(analystSession, 'POST', `/api/v1/incidents/${incident.id}/indicators`, { indicators: [{ type: 'ipv4', value: '203.0.113.45' }] });
    expect(again.json<{ items: unknown[] }>().items).toEqual([]);
    const invalid = await api(analystSession, 'POST', `/api/v1/incidents/${incident.id}/indicators`, { indicators: [{ type: 'ipv4', value: '10.0.0.1' }, { type: 'ipv4', value: '999.1.1.1' }] });
    expect(invalid.statusCode).toBe(400);
    expect(fieldsOf(invalid)).toEqual(['indicators.1.value']);
    const tooMany = await api(analystSession, 'POST', `/api/v1/incidents/${incident.id}/indicators`, { indicators: Array.from({ length: 1001 }, (_, i) => ({ type: 'ipv4', value: `10.1.${Math.floor(i / 250)}.${i % 250}` })) });
    expect(tooMany.statusCode).toBe(400);
    expect(fieldsOf(tooMany)).toEqual(['indicators']);
    const domain = items[2];
    const removed = await api(analystSession, 'DELETE', `/api/v1/incidents/${incident.id}/indicators/${domain?.id ?? ''}`);
    expect(removed.statusCode).toBe(204);
    expect((await api(analystSession, 'DELETE', `/api/v1/incidents/${incident.id}/indicators/${domain?.id ?? ''}`)).statusCode).toBe(404);

    const task = await api(analystSession, 'POST', `/api/v1/incidents/${incident.id}/tasks`, { title: 'Réinitialiser les mots de passe', ownerId: analyst.id, dueAt: '2030-01-31' }, { 'idempotency-key': 'task-key-0000001' });
    expect(task.statusCode, task.body).toBe(201);
    const taskAgain = await api(analystSession, 'POST', `/api/v1/incidents/${incident.id}/tasks`, { title: 'Réinitialiser les mots de passe', ownerId: analyst.id, dueAt: '2030-01-31' }, { 'idempotency-key': 'task-key-0000001' });
    expect(taskAgain.json<{ id: string }>().id).toBe(task.json<{ id: string }>().id);
    expect(task.json<{ dueAt: string }>().dueAt).toBe('2030-01-31T23:59:00.000Z');

    const detail = await api(analystSession, 'GET', `/api/v1/incidents/${incident.id}`);
    expect(detail.statusCode, detail.body).toBe(200);
    const d = detail.json<{ view: string; comments: { body: string }[]; tasks: { title: string }[]; indicators: { value: string; seenIn: unknown[] }[]; deadlines: { key: string; state: string }[]; timeline: { action: string }[]; incident: IncidentBody }>();
    expect(d.view).toBe('handler');
    expect(d.comments.map((c) => c.body)).toEqual(['Note interne : piste du prestataire.', 'Merci, nous analysons.']);
    expect(d.tasks.map((x) => x.title)).toEqual(['Réinitialiser les mots de passe']);
    expect(d.indicators.map((i) => i.value)).toEqual(['https://login-portail.example/auth', '203.0.113.45']);
    expect(d.deadlines.map((x) => x.key)).toContain('cert-sla.first-response');
    expect(d.timeline.map((x) => x.action)).toEqual(expect.arrayContaining(['incident.reported', 'incident.updated', 'incident.assigned', 'incident.commented', 'incident.task_added']));
    expect(d.incident.assigneeId).toBe(analyst.id);

    const closedWithout = await api(analystSession, 'POST', `/api/v1/incidents/${incident.id}/status`, { version: d.incident.version, status: 'closed' });
    expect(fieldsOf(closedWithout)).toEqual(['disposition']);
    const closed = await api(analystSession, 'POST', `/api/v1/incidents/${incident.id}/status`, { version: d.incident.version, status: 'closed', disposition: 'confirmed' });
    expect(closed.statusCode, closed.body).toBe(200);
    expect(closed.json<IncidentBody>()).toMatchObject({ status: 'closed', disposition: 'confirmed' });
  });

  it('shows the reporter’s organisation the reporter view only: no internal comment, assignee, task or correlation', async () => {
    const created = await api(memberSession, 'POST', '/api/v1/incidents', { title: 'Défiguration du site', description: 'Page d’accueil remplacée.' });
    const id = created.json<{ incident: { id: string } }>().incident.id;
    const handlerView = (await api(analystSession, 'GET', `/api/v1/incidents/${id}`)).json<{ incident: IncidentBody }>();
    await api(analystSession, 'POST', `/api/v1/incidents/${id}/assign`, { version: handlerView.incident.version, assigneeId: analyst.id });
    await api(analystSession, 'POST', `/api/v1/incidents/${id}/comments`, { body: 'SECRET-INTERNE hypothèse', visibility: 'internal' });
    await api(analystSession, 'POST', `/api/v1/incidents/${id}/comments`, { body: 'Pouvez-vous envoyer les journaux ?', visibility: 'shared' });
    await api(analystSession, 'POST', `/api/v1/incidents/${id}/tasks`, { title: 'TACHE-INTERNE contacter l’hébergeur' });
    await api(analystSession, 'POST', `/api/v1/incidents/${id}/indicators`, { indicators: [{ value: 'defaced.example' }] });

    for (const session of [memberSession, colleagueSession]) {
      const res = await api(session, 'GET', `/api/v1/incidents/${id}`);
      expect(res.statusCode, res.body).toBe(200);
      const body = res.json<Record<string, unknown>>();
      expect(body.view).toBe('reporter');
      expect(Object.keys(body).sort()).toEqual(['attachments', 'comments', 'incident', 'indicators', 'view']);
      expect(res.body).not.toContain('SECRET-INTERNE');
      expect(res.body).not.toContain('TACHE-INTERNE');
      expect(res.body).not.toContain(analyst.id);
      expect(res.body).not.toContain('seenIn');
      expect(res.body).toContain('Pouvez-vous envoyer les journaux ?');
    }
    const answer = await api(memberSession, 'POST', `/api/v1/incidents/${id}/comments`, { body: 'Journaux joints.', visibility: 'internal' });
    expect(answer.statusCode, answer.body).toBe(201);
    expect(answer.json<{ visibility: string }>().visibility).toBe('shared');

    // Another organisation: as if it did not exist, on reads and writes alike.
    expect((await api(memberBSession, 'GET', `/api/v1/incidents/${id}`)).statusCode).toBe(404);
    const comments = await count('incident_comment');
    expect((await api(memberBSession, 'POST', `/api/v1/incidents/${id}/comments`, { body: 'Intrusion' })).statusCode).toBe(404);
    expect(await count('incident_comment')).toBe(comments);
    // Constituents cannot triage.
    expect((await api(memberSession, 'PATCH', `/api/v1/incidents/${id}`, { version: 1, severity: 'grave' })).statusCode).toBe(403);
  });

  it('merges a report into another incident by reference', async () => {
    const target = await reportAsAnalyst('Campagne de hameçonnage bancaire');
    const report = await reportAsAnalyst('Faux SMS de la banque');
    await api(analystSession, 'POST', `/api/v1/incidents/${report.id}/indicators`, { indicators: [{ value: 'banque-secure.example' }] });
    const current = (await api(analystSession, 'GET', `/api/v1/incidents/${report.id}`)).json<{ incident: IncidentBody }>().incident;
    const unknown = await api(analystSession, 'POST', `/api/v1/incidents/${report.id}/merge`, { version: current.version, reference: 'INC-1999-99999' });
    expect(fieldsOf(unknown)).toEqual(['reference']);
    const merged = await api(analystSession, 'POST', `/api/v1/incidents/${report.id}/merge`, { version: current.version, reference: target.reference });
    expect(merged.statusCode, merged.body).toBe(200);
    expect(merged.json<IncidentBody>()).toMatchObject({ status: 'closed', disposition: 'duplicate', mergedIntoId: target.id });
    const targetView = (await api(analystSession, 'GET', `/api/v1/incidents/${target.id}`)).json<{ indicators: { value: string }[]; links: { id: string }[] }>();
    expect(targetView.indicators.map((i) => i.value)).toContain('banque-secure.example');
    expect(targetView.links.map((l) => l.id)).toContain(report.id);
  });
});

describe('GET /api/v1/incidents', () => {
  it('pages the handler’s queue with filters, and constituents see only their organisation’s incidents without triage data', async () => {
    const a = await reportAsAnalyst('Filtre Alpha', 'amber');
    const b = await reportAsAnalyst('Filtre Alpha bis', 'amber');
    const first = await api(analystSession, 'GET', '/api/v1/incidents?q=filtre%20alpha&limit=1');
    expect(first.statusCode, first.body).toBe(200);
    const page1 = first.json<{ view: string; items: { id: string; assigneeId: string | null }[]; nextCursor: string | null }>();
    expect(page1.view).toBe('handler');
    expect(page1.items).toHaveLength(1);
    expect(page1.nextCursor).not.toBeNull();
    const second = (await api(analystSession, 'GET', `/api/v1/incidents?q=filtre%20alpha&limit=1&cursor=${encodeURIComponent(page1.nextCursor ?? '')}`)).json<{ items: { id: string }[]; nextCursor: string | null }>();
    expect([page1.items[0]?.id, second.items[0]?.id].sort()).toEqual([a.id, b.id].sort());
    expect(second.nextCursor).toBeNull();

    const filtered = await api(analystSession, 'GET', '/api/v1/incidents?status=new,triage&sort=priority&open=1');
    expect(filtered.statusCode, filtered.body).toBe(200);
    const badStatus = await api(analystSession, 'GET', '/api/v1/incidents?status=lost');
    expect(badStatus.statusCode).toBe(400);
    expect(fieldsOf(badStatus)).toEqual(['status']);
    const badSort = await api(analystSession, 'GET', '/api/v1/incidents?sort=random');
    expect(fieldsOf(badSort)).toEqual(['sort']);
    const badCursor = await api(analystSession, 'GET', '/api/v1/incidents?cursor=nonsense');
    expect(fieldsOf(badCursor)).toEqual(['cursor']);

    const red = await api(memberSession, 'POST', '/api/v1/incidents', { title: 'Filtre Rouge confidentiel', description: 'TLP:RED.', tlp: 'red' });
    const redId = red.json<{ incident: { id: string } }>().incident.id;
    const mine = (await api(memberSession, 'GET', '/api/v1/incidents?q=filtre')).json<{ view: string; items: Record<string, unknown>[] }>();
    expect(mine.view).toBe('reporter');
    expect(mine.items.map((i) => i.id)).toEqual(expect.arrayContaining([a.id, b.id, redId]));
    for (const item of mine.items) for (const key of ['assigneeId', 'assigneeName', 'severity', 'priority', 'classCodes', 'nextDueAt']) expect(item).not.toHaveProperty(key);
    const colleague = (await api(colleagueSession, 'GET', '/api/v1/incidents?q=filtre')).json<{ items: { id: string }[] }>();
    expect(colleague.items.map((i) => i.id)).toEqual(expect.arrayContaining([a.id, b.id]));
    expect(colleague.items.map((i) => i.id), 'TLP:RED stays with its reporter').not.toContain(redId);
    expect((await api(colleagueSession, 'GET', `/api/v1/incidents/${redId}`)).statusCode).toBe(404);
    const outsider = (await api(memberBSession, 'GET', '/api/v1/incidents?q=filtre')).json<{ items: unknown[] }>();
    expect(outsider.items).toEqual([]);
    // A constituent cannot probe triage data through handler-only filters: they are ignored.
    const byAssignee = (await api(memberSession, 'GET', `/api/v1/incidents?q=filtre&assignee=${analyst.id}&severity=grave&overdue=1`)).json<{ items: { id: string }[] }>();
    expect(byAssignee.items.map((i) => i.id).sort()).toEqual(mine.items.map((i) => String(i.id)).sort());
  });
});

describe('POST /api/v1/indicators/lookup', () => {
  it('answers 1,000 values at once, with the few that are known, and refuses more', async () => {
    const incident = await reportAsAnalyst('Serveurs de commande');
    await api(analystSession, 'POST', `/api/v1/incidents/${incident.id}/indicators`, { indicators: [{ value: '198.51.100.77' }, { value: 'c2-relay.example' }, { value: 'CVE-2024-3400' }] });
    const values = Array.from({ length: 996 }, (_, i) => `10.${Math.floor(i / 250)}.${i % 250}.1`);
    values.push('198[.]51[.]100[.]77', 'hxxp://nothing-here[.]example', 'c2-relay.example', 'not-an-indicator!');
    expect(values).toHaveLength(1000);
    const res = await api(analystSession, 'POST', '/api/v1/indicators/lookup', { values });
    expect(res.statusCode, res.body.slice(0, 500)).toBe(200);
    const items = res.json<{ items: { input: string; type: string | null; value: string | null; error: string | null; incidents: { reference: string }[] }[] }>().items;
    const hits = items.filter((i) => i.incidents.length > 0);
    expect(hits.map((h) => h.value).sort()).toEqual(['198.51.100.77', 'c2-relay.example']);
    expect(hits.every((h) => h.incidents.some((i) => i.reference === incident.reference))).toBe(true);
    expect(items).toHaveLength(1000);
    expect(items.filter((i) => i.error === 'invalid').map((i) => i.input)).toEqual(['not-an-indicator!']);

    const tooMany = await api(analystSession, 'POST', '/api/v1/indicators/lookup', { values: [...values, '192.0.2.1'] });
    expect(tooMany.statusCode).toBe(400);
    expect(fieldsOf(tooMany)).toEqual(['values']);
    expect((await api(memberSession, 'POST', '/api/v1/indicators/lookup', { values: ['198.51.100.77'] })).statusCode).toBe(403);
  });
});

describe('GET /api/v1/incidents/{id}/export', () => {
  it('serves MISP, STIX and CSV as downloads to handlers, and 404 to constituents', async () => {
    const { incident } = await reportIncident(t.database, t.config, contextFor(analyst, t.clock), 'staff', { title: 'Export API', description: 'Pour l’export.', tlp: 'amber', organisationId: orgA });
    await api(analystSession, 'POST', `/api/v1/incidents/${incident.id}/indicators`, { indicators: [{ value: 'export.example', comment: '=HYPERLINK("x")' }] });
    const misp = await api(analystSession, 'GET', `/api/v1/incidents/${incident.id}/export?format=misp`);
    expect(misp.statusCode, misp.body).toBe(200);
    expect(misp.headers['content-type']).toBe('application/json; charset=utf-8');
    expect(misp.headers['content-disposition']).toBe(`attachment; filename="${incident.reference}.misp.json"`);
    expect(misp.headers['x-content-type-options']).toBe('nosniff');
    expect(misp.json<{ Event: { Tag: { name: string }[] } }>().Event.Tag.map((x) => x.name)).toContain('tlp:amber');
    const stix = await api(analystSession, 'GET', `/api/v1/incidents/${incident.id}/export?format=stix`);
    expect(stix.headers['content-type']).toBe('application/stix+json;version=2.1');
    expect(stix.json<{ type: string }>().type).toBe('bundle');
    const csv = await api(analystSession, 'GET', `/api/v1/incidents/${incident.id}/export?format=csv`);
    expect(csv.headers['content-type']).toContain('text/csv');
    expect(csv.body).toContain(`${incident.reference},domain,export.example,"'=HYPERLINK(""x"")"`);
    const bad = await api(analystSession, 'GET', `/api/v1/incidents/${incident.id}/export?format=pdf`);
    expect(fieldsOf(bad)).toEqual(['format']);
    expect((await api(memberSession, 'GET', `/api/v1/incidents/${incident.id}/export?format=misp`)).statusCode).toBe(404);
  });
});

describe('OpenAPI', () => {
  it('documents every incidents route under the incidents tag, with its response schema', async () => {
    const res = await t.app.inject({ method: 'GET', url: '/api/openapi.json' });
    expect(res.statusCode).toBe(200);
    const paths = res.json<{ paths: Record<string, Record<string, { tags?: string[]; responses?: Record<string, unknown> }>> }>().paths;
    const expected: [string, string, string][] = [
      ['/api/v1/incidents', 'get', '200'],
      ['/api/v1/incidents', 'post', '201'],
      ['/api/v1/incidents/{id}', 'get', '200'],
      ['/api/v1/incidents/{id}', 'patch', '200'],
      ['/api/v1/incidents/{id}/status', 'post', '200'],
      ['/api/v1/incidents/{id}/assign', 'post', '200'],
      ['/api/v1/incidents/{id}/comments', 'post', '201'],
      ['/api/v1/incidents/{id}/indicators', 'post', '201'],
      ['/api/v1/incidents/{id}/indicators/{indicatorId}', 'delete', '204'],
      ['/api/v1/incidents/{id}/tasks', 'post', '201'],
      ['/api/v1/incidents/{id}/merge', 'post', '200'],
      ['/api/v1/incidents/{id}/export', 'get', '200'],
      ['/api/v1/indicators/lookup', 'post', '200'],
    ];
    for (const [path, method, status] of expected) {
      const operation = paths[path]?.[method];
      expect(operation, `${method} ${path}`).toBeDefined();
      expect(operation?.tags).toEqual(['incidents']);
      expect(operation?.responses?.[status], `${method} ${path} ${status}`).toBeDefined();
    }
    expect(Object.keys(paths).some((p) => p.startsWith('/console/incidents')), 'console downloads stay out of the API reference').toBe(false);
  });
});
