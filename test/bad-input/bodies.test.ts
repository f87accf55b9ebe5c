/**
 * Hostile bodies against every state-changing route of the route table (POST, PUT, PATCH, DELETE), signed in
 * as an administrator and, for public routes, anonymously: malformed and mistyped JSON, unknown fields,
 * oversized bodies, attack strings, invalid UTF-8 and broken percent-encoding. No answer may be a 5xx, a
 * refused request changes nothing, and stored hostile strings come back escaped.
 */
import { afterAll, describe, expect, it } from 'vitest';
import { buildTestApp } from '../helpers/app';
import { anonymousBrowser, loginAs, type SignedIn } from '../helpers/factories';
import { callerFrom, discoverForm, fillUrl, isApiRoute, paramNames, requestRoute, routeLabel, send, unsafeMethods, type Caller } from '../authz/route-harness';
import { buildWorld, realParam, sampledParam } from '../authz/world';
import { badCases, hasRawScript, judgeCase } from './cases';

const t = await buildTestApp({ RIBAT_LOGIN_RATE_LIMIT: '10000', RIBAT_FORM_RATE_LIMIT: '10000' });
const world = await buildWorld(t);
afterAll(() => t.close());

const mutating = t.app.ribatRoutes.filter((r) => unsafeMethods.has(r.method));

/**
 * A signed-in administrator whose session is still valid: the same one while it lasts, a new one after a case
 * signed it out or revoked it. (A new session per request made the session table, read by every digest, grow
 * to thousands of rows: the suite's time grew with the square of the number of routes.)
 */
let adminSession: SignedIn | undefined;
async function admin(): Promise<Caller> {
  if (adminSession !== undefined) {
    const row = await t.database.db.selectFrom('session').select(['revoked_at']).where('id', '=', adminSession.sessionId).executeTakeFirst();
    const user = await t.database.db.selectFrom('user_account').select(['status']).where('id', '=', world.admin.id).executeTakeFirst();
    if (row === undefined || row.revoked_at !== null || user?.status !== 'active') adminSession = undefined;
  }
  adminSession ??= await loginAs(t, world.admin);
  return callerFrom(adminSession);
}

function anonymous(): Caller {
  return callerFrom(anonymousBrowser(t));
}

it('finds state-changing routes in the route table', () => {
  expect(mutating.length).toBeGreaterThan(0);
});

describe.each(mutating.map((r) => [routeLabel(r), r] as const))('%s', (_label, route) => {
  const url = fillUrl(route.url, (name) => realParam(world, route, name));

  it('as an administrator: refuses or safely handles every hostile body, never a 5xx', async () => {
    const fields = isApiRoute(route) ? [] : Object.keys(await discoverForm(t, await admin(), url));
    const problems: string[] = [];
    for (const c of badCases(t, route, (await admin()).csrf, fields)) {
      problems.push(...(await judgeCase(t, route, url, await admin(), c)));
    }
    expect(problems.join('\n')).toBe('');
  });

  if (route.access === 'public') {
    it('anonymously: refuses or safely handles every hostile body, never a 5xx', async () => {
      const fields = isApiRoute(route) ? [] : Object.keys(await discoverForm(t, anonymous(), url));
      const problems: string[] = [];
      for (const c of badCases(t, route, anonymous().csrf, fields)) {
        problems.push(...(await judgeCase(t, route, url, anonymous(), c)));
      }
      expect(problems.join('\n')).toBe('');
    });
  }

  if (paramNames(route.url).length > 0) {
    it('answers 4xx for a path parameter that is unknown, not a UUID or 300 characters long, and changes nothing', async () => {
      const problems: string[] = [];
      for (const param of paramNames(route.url)) {
        for (const [name, value] of [
          ['non-existent id', sampledParam(route, param)],
          ['not a UUID', 'not-a-uuid'],
          ['300 characters', 'x'.repeat(300)],
        ] as const) {
          const target = fillUrl(route.url, (n) => (n === param ? value : realParam(world, route, n)));
          const caller = await admin();
          const probe = await requestRoute(t, caller, route, target);
          if (probe.statusCode < 400) {
            problems.push(`${param} = ${name}: answered ${probe.statusCode}`);
            continue;
          }
          // Same request again under the digest, to prove a refused request wrote nothing.
          problems.push(...(await judgeCase(t, route, target, await admin(), { name: `${param} = ${name}`, mustRefuse: true, ...bodyFor(route, caller) })));
        }
      }
      expect(problems.join('\n')).toBe('');
    });
  }
});

function bodyFor(route: { url: string }, caller: Caller): { payload: string; contentType: string } {
  return isApiRoute(route) ? { payload: '{}', contentType: 'application/json' } : { payload: `_csrf=${encodeURIComponent(caller.csrf)}`, contentType: 'application/x-www-form-urlencoded' };
}

describe('after the hostile requests', () => {
  it('left Object.prototype unpolluted', () => {
    expect(({} as Record<string, unknown>).polluted).toBeUndefined();
  });

  it('renders every HTML page escaped: no stored script comes back raw', async () => {
    const pages = t.app.ribatRoutes.filter((r) => r.method === 'GET' && !isApiRoute(r));
    const raw: string[] = [];
    for (const route of pages) {
      const res = await send(t, await admin(), { method: 'GET', url: fillUrl(route.url, (name) => realParam(world, route, name)) });
      if (hasRawScript(res)) raw.push(routeLabel(route));
    }
    expect(pages.length).toBeGreaterThan(0);
    expect(raw.join('\n')).toBe('');
  });
});
