import { Type } from '@sinclair/typebox';
import type { FastifyReply, FastifyRequest } from 'fastify';
import type { App } from '#src/plugins/types';
import type { AppServices } from '#src/app';
import type { FieldError } from '#src/core/errors';
import type { VocabularyTerm } from '#src/modules/taxonomies/taxonomies.types';
import { AppError } from '#src/core/errors';
import { FormBodySchema, readForm, type FormReader } from '#src/web/forms';
import { pageContext } from '#src/web/page-context';
import { translateFieldErrors } from '#src/web/components/form';
import { toTermJson } from '#src/modules/taxonomies/taxonomies.types';
import {
  CreateTermBody,
  IdempotencyHeaders,
  TermPage,
  TermParams,
  TermsQuery,
  UpdateTermBody,
  VocabularyList,
  VocabularyParams,
  VocabularyTermSchema,
} from '#src/modules/taxonomies/taxonomies.schemas';
import { listVocabularies } from '#src/modules/taxonomies/use-cases/list-vocabularies';
import { listTerms } from '#src/modules/taxonomies/use-cases/list-terms';
import { getTerm } from '#src/modules/taxonomies/use-cases/get-term';
import { addTerm } from '#src/modules/taxonomies/use-cases/add-term';
import { updateTerm } from '#src/modules/taxonomies/use-cases/update-term';
import { TermEditPage, VocabularyListPage, VocabularyTermsPage, emptyTermForm, type TermFormValues } from '#src/web/console/vocabularies/vocabularies.pages';

const TERMS_PER_PAGE = 100;

/** API field names to the names of the console form inputs. */
function toFormField(field: string): string {
  const label = /^labels\.(fr|ar|en)$/.exec(field);
  return label ? `label_${label[1]}` : field;
}

function formErrors(request: FastifyRequest, errors: readonly FieldError[]) {
  return translateFieldErrors(
    request.i18n,
    errors.map((e) => ({ ...e, field: toFormField(e.field) })),
  );
}

function termFormValues(form: FormReader, withCode: boolean): TermFormValues {
  return {
    code: withCode ? form.str('code') : '',
    label_fr: form.str('label_fr'),
    label_ar: form.str('label_ar'),
    label_en: form.str('label_en'),
    position: form.str('position'),
  };
}

function valuesOf(term: VocabularyTerm): TermFormValues {
  return { code: term.code, label_fr: term.labels.fr, label_ar: term.labels.ar, label_en: term.labels.en, position: String(term.position) };
}

function versionOf(form: FormReader): number {
  const v = Number(form.str('version'));
  if (!Number.isInteger(v) || v < 1) throw AppError.field('version', 'invalid');
  return v;
}

