/**
 * Issue "Statistics" §6, consistency: a scenario that creates known numbers of incidents, bulletins and subscribers
 * through the real use cases, at controlled times, gets exactly those figures, for the staff and the public scope, with
 * the previous period, percentiles, backlog points, local-time month buckets, suppression and the headline in every
 * language, and in the CSV and JSON exports. Runs on SQLite, and on PostgreSQL with TEST_DB=postgres.
 *
 * The CERT's time zone is Africa/Casablanca (the default): UTC+1, but UTC+0 during Ramadan (about 15 February to
 * 22 March 2026), so local months start at 23:00 or 00:00 UTC. Several reports arrive at 23:30 UTC on the last day of a
 * UTC month: they belong to the next local month (and I1 to the next local year).
 */
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import type { RequestContext } from '#src/core/context';
import type { Incident } from '#src/modules/incidents/incidents.types';
import type { IncidentEdit } from '#src/modules/incidents/use-cases/update-incident';
import type { BreakdownRow, Dashboard, FigureSet } from '#src/modules/statistics/statistics.types';
import type { UserFixture, OrganisationFixture } from '../helpers/factories';
import { AppError } from '#src/core/errors';
import { fixedClock } from '#src/core/time';
import { loadConfig } from '#src/config/config';
import { editIncident } from '#src/modules/incidents/use-cases/update-incident';
import { changeIncidentStatus } from '#src/modules/incidents/use-cases/change-incident-status';
import { commentAsHandler } from '#src/modules/incidents/use-cases/comment-on-incident';
import { mergeIncident } from '#src/modules/incidents/use-cases/merge-incident';
import { completeDeadline } from '#src/modules/incidents/use-cases/complete-deadline';
import { withdrawBulletin } from '#src/modules/bulletins/use-cases/withdraw-bulletin';
import { activateSubscription, insertSubscription, markUnsubscribed } from '#src/modules/notifications/subscriptions.repository';
import { computeDashboard } from '#src/modules/statistics/use-cases/compute-dashboard';
import { computeHeadline } from '#src/modules/statistics/use-cases/compute-headline';
import { buildPublicReport } from '#src/modules/statistics/use-cases/public-report';
import { dashboardToCsv, dashboardToJson, publicReportToCsv, publicReportToJson } from '#src/modules/statistics/statistics.export';
import { monthPeriod, yearPeriod } from '#src/modules/statistics/statistics.periods';
import { findFirstStatisticsYear } from '#src/modules/statistics/statistics.repository';
import { newId } from '#src/core/ids';
import { buildTestApp, type TestApp } from '../helpers/app';
import { buildOrganisation, buildUser } from '../helpers/factories';
import { buildIncident, storedIncident } from '../helpers/incident-factories';
import { buildPublishedBulletin, contextFor } from '../helpers/bulletin-factories';

const TZ = 'Africa/Casablanca';
/** When the statistics are computed: after both years, so every deadline has come due. */
const AS_OF = new Date('2027-01-10T12:00:00Z');

let t: TestApp;
let analyst: UserFixture;
let author: UserFixture;
let reviewer: UserFixture;
let orgA: OrganisationFixture;
let orgB: OrganisationFixture;
let orgV: OrganisationFixture;
const ids: Record<string, Incident> = {};

/** The analyst acting at a given instant. */
function analystAt(iso: string): RequestContext {
  return { ...contextFor(analyst, fixedClock(new Date(iso))), locale: 'fr' };
}

async function respond(key: string, iso: string): Promise<void> {
  await commentAsHandler(t.database, t.config, analystAt(iso), ids[key]?.id ?? '', 'shared', 'Nous avons bien reçu votre signalement.', { notify: false });
}

async function triage(key: string, iso: string, edit: IncidentEdit): Promise<void> {
  const current = await storedIncident(t, ids[key]?.id ?? '');
  await editIncident(t.database, t.config, analystAt(iso), current.id, current.version, edit);
}

async function move(key: string, iso: string, status: 'in_progress' | 'resolved' | 'closed', disposition?: string): Promise<void> {
  const current = await storedIncident(t, ids[key]?.id ?? '');
  await changeIncidentStatus(t.database, t.config, analystAt(iso), current.id, current.version, status, disposition);
}

async function report(key: string, options: Parameters<typeof buildIncident>[1]): Promise<void> {
  ids[key] = (await buildIncident(t, { handler: analyst, ...options })).incident;
}

