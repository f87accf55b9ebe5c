/**
 * The incident use cases against a real database (SQLite, or PostgreSQL with TEST_DB=postgres): intake by every
 * channel with gapless references and acknowledgements, triage, the state machine, comments and the e-mails they
 * send, indicators with correlation and bulk lookup, tasks, merge and links, deadlines (service levels and regulation
 * profiles) and their reminders, saved views, and the visibility rule in the data layer.
 */
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import type { RequestContext } from '#src/core/context';
import type { UserFixture } from '../helpers/factories';
import { AppError } from '#src/core/errors';
import { systemContext } from '#src/core/context';
import { fixedClock } from '#src/core/time';
import { reportIncident } from '#src/modules/incidents/use-cases/report-incident';
import { editIncident } from '#src/modules/incidents/use-cases/update-incident';
import { assignIncident, changeIncidentStatus } from '#src/modules/incidents/use-cases/change-incident-status';
import { commentAsConstituent, commentAsHandler, commentByTrackingToken } from '#src/modules/incidents/use-cases/comment-on-incident';
import { addIndicators, bulkLookup, previewIndicators, removeIndicator } from '#src/modules/incidents/use-cases/incident-indicators';
import { addIncidentTask, setIncidentTaskDone } from '#src/modules/incidents/use-cases/incident-tasks';
import { linkIncidents, mergeIncident } from '#src/modules/incidents/use-cases/merge-incident';
import { getIncident, getIncidentByTrackingToken } from '#src/modules/incidents/use-cases/get-incident';
import { deleteQueueView, listIncidents, listQueueViews, saveQueueView } from '#src/modules/incidents/use-cases/list-incidents';
import { sendDueReminders } from '#src/modules/incidents/deadline-reminders.job';
import { completeDeadline } from '#src/modules/incidents/use-cases/complete-deadline';
import { buildTestApp, type TestApp } from '../helpers/app';
import { buildOrganisation, buildUser } from '../helpers/factories';
import { contextFor } from '../helpers/bulletin-factories';

let t: TestApp;
let analyst: UserFixture;
let coordinator: UserFixture;
let member: UserFixture;
let colleague: UserFixture;
let outsider: UserFixture;
let author: UserFixture;
let vitalOrg: string;

beforeAll(async () => {
  t = await buildTestApp();
  analyst = await buildUser(t.database, { roles: ['analyst'], displayName: 'Analyste Un' });
  coordinator = await buildUser(t.database, { roles: ['coordinator'] });
  vitalOrg = (await buildOrganisation(t.database, { category: 'vital-infrastructure' })).id;
  member = await buildUser(t.database, { roles: ['org_member'], organisationId: vitalOrg });
  colleague = await buildUser(t.database, { roles: ['org_member'], organisationId: vitalOrg });
  outsider = await buildUser(t.database, { roles: ['org_member'] });
  author = await buildUser(t.database, { roles: ['author'] });
});
afterAll(async () => {
  await t.close();
});

const ctx = (user: UserFixture): RequestContext => contextFor(user, t.clock);

async function rejection(promise: Promise<unknown>): Promise<AppError> {
  try {
    await promise;
  } catch (err) {
    if (err instanceof AppError) return err;
    throw err;
  }
  throw new Error('expected a rejection');
}

async function emailsTo(address: string) {
  return t.database.db.selectFrom('email_message').select(['subject', 'text_body', 'purpose']).where('to_address', '=', address).orderBy('created_at').execute();
}

