import type { FastifyInstance, FastifyReply, FastifyRequest } from 'fastify';
import type { Config } from '#src/config/config';
import type { DatabaseHandle } from '#src/db/database';
import type { Clock } from '#src/core/time';
import type { Messages } from '#src/core/i18n/i18n';
import type { Actor, TokenScope } from '#src/core/access';
import type { AccessRule, AuthState } from '#src/plugins/types';
import { anonymousActor, can, isStaffRole, tokenScopes } from '#src/core/access';
import { createTranslator, defaultLocale, isLocale, negotiateLocale, type Locale } from '#src/core/i18n/i18n';
import { lookupApiToken, lookupSession } from '#src/modules/identity/auth-lookup';
import { setUserLocale } from '#src/modules/identity/user-locale';
import { AppError } from '#src/core/errors';
import { hmac, randomToken, safeEqual } from '#src/core/ids';

export const SESSION_COOKIE = 'ribat_session';
export const CSRF_COOKIE = 'ribat_csrf';
export const LANG_COOKIE = 'ribat_lang';

export interface AuthPluginOptions {
  config: Config;
  database: DatabaseHandle;
  clock: Clock;
  catalogue: Messages<string>;
}

function actorFor(auth: AuthState): Actor {
  switch (auth.kind) {
    case 'anonymous':
      return anonymousActor;
    case 'session':
      if (auth.stage !== 'full') return anonymousActor;
      return { kind: 'user', userId: auth.user.id, label: auth.user.email, roles: auth.user.roles, organisationId: auth.user.organisationId, scopes: null };
    case 'token':
      return {
        kind: 'user',
        userId: auth.user.id,
        label: `${auth.user.email} (token)`,
        roles: auth.user.roles,
        organisationId: auth.user.organisationId,
        scopes: auth.scopes.filter((s): s is TokenScope => (tokenScopes as readonly string[]).includes(s)),
      };
  }
}

/** The CSRF token forms must echo: bound to the browser's CSRF cookie by an HMAC with the installation secret. */
export function csrfTokenFor(secret: string, cookieValue: string): string {
  return hmac(secret, `csrf:${cookieValue}`);
}

const unsafeMethods = new Set(['POST', 'PUT', 'PATCH', 'DELETE']);

/** True when a token's scopes allow a `signed-in` route: `write` for unsafe methods, else `read` or `write`. */
export function tokenMayUseSignedInRoute(scopes: readonly string[], isUnsafe: boolean): boolean {
  return scopes.includes('write') || (!isUnsafe && scopes.includes('read'));
}

/** Returns the access rule declared on the matched route (undefined for unmatched URLs). */
export function routeAccess(request: FastifyRequest): AccessRule | undefined {
  return request.routeOptions.config?.access;
}

function redirectToLogin(request: FastifyRequest, reply: FastifyReply): FastifyReply {
  const next = encodeURIComponent(request.url);
  return reply.redirect(`/login?next=${next}`, 303);
}

/**
 * Resolves who is calling (session cookie or bearer token), the language, the request context and the CSRF
 * token, then enforces the route's access rule before the body is even validated.
 */
