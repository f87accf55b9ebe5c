import { Type } from '@sinclair/typebox';
import type { FastifyReply, FastifyRequest } from 'fastify';
import type { App } from '#src/plugins/types';
import type { AppServices } from '#src/app';
import type { User, UserFilter } from '#src/modules/identity/users.types';
import type { UsersDeps } from '#src/modules/identity/use-cases/user-input';
import { isRole } from '#src/core/access';
import { AppError } from '#src/core/errors';
import { FormBodySchema, readForm } from '#src/web/forms';
import { pageContext } from '#src/web/page-context';
import { translateFieldErrors } from '#src/web/components/form';
import { canChooseOrganisation, grantableRoles } from '#src/modules/identity/users.policy';
import {
  CreateUserBody,
  IdempotencyHeaders,
  serialiseUser,
  UpdateUserBody,
  UserIdParams,
  UserListQuery,
  UserPage,
  UserResponse,
} from '#src/modules/identity/users.schemas';
import { getUser, listAssignableOrganisations, listUsers } from '#src/modules/identity/use-cases/find-users';
import { createUser } from '#src/modules/identity/use-cases/create-user';
import { updateUser } from '#src/modules/identity/use-cases/update-user';
import { disableUser } from '#src/modules/identity/use-cases/disable-user';
import { enableUser } from '#src/modules/identity/use-cases/enable-user';
import { resetUserMfa } from '#src/modules/identity/use-cases/reset-user-mfa';
import { resendInvitation } from '#src/modules/identity/use-cases/resend-invitation';
import { activateAccount, findActivation } from '#src/modules/identity/use-cases/activate-account';
import { UsersListPage, type UserListFilterValues } from '#src/web/console/users/users-list-page';
import { NewUserPage, type NewUserValues } from '#src/web/console/users/new-user-page';
import { UserDetailPage, type EditUserValues } from '#src/web/console/users/user-detail-page';
import { ActivationInvalidPage, ActivationPage } from '#src/web/console/users/activation-page';

const manage = { permission: 'users:manage' } as const;
const CONSOLE_PAGE_SIZE = 50;

/** Query of the console list: free text, since a hand-edited URL with a bad value simply filters nothing. */
const ConsoleListQuery = Type.Object({
  q: Type.Optional(Type.String({ maxLength: 200 })),
  role: Type.Optional(Type.String({ maxLength: 50 })),
  organisationId: Type.Optional(Type.String({ maxLength: 100 })),
  status: Type.Optional(Type.String({ maxLength: 20 })),
  cursor: Type.Optional(Type.String({ maxLength: 500 })),
});
const DetailQuery = Type.Object({ done: Type.Optional(Type.String({ maxLength: 20 })) });
const TokenParams = Type.Object({ token: Type.String({ maxLength: 200 }) });

const doneNotices = ['created', 'saved', 'disabled', 'enabled', 'resent', 'mfa_reset'] as const;

function isAppError(err: unknown, ...codes: AppError['code'][]): err is AppError {
  return err instanceof AppError && codes.includes(err.code);
}

