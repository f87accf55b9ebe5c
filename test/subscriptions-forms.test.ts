import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { newId } from '#src/core/ids';
import { getEmail } from '#src/modules/notifications/use-cases/get-email';
import { manageTokenFor } from '#src/modules/notifications/subscriptions.types';
import { buildTestApp, testDialect, type TestApp } from './helpers/app';
import { anonymousBrowser, buildUser, form, loginAs, snapshotCounts } from './helpers/factories';
import { routeLabel } from './authz/route-harness';

let t: TestApp;
let n = 0;

beforeAll(async () => {
  t = await buildTestApp({ RIBAT_FORM_RATE_LIMIT: '10000' });
});
afterAll(() => t.close());

const address = (label: string) => `${label}-${++n}@forms.example.ma`;

async function counts() {
  const base = await snapshotCounts(t.database);
  const sub = await t.database.db.selectFrom('subscription').select((eb) => eb.fn.countAll<number>().as('n')).executeTakeFirstOrThrow();
  return { ...base, subscription: Number(sub.n) };
}

async function post(url: string, fields: Record<string, string | string[]>, lang = 'fr') {
  const browser = anonymousBrowser(t);
  return t.app.inject({ method: 'POST', url: `${url}${url.includes('?') ? '&' : '?'}lang=${lang}`, cookies: browser.cookies, ...form(fields, browser.csrf) });
}

/** A subscription confirmed through the real pages; returns its address and manage token. */
async function activeSubscription(): Promise<{ email: string; id: string; token: string }> {
  const email = address('active');
  expect((await post('/subscribe', { email, language: 'fr' })).statusCode).toBe(200);
  const mail = await t.database.db.selectFrom('email_message').select('text_body').where('to_address', '=', email).executeTakeFirstOrThrow();
  const link = /\/subscribe\/confirm\?[^\s]+/.exec(mail.text_body)?.[0] ?? '';
  const url = new URL(link, 'https://x');
  expect((await post('/subscribe/confirm', { token: url.searchParams.get('token') ?? '', f: url.searchParams.get('f') ?? '' })).statusCode).toBe(200);
  const row = await t.database.db.selectFrom('subscription').select(['id', 'status']).where('email_key', '=', email).executeTakeFirstOrThrow();
  expect(row.status).toBe('active');
  return { email, id: row.id, token: manageTokenFor(t.config.secret, row.id) };
}

