/**
 * The statistics routes against a real database: the console dashboard (who may open it, the period form and its
 * localised errors, charts with data tables, definitions, headline, downloads), the API, and the public annual report
 * (`/stats`, `/stats/{year}` and its JSON, CSV and PDF): TLP:CLEAR aggregates only, small counts suppressed, refreshed
 * when the data changes.
 */
import { existsSync } from 'node:fs';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import type { LightMyRequestResponse } from 'fastify';
import type { UserFixture } from '../helpers/factories';
import { buildTestApp, type TestApp } from '../helpers/app';
import { anonymousBrowser, buildOrganisation, buildUser, loginAs, type SignedIn } from '../helpers/factories';
import { buildHandler, buildIncident } from '../helpers/incident-factories';
import { buildPublishedBulletin } from '../helpers/bulletin-factories';

let t: TestApp;
let director: SignedIn;
let author: SignedIn;
let member: SignedIn;
let analyst: UserFixture;
const year = new Date().getUTCFullYear();

beforeAll(async () => {
  t = await buildTestApp({ RIBAT_STATS_MIN_COUNT: '3' });
  analyst = await buildHandler(t);
  director = await loginAs(t, await buildUser(t.database, { roles: ['director'], displayName: 'Directrice' }));
  author = await loginAs(t, await buildUser(t.database, { roles: ['author'] }));
  const org = await buildOrganisation(t.database);
  member = await loginAs(t, await buildUser(t.database, { roles: ['org_member'], organisationId: org.id }));
  // Four public incidents treated (phishing), one AMBER one, and two public bulletins, one of them critical.
  for (let i = 0; i < 4; i++) {
    await buildIncident(t, { handler: analyst, channel: 'staff', organisation: null, title: `Hameçonnage public ${i}`, triage: { tlp: 'clear', classifications: [{ classCode: 'fraud', typeCode: 'fraud.phishing' }], severity: 'limite' }, status: 'closed' });
  }
  await buildIncident(t, { handler: analyst, channel: 'staff', organisation: null, title: 'Intrusion confidentielle', triage: { tlp: 'amber', classifications: [{ classCode: 'intrusions', typeCode: 'intrusions.system-compromise' }], severity: 'grave' }, status: 'closed' });
  await buildPublishedBulletin(t, { kind: 'alert', criticality: 'critical', tlp: 'clear' });
  await buildPublishedBulletin(t, { kind: 'bulletin', criticality: 'high', tlp: 'clear' });
});
afterAll(async () => {
  await t?.close();
});

function get(url: string, who: SignedIn | null = null, headers: Record<string, string> = {}): Promise<LightMyRequestResponse> {
  return t.app.inject({ method: 'GET', url, cookies: (who ?? anonymousBrowser(t)).cookies, headers });
}