describe('intake', () => {
  it('a public report gets a reference, a tracking token, an acknowledgement with both, the SLA deadline, and an audit event', async () => {
    const { incident, trackingToken } = await reportIncident(t.database, t.config, systemContext('public-form', t.clock), 'public', {
      title: 'Courriel de hameçonnage « banque »',
      description: 'J’ai reçu un faux courriel de ma banque.',
      reporterName: 'Citoyenne',
      reporterEmail: 'Citoyenne@Example.MA',
      typeCode: 'fraud.phishing',
      locale: 'ar',
    });
    expect(incident.reference).toMatch(/^INC-\d{4}-\d{5}$/);
    expect(incident).toMatchObject({ status: 'new', channel: 'public', tlp: 'amber', classifications: [{ classCode: 'fraud', typeCode: 'fraud.phishing' }] });
    expect(incident.reporter).toMatchObject({ email: 'citoyenne@example.ma', locale: 'ar', userId: null });
    expect(trackingToken).toMatch(/^[A-Za-z0-9_-]{40,}$/);
    const [ack] = await emailsTo('citoyenne@example.ma');
    expect(ack?.subject).toContain(`[${incident.reference}]`);
    expect(ack?.text_body).toContain(`/report/track/${trackingToken ?? ''}`);
    expect(ack?.text_body).toContain('مرجعه');
    // The CERT's first response is due 24 h after the report; triage within 8 business hours.
    const deadlines = await t.database.db.selectFrom('incident_deadline').select(['key', 'due_at']).where('incident_id', '=', incident.id).orderBy('key').execute();
    expect(deadlines.map((d) => d.key)).toEqual(['cert-sla.first-response', 'cert-sla.triage']);
    expect(incident.nextDueAt).not.toBeNull();
    const audit = await t.database.db.selectFrom('audit_event').select(['action']).where('entity_id', '=', incident.id).execute();
    expect(audit.map((a) => a.action)).toEqual(['incident.reported']);
    // The token opens the reporter's view; the token is stored only as a hash.
    const view = await getIncidentByTrackingToken(t.database, trackingToken ?? '');
    expect(view.incident.reference).toBe(incident.reference);
    const row = await t.database.db.selectFrom('incident').select('tracking_token_hash').where('id', '=', incident.id).executeTakeFirstOrThrow();
    expect(row.tracking_token_hash).not.toContain(trackingToken ?? '');
  });

  it('refuses a report with errors naming each field, and writes nothing', async () => {
    const before = await t.database.db.selectFrom('incident').select((eb) => eb.fn.countAll<number>().as('n')).executeTakeFirstOrThrow();
    const err = await rejection(reportIncident(t.database, t.config, systemContext('public-form', t.clock), 'public', { title: ' ', description: 'x'.repeat(20_001), reporterEmail: 'not-an-address', detectedAt: 'yesterday', tlp: 'purple', typeCode: 'fraud.nonsense' }));
    expect(err.code).toBe('validation_failed');
    expect(err.fields.map((f) => `${f.field}:${f.message}`).sort()).toEqual(['classifications.0.type:invalid_choice', 'description:too_long', 'detectedAt:invalid_date', 'reporterEmail:invalid_email', 'title:required', 'tlp:invalid_choice']);
    const after = await t.database.db.selectFrom('incident').select((eb) => eb.fn.countAll<number>().as('n')).executeTakeFirstOrThrow();
    expect(Number(after.n)).toBe(Number(before.n));
  });

  it('a member reports for their own organisation; a vital operator gets the legal profile ma-05-20 with its stages', async () => {
    const { incident, trackingToken } = await reportIncident(t.database, t.config, ctx(member), 'portal', { title: 'Rançongiciel sur un serveur', description: 'Fichiers chiffrés.', detectedAt: '2026-11-20T08:00', organisationId: 'ignored-for-members' });
    expect(trackingToken).toBeNull();
    expect(incident).toMatchObject({ organisationId: vitalOrg, regulationProfiles: ['ma-05-20'], awareAt: new Date('2026-11-20T08:00:00Z') });
    const keys = (await t.database.db.selectFrom('incident_deadline').select('key').where('incident_id', '=', incident.id).execute()).map((d) => d.key).sort();
    expect(keys).toEqual(['cert-sla.first-response', 'cert-sla.triage', 'ma-05-20.declaration', 'ma-05-20.follow-up']);
  });

  it('references are gapless and unique under concurrent reports', async () => {
    const results = await Promise.all(Array.from({ length: 8 }, (_, i) => reportIncident(t.database, t.config, ctx(member), 'api', { title: `Rapport ${i}`, description: 'x' })));
    const numbers = results.map((r) => Number(r.incident.reference.slice(-5))).sort((a, b) => a - b);
    expect(new Set(numbers).size).toBe(8);
    expect((numbers.at(-1) ?? 0) - (numbers[0] ?? 0)).toBe(7);
  });

  it('refuses reports from people without the permission (404)', async () => {
    expect((await rejection(reportIncident(t.database, t.config, ctx(author), 'portal', { title: 'x', description: 'y' }))).code).toBe('not_found');
    expect((await rejection(reportIncident(t.database, t.config, ctx(member), 'staff', { title: 'x', description: 'y' }))).code).toBe('not_found');
  });
});

