/**
 * The public report form and the reporter's private tracking page, through HTTP (app.inject) against a real
 * database: a citizen reports, receives the reference and the tracking link by e-mail, follows the report and
 * answers; the CERT's internal comments never show; bots, missing fields, floods and unknown links are handled.
 */
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import type { RequestContext } from '#src/core/context';
import { newId } from '#src/core/ids';
import { commentAsHandler } from '#src/modules/incidents/use-cases/comment-on-incident';
import { changeIncidentStatus } from '#src/modules/incidents/use-cases/change-incident-status';
import { addAttachment } from '#src/modules/incidents/attachments/add-attachment';
import { mergeIncident } from '#src/modules/incidents/use-cases/merge-incident';
import { zonedLocalToDate } from '#src/web/console/bulletins/bulletin-form';
import { buildTestApp, testDialect, type TestApp } from '../helpers/app';
import { anonymousBrowser, buildUser, form, type UserFixture } from '../helpers/factories';

let t: TestApp;
let analyst: UserFixture;
let n = 0;

beforeAll(async () => {
  t = await buildTestApp({ RIBAT_FORM_RATE_LIMIT: '10000' });
  analyst = await buildUser(t.database, { roles: ['analyst'], displayName: 'Analyste Karim Secret' });
});
afterAll(() => t.close());

const address = (label: string) => `${label}-${++n}@citoyen.example.ma`;

function analystContext(): RequestContext {
  return { actor: { kind: 'user', userId: analyst.id, label: analyst.email, roles: ['analyst'], organisationId: null, scopes: null }, requestId: newId(), locale: 'fr', clock: t.clock, ip: null };
}

async function post(url: string, fields: Record<string, string>, headers: Record<string, string> = {}, app: TestApp = t) {
  const browser = anonymousBrowser(app);
  const body = form(fields, browser.csrf);
  return app.app.inject({ method: 'POST', url, cookies: browser.cookies, payload: body.payload, headers: { ...body.headers, ...headers } });
}

async function get(url: string, headers: Record<string, string> = {}) {
  return t.app.inject({ method: 'GET', url, cookies: anonymousBrowser(t).cookies, headers });
}

async function counts(): Promise<Record<string, number>> {
  const out: Record<string, number> = {};
  for (const table of ['incident', 'incident_comment', 'email_message', 'audit_event'] as const) {
    const row = await t.database.db.selectFrom(table).select((eb) => eb.fn.countAll<number>().as('n')).executeTakeFirstOrThrow();
    out[table] = Number(row.n);
  }
  return out;
}

const validReport = (email: string): Record<string, string> => ({
  reporterName: 'Nadia Citoyenne',
  reporterEmail: email,
  reporterPhone: '+212 600 000 000',
  organisationName: 'Pharmacie Atlas',
  category: 'phishing',
  title: 'Faux e-mail de la banque',
  description: 'Un e-mail demandant mon mot de passe, lien vers hxxp://banque-faux[.]example',
  detectedAt: '2024-05-01T10:30',
  website: '',
});

/** Reports through the form; returns the incident, its reference and the token read from the acknowledgement. */
async function reportThroughForm(lang = 'fr'): Promise<{ id: string; reference: string; token: string; email: string; version: number }> {
  const email = address('report');
  const res = await post(`/report?lang=${lang}`, validReport(email));
  expect(res.statusCode, res.body).toBe(303);
  const location = String(res.headers.location);
  const reference = new URL(location, 'http://x').searchParams.get('ref') ?? '';
  const row = await t.database.db.selectFrom('incident').select(['id', 'version']).where('reference', '=', reference).executeTakeFirstOrThrow();
  const mail = await t.database.db.selectFrom('email_message').select('text_body').where('to_address', '=', email).executeTakeFirstOrThrow();
  const token = /\/report\/track\/([A-Za-z0-9_-]+)/.exec(mail.text_body)?.[1] ?? '';
  expect(token).not.toBe('');
  return { id: row.id, reference, token, email, version: Number(row.version) };
}

/** The `<main>` of a page: what differs between two error pages once the header (language links) is set aside. */
const mainOf = (html: string): string => /<main[\s\S]*<\/main>/.exec(html)?.[0] ?? '';