/** User administration (console pages and API) and the public account-activation page. */
export function usersRoutes(app: App, services: AppServices): void {
  const { config, database } = services;
  const deps: UsersDeps = { database, config };

  // ---------------------------------------------------------------- console pages

  app.get('/console/users', { config: { access: manage }, schema: { hide: true, querystring: ConsoleListQuery } }, async (request, reply) => {
    const page = pageContext(request, config.siteName);
    const { actor } = request.ctx;
    const query = request.query;
    const values: UserListFilterValues = { q: query.q?.trim() ?? '', role: query.role ?? '', organisationId: query.organisationId ?? '', status: query.status ?? '' };
    const filter: UserFilter = {};
    if (values.q !== '') filter.q = values.q;
    if (isRole(values.role)) filter.role = values.role;
    if (values.organisationId !== '' && canChooseOrganisation(actor)) filter.organisationId = values.organisationId;
    if (values.status === 'active' || values.status === 'disabled') filter.status = values.status;
    const result = await listUsers(database, request.ctx, filter, { limit: CONSOLE_PAGE_SIZE, cursor: query.cursor });
    let nextHref: string | null = null;
    if (result.nextCursor !== null) {
      const params = new URLSearchParams();
      for (const [k, v] of Object.entries(values)) if (v !== '') params.set(k, v);
      params.set('cursor', result.nextCursor);
      nextHref = `/console/users?${params.toString()}`;
    }
    const organisations = canChooseOrganisation(actor) ? await listAssignableOrganisations(database, request.ctx) : null;
    return reply.page(
      <UsersListPage
        page={page}
        users={result.items}
        filter={values}
        roles={grantableRoles(actor)}
        organisations={organisations}
        nextHref={nextHref}
        isFirst={query.cursor === undefined || query.cursor === ''}
      />,
    );
  });

  async function renderNewUser(request: FastifyRequest, reply: FastifyReply, values: NewUserValues, errors: AppError | null) {
    const page = pageContext(request, config.siteName);
    const { actor } = request.ctx;
    const assignable = await listAssignableOrganisations(database, request.ctx);
    const chooses = canChooseOrganisation(actor);
    return reply.page(
      <NewUserPage
        page={page}
        values={values}
        errors={errors ? translateFieldErrors(request.i18n, errors.fields) : {}}
        roleOptions={grantableRoles(actor)}
        organisations={chooses ? assignable : null}
        fixedOrganisation={chooses ? null : (assignable[0] ?? null)}
      />,
      errors ? errors.status : 200,
    );
  }

  app.get('/console/users/new', { config: { access: manage }, schema: { hide: true } }, async (request, reply) => {
    return renderNewUser(request, reply, { email: '', displayName: '', roles: [], organisationId: '', locale: request.i18n.locale }, null);
  });

  app.post('/console/users/new', { config: { access: manage }, schema: { hide: true, body: FormBodySchema } }, async (request, reply) => {
    const form = readForm(request.body);
    const chooses = canChooseOrganisation(request.ctx.actor);
    const values: NewUserValues = {
      email: form.str('email'),
      displayName: form.str('displayName'),
      roles: form.list('roles'),
      organisationId: chooses ? form.str('organisationId') : '',
      locale: form.str('locale'),
    };
    try {
      const { user } = await createUser(deps, request.ctx, {
        email: values.email,
        displayName: values.displayName,
        roles: values.roles,
        organisationId: values.organisationId === '' ? null : values.organisationId,
        locale: values.locale === '' ? null : values.locale,
      });
      return reply.redirect(`/console/users/${user.id}?done=created`, 303);
    } catch (err) {
      if (isAppError(err, 'validation_failed')) return renderNewUser(request, reply, values, err);
      throw err;
    }
  });

  async function renderDetail(
    request: FastifyRequest,
    reply: FastifyReply,
    user: User,
    options: { values?: EditUserValues; error?: AppError; notice?: string | null } = {},
  ) {
    const page = pageContext(request, config.siteName);
    const { actor } = request.ctx;
    const { error } = options;
    const conflict = error?.code === 'version_conflict';
    return reply.page(
      <UserDetailPage
        page={page}
        user={user}
        values={options.values ?? { displayName: user.displayName, roles: [...user.roles], organisationId: user.organisation?.id ?? '' }}
        errors={error ? translateFieldErrors(request.i18n, error.fields) : {}}
        notice={options.notice ?? null}
        conflict={conflict}
        roleOptions={grantableRoles(actor)}
        organisations={canChooseOrganisation(actor) ? await listAssignableOrganisations(database, request.ctx) : null}
        isSelf={actor.userId === user.id}
      />,
      error ? error.status : 200,
    );
  }

  app.get('/console/users/:id', { config: { access: manage }, schema: { hide: true, params: UserIdParams, querystring: DetailQuery } }, async (request, reply) => {
    const user = await getUser(database, request.ctx, request.params.id);
    const done = doneNotices.find((d) => d === request.query.done);
    return renderDetail(request, reply, user, { notice: done ? request.i18n.t(`users.done.${done}`, { email: user.email }) : null });
  });

  app.post('/console/users/:id', { config: { access: manage }, schema: { hide: true, params: UserIdParams, body: FormBodySchema } }, async (request, reply) => {
    const form = readForm(request.body);
    const chooses = canChooseOrganisation(request.ctx.actor);
    const values: EditUserValues = { displayName: form.str('displayName'), roles: form.list('roles'), organisationId: chooses ? form.str('organisationId') : '' };
    const version = Number(form.str('version'));
    if (!Number.isInteger(version) || version < 1) throw AppError.field('version', 'invalid');
    try {
      await updateUser(deps, request.ctx, request.params.id, {
        displayName: values.displayName,
        roles: values.roles,
        ...(chooses ? { organisationId: values.organisationId === '' ? null : values.organisationId } : {}),
        version,
      });
      return reply.redirect(`/console/users/${request.params.id}?done=saved`, 303);
    } catch (err) {
      if (!isAppError(err, 'validation_failed', 'version_conflict')) throw err;
      // Re-render with what was typed, next to the account as it is saved now (nothing the user typed is lost).
      const current = await getUser(database, request.ctx, request.params.id);
      return renderDetail(request, reply, current, { values: chooses ? values : { ...values, organisationId: current.organisation?.id ?? '' }, error: err });
    }
  });

  const actions = [
    { path: 'disable', done: 'disabled', run: (request: FastifyRequest, id: string) => disableUser(deps, request.ctx, id) },
    { path: 'enable', done: 'enabled', run: (request: FastifyRequest, id: string) => enableUser(deps, request.ctx, id) },
    { path: 'resend-invitation', done: 'resent', run: (request: FastifyRequest, id: string) => resendInvitation(deps, request.ctx, id) },
    { path: 'reset-mfa', done: 'mfa_reset', run: (request: FastifyRequest, id: string) => resetUserMfa(deps, request.ctx, id) },
  ] as const;
  for (const action of actions) {
    app.post(`/console/users/:id/${action.path}`, { config: { access: manage }, schema: { hide: true, params: UserIdParams, body: FormBodySchema } }, async (request, reply) => {
      try {
        await action.run(request, request.params.id);
        return reply.redirect(`/console/users/${request.params.id}?done=${action.done}`, 303);
      } catch (err) {
        if (!isAppError(err, 'conflict', 'validation_failed')) throw err;
        const current = await getUser(database, request.ctx, request.params.id);
        return renderDetail(request, reply, current, { error: err });
      }
    });
  }

  // ---------------------------------------------------------------- account activation (public)

  app.get('/activate/:token', { config: { access: 'public' }, schema: { hide: true, params: TokenParams } }, async (request, reply) => {
    const page = pageContext(request, config.siteName);
    try {
      const { account } = await findActivation(database, request.ctx, request.params.token);
      return reply.header('cache-control', 'no-store').page(<ActivationPage page={page} email={account.email} action={`/activate/${request.params.token}`} errors={{}} />);
    } catch (err) {
      if (isAppError(err, 'not_found')) return reply.page(<ActivationInvalidPage page={page} />, 404);
      throw err;
    }
  });

  app.post(
    '/activate/:token',
    {
      config: { access: 'public', rateLimit: { max: config.formRateLimitPerMinute, timeWindow: '1 minute' } },
      schema: { hide: true, params: TokenParams, body: FormBodySchema },
    },
    async (request, reply) => {
      const page = pageContext(request, config.siteName);
      const form = readForm(request.body);
      try {
        await activateAccount(database, request.ctx, request.params.token, form.raw('password'), form.raw('confirmation'));
        return reply.redirect('/login', 303);
      } catch (err) {
        if (isAppError(err, 'not_found')) return reply.page(<ActivationInvalidPage page={page} />, 404);
        if (!isAppError(err, 'validation_failed')) throw err;
        const { account } = await findActivation(database, request.ctx, request.params.token);
        return reply
          .header('cache-control', 'no-store')
          .page(<ActivationPage page={page} email={account.email} action={`/activate/${request.params.token}`} errors={translateFieldErrors(request.i18n, err.fields)} />, 400);
      }
    },
  );

  // ---------------------------------------------------------------- API

  app.get(
    '/api/v1/users',
    {
      config: { access: manage },
      schema: {
        tags: ['users'],
        summary: 'List the users you may manage (administrators: everyone; organisation managers: their organisation)',
        querystring: UserListQuery,
        response: { 200: UserPage },
      },
    },
    async (request) => {
      const { q, role, organisationId, status, limit, cursor } = request.query;
      const filter: UserFilter = {};
      if (q !== undefined && q.trim() !== '') filter.q = q.trim();
      if (role !== undefined) filter.role = role;
      if (organisationId !== undefined) filter.organisationId = organisationId;
      if (status !== undefined) filter.status = status;
      const result = await listUsers(database, request.ctx, filter, { limit: limit ?? 50, cursor });
      return { items: result.items.map(serialiseUser), nextCursor: result.nextCursor };
    },
  );

  app.post(
    '/api/v1/users',
    {
      config: { access: manage },
      schema: {
        tags: ['users'],
        summary: 'Create a user and e-mail them an activation link (no password is ever set by an administrator)',
        headers: IdempotencyHeaders,
        body: CreateUserBody,
        response: { 201: UserResponse },
      },
    },
    async (request, reply) => {
      const body = request.body;
      const { user, replayed } = await createUser(
        deps,
        request.ctx,
        { email: body.email, displayName: body.displayName, roles: body.roles, organisationId: body.organisationId ?? null, locale: body.locale ?? null },
        { idempotencyKey: request.headers['idempotency-key'] ?? null },
      );
      if (replayed) reply.header('idempotent-replayed', 'true');
      return reply.status(201).header('location', `/api/v1/users/${user.id}`).send(serialiseUser(user));
    },
  );

  app.get(
    '/api/v1/users/:id',
    { config: { access: manage }, schema: { tags: ['users'], summary: 'Get a user', params: UserIdParams, response: { 200: UserResponse } } },
    async (request) => serialiseUser(await getUser(database, request.ctx, request.params.id)),
  );

  app.patch(
    '/api/v1/users/:id',
    {
      config: { access: manage },
      schema: {
        tags: ['users'],
        summary: 'Change a user’s display name, roles or organisation (send the `version` you read: 409 if it changed)',
        params: UserIdParams,
        body: UpdateUserBody,
        response: { 200: UserResponse },
      },
    },
    async (request) => serialiseUser(await updateUser(deps, request.ctx, request.params.id, request.body)),
  );

  app.post(
    '/api/v1/users/:id/disable',
    {
      config: { access: manage },
      schema: { tags: ['users'], summary: 'Disable a user and revoke all their sessions and API tokens', params: UserIdParams, response: { 200: UserResponse } },
    },
    async (request) => serialiseUser((await disableUser(deps, request.ctx, request.params.id)).user),
  );

  app.post(
    '/api/v1/users/:id/enable',
    { config: { access: manage }, schema: { tags: ['users'], summary: 'Enable a disabled user', params: UserIdParams, response: { 200: UserResponse } } },
    async (request) => serialiseUser(await enableUser(deps, request.ctx, request.params.id)),
  );

  app.post(
    '/api/v1/users/:id/reset-mfa',
    {
      config: { access: manage },
      schema: { tags: ['users'], summary: 'Remove a user’s authenticator and recovery codes (they lost both) and end their sessions', params: UserIdParams, response: { 200: UserResponse } },
    },
    async (request) => serialiseUser(await resetUserMfa(deps, request.ctx, request.params.id)),
  );
}