async function subscriber(confirmedAt: string | null, unsubscribedAt: string | null = null): Promise<void> {
  const id = newId();
  const created = new Date(confirmedAt ?? '2025-01-01T00:00:00Z');
  const filters = { kinds: [], minCriticality: null, vendorIds: [], productIds: [], language: 'fr' as const };
  await insertSubscription(t.database.db, { id, email: `abonne-${id}@example.ma`, filters, confirmHash: `hash-${id}`, confirmExpiresAt: new Date(created.getTime() + 3600_000), manageHash: `manage-${id}`, now: created });
  if (confirmedAt) await activateSubscription(t.database.db, id, `hash-${id}`, filters, created, created);
  if (unsubscribedAt) await markUnsubscribed(t.database.db, id, new Date(unsubscribedAt));
}

beforeAll(async () => {
  t = await buildTestApp();
  analyst = await buildUser(t.database, { roles: ['analyst'] });
  author = await buildUser(t.database, { roles: ['author'] });
  reviewer = await buildUser(t.database, { roles: ['reviewer'] });
  orgA = await buildOrganisation(t.database, { category: 'private-company', sectorCode: 'energy' });
  orgB = await buildOrganisation(t.database, { category: 'private-company', sectorCode: 'health' });
  orgV = await buildOrganisation(t.database, { category: 'vital-infrastructure', sectorCode: 'banking-finance' });

  // ---- incidents of the previous year (2025) and before ----
  await report('I11', { channel: 'portal', organisation: orgA, tlp: 'clear', classCode: 'fraud', reportedAt: new Date('2024-12-01T10:00:00Z') });
  await move('I11', '2025-02-01T10:00:00Z', 'closed', 'confirmed');
  await report('I10', { channel: 'email', tlp: 'clear', classCode: 'fraud', reportedAt: new Date('2025-03-10T10:00:00Z') });
  await move('I10', '2025-03-11T10:00:00Z', 'closed', 'out-of-scope');
  await report('I9', { channel: 'portal', organisation: orgB, tlp: 'clear', classCode: 'availability', reportedAt: new Date('2025-06-10T10:00:00Z') });
  await respond('I9', '2025-06-10T14:00:00Z');
  await triage('I9', '2025-06-10T15:00:00Z', { severity: 'grave' });
  await move('I9', '2025-06-20T10:00:00Z', 'closed', 'confirmed');
  await report('I8', { channel: 'portal', organisation: orgA, tlp: 'clear', classCode: 'fraud', reportedAt: new Date('2025-12-20T10:00:00Z') });
  await respond('I8', '2025-12-20T11:00:00Z');
  await triage('I8', '2025-12-20T12:00:00Z', { severity: 'limite' });
  await move('I8', '2026-01-05T10:00:00Z', 'closed', 'confirmed');

  // ---- incidents of 2026 ----
  // I1: 31 Dec 23:30 UTC is 1 January 00:30 in Casablanca: a 2026 incident.
  await report('I1', { channel: 'portal', organisation: orgA, tlp: 'clear', classCode: 'fraud', reportedAt: new Date('2025-12-31T23:30:00Z') });
  await respond('I1', '2026-01-01T01:30:00Z');
  await triage('I1', '2026-01-01T02:30:00Z', { severity: 'grave' });
  await move('I1', '2026-01-02T23:30:00Z', 'resolved');
  await move('I1', '2026-01-03T23:30:00Z', 'closed', 'confirmed');
  // I2: public form, 1 February 00:30 local.
  await report('I2', { channel: 'public', tlp: 'clear', classCode: 'malicious-code', reportedAt: new Date('2026-01-31T23:30:00Z') });
  await respond('I2', '2026-02-01T00:00:00Z');
  await triage('I2', '2026-02-01T00:30:00Z', { severity: 'modere' });
  await move('I2', '2026-02-02T10:00:00Z', 'closed', 'false-positive');
  // I3: e-mail, TLP:AMBER (the default), never answered, triaged late, still open.
  await report('I3', { channel: 'email', classCode: 'intrusions', reportedAt: new Date('2026-02-10T09:00:00Z') });
  await triage('I3', '2026-02-12T11:00:00Z', { severity: 'grave' });
  // I4: recorded by the CERT, answered, then merged into I3 as a duplicate.
  await report('I4', { channel: 'staff', organisation: orgB, tlp: 'clear', classCode: 'availability', reportedAt: new Date('2026-03-01T10:00:00Z') });
  await respond('I4', '2026-03-01T10:10:00Z');
  {
    const current = await storedIncident(t, ids.I4?.id ?? '');
    await mergeIncident(t.database, t.config, analystAt('2026-03-01T12:00:00Z'), current.id, current.version, ids.I3?.reference ?? '');
  }
  // I5: an operator of vital infrastructure (law 05-20 applies), TLP:GREEN; declaration on time, follow-up late.
  await report('I5', { channel: 'api', organisation: orgV, tlp: 'green', classCode: 'intrusions', awareAt: new Date('2026-03-15T06:00:00Z'), reportedAt: new Date('2026-03-15T08:00:00Z') });
  await respond('I5', '2026-03-15T09:00:00Z');
  await triage('I5', '2026-03-15T10:00:00Z', { severity: 'tres-grave' });
  await completeDeadline(t.database, t.config, analystAt('2026-03-15T20:00:00Z'), ids.I5?.id ?? '', 'ma-05-20.declaration', { completed: true, completedAt: '2026-03-15T20:00:00Z' });
  await completeDeadline(t.database, t.config, analystAt('2026-03-19T06:00:00Z'), ids.I5?.id ?? '', 'ma-05-20.follow-up', { completed: true, completedAt: '2026-03-19T06:00:00Z' });
  await move('I5', '2026-04-01T08:00:00Z', 'resolved');
  await move('I5', '2026-04-02T08:00:00Z', 'closed', 'confirmed');
  // I12: resolved, never closed.
  await report('I12', { channel: 'portal', organisation: orgA, tlp: 'clear', classCode: 'fraud', reportedAt: new Date('2026-05-05T10:00:00Z') });
  await respond('I12', '2026-05-05T10:45:00Z');
  await triage('I12', '2026-05-05T11:00:00Z', { severity: 'limite' });
  await move('I12', '2026-05-06T10:00:00Z', 'resolved');
  // I6: 1 July 00:30 local; a test, closed at once.
  await report('I6', { channel: 'portal', organisation: orgA, tlp: 'clear', classCode: 'fraud', reportedAt: new Date('2026-06-30T23:30:00Z') });
  await move('I6', '2026-07-01T08:00:00Z', 'closed', 'test');
  // I7: open, never answered.
  await report('I7', { channel: 'portal', organisation: orgB, tlp: 'clear', classCode: 'vulnerable', reportedAt: new Date('2026-11-20T10:00:00Z') });

  // ---- bulletins ----
  const people = { author, reviewer };
  // A vendor name that a spreadsheet would run as a formula: the CSV must neutralise it.
  await buildPublishedBulletin(t, {
    ...people,
    kind: 'bulletin',
    criticality: 'moderate',
    cves: [{ id: 'CVE-2025-1111' }],
    affected: [
      { vendor: 'Acme', product: 'Router', versions: '< 2' },
      { vendor: '=HYPERLINK("http://evil.example")', product: 'Widget', versions: '1' },
    ],
    publishedAt: new Date('2025-05-05T10:00:00Z'),
  });
  await buildPublishedBulletin(t, {
    ...people,
    kind: 'bulletin',
    criticality: 'critical',
    cves: [{ id: 'CVE-2026-0001' }, { id: 'CVE-2026-0002' }],
    affected: [{ vendor: 'Acme', product: 'Router', versions: '< 3' }],
    publishedAt: new Date('2026-01-15T10:00:00Z'),
  });
  await buildPublishedBulletin(t, { ...people, kind: 'alert', criticality: 'critical', cves: [{ id: 'CVE-2026-0001' }], affected: [{ vendor: 'Acme', product: 'Gateway', versions: 'all' }], publishedAt: new Date('2026-01-31T23:30:00Z') });
  await buildPublishedBulletin(t, { ...people, kind: 'note', criticality: 'high', publishedAt: new Date('2026-03-10T10:00:00Z') });
  await buildPublishedBulletin(t, {
    ...people,
    kind: 'bulletin',
    criticality: 'high',
    tlp: 'amber',
    recipientOrganisationIds: [orgA.id],
    cves: [{ id: 'CVE-2026-0003' }],
    affected: [{ vendor: 'Globex', product: 'Server', versions: '9' }],
    publishedAt: new Date('2026-04-10T10:00:00Z'),
  });
  const withdrawn = await buildPublishedBulletin(t, { ...people, kind: 'bulletin', criticality: 'critical', cves: [{ id: 'CVE-2026-0009' }], publishedAt: new Date('2026-06-01T10:00:00Z') });
  await withdrawBulletin(t.database, t.config, withdrawn.reviewerCtx, withdrawn.bulletin.id, withdrawn.bulletin.version, 'Publié par erreur.');

  // ---- subscribers ----
  await subscriber('2025-03-01T10:00:00Z');
  await subscriber('2026-02-01T10:00:00Z');
  await subscriber('2025-06-01T10:00:00Z', '2026-05-01T10:00:00Z');
  await subscriber(null);
  await subscriber('2026-12-31T23:30:00Z');
});

