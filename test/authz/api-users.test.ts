/** The users API (/api/v1/users): the same rules as the console, answered as problem+json. */
import { afterAll, describe, expect, it } from 'vitest';
import { buildTestApp } from '../helpers/app';
import { anonymousOf, browserOf, expectAllowed, expectRefused } from './expect-refused';
import { buildWorld } from './world';

const t = await buildTestApp();
const world = await buildWorld(t);
afterAll(() => t.close());
const userUrl = `/api/v1/users/${world.memberA.id}`;

describe('API: users', () => {
  it('answers 401 problem+json to anonymous callers and changes nothing', async () => {
    const res = await expectRefused(t, anonymousOf(t), { method: 'POST', url: '/api/v1/users', json: { email: 'x@example.ma', displayName: 'X', roles: ['org_member'] } }, [401]);
    expect(res.headers['content-type']).toContain('application/problem+json');
  });

  it('refuses organisation members (403) and changes nothing', async () => {
    const member = await browserOf(t, world.memberB);
    await expectRefused(t, member, { method: 'GET', url: '/api/v1/users' }, [403]);
    await expectRefused(t, member, { method: 'PATCH', url: `/api/v1/users/${world.memberB.id}`, json: { displayName: 'Me', version: 1 } }, [403]);
  });

  it("answers another organisation's manager 404 for a user, on every action, and changes nothing", async () => {
    const manager = await browserOf(t, world.managerB);
    await expectRefused(t, manager, { method: 'GET', url: userUrl }, [404]);
    await expectRefused(t, manager, { method: 'PATCH', url: userUrl, json: { displayName: 'Hijacked', version: 1 } }, [404]);
    await expectRefused(t, manager, { method: 'POST', url: `${userUrl}/disable` }, [404]);
    await expectRefused(t, manager, { method: 'POST', url: `${userUrl}/enable` }, [404]);
  });

  it("lists only the manager's own organisation", async () => {
    const res = await expectAllowed(t, await browserOf(t, world.managerB), { method: 'GET', url: '/api/v1/users' });
    const ids = res.json<{ items: { id: string }[] }>().items.map((u) => u.id);
    expect(ids).toContain(world.memberB.id);
    expect(ids).not.toContain(world.memberA.id);
  });

  it('does not let a manager create a user in another organisation or give a staff role', async () => {
    const manager = await browserOf(t, world.managerB);
    await expectRefused(t, manager, { method: 'POST', url: '/api/v1/users', json: { email: 'planted@example.ma', displayName: 'Planted', roles: ['org_member'], organisationId: world.orgA.id } }, [400, 403, 404]);
    await expectRefused(t, manager, { method: 'POST', url: '/api/v1/users', json: { email: 'boss@example.ma', displayName: 'Boss', roles: ['admin'] } }, [400, 403]);
  });
});
