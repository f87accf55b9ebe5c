/**
 * Garbage query strings and path parameters against every GET route of the route table, as an administrator
 * and anonymously: never a 5xx, a field-naming problem for JSON 400s, no reflected script, nothing written.
 */
import { afterAll, describe, expect, it } from 'vitest';
import { buildTestApp } from '../helpers/app';
import { anonymousBrowser, loginAs } from '../helpers/factories';
import { callerFrom, changedTables, describeResponse, digestDatabase, fillUrl, isApiRoute, paramNames, problemNamesAField, routeLabel, routeSchemas, send, type Caller } from '../authz/route-harness';
import { buildWorld, realParam, sampledParam } from '../authz/world';
import { garbageQueries, wrongTypes } from './payloads';
import { hasRawScript } from './cases';

const t = await buildTestApp({ RIBAT_LOGIN_RATE_LIMIT: '10000', RIBAT_FORM_RATE_LIMIT: '10000' });
const world = await buildWorld(t);
afterAll(() => t.close());

const reads = t.app.ribatRoutes.filter((r) => r.method === 'GET');

/**
 * Query strings for one route: the common garbage, then for each declared query parameter a script, a 400-digit
 * number, the parameter repeated, and one value of the wrong type (the types rotate over the parameters, so a
 * route with several parameters meets all of them; every parameter meeting every type cost minutes per database
 * and tested the same schema validation again).
 */
function queriesFor(route: (typeof reads)[number]): { query: string; anonymously: boolean }[] {
  const declared = Object.keys(routeSchemas(route).querystring?.properties ?? {});
  const typed = declared.flatMap((name, index) => {
    const wrong = wrongTypes[index % wrongTypes.length] ?? wrongTypes[0];
    const key = encodeURIComponent(name);
    return [
      ...(wrong ? [`${key}=${encodeURIComponent(typeof wrong.value === 'string' ? wrong.value : JSON.stringify(wrong.value))}`] : []),
      `${key}=${encodeURIComponent('<script>alert("ribat-xss")</script>')}`,
      `${key}=${'9'.repeat(400)}`,
      `${key}=a&${key}=b`,
    ];
  });
  // Anonymous callers get the common garbage everywhere, and everything on public routes (elsewhere they are
  // turned away before the query is read).
  const anonymously = route.access === 'public';
  return [
    ...[...garbageQueries, `q=${encodeURIComponent('<script>alert("ribat-xss")</script>')}`].map((query) => ({ query, anonymously: true })),
    ...typed.map((query) => ({ query, anonymously })),
  ];
}

async function judge(route: (typeof reads)[number], caller: Caller, url: string, mustRefuse: boolean): Promise<string[]> {
  const problems: string[] = [];
  const before = await digestDatabase(t.database);
  const res = await send(t, caller, { method: 'GET', url });
  const changed = changedTables(before, await digestDatabase(t.database));
  const what = `${url.slice(0, 160)} → ${describeResponse(res)}`;
  if (res.statusCode >= 500) problems.push(`5xx: ${what}`);
  if (mustRefuse && res.statusCode < 400) problems.push(`not refused: ${what}`);
  if (isApiRoute(route) && res.statusCode === 400 && !problemNamesAField(res)) problems.push(`400 without a field-naming problem: ${what}`);
  if (hasRawScript(res)) problems.push(`reflected raw script: ${what}`);
  if (changed.length > 0) problems.push(`a GET changed ${changed.join(', ')}: ${what}`);
  return problems;
}

it('finds GET routes in the route table', () => {
  expect(reads.length).toBeGreaterThan(5);
});

describe.each(reads.map((r) => [routeLabel(r), r] as const))('%s', (_label, route) => {
  const url = fillUrl(route.url, (name) => realParam(world, route, name));

  it('survives garbage query strings, as an administrator and anonymously', async () => {
    const problems: string[] = [];
    // One sign-in per route: a GET never ends a session, and signing in for each of the ~170 queries (argon2id)
    // made this suite slow enough to time out on a loaded machine.
    const admin = callerFrom(await loginAs(t, world.admin));
    for (const { query, anonymously } of queriesFor(route)) {
      problems.push(...(await judge(route, admin, `${url}?${query}`, false)));
      if (anonymously) problems.push(...(await judge(route, callerFrom(anonymousBrowser(t)), `${url}?${query}`, false)));
    }
    expect(problems.join('\n')).toBe('');
  });

  if (paramNames(route.url).length > 0) {
    it('answers 4xx for a path parameter that is unknown, not a UUID or 300 characters long', async () => {
      const problems: string[] = [];
      const admin = callerFrom(await loginAs(t, world.admin));
      for (const param of paramNames(route.url)) {
        for (const value of [sampledParam(route, param), 'not-a-uuid', 'x'.repeat(300), '..%2F..%2Fetc%2Fpasswd', '%00']) {
          const target = fillUrl(route.url, (n) => (n === param ? value : realParam(world, route, n)));
          // fillUrl encodes: undo it for the two values that are already URL fragments.
          const raw = value.includes('%') ? target.replace(encodeURIComponent(value), value) : target;
          problems.push(...(await judge(route, admin, raw, true)));
        }
      }
      expect(problems.join('\n')).toBe('');
    });
  }
});
