/**
 * Incident exports (issue 5, point 7, and point 9 "TLP and PAP enforced everywhere including exports"): the MISP event
 * carries the TLP, PAP and RSIT tags and the indicators as attributes, the STIX 2.1 bundle the TLP 2.0 marking, the
 * CSV files a header and neutralised formulas; only handlers export, through the same visibility rule as the queue,
 * and the console serves the files as downloads with safe headers.
 */
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import type { Incident } from '#src/modules/incidents/incidents.types';
import type { RequestContext } from '#src/core/context';
import { AppError } from '#src/core/errors';
import { reportIncident } from '#src/modules/incidents/use-cases/report-incident';
import { exportIncident, exportIncidents, safeFileName, toIncidentExportInput } from '#src/modules/incidents/use-cases/export-incident';
import { TLP2_MARKING_IDS } from '#src/modules/incidents/exports/stix';
import { UTF8_BOM, incidentCsvColumns, indicatorCsvColumns } from '#src/modules/incidents/exports/csv';
import { buildTestApp, type TestApp } from '../helpers/app';
import { anonymousBrowser, buildOrganisation, buildUser, loginAs, type UserFixture } from '../helpers/factories';
import { contextFor } from '../helpers/bulletin-factories';
import { buildIncident } from '../helpers/incident-factories';

let t: TestApp;
let analyst: UserFixture;
let member: UserFixture;
let author: UserFixture;
let orgId: string;
let phishing: Incident;
let analystCtx: RequestContext;

beforeAll(async () => {
  t = await buildTestApp();
  orgId = (await buildOrganisation(t.database, { nameFr: 'Office National de Test', sectorCode: 'energy' })).id;
  analyst = await buildUser(t.database, { roles: ['analyst'] });
  member = await buildUser(t.database, { roles: ['org_member'], organisationId: orgId });
  author = await buildUser(t.database, { roles: ['author'] });
  analystCtx = contextFor(analyst, t.clock);
  phishing = (
    await buildIncident(t, {
      reporter: member,
      handler: analyst,
      title: '=HYPERLINK("http://evil.example","Cliquez")',
      description: 'Courriels imitant la banque.\nLien vers un faux portail.',
      triage: { tlp: 'amber', pap: 'green', severity: 'grave', classifications: [{ classCode: 'fraud', typeCode: 'fraud.phishing' }, { classCode: 'intrusion-attempts', typeCode: null }] },
      indicators: [{ value: '203.0.113.9', comment: 'Hébergeur du faux portail' }, { value: 'hxxps://banque-portail[.]example/login' }, { value: 'banque-portail.example', comment: '@SUM(1+1)' }, { value: 'CVE-2024-3400' }],
      status: 'in_progress',
    })
  ).incident;
});
afterAll(async () => {
  await t.close();
});

describe('toIncidentExportInput', () => {
  it('writes RSIT types without their class prefix, the severity with its label, and no reporter data', () => {
    const input = toIncidentExportInput(phishing, { indicators: [], organisation: { name: 'Office', sector: 'Énergie' }, severityLabel: 'Grave', producer: { name: 'CERT Test', namespace: 'https://cert.example' } });
    expect(input.classifications).toEqual([
      { class: 'fraud', type: 'phishing' },
      { class: 'intrusion-attempts', type: null },
    ]);
    expect(input.severity).toEqual({ code: 'grave', label: 'Grave' });
    expect(input).toMatchObject({ id: phishing.id, reference: phishing.reference, tlp: 'amber', pap: 'green', status: 'in_progress', organisation: { name: 'Office', sector: 'Énergie' } });
    expect(JSON.stringify(input)).not.toContain(member.email);
  });

  it('makes file names that cannot break out of a header', () => {
    expect(safeFileName('INC-2026-00042', 'misp.json')).toBe('INC-2026-00042.misp.json');
    expect(safeFileName('INC/2026"x\r\n;y', 'csv')).toBe('INC-2026-x-y.csv');
    expect(safeFileName('../..', 'csv')).toBe('incident.csv');
  });
});

