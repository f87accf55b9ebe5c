/**
 * Evidence attachments of incidents (issue 5, item 6: "stored with their SHA-256 and a size limit, never rendered
 * inline, served only as downloads with safe headers"), through the real routes against a real database (SQLite, or
 * PostgreSQL with TEST_DB=postgres): multipart uploads with the CSRF token as the first field or as a header, the
 * content-addressed store on disk, the size limit, download headers, and who may read what.
 */
import { createHash } from 'node:crypto';
import { existsSync, readdirSync, readFileSync, writeFileSync } from 'node:fs';
import path from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import type { LightMyRequestResponse } from 'fastify';
import type { RequestContext } from '#src/core/context';
import type { Locale } from '#src/core/i18n/i18n';
import { anonymousActor } from '#src/core/access';
import { newId } from '#src/core/ids';
import { systemContext } from '#src/core/context';
import { reportIncident } from '#src/modules/incidents/use-cases/report-incident';
import { findIncidentForUpdate } from '#src/modules/incidents/incidents.repository';
import { addEmailAttachments } from '#src/modules/incidents/attachments/add-attachment';
import { attachmentLimits, attachmentPath, normaliseMediaType, readAttachmentContent, sanitiseFileName, storeAttachmentContent } from '#src/modules/incidents/attachments/attachment-store';
import { contentDisposition, firstCsrfField } from '#src/modules/incidents/incidents.attachments.routes';
import { buildTestApp, testDialect, type TestApp } from '../helpers/app';
import { buildOrganisation, buildUser, loginAs, type SignedIn, type UserFixture } from '../helpers/factories';
import { contextFor } from '../helpers/bulletin-factories';

let t: TestApp;
let analyst: UserFixture;
let memberA: UserFixture;
let colleagueA: UserFixture;
let memberB: UserFixture;
let analystSession: SignedIn;
let memberASession: SignedIn;
let colleagueASession: SignedIn;
let memberBSession: SignedIn;
/** An incident reported in the portal by memberA (organisation A, TLP:AMBER). */
let portalIncident: string;
/** An incident reported on the public form; its reporter holds `trackingToken`. */
let publicIncident: string;
let trackingToken: string;

const ctx = (user: UserFixture): RequestContext => contextFor(user, t.clock);
const sha256 = (bytes: Buffer): string => createHash('sha256').update(bytes).digest('hex');

beforeAll(async () => {
  t = await buildTestApp();
  analyst = await buildUser(t.database, { roles: ['analyst'], displayName: 'Analyste Preuves' });
  const orgA = (await buildOrganisation(t.database)).id;
  memberA = await buildUser(t.database, { roles: ['org_member'], organisationId: orgA, displayName: 'Membre A' });
  colleagueA = await buildUser(t.database, { roles: ['org_manager'], organisationId: orgA });
  memberB = await buildUser(t.database, { roles: ['org_member'] });
  [analystSession, memberASession, colleagueASession, memberBSession] = await Promise.all([loginAs(t, analyst), loginAs(t, memberA), loginAs(t, colleagueA), loginAs(t, memberB)]);
  portalIncident = (await reportIncident(t.database, t.config, ctx(memberA), 'portal', { title: 'Hameçonnage ciblé', description: 'Courriels piégés reçus par la comptabilité.' })).incident.id;
  const reported = await reportIncident(t.database, t.config, { ...systemContext('test', t.clock), actor: anonymousActor }, 'public', { title: 'Faux site bancaire', description: 'Un lien reçu par SMS.', reporterEmail: 'citoyen@example.ma' });
  publicIncident = reported.incident.id;
  trackingToken = reported.trackingToken ?? '';
});
afterAll(async () => {
  await t.close();
});

// ---- Helpers --------------------------------------------------------------------------------------------------

type Part = { name: string; value: string } | { name: string; fileName: string; contentType: string; content: Buffer };

