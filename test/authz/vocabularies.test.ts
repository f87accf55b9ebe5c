/** Vocabularies: every signed-in person reads them; only administrators change them. */
import { afterAll, describe, it } from 'vitest';
import { buildTestApp } from '../helpers/app';
import { buildUser } from '../helpers/factories';
import { browserOf, expectAllowed, expectRefused } from './expect-refused';
import { buildWorld } from './world';

const t = await buildTestApp();
const world = await buildWorld(t);
const coordinator = await buildUser(t.database, { roles: ['coordinator'] });
afterAll(() => t.close());
const { vocabulary, code } = world.term;

describe('vocabularies', () => {
  it('are readable through the API by any signed-in person', async () => {
    await expectAllowed(t, await browserOf(t, world.memberB), { method: 'GET', url: '/api/v1/vocabularies' });
    await expectAllowed(t, await browserOf(t, world.memberB), { method: 'GET', url: `/api/v1/vocabularies/${vocabulary}/terms` });
  });

  it('refuse changes from everyone but administrators (403) and nothing changes', async () => {
    for (const who of [coordinator, world.managerA, world.memberA]) {
      const browser = await browserOf(t, who);
      await expectRefused(t, browser, { method: 'GET', url: '/console/vocabularies' }, [403]);
      await expectRefused(t, browser, { method: 'POST', url: `/console/vocabularies/${vocabulary}/${code}/retire` }, [403]);
      await expectRefused(t, browser, { method: 'PATCH', url: `/api/v1/vocabularies/${vocabulary}/terms/${code}`, json: { labelFr: 'Changé', version: 1 } }, [403]);
      await expectRefused(t, browser, { method: 'POST', url: `/api/v1/vocabularies/${vocabulary}/terms`, json: { code: 'planted', labelFr: 'x', labelAr: 'x', labelEn: 'x' } }, [403]);
    }
  });
});
