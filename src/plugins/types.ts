import type { FastifyInstance, FastifyBaseLogger, RawReplyDefaultExpression, RawRequestDefaultExpression, RawServerDefault } from 'fastify';
import type { TypeBoxTypeProvider } from '@fastify/type-provider-typebox';
import type { VNode } from 'preact';
import type { RequestContext } from '#src/core/context';
import type { Translator } from '#src/core/i18n/i18n';
import type { Permission, Role } from '#src/core/access';

/** The Fastify instance with TypeBox schemas as the type provider. */
export type App = FastifyInstance<RawServerDefault, RawRequestDefaultExpression, RawReplyDefaultExpression, FastifyBaseLogger, TypeBoxTypeProvider>;

/** Who may call a route. Every route must declare one (the app refuses to start otherwise). */
export type AccessRule =
  | 'public'
  /** A fully signed-in user (MFA done where required). */
  | 'signed-in'
  /** A session between password and MFA, or one that must enrol MFA first. */
  | 'mfa-step'
  | { permission: Permission };

/** The signed-in user as the request sees it. */
export interface AuthUser {
  id: string;
  email: string;
  displayName: string;
  roles: Role[];
  organisationId: string | null;
  locale: string | null;
  hasMfa: boolean;
}

export type AuthState =
  | { kind: 'anonymous' }
  | { kind: 'session'; sessionId: string; user: AuthUser; stage: 'full' | 'mfa-pending' | 'mfa-setup-required' }
  | { kind: 'token'; tokenId: string; user: AuthUser; scopes: string[] };

declare module 'fastify' {
  interface FastifyRequest {
    auth: AuthState;
    ctx: RequestContext;
    i18n: Translator;
    /** The CSRF token to embed in forms rendered for this request. */
    csrfToken: string;
    isApi: boolean;
  }
  interface FastifyReply {
    page(vnode: VNode, status?: number): FastifyReply;
  }
  interface FastifyContextConfig {
    access?: AccessRule;
  }
}