describe('handling', () => {
  it('triage, assignment, comments, indicators, tasks and closing, each audited; shared comments reach the reporter', async () => {
    const { incident, trackingToken } = await reportIncident(t.database, t.config, systemContext('public-form', t.clock), 'public', { title: 'Faux site de paiement', description: 'Voir le lien.', reporterEmail: 'victime@example.ma' });
    const edited = await editIncident(t.database, t.config, ctx(analyst), incident.id, incident.version, {
      classifications: [{ classCode: 'fraud', typeCode: 'fraud.phishing' }, { classCode: 'malicious-code', typeCode: '' }],
      severity: 'modere',
      priority: 2,
      pap: 'green',
      suspectedMalicious: 'yes',
      impact: { users: '300' },
      affectedOrganisationIds: [vitalOrg],
    });
    expect(edited).toMatchObject({ status: 'triage', severity: 'modere', priority: 2, pap: 'green', suspectedMalicious: 'yes', affectedOrganisationIds: [vitalOrg] });
    expect(edited.impact.users).toBe('300');
    expect(edited.triagedAt).not.toBeNull();

    const stale = await rejection(editIncident(t.database, t.config, ctx(analyst), incident.id, incident.version, { priority: 1 }));
    expect(stale.code).toBe('version_conflict');
    const bad = await rejection(editIncident(t.database, t.config, ctx(analyst), incident.id, edited.version, { classifications: [{ classCode: 'fraud', typeCode: 'availability.ddos' }], severity: 'apocalyptic', regulationProfiles: ['gdpr'] }));
    expect(bad.fields.map((f) => f.field).sort()).toEqual(['classifications.0.type', 'regulationProfiles', 'severity']);

    const assigned = await assignIncident(t.database, t.config, ctx(coordinator), incident.id, edited.version, analyst.id);
    expect(assigned.assigneeId).toBe(analyst.id);
    expect((await rejection(assignIncident(t.database, t.config, ctx(coordinator), incident.id, assigned.version, member.id))).fields[0]?.field).toBe('assigneeId');

    await commentAsHandler(t.database, t.config, ctx(analyst), incident.id, 'internal', 'Piste interne : même kit que la semaine passée.');
    await commentAsHandler(t.database, t.config, ctx(analyst), incident.id, 'shared', 'Merci, nous avons demandé la fermeture du site.');
    const mails = await emailsTo('victime@example.ma');
    expect(mails.map((m) => m.purpose)).toEqual(['incident.ack', 'incident.comment']);
    expect(mails[1]?.text_body).toContain('demandé la fermeture');
    expect(mails.some((m) => m.text_body.includes('Piste interne'))).toBe(false);
    await commentByTrackingToken(t.database, systemContext('tracking', t.clock), trackingToken ?? '', 'Le site est toujours en ligne.');
    const reporterView = await getIncidentByTrackingToken(t.database, trackingToken ?? '');
    expect(reporterView.comments.map((c) => c.body)).toEqual(['Merci, nous avons demandé la fermeture du site.', 'Le site est toujours en ligne.']);

    const pasted = previewIndicators('Lien hxxps://paiement-securise[.]example/login depuis 203.0.113[.]9, pièce facture.pdf.exe');
    expect(pasted.map((p) => `${p.type}:${p.value}`)).toEqual(['url:https://paiement-securise.example/login', 'ipv4:203.0.113.9', 'filename:facture.pdf.exe']);
    const added = await addIndicators(t.database, ctx(analyst), incident.id, pasted.map((p) => ({ type: p.type, value: p.value })));
    expect(added).toHaveLength(3);
    expect(await addIndicators(t.database, ctx(analyst), incident.id, [{ value: '203.0.113.9' }])).toEqual([]);
    const badIndicators = await rejection(addIndicators(t.database, ctx(analyst), incident.id, [{ type: 'ipv4', value: '999.1.1.1' }, { type: 'md5', value: '' }, { type: 'nonsense', value: 'x' }]));
    expect(badIndicators.fields.map((f) => `${f.field}:${f.message}`)).toEqual(['indicators.0.value:invalid_indicator', 'indicators.1.value:required', 'indicators.2.type:invalid_choice']);

    const task = await addIncidentTask(t.database, ctx(analyst), incident.id, { title: 'Demander le retrait à l’hébergeur', ownerId: analyst.id, dueAt: '2026-12-01' });
    await setIncidentTaskDone(t.database, ctx(analyst), incident.id, task.id, task.version, true);
    expect((await rejection(setIncidentTaskDone(t.database, ctx(analyst), incident.id, task.id, task.version, false))).code).toBe('version_conflict');

    const current = await getIncident(t.database, t.config, ctx(analyst), incident.id);
    if (current.kind !== 'handler') throw new Error('handler view expected');
    expect(current.tasks[0]?.doneAt).not.toBeNull();
    const noDisposition = await rejection(changeIncidentStatus(t.database, t.config, ctx(analyst), incident.id, current.incident.version, 'closed'));
    expect(noDisposition.fields).toEqual([{ field: 'disposition', message: 'required' }]);
    const wrongStep = await rejection(changeIncidentStatus(t.database, t.config, ctx(analyst), incident.id, current.incident.version, 'new'));
    expect(wrongStep.code).toBe('conflict');
    const closed = await changeIncidentStatus(t.database, t.config, ctx(analyst), incident.id, current.incident.version, 'closed', 'confirmed');
    expect(closed).toMatchObject({ status: 'closed', disposition: 'confirmed', nextDueAt: null });
    expect(closed.closedAt).not.toBeNull();
    const reopened = await changeIncidentStatus(t.database, t.config, ctx(analyst), incident.id, closed.version, 'triage');
    expect(reopened).toMatchObject({ status: 'triage', disposition: null, closedAt: null });

    const actions = (await t.database.db.selectFrom('audit_event').select('action').where('entity_id', '=', incident.id).orderBy('seq').execute()).map((a) => a.action);
    expect(actions).toEqual([
      'incident.reported',
      'incident.updated',
      'incident.assigned',
      'incident.commented',
      'incident.commented',
      'incident.reporter_commented',
      'incident.indicators_added',
      'incident.task_added',
      'incident.task_done',
      'incident.closed',
      'incident.reopened',
    ]);
    // The first shared comment completed the first-response service level.
    const firstResponse = await t.database.db.selectFrom('incident_deadline').select('completed_at').where('incident_id', '=', incident.id).where('key', '=', 'cert-sla.first-response').executeTakeFirstOrThrow();
    expect(firstResponse.completed_at).not.toBeNull();
  });

  it('correlates indicators across incidents within the visibility rule, answers a 1,000-value bulk lookup, and merges duplicates', async () => {
    const a = (await reportIncident(t.database, t.config, ctx(member), 'portal', { title: 'Scan depuis 198.51.100.44', description: 'IDS' })).incident;
    const b = (await reportIncident(t.database, t.config, ctx(outsider), 'portal', { title: 'Connexions suspectes', description: 'Pare-feu', tlp: 'red' })).incident;
    await addIndicators(t.database, ctx(analyst), a.id, [{ value: '198.51.100.44' }, { value: 'evil.example' }]);
    await addIndicators(t.database, ctx(analyst), b.id, [{ value: '198.51.100[.]44' }]);
    const view = await getIncident(t.database, t.config, ctx(analyst), a.id);
    if (view.kind !== 'handler') throw new Error('handler view expected');
    expect(view.indicators.find((i) => i.value === '198.51.100.44')?.seenIn.map((s) => s.reference)).toEqual([b.reference]);
    expect(view.duplicates.map((d) => [d.reference, d.reason])).toEqual([[b.reference, 'indicator']]);

    const values = ['198.51.100.44', 'hxxp://nothing[.]example/', 'evil[.]example', ...Array.from({ length: 994 }, (_, i) => `10.${Math.floor(i / 250)}.${i % 250}.1`), 'not an indicator'];
    const answers = await bulkLookup(t.database, ctx(analyst), values.join('\n'));
    expect(answers).toHaveLength(1000);
    expect(answers.find((x) => x.input === '198.51.100.44')?.incidents.map((i) => i.reference).sort()).toEqual([a.reference, b.reference].sort());
    expect(answers.find((x) => x.input === 'evil[.]example')).toMatchObject({ type: 'domain', value: 'evil.example' });
    expect(answers.filter((x) => x.error === 'invalid').map((x) => x.input)).toEqual(['not', 'an', 'indicator']);
    expect((await rejection(bulkLookup(t.database, ctx(analyst), Array.from({ length: 1001 }, (_, i) => `192.0.2.${i % 250}-${i}`).join(' ')))).fields[0]).toMatchObject({ field: 'values', message: 'too_large' });
    // Constituents may not use the lookup at all.
    expect((await rejection(bulkLookup(t.database, ctx(member), '198.51.100.44'))).code).toBe('not_found');

    await linkIncidents(t.database, ctx(analyst), a.id, b.reference);
    const versionOf = async (id: string) => Number((await t.database.db.selectFrom('incident').select('version').where('id', '=', id).executeTakeFirstOrThrow()).version);
    const merged = await mergeIncident(t.database, t.config, ctx(analyst), b.id, await versionOf(b.id), a.reference);
    expect(merged).toMatchObject({ status: 'closed', disposition: 'duplicate', mergedIntoId: a.id });
    expect((await rejection(mergeIncident(t.database, t.config, ctx(analyst), a.id, await versionOf(a.id), 'INC-1999-99999'))).fields[0]?.field).toBe('reference');
    await removeIndicator(t.database, ctx(analyst), a.id, view.indicators[0]?.id ?? '');
    expect((await rejection(removeIndicator(t.database, ctx(analyst), a.id, view.indicators[0]?.id ?? ''))).code).toBe('not_found');
  });
});

