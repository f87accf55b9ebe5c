/**
 * Incidents (issue 5, point 9): organisation members see only their organisation's incidents, TLP:RED ones only
 * their reporter, staff without the incidents permissions nothing at all, and a public reporter only their own report
 * through its tracking link. Every incident surface (console, portal, JSON API, bulk lookup, exports, tracking page)
 * is probed by every kind of outsider: refused requests answer as for a record that does not exist (404), or are
 * turned away at the door of a route family they may not use (401/303 anonymous, 403), and change nothing at all.
 * Correlation and lookups never reveal an incident the caller may not see.
 *
 * Routes that other parts of the work register later (console and portal pages, tracking page) are probed by URL:
 * until they exist they answer 404, which is the right answer for outsiders; once they land, the expectations follow
 * the access rule they declare (read from the route table), so this file stays meaningful without being edited.
 */
import { createHash } from 'node:crypto';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import type { LightMyRequestResponse } from 'fastify';
import type { RegisteredRoute } from '#src/app';
import type { Actor } from '#src/core/access';
import type { Incident } from '#src/modules/incidents/incidents.types';
import { can } from '#src/core/access';
import { commentAsHandler } from '#src/modules/incidents/use-cases/comment-on-incident';
import { addIncidentTask } from '#src/modules/incidents/use-cases/incident-tasks';
import { findCorrelations, findDuplicateCandidates, listIndicators, lookupIndicators } from '#src/modules/incidents/incidents.repository';
import { incidentViewerOf } from '#src/modules/incidents/incidents.visibility';
import { buildTestApp } from '../helpers/app';
import { anonymousBrowser, buildOrganisation, buildUser, loginAs, type UserFixture } from '../helpers/factories';
import { contextFor } from '../helpers/bulletin-factories';
import { buildIncident, type IncidentOverrides } from '../helpers/incident-factories';
import { buildApiToken } from './world';
import { attempt, bearerOf, type Attempt } from './expect-refused';
import { callerFrom, changedTables, describeResponse, digestDatabase, isApiRoute, type Caller, type DatabaseDigest } from './route-harness';

const t = await buildTestApp({ RIBAT_LOGIN_RATE_LIMIT: '10000', RIBAT_FORM_RATE_LIMIT: '10000' });
afterAll(() => t.close());

/** Words that only one record holds: an answer that contains one reveals that record. */
const word = { amber: 'Zanzibar', red: 'Kilimanjaro', other: 'Timbuktu', public: 'Ouagadougou', internal: 'INTERNE-Quokka', task: 'TACHE-Wombat', publicInternal: 'INTERNE-Narval' } as const;
const sharedIp = '198.51.100.23';
const redOnly = 'kilimanjaro-relay.example';

interface People {
  reporterA: UserFixture;
  colleagueA: UserFixture;
  memberB: UserFixture;
  managerB: UserFixture;
  analyst: UserFixture;
  author: UserFixture;
  reviewer: UserFixture;
}
let people: People;
let amberA: Incident;
let redA: Incident;
let incB: Incident;
let publicIncident: Incident;
let trackingToken: string;
let amberIndicatorId: string;
let amberTaskId: string;

