import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { buildTestApp, type TestApp } from './helpers/app';
import { anonymousBrowser, form } from './helpers/factories';

let t: TestApp;
beforeAll(async () => {
  t = await buildTestApp({ RIBAT_TRUST_PROXY: 'true', RIBAT_LOGIN_RATE_LIMIT: '2' });
});
afterAll(async () => {
  await t.close();
});

describe('behind one reverse proxy (RIBAT_TRUST_PROXY=true)', () => {
  it('keys the sign-in rate limit on the address the proxy saw, whatever the client wrote in X-Forwarded-For', async () => {
    const browser = anonymousBrowser(t);
    const statuses: number[] = [];
    for (const spoofed of ['192.0.2.1', '192.0.2.2', '192.0.2.3']) {
      const body = form({ email: 'nobody@example.org', password: 'not a password at all' }, browser.csrf);
      const res = await t.app.inject({
        method: 'POST',
        url: '/login',
        payload: body.payload,
        cookies: browser.cookies,
        remoteAddress: '10.0.0.5',
        // The proxy appends the peer it saw; everything to its left came from the client.
        headers: { ...body.headers, 'x-forwarded-for': `${spoofed}, 198.51.100.7` },
      });
      statuses.push(res.statusCode);
    }
    expect(statuses).toEqual([400, 400, 429]);
    // Another real client behind the same proxy is not affected.
    const other = form({ email: 'nobody@example.org', password: 'not a password at all' }, browser.csrf);
    const res = await t.app.inject({ method: 'POST', url: '/login', payload: other.payload, cookies: browser.cookies, remoteAddress: '10.0.0.5', headers: { ...other.headers, 'x-forwarded-for': '198.51.100.8' } });
    expect(res.statusCode).toBe(400);
  });
});