afterAll(async () => {
  await t.close();
});

const year = (y: number) => yearPeriod(y, TZ);
const asOfCtx = (): RequestContext => analystAt(AS_OF.toISOString());
const values = (rows: BreakdownRow[] | undefined): Record<string, number | null> => Object.fromEntries((rows ?? []).filter((r) => r.value !== 0).map((r) => [r.code ?? '(none)', r.value]));
const points = (set: FigureSet, key: 'incidents.reported_by_month' | 'incidents.treated_by_month' | 'incidents.backlog' | 'bulletins.published_by_month') =>
  set[key].points.map((p) => `${p.label}=${String(p.value)}`);

describe('staff dashboard for 2026 (every record)', () => {
  let d: Dashboard;
  beforeAll(async () => {
    d = await computeDashboard(t.database, asOfCtx(), { period: year(2026), scope: 'staff' });
  });

  it('bounds the local calendar year and the previous one', () => {
    expect(d.period.from.toISOString()).toBe('2025-12-31T23:00:00.000Z');
    expect(d.period.to.toISOString()).toBe('2026-12-31T23:00:00.000Z');
    expect(d.previousPeriod.from.toISOString()).toBe('2024-12-31T23:00:00.000Z');
    expect(d.computedAt.toISOString()).toBe(AS_OF.toISOString());
  });

  it('counts incidents reported, merged duplicates and tests included, with every breakdown', () => {
    const r = d.current['incidents.reported'];
    expect(r.value).toBe(8);
    expect(values(r.breakdowns.channel)).toEqual({ portal: 4, public: 1, email: 1, staff: 1, api: 1 });
    expect(values(r.breakdowns.rsit_class)).toEqual({ fraud: 3, 'malicious-code': 1, intrusions: 2, availability: 1, vulnerable: 1 });
    expect(values(r.breakdowns.severity)).toEqual({ 'tres-grave': 1, grave: 2, modere: 1, limite: 1, '(none)': 3 });
    expect(values(r.breakdowns.sector)).toEqual({ energy: 3, health: 2, 'banking-finance': 1, '(none)': 2 });
    expect(values(r.breakdowns.category)).toEqual({ 'vital-infrastructure': 1, 'private-company': 5, '(none)': 2 });
    // Every vocabulary term is listed (zeros included) in the vocabulary's order, "not given" last, labelled.
    const classes = r.breakdowns.rsit_class ?? [];
    expect(classes.map((c) => c.code)).toEqual(['abusive-content', 'malicious-code', 'information-gathering', 'intrusion-attempts', 'intrusions', 'availability', 'information-content-security', 'fraud', 'vulnerable', 'other', 'test']);
    expect(classes.find((c) => c.code === 'fraud')?.labels).toEqual({ fr: 'Fraude', ar: 'احتيال', en: 'Fraud' });
    const severities = r.breakdowns.severity ?? [];
    expect(severities.at(-1)).toEqual({ code: null, labels: { fr: 'Non renseigné', ar: 'غير محدد', en: 'Not given' }, value: 3 });
    expect(r.breakdowns.channel?.find((c) => c.code === 'staff')?.labels).toEqual({ fr: 'Saisie par le CERT', ar: 'إدخال من طرف المركز', en: 'Recorded by the CERT' });
    for (const dimension of ['channel', 'rsit_class', 'severity', 'sector', 'category'] as const) {
      expect((r.breakdowns[dimension] ?? []).reduce((s, row) => s + (row.value ?? 0), 0), dimension).toBe(8);
    }
  });

  it('counts treated incidents (closed, not duplicate, test or out of scope) and closings by disposition', () => {
    expect(d.current['incidents.treated'].value).toBe(4);
    expect(values(d.current['incidents.treated'].breakdowns.channel)).toEqual({ portal: 2, public: 1, api: 1 });
    expect(d.current['incidents.closed'].value).toBe(6);
    expect(values(d.current['incidents.closed'].breakdowns.disposition)).toEqual({ confirmed: 3, 'false-positive': 1, duplicate: 1, test: 1 });
    expect(d.previous['incidents.treated'].value).toBe(2);
    expect(d.previous['incidents.closed'].value).toBe(3);
    expect(d.previous['incidents.reported'].value).toBe(3);
  });

  it('buckets months in local time: a report at 23:30 UTC on 31 January is a February one', () => {
    expect(points(d.current, 'incidents.reported_by_month')).toEqual(['2026-01=1', '2026-02=2', '2026-03=2', '2026-04=0', '2026-05=1', '2026-06=0', '2026-07=1', '2026-08=0', '2026-09=0', '2026-10=0', '2026-11=1', '2026-12=0']);
    expect(points(d.current, 'incidents.treated_by_month').slice(0, 4)).toEqual(['2026-01=2', '2026-02=1', '2026-03=0', '2026-04=1']);
    expect(points(d.previous, 'incidents.reported_by_month').filter((p) => !p.endsWith('=0'))).toEqual(['2025-03=1', '2025-06=1', '2025-12=1']);
    // March starts at midnight UTC (Ramadan time, UTC+0), April at 23:00 UTC the day before (UTC+1).
    const march = d.current['incidents.reported_by_month'].points[2];
    expect([march?.from.toISOString(), march?.to.toISOString()]).toEqual(['2026-03-01T00:00:00.000Z', '2026-03-31T23:00:00.000Z']);
  });

  it('measures the open backlog at the end of each month from cumulative counts', () => {
    expect(points(d.current, 'incidents.backlog')).toEqual([
      '2026-01-31=0',
      '2026-02-28=1',
      '2026-03-31=2',
      '2026-04-30=1',
      '2026-05-31=1',
      '2026-06-30=1',
      '2026-07-31=1',
      '2026-08-31=1',
      '2026-09-30=1',
      '2026-10-31=1',
      '2026-11-30=2',
      '2026-12-31=2',
    ]);
    expect(points(d.previous, 'incidents.backlog')).toEqual([
      '2025-01-31=1',
      '2025-02-28=0',
      '2025-03-31=0',
      '2025-04-30=0',
      '2025-05-31=0',
      '2025-06-30=0',
      '2025-07-31=0',
      '2025-08-31=0',
      '2025-09-30=0',
      '2025-10-31=0',
      '2025-11-30=0',
      '2025-12-31=1',
    ]);
  });

  it('gives the median and 90th percentile of response, triage and resolution times (nearest rank)', () => {
    // First responses in 2026: 30 min (I2), 45 min (I12), 1 h (I5), 2 h (I1); I4's 10 min is a duplicate's.
    expect(d.current['incidents.first_response_time']).toEqual({ kind: 'duration', count: 4, medianSeconds: 2700, p90Seconds: 7200 });
    // Triage: 1 h (I2), 1 h (I12), 2 h (I5), 3 h (I1), 50 h (I3); I6 (test) and I4 (duplicate) left out.
    expect(d.current['incidents.triage_time']).toEqual({ kind: 'duration', count: 5, medianSeconds: 7200, p90Seconds: 180000 });
    // Resolution: 1 d (I12), 34.5 h (I2), 2 d (I1), 16 d (I8, reported in 2025), 17 d (I5).
    expect(d.current['incidents.resolution_time']).toEqual({ kind: 'duration', count: 5, medianSeconds: 172800, p90Seconds: 1468800 });
    expect(d.previous['incidents.first_response_time']).toEqual({ kind: 'duration', count: 2, medianSeconds: 3600, p90Seconds: 14400 });
  });

  it('measures compliance with service levels and legal deadlines due in the period', () => {
    const sla = d.current['incidents.service_level_compliance'];
    expect(sla.total).toEqual({ met: 8, late: 1, overdue: 3, pending: 0 });
    expect(sla.rate).toBeCloseTo(8 / 12, 10);
    expect(sla.rows.map((r) => [r.code, r.counts])).toEqual([
      ['cert-sla.first-response', { met: 4, late: 0, overdue: 2, pending: 0 }],
      ['cert-sla.triage', { met: 4, late: 1, overdue: 1, pending: 0 }],
    ]);
    const legal = d.current['incidents.legal_deadline_compliance'];
    expect(legal.total).toEqual({ met: 1, late: 1, overdue: 0, pending: 0 });
    expect(legal.rate).toBe(0.5);
    expect(legal.rows.map((r) => [r.code, r.counts, r.labels?.en])).toEqual([
      ['ma-05-20.declaration', { met: 1, late: 0, overdue: 0, pending: 0 }, 'Incident declaration to the national authority'],
      ['ma-05-20.follow-up', { met: 0, late: 1, overdue: 0, pending: 0 }, 'Follow-up report'],
    ]);
    expect(d.previous['incidents.service_level_compliance'].total).toEqual({ met: 4, late: 0, overdue: 0, pending: 0 });
  });

  it('counts bulletins first published and not withdrawn, by kind and criticality, with CVEs and top vendors', () => {
    const p = d.current['bulletins.published'];
    expect(p.value).toBe(4);
    expect(values(p.breakdowns.kind)).toEqual({ bulletin: 2, alert: 1, note: 1 });
    expect(values(p.breakdowns.criticality)).toEqual({ critical: 2, high: 2 });
    expect(d.current['bulletins.critical'].value).toBe(2);
    expect(values(d.current['bulletins.critical'].breakdowns.kind)).toEqual({ bulletin: 1, alert: 1 });
    expect(d.current['bulletins.cves'].value).toBe(3);
    expect(points(d.current, 'bulletins.published_by_month').slice(0, 6)).toEqual(['2026-01=1', '2026-02=1', '2026-03=1', '2026-04=1', '2026-05=0', '2026-06=0']);
    expect(d.current['bulletins.top_vendors'].rows.map((r) => [r.code, r.labels?.fr, r.value])).toEqual([
      ['acme', 'Acme', 2],
      ['globex', 'Globex', 1],
    ]);
    expect(d.current['bulletins.top_products'].rows.map((r) => [r.code, r.labels?.en, r.value])).toEqual([
      ['acme/gateway', 'Acme Gateway', 1],
      ['acme/router', 'Acme Router', 1],
      ['globex/server', 'Globex Server', 1],
    ]);
    expect(d.previous['bulletins.published'].value).toBe(1);
    expect(d.previous['bulletins.cves'].value).toBe(1);
    expect(d.previous['bulletins.top_vendors'].rows.map((r) => [r.code, r.value])).toEqual([
      ['acme', 1],
      ['hyperlink http evil example', 1],
    ]);
  });

  it('counts subscribers confirmed at the end of the period and new in it', () => {
    expect(d.current['subscribers.confirmed'].value).toBe(2);
    expect(d.current['subscribers.new'].value).toBe(1);
    expect(d.previous['subscribers.confirmed'].value).toBe(2);
    expect(d.previous['subscribers.new'].value).toBe(2);
  });

  it('exports every figure as CSV (formulas neutralised, period bounds on each line) and as JSON', () => {
    const csv = dashboardToCsv(d, 'fr');
    expect(csv.startsWith('\uFEFFfigure,period,from,to,dimension,category,label,measure,value,unit,suppressed\r\n')).toBe(true);
    const lines = csv.slice(1).split('\r\n');
    expect(lines).toContain('incidents.reported,current,2025-12-31T23:00:00.000Z,2026-12-31T23:00:00.000Z,,,Incidents signalés,count,8,incidents,false');
    expect(lines).toContain('incidents.reported,current,2025-12-31T23:00:00.000Z,2026-12-31T23:00:00.000Z,sector,,Non renseigné,count,2,incidents,false');
    expect(lines).toContain('incidents.first_response_time,current,2025-12-31T23:00:00.000Z,2026-12-31T23:00:00.000Z,,,Délai de première réponse,median,2700,seconds,false');
    expect(lines).toContain('incidents.reported_by_month,current,2026-01-31T23:00:00.000Z,2026-03-01T00:00:00.000Z,month,2026-02,2026-02,count,2,incidents,false');
    expect(lines).toContain('incidents.service_level_compliance,current,2025-12-31T23:00:00.000Z,2026-12-31T23:00:00.000Z,stage,cert-sla.triage,Qualification,late,1,deadlines,false');
    expect(lines).toContain('bulletins.top_vendors,previous,2024-12-31T23:00:00.000Z,2025-12-31T23:00:00.000Z,vendor,acme,Acme,count,1,bulletins,false');
    expect(lines).toContain('bulletins.top_vendors,previous,2024-12-31T23:00:00.000Z,2025-12-31T23:00:00.000Z,vendor,hyperlink http evil example,"\'=HYPERLINK(""http://evil.example"")",count,1,bulletins,false');
    const json = dashboardToJson(d);
    expect(json.figures.map((f) => f.key)).toEqual(Object.keys(d.current));
    const reported = json.figures.find((f) => f.key === 'incidents.reported');
    expect(reported?.definition).toBe('statistics.definition.incidents.reported');
    expect(reported?.labels).toEqual({ fr: 'Incidents signalés', ar: 'الحوادث المبلَّغ عنها', en: 'Incidents reported' });
    expect(reported?.definitions.en).toMatch(/^Incidents whose report was received in the period/);
    expect(reported?.current).toMatchObject({ kind: 'count', value: 8, suppressed: false });
    expect(json.period).toEqual({ kind: 'year', year: 2026, month: null, from: '2025-12-31T23:00:00.000Z', to: '2026-12-31T23:00:00.000Z', timeZone: TZ });
    // A plain document: it survives JSON and comes back equal.
    expect(JSON.parse(JSON.stringify(json))).toEqual(json);
  });
});

