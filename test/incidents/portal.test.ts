/**
 * The constituent portal's incident pages through HTTP (app.inject) against a real database: members report for
 * their organisation and follow its incidents; another organisation's people see nothing (404, absent from lists);
 * TLP:RED stays with its reporter; the CERT's internal comments never show.
 */
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import type { RequestContext } from '#src/core/context';
import { newId } from '#src/core/ids';
import { commentAsHandler } from '#src/modules/incidents/use-cases/comment-on-incident';
import { reportIncident } from '#src/modules/incidents/use-cases/report-incident';
import { buildTestApp, testDialect, type TestApp } from '../helpers/app';
import { buildOrganisation, buildUser, form, loginAs, type OrganisationFixture, type SignedIn, type UserFixture } from '../helpers/factories';

let t: TestApp;
let orgA: OrganisationFixture;
let reporterA: UserFixture;
let colleagueA: UserFixture;
let memberB: UserFixture;
let analyst: UserFixture;
const sessions = new Map<string, SignedIn>();

beforeAll(async () => {
  t = await buildTestApp();
  orgA = await buildOrganisation(t.database);
  const orgB = await buildOrganisation(t.database);
  reporterA = await buildUser(t.database, { roles: ['org_member'], organisationId: orgA.id, displayName: 'Salma Reporter' });
  colleagueA = await buildUser(t.database, { roles: ['org_manager'], organisationId: orgA.id, displayName: 'Youssef Colleague' });
  memberB = await buildUser(t.database, { roles: ['org_member'], organisationId: orgB.id, displayName: 'Other Org Member' });
  analyst = await buildUser(t.database, { roles: ['analyst'], displayName: 'Analyste Karim Secret' });
});
afterAll(() => t.close());

async function session(user: UserFixture): Promise<SignedIn> {
  let s = sessions.get(user.id);
  if (!s) {
    s = await loginAs(t, user);
    sessions.set(user.id, s);
  }
  return s;
}

async function get(user: UserFixture, url: string) {
  return t.app.inject({ method: 'GET', url, cookies: (await session(user)).cookies });
}

async function post(user: UserFixture, url: string, fields: Record<string, string>) {
  const s = await session(user);
  return t.app.inject({ method: 'POST', url, cookies: s.cookies, ...form(fields, s.csrf) });
}

function contextOf(user: UserFixture): RequestContext {
  return { actor: { kind: 'user', userId: user.id, label: user.email, roles: user.roles, organisationId: user.organisationId, scopes: null }, requestId: newId(), locale: 'fr', clock: t.clock, ip: null };
}

async function commentRows(incidentId: string) {
  return t.database.db.selectFrom('incident_comment').selectAll().where('incident_id', '=', incidentId).orderBy('created_at').execute();
}

/** Reports through the portal form as `user`; returns the incident's id and reference. */
async function reportThroughPortal(user: UserFixture, fields: Record<string, string> = {}): Promise<{ id: string; reference: string }> {
  const res = await post(user, '/portal/incidents/new?lang=fr', { category: 'malware', title: 'Poste infecté à la comptabilité', description: 'Un rançongiciel a chiffré un poste.', detectedAt: '2024-06-02T08:15', awareAt: '', tlp: 'amber', ...fields });
  expect(res.statusCode, res.body).toBe(303);
  const id = /^\/portal\/incidents\/([^?]+)\?done=reported&lang=fr$/.exec(String(res.headers.location))?.[1] ?? '';
  const row = await t.database.db.selectFrom('incident').select('reference').where('id', '=', id).executeTakeFirstOrThrow();
  return { id, reference: row.reference };
}

