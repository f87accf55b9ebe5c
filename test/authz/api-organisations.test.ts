/** The organisations API (/api/v1/organisations): constituents read their own organisation only. */
import { afterAll, describe, expect, it } from 'vitest';
import { buildTestApp } from '../helpers/app';
import { anonymousOf, browserOf, expectAllowed, expectRefused } from './expect-refused';
import { buildWorld } from './world';

const t = await buildTestApp();
const world = await buildWorld(t);
afterAll(() => t.close());
const orgUrl = `/api/v1/organisations/${world.orgA.id}`;

describe('API: organisations', () => {
  it('answers 401 problem+json to anonymous callers', async () => {
    const res = await expectRefused(t, anonymousOf(t), { method: 'GET', url: '/api/v1/organisations' }, [401]);
    expect(res.headers['content-type']).toContain('application/problem+json');
  });

  it("answers another organisation's people 404 for reading and 403/404 for changing, and changes nothing", async () => {
    for (const who of [world.memberB, world.managerB]) {
      const browser = await browserOf(t, who);
      await expectRefused(t, browser, { method: 'GET', url: orgUrl }, [404]);
      await expectRefused(t, browser, { method: 'PATCH', url: orgUrl, json: { nameFr: 'Hijacked', version: 1 } }, [403, 404]);
      await expectRefused(t, browser, { method: 'POST', url: `${orgUrl}/suspend` }, [403, 404]);
    }
  });

  it('refuses constituents the creation of an organisation (403) and changes nothing', async () => {
    await expectRefused(t, await browserOf(t, world.managerB), { method: 'POST', url: '/api/v1/organisations', json: { nameFr: 'Planted', nameAr: 'مزروع', nameEn: 'Planted', category: 'vital-infrastructure', sectorCode: 'energy' } }, [403]);
  });

  it('lists only their own organisation to constituents', async () => {
    const res = await expectAllowed(t, await browserOf(t, world.memberB), { method: 'GET', url: '/api/v1/organisations' });
    const ids = res.json<{ items: { id: string }[] }>().items.map((o) => o.id);
    expect(ids).toEqual([world.orgB.id]);
  });
});
