/** Public routes: open to anyone for reading, but every public form still demands a valid CSRF token. */
import { afterAll, describe, expect, it } from 'vitest';
import { buildTestApp } from '../helpers/app';
import { anonymousOf, expectRefused } from './expect-refused';
import { fillUrl, paramNames, routeLabel, send, unsafeMethods } from './route-harness';

const t = await buildTestApp({ RIBAT_LOGIN_RATE_LIMIT: '10000', RIBAT_FORM_RATE_LIMIT: '10000' });
afterAll(() => t.close());

const publicRoutes = t.app.ribatRoutes.filter((r) => r.access === 'public');
/** Machine-readable public documents (JSON index, feeds, sitemap): no HTML, no interface language. */
const isDocument = (url: string): boolean => /\.(json|rss|atom|xml)$/.test(url);
const publicDocuments = publicRoutes.filter((r) => r.method === 'GET' && paramNames(r.url).length === 0 && isDocument(r.url) && !r.url.startsWith('/api/') && !r.url.startsWith('/.well-known/'));
const publicPages = publicRoutes.filter((r) => r.method === 'GET' && paramNames(r.url).length === 0 && !isDocument(r.url) && !r.url.startsWith('/api/') && !r.url.startsWith('/.well-known/') && !['/healthz', '/readyz'].includes(r.url));
/**
 * RFC 8058 one-click unsubscribe is the one public POST without a CSRF check (mail providers send it without
 * cookies; the secret token in its URL is the credential): test/subscriptions-forms.test.ts covers it.
 */
const oneClickUnsubscribe = 'POST /subscribe/unsubscribe';
const publicForms = publicRoutes.filter((r) => unsafeMethods.has(r.method) && routeLabel(r) !== oneClickUnsubscribe);

describe('public pages', () => {
  it.each(publicPages.map((r) => [r.url]))('%s answers 200 to anonymous visitors in French, Arabic and English', async (url) => {
    for (const lang of ['fr', 'ar', 'en']) {
      const res = await send(t, anonymousOf(t), { method: 'GET', url: `${url}?lang=${lang}` });
      expect(res.statusCode, `${url}?lang=${lang}`).toBe(200);
      expect(res.body).toContain(`<html lang="${lang}" dir="${lang === 'ar' ? 'rtl' : 'ltr'}">`);
    }
  });
});

describe('public documents', () => {
  it.each(publicDocuments.map((r) => [r.url]))('%s answers 200 to anonymous visitors with a JSON or XML document', async (url) => {
    const res = await send(t, anonymousOf(t), { method: 'GET', url });
    expect(res.statusCode, url).toBe(200);
    expect(String(res.headers['content-type'])).toMatch(/^application\/(json|rss\+xml|atom\+xml|xml)/);
  });
});

describe('public forms', () => {
  it('include the sign-in, password reset and set-up forms', () => {
    const labels = publicForms.map(routeLabel);
    expect(labels).toEqual(expect.arrayContaining(['POST /login', 'POST /password/forgot', 'POST /setup/:token']));
  });

  it.each(publicForms.map((r) => [routeLabel(r), r] as const))('%s refuses a request without the CSRF token (403) and changes nothing', async (_label, route) => {
    const url = fillUrl(route.url, () => 'some-token-value-that-does-not-exist');
    const caller = { ...anonymousOf(t), csrf: 'forged' };
    await expectRefused(t, caller, { method: route.method as 'POST', url, form: { email: 'x@example.ma', password: 'x' } }, [403]);
  });

  it.each(publicForms.map((r) => [routeLabel(r), r] as const))('%s refuses a cross-site submission (403) and changes nothing', async (_label, route) => {
    const url = fillUrl(route.url, () => 'some-token-value-that-does-not-exist');
    const caller = anonymousOf(t);
    const before = await send(t, caller, { method: 'GET', url: '/' });
    expect(before.statusCode).toBe(200);
    const res = await send(t, caller, { method: route.method, url, payload: `_csrf=${encodeURIComponent(caller.csrf)}`, contentType: 'application/x-www-form-urlencoded', headers: { 'sec-fetch-site': 'cross-site' } });
    expect(res.statusCode).toBe(403);
  });
});
