/**
 * The incident console through HTTP (app.inject) against a real database (SQLite, or PostgreSQL with
 * TEST_DB=postgres): the queue's filters, sort orders, cursor pagination and saved views; a full triage by forms
 * (classification, severity, assignment, internal and shared comments, indicators pasted defanged and confirmed,
 * correlation, closing and reopening); errors next to their fields; optimistic locking; people without
 * `incidents:read` answered 404 everywhere; Arabic pages right to left; hostile text escaped.
 */
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import type { LightMyRequestResponse } from 'fastify';
import type { Incident } from '#src/modules/incidents/incidents.types';
import { buildTestApp, testDialect, type TestApp } from '../helpers/app';
import { buildOrganisation, buildUser, form, loginAs, type OrganisationFixture, type SignedIn, type UserFixture } from '../helpers/factories';
import { buildHandler, buildIncident, storedIncident } from '../helpers/incident-factories';
import { listIndicators, listLinks, listTasks } from '#src/modules/incidents/incidents.repository';

let t: TestApp;
let analyst: UserFixture;
let colleague: UserFixture;
let member: UserFixture;
let author: UserFixture;
let orgA: OrganisationFixture;
let analystSession: SignedIn;
let colleagueSession: SignedIn;

beforeAll(async () => {
  t = await buildTestApp();
  analyst = await buildHandler(t, { displayName: 'Hana Handler' });
  colleague = await buildHandler(t, { displayName: 'Karim Collègue' });
  orgA = await buildOrganisation(t.database, { nameFr: 'Office Alpha', sectorCode: 'energy' });
  member = await buildUser(t.database, { roles: ['org_member'], organisationId: orgA.id });
  author = await buildUser(t.database, { roles: ['author'] });
  analystSession = await loginAs(t, analyst);
  colleagueSession = await loginAs(t, colleague);
});
afterAll(async () => {
  await t.close();
});

async function get(session: SignedIn, url: string): Promise<LightMyRequestResponse> {
  return t.app.inject({ method: 'GET', url, cookies: session.cookies });
}

async function post(session: SignedIn, url: string, fields: Record<string, string | string[]>): Promise<LightMyRequestResponse> {
  return t.app.inject({ method: 'POST', url, cookies: session.cookies, ...form(fields, session.csrf) });
}

/** Every href of a page, with `&amp;` decoded. */
function hrefs(html: string): string[] {
  return [...html.matchAll(/href="([^"]*)"/g)].map((m) => (m[1] ?? '').replace(/&amp;/g, '&'));
}

