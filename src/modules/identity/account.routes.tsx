import { Type } from '@sinclair/typebox';
import type { FastifyReply, FastifyRequest } from 'fastify';
import type { App } from '#src/plugins/types';
import type { AppServices } from '#src/app';
import { AppError } from '#src/core/errors';
import { isId } from '#src/core/ids';
import { PageQuery, PageOf } from '#src/core/pagination';
import { FormBodySchema, readForm } from '#src/web/forms';
import { pageContext } from '#src/web/page-context';
import { translateFieldErrors } from '#src/web/components/form';
import { SESSION_COOKIE } from '#src/plugins/auth';
import { AccountOverviewPage } from '#src/web/account/overview.page';
import { AccountTokensPage, type TokenFormState } from '#src/web/account/tokens.page';
import { AccountSessionsPage } from '#src/web/account/sessions.page';
import { findAccountOwner, findAccountProfile, findApiToken, findApiTokens, findLiveSessions } from '#src/modules/identity/account.repository';
import { grantableScopes, requireOwnAccount } from '#src/modules/identity/account.policy';
import {
  ApiTokenSchema,
  CreateApiTokenBody,
  CreatedApiTokenSchema,
  IdempotencyHeaders,
  MeResponse,
  PageIdParams,
  SessionIdParams,
  SessionSchema,
  TokenIdParams,
  serializeApiToken,
  serializeMe,
  serializeSession,
} from '#src/modules/identity/account.schemas';
import { TOKEN_EXPIRY_DEFAULT_DAYS } from '#src/modules/identity/account.types';
import { updateProfile } from '#src/modules/identity/use-cases/update-profile';
import { changePassword } from '#src/modules/identity/use-cases/change-password';
import { createApiToken } from '#src/modules/identity/use-cases/create-api-token';
import { revokeApiToken } from '#src/modules/identity/use-cases/revoke-api-token';
import { revokeOtherSessions, revokeSession } from '#src/modules/identity/use-cases/revoke-session';

/** How many rows an account page lists before offering the next page. */
const PAGE_SIZE = 50;

/** The session making the request (its key), or null for token access. */
function currentSessionKey(request: FastifyRequest): string | null {
  return request.auth.kind === 'session' ? request.auth.sessionId : null;
}

/** Account answers carry personal data and secrets: never stored by a browser or a proxy. */
function noStore(reply: FastifyReply): FastifyReply {
  return reply.header('cache-control', 'no-store');
}

/** A validation failure, to re-render a form; anything else propagates to the error handler. */
function validationFailure(err: unknown): AppError | null {
  return err instanceof AppError && err.code === 'validation_failed' ? err : null;
}

/** Reads a small non-negative integer from a query string, or null. */
function queryCount(value: string | undefined): number | null {
  return value !== undefined && /^\d{1,6}$/.test(value) ? Number(value) : null;
}

const NoticeQuery = Type.Object({
  saved: Type.Optional(Type.String({ maxLength: 20 })),
  sessions: Type.Optional(Type.String({ maxLength: 10 })),
});
const ListPageQuery = Type.Object({
  cursor: Type.Optional(Type.String({ maxLength: 500 })),
  revoked: Type.Optional(Type.String({ maxLength: 64 })),
  others: Type.Optional(Type.String({ maxLength: 10 })),
});

/**
 * The user's own account: overview, profile and password (pages), API tokens and sessions (pages and
 * `/api/v1`). Everything acts on the signed-in user only; another user's token or session is not found.
 */