describe('first year with records', () => {
  it('is the local year of the earliest report or publication in the scope', async () => {
    expect(await findFirstStatisticsYear(t.database.db, 'staff', TZ)).toBe(2024);
    expect(await findFirstStatisticsYear(t.database.db, 'public', TZ)).toBe(2024);
  });
});

describe('public scope (TLP:CLEAR only)', () => {
  it('leaves out TLP:AMBER and TLP:GREEN incidents and bulletins', async () => {
    const d = await computeDashboard(t.database, asOfCtx(), { period: year(2026), scope: 'public' });
    expect(d.current['incidents.reported'].value).toBe(6);
    expect(d.current['incidents.treated'].value).toBe(3);
    expect(d.current['incidents.first_response_time']).toEqual({ kind: 'duration', count: 3, medianSeconds: 2700, p90Seconds: 7200 });
    expect(d.current['incidents.service_level_compliance'].total).toEqual({ met: 6, late: 0, overdue: 2, pending: 0 });
    expect(d.current['incidents.legal_deadline_compliance'].rows).toEqual([]);
    expect(points(d.current, 'incidents.backlog').slice(-2)).toEqual(['2026-11-30=1', '2026-12-31=1']);
    expect(d.current['bulletins.published'].value).toBe(3);
    expect(d.current['bulletins.cves'].value).toBe(2);
    expect(d.current['bulletins.top_vendors'].rows.map((r) => [r.code, r.value])).toEqual([['acme', 2]]);
  });

  it('is open to anyone, while the staff scope needs incidents:read', async () => {
    const authorCtx = contextFor(author, fixedClock(AS_OF));
    const anonymous: RequestContext = { ...authorCtx, actor: { kind: 'anonymous', userId: null, label: 'anonymous', roles: [], organisationId: null, scopes: null } };
    await expect(computeDashboard(t.database, authorCtx, { period: year(2026), scope: 'staff' })).rejects.toThrow(AppError);
    await expect(computeHeadline(t.database, t.config, anonymous, { year: 2026, scope: 'staff' })).rejects.toMatchObject({ code: 'forbidden' });
    expect((await computeDashboard(t.database, anonymous, { period: year(2026), scope: 'public' })).current['incidents.reported'].value).toBe(6);
  });
});

