/**
 * The generic authorisation suite: walks the whole route table, so a route added tomorrow is covered without
 * anyone writing a test for it. Anonymous callers are turned away from every non-public route; organisation
 * members never reach a staff route; another organisation's people get 404 for organisation-scoped records.
 * Every refused request leaves the database exactly as it was.
 */
import { afterAll, describe, expect, it } from 'vitest';
import { can, type Actor } from '#src/core/access';
import { buildTestApp } from '../helpers/app';
import { anonymousBrowser, loginAs, type UserFixture } from '../helpers/factories';
import { callerFrom, changedTables, discoverForm, describeResponse, digestDatabase, fillUrl, isApiRoute, isStaffOnly, requestRoute, routeLabel, type Caller } from './route-harness';
import { buildWorld, isOrganisationScopedRecord, realParam, sampledParam } from './world';

const t = await buildTestApp({ RIBAT_LOGIN_RATE_LIMIT: '10000', RIBAT_FORM_RATE_LIMIT: '10000' });
const world = await buildWorld(t);
afterAll(() => t.close());

const routes = t.app.ribatRoutes;
const protectedRoutes = routes.filter((r) => r.access !== 'public');
const staffRoutes = protectedRoutes.filter((r) => isStaffOnly(r) || r.url === '/console' || r.url.startsWith('/console/'));
const scopedRoutes = protectedRoutes.filter((r) => isOrganisationScopedRecord(r) && typeof r.access === 'object' && !isStaffOnly(r));

function actorOf(user: UserFixture): Actor {
  return { kind: 'user', userId: user.id, label: user.email, roles: user.roles, organisationId: user.organisationId, scopes: null };
}

async function as(user: UserFixture): Promise<Caller> {
  return callerFrom(await loginAs(t, user));
}

describe('route table', () => {
  it('declares an access rule on every route', () => {
    expect(routes.length).toBeGreaterThan(5);
    for (const route of routes) expect(route.access, routeLabel(route)).toBeDefined();
  });

  it('has protected routes to check', () => {
    expect(protectedRoutes.length).toBeGreaterThan(0);
  });
});

describe.each(protectedRoutes.map((r) => [routeLabel(r), r] as const))('%s', (_label, route) => {
  const url = fillUrl(route.url, (name) => realParam(world, route, name));

  it('turns anonymous callers away (401 problem for the API, 303 to /login for pages) and changes nothing', async () => {
    const before = await digestDatabase(t.database);
    const res = await requestRoute(t, callerFrom(anonymousBrowser(t)), route, url);
    if (isApiRoute(route)) {
      expect(res.statusCode, describeResponse(res)).toBe(401);
      expect(res.headers['content-type']).toContain('application/problem+json');
    } else {
      expect(res.statusCode, describeResponse(res)).toBe(303);
      expect(String(res.headers.location)).toMatch(/^\/login(\?|$)/);
    }
    expect(changedTables(before, await digestDatabase(t.database))).toEqual([]);
  });

  if (staffRoutes.includes(route)) {
    it('refuses an organisation member (403 or 404, never 2xx or 5xx) and changes nothing', async () => {
      const caller = await as(world.memberB);
      const before = await digestDatabase(t.database);
      const res = await requestRoute(t, caller, route, url);
      expect([403, 404], `${describeResponse(res)}`).toContain(res.statusCode);
      expect(changedTables(before, await digestDatabase(t.database))).toEqual([]);
    });
  }

  if (scopedRoutes.includes(route)) {
    it.each([
      ['manager', 'managerB'],
      ['member', 'memberB'],
    ] as const)("answers another organisation's %s 404, exactly as for a record that does not exist, and changes nothing", async (_role, who) => {
      const user = world[who];
      if (typeof route.access !== 'object') throw new Error('scoped routes carry a permission');
      // The form exactly as the administrator's page fills it (hidden version included), replayed by an outsider.
      const form = isApiRoute(route) ? {} : await discoverForm(t, await as(world.admin), url);
      const caller = await as(user);
      const before = await digestDatabase(t.database);
      const res = await requestRoute(t, caller, route, url, form);
      const allowed = can(actorOf(user), route.access.permission);
      if (allowed) expect(res.statusCode, describeResponse(res)).toBe(404);
      else expect([403, 404], `${describeResponse(res)}`).toContain(res.statusCode);
      expect(changedTables(before, await digestDatabase(t.database))).toEqual([]);
      const missing = await requestRoute(t, await as(user), route, fillUrl(route.url, (name) => sampledParam(route, name)), form);
      expect(res.statusCode, 'same answer as for a record that does not exist').toBe(missing.statusCode);
    });
  }
});