/** A multipart/form-data body built by hand, the parts in the given order (as a browser sends a form). */
function multipart(parts: Part[]): { payload: Buffer; boundary: string } {
  const boundary = `----RibatTestBoundary${newId().replace(/-/g, '')}`;
  const chunks: Buffer[] = [];
  for (const part of parts) {
    if ('value' in part) {
      chunks.push(Buffer.from(`--${boundary}\r\nContent-Disposition: form-data; name="${part.name}"\r\n\r\n${part.value}\r\n`, 'utf8'));
    } else {
      chunks.push(Buffer.from(`--${boundary}\r\nContent-Disposition: form-data; name="${part.name}"; filename="${part.fileName}"\r\nContent-Type: ${part.contentType}\r\n\r\n`, 'utf8'));
      chunks.push(part.content, Buffer.from('\r\n'));
    }
  }
  chunks.push(Buffer.from(`--${boundary}--\r\n`));
  return { payload: Buffer.concat(chunks), boundary };
}

interface UploadOptions {
  session: SignedIn;
  url: string;
  fileName?: string;
  contentType?: string;
  content?: Buffer;
  visibility?: string;
  /** Where the CSRF token goes: the first form field (as the HTML form sends it), a header, a later field, nowhere. */
  csrf?: 'first-field' | 'header' | 'last-field' | 'none';
  token?: string;
  json?: boolean;
}

async function upload(o: UploadOptions): Promise<LightMyRequestResponse> {
  const token = o.token ?? o.session.csrf;
  const csrf = o.csrf ?? 'first-field';
  const parts: Part[] = [];
  if (csrf === 'first-field') parts.push({ name: '_csrf', value: token });
  if (o.visibility !== undefined) parts.push({ name: 'visibility', value: o.visibility });
  parts.push({ name: 'file', fileName: o.fileName ?? 'preuve.txt', contentType: o.contentType ?? 'text/plain', content: o.content ?? Buffer.from('evidence') });
  if (csrf === 'last-field') parts.push({ name: '_csrf', value: token });
  const body = multipart(parts);
  const headers: Record<string, string> = { 'content-type': `multipart/form-data; boundary=${body.boundary}` };
  if (csrf === 'header') headers['x-csrf-token'] = token;
  if (o.json) headers.accept = 'application/json';
  return t.app.inject({ method: 'POST', url: o.url, headers, cookies: o.session.cookies, payload: body.payload });
}

const consoleUpload = (id: string) => `/console/incidents/${id}/attachments`;
const portalUpload = (id: string) => `/portal/incidents/${id}/attachments`;

async function uploadAsHandler(incidentId: string, fileName: string, content: Buffer, visibility: 'internal' | 'shared', contentType = 'application/pdf'): Promise<{ id: string; sha256: string }> {
  const res = await upload({ session: analystSession, url: consoleUpload(incidentId), fileName, content, visibility, contentType, json: true });
  expect(res.statusCode, res.body).toBe(201);
  return res.json<{ id: string; sha256: string }>();
}

async function rowsOf(incidentId: string) {
  return t.database.db.selectFrom('incident_attachment').selectAll().where('incident_id', '=', incidentId).orderBy('created_at').orderBy('id').execute();
}

/** Every file under the attachment store, relative, temporary files included. */
function storedFiles(): string[] {
  const root = path.join(t.dataDir, 'attachments');
  if (!existsSync(root)) return [];
  return readdirSync(root).flatMap((dir) => readdirSync(path.join(root, dir)).map((file) => `${dir}/${file}`));
}

async function get(session: SignedIn | null, url: string): Promise<LightMyRequestResponse> {
  return t.app.inject({ method: 'GET', url, cookies: session?.cookies ?? {} });
}

function expectDownloadHeaders(res: LightMyRequestResponse, fileName: string, content: Buffer): void {
  expect(res.statusCode, res.body).toBe(200);
  expect(res.headers['content-type']).toBe('application/octet-stream');
  expect(res.headers['content-disposition']).toBe(contentDisposition(fileName));
  expect(String(res.headers['content-disposition'])).toMatch(/^attachment; filename="[^"]*"; filename\*=UTF-8''/);
  expect(res.headers['x-content-type-options']).toBe('nosniff');
  expect(res.headers['content-security-policy']).toBe("sandbox; default-src 'none'");
  expect(res.headers['cache-control']).toBe('private, no-store');
  expect(res.headers.etag).toBe(`"${sha256(content)}"`);
  expect(res.rawPayload.equals(content)).toBe(true);
}

// ---- Tests ----------------------------------------------------------------------------------------------------