export function registerAuth(app: FastifyInstance, options: AuthPluginOptions): void {
  const { config, database, clock, catalogue } = options;
  const secure = config.publicUrl.startsWith('https:');

  app.decorateRequest('auth', null as never);
  app.decorateRequest('ctx', null as unknown as FastifyRequest['ctx']);
  app.decorateRequest('i18n', null as unknown as FastifyRequest['i18n']);
  app.decorateRequest('csrfToken', '');
  app.decorateRequest('isApi', false);

  app.addHook('onRequest', async (request, reply) => {
    const now = clock.now();
    request.isApi = request.url.startsWith('/api/');

    // 1. Who is calling.
    let auth: AuthState = { kind: 'anonymous' };
    const header = request.headers.authorization;
    if (header !== undefined && request.isApi) {
      const match = /^Bearer\s+(\S+)$/i.exec(header);
      const found = match?.[1] ? await lookupApiToken(database.db, match[1], now) : null;
      if (!found) {
        request.auth = auth;
        request.i18n = createTranslator(catalogue, negotiateLocale(request.headers['accept-language']) ?? defaultLocale, config.timezone);
        request.ctx = { actor: anonymousActor, requestId: request.id, locale: request.i18n.locale, clock, ip: request.ip };
        throw new AppError('unauthenticated', [], undefined, { 'www-authenticate': 'Bearer error="invalid_token"' });
      }
      auth = { kind: 'token', tokenId: found.tokenId, user: found.user, scopes: found.scopes };
    } else {
      const cookie = request.cookies[SESSION_COOKIE];
      if (cookie) {
        const found = await lookupSession(database.db, cookie, now, config.sessionIdleMinutes);
        if (found) {
          const staff = found.user.roles.some(isStaffRole);
          const stage = found.mfaVerified
            ? 'full'
            : found.user.hasMfa
              ? 'mfa-pending'
              : staff && config.mfaRequiredForStaff
                ? 'mfa-setup-required'
                : 'full';
          auth = { kind: 'session', sessionId: found.sessionId, user: found.user, stage };
        } else {
          reply.clearCookie(SESSION_COOKIE, { path: '/' });
        }
      }
    }
    request.auth = auth;

    // 2. Which language: ?lang=, then the user's preference, then the cookie, then Accept-Language.
    const query = request.query as Record<string, unknown> | undefined;
    const fromQuery = query && isLocale(query.lang) ? query.lang : null;
    const fromCookie = isLocale(request.cookies[LANG_COOKIE]) ? (request.cookies[LANG_COOKIE]) : null;
    const user = auth.kind === 'anonymous' ? null : auth.user;
    const fromUser = user && isLocale(user.locale) ? user.locale : null;
    const locale: Locale = fromQuery ?? fromUser ?? fromCookie ?? negotiateLocale(request.headers['accept-language']) ?? defaultLocale;
    if (fromQuery && fromQuery !== fromCookie) {
      reply.setCookie(LANG_COOKIE, fromQuery, { path: '/', sameSite: 'lax', httpOnly: true, secure, maxAge: 365 * 24 * 3600 });
    }
    request.i18n = createTranslator(catalogue, locale, config.timezone);
    request.ctx = { actor: actorFor(auth), requestId: request.id, locale, clock, ip: request.ip };
    if (fromQuery && auth.kind === 'session' && auth.stage === 'full' && fromUser !== null && fromUser !== fromQuery && request.headers['sec-fetch-site'] !== 'cross-site') {
      // An explicit switch by a signed-in user becomes their preference, so it sticks across devices (a link
      // from another site only changes this page's language, not the stored preference).
      await setUserLocale(database, request.ctx, auth.user.id, fromQuery);
    }

    // 3. CSRF token for the forms of this page (a cookie per browser, echoed as an HMAC in forms).
    let csrfCookie = request.cookies[CSRF_COOKIE];
    const formless = request.routeOptions.config?.formless === true && (request.method === 'GET' || request.method === 'HEAD');
    if (formless && (!csrfCookie || !/^[A-Za-z0-9_-]{32,64}$/.test(csrfCookie))) {
      // A document without forms: the token is never used, so do not mint a cookie (see FastifyContextConfig.formless).
      csrfCookie = undefined;
    } else if (!csrfCookie || !/^[A-Za-z0-9_-]{32,64}$/.test(csrfCookie)) {
      csrfCookie = randomToken(24);
      reply.setCookie(CSRF_COOKIE, csrfCookie, { path: '/', sameSite: 'strict', httpOnly: true, secure });
      request.cookies[CSRF_COOKIE] = csrfCookie;
      (request as FastifyRequest & { csrfFresh?: boolean }).csrfFresh = true;
    }
    request.csrfToken = csrfCookie === undefined ? '' : csrfTokenFor(config.secret, csrfCookie);

    // 4. The route's access rule.
    const rule = routeAccess(request);
    if (rule === undefined) return; // unmatched URL: the not-found handler answers
    if (rule === 'public') return;
    if (rule === 'mfa-step') {
      if (auth.kind === 'session') return;
      if (request.isApi) throw new AppError('unauthenticated');
      return redirectToLogin(request, reply);
    }
    if (auth.kind === 'anonymous') {
      if (request.isApi) throw new AppError('unauthenticated', [], undefined, { 'www-authenticate': 'Bearer' });
      return redirectToLogin(request, reply);
    }
    if (auth.kind === 'session' && auth.stage !== 'full') {
      if (request.isApi) throw new AppError('unauthenticated');
      return reply.redirect(auth.stage === 'mfa-pending' ? '/login/mfa' : '/account/mfa/setup', 303);
    }
    if (rule === 'signed-in') {
      // A token reaches "any signed-in user" routes only within its scopes: reading needs `read` (or `write`,
      // which implies it) and changing anything needs `write`, so an `audit:read`-only token cannot list the
      // owner's sessions, and no token can write through a route that forgot to name a permission.
      if (auth.kind === 'token' && !tokenMayUseSignedInRoute(auth.scopes, unsafeMethods.has(request.method))) throw new AppError('forbidden');
      return;
    }
    if (!can(request.ctx.actor, rule.permission)) throw new AppError('forbidden');
  });

  // CSRF check on every state-changing request that a browser could send with ambient credentials.
  app.addHook('preValidation', async (request) => {
    if (!unsafeMethods.has(request.method)) return;
    // RFC 8058 one-click unsubscribe: the token in the URL is the credential (see FastifyContextConfig.csrfExempt).
    if (request.routeOptions.config?.csrfExempt === 'rfc8058-one-click') return;
    if (request.auth.kind === 'token') return;
    if (request.isApi && request.cookies[SESSION_COOKIE] === undefined) return;
    if (request.headers['sec-fetch-site'] === 'cross-site') throw new AppError('forbidden', [], 'csrf');
    const body = request.body as Record<string, unknown> | undefined;
    const sent = (typeof body?._csrf === 'string' ? body._csrf : undefined) ?? request.headers['x-csrf-token'];
    if (typeof sent !== 'string' || request.csrfToken === '' || !safeEqual(sent, request.csrfToken)) {
      throw new AppError('forbidden', [], 'csrf');
    }
    if (body && typeof body === 'object' && '_csrf' in body) delete body._csrf;
  });
}
