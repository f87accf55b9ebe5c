import { Type } from '@sinclair/typebox';
import type { FastifyReply, FastifyRequest } from 'fastify';
import type { App } from '#src/plugins/types';
import type { AppServices } from '#src/app';
import type { FieldError } from '#src/core/errors';
import type { OrganisationStatus } from '#src/modules/constituents/constituents.types';
import type { OrganisationFormValues } from '#src/web/console/organisations/organisation-form';
import type { OrganisationNotice } from '#src/web/console/organisations/organisations.pages';
import { AppError } from '#src/core/errors';
import { FormBodySchema, readForm } from '#src/web/forms';
import { pageContext } from '#src/web/page-context';
import { canManageOrganisations, usesConsole } from '#src/modules/constituents/constituents.policy';
import { organisationCategories, organisationStatuses, toOrganisationJson } from '#src/modules/constituents/constituents.types';
import {
  CreateOrganisationBody,
  IdempotencyHeaders,
  OrganisationListQuery,
  OrganisationPage,
  OrganisationParams,
  OrganisationSchema,
  StatusChangeBody,
  UpdateOrganisationBody,
} from '#src/modules/constituents/constituents.schemas';
import { listOrganisations } from '#src/modules/constituents/use-cases/list-organisations';
import { getOrganisation } from '#src/modules/constituents/use-cases/get-organisation';
import { getOwnOrganisation } from '#src/modules/constituents/use-cases/get-own-organisation';
import { prepareOrganisationForm } from '#src/modules/constituents/use-cases/prepare-organisation-form';
import { createOrganisation } from '#src/modules/constituents/use-cases/create-organisation';
import { updateOrganisation } from '#src/modules/constituents/use-cases/update-organisation';
import { setOrganisationStatus } from '#src/modules/constituents/use-cases/set-organisation-status';
import {
  draftFromForm,
  emptyOrganisationForm,
  organisationFormErrors,
  organisationFormValues,
  readOrganisationForm,
} from '#src/web/console/organisations/organisation-form';
import { NewOrganisationPage, OrganisationDetailPage, OrganisationListPage, OwnOrganisationPage } from '#src/web/console/organisations/organisations.pages';

const PER_PAGE = 50;

const ConsoleParams = Type.Object({ id: Type.String({ maxLength: 64 }) });
const ConsoleListQuery = Type.Object({
  q: Type.Optional(Type.String({ maxLength: 200 })),
  category: Type.Optional(Type.Union([...organisationCategories.map((c) => Type.Literal(c)), Type.Literal('')])),
  sector: Type.Optional(Type.String({ maxLength: 60 })),
  status: Type.Optional(Type.Union([...organisationStatuses.map((s) => Type.Literal(s)), Type.Literal('')])),
  cursor: Type.Optional(Type.String({ maxLength: 500 })),
});
const DetailQuery = Type.Object({
  done: Type.Optional(Type.Union([Type.Literal('created'), Type.Literal('updated'), Type.Literal('suspended'), Type.Literal('reactivated')])),
});

function formVersion(value: string): number {
  const v = Number(value);
  if (!Number.isInteger(v) || v < 1) throw AppError.field('version', 'invalid');
  return v;
}

