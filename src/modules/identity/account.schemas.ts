import { Type, type Static } from '@sinclair/typebox';
import type { AccountProfile, ApiToken, UserSession } from '#src/modules/identity/account.types';
import type { Locale } from '#src/core/i18n/i18n';
import { allRoles, tokenScopes } from '#src/core/access';
import { locales } from '#src/core/i18n/i18n';
import {
  TOKEN_EXPIRY_DEFAULT_DAYS,
  TOKEN_EXPIRY_MAX_DAYS,
  TOKEN_EXPIRY_MIN_DAYS,
  TOKEN_NAME_MAX,
  sessionPublicIdPattern,
  summariseUserAgent,
  tokenStatus,
} from '#src/modules/identity/account.types';

const DateTime = Type.String({ format: 'date-time' });
const NullableDateTime = Type.Union([DateTime, Type.Null()]);
const ScopeSchema = Type.Union(tokenScopes.map((s) => Type.Literal(s)));

/** `GET /api/v1/me`: who the caller is and how they authenticated. */
export const MeResponse = Type.Object({
  id: Type.String({ format: 'uuid' }),
  email: Type.String(),
  displayName: Type.String(),
  locale: Type.Union([...locales.map((l) => Type.Literal(l)), Type.Null()], { description: 'Preferred language; null follows the browser.' }),
  roles: Type.Array(Type.Union(allRoles.map((r) => Type.Literal(r)))),
  organisation: Type.Union([
    Type.Object({
      id: Type.String({ format: 'uuid' }),
      acronym: Type.Union([Type.String(), Type.Null()]),
      name: Type.String({ description: 'Name in the language of the request.' }),
    }),
    Type.Null(),
  ]),
  mfaEnabled: Type.Boolean(),
  lastLoginAt: NullableDateTime,
  passwordChangedAt: NullableDateTime,
  createdAt: DateTime,
  authentication: Type.Object({
    method: Type.Union([Type.Literal('session'), Type.Literal('token')]),
    scopes: Type.Union([Type.Array(ScopeSchema), Type.Null()], { description: 'Scopes of the API token used; null for a browser session.' }),
  }),
});
export type MeResponse = Static<typeof MeResponse>;

/** An API token as listed: never its text nor its hash. */
export const ApiTokenSchema = Type.Object({
  id: Type.String({ format: 'uuid' }),
  name: Type.String(),
  prefix: Type.String({ description: 'The first characters of the token, to recognise it.' }),
  scopes: Type.Array(ScopeSchema),
  status: Type.Union([Type.Literal('active'), Type.Literal('expired'), Type.Literal('revoked')]),
  createdAt: DateTime,
  expiresAt: DateTime,
  lastUsedAt: NullableDateTime,
  revokedAt: NullableDateTime,
});
export type ApiTokenJson = Static<typeof ApiTokenSchema>;

/** The answer to a token creation: the record and, this once, the token itself. */
export const CreatedApiTokenSchema = Type.Object({
  ...ApiTokenSchema.properties,
  token: Type.String({ description: 'The bearer token. Shown once: store it now, it cannot be retrieved again.' }),
});
export type CreatedApiTokenJson = Static<typeof CreatedApiTokenSchema>;

/** `POST /api/v1/tokens` body. */
export const CreateApiTokenBody = Type.Object(
  {
    name: Type.String({ minLength: 1, maxLength: TOKEN_NAME_MAX }),
    scopes: Type.Array(ScopeSchema, { minItems: 1, maxItems: tokenScopes.length, uniqueItems: true }),
    expiresInDays: Type.Optional(Type.Integer({ minimum: TOKEN_EXPIRY_MIN_DAYS, maximum: TOKEN_EXPIRY_MAX_DAYS, default: TOKEN_EXPIRY_DEFAULT_DAYS })),
  },
  { additionalProperties: false },
);
export type CreateApiTokenBody = Static<typeof CreateApiTokenBody>;

/** A browser session of the user, identified by its public id (never its key). */
export const SessionSchema = Type.Object({
  id: Type.String({ pattern: sessionPublicIdPattern, description: 'Public identifier of the session.' }),
  current: Type.Boolean({ description: 'True for the session making this request.' }),
  createdAt: DateTime,
  lastSeenAt: DateTime,
  expiresAt: DateTime,
  ip: Type.Union([Type.String(), Type.Null()]),
  userAgent: Type.Union([Type.String(), Type.Null()]),
  browser: Type.Union([Type.String(), Type.Null()]),
  os: Type.Union([Type.String(), Type.Null()]),
});
export type SessionJson = Static<typeof SessionSchema>;

export const TokenIdParams = Type.Object({ id: Type.String({ format: 'uuid' }) });
export const SessionIdParams = Type.Object({ id: Type.String({ pattern: sessionPublicIdPattern }) });
/** Page routes accept any short id and answer 404 for an unknown one, like any other missing record. */
export const PageIdParams = Type.Object({ id: Type.String({ minLength: 1, maxLength: 64 }) });

/** The `Idempotency-Key` request header of creations. */
export const IdempotencyHeaders = Type.Object({
  'idempotency-key': Type.Optional(Type.String({ minLength: 8, maxLength: 200, description: 'A retry with the same key and body returns the first answer.' })),
});

/** Serialises the caller's account for the API, with the organisation named in `locale`. */
export function serializeMe(profile: AccountProfile, locale: Locale, auth: { method: 'session' | 'token'; scopes: readonly string[] | null }): MeResponse {
  return {
    id: profile.id,
    email: profile.email,
    displayName: profile.displayName,
    locale: profile.locale,
    roles: profile.roles,
    organisation: profile.organisation ? { id: profile.organisation.id, acronym: profile.organisation.acronym, name: profile.organisation.names[locale] } : null,
    mfaEnabled: profile.hasMfa,
    lastLoginAt: profile.lastLoginAt?.toISOString() ?? null,
    passwordChangedAt: profile.passwordChangedAt?.toISOString() ?? null,
    createdAt: profile.createdAt.toISOString(),
    authentication: { method: auth.method, scopes: auth.scopes === null ? null : auth.scopes.filter((s): s is (typeof tokenScopes)[number] => (tokenScopes as readonly string[]).includes(s)) },
  };
}

/** Serialises a token record with its status at `now`. */
export function serializeApiToken(token: ApiToken, now: Date): ApiTokenJson {
  return {
    id: token.id,
    name: token.name,
    prefix: token.prefix,
    scopes: token.scopes,
    status: tokenStatus(token, now),
    createdAt: token.createdAt.toISOString(),
    expiresAt: token.expiresAt.toISOString(),
    lastUsedAt: token.lastUsedAt?.toISOString() ?? null,
    revokedAt: token.revokedAt?.toISOString() ?? null,
  };
}

/** Serialises a session with a readable browser summary. */
export function serializeSession(session: UserSession): SessionJson {
  const { browser, os } = summariseUserAgent(session.userAgent);
  return {
    id: session.publicId,
    current: session.isCurrent,
    createdAt: session.createdAt.toISOString(),
    lastSeenAt: session.lastSeenAt.toISOString(),
    expiresAt: session.expiresAt.toISOString(),
    ip: session.ip,
    userAgent: session.userAgent,
    browser,
    os,
  };
}
