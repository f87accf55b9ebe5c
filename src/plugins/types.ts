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
    /**
     * Skips the CSRF check, for RFC 8058 one-click unsubscribe only (`POST /subscribe/unsubscribe?token=…`): mail
     * providers POST there from their servers, without cookies or form token. Safe because the secret token in
     * the URL is the credential (a forger would need it), the route only ever unsubscribes, and it acts on no
     * ambient authority (no session is read). No other route may set it (test/subscriptions-unsubscribe.test.ts).
     */
    csrfExempt?: 'rfc8058-one-click';
    /**
     * The answer is a document that holds no form (feeds, JSON, sitemap, PDF): no CSRF cookie is minted for it,
     * so shared caches can store public answers (a Set-Cookie makes most of them refuse).
     */
    formless?: true;
  }
}