/** Organisations: the staff console, the constituent's own page and the JSON API. */
export function constituentsRoutes(app: App, services: AppServices): void {
  const { database, config } = services;
  const read = { permission: 'organisations:read' } as const;
  const manage = { permission: 'organisations:manage' } as const;

  interface DetailOptions {
    form?: OrganisationFormValues;
    version?: number;
    errors?: readonly FieldError[];
    conflict?: boolean;
    notice?: OrganisationNotice | undefined;
    status?: number;
  }

  async function renderDetail(request: FastifyRequest, reply: FastifyReply, id: string, options: DetailOptions = {}) {
    const { organisation, sectors } = await getOrganisation(database, request.ctx, id);
    const page = pageContext(request, config.siteName);
    return reply.page(
      <OrganisationDetailPage
        page={page}
        organisation={organisation}
        sectors={sectors}
        canManage={canManageOrganisations(request.ctx.actor)}
        form={options.form ?? organisationFormValues(organisation)}
        // After a conflict the form keeps what was typed but carries the current version: saving again is then
        // a deliberate choice made after seeing the other change.
        version={options.conflict || options.version === undefined ? organisation.version : options.version}
        errors={organisationFormErrors(request.i18n, options.errors ?? [])}
        conflict={options.conflict ?? false}
        notice={options.notice}
      />,
      options.status ?? 200,
    );
  }

  // ---- Console -------------------------------------------------------------------------------------------

  app.get('/console/organisations', { config: { access: { permission: 'console:view' } }, schema: { hide: true, querystring: ConsoleListQuery } }, async (request, reply) => {
    const q = request.query;
    const filters = { q: q.q?.trim() ?? '', category: q.category ?? '', sector: q.sector?.trim() ?? '', status: q.status ?? '' };
    const { page: list, sectors } = await listOrganisations(
      database,
      request.ctx,
      { q: filters.q || undefined, category: q.category || undefined, sector: filters.sector || undefined, status: q.status || undefined },
      { order: { by: 'name', locale: request.i18n.locale }, limit: PER_PAGE, cursor: q.cursor },
    );
    const params = new URLSearchParams(Object.entries(filters).filter(([, v]) => v !== ''));
    if (list.nextCursor) params.set('cursor', list.nextCursor);
    const nextHref = list.nextCursor ? `/console/organisations?${params.toString()}` : null;
    return reply.page(
      <OrganisationListPage
        page={pageContext(request, config.siteName)}
        filters={filters}
        organisations={list.items}
        sectors={sectors}
        nextHref={nextHref}
        isFirst={!q.cursor}
        canManage={canManageOrganisations(request.ctx.actor)}
      />,
    );
  });

  app.get('/console/organisations/new', { config: { access: manage }, schema: { hide: true } }, async (request, reply) => {
    const { sectors } = await prepareOrganisationForm(database, request.ctx);
    return reply.page(<NewOrganisationPage page={pageContext(request, config.siteName)} sectors={sectors} form={emptyOrganisationForm} errors={{}} />);
  });

  app.post('/console/organisations/new', { config: { access: manage }, schema: { hide: true, body: FormBodySchema } }, async (request, reply) => {
    const values = readOrganisationForm(readForm(request.body));
    try {
      const result = await createOrganisation(database, request.ctx, draftFromForm(values));
      return reply.redirect(`/console/organisations/${result.body.id}?done=created`, 303);
    } catch (err) {
      if (!(err instanceof AppError) || err.code !== 'validation_failed') throw err;
      const { sectors } = await prepareOrganisationForm(database, request.ctx);
      return reply.page(<NewOrganisationPage page={pageContext(request, config.siteName)} sectors={sectors} form={values} errors={organisationFormErrors(request.i18n, err.fields)} />, 400);
    }
  });

  app.get('/console/organisations/:id', { config: { access: read }, schema: { hide: true, params: ConsoleParams, querystring: DetailQuery } }, async (request, reply) => {
    if (!usesConsole(request.ctx.actor)) {
      // A constituent may only ever see their own organisation, on their own page; any other id is not found.
      await getOrganisation(database, request.ctx, request.params.id);
      return reply.redirect('/organisation', 303);
    }
    return renderDetail(request, reply, request.params.id, { notice: request.query.done });
  });

  app.post('/console/organisations/:id', { config: { access: manage }, schema: { hide: true, params: ConsoleParams, body: FormBodySchema } }, async (request, reply) => {
    const form = readForm(request.body);
    const values = readOrganisationForm(form);
    const version = formVersion(form.str('version'));
    try {
      await updateOrganisation(database, request.ctx, request.params.id, draftFromForm(values), version);
      return reply.redirect(`/console/organisations/${request.params.id}?done=updated`, 303);
    } catch (err) {
      if (!(err instanceof AppError) || (err.code !== 'validation_failed' && err.code !== 'version_conflict')) throw err;
      return renderDetail(request, reply, request.params.id, { form: values, version, errors: err.fields, conflict: err.code === 'version_conflict', status: err.status });
    }
  });

  for (const [action, status] of [
    ['suspend', 'suspended'],
    ['reactivate', 'active'],
  ] as const satisfies readonly (readonly [string, OrganisationStatus])[]) {
    app.post(`/console/organisations/:id/${action}`, { config: { access: manage }, schema: { hide: true, params: ConsoleParams, body: FormBodySchema } }, async (request, reply) => {
      const version = formVersion(readForm(request.body).str('version'));
      try {
        await setOrganisationStatus(database, request.ctx, request.params.id, status, version);
        return reply.redirect(`/console/organisations/${request.params.id}?done=${status === 'active' ? 'reactivated' : 'suspended'}`, 303);
      } catch (err) {
        if (!(err instanceof AppError) || err.code !== 'version_conflict') throw err;
        return renderDetail(request, reply, request.params.id, { conflict: true, status: 409 });
      }
    });
  }

  // ---- A constituent's own organisation ------------------------------------------------------------------

  app.get('/organisation', { config: { access: 'signed-in' }, schema: { hide: true } }, async (request, reply) => {
    const { organisation, sectors } = await getOwnOrganisation(database, request.ctx);
    return reply.page(<OwnOrganisationPage page={pageContext(request, config.siteName)} organisation={organisation} sectors={sectors} />);
  });

  // ---- API -----------------------------------------------------------------------------------------------

  app.get(
    '/api/v1/organisations',
    {
      config: { access: read },
      schema: {
        tags: ['organisations'],
        summary: 'List organisations',
        description: 'CERT staff see every organisation; a constituent sees only their own.',
        querystring: OrganisationListQuery,
        response: { 200: OrganisationPage },
      },
    },
    async (request) => {
      const { q, category, sector, status, cursor, limit } = request.query;
      const { page } = await listOrganisations(database, request.ctx, { q, category, sector, status }, { order: { by: 'id' }, limit: limit ?? 50, cursor });
      return { items: page.items.map(toOrganisationJson), nextCursor: page.nextCursor };
    },
  );

  app.post(
    '/api/v1/organisations',
    {
      config: { access: manage },
      schema: { tags: ['organisations'], summary: 'Create an organisation', headers: IdempotencyHeaders, body: CreateOrganisationBody, response: { 201: OrganisationSchema } },
    },
    async (request, reply) => {
      const b = request.body;
      const result = await createOrganisation(
        database,
        request.ctx,
        { names: b.names, acronym: b.acronym ?? null, category: b.category, sector: b.sector, emailDomains: b.emailDomains ?? [], ipRanges: b.ipRanges ?? [], contacts: b.contacts },
        request.headers['idempotency-key'] ?? null,
      );
      return reply.status(201).send(result.body);
    },
  );

  app.get(
    '/api/v1/organisations/:id',
    { config: { access: read }, schema: { tags: ['organisations'], summary: 'Read an organisation', params: OrganisationParams, response: { 200: OrganisationSchema } } },
    async (request) => toOrganisationJson((await getOrganisation(database, request.ctx, request.params.id)).organisation),
  );

  app.patch(
    '/api/v1/organisations/:id',
    {
      config: { access: manage },
      schema: {
        tags: ['organisations'],
        summary: 'Change an organisation',
        description: 'Send only the fields to change and the `version` you read; lists replace the stored ones. A stale version is answered 409.',
        params: OrganisationParams,
        body: UpdateOrganisationBody,
        response: { 200: OrganisationSchema },
      },
    },
    async (request) => {
      const { version, ...patch } = request.body;
      return toOrganisationJson(await updateOrganisation(database, request.ctx, request.params.id, patch, version));
    },
  );

  for (const [action, status] of [
    ['suspend', 'suspended'],
    ['reactivate', 'active'],
  ] as const satisfies readonly (readonly [string, OrganisationStatus])[]) {
    app.post(
      `/api/v1/organisations/:id/${action}`,
      {
        config: { access: manage },
        // The body is optional: an empty request means "whatever the current version".
        preValidation: async (request) => {
          request.body ??= {};
        },
        schema: {
          tags: ['organisations'],
          summary: action === 'suspend' ? 'Suspend an organisation' : 'Reactivate an organisation',
          params: OrganisationParams,
          body: StatusChangeBody,
          response: { 200: OrganisationSchema },
        },
      },
      async (request) => toOrganisationJson(await setOrganisationStatus(database, request.ctx, request.params.id, status, request.body.version)),
    );
  }
}