/** Vocabularies: the console pages of administrators and the JSON API. */
export function taxonomiesRoutes(app: App, services: AppServices): void {
  const { database, config } = services;
  const manage = { permission: 'vocabularies:manage' } as const;

  async function renderTermsPage(request: FastifyRequest, reply: FastifyReply, vocabulary: string, cursor: string | undefined, form: TermFormValues, errors: FieldError[], status: number, notice?: string) {
    const { vocabulary: name, page: list } = await listTerms(database, request.ctx, vocabulary, { includeRetired: true, limit: TERMS_PER_PAGE, cursor });
    const page = pageContext(request, config.siteName);
    const nextHref = list.nextCursor ? `/console/vocabularies/${name}?cursor=${encodeURIComponent(list.nextCursor)}` : null;
    return reply.page(
      <VocabularyTermsPage page={page} vocabulary={name} terms={list.items} nextHref={nextHref} isFirst={!cursor} form={form} errors={formErrors(request, errors)} notice={notice} />,
      status,
    );
  }

  // ---- Console -------------------------------------------------------------------------------------------

  app.get('/console/vocabularies', { config: { access: manage }, schema: { hide: true } }, async (request, reply) => {
    const vocabularies = await listVocabularies(database, request.ctx);
    return reply.page(<VocabularyListPage page={pageContext(request, config.siteName)} vocabularies={vocabularies} />);
  });

  app.get(
    '/console/vocabularies/:vocabulary',
    {
      config: { access: manage },
      schema: { hide: true, params: VocabularyParams, querystring: Type.Object({ cursor: Type.Optional(Type.String({ maxLength: 500 })), added: Type.Optional(Type.String({ maxLength: 60 })) }) },
    },
    async (request, reply) => {
      const notice = request.query.added ? request.i18n.t('taxonomies.add.done', { code: request.query.added }) : undefined;
      return renderTermsPage(request, reply, request.params.vocabulary, request.query.cursor, emptyTermForm, [], 200, notice);
    },
  );

  app.post('/console/vocabularies/:vocabulary', { config: { access: manage }, schema: { hide: true, params: VocabularyParams, body: FormBodySchema } }, async (request, reply) => {
    const form = readForm(request.body);
    const values = termFormValues(form, true);
    try {
      const result = await addTerm(database, request.ctx, request.params.vocabulary, {
        code: values.code,
        labels: { fr: values.label_fr, ar: values.label_ar, en: values.label_en },
        position: values.position === '' ? null : values.position,
      });
      return reply.redirect(`/console/vocabularies/${request.params.vocabulary}?added=${encodeURIComponent(result.body.code)}`, 303);
    } catch (err) {
      if (err instanceof AppError && err.code === 'validation_failed') return renderTermsPage(request, reply, request.params.vocabulary, undefined, values, err.fields, 400);
      throw err;
    }
  });

  app.get(
    '/console/vocabularies/:vocabulary/:code',
    { config: { access: manage }, schema: { hide: true, params: TermParams, querystring: Type.Object({ saved: Type.Optional(Type.Union([Type.Literal('updated'), Type.Literal('retired'), Type.Literal('restored')])) }) } },
    async (request, reply) => {
      const term = await getTerm(database, request.ctx, request.params.vocabulary, request.params.code);
      const page = pageContext(request, config.siteName);
      const notice = request.query.saved ? request.i18n.t(`taxonomies.edit.saved.${request.query.saved}`) : undefined;
      return reply.page(<TermEditPage page={page} term={term} form={valuesOf(term)} version={term.version} errors={{}} notice={notice} />);
    },
  );

  app.post('/console/vocabularies/:vocabulary/:code', { config: { access: manage }, schema: { hide: true, params: TermParams, body: FormBodySchema } }, async (request, reply) => {
    const { vocabulary, code } = request.params;
    const form = readForm(request.body);
    const values = termFormValues(form, false);
    const version = versionOf(form);
    try {
      await updateTerm(database, request.ctx, vocabulary, code, { labels: { fr: values.label_fr, ar: values.label_ar, en: values.label_en }, position: values.position, version });
      return reply.redirect(`/console/vocabularies/${vocabulary}/${code}?saved=updated`, 303);
    } catch (err) {
      if (err instanceof AppError && (err.code === 'validation_failed' || err.code === 'version_conflict')) {
        const term = await getTerm(database, request.ctx, vocabulary, code);
        const page = pageContext(request, config.siteName);
        const conflict = err.code === 'version_conflict';
        // On a conflict the form keeps what was typed but carries the current version, so saving again is a
        // deliberate overwrite of the change the notice points out.
        return reply.page(
          <TermEditPage page={page} term={term} form={{ ...values, code: term.code }} version={conflict ? term.version : version} errors={formErrors(request, err.fields)} conflict={conflict} />,
          err.status,
        );
      }
      throw err;
    }
  });

  for (const action of ['retire', 'restore'] as const) {
    app.post(`/console/vocabularies/:vocabulary/:code/${action}`, { config: { access: manage }, schema: { hide: true, params: TermParams, body: FormBodySchema } }, async (request, reply) => {
      const { vocabulary, code } = request.params;
      const version = versionOf(readForm(request.body));
      try {
        await updateTerm(database, request.ctx, vocabulary, code, { retired: action === 'retire', version });
        return reply.redirect(`/console/vocabularies/${vocabulary}/${code}?saved=${action === 'retire' ? 'retired' : 'restored'}`, 303);
      } catch (err) {
        if (err instanceof AppError && err.code === 'version_conflict') {
          const term = await getTerm(database, request.ctx, vocabulary, code);
          const page = pageContext(request, config.siteName);
          return reply.page(<TermEditPage page={page} term={term} form={valuesOf(term)} version={term.version} errors={{}} conflict />, 409);
        }
        throw err;
      }
    });
  }

  // ---- API -----------------------------------------------------------------------------------------------

  app.get(
    '/api/v1/vocabularies',
    { config: { access: 'signed-in' }, schema: { tags: ['vocabularies'], summary: 'List the vocabularies', response: { 200: VocabularyList } } },
    async (request) => ({ items: await listVocabularies(database, request.ctx), nextCursor: null }),
  );

  app.get(
    '/api/v1/vocabularies/:vocabulary/terms',
    {
      config: { access: 'signed-in' },
      schema: { tags: ['vocabularies'], summary: 'List the terms of a vocabulary', params: VocabularyParams, querystring: TermsQuery, response: { 200: TermPage } },
    },
    async (request) => {
      const { page } = await listTerms(database, request.ctx, request.params.vocabulary, {
        includeRetired: request.query.includeRetired ?? false,
        limit: request.query.limit ?? 50,
        cursor: request.query.cursor,
      });
      return { items: page.items.map(toTermJson), nextCursor: page.nextCursor };
    },
  );

  app.post(
    '/api/v1/vocabularies/:vocabulary/terms',
    {
      config: { access: manage },
      schema: { tags: ['vocabularies'], summary: 'Add a term to a vocabulary', params: VocabularyParams, headers: IdempotencyHeaders, body: CreateTermBody, response: { 201: VocabularyTermSchema } },
    },
    async (request, reply) => {
      const result = await addTerm(database, request.ctx, request.params.vocabulary, request.body, request.headers['idempotency-key'] ?? null);
      return reply.status(201).send(result.body);
    },
  );

  app.get(
    '/api/v1/vocabularies/:vocabulary/terms/:code',
    { config: { access: 'signed-in' }, schema: { tags: ['vocabularies'], summary: 'Read a term', params: TermParams, response: { 200: VocabularyTermSchema } } },
    async (request) => toTermJson(await getTerm(database, request.ctx, request.params.vocabulary, request.params.code)),
  );

  app.patch(
    '/api/v1/vocabularies/:vocabulary/terms/:code',
    {
      config: { access: manage },
      schema: { tags: ['vocabularies'], summary: 'Change, retire or restore a term', description: 'Send the `version` you read; a stale one is answered 409.', params: TermParams, body: UpdateTermBody, response: { 200: VocabularyTermSchema } },
    },
    async (request) => toTermJson(await updateTerm(database, request.ctx, request.params.vocabulary, request.params.code, request.body)),
  );
}