export function accountRoutes(app: App, services: AppServices): void {
  const { config, database, catalogue } = services;
  const sessionDeps = { database, idleMinutes: config.sessionIdleMinutes };
  const tokenDeps = { database, secret: config.secret };
  const passwordDeps = { database, catalogue, config };

  // ---------------------------------------------------------------------------------------------------
  // Overview, profile, password

  async function renderOverview(request: FastifyRequest, reply: FastifyReply, extra: Partial<Parameters<typeof AccountOverviewPage>[0]>, status = 200) {
    const profile = await findAccountProfile(database.db, requireOwnAccount(request.ctx));
    if (!profile) throw new AppError('not_found');
    return noStore(reply).page(<AccountOverviewPage page={pageContext(request, config.siteName)} profile={profile} {...extra} />, status);
  }

  app.get('/account', { config: { access: 'signed-in' }, schema: { hide: true, querystring: NoticeQuery } }, async (request, reply) => {
    const t = request.i18n.t;
    const { saved, sessions } = request.query;
    const notice =
      saved === 'profile' ? t('account.profile.saved') : saved === 'password' ? t('account.password.saved', { count: queryCount(sessions) ?? 0 }) : null;
    return renderOverview(request, reply, { notice });
  });

  app.post('/account/profile', { config: { access: 'signed-in' }, schema: { hide: true, body: FormBodySchema } }, async (request, reply) => {
    const form = readForm(request.body);
    const input = { displayName: form.str('displayName'), locale: form.str('locale') };
    try {
      await updateProfile(database, request.ctx, input);
    } catch (err) {
      const invalid = validationFailure(err);
      if (!invalid) throw err;
      return renderOverview(request, reply, { profileForm: input, profileErrors: translateFieldErrors(request.i18n, invalid.fields) }, 400);
    }
    return reply.redirect('/account?saved=profile', 303);
  });

  // Guessing the current password from a stolen session is throttled like sign-in.
  app.post('/account/password', { config: { access: 'signed-in', rateLimit: { max: config.loginRateLimitPerMinute, timeWindow: 60_000 } }, schema: { hide: true, body: FormBodySchema } }, async (request, reply) => {
    const form = readForm(request.body);
    try {
      const result = await changePassword(passwordDeps, request.ctx, {
        currentPassword: form.raw('currentPassword'),
        newPassword: form.raw('newPassword'),
        confirmPassword: form.raw('confirmPassword'),
        currentSessionKey: currentSessionKey(request),
      });
      return reply.redirect(`/account?saved=password&sessions=${result.revokedSessions}`, 303);
    } catch (err) {
      const invalid = validationFailure(err);
      if (!invalid) throw err;
      // Passwords are never sent back into the form.
      return renderOverview(request, reply, { passwordErrors: translateFieldErrors(request.i18n, invalid.fields) }, 400);
    }
  });

  // ---------------------------------------------------------------------------------------------------
  // API tokens: pages

  async function renderTokens(
    request: FastifyRequest,
    reply: FastifyReply,
    cursor: string | undefined,
    extra: Partial<Parameters<typeof AccountTokensPage>[0]>,
    status = 200,
  ) {
    const userId = requireOwnAccount(request.ctx);
    const owner = await findAccountOwner(database.db, userId);
    if (!owner) throw new AppError('not_found');
    const page = await findApiTokens(database.db, userId, { limit: PAGE_SIZE, cursor });
    return noStore(reply).page(
      <AccountTokensPage
        page={pageContext(request, config.siteName)}
        now={request.ctx.clock.now()}
        tokens={page.items}
        nextHref={page.nextCursor ? `/account/tokens?cursor=${encodeURIComponent(page.nextCursor)}` : null}
        isFirstPage={cursor === undefined}
        grantable={grantableScopes(owner.roles)}
        {...extra}
      />,
      status,
    );
  }

  app.get('/account/tokens', { config: { access: 'signed-in' }, schema: { hide: true, querystring: ListPageQuery } }, async (request, reply) => {
    const { cursor, revoked } = request.query;
    let notice: string | null = null;
    if (revoked) {
      const token = isId(revoked) ? await findApiToken(database.db, requireOwnAccount(request.ctx), revoked) : null;
      if (token) notice = request.i18n.t('account.tokens.revoked', { name: token.name });
    }
    return renderTokens(request, reply, cursor || undefined, { notice });
  });

  app.post('/account/tokens', { config: { access: 'signed-in' }, schema: { hide: true, body: FormBodySchema } }, async (request, reply) => {
    const form = readForm(request.body);
    const rawDays = form.str('expiresInDays');
    const state: TokenFormState = { name: form.str('name'), scopes: form.list('scopes'), expiresInDays: rawDays };
    try {
      const created = await createApiToken(tokenDeps, request.ctx, {
        userId: requireOwnAccount(request.ctx),
        name: state.name,
        scopes: state.scopes,
        expiresInDays: rawDays === '' ? TOKEN_EXPIRY_DEFAULT_DAYS : /^\d{1,6}$/.test(rawDays) ? Number(rawDays) : Number.NaN,
      });
      return renderTokens(request, reply, undefined, { created });
    } catch (err) {
      const invalid = validationFailure(err);
      if (!invalid) throw err;
      return renderTokens(request, reply, undefined, { form: state, errors: translateFieldErrors(request.i18n, invalid.fields) }, 400);
    }
  });

  app.post('/account/tokens/:id/revoke', { config: { access: 'signed-in' }, schema: { hide: true, params: PageIdParams, body: FormBodySchema } }, async (request, reply) => {
    const token = await revokeApiToken(database, request.ctx, request.params.id);
    return reply.redirect(`/account/tokens?revoked=${token.id}`, 303);
  });

  // ---------------------------------------------------------------------------------------------------
  // Sessions: pages

  app.get('/account/sessions', { config: { access: 'signed-in' }, schema: { hide: true, querystring: ListPageQuery } }, async (request, reply) => {
    const { cursor, revoked, others } = request.query;
    const userId = requireOwnAccount(request.ctx);
    const page = await findLiveSessions(
      database.db,
      userId,
      { now: request.ctx.clock.now(), idleMinutes: config.sessionIdleMinutes, currentSessionKey: currentSessionKey(request) },
      { limit: PAGE_SIZE, cursor: cursor || undefined },
    );
    const t = request.i18n.t;
    const count = queryCount(others);
    const notice = revoked === '1' ? t('account.sessions.revoked') : count !== null ? t('account.sessions.others_revoked', { count }) : null;
    return noStore(reply).page(
      <AccountSessionsPage
        page={pageContext(request, config.siteName)}
        sessions={page.items}
        nextHref={page.nextCursor ? `/account/sessions?cursor=${encodeURIComponent(page.nextCursor)}` : null}
        isFirstPage={!cursor}
        hasOthers={page.items.some((s) => !s.isCurrent) || page.nextCursor !== null}
        notice={notice}
      />,
    );
  });

  app.post('/account/sessions/:id/revoke', { config: { access: 'signed-in' }, schema: { hide: true, params: PageIdParams, body: FormBodySchema } }, async (request, reply) => {
    const session = await revokeSession(sessionDeps, request.ctx, request.params.id, currentSessionKey(request));
    if (session.isCurrent) {
      reply.clearCookie(SESSION_COOKIE, { path: '/' });
      return reply.redirect('/login', 303);
    }
    return reply.redirect('/account/sessions?revoked=1', 303);
  });

  app.post('/account/sessions/revoke-others', { config: { access: 'signed-in' }, schema: { hide: true, body: FormBodySchema } }, async (request, reply) => {
    const count = await revokeOtherSessions(sessionDeps, request.ctx, currentSessionKey(request));
    return reply.redirect(`/account/sessions?others=${count}`, 303);
  });

  // ---------------------------------------------------------------------------------------------------
  // API

  app.get(
    '/api/v1/me',
    {
      config: { access: 'signed-in' },
      schema: { tags: ['account'], summary: 'The account of the caller', response: { 200: MeResponse } },
    },
    async (request, reply) => {
      const profile = await findAccountProfile(database.db, requireOwnAccount(request.ctx));
      if (!profile) throw new AppError('not_found');
      const auth = request.auth.kind === 'token' ? { method: 'token' as const, scopes: request.auth.scopes } : { method: 'session' as const, scopes: null };
      return noStore(reply).send(serializeMe(profile, request.i18n.locale, auth));
    },
  );

  app.get(
    '/api/v1/tokens',
    {
      config: { access: 'signed-in' },
      schema: { tags: ['account'], summary: 'List my API tokens, newest first', querystring: PageQuery, response: { 200: PageOf(ApiTokenSchema) } },
    },
    async (request, reply) => {
      const now = request.ctx.clock.now();
      const page = await findApiTokens(database.db, requireOwnAccount(request.ctx), { limit: request.query.limit ?? 50, cursor: request.query.cursor });
      return noStore(reply).send({ items: page.items.map((token) => serializeApiToken(token, now)), nextCursor: page.nextCursor });
    },
  );

  app.post(
    '/api/v1/tokens',
    {
      config: { access: { permission: 'account:write' } },
      schema: {
        tags: ['account'],
        summary: 'Create an API token (its text is returned once)',
        description:
          'Needs a browser session or a token with the `write` scope; a token never grants more scopes than the one that creates it. Send an `Idempotency-Key` to retry safely.',
        headers: IdempotencyHeaders,
        body: CreateApiTokenBody,
        response: { 201: CreatedApiTokenSchema },
      },
    },
    async (request, reply) => {
      const body = request.body;
      const created = await createApiToken(
        tokenDeps,
        request.ctx,
        { userId: requireOwnAccount(request.ctx), name: body.name, scopes: body.scopes, expiresInDays: body.expiresInDays ?? TOKEN_EXPIRY_DEFAULT_DAYS },
        { key: request.headers['idempotency-key'] ?? null, scope: 'POST /api/v1/tokens', request: body },
      );
      if (created.replayed) reply.header('idempotent-replayed', 'true');
      return noStore(reply)
        .status(201)
        .header('location', `/api/v1/tokens/${created.token.id}`)
        .send({ ...serializeApiToken(created.token, request.ctx.clock.now()), token: created.secret });
    },
  );

  app.delete(
    '/api/v1/tokens/:id',
    {
      config: { access: { permission: 'account:write' } },
      schema: { tags: ['account'], summary: 'Revoke one of my API tokens', params: TokenIdParams, response: { 204: Type.Null() } },
    },
    async (request, reply) => {
      await revokeApiToken(database, request.ctx, request.params.id);
      return reply.status(204).send(null);
    },
  );

  app.get(
    '/api/v1/sessions',
    {
      config: { access: 'signed-in' },
      schema: { tags: ['account'], summary: 'List my signed-in browser sessions, newest first', querystring: PageQuery, response: { 200: PageOf(SessionSchema) } },
    },
    async (request, reply) => {
      const page = await findLiveSessions(
        database.db,
        requireOwnAccount(request.ctx),
        { now: request.ctx.clock.now(), idleMinutes: config.sessionIdleMinutes, currentSessionKey: currentSessionKey(request) },
        { limit: request.query.limit ?? 50, cursor: request.query.cursor },
      );
      return noStore(reply).send({ items: page.items.map(serializeSession), nextCursor: page.nextCursor });
    },
  );

  app.delete(
    '/api/v1/sessions/:id',
    {
      config: { access: { permission: 'account:write' } },
      schema: { tags: ['account'], summary: 'Sign out one of my sessions', params: SessionIdParams, response: { 204: Type.Null() } },
    },
    async (request, reply) => {
      const session = await revokeSession(sessionDeps, request.ctx, request.params.id, currentSessionKey(request));
      if (session.isCurrent) reply.clearCookie(SESSION_COOKIE, { path: '/' });
      return reply.status(204).send(null);
    },
  );
}
