import { Type } from '@sinclair/typebox';
import type { FastifyReply, FastifyRequest } from 'fastify';
import type { App } from '#src/plugins/types';
import type { AppServices } from '#src/app';
import type { FieldError } from '#src/core/errors';
import type { ImportListFilters } from '#src/web/console/csaf/imports.pages';
import type { SourceNotice } from '#src/web/console/csaf/sources.pages';
import { AppError } from '#src/core/errors';
import { readForm } from '#src/web/forms';
import { pageContext } from '#src/web/page-context';
import { translateFieldErrors } from '#src/web/components/form';
import { IdempotencyHeaders } from '#src/modules/bulletins/bulletins.schemas';
import { csafImportLimits } from '#src/modules/csaf/import/csaf-import.types';
import {
  CsafImportDetailSchema,
  CsafImportListQuery,
  CsafImportOutcomeSchema,
  CsafImportPage,
  CsafImportParams,
  toImportDetailJson,
  toImportOutcomeJson,
  toImportSummaryJson,
} from '#src/modules/csaf/import/csaf-import.schemas';
import { importCsafDocument, importCsafDocumentOnce } from '#src/modules/csaf/import/import-document';
import { getCsafImport, listCsafImports } from '#src/modules/csaf/import/read-imports';
import { startBulletinFromImport } from '#src/modules/csaf/import/start-bulletin';
import { listCsafSources, registerCsafSource, requestSourceFetch } from '#src/modules/csaf/import/manage-sources';
import { CsafImportDetailPage, CsafImportsPage } from '#src/web/console/csaf/imports.pages';
import { CsafSourcesPage, sourceNotices } from '#src/web/console/csaf/sources.pages';

const read = { permission: 'bulletins:read' } as const;
const write = { permission: 'bulletins:write' } as const;
const manage = { permission: 'csaf-sources:manage' } as const;
const tags = ['csaf'];

const Choice = <T extends string>(values: readonly T[]) => Type.Optional(Type.Union([...values.map((v) => Type.Literal(v)), Type.Literal('')]));
const ListQuery = Type.Object({
  q: Type.Optional(Type.String({ maxLength: 200 })),
  validity: Choice(['valid', 'refused'] as const),
  publisher: Type.Optional(Type.String({ maxLength: 500 })),
  cursor: Type.Optional(Type.String({ maxLength: 500 })),
});
const DetailQuery = Type.Object({ done: Choice(['imported', 'refused', 'duplicate'] as const) });
const SourcesQuery = Type.Object({ done: Choice(sourceNotices) });
const Params = Type.Object({ id: Type.String({ maxLength: 64 }) });
/** The upload form carries a whole document in one field (the body limit, RIBAT_BODY_LIMIT_BYTES, bounds it). */
const UploadBody = Type.Record(Type.String({ maxLength: 200 }), Type.Union([Type.String({ maxLength: csafImportLimits.documentBytes }), Type.Array(Type.String({ maxLength: 100_000 }), { maxItems: 50 })]));
const SourceBody = Type.Record(Type.String({ maxLength: 200 }), Type.Union([Type.String({ maxLength: 100_000 }), Type.Array(Type.String({ maxLength: 100_000 }), { maxItems: 50 })]));

const utf8 = new TextDecoder('utf-8', { fatal: true });

function validationErrors(err: unknown): FieldError[] | null {
  return err instanceof AppError && err.code === 'validation_failed' ? err.fields : null;
}