describe(`constituent portal: incidents (${testDialect})`, () => {
  it('a member reports for their organisation: stored as a portal report, acknowledged by e-mail with the portal link', async () => {
    const form = await get(reporterA, '/portal/incidents/new?lang=fr');
    expect(form.statusCode).toBe(200);
    for (const name of ['category', 'title', 'description', 'detectedAt', 'awareAt', 'tlp', '_csrf']) expect(form.body).toContain(`name="${name}"`);
    expect(form.body).toContain('TLP:AMBER+STRICT');

    const { id, reference } = await reportThroughPortal(reporterA);
    const row = await t.database.db.selectFrom('incident').selectAll().where('id', '=', id).executeTakeFirstOrThrow();
    expect(row.channel).toBe('portal');
    expect(row.organisation_id).toBe(orgA.id);
    expect(row.reporter_user_id).toBe(reporterA.id);
    expect(row.tlp).toBe('amber');
    expect(row.tracking_token_hash).toBeNull();
    const classes = await t.database.db.selectFrom('incident_classification').select(['class_code', 'type_code']).where('incident_id', '=', id).execute();
    expect(classes).toEqual([{ class_code: 'malicious-code', type_code: 'malicious-code.infected-system' }]);
    const mail = await t.database.db.selectFrom('email_message').selectAll().where('to_address', '=', reporterA.email).executeTakeFirstOrThrow();
    expect(mail.text_body).toContain(reference);
    expect(mail.text_body).toContain(`/portal/incidents/${id}`);
    expect(mail.text_body).not.toContain('/report/track/');

    const page = await get(reporterA, `/portal/incidents/${id}?done=reported&lang=fr`);
    expect(page.statusCode).toBe(200);
    expect(page.body).toContain(`Signalement enregistré sous la référence ${reference}.`);
    expect(page.body).toContain('Poste infecté à la comptabilité');
    expect(page.body).toContain('Reçu, en attente d’examen');
    expect(page.body).toContain('TLP:AMBER');
  });

  it("refuses bad fields on the form with errors next to them, and stores nothing", async () => {
    const before = await t.database.db.selectFrom('incident').select((eb) => eb.fn.countAll<number>().as('n')).executeTakeFirstOrThrow();
    const res = await post(reporterA, '/portal/incidents/new?lang=en', { category: 'phishing', title: '', description: '', detectedAt: 'yesterday', awareAt: '', tlp: 'purple' });
    expect(res.statusCode).toBe(400);
    for (const field of ['title', 'description', 'detectedAt', 'tlp']) expect(res.body).toContain(`href="#f-${field}"`);
    expect(res.body).toContain('id="f-tlp-error">Invalid choice.');
    const forged = await post(reporterA, '/portal/incidents/new?lang=en', { category: 'nonsense', title: 'x', description: 'y', tlp: 'amber' });
    expect(forged.statusCode).toBe(400);
    expect(forged.body).toContain('id="f-category-error">Invalid choice.');
    const after = await t.database.db.selectFrom('incident').select((eb) => eb.fn.countAll<number>().as('n')).executeTakeFirstOrThrow();
    expect(Number(after.n)).toBe(Number(before.n));
  });

  it("a colleague sees the organisation's incident; another organisation's member gets 404 and does not see it listed", async () => {
    const { id, reference } = await reportThroughPortal(reporterA, { title: 'Incident visible to org A' });
    const colleagueList = await get(colleagueA, '/portal/incidents?lang=fr');
    expect(colleagueList.statusCode).toBe(200);
    expect(colleagueList.body).toContain(reference);
    expect((await get(colleagueA, `/portal/incidents/${id}`)).statusCode).toBe(200);

    const outsiderList = await get(memberB, '/portal/incidents?lang=fr');
    expect(outsiderList.statusCode).toBe(200);
    expect(outsiderList.body).not.toContain(reference);
    expect(outsiderList.body).not.toContain('Incident visible to org A');
    const outsider = await get(memberB, `/portal/incidents/${id}?lang=fr`);
    const missing = await get(memberB, `/portal/incidents/${newId()}?lang=fr`);
    expect(outsider.statusCode).toBe(404);
    expect(missing.statusCode).toBe(404);
    expect(outsider.body).not.toContain(reference);

    const before = await commentRows(id);
    const reply = await post(memberB, `/portal/incidents/${id}/comments`, { body: 'Intrusion attempt' });
    expect(reply.statusCode).toBe(404);
    expect(await commentRows(id)).toEqual(before);
  });

  it('a TLP:RED incident is visible to its reporter only, not to their colleague', async () => {
    const { id, reference } = await reportThroughPortal(reporterA, { title: 'Red eyes only', tlp: 'red' });
    const own = await get(reporterA, '/portal/incidents?lang=en');
    expect(own.body).toContain(reference);
    const detail = await get(reporterA, `/portal/incidents/${id}?lang=en`);
    expect(detail.statusCode).toBe(200);
    expect(detail.body).toContain('TLP:RED');

    const colleague = await get(colleagueA, '/portal/incidents?lang=en');
    expect(colleague.body).not.toContain(reference);
    expect((await get(colleagueA, `/portal/incidents/${id}`)).statusCode).toBe(404);
    expect((await post(colleagueA, `/portal/incidents/${id}/comments`, { body: 'Can I see it?' })).statusCode).toBe(404);
  });

  it("shows shared messages only: never an internal comment or an analyst's name; members answer as shared comments", async () => {
    const { id } = await reportThroughPortal(reporterA, { title: 'Thread test' });
    await commentAsHandler(t.database, t.config, contextOf(analyst), id, 'internal', 'NOTE-INTERNE: attribuer à l’équipe forensic');
    await commentAsHandler(t.database, t.config, contextOf(analyst), id, 'shared', 'Pouvez-vous isoler le poste ?');

    const page = await get(colleagueA, `/portal/incidents/${id}?lang=fr`);
    expect(page.statusCode).toBe(200);
    expect(page.body).toContain('Pouvez-vous isoler le poste ?');
    expect(page.body).not.toContain('NOTE-INTERNE');
    expect(page.body).not.toContain('Analyste Karim Secret');

    const reply = await post(colleagueA, `/portal/incidents/${id}/comments?lang=fr`, { body: 'Poste isolé à 10 h.' });
    expect(reply.statusCode).toBe(303);
    expect(String(reply.headers.location)).toBe(`/portal/incidents/${id}?done=commented&lang=fr`);
    const rows = await commentRows(id);
    const last = rows.find((r) => r.body === 'Poste isolé à 10 h.');
    expect(last).toMatchObject({ visibility: 'shared', source: 'portal', author_user_id: colleagueA.id });

    const seenByReporter = await get(reporterA, `/portal/incidents/${id}?lang=fr`);
    expect(seenByReporter.body).toContain('Poste isolé à 10 h.');
    expect(seenByReporter.body).toContain('Youssef Colleague');
    expect(seenByReporter.body).not.toContain('NOTE-INTERNE');

    const countBefore = (await commentRows(id)).length;
    const empty = await post(colleagueA, `/portal/incidents/${id}/comments?lang=en`, { body: '' });
    expect(empty.statusCode).toBe(400);
    expect(empty.body).toContain('id="f-body-error">This field is required.');
    expect((await commentRows(id)).length).toBe(countBefore);
  });

  it('lists shared attachments as download links and offers the upload form (CSRF field first)', async () => {
    const { id } = await reportThroughPortal(reporterA, { title: 'With evidence' });
    const page = await get(reporterA, `/portal/incidents/${id}?lang=en`);
    expect(page.body).toMatch(new RegExp(`<form method="post" action="/portal/incidents/${id}/attachments\\?lang=en" enctype="multipart/form-data" class="form"><input type="hidden" name="_csrf"`));
    const s = await session(reporterA);
    const boundary = 'ribatboundary42';
    const payload = [
      `--${boundary}`, 'Content-Disposition: form-data; name="_csrf"', '', s.csrf,
      `--${boundary}`, 'Content-Disposition: form-data; name="file"; filename="headers.txt"', 'Content-Type: text/plain', '', 'Received: from evil.example',
      `--${boundary}--`, '',
    ].join('\r\n');
    const upload = await t.app.inject({ method: 'POST', url: `/portal/incidents/${id}/attachments`, cookies: s.cookies, payload, headers: { 'content-type': `multipart/form-data; boundary=${boundary}` } });
    expect(upload.statusCode, upload.body).toBe(303);
    const row = await t.database.db.selectFrom('incident_attachment').select(['id', 'visibility']).where('incident_id', '=', id).executeTakeFirstOrThrow();
    expect(row.visibility).toBe('shared');
    const after = await get(colleagueA, `/portal/incidents/${id}?lang=en`);
    const href = `/portal/incidents/${id}/attachments/${row.id}`;
    expect(after.body).toContain(`href="${href}"`);
    expect(after.body).toContain('headers.txt');
    const download = await get(colleagueA, href);
    expect(download.statusCode).toBe(200);
    expect(download.body).toBe('Received: from evil.example');
    expect((await get(memberB, href)).statusCode).toBe(404);
  });

  it('lists newest first with cursor pagination', async () => {
    const orgC = await buildOrganisation(t.database);
    const member = await buildUser(t.database, { roles: ['org_member'], organisationId: orgC.id });
    const references: string[] = [];
    for (let i = 0; i < 27; i++) {
      t.clock.advance(1000);
      const { incident } = await reportIncident(t.database, t.config, contextOf(member), 'portal', { title: `Incident numéro ${i}`, description: 'Description' });
      references.push(incident.reference);
    }
    const first = await get(member, '/portal/incidents?lang=en');
    expect(first.statusCode).toBe(200);
    const shown = (html: string) => [...html.matchAll(/<td dir="ltr"><a href="\/portal\/incidents\/[^"?]+">([^<]+)<\/a>/g)].map((m) => m[1]);
    const newestFirst = [...references].reverse();
    expect(shown(first.body)).toEqual(newestFirst.slice(0, 25));
    const next = /href="(\/portal\/incidents\?cursor=[^"]+)" rel="next"/.exec(first.body)?.[1]?.replace(/&amp;/g, '&') ?? '';
    expect(next).not.toBe('');
    const second = await get(member, next);
    expect(shown(second.body)).toEqual(newestFirst.slice(25));
    expect(second.body).not.toContain('rel="next"');
    expect((await get(member, '/portal/incidents?cursor=garbage')).statusCode).toBe(400);
  });

  it('speaks Arabic right to left, links the portal from the navigation for members only, and turns others away', async () => {
    const arabic = await get(reporterA, '/portal/incidents?lang=ar');
    expect(arabic.statusCode).toBe(200);
    expect(arabic.body).toContain('<html lang="ar" dir="rtl">');
    expect(arabic.body).toContain('حوادث هيئتي');
    const arabicForm = await get(reporterA, '/portal/incidents/new?lang=ar');
    expect(arabicForm.body).toContain('<html lang="ar" dir="rtl">');
    expect(arabicForm.body).toContain('تصيد احتيالي');

    const home = await get(colleagueA, '/account?lang=en');
    expect(home.body).toContain('href="/portal/incidents"');
    expect((await get(analyst, '/account?lang=en')).body).not.toContain('href="/portal/incidents"');
    const anonymous = await t.app.inject({ method: 'GET', url: '/portal/incidents' });
    expect(anonymous.statusCode).toBe(303);
    expect(String(anonymous.headers.location)).toMatch(/^\/login/);
    expect([403, 404]).toContain((await get(analyst, '/portal/incidents')).statusCode);
  });
});