beforeAll(async () => {
  const orgA = (await buildOrganisation(t.database)).id;
  const orgB = (await buildOrganisation(t.database)).id;
  people = {
    reporterA: await buildUser(t.database, { roles: ['org_member'], organisationId: orgA }),
    colleagueA: await buildUser(t.database, { roles: ['org_manager'], organisationId: orgA }),
    memberB: await buildUser(t.database, { roles: ['org_member'], organisationId: orgB }),
    managerB: await buildUser(t.database, { roles: ['org_manager'], organisationId: orgB }),
    analyst: await buildUser(t.database, { roles: ['analyst'] }),
    author: await buildUser(t.database, { roles: ['author'] }),
    reviewer: await buildUser(t.database, { roles: ['reviewer'] }),
  };
  const handler = contextFor(people.analyst, t.clock);
  const built = (overrides: IncidentOverrides) => buildIncident(t, { handler: people.analyst, ...overrides });
  amberA = (await built({ reporter: people.reporterA, title: `Hameçonnage ${word.amber}`, description: `Rapport ${word.amber}.`, tlp: 'amber', indicators: [{ value: sharedIp }, { value: 'zanzibar-c2.example' }], assignee: people.analyst })).incident;
  redA = (await built({ reporter: people.reporterA, title: `Fuite ${word.red}`, description: `Rapport ${word.red}.`, tlp: 'red', indicators: [{ value: redOnly }, { value: sharedIp }] })).incident;
  incB = (await built({ reporter: people.memberB, title: `Intrusion ${word.other}`, description: `Rapport ${word.other}.`, tlp: 'amber', indicators: [{ value: sharedIp }, { value: 'zanzibar-c2.example' }] })).incident;
  const published = await built({ channel: 'public', title: `Arnaque ${word.public}`, description: `Rapport ${word.public}.`, reporterEmail: 'citoyen@example.ma' });
  publicIncident = published.incident;
  trackingToken = published.trackingToken ?? '';
  amberIndicatorId = (await listIndicators(t.database.db, amberA.id))[0]?.id ?? '';
  await commentAsHandler(t.database, t.config, handler, amberA.id, 'internal', `Hypothèse ${word.internal}`);
  await commentAsHandler(t.database, t.config, handler, amberA.id, 'shared', 'Merci pour votre signalement.');
  await commentAsHandler(t.database, t.config, handler, publicIncident.id, 'internal', `Hypothèse ${word.publicInternal}`);
  amberTaskId = (await addIncidentTask(t.database, handler, amberA.id, { title: `${word.task} appeler l’hébergeur` })).id;
});

// ---- Machinery ------------------------------------------------------------------------------------------------------

const incidentTables = [
  'incident',
  'incident_classification',
  'incident_organisation',
  'incident_link',
  'incident_comment',
  'incident_task',
  'incident_indicator',
  'incident_attachment',
  'incident_deadline',
  'incident_inbound_email',
  'incident_saved_view',
] as const;

/** The shared digest (users, sessions, audit head, jobs, e-mails, idempotency…) and every incident table, surely. */
async function digestAll(): Promise<DatabaseDigest> {
  const out = await digestDatabase(t.database);
  for (const table of incidentTables) {
    if (out[table] !== undefined) continue;
    const rows = (await t.database.db.selectFrom(table).selectAll().execute()) as Record<string, unknown>[];
    const lines = rows.map((row) => JSON.stringify(Object.keys(row).sort().map((k) => [k, row[k] instanceof Date ? row[k].toISOString() : row[k]]))).sort();
    out[table] = { rows: rows.length, hash: createHash('sha256').update(lines.join('\n')).digest('hex').slice(0, 16) };
  }
  return out;
}

function actorOf(user: UserFixture): Actor {
  return { kind: 'user', userId: user.id, label: user.email, roles: user.roles, organisationId: user.organisationId, scopes: null };
}

/** The registered route a concrete URL reaches (static segments win over parameters, as in Fastify's router). */
function routeFor(method: string, url: string): RegisteredRoute | undefined {
  const path = url.split('?')[0] ?? url;
  const matches = t.app.ribatRoutes.filter((route) => {
    if (route.method !== method) return false;
    const pattern = route.url.replace(/[.+?^${}()|[\]\\*]/g, '\\$&').replace(/:[A-Za-z0-9_]+/g, '[^/]+');
    return new RegExp(`^${pattern}$`).test(path);
  });
  return matches.sort((a, b) => (a.url.match(/:/g)?.length ?? 0) - (b.url.match(/:/g)?.length ?? 0))[0];
}

/**
 * What a refused caller may be answered: 404 when the route's access rule lets them in (the record is then what they
 * may not see), 403 or 404 when the rule itself turns them away (it does so whatever the record: nothing is revealed);
 * anonymous callers get 401 (API) or 303 to the sign-in page; a URL no route serves is 404 for everyone.
 */