describe('console dashboard', () => {
  it('is for coordinators, analysts and leadership: others get 404, anonymous people are sent to sign in', async () => {
    expect((await get('/console/statistics', director)).statusCode).toBe(200);
    expect((await get('/console/statistics', await loginAs(t, analyst))).statusCode).toBe(200);
    for (const who of [author, member]) {
      const res = await get('/console/statistics', who);
      expect([403, 404]).toContain(res.statusCode);
      expect(res.body).not.toContain('stat-card');
    }
    const anonymous = await get('/console/statistics');
    expect([302, 303]).toContain(anonymous.statusCode);
    // The leadership role opens the console and finds the statistics in its navigation, and nothing it may not read.
    const home = await get('/console', director);
    expect(home.statusCode).toBe(200);
    expect(home.body).toContain('href="/console/statistics"');
    expect(home.body).not.toContain('href="/console/incidents"');
    expect((await get('/console/incidents', director)).statusCode).toBe(404);
  });

  it('shows every figure with its definition, the headline, charts with their tables and the downloads', async () => {
    const res = await get(`/console/statistics?period=year&year=${year}`, director);
    expect(res.statusCode).toBe(200);
    expect(res.headers['cache-control']).toBe('private, no-store');
    const html = res.body;
    // Staff scope: the AMBER incident counts too (5 treated).
    expect(html).toMatch(/<li class="stat-card" id="figure-incidents-treated">.*?<p class="stat-card__value">5<\/p>/s);
    expect(html).toContain('Définition');
    expect(html).toContain('class="stat-headline__sentence"');
    expect(html).toMatch(new RegExp(`En ${year}`));
    expect((html.match(/<figure class="chart/g) ?? []).length).toBeGreaterThanOrEqual(5);
    expect((html.match(/<svg[^>]*role="img"/g) ?? []).length).toBe((html.match(/<figure class="chart/g) ?? []).length);
    expect((html.match(/<table class="table chart__table">/g) ?? []).length).toBe((html.match(/<figure class="chart/g) ?? []).length);
    expect(html).toContain(`/console/statistics/export.csv?period=year&amp;year=${year}`);
    // No inline style survives (strict CSP).
    expect(html).not.toMatch(/\sstyle="/);
  });

  it('is in Arabic, right to left, with the Arabic headline', async () => {
    const res = await get(`/console/statistics?lang=ar`, director);
    expect(res.statusCode).toBe(200);
    expect(res.body).toContain('dir="rtl"');
    expect(res.body).toMatch(/حوادث|حادث/);
  });

  it('names each invalid field of the period in the reader’s language, without a 500', async () => {
    const bad = await get('/console/statistics?period=custom&from=2026-02-30&to=hier', director);
    expect(bad.statusCode).toBe(400);
    expect(bad.body).toContain('Du');
    expect(bad.body).toContain('field--error');
    const month = await get('/console/statistics?period=month&year=2026&month=13&lang=en', director);
    expect(month.statusCode).toBe(400);
    expect(month.body).toContain('Month (1 to 12)');
    const order = await get('/console/statistics?period=custom&from=2026-03-01&to=2026-01-01', director);
    expect(order.statusCode).toBe(400);
    expect((await get('/console/statistics?period=decade', director)).statusCode).toBe(400);
  });

  it('downloads the same figures as CSV and JSON', async () => {
    const csv = await get(`/console/statistics/export.csv?period=month&year=${year}&month=1`, director);
    expect(csv.statusCode).toBe(200);
    expect(csv.headers['content-type']).toContain('text/csv');
    expect(csv.headers['content-disposition']).toMatch(/^attachment; filename="statistics-/);
    expect(csv.body.split('\n')[0]).toContain('figure');
    const json = await get(`/console/statistics/export.json?period=year&year=${year}`, director);
    const document = JSON.parse(json.body) as { format: string; scope: string; figures: { key: string; current: { value?: number } }[] };
    expect(document.format).toBe('ribat-statistics');
    expect(document.scope).toBe('staff');
    expect(document.figures.find((f) => f.key === 'incidents.treated')?.current.value).toBe(5);
    expect((await get('/console/statistics/export.json', author)).statusCode).toBeGreaterThanOrEqual(400);
  });
});

describe('API', () => {
  it('answers the statistics document with the headline and definitions; refuses constituents; names bad fields', async () => {
    const res = await get(`/api/v1/statistics?period=year&year=${year}`, director, { 'x-csrf-token': director.csrf });
    expect(res.statusCode).toBe(200);
    const body = JSON.parse(res.body) as { headline: { figures: { treated: number; published: number; critical: number } } | null; figures: { key: string; definitions: { fr: string } }[] };
    expect(body.headline?.figures).toEqual({ treated: 5, published: 2, critical: 1 });
    expect(body.figures.find((f) => f.key === 'incidents.treated')?.definitions.fr).toMatch(/clôtur/);
    const refused = await get('/api/v1/statistics', member, { 'x-csrf-token': member.csrf });
    expect([403, 404]).toContain(refused.statusCode);
    const bad = await get('/api/v1/statistics?period=custom&from=x', director, { 'x-csrf-token': director.csrf });
    expect(bad.statusCode).toBe(400);
    expect(bad.headers['content-type']).toContain('application/problem+json');
    const fields = (JSON.parse(bad.body) as { errors: { field: string }[] }).errors.map((e) => e.field);
    expect(fields).toEqual(expect.arrayContaining(['from', 'to']));
    const csv = await get(`/api/v1/statistics/export.csv?period=year&year=${year}`, director, { 'x-csrf-token': director.csrf });
    expect(csv.statusCode).toBe(200);
    expect(csv.headers['content-type']).toContain('text/csv');
  });
});

describe('public annual report', () => {
  it('shows TLP:CLEAR aggregates only, with the headline, charts and the suppression rule', async () => {
    const res = await get(`/stats/${year}`);
    expect(res.statusCode).toBe(200);
    const html = res.body;
    // Public scope: 4 treated (the AMBER incident is left out), 2 bulletins, 1 critical.
    expect(html).toMatch(/<li class="stat-card" id="figure-incidents-treated">.*?<p class="stat-card__value">4<\/p>/s);
    expect(html).toContain('class="lead stat-headline__sentence"');
    expect(html).toContain('4 incidents traités');
    expect(html).not.toContain('Intrusion confidentielle');
    expect(html).toContain('Les effectifs de 1 à 2 ne sont pas publiés');
    expect((html.match(/<figure class="chart/g) ?? []).length).toBeGreaterThanOrEqual(3);
    expect(html).not.toMatch(/\sstyle="/);
    // The current year is the default page when no earlier year has records.
    expect((await get('/stats')).body).toContain(`stat-card__value`);
  });

  it('gives the same figures as JSON and CSV, with small counts suppressed', async () => {
    const json = await get(`/stats/${year}.json`);
    expect(json.statusCode).toBe(200);
    const document = JSON.parse(json.body) as { scope: string; minCount: number; figures: { key: string; current: { kind: string; value?: number | null; breakdowns?: Record<string, { code: string | null; value: number | null; suppressed: boolean }[]> } }[] };
    expect(document.scope).toBe('public');
    expect(document.minCount).toBe(3);
    const treated = document.figures.find((f) => f.key === 'incidents.treated');
    expect(treated?.current.value).toBe(4);
    // Every count from 1 to 2 in a breakdown is null and marked suppressed; zeros and counts of 3 or more are kept.
    for (const rows of Object.values(treated?.current.breakdowns ?? {})) {
      for (const row of rows) {
        if (row.suppressed) expect(row.value).toBeNull();
        else expect(row.value === 0 || (row.value ?? 0) >= 3).toBe(true);
      }
    }
    const csv = await get(`/stats/${year}.csv`);
    expect(csv.statusCode).toBe(200);
    expect(csv.headers['content-disposition']).toBe(`attachment; filename="statistics-${year}.csv"`);
  });

  it('answers 404 for a year without records or not started, and 400 for a malformed year', async () => {
    expect((await get('/stats/1990')).statusCode).toBe(404);
    expect((await get(`/stats/${year + 1}`)).statusCode).toBe(404);
    expect((await get(`/stats/${year + 1}.json`)).statusCode).toBe(404);
    expect([400, 404]).toContain((await get('/stats/20x6')).statusCode);
  });

  it('follows the data: a change shows within 30 seconds (the cache follows the audit trail, recomputing at most every 30 s)', async () => {
    const treated = async (): Promise<number | null | undefined> =>
      (JSON.parse((await get(`/stats/${year}.json`)).body) as { figures: { key: string; current: { value?: number | null } }[] }).figures.find((f) => f.key === 'incidents.treated')?.current.value;
    const closePublicIncident = () => buildIncident(t, { handler: analyst, channel: 'staff', organisation: null, triage: { tlp: 'clear', classifications: [{ classCode: 'fraud', typeCode: 'fraud.phishing' }] }, status: 'closed' });
    t.clock.advance(31_000);
    await closePublicIncident();
    expect(await treated()).toBe(5);
    // Within 30 seconds of that computation the report is served as it was (a busy CERT's audit trail moves
    // constantly); after that, the change shows.
    await closePublicIncident();
    expect(await treated()).toBe(5);
    t.clock.advance(31_000);
    expect(await treated()).toBe(6);
  });

  it.runIf(existsSync('/usr/bin/chromium'))('prints the report as PDF with the system Chromium', async () => {
    const res = await get(`/stats/${year}.pdf?lang=ar`);
    expect(res.statusCode).toBe(200);
    expect(res.headers['content-type']).toBe('application/pdf');
    expect(res.rawPayload.subarray(0, 5).toString('latin1')).toBe('%PDF-');
  });
});