describe('a month: previous month and weekly backlog', () => {
  it('compares March 2026 with February and measures the backlog every 7 days', async () => {
    const d = await computeDashboard(t.database, asOfCtx(), { period: monthPeriod(2026, 3, TZ), scope: 'staff' });
    expect(d.previousPeriod.kind).toBe('month');
    expect(d.current['incidents.reported'].value).toBe(2);
    expect(d.previous['incidents.reported'].value).toBe(2);
    expect(points(d.current, 'incidents.backlog')).toEqual(['2026-03-07=1', '2026-03-14=1', '2026-03-21=2', '2026-03-28=2', '2026-03-31=2']);
    expect(points(d.previous, 'incidents.backlog')).toEqual(['2026-02-07=0', '2026-02-14=1', '2026-02-21=1', '2026-02-28=1']);
    expect(points(d.current, 'incidents.reported_by_month')).toEqual(['2026-03=2']);
  });

  it('stops series at the time of computation for a period still running', async () => {
    const d = await computeDashboard(t.database, analystAt('2026-03-20T12:00:00Z'), { period: monthPeriod(2026, 3, TZ), scope: 'staff' });
    expect(points(d.current, 'incidents.backlog')).toEqual(['2026-03-07=1', '2026-03-14=1', '2026-03-20=2']);
  });
});