describe(`subscription forms (${testDialect})`, () => {
  const invalid: [string, Record<string, string | string[]>, string, Record<'fr' | 'ar' | 'en', string>][] = [
    ['an empty address', { email: '' }, 'email', { fr: 'Ce champ est obligatoire', ar: 'هذا الحقل', en: 'This field is required' }],
    ['a malformed address', { email: 'not an address' }, 'email', { fr: 'Adresse e-mail', ar: 'البريد', en: 'e-mail' }],
    ['an unknown kind', { kinds: ['bulletin', 'rumour'] }, 'kinds', { fr: 'Choix invalide', ar: 'اختيار غير صالح', en: 'Invalid choice' }],
    ['an unknown criticality', { min_criticality: 'apocalyptic' }, 'min_criticality', { fr: 'Choix invalide', ar: 'اختيار غير صالح', en: 'Invalid choice' }],
    ['an unknown product', { products: 'Nobody Makes This 9000' }, 'products', { fr: 'Nobody Makes This 9000', ar: 'Nobody Makes This 9000', en: 'Nobody Makes This 9000' }],
    ['too many product lines', { products: Array.from({ length: 31 }, (_, i) => `line ${i}`).join('\n') }, 'products', { fr: 'Trop de lignes', ar: 'عدد الأسطر', en: 'Too many lines' }],
    ['an unknown language', { language: 'de' }, 'language', { fr: 'Choix invalide', ar: 'اختيار غير صالح', en: 'Invalid choice' }],
  ];

  it.each(invalid)('refuses %s with a localised error naming the field, in every language, and writes nothing', async (_label, fields, field, messages) => {
    for (const lang of ['fr', 'ar', 'en'] as const) {
      const before = await counts();
      const res = await post('/subscribe', { email: address('bad'), language: 'fr', ...fields }, lang);
      expect(res.statusCode, res.body).toBe(400);
      expect(res.body).toContain(`href="#f-${field.replace(/_/g, '_')}"`);
      expect(res.body).toContain(messages[lang]);
      expect(res.body).toContain(`<html lang="${lang}"`);
      expect(await counts()).toEqual(before);
    }
  });

  it('reports every problem of the form at once', async () => {
    const res = await post('/subscribe', { email: 'x', kinds: 'rumour', min_criticality: 'nope', language: 'xx' }, 'en');
    expect(res.statusCode).toBe(400);
    for (const field of ['email', 'kinds', 'min_criticality', 'language']) expect(res.body).toContain(`href="#f-${field}"`);
  });

  it('answers a filled honeypot like any request, and sends nothing', async () => {
    const before = await counts();
    const res = await post('/subscribe', { email: address('bot'), language: 'fr', website: 'http://spam.example' });
    expect(res.statusCode).toBe(200);
    expect(res.body).toContain('Vérifiez votre messagerie');
    expect(await counts()).toEqual(before);
  });

  it('refuses a subscription without the CSRF token (403) and writes nothing', async () => {
    const before = await counts();
    const res = await t.app.inject({ method: 'POST', url: '/subscribe', cookies: anonymousBrowser(t).cookies, ...form({ email: address('csrf'), language: 'fr' }, 'forged') });
    expect(res.statusCode).toBe(403);
    expect(await counts()).toEqual(before);
  });

  it('exempts exactly one public form from the CSRF check: RFC 8058 one-click unsubscribe', async () => {
    const exempt: string[] = [];
    for (const route of t.app.ribatRoutes.filter((r) => r.method === 'POST')) {
      const url = route.url.replace(/:[a-zA-Z]+/g, 'x'.repeat(40));
      const res = await t.app.inject({ method: 'POST', url, payload: '_csrf=forged', headers: { 'content-type': 'application/x-www-form-urlencoded' }, cookies: anonymousBrowser(t).cookies });
      if (res.statusCode !== 403 && res.statusCode !== 303 && res.statusCode !== 401) exempt.push(routeLabel(route));
    }
    expect(exempt).toEqual(['POST /subscribe/unsubscribe']);
  });

  it('one-click unsubscribe: refuses a missing or wrong List-Unsubscribe value, a missing, malformed or unknown token, and bad multipart, changing nothing', async () => {
    const { email, token } = await activeSubscription();
    const before = await counts();
    const send = (url: string, payload: string, type = 'application/x-www-form-urlencoded') => t.app.inject({ method: 'POST', url, payload, headers: { 'content-type': type } });
    const missing = await send(`/subscribe/unsubscribe?token=${token}&lang=en`, '');
    expect(missing.statusCode).toBe(400);
    expect(missing.body).toContain('List-Unsubscribe');
    expect(missing.body).toContain('This field is required');
    expect((await send(`/subscribe/unsubscribe?token=${token}`, 'List-Unsubscribe=Yes')).statusCode).toBe(400);
    expect((await send('/subscribe/unsubscribe', 'List-Unsubscribe=One-Click')).statusCode).toBe(404);
    expect((await send('/subscribe/unsubscribe?token=%00', 'List-Unsubscribe=One-Click')).statusCode).toBe(400);
    expect((await send('/subscribe/unsubscribe?token=short', 'List-Unsubscribe=One-Click')).statusCode).toBe(404);
    expect((await send(`/subscribe/unsubscribe?token=${'a'.repeat(300)}`, 'List-Unsubscribe=One-Click')).statusCode).toBe(400);
    expect((await send(`/subscribe/unsubscribe?token=${token}`, 'garbage', 'multipart/form-data')).statusCode).toBe(400);
    expect((await send(`/subscribe/unsubscribe?token=${token}`, '--b\r\nno headers', 'multipart/form-data; boundary=b')).statusCode).toBe(400);
    expect((await send(`/subscribe/unsubscribe?token=${token}`, '["List-Unsubscribe","One-Click"]', 'application/json')).statusCode).toBe(400);
    expect(await counts()).toEqual(before);
    const row = await t.database.db.selectFrom('subscription').select('status').where('email_key', '=', email).executeTakeFirstOrThrow();
    expect(row.status).toBe('active');
  });

  it('manage form: bad filters are refused with localised errors and change nothing; unknown links are 404', async () => {
    const { email, token } = await activeSubscription();
    const before = await t.database.db.selectFrom('subscription').selectAll().where('email_key', '=', email).executeTakeFirstOrThrow();
    const res = await post('/subscribe/manage', { token, min_criticality: 'nope', products: 'Unheard Of Product', language: 'en' }, 'en');
    expect(res.statusCode).toBe(400);
    expect(res.body).toContain('href="#f-min_criticality"');
    expect(res.body).toContain('“Unheard Of Product” matches no known vendor or product.');
    expect(await t.database.db.selectFrom('subscription').selectAll().where('email_key', '=', email).executeTakeFirstOrThrow()).toEqual(before);
    expect((await post('/subscribe/manage', { token: 'A'.repeat(43), language: 'fr' })).statusCode).toBe(404);
    expect((await post('/subscribe/manage', { language: 'fr' })).statusCode).toBe(404);
  });

  it('confirmation: a forged, tampered or unknown link is 404 and confirms nothing', async () => {
    const email = address('tamper');
    await post('/subscribe', { email, language: 'fr' });
    const mail = await t.database.db.selectFrom('email_message').select('text_body').where('to_address', '=', email).executeTakeFirstOrThrow();
    const url = new URL(/\/subscribe\/confirm\?[^\s]+/.exec(mail.text_body)?.[0] ?? '', 'https://x');
    const token = url.searchParams.get('token') ?? '';
    const unknownProduct = Buffer.from(JSON.stringify({ k: [], c: null, v: [], p: [newId()], l: 'fr' })).toString('base64url');
    for (const f of ['%%%', 'bm90IGpzb24', Buffer.from('{"k":["rumour"],"c":null,"v":[],"p":[],"l":"fr"}').toString('base64url'), unknownProduct]) {
      expect((await post('/subscribe/confirm', { token, f })).statusCode).toBe(404);
      expect((await t.app.inject({ method: 'GET', url: `/subscribe/confirm?token=${token}&f=${encodeURIComponent(f)}` })).statusCode).toBe(404);
    }
    expect((await post('/subscribe/confirm', { token: 'A'.repeat(43), f: url.searchParams.get('f') ?? '' })).statusCode).toBe(404);
    expect((await post('/subscribe/confirm', {})).statusCode).toBe(404);
    const row = await t.database.db.selectFrom('subscription').select('status').where('email_key', '=', email).executeTakeFirstOrThrow();
    expect(row.status).toBe('pending');
  });

  it('pages opened without their secret explain where the link is (200); with a wrong one answer 404', async () => {
    for (const path of ['/subscribe/confirm', '/subscribe/manage', '/subscribe/unsubscribe']) {
      for (const lang of ['fr', 'ar', 'en']) {
        const res = await t.app.inject({ method: 'GET', url: `${path}?lang=${lang}` });
        expect(res.statusCode).toBe(200);
        expect(res.headers['cache-control']).toBe('no-store');
      }
      expect((await t.app.inject({ method: 'GET', url: `${path}?token=${'B'.repeat(43)}` })).statusCode).toBe(404);
      expect((await t.app.inject({ method: 'GET', url: `${path}?token=${'B'.repeat(201)}` })).statusCode).toBe(400);
    }
  });

  it('audits requests, confirmations and unsubscriptions without recording the address', async () => {
    const { email, id, token } = await activeSubscription();
    await t.app.inject({ method: 'POST', url: `/subscribe/unsubscribe?token=${token}`, payload: 'List-Unsubscribe=One-Click', headers: { 'content-type': 'application/x-www-form-urlencoded' } });
    const events = await t.database.db.selectFrom('audit_event').select(['action', 'before_data', 'after_data']).where('entity_id', '=', id).orderBy('seq').execute();
    expect(events.map((e) => e.action)).toEqual(['subscription.requested', 'subscription.confirmed', 'subscription.unsubscribed']);
    for (const e of events) expect(`${e.before_data ?? ''}${e.after_data ?? ''}`).not.toContain(email);
  });

  it('redacts the secrets of subscription links when an e-mail is read with an API token', async () => {
    const email = address('redact');
    await post('/subscribe', { email, language: 'fr' });
    const row = await t.database.db.selectFrom('email_message').select('id').where('to_address', '=', email).executeTakeFirstOrThrow();
    const admin = await buildUser(t.database, { roles: ['admin'] });
    const ctx = { actor: { kind: 'user' as const, userId: admin.id, label: admin.email, roles: admin.roles, organisationId: null, scopes: ['audit:read' as const] }, requestId: newId(), locale: 'fr' as const, clock: t.clock, ip: null };
    const read = await getEmail(t.database, ctx, row.id);
    expect(read.text).toContain('/subscribe/confirm?token=[redacted]');
    expect(read.text).not.toMatch(/token=[A-Za-z0-9_-]{16,}/);
  });

  it('the console lists subscribers with counts for subscriptions:manage, and refuses others', async () => {
    const { email } = await activeSubscription();
    const admin = await loginAs(t, await buildUser(t.database, { roles: ['coordinator'] }));
    const page = await t.app.inject({ method: 'GET', url: '/console/subscriptions?status=active', cookies: admin.cookies });
    expect(page.statusCode).toBe(200);
    expect(page.body).toContain(email);
    expect(page.body).toMatch(/Actif : <strong>\d+<\/strong>/);
    expect(page.body).toContain('href="/console/subscriptions"');
    const analyst = await loginAs(t, await buildUser(t.database, { roles: ['analyst'] }));
    const refused = await t.app.inject({ method: 'GET', url: '/console/subscriptions', cookies: analyst.cookies });
    expect([403, 404]).toContain(refused.statusCode);
    expect(refused.body).not.toContain(email);
    const anonymous = await t.app.inject({ method: 'GET', url: '/console/subscriptions' });
    expect(anonymous.statusCode).toBe(303);
    expect((await t.app.inject({ method: 'GET', url: '/console/subscriptions?status=nope', cookies: admin.cookies })).statusCode).toBe(400);
    expect((await t.app.inject({ method: 'GET', url: '/console/subscriptions?cursor=zzz', cookies: admin.cookies })).statusCode).toBe(400);
  });
});

describe(`subscription rate limit (${testDialect})`, () => {
  it('limits subscription requests per minute like other public forms (429 past the limit)', async () => {
    const limited = await buildTestApp({ RIBAT_FORM_RATE_LIMIT: '2' });
    try {
      const browser = anonymousBrowser(limited);
      const statuses: number[] = [];
      for (let i = 0; i < 3; i++) {
        const res = await limited.app.inject({ method: 'POST', url: '/subscribe', cookies: browser.cookies, ...form({ email: address('limit'), language: 'fr' }, browser.csrf) });
        statuses.push(res.statusCode);
      }
      expect(statuses).toEqual([200, 200, 429]);
    } finally {
      await limited.close();
    }
  });
});
