import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import Fastify from 'fastify';
import { assertAccessRule } from '#src/app';
import { buildTestApp, type TestApp } from './helpers/app';

let t: TestApp;
beforeAll(async () => {
  t = await buildTestApp();
});
afterAll(async () => {
  await t.close();
});

describe('application shell', () => {
  it('serves the home page in French by default with a strict CSP and no inline script', async () => {
    const res = await t.app.inject({ method: 'GET', url: '/' });
    expect(res.statusCode).toBe(200);
    expect(res.body).toContain('<html lang="fr" dir="ltr">');
    expect(res.headers['content-security-policy']).toContain("script-src 'self'");
    expect(res.headers['content-security-policy']).toContain("frame-ancestors 'none'");
    expect(res.headers['x-content-type-options']).toBe('nosniff');
    expect(res.headers['strict-transport-security']).toBeUndefined();
    expect(res.body).not.toMatch(/<script(?![^>]*\bsrc=)/);
    expect(res.body).not.toMatch(/\sstyle=/);
    expect(res.body).not.toMatch(/(src|href)="(https?:)?\/\//);
  });

  it('switches to Arabic, right to left, with ?lang=ar and remembers it in a cookie', async () => {
    const res = await t.app.inject({ method: 'GET', url: '/?lang=ar' });
    expect(res.body).toContain('<html lang="ar" dir="rtl">');
    const cookie = res.cookies.find((c) => c.name === 'ribat_lang');
    expect(cookie?.value).toBe('ar');
    const next = await t.app.inject({ method: 'GET', url: '/bulletins', cookies: { ribat_lang: 'ar' } });
    expect(next.body).toContain('dir="rtl"');
  });

  it('follows Accept-Language when there is no cookie', async () => {
    const res = await t.app.inject({ method: 'GET', url: '/', headers: { 'accept-language': 'en-GB,en;q=0.9,fr;q=0.5' } });
    expect(res.body).toContain('<html lang="en" dir="ltr">');
  });

  it('answers unknown API paths with RFC 9457 problem details', async () => {
    const res = await t.app.inject({ method: 'GET', url: '/api/v1/nothing-here' });
    expect(res.statusCode).toBe(404);
    expect(res.headers['content-type']).toContain('application/problem+json');
    expect(res.json()).toMatchObject({ status: 404, code: 'not_found', instance: '/api/v1/nothing-here' });
  });

  it('publishes an OpenAPI 3.1 document and a reference page', async () => {
    const doc = await t.app.inject({ method: 'GET', url: '/api/openapi.json' });
    expect(doc.json().openapi).toBe('3.1.0');
    const page = await t.app.inject({ method: 'GET', url: '/api/docs' });
    expect(page.statusCode).toBe(200);
    expect(page.body).toContain('problem-not_found');
  });

  it('serves security.txt with a contact and an expiry', async () => {
    const res = await t.app.inject({ method: 'GET', url: '/.well-known/security.txt' });
    expect(res.body).toMatch(/^Contact: /m);
    expect(res.body).toMatch(/^Expires: \d{4}-/m);
  });

  it('reports liveness and readiness', async () => {
    expect((await t.app.inject({ method: 'GET', url: '/healthz' })).json()).toEqual({ status: 'ok' });
    const ready = await t.app.inject({ method: 'GET', url: '/readyz' });
    expect(ready.statusCode).toBe(200);
    expect(ready.json().status).toBe('ready');
  });

  it('declares an access rule on every registered route', () => {
    expect(t.app.ribatRoutes.length).toBeGreaterThan(5);
    for (const route of t.app.ribatRoutes) expect(route.access, `${route.method} ${route.url}`).toBeDefined();
  });

  it('refuses to register a route without an access rule', async () => {
    const bare = Fastify();
    bare.addHook('onRoute', assertAccessRule);
    expect(() => bare.get('/no-rule', async () => 'x')).toThrow(/no access rule/);
    expect(() => bare.get('/with-rule', { config: { access: 'public' } }, async () => 'x')).not.toThrow();
    await bare.close();
  });
});