/** CSAF imports: console list, upload, detail, "start a bulletin"; sources (admins); the JSON API. */
export async function csafImportRoutes(app: App, services: AppServices): Promise<void> {
  const { database, config } = services;

  // ---- Console: imports ---------------------------------------------------------------------------------

  async function renderList(request: FastifyRequest, reply: FastifyReply, filters: ImportListFilters, cursor: string | undefined, upload: { document: string; fileName: string; errors: readonly FieldError[] }, status = 200) {
    const { page, publishers } = await listCsafImports(database, request.ctx, { q: filters.q, validity: filters.validity || undefined, publisher: filters.publisher || undefined }, { limit: 50, cursor });
    // Re-showing a pasted document of several megabytes in the form would only slow the page: keep small ones.
    const document = upload.document.length <= 200_000 ? upload.document : '';
    return reply.page(
      <CsafImportsPage
        page={pageContext(request, config.siteName)}
        list={page}
        publishers={publishers}
        filters={filters}
        isFirst={cursor === undefined || cursor === ''}
        upload={{ document, fileName: upload.fileName, errors: translateFieldErrors(request.i18n, upload.errors) }}
      />,
      status,
    );
  }

  app.get('/console/csaf/imports', { config: { access: read }, schema: { hide: true, querystring: ListQuery } }, async (request, reply) => {
    const { q, validity, publisher, cursor } = request.query;
    return renderList(request, reply, { q: q ?? '', validity: validity ?? '', publisher: publisher ?? '' }, cursor, { document: '', fileName: '', errors: [] });
  });

  app.post('/console/csaf/imports', { config: { access: write }, schema: { hide: true, body: UploadBody } }, async (request, reply) => {
    const form = readForm(request.body);
    const document = form.raw('document');
    const fileName = form.str('fileName').slice(0, 200);
    try {
      if (document.trim() === '') throw AppError.field('document', 'required');
      const outcome = await importCsafDocument(database, request.ctx, document, { origin: `upload:${fileName || 'console'}` });
      return reply.redirect(`/console/csaf/imports/${outcome.import.id}?done=${outcome.status}`, 303);
    } catch (err) {
      const errors = validationErrors(err);
      if (!errors) throw err;
      return renderList(request, reply, { q: '', validity: '', publisher: '' }, undefined, { document, fileName, errors }, 400);
    }
  });

  app.get('/console/csaf/imports/:id', { config: { access: read }, schema: { hide: true, params: Params, querystring: DetailQuery } }, async (request, reply) => {
    const detail = await getCsafImport(database, request.ctx, request.params.id);
    return reply.page(<CsafImportDetailPage page={pageContext(request, config.siteName)} detail={detail} done={request.query.done || undefined} />);
  });

  app.post('/console/csaf/imports/:id/bulletin', { config: { access: write }, schema: { hide: true, params: Params } }, async (request, reply) => {
    const bulletin = await startBulletinFromImport(database, request.ctx, request.params.id);
    return reply.redirect(`/console/bulletins/${bulletin.id}/edit`, 303);
  });

  // ---- Console: sources (administrators) ----------------------------------------------------------------

  async function renderSources(request: FastifyRequest, reply: FastifyReply, notice: SourceNotice | undefined, form: { url: string; publicKey: string; errors: readonly FieldError[] }, status = 200) {
    const sources = await listCsafSources(database, request.ctx);
    return reply.page(<CsafSourcesPage page={pageContext(request, config.siteName)} sources={sources} notice={notice} form={{ url: form.url, publicKey: form.publicKey, errors: translateFieldErrors(request.i18n, form.errors) }} />, status);
  }

  app.get('/console/csaf/sources', { config: { access: manage }, schema: { hide: true, querystring: SourcesQuery } }, async (request, reply) =>
    renderSources(request, reply, request.query.done || undefined, { url: '', publicKey: '', errors: [] }),
  );

  app.post('/console/csaf/sources', { config: { access: manage }, schema: { hide: true, body: SourceBody } }, async (request, reply) => {
    const form = readForm(request.body);
    const url = form.str('url');
    const publicKey = form.raw('publicKey');
    try {
      await registerCsafSource(database, request.ctx, { url, publicKey });
      return reply.redirect('/console/csaf/sources?done=registered', 303);
    } catch (err) {
      const errors = validationErrors(err);
      if (!errors) throw err;
      return renderSources(request, reply, undefined, { url, publicKey, errors }, 400);
    }
  });

  app.post('/console/csaf/sources/:id/fetch', { config: { access: manage }, schema: { hide: true, params: Params } }, async (request, reply) => {
    await requestSourceFetch(database, request.ctx, request.params.id);
    return reply.redirect('/console/csaf/sources?done=queued', 303);
  });

  // ---- API --------------------------------------------------------------------------------------------

  app.get(
    '/api/v1/csaf/imports',
    { config: { access: read }, schema: { tags, summary: 'List imported CSAF documents', description: 'Newest first; `q` searches folded words of titles, notes, products and CVEs.', querystring: CsafImportListQuery, response: { 200: CsafImportPage } } },
    async (request) => {
      const { q, validity, publisher, cursor, limit } = request.query;
      const { page } = await listCsafImports(database, request.ctx, { q, validity, publisher }, { limit: limit ?? 50, cursor });
      return { items: page.items.map(toImportSummaryJson), nextCursor: page.nextCursor };
    },
  );

  app.get(
    '/api/v1/csaf/imports/:id',
    { config: { access: read }, schema: { tags, summary: 'Read an imported CSAF document', params: CsafImportParams, response: { 200: CsafImportDetailSchema } } },
    async (request) => toImportDetailJson(await getCsafImport(database, request.ctx, request.params.id)),
  );

  // The upload takes the document itself as the JSON body. Its exact bytes are hashed and stored, so this route
  // reads the body as text (in its own context) instead of letting the shared parser turn it into an object.
  await app.register(async (child) => {
    child.removeContentTypeParser('application/json');
    child.addContentTypeParser('application/json', { parseAs: 'buffer' }, (_request, body: Buffer, done) => {
      try {
        done(null, utf8.decode(body));
      } catch {
        done(AppError.field('body', 'invalid_utf8'), undefined);
      }
    });
    child.post(
      '/api/v1/csaf/imports',
      {
        config: { access: write },
        schema: {
          tags,
          summary: 'Import a CSAF document',
          description:
            'The body is the CSAF 2.0 document (at most RIBAT_BODY_LIMIT_BYTES; larger ones: `ribat csaf import` or a source). It is validated (strict schema and mandatory tests): 201 with `status` imported (valid) or refused (with `failedTests`, stored so people see why), 200 with `status` duplicate when the same document (publisher namespace, tracking id, version and bytes) was already imported. Not JSON: 400 naming the problem.',
          headers: IdempotencyHeaders,
          body: Type.String({ description: 'The CSAF document (JSON text).' }),
          response: { 200: CsafImportOutcomeSchema, 201: CsafImportOutcomeSchema },
        },
      },
      async (request, reply) => {
        const body = typeof request.body === 'string' ? request.body : '';
        const result = await importCsafDocumentOnce(database, request.ctx, body, typeof request.headers['idempotency-key'] === 'string' ? request.headers['idempotency-key'] : null, toImportOutcomeJson);
        return reply.status(result.status === 200 ? 200 : 201).send(result.body);
      },
    );
  });
}
