/**
 * Helpers for the per-family authorisation files: sign people in, send one request, and assert that it was
 * refused with the expected status and that the database did not change at all.
 */
import { expect } from 'vitest';
import type { LightMyRequestResponse } from 'fastify';
import type { TestApp } from '../helpers/app';
import { anonymousBrowser, loginAs, type UserFixture } from '../helpers/factories';
import { callerFrom, changedTables, describeResponse, digestDatabase, formBody, send, type Caller } from './route-harness';

/** A browser signed in as the user (MFA done). */
export async function browserOf(t: TestApp, user: UserFixture): Promise<Caller> {
  return callerFrom(await loginAs(t, user));
}

/** A browser with no session. */
export function anonymousOf(t: TestApp): Caller {
  return callerFrom(anonymousBrowser(t));
}

/** An API client authenticated by a bearer token. */
export function bearerOf(secret: string): Caller {
  return { cookies: {}, csrf: '', bearer: secret };
}

export interface Attempt {
  method: 'GET' | 'POST' | 'PUT' | 'PATCH' | 'DELETE';
  url: string;
  /** Form fields (sent url-encoded with the CSRF field) or a JSON body. */
  form?: Record<string, string>;
  json?: unknown;
}

/** Sends one attempt as the caller. */
export async function attempt(t: TestApp, caller: Caller, a: Attempt): Promise<LightMyRequestResponse> {
  if (a.json !== undefined) return send(t, caller, { method: a.method, url: a.url, payload: JSON.stringify(a.json), contentType: 'application/json' });
  if (a.method !== 'GET') return send(t, caller, { method: a.method, url: a.url, payload: formBody(caller.csrf, a.form ?? {}), contentType: 'application/x-www-form-urlencoded' });
  return send(t, caller, { method: a.method, url: a.url });
}

/** Asserts the attempt is answered with one of `statuses` and leaves every table exactly as it was. */
export async function expectRefused(t: TestApp, caller: Caller, a: Attempt, statuses: number[]): Promise<LightMyRequestResponse> {
  const before = await digestDatabase(t.database);
  const res = await attempt(t, caller, a);
  expect(statuses, `${a.method} ${a.url} → ${describeResponse(res)}`).toContain(res.statusCode);
  expect(changedTables(before, await digestDatabase(t.database)), `${a.method} ${a.url} changed the database`).toEqual([]);
  return res;
}

/** Asserts the attempt succeeds (2xx or a 303 redirect that is not to /login): the positive control. */
export async function expectAllowed(t: TestApp, caller: Caller, a: Attempt): Promise<LightMyRequestResponse> {
  const res = await attempt(t, caller, a);
  const ok = (res.statusCode >= 200 && res.statusCode < 300) || (res.statusCode === 303 && !String(res.headers.location).startsWith('/login'));
  expect(ok, `${a.method} ${a.url} → ${describeResponse(res)}`).toBe(true);
  return res;
}
