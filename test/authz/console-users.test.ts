/**
 * User administration pages (/console/users): administrators see everyone; an organisation manager sees and
 * manages only the people of their own organisation; members are refused; another organisation's people are 404.
 */
import { afterAll, describe, expect, it } from 'vitest';
import { buildTestApp } from '../helpers/app';
import { anonymousOf, browserOf, expectAllowed, expectRefused } from './expect-refused';
import { discoverForm } from './route-harness';
import { buildWorld } from './world';

const t = await buildTestApp();
const world = await buildWorld(t);
afterAll(() => t.close());
const userUrl = `/console/users/${world.memberA.id}`;

describe('console: users', () => {
  it('sends anonymous visitors to sign in', async () => {
    const res = await expectRefused(t, anonymousOf(t), { method: 'GET', url: '/console/users' }, [303]);
    expect(String(res.headers.location)).toMatch(/^\/login/);
  });

  it('refuses organisation members (403) and changes nothing', async () => {
    const member = await browserOf(t, world.memberB);
    await expectRefused(t, member, { method: 'GET', url: '/console/users' }, [403]);
    await expectRefused(t, member, { method: 'POST', url: '/console/users/new', form: { email: 'new@example.ma', displayName: 'New', roles: 'org_member' } }, [403]);
    await expectRefused(t, member, { method: 'POST', url: `/console/users/${world.memberB.id}/disable` }, [403]);
  });

  it("answers another organisation's manager 404 for a user, on every action, and changes nothing", async () => {
    const form = await discoverForm(t, await browserOf(t, world.admin), userUrl);
    const manager = await browserOf(t, world.managerB);
    await expectRefused(t, manager, { method: 'GET', url: userUrl }, [404]);
    await expectRefused(t, manager, { method: 'POST', url: userUrl, form }, [404]);
    for (const action of ['disable', 'enable', 'resend-invitation']) {
      await expectRefused(t, manager, { method: 'POST', url: `${userUrl}/${action}` }, [404]);
    }
  });

  it("lists only the manager's own organisation", async () => {
    const res = await expectAllowed(t, await browserOf(t, world.managerB), { method: 'GET', url: '/console/users' });
    expect(res.body).toContain(world.memberB.email);
    expect(res.body).not.toContain(world.memberA.email);
  });

  it('lets the same organisation’s manager and an administrator open the user (positive control)', async () => {
    await expectAllowed(t, await browserOf(t, world.managerA), { method: 'GET', url: userUrl });
    await expectAllowed(t, await browserOf(t, world.admin), { method: 'GET', url: userUrl });
  });
});