/** The references of the queue's rows, in order. */
function rowReferences(html: string): string[] {
  const table = /<table class="table incident-queue">([\s\S]*?)<\/table>/.exec(html)?.[1] ?? '';
  return [...table.matchAll(/<td dir="ltr"><a href="\/console\/incidents\/[^"]+">([^<]+)<\/a><\/td>/g)].map((m) => m[1] ?? '');
}

/** The whole triage form as the page sends it, with `overrides` applied. */
function triageFields(incident: Incident, overrides: Record<string, string | string[]> = {}): Record<string, string | string[]> {
  return {
    version: String(incident.version),
    title: incident.title,
    description: incident.description,
    'classifications.0.class': '',
    'classifications.0.type': '',
    'classifications.1.class': '',
    'classifications.1.type': '',
    severity: incident.severity ?? '',
    priority: String(incident.priority),
    tlp: incident.tlp,
    pap: incident.pap,
    suspectedMalicious: incident.suspectedMalicious,
    crossBorder: incident.crossBorder,
    'impact.services': '',
    'impact.users': '',
    'impact.duration': '',
    'impact.financial': '',
    'impact.outlook': '',
    rootCause: '',
    mitigation: '',
    detectedAt: '',
    awareAt: '',
    organisationId: incident.organisationId ?? '',
    ...overrides,
  };
}

let tokenCount = 0;
/** A word no other test uses, to filter the queue down to one test's incidents. */
function uniqueWord(): string {
  tokenCount += 1;
  return `zorglub${tokenCount}q${Math.random().toString(36).slice(2, 7)}`;
}

describe(`incident queue (${testDialect})`, () => {
  it('lists incidents with status, severity, classes, organisation, assignee and the next deadline in words', async () => {
    const word = uniqueWord();
    const fresh = await buildIncident(t, {
      title: `Rançongiciel ${word}`,
      organisation: orgA,
      triage: { severity: 'grave', classifications: [{ classCode: 'malicious-code', typeCode: 'malicious-code.infected-system' }] },
      assignee: analyst,
    });
    const old = await buildIncident(t, { title: `Ancien ${word}`, channel: 'public', reportedAt: new Date(t.clock.now().getTime() - 3 * 86_400_000) });
    const res = await get(analystSession, `/console/incidents?q=${word}`);
    expect(res.statusCode, res.body.slice(0, 2000)).toBe(200);
    expect(rowReferences(res.body).sort()).toEqual([fresh.incident.reference, old.incident.reference].sort());
    expect(res.body).toContain('En qualification');
    expect(res.body).toContain('Grave');
    expect(res.body).toContain('Code malveillant');
    expect(res.body).toContain('Office Alpha');
    expect(res.body).toContain('Hana Handler');
    // The next deadline is said in words, not by colour alone: the old report's first response is overdue.
    expect(res.body).toMatch(/En retard depuis/);
    expect(res.body).toMatch(/Échéance : /);
    expect(res.body).toContain('Non évaluée');
  });

  it('filters by status, severity, class, organisation, sector, assignee, channel, overdue, open, text and dates', async () => {
    const word = uniqueWord();
    const sectorOrg = await buildOrganisation(t.database, { sectorCode: 'health' });
    const a = await buildIncident(t, { title: `Alpha ${word}`, organisation: orgA, triage: { severity: 'grave', classifications: [{ classCode: 'fraud', typeCode: 'fraud.phishing' }] }, assignee: analyst });
    const b = await buildIncident(t, { title: `Beta ${word}`, organisation: sectorOrg, triage: { severity: 'limite' }, status: 'closed', disposition: 'false-positive' });
    const c = await buildIncident(t, { title: `Gamma ${word}`, channel: 'public', reportedAt: new Date(Date.UTC(2024, 0, 15, 10)) });
    const refs = async (query: string): Promise<string[]> => {
      const res = await get(analystSession, `/console/incidents?q=${word}&${query}`);
      expect(res.statusCode, `${query}: ${res.body.slice(0, 1500)}`).toBe(200);
      return rowReferences(res.body).sort();
    };
    const [ra, rb, rc] = [a.incident.reference, b.incident.reference, c.incident.reference];
    expect(await refs('status=closed')).toEqual([rb]);
    expect(await refs('status=new&status=triage')).toEqual([ra, rc].sort());
    expect(await refs('severity=grave')).toEqual([ra]);
    expect(await refs('class=fraud')).toEqual([ra]);
    expect(await refs(`organisation=${orgA.id}`)).toEqual([ra]);
    expect(await refs('sector=health')).toEqual([rb]);
    expect(await refs('assignee=me')).toEqual([ra]);
    expect(await refs(`assignee=${analyst.id}`)).toEqual([ra]);
    expect(await refs('assignee=none')).toEqual([rb, rc].sort());
    expect(await refs('channel=public')).toEqual([rc]);
    expect(await refs('overdue=1')).toEqual([rc]);
    expect(await refs('open=1')).toEqual([ra, rc].sort());
    expect(await refs('from=2024-01-01&to=2024-01-31')).toEqual([rc]);
    expect(await refs('from=2024-02-01')).toEqual([ra, rb].sort());
    // The filter form shows the choices made.
    const page = await get(analystSession, `/console/incidents?q=${word}&status=closed&overdue=1`);
    expect(page.body).toMatch(/<input type="checkbox" id="f-status-closed" name="status" value="closed" checked/);
    expect(page.body).toMatch(/id="f-overdue" name="overdue" value="1" checked/);
  });

  it('sorts and pages with a cursor, the next-page link keeping the filters', async () => {
    const word = uniqueWord();
    const base = Date.UTC(2024, 5, 1, 8);
    const built: string[] = [];
    for (let i = 0; i < 3; i += 1) built.push((await buildIncident(t, { title: `Page ${word} ${i}`, channel: 'public', reportedAt: new Date(base + i * 3600_000) })).incident.reference);
    const first = await get(analystSession, `/console/incidents?q=${word}&sort=reported_asc&limit=2`);
    expect(first.statusCode).toBe(200);
    expect(rowReferences(first.body)).toEqual([built[0], built[1]]);
    const next = /<a href="([^"]+)" rel="next">/.exec(first.body)?.[1]?.replace(/&amp;/g, '&');
    expect(next).toBeDefined();
    const nextUrl = new URL(next ?? '', 'http://x');
    expect(nextUrl.pathname).toBe('/console/incidents');
    expect(nextUrl.searchParams.get('q')).toBe(word);
    expect(nextUrl.searchParams.get('sort')).toBe('reported_asc');
    expect(nextUrl.searchParams.get('limit')).toBe('2');
    const second = await get(analystSession, next ?? '');
    expect(rowReferences(second.body)).toEqual([built[2]]);
    expect(second.body).not.toContain('rel="next"');
    expect(second.body).toContain('Première page');

    const newest = await get(analystSession, `/console/incidents?q=${word}&sort=reported_desc`);
    expect(rowReferences(newest.body)).toEqual([built[2], built[1], built[0]]);
    // The CSV export of the list keeps the filters.
    expect(hrefs(newest.body)).toContain(`/console/incidents/export.csv?q=${word}&sort=reported_desc`);
  });

  it.each([
    ['status=bogus', 'status'],
    ['sort=sideways', 'sort'],
    ['organisation=not-an-id', 'organisation'],
    ['assignee=somebody', 'assignee'],
    ['channel=pigeon', 'channel'],
    ['from=yesterday', 'from'],
    ['cursor=%21%21not-a-cursor', 'cursor'],
  ])('answers a bad query value (%s) with 400 and the filter named, never a 500', async (query, field) => {
    const res = await get(analystSession, `/console/incidents?${query}`);
    expect(res.statusCode, res.body.slice(0, 1500)).toBe(400);
    expect(res.body).toContain('Le formulaire contient des erreurs');
    expect(res.body).toContain(`href="#f-${field}"`);
    if (field !== 'cursor') expect(res.body).toContain(`id="f-${field}-error"`);
  });

  it('answers a malformed query (a limit that is no number) with 400 naming it', async () => {
    const res = await get(analystSession, '/console/incidents?limit=many');
    expect(res.statusCode).toBe(400);
    expect(res.body).toContain('<code>limit</code>');
  });

  it('saves the current filters as a named view, lists it as a link for its owner only, and deletes it', async () => {
    const saved = await post(analystSession, '/console/incidents/views', { name: 'Mes urgences', query: 'status=new&assignee=me&cursor=abc' });
    expect(saved.statusCode, saved.body.slice(0, 1500)).toBe(303);
    expect(saved.headers.location).toBe('/console/incidents?status=new&assignee=me&done=view_saved');
    const page = await get(analystSession, String(saved.headers.location));
    expect(page.body).toContain('Vue enregistrée.');
    expect(hrefs(page.body)).toContain('/console/incidents?status=new&assignee=me');
    expect(page.body).toContain('Mes urgences');
    // The save form carries the filters being looked at.
    expect(page.body).toContain('name="query" value="status=new&amp;assignee=me"');

    const others = await get(colleagueSession, '/console/incidents');
    expect(others.body).not.toContain('Mes urgences');
    const view = await t.database.db.selectFrom('incident_saved_view').select(['id']).where('user_id', '=', analyst.id).where('name', '=', 'Mes urgences').executeTakeFirstOrThrow();
    const foreign = await post(colleagueSession, `/console/incidents/views/${view.id}/delete`, {});
    expect(foreign.statusCode).toBe(404);
    const deleted = await post(analystSession, `/console/incidents/views/${view.id}/delete`, {});
    expect(deleted.statusCode).toBe(303);
    expect(deleted.headers.location).toBe('/console/incidents?done=view_deleted');
    expect((await get(analystSession, '/console/incidents')).body).not.toContain('Mes urgences');
  });

  it('refuses a view without a name or with a bad filter, naming the field and keeping the name typed', async () => {
    const unnamed = await post(analystSession, '/console/incidents/views', { name: '', query: 'open=1' });
    expect(unnamed.statusCode).toBe(400);
    expect(unnamed.body).toContain('id="f-name-error"');
    const bad = await post(analystSession, '/console/incidents/views', { name: 'Étrange', query: 'status=bogus' });
    expect(bad.statusCode).toBe(400);
    expect(bad.body).toContain('href="#f-status"');
    expect(bad.body).toContain('value="Étrange"');
  });
});

