import type { LightMyRequestResponse } from 'fastify';
import type { TestApp } from './app';
import { anonymousBrowser, form, type SignedIn, type UserFixture } from './factories';
import { hashToken } from '#src/core/ids';

/** A browser as the identity tests drive it: its cookies and the CSRF token its forms carry. */
export type Browser = SignedIn;

/** A fresh browser without a session. */
export function newBrowser(t: TestApp): Browser {
  return anonymousBrowser(t);
}

/** POSTs a form from a browser (CSRF field included). */
export function postForm(t: TestApp, browser: Browser, url: string, fields: Record<string, string>, headers: Record<string, string> = {}): Promise<LightMyRequestResponse> {
  const body = form(fields, browser.csrf);
  return t.app.inject({ method: 'POST', url, payload: body.payload, headers: { ...body.headers, 'user-agent': 'vitest-browser', ...headers }, cookies: browser.cookies });
}

/** GETs a page from a browser. */
export function getPage(t: TestApp, browser: Browser, url: string, headers: Record<string, string> = {}): Promise<LightMyRequestResponse> {
  return t.app.inject({ method: 'GET', url, cookies: browser.cookies, headers });
}

/** The session cookie a response sets, if any. */
export function sessionCookie(res: LightMyRequestResponse) {
  return res.cookies.find((c) => c.name === 'ribat_session' && c.value !== '');
}

/** The same browser, now holding the session cookie the response set. */
export function withSession(browser: Browser, res: LightMyRequestResponse): Browser {
  const cookie = sessionCookie(res);
  if (!cookie) throw new Error(`No session cookie in the response (status ${res.statusCode})`);
  return { ...browser, cookies: { ...browser.cookies, ribat_session: cookie.value }, sessionId: hashToken(cookie.value) };
}

/** Signs in through the real sign-in form and returns the browser with its (possibly MFA-pending) session. */
export async function signInWithPassword(t: TestApp, user: Pick<UserFixture, 'email' | 'password'>, next?: string): Promise<{ browser: Browser; res: LightMyRequestResponse }> {
  const browser = newBrowser(t);
  const res = await postForm(t, browser, '/login', { email: user.email, password: user.password, ...(next ? { next } : {}) });
  return { browser: withSession(browser, res), res };
}

/** The value of a hidden input in a rendered page. */
export function hiddenField(html: string, name: string): string | null {
  const match = new RegExp(`<input type="hidden" name="${name}" value="([^"]*)"`).exec(html);
  return match?.[1] ?? null;
}

/** All audit rows of an action, with their JSON payloads, for checks that no secret leaked. */
export async function auditRows(t: TestApp, action: string) {
  return t.database.db.selectFrom('audit_event').selectAll().where('action', '=', action).orderBy('seq').execute();
}

/** The whole audit trail as one string, to search for secrets that must not be there. */
export async function auditText(t: TestApp): Promise<string> {
  const rows = await t.database.db.selectFrom('audit_event').selectAll().execute();
  return JSON.stringify(rows);
}