function refusalsFor(user: UserFixture | null, a: Attempt): number[] {
  const route = routeFor(a.method, a.url);
  if (!route || route.access === 'public') return [404];
  if (user === null) return isApiRoute(route) ? [401] : [303];
  if (typeof route.access !== 'object') return [404];
  return can(actorOf(user), route.access.permission) ? [404] : [403, 404];
}

/**
 * What of the incident the answer mentions (its reference or one of its words, and its id unless the caller sent it in
 * the URL: a page may echo its own address), or null.
 */
function reveals(res: LightMyRequestResponse, incident: Incident, withId: boolean, ...words: string[]): string | null {
  for (const needle of [incident.reference, ...(withId ? [incident.id] : []), ...words]) if (res.body.includes(needle)) return needle;
  return null;
}

/** Sends the attempt and asserts it is refused as expected, reveals nothing of the incidents given, and writes nothing. */
async function expectRefusedFor(who: string, user: UserFixture | null, caller: Caller, a: Attempt, hidden: { incident: Incident; words: string[] }[]): Promise<void> {
  const before = await digestAll();
  const res = await attempt(t, caller, a);
  const label = `${who}: ${a.method} ${a.url}`;
  expect(refusalsFor(user, a), `${label} → ${describeResponse(res)}`).toContain(res.statusCode);
  if (res.statusCode === 401) expect(res.headers['content-type'], label).toContain('application/problem+json');
  if (res.statusCode === 303) expect(String(res.headers.location), label).toMatch(/^\/login(\?|$)/);
  for (const h of hidden) expect(reveals(res, h.incident, !a.url.includes(h.incident.id), ...h.words), label).toBeNull();
  expect(changedTables(before, await digestAll()), `${label} changed the database`).toEqual([]);
}

/** Every route that names one incident, with a body a legitimate client would send. */
function itemAttempts(incident: Incident, indicatorId: string): Attempt[] {
  const id = incident.id;
  const v = String(incident.version);
  const c = `/console/incidents/${id}`;
  const api = `/api/v1/incidents/${id}`;
  return [
    { method: 'GET', url: c },
    { method: 'POST', url: c, form: { version: v, title: 'Modifié', severity: 'grave', tlp: 'clear' } },
    { method: 'POST', url: `${c}/status`, form: { version: v, status: 'in_progress' } },
    { method: 'POST', url: `${c}/assign`, form: { version: v, assigneeId: people.analyst.id } },
    { method: 'POST', url: `${c}/comments`, form: { visibility: 'shared', body: 'Intrusion' } },
    { method: 'POST', url: `${c}/indicators`, form: { text: '203.0.113.99', values: '203.0.113.99' } },
    { method: 'POST', url: `${c}/indicators/preview`, form: { text: '203.0.113.99' } },
    { method: 'POST', url: `${c}/indicators/${indicatorId}/delete` },
    { method: 'POST', url: `${c}/tasks`, form: { title: 'Intrusion' } },
    { method: 'POST', url: `${c}/tasks/${amberTaskId}`, form: { version: '1', done: '1' } },
    { method: 'POST', url: `${c}/merge`, form: { version: v, reference: incB.reference } },
    { method: 'POST', url: `${c}/links`, form: { reference: incB.reference } },
    { method: 'GET', url: `${c}/export.misp.json` },
    { method: 'GET', url: `${c}/export.stix.json` },
    { method: 'GET', url: `${c}/export.csv` },
    { method: 'GET', url: `/portal/incidents/${id}` },
    { method: 'POST', url: `/portal/incidents/${id}/comments`, form: { body: 'Intrusion' } },
    { method: 'GET', url: api },
    { method: 'PATCH', url: api, json: { version: incident.version, severity: 'grave', tlp: 'clear' } },
    { method: 'POST', url: `${api}/status`, json: { version: incident.version, status: 'in_progress' } },
    { method: 'POST', url: `${api}/assign`, json: { version: incident.version, assigneeId: people.analyst.id } },
    { method: 'POST', url: `${api}/comments`, json: { body: 'Intrusion', visibility: 'shared' } },
    { method: 'POST', url: `${api}/indicators`, json: { indicators: [{ value: '203.0.113.99' }] } },
    { method: 'DELETE', url: `${api}/indicators/${indicatorId}` },
    { method: 'POST', url: `${api}/tasks`, json: { title: 'Intrusion' } },
    { method: 'POST', url: `${api}/merge`, json: { version: incident.version, reference: incB.reference } },
    { method: 'GET', url: `${api}/export?format=misp` },
    { method: 'GET', url: `${api}/export?format=stix` },
    { method: 'GET', url: `${api}/export?format=csv` },
  ];
}