describe(`triage by forms (${testDialect})`, () => {
  it('classifies, assigns, comments (the shared one e-mailed), adds pasted indicators, shows correlation, closes and reopens', async () => {
    const citizen = 'citoyenne@example.org';
    const built = await buildIncident(t, { channel: 'public', reporterEmail: citizen, title: 'Faux courriel de ma banque', organisation: null });
    const other = await buildIncident(t, { title: 'Autre campagne', indicators: [{ value: '198.51.100.7' }] });
    const id = built.incident.id;
    const page = await get(analystSession, `/console/incidents/${id}`);
    expect(page.statusCode, page.body.slice(0, 2000)).toBe(200);
    expect(page.body).toContain(built.incident.reference);
    expect(page.body).toContain('TLP:AMBER');
    expect(page.body).toContain('PAP:AMBER');
    expect(page.body).toContain('name="classifications.1.type"');
    expect(page.body).toMatch(/<optgroup label="Fraude"><option value="fraud.unauthorised-use-of-resources"/);
    expect(page.body).toContain(`name="version" value="${built.incident.version}"`);
    expect(page.body).toContain(`href="/console/incidents/${id}/export.misp.json"`);
    expect(page.body).toContain(`href="/console/incidents/${id}/export.stix.json"`);
    expect(page.body).toContain(`href="/console/incidents/${id}/export.csv"`);
    expect(page.body).toContain('Signalement reçu');

    // Triage: fraud / phishing, severity, priority, PAP, a regulation profile.
    const triaged = await post(
      analystSession,
      `/console/incidents/${id}`,
      triageFields(built.incident, { 'classifications.0.class': 'fraud', 'classifications.0.type': 'fraud.phishing', severity: 'modere', priority: '2', pap: 'green', suspectedMalicious: 'yes', 'impact.users': '300 clients', regulationProfiles: ['nis2'], detectedAt: '2024-03-01T09:30' }),
    );
    expect(triaged.statusCode, triaged.body.slice(0, 3000)).toBe(303);
    expect(triaged.headers.location).toBe(`/console/incidents/${id}?done=saved`);
    let stored = await storedIncident(t, id);
    expect(stored.classifications).toEqual([{ classCode: 'fraud', typeCode: 'fraud.phishing' }]);
    expect(stored).toMatchObject({ severity: 'modere', priority: 2, pap: 'green', suspectedMalicious: 'yes', status: 'triage', regulationProfiles: ['nis2'] });
    expect(stored.impact.users).toBe('300 clients');
    // 09:30 in Casablanca (UTC+1 in March 2024) is 08:30 UTC.
    expect(stored.detectedAt?.toISOString()).toBe('2024-03-01T08:30:00.000Z');
    const afterTriage = await get(analystSession, `/console/incidents/${id}?done=saved`);
    expect(afterTriage.body).toContain('Qualification enregistrée.');
    expect(afterTriage.body).toContain('Fraude / Hameçonnage');
    expect(afterTriage.body).toContain('value="2024-03-01T09:30"');
    expect(afterTriage.body).toContain('Qualification modifiée');

    // Assign to me.
    const assigned = await post(analystSession, `/console/incidents/${id}/assign`, { version: String(stored.version), assigneeId: 'me' });
    expect(assigned.statusCode).toBe(303);
    expect(assigned.headers.location).toBe(`/console/incidents/${id}?done=assigned`);
    stored = await storedIncident(t, id);
    expect(stored.assigneeId).toBe(analyst.id);

    // An internal note, then a comment shared with the reporter, who receives it by e-mail.
    const internal = await post(analystSession, `/console/incidents/${id}/comments`, { body: 'Vérifier les en-têtes du message.', visibility: 'internal' });
    expect(internal.headers.location).toBe(`/console/incidents/${id}?done=commented`);
    const shared = await post(analystSession, `/console/incidents/${id}/comments`, { body: 'Merci, nous avons bloqué le site frauduleux.', visibility: 'shared' });
    expect(shared.headers.location).toBe(`/console/incidents/${id}?done=shared`);
    const mails = await t.database.db.selectFrom('email_message').select(['to_address', 'subject', 'text_body']).where('purpose', '=', 'incident.comment').where('to_address', '=', citizen).execute();
    expect(mails).toHaveLength(1);
    expect(mails[0]?.text_body).toContain('Merci, nous avons bloqué le site frauduleux.');
    expect(mails[0]?.text_body).not.toContain('Vérifier les en-têtes');
    expect(mails[0]?.subject).toContain(built.incident.reference);
    const withComments = await get(analystSession, `/console/incidents/${id}`);
    expect(withComments.body).toMatch(/badge--comment-internal">Interne<\/span>/);
    expect(withComments.body).toMatch(/badge--comment-shared">Partagé avec le déclarant<\/span>/);

    // Pasted defanged text: the candidates are offered, all ticked, then added once confirmed.
    const preview = await post(analystSession, `/console/incidents/${id}/indicators/preview`, { text: 'Le lien hxxp://evil[.]example/login and 198.51.100[.]7 dans le message.' });
    expect(preview.statusCode, preview.body.slice(0, 2000)).toBe(200);
    expect(preview.body).toContain('hxxp://evil[.]example/login');
    expect(preview.body).toContain('198.51.100[.]7');
    const boxes = [...preview.body.matchAll(/<input type="checkbox" id="f-indicator-\d+" name="indicator" value="([^"]+)" checked/g)].map((m) => m[1]);
    expect(boxes.sort()).toEqual(['ipv4:198.51.100.7', 'url:http://evil.example/login']);
    expect(await listIndicators(t.database.db, id)).toHaveLength(0);
    const confirmed = await post(analystSession, `/console/incidents/${id}/indicators`, { source: 'preview', indicator: boxes.map(String) });
    expect(confirmed.statusCode, confirmed.body.slice(0, 2000)).toBe(303);
    expect(confirmed.headers.location).toBe(`/console/incidents/${id}?done=indicators_added`);
    expect((await listIndicators(t.database.db, id)).map((i) => `${i.type}:${i.value}`).sort()).toEqual(['ipv4:198.51.100.7', 'url:http://evil.example/login']);

    // Indicators are shown defanged, and the other incident holding the same IP is named.
    const withIndicators = await get(analystSession, `/console/incidents/${id}`);
    expect(withIndicators.body).toContain('<code>hxxp://evil[.]example/login</code>');
    expect(withIndicators.body).toContain('<code>198.51.100[.]7</code>');
    expect(withIndicators.body).not.toContain('http://evil.example');
    expect(withIndicators.body).toContain(`href="/console/incidents/${other.incident.id}" dir="ltr">${other.incident.reference}</a>`);
    // The shared indicator also makes the other incident a possible duplicate.
    expect(withIndicators.body).toContain('indicateur en commun');

    // Close with a disposition, then reopen.
    stored = await storedIncident(t, id);
    const closed = await post(analystSession, `/console/incidents/${id}/status`, { version: String(stored.version), to: 'closed', disposition: 'confirmed' });
    expect(closed.statusCode, closed.body.slice(0, 2000)).toBe(303);
    expect(closed.headers.location).toBe(`/console/incidents/${id}?done=closed`);
    stored = await storedIncident(t, id);
    expect(stored).toMatchObject({ status: 'closed', disposition: 'confirmed' });
    const closedPage = await get(analystSession, `/console/incidents/${id}?done=closed`);
    expect(closedPage.body).toContain('Incident clos.');
    expect(closedPage.body).toContain('Rouvrir l’incident');
    const reopened = await post(analystSession, `/console/incidents/${id}/status`, { version: String(stored.version), to: 'triage' });
    expect(reopened.headers.location).toBe(`/console/incidents/${id}?done=status`);
    stored = await storedIncident(t, id);
    expect(stored).toMatchObject({ status: 'triage', disposition: null });
    const timeline = await get(analystSession, `/console/incidents/${id}?done=status`);
    expect(timeline.body).toContain('Statut modifié : En qualification.');
    for (const action of ['Attribution modifiée', 'Commentaire du CERT', 'Indicateurs ajoutés', 'Incident clos', 'Incident rouvert']) expect(timeline.body).toContain(action);
  });

  it('adds one indicator by hand, removes it, and manages tasks (add, done, undo)', async () => {
    const { incident } = await buildIncident(t);
    const id = incident.id;
    const added = await post(analystSession, `/console/incidents/${id}/indicators`, { indicatorType: '', indicatorValue: 'bad[.]example[.]com', indicatorComment: 'Domaine de dépôt' });
    expect(added.headers.location).toBe(`/console/incidents/${id}?done=indicators_added`);
    const [indicator] = await listIndicators(t.database.db, id);
    expect(indicator).toMatchObject({ type: 'domain', value: 'bad.example.com', comment: 'Domaine de dépôt' });
    const again = await post(analystSession, `/console/incidents/${id}/indicators`, { indicatorType: 'domain', indicatorValue: 'bad.example.com', indicatorComment: '' });
    expect(again.headers.location).toBe(`/console/incidents/${id}?done=indicators_known`);
    const removed = await post(analystSession, `/console/incidents/${id}/indicators/${indicator?.id ?? ''}/delete`, {});
    expect(removed.headers.location).toBe(`/console/incidents/${id}?done=indicator_removed`);
    expect(await listIndicators(t.database.db, id)).toHaveLength(0);

    const task = await post(analystSession, `/console/incidents/${id}/tasks`, { taskTitle: 'Demander le retrait du site', taskOwnerId: colleague.id, taskDueAt: '2030-01-15' });
    expect(task.headers.location).toBe(`/console/incidents/${id}?done=task_added`);
    const [stored] = await listTasks(t.database.db, id);
    expect(stored).toMatchObject({ title: 'Demander le retrait du site', ownerId: colleague.id });
    const page = await get(analystSession, `/console/incidents/${id}`);
    expect(page.body).toContain('Demander le retrait du site');
    expect(page.body).toContain('Karim Collègue');
    const done = await post(analystSession, `/console/incidents/${id}/tasks/${stored?.id ?? ''}`, { version: String(stored?.version), done: '1' });
    expect(done.headers.location).toBe(`/console/incidents/${id}?done=task_done`);
    expect((await listTasks(t.database.db, id))[0]?.doneAt).not.toBeNull();
    const undone = await post(analystSession, `/console/incidents/${id}/tasks/${stored?.id ?? ''}`, { version: String((stored?.version ?? 0) + 1), done: '0' });
    expect(undone.headers.location).toBe(`/console/incidents/${id}?done=task_reopened`);
    expect((await listTasks(t.database.db, id))[0]?.doneAt).toBeNull();
  });

  it('offers an evidence upload whose file is then listed with its download link', async () => {
    const { incident } = await buildIncident(t);
    const base = `/console/incidents/${incident.id}`;
    const page = await get(analystSession, base);
    // The CSRF field is the form's first field: the upload route reads it before the file.
    expect(page.body).toMatch(new RegExp(`<form method="post" action="${base}/attachments" enctype="multipart/form-data" class="form"><input type="hidden" name="_csrf"`));
    expect(page.body).toContain('Aucune pièce jointe.');
    const boundary = '----ribat-console-test';
    const body = [`--${boundary}`, 'Content-Disposition: form-data; name="_csrf"', '', analystSession.csrf, `--${boundary}`, 'Content-Disposition: form-data; name="visibility"', '', 'internal', `--${boundary}`, 'Content-Disposition: form-data; name="file"; filename="entetes.txt"', 'Content-Type: text/plain', '', 'Received: from mail.evil.example', `--${boundary}--`, ''].join('\r\n');
    const uploaded = await t.app.inject({ method: 'POST', url: `${base}/attachments`, cookies: analystSession.cookies, payload: body, headers: { 'content-type': `multipart/form-data; boundary=${boundary}` } });
    expect(uploaded.statusCode, uploaded.body.slice(0, 1500)).toBe(303);
    const row = await t.database.db.selectFrom('incident_attachment').select(['id']).where('incident_id', '=', incident.id).executeTakeFirstOrThrow();
    const after = await get(analystSession, base);
    expect(after.body).toContain(`<a href="${base}/attachments/${row.id}" download>entetes.txt</a>`);
  });

  it('suggests a duplicate from the same reporter, merges into it and links incidents by reference', async () => {
    const reporter = await buildUser(t.database, { roles: ['org_member'], organisationId: orgA.id });
    const target = await buildIncident(t, { reporter, title: 'Site de la mairie défiguré' });
    const report = await buildIncident(t, { reporter, title: 'Site de la mairie défiguré ce matin' });
    const page = await get(analystSession, `/console/incidents/${report.incident.id}`);
    expect(page.body).toContain('même déclarant, objet semblable');
    expect(page.body).toContain(`name="mergeReference" value="${target.incident.reference}"`);

    const merged = await post(analystSession, `/console/incidents/${report.incident.id}/merge`, { version: String(report.incident.version), mergeReference: target.incident.reference });
    expect(merged.statusCode, merged.body.slice(0, 2000)).toBe(303);
    const stored = await storedIncident(t, report.incident.id);
    expect(stored).toMatchObject({ status: 'closed', disposition: 'duplicate', mergedIntoId: target.incident.id });
    const after = await get(analystSession, `/console/incidents/${report.incident.id}?done=merged`);
    expect(after.body).toContain('Ce signalement a été fusionné dans l’incident');
    expect(after.body).toContain(`href="/console/incidents/${target.incident.id}" dir="ltr">${target.incident.reference}</a>`);

    const third = await buildIncident(t, { title: 'Campagne liée' });
    const linked = await post(analystSession, `/console/incidents/${third.incident.id}/links`, { linkReference: target.incident.reference });
    expect(linked.headers.location).toBe(`/console/incidents/${third.incident.id}?done=linked`);
    expect((await listLinks(t.database.db, { kind: 'handler' }, third.incident.id)).map((l) => l.id)).toEqual([target.incident.id]);
  });

  it('records an incident received by a handler (channel staff) with its organisation and classification', async () => {
    const form = await get(analystSession, '/console/incidents/new');
    expect(form.statusCode).toBe(200);
    expect(form.body).toContain('Office Alpha');
    const res = await post(analystSession, '/console/incidents/new', { title: 'Appel : serveur compromis', description: 'Signalé par téléphone par le RSSI.', organisationId: orgA.id, classCode: 'intrusions', typeCode: 'intrusions.system-compromise', tlp: 'amber', detectedAt: '', awareAt: '' });
    expect(res.statusCode, res.body.slice(0, 2000)).toBe(303);
    const id = /^\/console\/incidents\/([^?]+)\?done=created$/.exec(String(res.headers.location))?.[1] ?? '';
    const stored = await storedIncident(t, id);
    expect(stored).toMatchObject({ channel: 'staff', organisationId: orgA.id, title: 'Appel : serveur compromis', classifications: [{ classCode: 'intrusions', typeCode: 'intrusions.system-compromise' }] });
    expect(stored.reporter.userId).toBe(analyst.id);
    expect((await get(analystSession, `/console/incidents/${id}?done=created`)).body).toContain('Incident enregistré.');
  });

  it('looks up many values at once, answering each with the incidents that hold it', async () => {
    const holder = await buildIncident(t, { title: 'Porteur de l’indicateur', indicators: [{ value: '203.0.113.99' }] });
    const res = await post(analystSession, '/console/incidents/lookup', { values: '203.0.113[.]99\npas-un-indicateur\nunknown-domain.example' });
    expect(res.statusCode, res.body.slice(0, 2000)).toBe(200);
    expect(res.body).toContain(`href="/console/incidents/${holder.incident.id}"`);
    expect(res.body).toContain('<code>203.0.113[.]99</code>');
    expect(res.body).toContain('Non reconnu');
    expect(res.body).toContain('Dans aucun incident');
    const tooMany = Array.from({ length: 1001 }, (_, i) => `10.${Math.floor(i / 250)}.${i % 250}.1`).join('\n');
    const refused = await post(analystSession, '/console/incidents/lookup', { values: tooMany });
    expect(refused.statusCode).toBe(400);
    expect(refused.body).toContain('id="f-values-error"');
    expect(refused.body).toContain('Trop grand (maximum 1');
  });
});

describe(`errors next to their fields (${testDialect})`, () => {
  it('shows a wrong RSIT type next to its row and in the summary, keeping everything typed', async () => {
    const { incident } = await buildIncident(t);
    const res = await post(analystSession, `/console/incidents/${incident.id}`, triageFields(incident, { title: 'Titre retouché', 'classifications.0.class': 'fraud', 'classifications.0.type': 'availability.dos', rootCause: 'Mot de passe réutilisé' }));
    expect(res.statusCode).toBe(400);
    expect(res.body).toMatch(/<div class="field field--error"><label for="f-classifications-0-type">[^<]*<\/label><p class="field__error" id="f-classifications-0-type-error">Choix invalide\.<\/p>/);
    expect(res.body).toContain('href="#f-classifications-0-type"');
    expect(res.body).toContain('Classification 1, type');
    expect(res.body).toContain('value="Titre retouché"');
    expect(res.body).toContain('Mot de passe réutilisé');
    expect(res.body).toMatch(/<option value="availability.dos" selected/);
    expect((await storedIncident(t, incident.id)).version).toBe(incident.version);
  });

  it.each([
    ['comments', { body: '', visibility: 'internal' }, 'body'],
    ['comments', { body: 'Bonjour', visibility: 'everyone' }, 'visibility'],
    ['status', { to: 'closed', disposition: '' }, 'disposition'],
    ['status', { to: 'closed', disposition: 'maybe' }, 'disposition'],
    ['assign', { assigneeId: 'nobody-at-all' }, 'assigneeId'],
    ['indicators', { indicatorType: 'ipv4', indicatorValue: '999.1.1.1', indicatorComment: '' }, 'indicatorValue'],
    ['indicators', { indicatorType: '', indicatorValue: '', indicatorComment: '' }, 'indicatorValue'],
    ['tasks', { taskTitle: '', taskOwnerId: '', taskDueAt: 'demain' }, 'taskTitle'],
    ['tasks', { taskTitle: 'Relancer', taskOwnerId: '', taskDueAt: 'demain' }, 'taskDueAt'],
    ['merge', { mergeReference: 'CERT-NOPE' }, 'mergeReference'],
    ['links', { linkReference: '' }, 'linkReference'],
    ['indicators/preview', { text: '   ' }, 'text'],
  ])('POST /:id/%s with %j → 400 with the error on %s', async (path, fields, field) => {
    const { incident } = await buildIncident(t);
    const res = await post(analystSession, `/console/incidents/${incident.id}/${path}`, { version: String(incident.version), ...fields });
    expect(res.statusCode, res.body.slice(0, 2000)).toBe(400);
    expect(res.body).toContain(`id="f-${field}-error"`);
    expect(res.body).toContain(`href="#f-${field}"`);
    expect((await storedIncident(t, incident.id)).version).toBe(incident.version);
  });

  it('says why an unknown merge reference is refused, in the incidents’ own words', async () => {
    const { incident } = await buildIncident(t);
    const res = await post(analystSession, `/console/incidents/${incident.id}/merge`, { version: String(incident.version), mergeReference: 'CERT-NOPE' });
    expect(res.body).toContain('Aucun incident ne porte cette référence');
    expect(res.body).toContain('value="CERT-NOPE"');
  });

  it('keeps the new-incident form as typed when the title is missing', async () => {
    const res = await post(analystSession, '/console/incidents/new', { title: '', description: 'Texte gardé', organisationId: '', classCode: '', typeCode: 'fraud.nope', tlp: 'amber', detectedAt: '', awareAt: '' });
    expect(res.statusCode).toBe(400);
    expect(res.body).toContain('id="f-title-error"');
    expect(res.body).toContain('Texte gardé');
    expect(res.body).toContain('href="#f-typeCode"');
  });
});

describe(`optimistic locking (${testDialect})`, () => {
  it('answers a stale triage with 409, keeping the typed values and offering the current version', async () => {
    const { incident } = await buildIncident(t);
    // A colleague assigns it first: the version moves on.
    const moved = await post(colleagueSession, `/console/incidents/${incident.id}/assign`, { version: String(incident.version), assigneeId: 'me' });
    expect(moved.statusCode).toBe(303);
    const current = await storedIncident(t, incident.id);
    const res = await post(analystSession, `/console/incidents/${incident.id}`, triageFields(incident, { title: 'Mon titre pendant le conflit', severity: 'grave' }));
    expect(res.statusCode).toBe(409);
    expect(res.body).toContain('Quelqu’un a modifié cet incident entre-temps');
    expect(res.body).toContain('value="Mon titre pendant le conflit"');
    expect(res.body).toMatch(/<option value="grave" selected/);
    expect(res.body).toContain(`name="version" value="${current.version}"`);
    expect((await storedIncident(t, incident.id)).title).toBe(incident.title);
  });

  it('answers a stale status change with 409 and changes nothing', async () => {
    const { incident } = await buildIncident(t);
    await post(colleagueSession, `/console/incidents/${incident.id}/assign`, { version: String(incident.version), assigneeId: 'me' });
    const res = await post(analystSession, `/console/incidents/${incident.id}/status`, { version: String(incident.version), to: 'in_progress' });
    expect(res.statusCode).toBe(409);
    expect((await storedIncident(t, incident.id)).status).toBe('new');
  });

  it('answers an impossible step with 409 and says so', async () => {
    const { incident } = await buildIncident(t);
    const res = await post(analystSession, `/console/incidents/${incident.id}/status`, { version: String(incident.version), to: 'resolved' });
    expect(res.statusCode).toBe(409);
    expect(res.body).toContain('Cette action n’est pas possible');
  });
});

describe(`who may use the incident console (${testDialect})`, () => {
  const incidentTables = ['incident', 'incident_classification', 'incident_organisation', 'incident_link', 'incident_comment', 'incident_task', 'incident_indicator', 'incident_deadline', 'incident_saved_view', 'audit_event', 'email_message'] as const;
  async function counts(): Promise<Record<string, number>> {
    const out: Record<string, number> = {};
    for (const table of incidentTables) out[table] = Number((await t.database.db.selectFrom(table).select((eb) => eb.fn.countAll<number>().as('n')).executeTakeFirstOrThrow()).n);
    return out;
  }

  it.each([
    ['an organisation member (even the reporter)', 'member'],
    ['a bulletin author', 'author'],
  ] as const)('answers %s 404 on every page and every form, and changes nothing', async (_label, who) => {
    const user = who === 'member' ? member : author;
    const session = await loginAs(t, user);
    // The member reported this one: the portal shows it to them, the console does not.
    const { incident } = await buildIncident(t, { reporter: member, indicators: [{ value: '192.0.2.77' }] });
    const [indicator] = await listIndicators(t.database.db, incident.id);
    const base = `/console/incidents/${incident.id}`;
    const before = await counts();
    const reads = ['/console/incidents', '/console/incidents?status=new', '/console/incidents/new', '/console/incidents/lookup', base, `${base}?done=saved`];
    for (const url of reads) {
      const res = await get(session, url);
      expect(res.statusCode, `GET ${url}`).toBe(404);
      expect(res.body).not.toContain(incident.reference);
    }
    const writes: [string, Record<string, string | string[]>][] = [
      [base, triageFields(incident, { title: 'Piraté' })],
      [`${base}/status`, { version: String(incident.version), to: 'closed', disposition: 'confirmed' }],
      [`${base}/assign`, { version: String(incident.version), assigneeId: 'me' }],
      [`${base}/comments`, { body: 'Hello', visibility: 'shared' }],
      [`${base}/indicators/preview`, { text: '198.51.100.1' }],
      [`${base}/indicators`, { indicatorType: '', indicatorValue: '198.51.100.1', indicatorComment: '' }],
      [`${base}/indicators/${indicator?.id ?? 'x'}/delete`, {}],
      [`${base}/tasks`, { taskTitle: 'Tâche', taskOwnerId: '', taskDueAt: '' }],
      [`${base}/merge`, { version: String(incident.version), mergeReference: incident.reference }],
      [`${base}/links`, { linkReference: incident.reference }],
      ['/console/incidents/new', { title: 'Faux', description: 'Faux', organisationId: '', tlp: 'amber' }],
      ['/console/incidents/lookup', { values: '192.0.2.77' }],
      ['/console/incidents/views', { name: 'Vue', query: 'open=1' }],
    ];
    for (const [url, fields] of writes) {
      const res = await post(session, url, fields);
      expect(res.statusCode, `POST ${url}`).toBe(404);
      expect(res.body).not.toContain(incident.reference);
    }
    expect(await counts()).toEqual(before);
  });

  it('answers a handler 404 for an incident that does not exist, on the page and on its forms', async () => {
    const missing = '01900000-0000-7000-8000-000000000000';
    expect((await get(analystSession, `/console/incidents/${missing}`)).statusCode).toBe(404);
    expect((await post(analystSession, `/console/incidents/${missing}/status`, { version: '1', to: 'triage' })).statusCode).toBe(404);
    expect((await post(analystSession, `/console/incidents/${missing}/comments`, { body: 'Bonjour', visibility: 'internal' })).statusCode).toBe(404);
    expect((await post(analystSession, `/console/incidents/${missing}/indicators/preview`, { text: '198.51.100.1' })).statusCode).toBe(404);
    expect((await post(analystSession, `/console/incidents/${missing}/merge`, { version: 'x', mergeReference: '' })).statusCode).toBe(404);
  });

  it('sends anonymous visitors to sign in', async () => {
    const res = await t.app.inject({ method: 'GET', url: '/console/incidents' });
    expect(res.statusCode).toBe(303);
    expect(String(res.headers.location)).toMatch(/^\/login\?next=/);
  });

  it('shows the console navigation entry to handlers only', async () => {
    const handlerConsole = await get(analystSession, '/console');
    expect(handlerConsole.body).toContain('href="/console/incidents"');
    const authorConsole = await get(await loginAs(t, author), '/console');
    expect(authorConsole.body).not.toContain('href="/console/incidents"');
  });
});

describe(`languages and hostile text (${testDialect})`, () => {
  it('renders the queue and an incident right to left in Arabic', async () => {
    const { incident } = await buildIncident(t, { triage: { severity: 'grave' } });
    const queue = await get(analystSession, '/console/incidents?lang=ar');
    expect(queue.statusCode).toBe(200);
    expect(queue.body).toContain('<html lang="ar" dir="rtl">');
    expect(queue.body).toContain('الحوادث');
    expect(queue.body).toContain('تصفية');
    const detail = await get(analystSession, `/console/incidents/${incident.id}?lang=ar`);
    expect(detail.body).toContain('dir="rtl"');
    expect(detail.body).toContain('التسلسل الزمني');
    expect(detail.body).toContain('قيد التصنيف');
  });

  it('escapes hostile text everywhere it is shown', async () => {
    const hostile = '<script>alert("ribat-xss")</script>';
    const { incident } = await buildIncident(t, { title: `Piège ${hostile}`, description: `<img src=x onerror=alert(1)> ${hostile}`, channel: 'public', reporterName: hostile });
    await post(analystSession, `/console/incidents/${incident.id}/comments`, { body: `<b onmouseover=alert(2)>gras</b> ${hostile}`, visibility: 'internal' });
    await post(analystSession, `/console/incidents/${incident.id}/tasks`, { taskTitle: hostile, taskOwnerId: '', taskDueAt: '' });
    await post(analystSession, `/console/incidents/${incident.id}/indicators`, { indicatorType: 'filename', indicatorValue: 'facture.pdf.exe', indicatorComment: hostile });
    const pages = [
      await get(analystSession, `/console/incidents/${incident.id}`),
      await get(analystSession, `/console/incidents?q=${encodeURIComponent(hostile)}`),
      await get(analystSession, '/console/incidents?q=Piège'),
      await post(analystSession, `/console/incidents/${incident.id}/indicators/preview`, { text: `${hostile} 198.51.100.9` }),
      await post(analystSession, '/console/incidents/lookup', { values: hostile }),
      await post(analystSession, `/console/incidents/${incident.id}`, triageFields(incident, { title: hostile, 'classifications.0.class': 'nope' })),
    ];
    for (const res of pages) {
      expect(res.statusCode).toBeLessThan(500);
      expect(res.body).not.toContain('<script>alert');
      expect(res.body).not.toContain('<img src=x');
      expect(res.body).not.toContain('<b onmouseover');
    }
    // Preact escapes `<`, `&` and `"` in text, which is enough for no tag to start.
    expect(pages[0]?.body).toContain('&lt;script>alert(&quot;ribat-xss&quot;)&lt;/script>');
    expect(pages[2]?.body).toContain('Piège &lt;script>');
  });
});

describe('legal stage reports', () => {
  it('a handler marks a stage report received and reopens it; service levels offer no such button', async () => {
    const vital = await buildOrganisation(t.database, { category: 'vital-infrastructure' });
    const reporter = await buildUser(t.database, { roles: ['org_member'], organisationId: vital.id });
    const { incident } = await buildIncident(t, { reporter, organisation: vital, awareAt: new Date(Date.now() - 3_600_000) });
    const page = await get(analystSession, `/console/incidents/${incident.id}`);
    expect(page.body).toContain(`/console/incidents/${incident.id}/deadlines/ma-05-20.declaration`);
    expect(page.body).not.toContain('/deadlines/cert-sla.');
    const done = await post(analystSession, `/console/incidents/${incident.id}/deadlines/ma-05-20.declaration`, { completed: 'true' });
    expect(done.statusCode, done.body).toBe(303);
    const row = await t.database.db.selectFrom('incident_deadline').select('completed_at').where('incident_id', '=', incident.id).where('key', '=', 'ma-05-20.declaration').executeTakeFirstOrThrow();
    expect(row.completed_at).not.toBeNull();
    const reopened = await post(analystSession, `/console/incidents/${incident.id}/deadlines/ma-05-20.declaration`, { completed: 'false' });
    expect(reopened.statusCode).toBe(303);
    const again = await t.database.db.selectFrom('incident_deadline').select('completed_at').where('incident_id', '=', incident.id).where('key', '=', 'ma-05-20.declaration').executeTakeFirstOrThrow();
    expect(again.completed_at).toBeNull();
    const sla = await post(analystSession, `/console/incidents/${incident.id}/deadlines/cert-sla.first-response`, { completed: 'true' });
    expect(sla.statusCode).toBe(400);
    const outsider = await post(await loginAs(t, reporter), `/console/incidents/${incident.id}/deadlines/ma-05-20.declaration`, { completed: 'true' });
    expect(outsider.statusCode).toBe(404);
  });
});