describe('headline', () => {
  it('says the year in French, Arabic and English with the right plural forms', async () => {
    const h = await computeHeadline(t.database, t.config, asOfCtx(), { year: 2026, scope: 'staff' });
    expect(h.figures).toEqual({ treated: 4, published: 4, critical: 2 });
    expect(h.sources).toEqual({ treated: 'incidents.treated', published: 'bulletins.published', critical: 'bulletins.critical' });
    expect(h.sentences).toEqual({
      fr: 'En 2026 : 4 incidents traités, 4 bulletins et notes publiés, dont 2 critiques',
      ar: 'في سنة 2026: معالجة 4 حوادث، ونشر 4 نشرات، منها نشرتان حرجتان',
      en: 'In 2026: 4 incidents handled, 4 bulletins and notes published, 2 of them critical',
    });
    const previous = await computeHeadline(t.database, t.config, asOfCtx(), { year: 2025, scope: 'staff' });
    expect(previous.sentences).toEqual({
      fr: 'En 2025 : 2 incidents traités, un bulletin ou note publié, dont aucun critique',
      ar: 'في سنة 2025: معالجة حادثين، ونشر نشرة واحدة، ليس بينها أي نشرة حرجة',
      en: 'In 2025: 2 incidents handled, one bulletin or note published, none of them critical',
    });
    const empty = await computeHeadline(t.database, t.config, asOfCtx(), { year: 2023, scope: 'public' });
    expect(empty.sentences.fr).toBe('En 2023 : aucun incident traité, aucun bulletin ni note publié');
  });
});