/** Lists, searches, lookups and queue exports: they answer, or refuse, without ever naming a hidden incident. */
function listAttempts(search: string): Attempt[] {
  return [
    { method: 'GET', url: '/console/incidents' },
    { method: 'GET', url: `/console/incidents?q=${search.toLowerCase()}` },
    { method: 'GET', url: '/console/incidents/export.csv' },
    { method: 'GET', url: '/console/incidents/lookup' },
    { method: 'POST', url: '/console/incidents/lookup', form: { values: `${sharedIp}\n${redOnly}`, text: `${sharedIp}\n${redOnly}` } },
    { method: 'GET', url: '/portal/incidents' },
    { method: 'GET', url: `/portal/incidents?q=${search.toLowerCase()}` },
    { method: 'GET', url: '/api/v1/incidents' },
    { method: 'GET', url: `/api/v1/incidents?q=${search.toLowerCase()}` },
    { method: 'POST', url: '/api/v1/indicators/lookup', json: { values: [sharedIp, redOnly, 'zanzibar-c2.example'] } },
  ];
}

/** The handlers' other console routes (staff reports, saved views): outsiders are refused and nothing changes. */
const staffAttempts: Attempt[] = [
  { method: 'GET', url: '/console/incidents/new' },
  { method: 'POST', url: '/console/incidents/new', form: { title: 'Intrusion', description: 'Intrusion.' } },
  { method: 'POST', url: '/console/incidents/views', form: { name: 'Vue', query: 'status=new' } },
  { method: 'POST', url: '/console/incidents/views/01900000-0000-7000-8000-000000000000/delete' },
];

/**
 * A list answer is a refusal by the route's rule, or (when the rule lets the caller in) a 200, or a 404 from a use case
 * that gives this caller no list at all (staff without the incidents permissions); none may name a hidden incident.
 */
async function expectListHides(who: string, user: UserFixture | null, caller: Caller, a: Attempt, hidden: { incident: Incident; words: string[] }[]): Promise<LightMyRequestResponse> {
  const before = await digestAll();
  const res = await attempt(t, caller, a);
  const label = `${who}: ${a.method} ${a.url}`;
  const refusals = refusalsFor(user, a);
  const route = routeFor(a.method, a.url);
  const mayEnter = route !== undefined && refusals.includes(404) && refusals.length === 1 && user !== null && route.access !== 'public';
  expect(mayEnter ? [200, 404] : refusals, `${label} → ${describeResponse(res)}`).toContain(res.statusCode);
  for (const h of hidden) expect(reveals(res, h.incident, true, ...h.words), label).toBeNull();
  expect(changedTables(before, await digestAll()), `${label} changed the database`).toEqual([]);
  return res;
}

const hiddenA = () => [
  { incident: amberA, words: [word.amber, word.internal, word.task] },
  { incident: redA, words: [word.red, redOnly] },
  { incident: publicIncident, words: [word.public, word.publicInternal] },
];

// ---- Tests ----------------------------------------------------------------------------------------------------------