describe('visibility in the data layer', () => {
  it('members see their organisation’s incidents (not RED ones of colleagues), nothing of others; staff without incidents:read nothing', async () => {
    const open = (await reportIncident(t.database, t.config, ctx(member), 'portal', { title: 'Visible à l’organisation', description: 'x', tlp: 'amber' })).incident;
    const red = (await reportIncident(t.database, t.config, ctx(member), 'portal', { title: 'Rouge', description: 'x', tlp: 'red' })).incident;
    await commentAsHandler(t.database, t.config, ctx(analyst), open.id, 'internal', 'Note interne secrète');

    const colleagueList = await listIncidents(t.database, ctx(colleague), {}, { limit: 200 });
    expect(colleagueList.items.map((i) => i.id)).toContain(open.id);
    expect(colleagueList.items.map((i) => i.id)).not.toContain(red.id);
    expect((await listIncidents(t.database, ctx(member), {}, { limit: 200 })).items.map((i) => i.id)).toContain(red.id);
    expect((await rejection(getIncident(t.database, t.config, ctx(colleague), red.id))).code).toBe('not_found');
    expect((await rejection(getIncident(t.database, t.config, ctx(outsider), open.id))).code).toBe('not_found');
    expect((await listIncidents(t.database, ctx(outsider), {}, { limit: 200 })).items.map((i) => i.id)).not.toContain(open.id);
    expect((await rejection(listIncidents(t.database, ctx(author), {}, { limit: 10 }))).code).toBe('not_found');
    expect((await rejection(getIncident(t.database, t.config, ctx(author), open.id))).code).toBe('not_found');

    const memberView = await getIncident(t.database, t.config, ctx(colleague), open.id);
    expect(memberView.kind).toBe('reporter');
    expect(JSON.stringify(memberView)).not.toContain('Note interne secrète');
    await commentAsConstituent(t.database, ctx(colleague), open.id, 'Nous confirmons.');
    expect((await rejection(commentAsConstituent(t.database, ctx(outsider), open.id, 'Intrus'))).code).toBe('not_found');
  });
});

