/** The audit trail, the outbox and the jobs page: administrators only, for reading; nothing else may see them. */
import { afterAll, describe, expect, it } from 'vitest';
import { buildTestApp } from '../helpers/app';
import { buildUser } from '../helpers/factories';
import { anonymousOf, browserOf, expectAllowed, expectRefused } from './expect-refused';
import { buildWorld } from './world';

const t = await buildTestApp();
const world = await buildWorld(t);
const analyst = await buildUser(t.database, { roles: ['analyst'] });
const coordinator = await buildUser(t.database, { roles: ['coordinator'] });
afterAll(() => t.close());

const adminOnly = ['/console/audit', '/console/audit/verify', `/console/audit/${world.auditSeq}`, '/api/v1/audit-events', `/api/v1/audit-events/${world.auditSeq}`, '/console/outbox', '/api/v1/emails', '/console/jobs'];

describe('console: audit trail, outbox and jobs', () => {
  it.each(adminOnly.map((u) => [u]))('%s refuses anonymous callers, staff without the permission and constituents', async (url) => {
    const anon = await expectRefused(t, anonymousOf(t), { method: 'GET', url }, [303, 401]);
    if (url.startsWith('/api/')) expect(anon.statusCode).toBe(401);
    else expect(String(anon.headers.location)).toMatch(/^\/login/);
    for (const who of [analyst, coordinator, world.managerA, world.memberA]) {
      await expectRefused(t, await browserOf(t, who), { method: 'GET', url }, [403]);
    }
    await expectAllowed(t, await browserOf(t, world.admin), { method: 'GET', url });
  });

  it('does not let anyone but an administrator retry an e-mail', async () => {
    await expectRefused(t, await browserOf(t, analyst), { method: 'POST', url: `/console/outbox/${world.orgA.id}/retry` }, [403]);
  });
});