describe(`incident attachments (${testDialect})`, () => {
  it('registers the five routes with their access rules, multipart only on the two upload routes', async () => {
    const routes = t.app.ribatRoutes.filter((r) => r.url.includes('/attachments'));
    expect(routes.map((r) => `${r.method} ${r.url} ${JSON.stringify(r.access)}`).sort()).toEqual([
      'GET /console/incidents/:id/attachments/:attachmentId {"permission":"incidents:read"}',
      'GET /portal/incidents/:id/attachments/:attachmentId {"permission":"incidents:follow"}',
      'GET /report/track/:token/attachments/:attachmentId "public"',
      'POST /console/incidents/:id/attachments {"permission":"incidents:handle"}',
      'POST /portal/incidents/:id/attachments {"permission":"incidents:report"}',
    ]);
    // Any other route refuses a multipart body: the parser is registered in the attachment routes' own context only.
    const body = multipart([{ name: '_csrf', value: analystSession.csrf }, { name: 'q', value: 'x' }]);
    const res = await t.app.inject({ method: 'POST', url: '/logout', headers: { 'content-type': `multipart/form-data; boundary=${body.boundary}`, 'x-csrf-token': analystSession.csrf }, cookies: analystSession.cookies, payload: body.payload });
    expect(res.statusCode).toBe(415);
  });

  it('stores a handler’s upload by its SHA-256 (CSRF token as the first form field), with its row and audit event', async () => {
    const content = Buffer.from('%PDF-1.7 rapport d’analyse\n');
    const res = await upload({ session: analystSession, url: consoleUpload(portalIncident), fileName: 'rapport.pdf', contentType: 'application/pdf', content, visibility: 'internal' });
    expect(res.statusCode, res.body).toBe(303);
    expect(res.headers.location).toBe(`/console/incidents/${portalIncident}#attachments`);

    const rows = await rowsOf(portalIncident);
    const row = rows.find((r) => r.file_name === 'rapport.pdf');
    expect(row).toMatchObject({ visibility: 'internal', media_type: 'application/pdf', sha256: sha256(content), uploaded_by: analyst.id, uploader_label: 'Analyste Preuves', comment_id: null });
    expect(Number(row?.size)).toBe(content.length);
    const file = path.join(t.dataDir, 'attachments', sha256(content).slice(0, 2), sha256(content));
    expect(attachmentPath(t.config, sha256(content))).toBe(file);
    expect(readFileSync(file).equals(content)).toBe(true);
    expect(storedFiles().some((f) => f.endsWith('.tmp'))).toBe(false);

    const audit = await t.database.db.selectFrom('audit_event').selectAll().where('action', '=', 'incident.attachment_added').where('entity_id', '=', portalIncident).execute();
    expect(audit).toHaveLength(1);
    expect(JSON.parse(String(audit[0]?.after_data))).toMatchObject({ attachment: { id: row?.id, fileName: 'rapport.pdf', sha256: sha256(content), size: content.length, visibility: 'internal' } });
  });

  it('accepts the CSRF token as a header, and answers JSON to a client that asks for it', async () => {
    const content = Buffer.from('header token');
    const res = await upload({ session: analystSession, url: consoleUpload(portalIncident), fileName: 'notes.txt', content, csrf: 'header', visibility: 'shared', json: true });
    expect(res.statusCode, res.body).toBe(201);
    expect(res.json()).toMatchObject({ incidentId: portalIncident, fileName: 'notes.txt', mediaType: 'text/plain', size: content.length, sha256: sha256(content), visibility: 'shared', uploaderLabel: 'Analyste Preuves' });
  });

  it('stores the same content once on disk, whatever its name and incident', async () => {
    const content = Buffer.from(`same bytes ${newId()}`);
    const before = storedFiles().length;
    const first = await uploadAsHandler(portalIncident, 'a.bin', content, 'internal');
    const second = await uploadAsHandler(publicIncident, 'b-autre-nom.bin', content, 'shared');
    expect(first.id).not.toBe(second.id);
    expect(first.sha256).toBe(second.sha256);
    expect(storedFiles().length).toBe(before + 1);
    expect(storedFiles().filter((f) => f.endsWith(sha256(content)))).toEqual([`${sha256(content).slice(0, 2)}/${sha256(content)}`]);
  });

  it('serves a download with the safe headers exactly, and the bytes as stored', async () => {
    const content = Buffer.from('rapport final — تقرير');
    const name = 'Rapport d’incident «final» تقرير.pdf';
    const { id } = await uploadAsHandler(portalIncident, name, content, 'internal');
    const res = await get(analystSession, `/console/incidents/${portalIncident}/attachments/${id}`);
    expectDownloadHeaders(res, name, content);
    expect(res.headers['content-disposition']).toBe(`attachment; filename="Rapport d_incident _final_ _____.pdf"; filename*=UTF-8''${encodeURIComponent(name)}`);
    expect(res.headers['set-cookie']).toBeUndefined();
    const head = await t.app.inject({ method: 'HEAD', url: `/console/incidents/${portalIncident}/attachments/${id}`, cookies: analystSession.cookies });
    expect(head.statusCode).toBe(200);
    expect(head.headers['content-security-policy']).toBe("sandbox; default-src 'none'");
    expect(head.headers['content-disposition']).toBe(res.headers['content-disposition']);
    expect(head.body).toBe('');
  });

  it('serves an HTML file with a script as an octet-stream attachment, never as a page', async () => {
    const content = Buffer.from('<!doctype html><html><body><script>alert(document.cookie)</script></body></html>');
    const { id } = await uploadAsHandler(portalIncident, 'page.html', content, 'internal', 'text/html');
    const row = (await rowsOf(portalIncident)).find((r) => r.id === id);
    expect(row?.media_type).toBe('application/octet-stream');
    const res = await get(analystSession, `/console/incidents/${portalIncident}/attachments/${id}`);
    expectDownloadHeaders(res, 'page.html', content);
    expect(res.headers['content-type']).not.toContain('html');
  });

  it('refuses a file over the limit with 413 and a localised message naming the field, and stores nothing', async () => {
    const before = { rows: (await rowsOf(portalIncident)).length, files: storedFiles() };
    // Just over the limit: the declared length passes the early check, the parser stops at the limit.
    const justOver = await upload({ session: analystSession, url: consoleUpload(portalIncident), fileName: 'big.bin', content: Buffer.alloc(attachmentLimits.maxBytes + 1, 0x61), visibility: 'internal', json: true });
    expect(justOver.statusCode).toBe(413);
    expect(justOver.json()).toMatchObject({ code: 'payload_too_large', errors: [{ field: 'file', code: 'too_large', message: 'Trop grand (maximum 25 Mo par fichier).' }] });
    // Far over: refused from its declared length before it is read, as an HTML page in the user's language.
    const farOver = await t.app.inject({
      method: 'POST',
      url: `${consoleUpload(portalIncident)}?lang=en`,
      headers: { 'content-type': 'multipart/form-data; boundary=x', 'x-csrf-token': analystSession.csrf },
      cookies: analystSession.cookies,
      payload: Buffer.alloc(attachmentLimits.maxBytes + 200_000, 0x61),
    });
    expect(farOver.statusCode).toBe(413);
    expect(farOver.headers['content-type']).toContain('text/html');
    expect(farOver.body).toContain('The data sent is too large.');
    expect(farOver.body).toContain('25 MB per file');
    expect((await rowsOf(portalIncident)).length).toBe(before.rows);
    expect(storedFiles()).toEqual(before.files);
  });

  it('answers an empty file with 400 naming the field, and a missing file too', async () => {
    const empty = await upload({ session: analystSession, url: consoleUpload(portalIncident), fileName: 'vide.txt', content: Buffer.alloc(0), visibility: 'internal', json: true });
    expect(empty.statusCode).toBe(400);
    expect(empty.json()).toMatchObject({ code: 'validation_failed', errors: [{ field: 'file', code: 'required' }] });
    const body = multipart([{ name: '_csrf', value: analystSession.csrf }, { name: 'visibility', value: 'internal' }]);
    const missing = await t.app.inject({ method: 'POST', url: consoleUpload(portalIncident), headers: { 'content-type': `multipart/form-data; boundary=${body.boundary}`, accept: 'application/json' }, cookies: analystSession.cookies, payload: body.payload });
    expect(missing.statusCode).toBe(400);
    expect(missing.json()).toMatchObject({ errors: [{ field: 'file', code: 'required' }] });
    const badVisibility = await upload({ session: analystSession, url: consoleUpload(portalIncident), visibility: 'public', json: true });
    expect(badVisibility.statusCode).toBe(400);
    expect(badVisibility.json()).toMatchObject({ errors: [{ field: 'visibility', code: 'invalid_choice' }] });
  });

  it('refuses an upload without a valid CSRF token (none, a wrong one, or one that is not the first field) with 403', async () => {
    const before = { rows: (await rowsOf(portalIncident)).length, files: storedFiles() };
    const content = Buffer.from(`csrf ${newId()}`);
    for (const attempt of [
      { csrf: 'none' as const },
      { csrf: 'first-field' as const, token: 'forged-token-forged-token-forged-token-0' },
      { csrf: 'header' as const, token: memberBSession.csrf.slice(0, -2) + 'xx' },
      { csrf: 'last-field' as const },
    ]) {
      const res = await upload({ session: analystSession, url: consoleUpload(portalIncident), content, visibility: 'internal', ...attempt });
      expect(res.statusCode, JSON.stringify(attempt)).toBe(403);
    }
    const crossSite = await t.app.inject({ method: 'POST', url: consoleUpload(portalIncident), headers: { 'content-type': 'multipart/form-data; boundary=b', 'sec-fetch-site': 'cross-site', 'x-csrf-token': analystSession.csrf }, cookies: analystSession.cookies, payload: '--b--\r\n' });
    expect(crossSite.statusCode).toBe(403);
    expect((await rowsOf(portalIncident)).length).toBe(before.rows);
    expect(storedFiles()).toEqual(before.files);
  });

  it('refuses a body that is not multipart (415) or is malformed (400), never a 5xx', async () => {
    const form = await t.app.inject({ method: 'POST', url: consoleUpload(portalIncident), headers: { 'content-type': 'application/x-www-form-urlencoded' }, cookies: analystSession.cookies, payload: `_csrf=${encodeURIComponent(analystSession.csrf)}&file=x` });
    expect(form.statusCode).toBe(415);
    const noBoundary = await t.app.inject({ method: 'POST', url: consoleUpload(portalIncident), headers: { 'content-type': 'multipart/form-data', 'x-csrf-token': analystSession.csrf }, cookies: analystSession.cookies, payload: 'garbage' });
    expect(noBoundary.statusCode).toBe(400);
    const twoFiles = multipart([
      { name: '_csrf', value: analystSession.csrf },
      { name: 'file', fileName: 'a.txt', contentType: 'text/plain', content: Buffer.from('a') },
      { name: 'file', fileName: 'b.txt', contentType: 'text/plain', content: Buffer.from('b') },
    ]);
    const res = await t.app.inject({ method: 'POST', url: consoleUpload(portalIncident), headers: { 'content-type': `multipart/form-data; boundary=${twoFiles.boundary}` }, cookies: analystSession.cookies, payload: twoFiles.payload });
    expect(res.statusCode).toBe(413);
  });

  it('lets a constituent add shared evidence in the portal, and answers another organisation 404 for uploads and downloads', async () => {
    const content = Buffer.from(`capture ${newId()}`);
    const res = await upload({ session: memberASession, url: portalUpload(portalIncident), fileName: 'capture.png', contentType: 'image/png', content });
    expect(res.statusCode, res.body).toBe(303);
    expect(res.headers.location).toBe(`/portal/incidents/${portalIncident}#attachments`);
    const row = (await rowsOf(portalIncident)).find((r) => r.sha256 === sha256(content));
    expect(row).toMatchObject({ visibility: 'shared', media_type: 'image/png', uploaded_by: memberA.id, uploader_label: 'Membre A' });

    const before = { rows: (await rowsOf(portalIncident)).length, files: storedFiles() };
    const outsider = await upload({ session: memberBSession, url: portalUpload(portalIncident), content: Buffer.from(`outsider ${newId()}`) });
    const missing = await upload({ session: memberBSession, url: portalUpload(newId()), content: Buffer.from(`outsider ${newId()}`) });
    expect(outsider.statusCode).toBe(404);
    expect(missing.statusCode).toBe(404);
    expect((await rowsOf(portalIncident)).length).toBe(before.rows);
    expect(storedFiles()).toEqual(before.files);

    expect((await get(memberBSession, `/portal/incidents/${portalIncident}/attachments/${row?.id}`)).statusCode).toBe(404);
    // Organisation members never reach the console's download, whatever the attachment.
    expect((await get(memberASession, `/console/incidents/${portalIncident}/attachments/${row?.id}`)).statusCode).toBe(403);
  });

  it('shows constituents the shared attachments of their organisation’s incidents only', async () => {
    const internal = Buffer.from(`internal ${newId()}`);
    const shared = Buffer.from(`shared ${newId()}`);
    const hidden = await uploadAsHandler(portalIncident, 'note-interne.txt', internal, 'internal', 'text/plain');
    const visible = await uploadAsHandler(portalIncident, 'recommandations.txt', shared, 'shared', 'text/plain');
    for (const session of [memberASession, colleagueASession]) {
      expectDownloadHeaders(await get(session, `/portal/incidents/${portalIncident}/attachments/${visible.id}`), 'recommandations.txt', shared);
      expect((await get(session, `/portal/incidents/${portalIncident}/attachments/${hidden.id}`)).statusCode).toBe(404);
    }
    // An attachment is only reached through its own incident.
    expect((await get(analystSession, `/console/incidents/${publicIncident}/attachments/${visible.id}`)).statusCode).toBe(404);
    expect((await get(memberASession, `/portal/incidents/${publicIncident}/attachments/${visible.id}`)).statusCode).toBe(404);
    expect((await get(null, `/portal/incidents/${portalIncident}/attachments/${visible.id}`)).statusCode).toBe(303);
  });

  it('lets the public reporter download the shared attachments of their own report through the tracking link only', async () => {
    const shared = Buffer.from(`pour le déclarant ${newId()}`);
    const internal = Buffer.from(`interne ${newId()}`);
    const visible = await uploadAsHandler(publicIncident, 'consignes.txt', shared, 'shared', 'text/plain');
    const hidden = await uploadAsHandler(publicIncident, 'analyse.txt', internal, 'internal', 'text/plain');
    const other = (await rowsOf(portalIncident)).find((r) => r.visibility === 'shared');
    expectDownloadHeaders(await get(null, `/report/track/${trackingToken}/attachments/${visible.id}`), 'consignes.txt', shared);
    expect((await get(null, `/report/track/${trackingToken}/attachments/${hidden.id}`)).statusCode).toBe(404);
    expect((await get(null, `/report/track/${trackingToken}/attachments/${other?.id}`)).statusCode).toBe(404);
    expect((await get(null, `/report/track/${'x'.repeat(43)}/attachments/${visible.id}`)).statusCode).toBe(404);
    expect((await get(null, `/report/track/short/attachments/${visible.id}`)).statusCode).toBe(404);
  });

  it('sanitises path traversal and control characters out of file names, and keeps files inside the store', async () => {
    const cases: [string, string][] = [
      ['../../../../etc/passwd', 'passwd'],
      ['..\\..\\windows\\win.ini', 'win.ini'],
      ['/.ssh/.authorized_keys', 'authorized_keys'],
      ['..', 'attachment'],
      ['rapport\u202Efdp.exe', 'rapportfdp.exe'],
      ['a\r\nContent-Type: text/html\r\n.txt', 'html.txt'],
      ['a\r\nX-Evil: 1\r\n.txt', 'aX-Evil_ 1.txt'],
      ['nul.txt', '_nul.txt'],
    ];
    for (const [given, expected] of cases) {
      const content = Buffer.from(`traversal ${given}`);
      const { id } = await uploadAsHandler(portalIncident, given.replace(/\r\n/g, ' '), content, 'internal', 'text/plain');
      const row = (await rowsOf(portalIncident)).find((r) => r.id === id);
      expect(sanitiseFileName(given)).toBe(expected);
      expect(row?.file_name).not.toMatch(/[/\\]|\.\./);
      expect(existsSync(attachmentPath(t.config, sha256(content)))).toBe(true);
    }
    expect(sanitiseFileName('x'.repeat(300) + '.pdf')).toHaveLength(200);
    expect(sanitiseFileName('x'.repeat(300) + '.pdf').endsWith('.pdf')).toBe(true);
    expect(existsSync(path.join(t.dataDir, 'passwd'))).toBe(false);
    expect(() => attachmentPath(t.config, '../../secret.key')).toThrow();
    expect(contentDisposition('a"b\\c.txt')).toBe(`attachment; filename="a_b_c.txt"; filename*=UTF-8''a%22b%5Cc.txt`);
  });

  it('reads the CSRF field only when it is the first part of the body', () => {
    const first = multipart([{ name: '_csrf', value: 'tok-123' }, { name: 'file', fileName: 'a', contentType: 'text/plain', content: Buffer.from('a') }]);
    expect(firstCsrfField(first.payload, first.boundary)).toEqual({ complete: true, token: 'tok-123' });
    expect(firstCsrfField(first.payload.subarray(0, 20), first.boundary)).toEqual({ complete: false, token: null });
    const later = multipart([{ name: 'visibility', value: 'x' }, { name: '_csrf', value: 'tok-123' }]);
    expect(firstCsrfField(later.payload, later.boundary)).toEqual({ complete: true, token: null });
    expect(firstCsrfField(Buffer.from('garbage without boundary'), 'b')).toEqual({ complete: true, token: null });
  });

  it('records the media type only from the allow-list', () => {
    expect(normaliseMediaType('Application/PDF; name=x')).toBe('application/pdf');
    expect(normaliseMediaType('message/rfc822')).toBe('message/rfc822');
    for (const risky of ['text/html', 'image/svg+xml', 'application/xhtml+xml', 'text/javascript', 'application/xml', '', 'nonsense']) {
      expect(normaliseMediaType(risky)).toBe('application/octet-stream');
    }
  });

  it('keeps the attachments of a report e-mail as shared evidence in the channel’s transaction, skipping empty and oversized ones', async () => {
    const content = Buffer.from(`From: phisher@example.com\r\nSubject: urgent\r\n\r\nclick ${newId()}`);
    const recorded = await t.database.db.transaction().execute(async (trx) => {
      const incident = await findIncidentForUpdate(trx, publicIncident);
      if (!incident) throw new Error('incident missing');
      return addEmailAttachments(trx, t.database, t.config, systemContext('email-intake', t.clock), incident, [
        { filename: '../piège.eml', contentType: 'message/rfc822', content },
        { filename: 'vide.txt', contentType: 'text/plain', content: Buffer.alloc(0) },
      ], 'Citoyen');
    });
    expect(recorded).toHaveLength(1);
    expect(recorded[0]).toMatchObject({ fileName: 'piège.eml', mediaType: 'message/rfc822', visibility: 'shared', uploaderLabel: 'Citoyen', sha256: sha256(content) });
    expect(readFileSync(attachmentPath(t.config, sha256(content))).equals(content)).toBe(true);
    expectDownloadHeaders(await get(null, `/report/track/${trackingToken}/attachments/${recorded[0]?.id}`), 'piège.eml', content);
  });

  it('verifies stored files: a damaged file is never served, and storing the content again repairs it', async () => {
    const content = Buffer.from(`fragile ${newId()}`);
    const { id } = await uploadAsHandler(portalIncident, 'fragile.txt', content, 'internal', 'text/plain');
    const file = attachmentPath(t.config, sha256(content));
    writeFileSync(file, 'tampered');
    await expect(readAttachmentContent(t.config, sha256(content))).rejects.toThrow(/damaged/);
    const res = await get(analystSession, `/console/incidents/${portalIncident}/attachments/${id}`);
    expect(res.statusCode).toBe(500);
    expect(res.body).not.toContain('tampered');
    expect(await storeAttachmentContent(t.config, content)).toEqual({ sha256: sha256(content), size: content.length, written: true });
    expectDownloadHeaders(await get(analystSession, `/console/incidents/${portalIncident}/attachments/${id}`), 'fragile.txt', content);
  });

  it('names the limits in each language', async () => {
    const { attachmentTooLargeError } = await import('#src/modules/incidents/attachments/add-attachment');
    const labels = (['fr', 'ar', 'en'] as Locale[]).map((l) => attachmentTooLargeError(l).fields[0]?.params?.max);
    expect(labels).toEqual(['25 Mo par fichier', '25 ميغابايت لكل ملف', '25 MB per file']);
  });
});