describe('the queue', () => {
  it('filters, sorts and pages with a cursor; saved views are per person', async () => {
    const org = (await buildOrganisation(t.database, { sectorCode: 'health' })).id;
    const reporter = await buildUser(t.database, { roles: ['org_member'], organisationId: org });
    const clock = fixedClock(new Date('2026-11-01T10:00:00Z'));
    for (let i = 0; i < 7; i += 1) {
      clock.advance(60_000);
      await reportIncident(t.database, t.config, { ...ctx(reporter), clock }, 'portal', { title: `Santé ${i}`, description: `lotq${i}` });
    }
    const seen: string[] = [];
    let cursor: string | undefined;
    do {
      const page = await listIncidents(t.database, ctx(analyst), { organisation: org, sort: 'reported_asc' }, { limit: 3, ...(cursor ? { cursor } : {}) });
      seen.push(...page.items.map((i) => i.title));
      cursor = page.nextCursor ?? undefined;
    } while (cursor);
    expect(seen).toEqual(['Santé 0', 'Santé 1', 'Santé 2', 'Santé 3', 'Santé 4', 'Santé 5', 'Santé 6']);
    expect((await listIncidents(t.database, ctx(analyst), { sector: 'health', q: 'sante lotq3' }, { limit: 10 })).items.map((i) => i.title)).toEqual(['Santé 3']);
    expect((await rejection(listIncidents(t.database, ctx(analyst), { status: 'sleeping', sort: 'random', from: 'hier' }, { limit: 10 }))).fields.map((f) => f.field)).toEqual(['status', 'from', 'sort']);

    await saveQueueView(t.database, ctx(analyst), 'Santé ouverte', 'sector=health&open=1&cursor=abc');
    const views = await listQueueViews(t.database, ctx(analyst));
    expect(views).toEqual([expect.objectContaining({ name: 'Santé ouverte', query: 'sector=health&open=1' })]);
    expect(await listQueueViews(t.database, ctx(coordinator))).toEqual([]);
    expect((await rejection(deleteQueueView(t.database, ctx(coordinator), views[0]?.id ?? ''))).code).toBe('not_found');
    expect((await rejection(saveQueueView(t.database, ctx(analyst), '', 'status=bogus'))).fields.map((f) => f.field)).toEqual(['name']);
    await deleteQueueView(t.database, ctx(analyst), views[0]?.id ?? '');
    expect(await listQueueViews(t.database, ctx(analyst))).toEqual([]);
  });
});