describe('anonymous callers', () => {
  it('are sent to sign in (pages) or answered 401 (API) on every incident route, and nothing changes', async () => {
    const caller = callerFrom(anonymousBrowser(t));
    for (const incident of [amberA, redA]) {
      for (const a of itemAttempts(incident, amberIndicatorId)) await expectRefusedFor('anonymous', null, caller, a, hiddenA());
    }
    for (const a of [...listAttempts(word.amber), ...staffAttempts, { method: 'POST', url: '/api/v1/incidents', json: { title: 'x', description: 'y' } } satisfies Attempt]) {
      await expectRefusedFor('anonymous', null, caller, a, hiddenA());
    }
  });

  it('cannot open a report through a tracking link they do not hold (404, nothing changes)', async () => {
    const caller = callerFrom(anonymousBrowser(t));
    for (const token of ['A'.repeat(43), `${trackingToken.slice(0, -2)}xx`, 'not-a-token']) {
      await expectRefusedFor('anonymous', null, caller, { method: 'GET', url: `/report/track/${token}` }, hiddenA());
      await expectRefusedFor('anonymous', null, caller, { method: 'POST', url: `/report/track/${token}`, form: { body: 'Intrusion' } }, hiddenA());
      await expectRefusedFor('anonymous', null, caller, { method: 'POST', url: `/report/track/${token}/comments`, form: { body: 'Intrusion' } }, hiddenA());
    }
  });

  it('reads their own report through its tracking link, without the CERT’s internal comments (once the page exists)', async () => {
    const res = await attempt(t, callerFrom(anonymousBrowser(t)), { method: 'GET', url: `/report/track/${trackingToken}` });
    if (routeFor('GET', `/report/track/${trackingToken}`) === undefined) {
      expect(res.statusCode).toBe(404);
      return;
    }
    expect(res.statusCode, describeResponse(res)).toBe(200);
    expect(res.body).toContain(publicIncident.reference);
    expect(res.body).not.toContain(word.publicInternal);
    for (const other of [amberA, redA, incB]) expect(res.body).not.toContain(other.reference);
  });
});

describe.each([
  ['another organisation’s member', 'memberB'],
  ['another organisation’s manager', 'managerB'],
  ['an author (staff without the incidents permissions)', 'author'],
  ['a reviewer (staff without the incidents permissions)', 'reviewer'],
] as const)('%s', (_label, who) => {
  it('gets 404 (or 403 at a route family’s door) on every route naming organisation A’s incidents, and nothing changes', async () => {
    const user = people[who];
    const caller = callerFrom(await loginAs(t, user));
    for (const incident of [amberA, redA, publicIncident]) {
      for (const a of itemAttempts(incident, amberIndicatorId)) await expectRefusedFor(who, user, caller, a, hiddenA());
    }
    for (const a of staffAttempts) await expectRefusedFor(who, user, caller, a, hiddenA());
  });

  it('sees none of them in lists, searches, lookups or queue exports', async () => {
    const user = people[who];
    const caller = callerFrom(await loginAs(t, user));
    for (const search of [word.amber, word.red, word.public]) {
      for (const a of listAttempts(search)) await expectListHides(who, user, caller, a, hiddenA());
    }
  });
});

describe('API tokens of another organisation', () => {
  it('get 404 on every API route naming organisation A’s incidents, and see none of them', async () => {
    const user = people.memberB;
    const caller = bearerOf((await buildApiToken(t, user, ['read', 'write'])).secret);
    for (const incident of [amberA, redA]) {
      for (const a of itemAttempts(incident, amberIndicatorId).filter((x) => x.url.startsWith('/api/'))) await expectRefusedFor('memberB token', user, caller, a, hiddenA());
    }
    for (const a of listAttempts(word.amber).filter((x) => x.url.startsWith('/api/'))) await expectListHides('memberB token', user, caller, a, hiddenA());
  });
});

