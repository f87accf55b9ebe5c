/** API tokens and sessions over the API: one's own only, and a token never does more than its scopes. */
import { afterAll, describe, expect, it } from 'vitest';
import { buildTestApp } from '../helpers/app';
import { anonymousOf, bearerOf, browserOf, expectAllowed, expectRefused } from './expect-refused';
import { buildApiToken, buildWorld } from './world';

const t = await buildTestApp();
const world = await buildWorld(t);
afterAll(() => t.close());

describe('API tokens', () => {
  it('answers 401 problem+json to anonymous callers', async () => {
    for (const url of ['/api/v1/tokens', '/api/v1/sessions', '/api/v1/me']) {
      const res = await expectRefused(t, anonymousOf(t), { method: 'GET', url }, [401]);
      expect(res.headers['content-type']).toContain('application/problem+json');
    }
  });

  it('answers 401 to an unknown or revoked bearer token and changes nothing', async () => {
    await expectRefused(t, bearerOf('ribat_unknown0000_abcdefghijklmnopqrstuvwxyz'), { method: 'GET', url: '/api/v1/me' }, [401]);
    const revoked = await buildApiToken(t, world.memberA, ['read']);
    await t.database.db.updateTable('api_token').set({ revoked_at: new Date().toISOString() }).where('id', '=', revoked.id).execute();
    await expectRefused(t, bearerOf(revoked.secret), { method: 'GET', url: '/api/v1/me' }, [401]);
  });

  it("does not let someone revoke another person's token (404) and changes nothing", async () => {
    const own = await buildApiToken(t, world.memberB, ['read', 'write']);
    await expectRefused(t, bearerOf(own.secret), { method: 'DELETE', url: `/api/v1/tokens/${world.tokenA.id}` }, [403, 404]);
    await expectRefused(t, await browserOf(t, world.memberB), { method: 'DELETE', url: `/api/v1/tokens/${world.tokenA.id}` }, [404]);
  });

  it("does not let someone sign out another person's session (404)", async () => {
    await expectRefused(t, await browserOf(t, world.memberB), { method: 'DELETE', url: `/api/v1/sessions/${world.sessionA}` }, [404]);
  });

  it('lists only the caller’s own tokens', async () => {
    const res = await expectAllowed(t, await browserOf(t, world.memberB), { method: 'GET', url: '/api/v1/tokens' });
    expect(res.body).not.toContain(world.tokenA.id);
  });

  it('refuses a read-only token the creation of a new token (403) and changes nothing', async () => {
    await expectRefused(t, bearerOf(world.tokenA.secret), { method: 'POST', url: '/api/v1/tokens', json: { name: 'escalate', scopes: ['read', 'write'], expiresInDays: 30 } }, [403]);
  });

  it("refuses an administrator's read-only token any administration (403) and changes nothing", async () => {
    const token = await buildApiToken(t, world.admin, ['read']);
    await expectRefused(t, bearerOf(token.secret), { method: 'GET', url: '/api/v1/users' }, [403]);
    await expectRefused(t, bearerOf(token.secret), { method: 'POST', url: `/api/v1/users/${world.memberA.id}/disable` }, [403]);
    await expectRefused(t, bearerOf(token.secret), { method: 'GET', url: '/api/v1/audit-events' }, [403]);
  });
});