describe('deadlines and reminders', () => {
  it('NIS2 stages follow awareness; reminders go to the assignee once per lead, and again when the due time moves', async () => {
    const clock = fixedClock(new Date('2026-11-23T09:00:00Z'));
    const c = { ...ctx(member), clock };
    const { incident } = await reportIncident(t.database, t.config, c, 'portal', { title: 'Fuite de données', description: 'x', awareAt: '2026-11-23T08:00Z' });
    const edited = await editIncident(t.database, t.config, { ...ctx(analyst), clock }, incident.id, incident.version, { regulationProfiles: ['nis2'] });
    const rows = await t.database.db.selectFrom('incident_deadline').select(['key', 'due_at']).where('incident_id', '=', incident.id).execute();
    const due = Object.fromEntries(rows.map((r) => [r.key, new Date(String(r.due_at instanceof Date ? r.due_at.toISOString() : r.due_at)).toISOString()]));
    expect(due['nis2.early-warning']).toBe('2026-11-24T08:00:00.000Z');
    expect(due['nis2.notification']).toBe('2026-11-26T08:00:00.000Z');
    await assignIncident(t.database, t.config, { ...ctx(coordinator), clock }, incident.id, edited.version, analyst.id);

    const deps = { database: t.database, config: t.config, clock };
    const sentKeys = async () =>
      Object.fromEntries(
        (await t.database.db.selectFrom('incident_deadline').select(['key', 'reminders_sent']).where('incident_id', '=', incident.id).execute()).map((r) => [r.key, JSON.parse(r.reminders_sent) as string[]]),
      );
    const reminderMails = async () => (await emailsTo(analyst.email)).filter((m) => m.purpose === 'incident.reminder' && m.subject.includes(incident.reference));
    // 13 hours before the early warning (and 14 before the first response): the one-day reminders, once.
    clock.advance(10 * 3_600_000);
    await sendDueReminders(deps);
    await sendDueReminders(deps);
    let keys = await sentKeys();
    expect(keys['nis2.early-warning']).toEqual(['nis2.early-warning@1440']);
    expect(keys['cert-sla.first-response']).toEqual(['cert-sla.first-response@1440']);
    expect(keys['nis2.notification']).toEqual([]);
    expect(await reminderMails()).toHaveLength(2);
    // One hour before: the two-hour reminders, once.
    clock.advance(12 * 3_600_000);
    await sendDueReminders(deps);
    await sendDueReminders(deps);
    keys = await sentKeys();
    expect(keys['nis2.early-warning']).toEqual(['nis2.early-warning@1440', 'nis2.early-warning@120']);
    expect(await reminderMails()).toHaveLength(4);

    // The organisation sends its NIS2 notification early: the final report is due one month after it, not after 72 h.
    const done = await completeDeadline(t.database, t.config, { ...ctx(analyst), clock }, incident.id, 'nis2.notification', { completed: true, completedAt: '2026-11-24T06:30Z' });
    const final = await t.database.db.selectFrom('incident_deadline').select(['due_at', 'completed_at']).where('incident_id', '=', incident.id).where('key', '=', 'nis2.final-report').executeTakeFirstOrThrow();
    expect(new Date(String(final.due_at instanceof Date ? final.due_at.toISOString() : final.due_at)).toISOString()).toBe('2026-12-24T06:30:00.000Z');
    expect(done.nextDueAt?.toISOString()).toBe('2026-11-24T08:00:00.000Z');
    expect((await rejection(completeDeadline(t.database, t.config, ctx(analyst), incident.id, 'cert-sla.first-response', { completed: true }))).fields[0]?.field).toBe('key');
    expect((await rejection(completeDeadline(t.database, t.config, ctx(member), incident.id, 'nis2.notification', { completed: false }))).code).toBe('not_found');
  });
});
