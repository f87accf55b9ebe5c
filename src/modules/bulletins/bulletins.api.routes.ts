import type { App } from '#src/plugins/types';
import type { AppServices } from '#src/app';
import { emptyContent } from '#src/modules/bulletins/bulletins.types';
import { mergeBulletinInput } from '#src/modules/bulletins/bulletins.validation';
import {
  ApproveBody,
  BulletinDetailSchema,
  BulletinListQuery,
  BulletinPage,
  BulletinParams,
  BulletinSchema,
  CommentBody,
  CommentSchema,
  CreateBulletinBody,
  IdempotencyHeaders,
  ProductList,
  ProductQuery,
  PublishBody,
  RequestChangesBody,
  UpdateBulletinBody,
  VersionBody,
  WithdrawBody,
  toBulletinJson,
  toCommentJson,
  toProductJson,
  toRevisionJson,
  toSummaryJson,
} from '#src/modules/bulletins/bulletins.schemas';
import { createBulletinOnce } from '#src/modules/bulletins/use-cases/create-bulletin';
import { saveBulletin } from '#src/modules/bulletins/use-cases/save-bulletin';
import { submitBulletin } from '#src/modules/bulletins/use-cases/submit-bulletin';
import { requestChanges } from '#src/modules/bulletins/use-cases/request-changes';
import { approveBulletin } from '#src/modules/bulletins/use-cases/approve-bulletin';
import { publishBulletin } from '#src/modules/bulletins/use-cases/publish-bulletin';
import { cancelScheduledPublication } from '#src/modules/bulletins/use-cases/cancel-scheduled-publication';
import { closeBulletin } from '#src/modules/bulletins/use-cases/close-bulletin';
import { withdrawBulletin } from '#src/modules/bulletins/use-cases/withdraw-bulletin';
import { commentOnBulletin } from '#src/modules/bulletins/use-cases/comment-on-bulletin';
import { getConsoleBulletin } from '#src/modules/bulletins/use-cases/get-console-bulletin';
import { listConsoleBulletins } from '#src/modules/bulletins/use-cases/list-console-bulletins';
import { suggestProducts } from '#src/modules/bulletins/use-cases/suggest-products';

const read = { permission: 'bulletins:read' } as const;
const write = { permission: 'bulletins:write' } as const;
const review = { permission: 'bulletins:review' } as const;
const tags = ['bulletins'];