describe('TLP:RED', () => {
  it('stays with its reporter: the colleague of the same organisation gets 404 everywhere and never sees it listed', async () => {
    const user = people.colleagueA;
    const caller = callerFrom(await loginAs(t, user));
    const hidden = [{ incident: redA, words: [word.red, redOnly] }];
    for (const a of itemAttempts(redA, amberIndicatorId)) await expectRefusedFor('colleague', user, caller, a, hidden);
    for (const a of listAttempts(word.red)) await expectListHides('colleague', user, caller, a, hidden);
    // Positive control: the colleague does follow the organisation's TLP:AMBER incident.
    const amber = await attempt(t, caller, { method: 'GET', url: `/api/v1/incidents/${amberA.id}` });
    expect(amber.statusCode, describeResponse(amber)).toBe(200);
    expect(amber.body).toContain(amberA.reference);
  });

  it('is readable by its reporter', async () => {
    const res = await attempt(t, callerFrom(await loginAs(t, people.reporterA)), { method: 'GET', url: `/api/v1/incidents/${redA.id}` });
    expect(res.statusCode, describeResponse(res)).toBe(200);
    expect(res.body).toContain(word.red);
  });
});

describe('correlation and lookups', () => {
  it('show handlers every incident holding an indicator (positive control)', async () => {
    const caller = callerFrom(await loginAs(t, people.analyst));
    const detail = await attempt(t, caller, { method: 'GET', url: `/api/v1/incidents/${amberA.id}` });
    expect(detail.statusCode).toBe(200);
    const seen = detail.json<{ indicators: { value: string; seenIn: { id: string }[] }[] }>().indicators.find((i) => i.value === sharedIp)?.seenIn.map((s) => s.id);
    expect(seen?.sort()).toEqual([incB.id, redA.id].sort());
    const lookup = await attempt(t, caller, { method: 'POST', url: '/api/v1/indicators/lookup', json: { values: [sharedIp] } });
    expect(lookup.statusCode).toBe(200);
    expect(lookup.body).toContain(incB.reference);
    expect(lookup.body).toContain(redA.reference);
  });

  it('never give the reporter’s organisation another organisation’s incident, nor a TLP:RED one they may not see', async () => {
    for (const user of [people.reporterA, people.colleagueA]) {
      const caller = callerFrom(await loginAs(t, user));
      const hidden = [{ incident: incB, words: [word.other] }, ...(user === people.colleagueA ? [{ incident: redA, words: [word.red, redOnly] }] : [])];
      const detail = await attempt(t, caller, { method: 'GET', url: `/api/v1/incidents/${amberA.id}` });
      expect(detail.statusCode, describeResponse(detail)).toBe(200);
      expect(detail.body).not.toContain('seenIn');
      for (const h of hidden) expect(reveals(detail, h.incident, true, ...h.words)).toBeNull();
      for (const word_ of [word.internal, word.task, people.analyst.id]) expect(detail.body).not.toContain(word_);
      const portal = await attempt(t, caller, { method: 'GET', url: `/portal/incidents/${amberA.id}` });
      if (routeFor('GET', `/portal/incidents/${amberA.id}`) !== undefined) expect(portal.statusCode, describeResponse(portal)).toBe(200);
      for (const h of hidden) expect(reveals(portal, h.incident, true, ...h.words)).toBeNull();
      for (const word_ of [word.internal, word.task]) expect(portal.body).not.toContain(word_);

      // In the data layer itself, whatever a page would do with it.
      const viewer = incidentViewerOf(actorOf(user));
      const correlations = [...(await findCorrelations(t.database.db, viewer, amberA.id)).values()].flat().map((c) => c.id);
      expect(correlations).not.toContain(incB.id);
      if (user === people.colleagueA) expect(correlations).not.toContain(redA.id);
      const hits = [...(await lookupIndicators(t.database.db, viewer, [{ type: 'ipv4', value: sharedIp }, { type: 'domain', value: redOnly }])).values()].flat().map((h) => h.id);
      expect(hits).not.toContain(incB.id);
      if (user === people.colleagueA) expect(hits).toEqual([amberA.id]);
      const duplicates = (await findDuplicateCandidates(t.database.db, viewer, amberA)).map((d) => d.id);
      expect(duplicates).not.toContain(incB.id);
    }
  });
});
