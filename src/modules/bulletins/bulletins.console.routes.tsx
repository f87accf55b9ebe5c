import { Type } from '@sinclair/typebox';
import type { FastifyReply, FastifyRequest } from 'fastify';
import type { App } from '#src/plugins/types';
import type { AppServices } from '#src/app';
import type { FieldError } from '#src/core/errors';
import type { Bulletin, BulletinContent } from '#src/modules/bulletins/bulletins.types';
import type { BulletinFormValues, RowList } from '#src/web/console/bulletins/bulletin-form';
import type { EditorConflict, EditorPreview } from '#src/web/console/bulletins/bulletin-editor';
import type { DiffSide, OverviewNotice } from '#src/web/console/bulletins/bulletins.pages';
import { AppError } from '#src/core/errors';
import { FormBodySchema, readForm } from '#src/web/forms';
import { pageContext } from '#src/web/page-context';
import { translateFieldErrors } from '#src/web/components/form';
import { bulletinKinds, bulletinLanguages, emptyContent, publicationStates, workflowStates } from '#src/modules/bulletins/bulletins.types';
import { renderMarkdown } from '#src/modules/bulletins/markdown';
import { parseCvssVector } from '#src/modules/vulnerabilities/cvss';
import { diffBulletinContent } from '#src/modules/bulletins/diff';
import { createBulletin } from '#src/modules/bulletins/use-cases/create-bulletin';
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
import { checkCsaf } from '#src/modules/csaf/use-cases/check-csaf';
import { listConsoleBulletins } from '#src/modules/bulletins/use-cases/list-console-bulletins';
import { suggestProducts } from '#src/modules/bulletins/use-cases/suggest-products';
import { blankRows, dateToZonedLocal, formValuesFromContent, formVersion, inputFromForm, readBulletinForm, rowLists, zonedLocalToDate } from '#src/web/console/bulletins/bulletin-form';
import { loadEditorChoices, loadVocabularies } from '#src/modules/bulletins/use-cases/load-editor-choices';
import { BulletinDiffPage, BulletinEditPage, BulletinListPage, BulletinOverviewPage, NewBulletinPage, overviewNotices } from '#src/web/console/bulletins/bulletins.pages';

const PER_PAGE = 50;
const read = { permission: 'bulletins:read' } as const;
const write = { permission: 'bulletins:write' } as const;
const review = { permission: 'bulletins:review' } as const;

const Params = Type.Object({ id: Type.String({ maxLength: 64 }) });
const Choice = <T extends string>(values: readonly T[]) => Type.Optional(Type.Union([...values.map((v) => Type.Literal(v)), Type.Literal('')]));
const ListQuery = Type.Object({
  q: Type.Optional(Type.String({ maxLength: 200 })),
  state: Choice(workflowStates),
  publication: Choice(publicationStates),
  kind: Choice(bulletinKinds),
  cursor: Type.Optional(Type.String({ maxLength: 500 })),
});
const OverviewQuery = Type.Object({ done: Choice(overviewNotices) });
const EditQuery = Type.Object({ done: Type.Optional(Type.Literal('saved')) });
const DiffQuery = Type.Object({
  from: Type.Optional(Type.String({ maxLength: 12 })),
  to: Type.Optional(Type.String({ maxLength: 12 })),
});
const CvssQuery = Type.Object({ vector: Type.String({ maxLength: 300 }) });
const CvssAnswer = Type.Object({
  ok: Type.Boolean(),
  vector: Type.Optional(Type.String()),
  version: Type.Optional(Type.String()),
  score: Type.Optional(Type.Number()),
  severity: Type.Optional(Type.String()),
  label: Type.String({ description: 'The score and severity as shown in the editor, in the interface language.' }),
});
const ProductsQuery = Type.Object({ q: Type.String({ maxLength: 200 }) });
const ProductsAnswer = Type.Object({
  items: Type.Array(Type.Object({ id: Type.String(), vendor: Type.String(), product: Type.String(), cpe: Type.Union([Type.String(), Type.Null()]), purl: Type.Union([Type.String(), Type.Null()]) })),
});
const PreviewAnswer = Type.Object({ html: Type.String() });
const AutosaveAnswer = Type.Object({
  ok: Type.Boolean(),
  version: Type.Integer(),
  savedAt: Type.Optional(Type.String()),
  message: Type.String(),
  errors: Type.Optional(Type.Array(Type.Object({ field: Type.String(), message: Type.String() }))),
});

function isAppError(err: unknown, ...codes: string[]): err is AppError {
  return err instanceof AppError && codes.includes(err.code);
}