/** The bulletins JSON API under /api/v1/bulletins (authoring, workflow) and the product registry suggestions. */
export function bulletinsApiRoutes(app: App, services: AppServices): void {
  const { database, config } = services;

  app.get(
    '/api/v1/bulletins',
    {
      config: { access: read },
      schema: { tags, summary: 'List bulletins (staff)', description: 'Every bulletin, drafts included, most recently changed first.', querystring: BulletinListQuery, response: { 200: BulletinPage } },
    },
    async (request) => {
      const { state, publication, kind, q, cursor, limit } = request.query;
      const page = await listConsoleBulletins(database, request.ctx, { state, publication, kind, q }, { limit: limit ?? 50, ...(cursor !== undefined ? { cursor } : {}) });
      return { items: page.items.map(toSummaryJson), nextCursor: page.nextCursor };
    },
  );

  app.post(
    '/api/v1/bulletins',
    {
      config: { access: write },
      schema: {
        tags,
        summary: 'Create a bulletin',
        description: 'Creates a draft. The content is checked leniently (malformed values refused, missing ones accepted until submission).',
        headers: IdempotencyHeaders,
        body: CreateBulletinBody,
        response: { 201: BulletinSchema },
      },
    },
    async (request, reply) => {
      const b = request.body;
      const input = {
        kind: b.kind,
        originalLanguage: b.originalLanguage,
        ...(b.content ? { content: mergeBulletinInput(emptyContent(b.kind, b.originalLanguage), b.content) } : {}),
        ...(b.aliases ? { aliases: b.aliases } : {}),
      };
      const result = await createBulletinOnce(database, request.ctx, input, request.headers['idempotency-key'] ?? null, toBulletinJson);
      return reply.status(201).send(result.body);
    },
  );

  app.get(
    '/api/v1/bulletins/:id',
    { config: { access: read }, schema: { tags, summary: 'Read a bulletin (staff)', params: BulletinParams, response: { 200: BulletinDetailSchema } } },
    async (request) => {
      const { bulletin, revisions, comments } = await getConsoleBulletin(database, request.ctx, request.params.id);
      return { ...toBulletinJson(bulletin), revisions: revisions.map(toRevisionJson), comments: comments.map(toCommentJson) };
    },
  );

  app.patch(
    '/api/v1/bulletins/:id',
    {
      config: { access: write },
      schema: {
        tags,
        summary: 'Change the working copy',
        description:
          'Send the parts to change and the `version` you read: absent parts stay, lists replace, texts merge per language. Editing a bulletin in review or approved sends it back to draft; editing a published one starts its next revision.',
        params: BulletinParams,
        body: UpdateBulletinBody,
        response: { 200: BulletinSchema },
      },
    },
    async (request) => {
      const { bulletin } = await getConsoleBulletin(database, request.ctx, request.params.id);
      const content = mergeBulletinInput(bulletin.draft, request.body.content ?? {});
      const changeSummary = request.body.changeSummary ?? bulletin.changeSummary;
      return toBulletinJson(await saveBulletin(database, request.ctx, request.params.id, { content, changeSummary }, request.body.version));
    },
  );

  const action = (path: string, summary: string, description: string) => ({ path: `/api/v1/bulletins/:id/${path}`, summary, description });

  const submit = action('submit', 'Submit for review', 'draft → in_review, once complete (otherwise 400 naming each missing field).');
  app.post(submit.path, { config: { access: write }, schema: { tags, summary: submit.summary, description: submit.description, params: BulletinParams, body: VersionBody, response: { 200: BulletinSchema } } }, async (request) =>
    toBulletinJson(await submitBulletin(database, request.ctx, request.params.id, request.body.version)),
  );

  const changes = action('request-changes', 'Request changes', 'in_review → draft with a comment for the author.');
  app.post(changes.path, { config: { access: review }, schema: { tags, summary: changes.summary, description: changes.description, params: BulletinParams, body: RequestChangesBody, response: { 200: BulletinSchema } } }, async (request) =>
    toBulletinJson(await requestChanges(database, request.ctx, request.params.id, request.body.comment, request.body.version)),
  );

  const approve = action('approve', 'Approve', 'in_review → approved. Four eyes: the author and anyone who edited this working copy get 403 own_bulletin.');
  app.post(approve.path, { config: { access: review }, schema: { tags, summary: approve.summary, description: approve.description, params: BulletinParams, body: ApproveBody, response: { 200: BulletinSchema } } }, async (request) =>
    toBulletinJson(await approveBulletin(database, request.ctx, request.params.id, request.body.version, request.body.comment)),
  );

  const publish = action('publish', 'Publish or schedule', 'approved → published (new revision; reference at the first publication), or with `at` → scheduled.');
  app.post(publish.path, { config: { access: review }, schema: { tags, summary: publish.summary, description: publish.description, params: BulletinParams, body: PublishBody, response: { 200: BulletinSchema } } }, async (request) => {
    const at = request.body.at !== undefined ? new Date(request.body.at) : undefined;
    return toBulletinJson(await publishBulletin(database, config, request.ctx, request.params.id, request.body.version, at ? { at } : {}));
  });

  const cancel = action('cancel-schedule', 'Cancel a scheduled publication', 'scheduled → approved.');
  app.post(cancel.path, { config: { access: review }, schema: { tags, summary: cancel.summary, description: cancel.description, params: BulletinParams, body: VersionBody, response: { 200: BulletinSchema } } }, async (request) =>
    toBulletinJson(await cancelScheduledPublication(database, request.ctx, request.params.id, request.body.version)),
  );

  const close = action('close', 'Close an alert', 'A published alert is marked closed (the exploitation episode is over).');
  app.post(close.path, { config: { access: review }, schema: { tags, summary: close.summary, description: close.description, params: BulletinParams, body: VersionBody, response: { 200: BulletinSchema } } }, async (request) =>
    toBulletinJson(await closeBulletin(database, config, request.ctx, request.params.id, request.body.version)),
  );

  const withdraw = action('withdraw', 'Withdraw', 'A published bulletin leaves lists, feeds and search; its address shows a notice with the reason.');
  app.post(withdraw.path, { config: { access: review }, schema: { tags, summary: withdraw.summary, description: withdraw.description, params: BulletinParams, body: WithdrawBody, response: { 200: BulletinSchema } } }, async (request) =>
    toBulletinJson(await withdrawBulletin(database, config, request.ctx, request.params.id, request.body.version, request.body.reason)),
  );

  app.post(
    '/api/v1/bulletins/:id/comments',
    { config: { access: { permission: 'bulletins:comment' } }, schema: { tags, summary: 'Comment on a bulletin', params: BulletinParams, body: CommentBody, response: { 201: CommentSchema } } },
    async (request, reply) => reply.status(201).send(toCommentJson(await commentOnBulletin(database, request.ctx, request.params.id, request.body.body))),
  );

  app.get(
    '/api/v1/products',
    {
      config: { access: read },
      schema: { tags: ['products'], summary: 'Suggest products', description: 'Products of the shared registry whose vendor or name matches `q` (prefix matches first).', querystring: ProductQuery, response: { 200: ProductList } },
    },
    async (request) => ({ items: (await suggestProducts(database, request.ctx, request.query.q, request.query.limit ?? 10)).map(toProductJson) }),
  );
}
