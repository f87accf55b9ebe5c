import type { FastifyRequest } from 'fastify';
import type { Translator } from '#src/core/i18n/i18n';
import type { AuthUser } from '#src/plugins/types';
import { can, type Permission } from '#src/core/access';

/** What every page needs from the request: language, signed-in user, CSRF token, current path. */
export interface PageContext {
  i18n: Translator;
  user: AuthUser | null;
  csrfToken: string;
  /** Path and query of the current request, without `lang`, for the language switch. */
  path: string;
  siteName: string;
  can(permission: Permission): boolean;
}

/** Builds the page context from a request (the user only when fully signed in). */
export function pageContext(request: FastifyRequest, siteName: string): PageContext {
  const url = new URL(request.url, 'http://x');
  url.searchParams.delete('lang');
  const auth = request.auth;
  const user = auth.kind === 'session' && auth.stage === 'full' ? auth.user : null;
  return {
    i18n: request.i18n,
    user,
    csrfToken: request.csrfToken,
    path: url.pathname + url.search,
    siteName,
    can: (p) => user !== null && can(request.ctx.actor, p),
  };
}

/** The same path with `lang` set, for the language switch links. */
export function withLang(path: string, lang: string): string {
  const url = new URL(path, 'http://x');
  url.searchParams.set('lang', lang);
  return url.pathname + url.search;
}