/** Parses a `from`/`to` value: a revision number, 0 for "nothing", or `draft` for the working copy. */
function parseSide(value: string | undefined, fallback: DiffSide, field: string): DiffSide {
  if (value === undefined || value === '') return fallback;
  if (value === 'draft') return 'draft';
  if (/^\d{1,6}$/.test(value)) return Number(value);
  throw AppError.field(field, 'invalid');
}

/** The bulletin console: list, editor, review, revisions, diff and history. */
export function bulletinsConsoleRoutes(app: App, services: AppServices): void {
  const { database, config } = services;

  // ---- Rendering helpers ---------------------------------------------------------------------------------

  interface OverviewOptions {
    notice?: OverviewNotice | undefined;
    problem?: string | undefined;
    errors?: readonly FieldError[];
    status?: number;
  }

  async function renderOverview(request: FastifyRequest, reply: FastifyReply, id: string, options: OverviewOptions = {}) {
    const data = await getConsoleBulletin(database, request.ctx, id);
    const { criticalities, risks } = await loadVocabularies(database);
    const csafCheck = await checkCsaf(database, config, request.ctx, id);
    const inAnHour = new Date(request.ctx.clock.now().getTime() + 3600_000);
    return reply.page(
      <BulletinOverviewPage
        page={pageContext(request, config.siteName)}
        bulletin={data.bulletin}
        revisions={data.revisions}
        comments={data.comments}
        history={data.history}
        criticalities={criticalities}
        risks={risks}
        notice={options.notice}
        problem={options.problem}
        errors={translateFieldErrors(request.i18n, options.errors ?? [])}
        scheduleDefault={dateToZonedLocal(inAnHour, config.timezone)}
        timezone={config.timezone}
        csafCheck={csafCheck}
      />,
      options.status ?? 200,
    );
  }

  interface EditorOptions {
    values?: BulletinFormValues;
    errors?: readonly FieldError[];
    version?: number;
    conflict?: EditorConflict;
    preview?: EditorPreview;
    notice?: string;
    status?: number;
  }

  async function renderEditor(request: FastifyRequest, reply: FastifyReply, bulletin: Bulletin, options: EditorOptions = {}) {
    const values = options.values ?? formValuesFromContent(bulletin.draft, bulletin.changeSummary);
    const choices = await loadEditorChoices(database, request.ctx, { criticality: values.criticality, risks: values.risks });
    return reply.page(
      <BulletinEditPage
        page={pageContext(request, config.siteName)}
        bulletin={bulletin}
        values={values}
        errors={translateFieldErrors(request.i18n, options.errors ?? [])}
        choices={choices}
        version={options.version ?? bulletin.version}
        conflict={options.conflict}
        preview={options.preview}
        notice={options.notice}
      />,
      options.status ?? 200,
    );
  }

  /** Runs a workflow action from the overview: redirect on success, the overview with the reason otherwise. */
  async function runAction(request: FastifyRequest, reply: FastifyReply, id: string, done: OverviewNotice, action: () => Promise<unknown>) {
    try {
      await action();
      return reply.redirect(`/console/bulletins/${id}?done=${done}`, 303);
    } catch (err) {
      if (!isAppError(err, 'validation_failed', 'version_conflict', 'own_bulletin', 'conflict')) throw err;
      const problem = request.i18n.t(`error.${err.code}`);
      return renderOverview(request, reply, id, { problem, errors: err.fields, status: err.status });
    }
  }

  // ---- List and creation ---------------------------------------------------------------------------------

  app.get('/console/bulletins', { config: { access: read }, schema: { hide: true, querystring: ListQuery } }, async (request, reply) => {
    const q = request.query;
    const filters = { state: q.state ?? '', publication: q.publication ?? '', kind: q.kind ?? '', q: q.q?.trim() ?? '' };
    const page = await listConsoleBulletins(
      database,
      request.ctx,
      { ...(q.state ? { state: q.state } : {}), ...(q.publication ? { publication: q.publication } : {}), ...(q.kind ? { kind: q.kind } : {}), ...(filters.q ? { q: filters.q } : {}) },
      { limit: PER_PAGE, ...(q.cursor ? { cursor: q.cursor } : {}) },
    );
    const params = new URLSearchParams(Object.entries(filters).filter(([, v]) => v !== ''));
    if (page.nextCursor) params.set('cursor', page.nextCursor);
    const { criticalities } = await loadVocabularies(database);
    return reply.page(
      <BulletinListPage
        page={pageContext(request, config.siteName)}
        filters={filters}
        items={page.items}
        nextHref={page.nextCursor ? `/console/bulletins?${params.toString()}` : null}
        isFirst={!q.cursor}
        criticalities={criticalities}
      />,
    );
  });

  app.get('/console/bulletins/new', { config: { access: write }, schema: { hide: true } }, async (request, reply) => {
    return reply.page(<NewBulletinPage page={pageContext(request, config.siteName)} values={{ kind: 'bulletin', originalLanguage: request.i18n.locale }} errors={{}} />);
  });

  app.post('/console/bulletins/new', { config: { access: write }, schema: { hide: true, body: FormBodySchema } }, async (request, reply) => {
    const form = readForm(request.body);
    const values = { kind: form.str('kind'), originalLanguage: form.str('originalLanguage') };
    const errors: FieldError[] = [];
    const kind = bulletinKinds.find((k) => k === values.kind);
    const originalLanguage = bulletinLanguages.find((l) => l === values.originalLanguage);
    if (!kind) errors.push({ field: 'kind', message: values.kind ? 'invalid_choice' : 'required' });
    if (!originalLanguage) errors.push({ field: 'originalLanguage', message: values.originalLanguage ? 'invalid_choice' : 'required' });
    if (!kind || !originalLanguage) {
      return reply.page(<NewBulletinPage page={pageContext(request, config.siteName)} values={values} errors={translateFieldErrors(request.i18n, errors)} />, 400);
    }
    const bulletin = await createBulletin(database, request.ctx, { kind, originalLanguage });
    return reply.redirect(`/console/bulletins/${bulletin.id}/edit`, 303);
  });

  // ---- Editor helpers for JavaScript (JSON) ----------------------------------------------------------------

  app.get('/console/bulletins/cvss', { config: { access: read }, schema: { hide: true, querystring: CvssQuery, response: { 200: CvssAnswer } } }, async (request) => {
    const parsed = parseCvssVector(request.query.vector);
    const t = request.i18n.t;
    if (!parsed.ok) return { ok: false, label: parsed.reason === 'empty' ? '' : t('bulletins.cvss.invalid') };
    return {
      ok: true,
      vector: parsed.vector,
      version: parsed.version,
      score: parsed.score,
      severity: parsed.scoreSeverity,
      label: t('bulletins.cvss.score', { score: parsed.score.toFixed(1), severity: t(`bulletins.severity.${parsed.scoreSeverity}`) }),
    };
  });

  app.get('/console/bulletins/products', { config: { access: read }, schema: { hide: true, querystring: ProductsQuery, response: { 200: ProductsAnswer } } }, async (request) => {
    const q = request.query.q.trim();
    if (q.length < 2) return { items: [] };
    const products = await suggestProducts(database, request.ctx, q, 10);
    return { items: products.map((p) => ({ id: p.id, vendor: p.vendor, product: p.name, cpe: p.cpe, purl: p.purl })) };
  });

  app.post('/console/bulletins/preview', { config: { access: read }, schema: { hide: true, body: FormBodySchema, response: { 200: PreviewAnswer } } }, async (request) => {
    const markdown = readForm(request.body).raw('markdown');
    return { html: renderMarkdown(markdown) };
  });

  // ---- One bulletin --------------------------------------------------------------------------------------

  app.get('/console/bulletins/:id', { config: { access: read }, schema: { hide: true, params: Params, querystring: OverviewQuery } }, async (request, reply) => {
    return renderOverview(request, reply, request.params.id, { notice: request.query.done || undefined });
  });

  app.get('/console/bulletins/:id/edit', { config: { access: write }, schema: { hide: true, params: Params, querystring: EditQuery } }, async (request, reply) => {
    const { bulletin } = await getConsoleBulletin(database, request.ctx, request.params.id);
    return renderEditor(request, reply, bulletin, request.query.done === 'saved' ? { notice: request.i18n.t('bulletins.done.saved') } : {});
  });

  app.post('/console/bulletins/:id/edit', { config: { access: write }, schema: { hide: true, params: Params, body: FormBodySchema } }, async (request, reply) => {
    const id = request.params.id;
    const form = readForm(request.body);
    const action = form.str('_action') || 'save';
    const { bulletin } = await getConsoleBulletin(database, request.ctx, id);
    const values = readBulletinForm(form);
    const version = formVersion(form.str('version'));

    // "Add a row" and "Preview" re-render the form as typed, without saving (the JavaScript-free path).
    const add = /^add:(\w+)$/.exec(action)?.[1];
    if (add !== undefined) {
      const list = rowLists.find((l) => l === add);
      if (!list) throw AppError.field('_action', 'invalid_choice');
      appendBlankRow(values, list, bulletin.kind);
      return renderEditor(request, reply, bulletin, { values, version });
    }
    const previewLanguage = /^preview:(\w+)$/.exec(action)?.[1];
    if (previewLanguage !== undefined) {
      const language = bulletinLanguages.find((l) => l === previewLanguage);
      if (!language) throw AppError.field('_action', 'invalid_choice');
      const text = values.texts[language];
      const html = (['description', 'solution', 'workarounds'] as const).filter((f) => text[f].trim() !== '').map((field) => ({ field, html: renderMarkdown(text[field]) }));
      return renderEditor(request, reply, bulletin, { values, version, preview: { language, html } });
    }
    if (action !== 'save' && action !== 'submit') throw AppError.field('_action', 'invalid_choice');

    let saved: Bulletin;
    try {
      saved = await saveBulletin(database, request.ctx, id, { content: inputFromForm(values), changeSummary: values.changeSummary }, version);
    } catch (err) {
      if (isAppError(err, 'validation_failed')) return renderEditor(request, reply, bulletin, { values, version, errors: err.fields, status: 400 });
      if (isAppError(err, 'conflict')) return renderOverview(request, reply, id, { problem: request.i18n.t('error.conflict'), status: 409 });
      if (isAppError(err, 'version_conflict')) {
        // Nothing typed is lost: the form keeps it, the other person's version is shown next to it, and the form now
        // carries the current version so that saving again is a deliberate choice made after seeing both.
        const current = (await getConsoleBulletin(database, request.ctx, id)).bulletin;
        return renderEditor(request, reply, current, {
          values,
          version: current.version,
          conflict: { current: current.draft, currentVersion: current.version, updatedAt: current.updatedAt },
          status: 409,
        });
      }
      throw err;
    }
    if (action === 'submit') {
      try {
        await submitBulletin(database, request.ctx, id, saved.version);
      } catch (err) {
        if (!isAppError(err, 'validation_failed', 'conflict', 'version_conflict')) throw err;
        return renderEditor(request, reply, saved, { errors: err.fields, notice: request.i18n.t('bulletins.done.saved_not_submitted'), status: err.status });
      }
      return reply.redirect(`/console/bulletins/${id}?done=submitted`, 303);
    }
    return reply.redirect(`/console/bulletins/${id}/edit?done=saved`, 303);
  });

  app.post('/console/bulletins/:id/autosave', { config: { access: write }, schema: { hide: true, params: Params, body: FormBodySchema, response: { 200: AutosaveAnswer, 400: AutosaveAnswer, 409: AutosaveAnswer } } }, async (request, reply) => {
    const form = readForm(request.body);
    const values = readBulletinForm(form);
    const version = formVersion(form.str('version'));
    const t = request.i18n.t;
    try {
      const saved = await saveBulletin(database, request.ctx, request.params.id, { content: inputFromForm(values), changeSummary: values.changeSummary }, version);
      return { ok: true, version: saved.version, savedAt: saved.updatedAt.toISOString(), message: t('bulletins.autosave.saved', { at: request.i18n.formatDateTime(saved.updatedAt) }) };
    } catch (err) {
      if (isAppError(err, 'version_conflict')) return reply.status(409).send({ ok: false, version, message: t('bulletins.autosave.conflict') });
      if (isAppError(err, 'validation_failed')) {
        const errors = translateFieldErrors(request.i18n, err.fields);
        return reply.status(400).send({ ok: false, version, message: t('bulletins.autosave.invalid'), errors: Object.entries(errors).map(([field, message]) => ({ field, message })) });
      }
      throw err;
    }
  });

  app.get('/console/bulletins/:id/diff', { config: { access: read }, schema: { hide: true, params: Params, querystring: DiffQuery } }, async (request, reply) => {
    const data = await getConsoleBulletin(database, request.ctx, request.params.id);
    const { bulletin, revisions } = data;
    const latest = revisions.reduce((n, r) => Math.max(n, r.number), 0);
    const from = parseSide(request.query.from, latest, 'from');
    const to = parseSide(request.query.to, 'draft', 'to');
    const contentOf = (side: DiffSide): BulletinContent => {
      if (side === 'draft') return bulletin.draft;
      if (side === 0) return emptyContent(bulletin.kind, bulletin.draft.originalLanguage);
      const revision = revisions.find((r) => r.number === side);
      if (!revision) throw new AppError('not_found');
      return revision.content;
    };
    const diff = diffBulletinContent(contentOf(from), contentOf(to));
    const choices = await loadEditorChoices(database, request.ctx, { criticality: '', risks: [] });
    const orgs = new Map(choices.organisations.map((o) => [o.id, o.names[request.i18n.locale]]));
    const users = new Map(choices.users.map((u) => [u.id, `${u.displayName} <${u.email}>`]));
    return reply.page(
      <BulletinDiffPage
        page={pageContext(request, config.siteName)}
        bulletin={bulletin}
        revisions={revisions}
        from={from}
        to={to}
        diff={diff}
        names={{ criticalities: choices.criticalities, risks: choices.risks, organisation: (id) => orgs.get(id) ?? id, user: (id) => users.get(id) ?? id }}
      />,
    );
  });

  // ---- Workflow actions ----------------------------------------------------------------------------------

  const actionSchema = { hide: true, params: Params, body: FormBodySchema };

  app.post('/console/bulletins/:id/submit', { config: { access: write }, schema: actionSchema }, async (request, reply) => {
    const version = formVersion(readForm(request.body).str('version'));
    return runAction(request, reply, request.params.id, 'submitted', () => submitBulletin(database, request.ctx, request.params.id, version));
  });

  app.post('/console/bulletins/:id/request-changes', { config: { access: review }, schema: actionSchema }, async (request, reply) => {
    const form = readForm(request.body);
    const version = formVersion(form.str('version'));
    return runAction(request, reply, request.params.id, 'changes_requested', () => requestChanges(database, request.ctx, request.params.id, form.str('comment'), version));
  });

  app.post('/console/bulletins/:id/approve', { config: { access: review }, schema: actionSchema }, async (request, reply) => {
    const form = readForm(request.body);
    const version = formVersion(form.str('version'));
    const comment = form.str('comment');
    return runAction(request, reply, request.params.id, 'approved', () => approveBulletin(database, request.ctx, request.params.id, version, comment || undefined));
  });

  app.post('/console/bulletins/:id/publish', { config: { access: review }, schema: actionSchema }, async (request, reply) => {
    const version = formVersion(readForm(request.body).str('version'));
    return runAction(request, reply, request.params.id, 'published', () => publishBulletin(database, config, request.ctx, request.params.id, version));
  });

  app.post('/console/bulletins/:id/schedule', { config: { access: review }, schema: actionSchema }, async (request, reply) => {
    const form = readForm(request.body);
    const version = formVersion(form.str('version'));
    const at = zonedLocalToDate(form.str('at'), config.timezone);
    return runAction(request, reply, request.params.id, 'scheduled', async () => {
      if (!at) throw AppError.field('at', form.str('at') ? 'invalid_date' : 'required');
      return publishBulletin(database, config, request.ctx, request.params.id, version, { at });
    });
  });

  app.post('/console/bulletins/:id/cancel-schedule', { config: { access: review }, schema: actionSchema }, async (request, reply) => {
    const version = formVersion(readForm(request.body).str('version'));
    return runAction(request, reply, request.params.id, 'schedule_cancelled', () => cancelScheduledPublication(database, request.ctx, request.params.id, version));
  });

  app.post('/console/bulletins/:id/close', { config: { access: review }, schema: actionSchema }, async (request, reply) => {
    const version = formVersion(readForm(request.body).str('version'));
    return runAction(request, reply, request.params.id, 'closed', () => closeBulletin(database, config, request.ctx, request.params.id, version));
  });

  app.post('/console/bulletins/:id/withdraw', { config: { access: review }, schema: actionSchema }, async (request, reply) => {
    const form = readForm(request.body);
    const version = formVersion(form.str('version'));
    return runAction(request, reply, request.params.id, 'withdrawn', () => withdrawBulletin(database, config, request.ctx, request.params.id, version, form.str('reason')));
  });

  app.post('/console/bulletins/:id/comment', { config: { access: { permission: 'bulletins:comment' } }, schema: actionSchema }, async (request, reply) => {
    const body = readForm(request.body).str('body');
    return runAction(request, reply, request.params.id, 'commented', () => commentOnBulletin(database, request.ctx, request.params.id, body));
  });
}

function appendBlankRow(values: BulletinFormValues, list: RowList, kind: Bulletin['kind']): void {
  // The editor shows an empty list with one blank row already (see BulletinEditor): "add" then means a second one.
  const shownWithBlank = { affected: true, references: true, cves: kind !== 'note', indicators: kind === 'note', relations: false }[list];
  const times = values[list].length === 0 && shownWithBlank ? 2 : 1;
  for (let i = 0; i < times; i += 1) {
    switch (list) {
      case 'affected':
        values.affected.push(blankRows.affected());
        break;
      case 'cves':
        values.cves.push(blankRows.cves());
        break;
      case 'references':
        values.references.push(blankRows.references());
        break;
      case 'relations':
        values.relations.push(blankRows.relations());
        break;
      case 'indicators':
        values.indicators.push(blankRows.indicators());
        break;
    }
  }
}