describe(`public report form (${testDialect})`, () => {
  it('shows the form with every field, the honeypot, the CSRF token, the security contact and a sign-in note', async () => {
    const res = await get('/report?lang=fr');
    expect(res.statusCode).toBe(200);
    for (const name of ['reporterName', 'reporterEmail', 'reporterPhone', 'organisationName', 'category', 'title', 'description', 'detectedAt', 'website', '_csrf']) {
      expect(res.body).toContain(`name="${name}"`);
    }
    expect(res.body).toContain('value="phishing"');
    expect(res.body).toContain('Hameçonnage');
    expect(res.body).toContain('href="mailto:security@localhost"');
    expect(res.body).toContain('href="/login"');
    expect(res.body).toMatch(/class="subscribe-hp" aria-hidden="true"/);
  });

  it('end to end: stores the report, e-mails the reference and a private link, and the link opens the tracking page', async () => {
    const email = address('e2e');
    const res = await post('/report?lang=fr', validReport(email));
    expect(res.statusCode).toBe(303);
    const location = String(res.headers.location);
    expect(location).toMatch(/^\/report\/sent\?ref=[^&]+&lang=fr$/);
    const reference = new URL(location, 'http://x').searchParams.get('ref') ?? '';

    const row = await t.database.db.selectFrom('incident').selectAll().where('reference', '=', reference).executeTakeFirstOrThrow();
    expect(row.channel).toBe('public');
    expect(row.status).toBe('new');
    expect(row.reporter_email).toBe(email);
    expect(row.reporter_name).toBe('Nadia Citoyenne');
    expect(row.reporter_phone).toBe('+212 600 000 000');
    expect(row.reporter_user_id).toBeNull();
    expect(row.organisation_id).toBeNull();
    expect(row.description.startsWith('Organisation : Pharmacie Atlas\n\n')).toBe(true);
    expect(new Date(String(row.detected_at)).toISOString()).toBe(zonedLocalToDate('2024-05-01T10:30', t.config.timezone)?.toISOString());
    const classes = await t.database.db.selectFrom('incident_classification').select(['class_code', 'type_code']).where('incident_id', '=', row.id).execute();
    expect(classes).toEqual([{ class_code: 'fraud', type_code: 'fraud.phishing' }]);

    const mail = await t.database.db.selectFrom('email_message').selectAll().where('to_address', '=', email).executeTakeFirstOrThrow();
    expect(mail.subject).toContain(reference);
    expect(mail.text_body).toContain(reference);
    const token = /http:\/\/localhost:8080\/report\/track\/([A-Za-z0-9_-]+)/.exec(mail.text_body)?.[1] ?? '';
    expect(token.length).toBeGreaterThan(20);
    // Only the token's hash is stored.
    expect(row.tracking_token_hash).not.toBeNull();
    expect(row.tracking_token_hash).not.toBe(token);

    const sent = await get(location);
    expect(sent.statusCode).toBe(200);
    expect(sent.body).toContain(reference);
    expect(sent.body).not.toContain(token);
    expect(sent.body).not.toContain('/report/track/');
    expect(sent.headers['referrer-policy']).toBe('no-referrer');
    expect(sent.headers['cache-control']).toBe('no-store');

    const tracking = await get(`/report/track/${token}?lang=fr`);
    expect(tracking.statusCode).toBe(200);
    expect(tracking.body).toContain(reference);
    expect(tracking.body).toContain('Faux e-mail de la banque');
    expect(tracking.body).toContain('Organisation : Pharmacie Atlas');
    expect(tracking.body).toContain('Reçu, en attente d’examen');
    expect(tracking.headers['referrer-policy']).toBe('no-referrer');
    expect(tracking.headers['cache-control']).toBe('no-store');
    expect(tracking.headers['x-robots-tag']).toBe('noindex');
  });

  it("records the reporter's reply as a shared comment and shows it; an empty reply is refused on its field", async () => {
    const { id, token } = await reportThroughForm();
    const res = await post(`/report/track/${token}?lang=fr`, { body: 'Voici les en-têtes du message reçu.' });
    expect(res.statusCode).toBe(303);
    expect(String(res.headers.location)).toBe(`/report/track/${token}?done=replied&lang=fr`);
    expect(res.headers['referrer-policy']).toBe('no-referrer');
    const comments = await t.database.db.selectFrom('incident_comment').selectAll().where('incident_id', '=', id).execute();
    expect(comments.map((c) => ({ visibility: c.visibility, source: c.source, body: c.body }))).toEqual([{ visibility: 'shared', source: 'tracking', body: 'Voici les en-têtes du message reçu.' }]);

    const page = await get(String(res.headers.location));
    expect(page.body).toContain('Voici les en-têtes du message reçu.');
    expect(page.body).toContain('Votre message a été transmis au CERT.');

    const before = await counts();
    const empty = await post(`/report/track/${token}?lang=en`, { body: '   ' });
    expect(empty.statusCode).toBe(400);
    expect(empty.body).toContain('href="#f-body"');
    expect(empty.body).toContain('id="f-body-error">This field is required.');
    expect(empty.headers['cache-control']).toBe('no-store');
    expect(await counts()).toEqual(before);
  });

  it("never shows the CERT's internal comments or an analyst's name on the tracking page; shared ones appear as the CERT's", async () => {
    const { id, token } = await reportThroughForm();
    await commentAsHandler(t.database, t.config, analystContext(), id, 'internal', 'NOTE-INTERNE: suspect le prestataire X');
    await commentAsHandler(t.database, t.config, analystContext(), id, 'shared', 'Merci, pouvez-vous nous transmettre le message original ?');
    const page = await get(`/report/track/${token}?lang=fr`);
    expect(page.statusCode).toBe(200);
    expect(page.body).toContain('Merci, pouvez-vous nous transmettre le message original ?');
    expect(page.body).toContain('Le CERT');
    expect(page.body).not.toContain('NOTE-INTERNE');
    expect(page.body).not.toContain('Analyste Karim Secret');
  });

  it('links the attachments shared with the reporter for download through the tracking link, and lists no internal one', async () => {
    const { id, token } = await reportThroughForm();
    const shared = await addAttachment(t.database, t.config, analystContext(), id, { fileName: 'conseils.txt', mediaType: 'text/plain', content: Buffer.from('Changez vos mots de passe.'), visibility: 'shared' });
    await addAttachment(t.database, t.config, analystContext(), id, { fileName: 'analyse-interne.txt', mediaType: 'text/plain', content: Buffer.from('internal'), visibility: 'internal' });
    const page = await get(`/report/track/${token}?lang=fr`);
    const href = `/report/track/${token}/attachments/${shared.id}`;
    expect(page.body).toContain(`href="${href}"`);
    expect(page.body).toContain('conseils.txt');
    expect(page.body).not.toContain('analyse-interne.txt');
    const download = await get(href);
    expect(download.statusCode).toBe(200);
    expect(download.body).toBe('Changez vos mots de passe.');
  });

  it('shows the closing disposition and the merged-into notice in words', async () => {
    const first = await reportThroughForm();
    const second = await reportThroughForm();
    await mergeIncident(t.database, t.config, analystContext(), first.id, first.version, second.reference);
    const merged = await get(`/report/track/${first.token}?lang=fr`);
    expect(merged.body).toContain(`Ce signalement a été regroupé avec le dossier ${second.reference}`);
    expect(merged.body).toContain('Clos');
    expect(merged.body).toContain('Doublon');

    const closed = await changeIncidentStatus(t.database, t.config, analystContext(), second.id, (await t.database.db.selectFrom('incident').select('version').where('id', '=', second.id).executeTakeFirstOrThrow()).version, 'closed', 'false-positive');
    expect(closed.status).toBe('closed');
    const english = await get(`/report/track/${second.token}?lang=en`);
    expect(english.body).toContain('False positive');
    expect(english.body).toContain('>Closed<');
    expect(english.body).toContain('This report is closed; your message will still be read.');
  });

  it('answers a filled honeypot like a success and stores or sends nothing', async () => {
    const before = await counts();
    const res = await post('/report?lang=fr', { ...validReport(address('bot')), website: 'http://spam.example' });
    expect(res.statusCode).toBe(303);
    expect(String(res.headers.location)).toBe('/report/sent?lang=fr');
    expect(await counts()).toEqual(before);
    const sent = await get(String(res.headers.location));
    expect(sent.statusCode).toBe(200);
    expect(sent.body).toContain('Votre signalement est enregistré.');
  });

  it('refuses a report without an e-mail with the error on that field, in the language asked (Arabic, right to left), and stores nothing', async () => {
    const before = await counts();
    const res = await post('/report', { ...validReport(''), reporterEmail: '' }, { 'accept-language': 'ar-MA,ar;q=0.9' });
    expect(res.statusCode).toBe(400);
    expect(res.body).toContain('<html lang="ar" dir="rtl">');
    expect(res.body).toContain('href="#f-reporterEmail"');
    expect(res.body).toContain('id="f-reporterEmail-error">هذا الحقل إلزامي.</p>');
    // What the reporter typed is kept.
    expect(res.body).toContain('Faux e-mail de la banque');
    expect(await counts()).toEqual(before);
  });

  it('names every refused field at once: malformed address, missing title and description, future date, forged category', async () => {
    const before = await counts();
    const res = await post('/report?lang=en', { ...validReport('not-an-address'), title: '', description: '', detectedAt: '2999-01-01T00:00' });
    expect(res.statusCode).toBe(400);
    for (const field of ['reporterEmail', 'title', 'description', 'detectedAt']) expect(res.body).toContain(`href="#f-${field}"`);
    expect(res.body).toContain('Invalid e-mail address.');
    const forged = await post('/report?lang=en', { ...validReport(address('forged')), category: 'apocalypse' });
    expect(forged.statusCode).toBe(400);
    expect(forged.body).toContain('id="f-category-error">Invalid choice.');
    expect(await counts()).toEqual(before);
  });

  it('refuses the form without the CSRF token (403) and stores nothing', async () => {
    const before = await counts();
    const browser = anonymousBrowser(t);
    const res = await t.app.inject({ method: 'POST', url: '/report', cookies: browser.cookies, ...form(validReport(address('csrf')), 'forged') });
    expect(res.statusCode).toBe(403);
    expect(await counts()).toEqual(before);
  });

  it('answers an unknown tracking link 404, with the same page as any missing page, and writes nothing', async () => {
    const unknown = 'A'.repeat(43);
    const res = await get(`/report/track/${unknown}?lang=fr`);
    const other = await get('/no-such-page?lang=fr');
    expect(res.statusCode).toBe(404);
    expect(other.statusCode).toBe(404);
    expect(mainOf(res.body)).toBe(mainOf(other.body));
    expect(mainOf(res.body)).not.toBe('');
    expect(res.headers['referrer-policy']).toBe('no-referrer');
    expect((await get('/report/track/short')).statusCode).toBe(404);
    const before = await counts();
    expect((await post(`/report/track/${unknown}`, { body: 'hello' })).statusCode).toBe(404);
    expect(await counts()).toEqual(before);
  });

  it('never echoes a forged reference on the sent page', async () => {
    const res = await get(`/report/sent?ref=${encodeURIComponent('<script>alert(1)</script>')}&lang=en`);
    expect(res.statusCode).toBe(200);
    expect(res.body).not.toContain('<script>alert');
    expect(res.body).toContain('Your report is recorded.');
  });

  it('serves the public pages in French, Arabic (right to left) and English, referencing no other host', async () => {
    const { token, reference } = await reportThroughForm();
    for (const lang of ['fr', 'ar', 'en'] as const) {
      for (const url of ['/report', `/report/sent?ref=${reference}`, `/report/track/${token}`]) {
        const res = await get(`${url}${url.includes('?') ? '&' : '?'}lang=${lang}`);
        expect(res.statusCode, url).toBe(200);
        expect(res.body).toContain(`<html lang="${lang}" dir="${lang === 'ar' ? 'rtl' : 'ltr'}">`);
        // Every resource, form target and link is on this host (the security contact is a mailto: link).
        const targets = [...res.body.matchAll(/\s(?:src|href|action)="([^"]*)"/g)].map((m) => m[1] ?? '');
        expect(targets.length).toBeGreaterThan(5);
        for (const target of targets) expect(target, `${url} → ${target}`).toMatch(/^(\/(?!\/)|#|mailto:)/);
        expect(res.body).not.toMatch(/https?:\/\//);
      }
    }
    const arabic = await get('/report?lang=ar');
    expect(arabic.body).toContain('الإبلاغ عن حادث');
    expect(arabic.body).toContain('تصيد احتيالي');
  });
});

describe(`public report rate limit (${testDialect})`, () => {
  it('limits reports per minute like other public forms, with the localised 429 page', async () => {
    const limited = await buildTestApp({ RIBAT_FORM_RATE_LIMIT: '2' });
    try {
      const statuses: number[] = [];
      let last = '';
      for (let i = 0; i < 3; i++) {
        const res = await post('/report?lang=en', validReport(`flood-${i}@citoyen.example.ma`), {}, limited);
        statuses.push(res.statusCode);
        last = res.body;
      }
      expect(statuses).toEqual([303, 303, 429]);
      expect(last).toContain('Too many attempts');
      const stored = await limited.database.db.selectFrom('incident').select((eb) => eb.fn.countAll<number>().as('n')).executeTakeFirstOrThrow();
      expect(Number(stored.n)).toBe(2);
      // Reading the form is not limited.
      expect((await limited.app.inject({ method: 'GET', url: '/report' })).statusCode).toBe(200);
    } finally {
      await limited.close();
    }
  });
});