describe('exportIncident', () => {
  it('MISP: parses, with the tlp:amber, PAP:GREEN and rsit:fraud="phishing" tags and one attribute per indicator', async () => {
    const file = await exportIncident(t.database, t.config, analystCtx, phishing.id, 'misp');
    expect(file.fileName).toBe(`${phishing.reference}.misp.json`);
    expect(file.mediaType).toBe('application/json; charset=utf-8');
    const event = (JSON.parse(file.body) as { Event: { uuid: string; info: string; threat_level_id: string; distribution: string; Tag: { name: string }[]; Attribute: { type: string; value: string; comment: string }[] } }).Event;
    expect(event.uuid).toBe(phishing.id);
    expect(event.info.startsWith(phishing.reference)).toBe(true);
    expect(event.threat_level_id).toBe('1');
    expect(event.distribution).toBe('0');
    expect(event.Tag.map((tag) => tag.name)).toEqual(['tlp:amber', 'PAP:GREEN', 'rsit:fraud="phishing"', 'rsit:intrusion-attempts']);
    expect(event.Attribute.map((a) => `${a.type}=${a.value}`)).toEqual(['ip-dst=203.0.113.9', 'url=https://banque-portail.example/login', 'domain=banque-portail.example', 'vulnerability=CVE-2024-3400']);
    expect(event.Attribute[0]?.comment).toBe('Hébergeur du faux portail');
    expect(file.body).not.toContain(member.email);
  });

  it('STIX: a bundle whose objects carry the TLP:AMBER marking it defines, with the PAP and RSIT labels', async () => {
    const file = await exportIncident(t.database, t.config, analystCtx, phishing.id, 'stix');
    expect(file.fileName).toBe(`${phishing.reference}.stix.json`);
    expect(file.mediaType).toBe('application/stix+json;version=2.1');
    const bundle = JSON.parse(file.body) as { type: string; objects: { type: string; id: string; name?: string; labels?: string[]; pattern?: string; object_marking_refs?: string[] }[] };
    expect(bundle.type).toBe('bundle');
    const marking = bundle.objects.find((o) => o.type === 'marking-definition');
    expect(marking).toMatchObject({ id: TLP2_MARKING_IDS.amber, name: 'TLP:AMBER' });
    for (const object of bundle.objects.filter((o) => o.type !== 'marking-definition')) expect(object.object_marking_refs, object.id).toEqual([TLP2_MARKING_IDS.amber]);
    const incident = bundle.objects.find((o) => o.type === 'incident');
    expect(incident?.labels).toEqual(['rsit:fraud="phishing"', 'rsit:intrusion-attempts', 'PAP:GREEN']);
    expect(bundle.objects.filter((o) => o.type === 'indicator').map((o) => o.pattern)).toEqual([
      "[ipv4-addr:value = '203.0.113.9']",
      "[url:value = 'https://banque-portail.example/login']",
      "[domain-name:value = 'banque-portail.example']",
    ]);
    expect(bundle.objects.filter((o) => o.type === 'vulnerability').map((o) => o.name)).toEqual(['CVE-2024-3400']);
  });

  it('CSV: the indicators under a header, formulas neutralised', async () => {
    const file = await exportIncident(t.database, t.config, analystCtx, phishing.id, 'csv');
    expect(file.fileName).toBe(`${phishing.reference}.indicators.csv`);
    expect(file.mediaType).toBe('text/csv; charset=utf-8; header=present');
    expect(file.body.startsWith(UTF8_BOM)).toBe(true);
    const lines = file.body.slice(1).split('\r\n');
    expect(lines[0]).toBe(indicatorCsvColumns.join(','));
    expect(lines).toHaveLength(6);
    expect(lines[3]).toMatch(new RegExp(`^${phishing.reference},domain,banque-portail\\.example,'@SUM\\(1\\+1\\),`));
  });

  it('exports only for handlers: constituents (even of the organisation), authors and unknown ids get 404', async () => {
    for (const who of [member, author]) {
      for (const format of ['misp', 'stix', 'csv'] as const) {
        await expect(exportIncident(t.database, t.config, contextFor(who, t.clock), phishing.id, format)).rejects.toMatchObject({ code: 'not_found' });
      }
      await expect(exportIncidents(t.database, t.config, contextFor(who, t.clock), {})).rejects.toBeInstanceOf(AppError);
    }
    await expect(exportIncident(t.database, t.config, analystCtx, '01900000-0000-7000-8000-000000000000', 'misp')).rejects.toMatchObject({ code: 'not_found' });
  });
});