describe('public annual report', () => {
  it('publishes the enabled figures with small counts suppressed, and a second cell when one alone would be', async () => {
    const config = loadConfig({ ...testEnv(), RIBAT_STATS_MIN_COUNT: '2' }, { createSecret: false });
    const report = await buildPublicReport(t.database, config, asOfCtx(), 2026);
    expect(report.minCount).toBe(2);
    expect(Object.keys(report.current)).toEqual(config.statsPublicFigures);
    expect(report.current['incidents.backlog']).toBeUndefined();
    const reported = report.current['incidents.reported'];
    expect(reported?.value).toBe(6);
    // Channel: public (1) and staff (1) are small; two cells are suppressed, nothing more to do.
    expect(values(reported?.breakdowns.channel)).toEqual({ portal: 4, public: null, staff: null });
    // Category: only "not given" (1) is small, so the next smallest (private companies, 5) goes too.
    expect(reported?.breakdowns.category?.map((r) => [r.code, r.value, r.suppressed === true])).toEqual([
      ['administration', 0, false],
      ['vital-infrastructure', 0, false],
      ['private-company', null, true],
      ['other', 0, false],
      [null, null, true],
    ]);
    // Sector: "not given" (1) is small; health (2) is the next smallest, before energy (3).
    expect(values(reported?.breakdowns.sector)).toEqual({ energy: 3, health: null, '(none)': null });
    // Handled by month: February (1) is small; January (2) goes with it; the zeros stay.
    expect(points(report.current as FigureSet, 'incidents.treated_by_month').slice(0, 3)).toEqual(['2026-01=null', '2026-02=null', '2026-03=0']);
    // Bulletin figures are exact: every bulletin they count is public.
    expect(report.current['bulletins.published']?.value).toBe(3);
    expect(report.headline?.sentences.en).toBe('In 2026: 3 incidents handled, 3 bulletins and notes published, 2 of them critical');

    const csv = publicReportToCsv(report, 'en').slice(1).split('\r\n');
    expect(csv).toContain('incidents.reported,current,2025-12-31T23:00:00.000Z,2026-12-31T23:00:00.000Z,sector,health,Health,count,,incidents,true');
    const json = publicReportToJson(report);
    expect(json.minCount).toBe(2);
    expect(json.scope).toBe('public');
    expect(json.figures.map((f) => f.key)).toEqual(config.statsPublicFigures);
  });

  it('suppresses below the default threshold of 5 and then has no headline', async () => {
    const report = await buildPublicReport(t.database, t.config, asOfCtx(), 2026);
    expect(report.minCount).toBe(5);
    expect(report.current['incidents.reported']?.value).toBe(6);
    expect(report.current['incidents.treated']).toMatchObject({ value: null, suppressed: true });
    expect(report.headline).toBeNull();
  });

  it('only shows the figures the configuration enables, and no year that has not begun', async () => {
    const config = loadConfig({ ...testEnv(), RIBAT_STATS_PUBLIC_FIGURES: 'incidents.first_response_time, bulletins.cves' }, { createSecret: false });
    const report = await buildPublicReport(t.database, config, asOfCtx(), 2026);
    expect(Object.keys(report.current)).toEqual(['incidents.first_response_time', 'bulletins.cves']);
    // Three durations are fewer than five: the median would say too much about them.
    expect(report.current['incidents.first_response_time']).toEqual({ kind: 'duration', count: null, medianSeconds: null, p90Seconds: null, suppressed: true });
    await expect(buildPublicReport(t.database, config, asOfCtx(), 2028)).rejects.toMatchObject({ code: 'not_found' });
  });
});

/** The environment buildTestApp loads its configuration from. */
function testEnv(): Record<string, string> {
  return { RIBAT_SECRET: 'test-secret-test-secret-test-secret-0123', RIBAT_DATA_DIR: t.dataDir, RIBAT_LOG_LEVEL: 'silent', RIBAT_JOBS_ENABLED: 'false', RIBAT_PUBLIC_URL: 'http://localhost:8080' };
}
