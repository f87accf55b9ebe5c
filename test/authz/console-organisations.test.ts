/** Organisation pages (/console/organisations and /organisation): staff manage, constituents see only their own. */
import { afterAll, describe, expect, it } from 'vitest';
import { buildTestApp } from '../helpers/app';
import { anonymousOf, browserOf, expectAllowed, expectRefused } from './expect-refused';
import { discoverForm } from './route-harness';
import { buildWorld } from './world';

const t = await buildTestApp();
const world = await buildWorld(t);
afterAll(() => t.close());
const orgUrl = `/console/organisations/${world.orgA.id}`;

describe('console: organisations', () => {
  it('sends anonymous visitors to sign in', async () => {
    for (const url of ['/console/organisations', orgUrl, '/organisation']) {
      const res = await expectRefused(t, anonymousOf(t), { method: 'GET', url }, [303]);
      expect(String(res.headers.location)).toMatch(/^\/login/);
    }
  });

  it('refuses constituents the list and the creation form (403) and changes nothing', async () => {
    for (const who of [world.memberB, world.managerB]) {
      const browser = await browserOf(t, who);
      await expectRefused(t, browser, { method: 'GET', url: '/console/organisations' }, [403]);
      await expectRefused(t, browser, { method: 'POST', url: '/console/organisations/new', form: { nameFr: 'Planted' } }, [403]);
    }
  });

  it("answers another organisation's people 404 (or 403 for changes they may never make) and changes nothing", async () => {
    const form = await discoverForm(t, await browserOf(t, world.admin), orgUrl);
    for (const who of [world.memberB, world.managerB]) {
      const browser = await browserOf(t, who);
      await expectRefused(t, browser, { method: 'GET', url: orgUrl }, [404]);
      await expectRefused(t, browser, { method: 'POST', url: orgUrl, form }, [403, 404]);
      await expectRefused(t, browser, { method: 'POST', url: `${orgUrl}/suspend` }, [403, 404]);
      await expectRefused(t, browser, { method: 'POST', url: `${orgUrl}/reactivate` }, [403, 404]);
    }
  });

  it("refuses a member their own organisation's changes (403) and changes nothing", async () => {
    await expectRefused(t, await browserOf(t, world.managerA), { method: 'POST', url: `${orgUrl}/suspend` }, [403]);
  });

  it('shows constituents their own organisation only (positive control)', async () => {
    const res = await expectAllowed(t, await browserOf(t, world.memberA), { method: 'GET', url: '/organisation' });
    expect(res.body).toContain(world.orgA.nameFr);
    expect(res.body).not.toContain(world.orgB.nameFr);
    await expectAllowed(t, await browserOf(t, world.admin), { method: 'GET', url: orgUrl });
  });
});