describe('exportIncidents (the queue as CSV)', () => {
  it('one line per incident with the queue’s filters: labels, TLP and PAP, classes, organisation and sector; formulas neutralised', async () => {
    const { incident: other } = await reportIncident(t.database, t.config, analystCtx, 'staff', { title: 'Balayage de ports', description: 'Scanner.', tlp: 'green', organisationId: orgId });
    const all = await exportIncidents(t.database, t.config, analystCtx, {});
    expect(all.rows).toBe(2);
    expect(all.truncated).toBe(false);
    expect(all.fileName).toMatch(/^incidents-\d{4}-\d{2}-\d{2}\.csv$/);
    const lines = all.body.slice(1).split('\r\n');
    expect(lines[0]).toBe(incidentCsvColumns.join(','));
    const phishingLine = lines.find((l) => l.startsWith(`${phishing.reference},"'=HYPERLINK(""http://evil.example"",""Cliquez"")"`));
    expect(phishingLine, all.body).toBeDefined();
    expect(phishingLine).toContain(',in_progress,Grave,3,TLP:AMBER,PAP:GREEN,fraud/phishing; intrusion-attempts,Office National de Test,');
    expect(lines.some((l) => l.startsWith(`${other.reference},Balayage de ports,new,,3,TLP:GREEN,PAP:AMBER,,Office National de Test,`))).toBe(true);
    expect(phishingLine?.endsWith(',,,4')).toBe(true);

    const filtered = await exportIncidents(t.database, t.config, analystCtx, { status: 'in_progress' });
    expect(filtered.rows).toBe(1);
    await expect(exportIncidents(t.database, t.config, analystCtx, { status: 'lost' })).rejects.toMatchObject({ code: 'validation_failed', fields: [{ field: 'status' }] });
  });
});

describe('console downloads', () => {
  it('serves each format as an attachment with its type, nosniff and no caching', async () => {
    const session = await loginAs(t, analyst);
    for (const [suffix, type] of [
      ['export.misp.json', 'application/json; charset=utf-8'],
      ['export.stix.json', 'application/stix+json;version=2.1'],
      ['export.csv', 'text/csv; charset=utf-8; header=present'],
    ] as const) {
      const res = await t.app.inject({ method: 'GET', url: `/console/incidents/${phishing.id}/${suffix}`, cookies: session.cookies });
      expect(res.statusCode, res.body).toBe(200);
      expect(res.headers['content-type']).toBe(type);
      expect(String(res.headers['content-disposition'])).toMatch(new RegExp(`^attachment; filename="${phishing.reference}\\.[a-z.]+"$`));
      expect(res.headers['x-content-type-options']).toBe('nosniff');
      expect(res.headers['cache-control']).toBe('private, no-store');
      expect(res.headers['set-cookie'], 'a download mints no CSRF cookie').toBeUndefined();
    }
    const queue = await t.app.inject({ method: 'GET', url: '/console/incidents/export.csv?status=in_progress', cookies: session.cookies });
    expect(queue.statusCode, queue.body).toBe(200);
    expect(String(queue.headers['content-disposition'])).toMatch(/^attachment; filename="incidents-\d{4}-\d{2}-\d{2}\.csv"$/);
    expect(queue.body.slice(1).split('\r\n').filter((l) => l !== '')).toHaveLength(2);
    const bad = await t.app.inject({ method: 'GET', url: '/console/incidents/export.csv?sort=random', cookies: session.cookies });
    expect(bad.statusCode).toBe(400);
  });

  it('refuses constituents and authors (403 at the console’s door), sends anonymous visitors to sign in, 404 for an unknown id', async () => {
    for (const who of [member, author]) {
      const session = await loginAs(t, who);
      for (const url of [`/console/incidents/${phishing.id}/export.misp.json`, '/console/incidents/export.csv']) {
        const res = await t.app.inject({ method: 'GET', url, cookies: session.cookies });
        expect(res.statusCode, url).toBe(403);
        expect(res.body).not.toContain(phishing.reference);
      }
    }
    const anonymous = await t.app.inject({ method: 'GET', url: `/console/incidents/${phishing.id}/export.stix.json`, cookies: anonymousBrowser(t).cookies });
    expect(anonymous.statusCode).toBe(303);
    expect(String(anonymous.headers.location)).toMatch(/^\/login/);
    const missing = await t.app.inject({ method: 'GET', url: '/console/incidents/01900000-0000-7000-8000-000000000000/export.csv', cookies: (await loginAs(t, analyst)).cookies });
    expect(missing.statusCode).toBe(404);
  });
});
