/** The bulletin console pages: list, new, overview (review, revisions, history), editor and diff. */
import type { PageContext } from '#src/web/page-context';
import type { FormErrors } from '#src/web/components/form';
import type { AuditEvent } from '#src/modules/audit/audit.types';
import type { Bulletin, BulletinComment, BulletinRevision } from '#src/modules/bulletins/bulletins.types';
import type { ConsoleBulletinSummary } from '#src/modules/bulletins/use-cases/list-console-bulletins';
import type { BulletinDiff } from '#src/modules/bulletins/diff';
import type { VocabularyTerm } from '#src/modules/taxonomies/taxonomies.types';
import type { BulletinEditorProps } from '#src/web/console/bulletins/bulletin-editor';
import type { DiffNames } from '#src/web/console/bulletins/bulletin-parts';
import type { CsafCheck } from '#src/modules/csaf/use-cases/check-csaf';
import { CsafCheckSection } from '#src/web/console/bulletins/csaf-check';
import { ConsolePage } from '#src/web/layout';
import { CsrfField, ErrorSummary, Notice, Pagination, SelectField, TextArea } from '#src/web/components/form';
import { bulletinKinds, bulletinLanguages, publicationStates, workflowStates } from '#src/modules/bulletins/bulletins.types';
import { BulletinEditor } from '#src/web/console/bulletins/bulletin-editor';
import { ContentView, CriticalityBadge, DiffView, PublicationBadge, StateBadge, TlpBadge } from '#src/web/console/bulletins/bulletin-parts';

function Breadcrumbs({ page, items }: { page: PageContext; items: { href?: string; label: string }[] }) {
  return (
    <nav class="breadcrumbs" aria-label={page.i18n.t('bulletins.breadcrumbs')}>
      <ol>
        <li>
          <a href="/console/bulletins">{page.i18n.t('bulletins.console.title')}</a>
        </li>
        {items.map((i) => (i.href ? <li><a href={i.href}>{i.label}</a></li> : <li aria-current="page">{i.label}</li>))}
      </ol>
    </nav>
  );
}

/** The title of a bulletin in its original language, or a placeholder for an untitled draft. */
export function bulletinTitle(page: PageContext, bulletin: Bulletin): string {
  const title = bulletin.draft.texts[bulletin.draft.originalLanguage]?.title.trim() ?? '';
  return title || page.i18n.t('bulletins.untitled');
}

// ---- List ----------------------------------------------------------------------------------------------------

/** Filters of the list as submitted ('' means any). */
export interface BulletinListFilters {
  state: string;
  publication: string;
  kind: string;
  q: string;
}

/** The console list of bulletins. */
export function BulletinListPage({ page, filters, items, nextHref, isFirst, criticalities }: { page: PageContext; filters: BulletinListFilters; items: ConsoleBulletinSummary[]; nextHref: string | null; isFirst: boolean; criticalities: VocabularyTerm[] }) {
  const { i18n } = page;
  const t = i18n.t;
  const filtered = Object.values(filters).some((v) => v !== '');
  return (
    <ConsolePage page={page} title={t('bulletins.console.title')} section="bulletins">
      <h1>{t('bulletins.console.title')}</h1>
      {page.can('bulletins:write') ? (
        <p>
          <a class="button" href="/console/bulletins/new">
            {t('bulletins.list.new')}
          </a>
        </p>
      ) : null}
      <form method="get" action="/console/bulletins" class="card" role="search" aria-label={t('bulletins.filters.label')}>
        <div class="field">
          <label for="filter-q">{t('bulletins.filters.q')}</label>
          <input id="filter-q" name="q" type="search" value={filters.q} maxLength={200} />
        </div>
        <div class="field">
          <label for="filter-kind">{t('bulletins.field.kind')}</label>
          <select id="filter-kind" name="kind">
            <option value="">{t('bulletins.filters.any')}</option>
            {bulletinKinds.map((k) => (
              <option value={k} selected={filters.kind === k}>
                {t(`bulletins.kind.${k}`)}
              </option>
            ))}
          </select>
        </div>
        <div class="field">
          <label for="filter-state">{t('bulletins.field.state')}</label>
          <select id="filter-state" name="state">
            <option value="">{t('bulletins.filters.any')}</option>
            {workflowStates.map((s) => (
              <option value={s} selected={filters.state === s}>
                {t(`bulletins.state.${s}`)}
              </option>
            ))}
          </select>
        </div>
        <div class="field">
          <label for="filter-publication">{t('bulletins.field.publication')}</label>
          <select id="filter-publication" name="publication">
            <option value="">{t('bulletins.filters.any')}</option>
            {publicationStates.map((s) => (
              <option value={s} selected={filters.publication === s}>
                {t(`bulletins.publication.${s}`)}
              </option>
            ))}
          </select>
        </div>
        <button type="submit" class="button button--secondary">
          {t('bulletins.filters.submit')}
        </button>{' '}
        {filtered ? <a href="/console/bulletins">{t('bulletins.filters.reset')}</a> : null}
      </form>
      {items.length === 0 ? (
        <p class="muted">{filtered ? t('bulletins.list.none_matching') : t('bulletins.list.empty')}</p>
      ) : (
        <div class="table-wrap">
          <table class="table bulletin-list">
            <caption class="visually-hidden">{t('bulletins.console.title')}</caption>
            <thead>
              <tr>
                <th scope="col">{t('bulletins.field.reference')}</th>
                <th scope="col">{t('bulletins.field.title')}</th>
                <th scope="col">{t('bulletins.field.kind')}</th>
                <th scope="col">{t('bulletins.field.criticality')}</th>
                <th scope="col">{t('bulletins.field.tlp')}</th>
                <th scope="col">{t('bulletins.field.state')}</th>
                <th scope="col">{t('bulletins.field.publication')}</th>
                <th scope="col">{t('bulletins.field.author')}</th>
                <th scope="col">{t('bulletins.field.updated')}</th>
              </tr>
            </thead>
            <tbody>
              {items.map((b) => (
                <tr>
                  <td dir="ltr">{b.reference ?? <span class="muted">{t('bulletins.no_reference')}</span>}</td>
                  <td>
                    <a href={`/console/bulletins/${b.id}`}>{b.title || t('bulletins.untitled')}</a>
                  </td>
                  <td>{t(`bulletins.kind.${b.kind}`)}</td>
                  <td>
                    <CriticalityBadge i18n={i18n} code={b.criticality} terms={criticalities} />
                  </td>
                  <td>
                    <TlpBadge tlp={b.tlp} />
                  </td>
                  <td>
                    <StateBadge i18n={i18n} state={b.state} />
                    {b.scheduledAt ? <span class="muted"> {i18n.formatDateTime(b.scheduledAt)}</span> : null}
                  </td>
                  <td>
                    <PublicationBadge i18n={i18n} publication={b.publication} />
                  </td>
                  <td>{b.authorName}</td>
                  <td>{i18n.formatDateTime(b.updatedAt)}</td>
                </tr>
              ))}
            </tbody>
          </table>
        </div>
      )}
      <Pagination i18n={i18n} nextHref={nextHref} isFirst={isFirst} />
    </ConsolePage>
  );
}

// ---- New -----------------------------------------------------------------------------------------------------

/** The first step of a bulletin: its kind and original language (both fixed afterwards). */
export function NewBulletinPage({ page, values, errors }: { page: PageContext; values: { kind: string; originalLanguage: string }; errors: FormErrors }) {
  const { i18n } = page;
  const t = i18n.t;
  return (
    <ConsolePage page={page} title={t('bulletins.new.title')} section="bulletins">
      <Breadcrumbs page={page} items={[{ label: t('bulletins.new.title') }]} />
      <h1>{t('bulletins.new.title')}</h1>
      <ErrorSummary i18n={i18n} errors={errors} labels={{ kind: t('bulletins.field.kind'), originalLanguage: t('bulletins.field.original_language') }} />
      <form method="post" action="/console/bulletins/new" class="form">
        <CsrfField token={page.csrfToken} />
        <fieldset class={errors.kind ? 'field field--error' : 'field'} id="f-kind">
          <legend>{t('bulletins.field.kind')}</legend>
          {errors.kind ? <p class="field__error">{errors.kind}</p> : null}
          <div class="choices">
            {bulletinKinds.map((k, i) => (
              <div>
                <input type="radio" id={`f-kind-${i}`} name="kind" value={k} checked={values.kind === k} />
                <label for={`f-kind-${i}`}>
                  <strong>{t(`bulletins.kind.${k}`)}</strong> — {t(`bulletins.kind.${k}.hint`)}
                </label>
              </div>
            ))}
          </div>
        </fieldset>
        <SelectField
          name="originalLanguage"
          label={t('bulletins.field.original_language')}
          hint={t('bulletins.new.language_hint')}
          errors={errors}
          value={values.originalLanguage || i18n.locale}
          options={bulletinLanguages.map((l) => ({ value: l, label: t(`bulletins.language.${l}`) }))}
        />
        <button type="submit" class="button">
          {t('bulletins.new.submit')}
        </button>
      </form>
    </ConsolePage>
  );
}

// ---- Overview ------------------------------------------------------------------------------------------------

/** What this user may do now, given the workflow state (the use cases decide; this only chooses the buttons). */
export interface BulletinActions {
  edit: boolean;
  submit: boolean;
  review: boolean;
  publish: boolean;
  cancelSchedule: boolean;
  close: boolean;
  withdraw: boolean;
  comment: boolean;
}

/** The buttons to offer on the overview. */
export function allowedActions(page: PageContext, bulletin: Bulletin): BulletinActions {
  const write = page.can('bulletins:write');
  const review = page.can('bulletins:review');
  const live = bulletin.publication === 'published' || bulletin.publication === 'closed';
  return {
    edit: write && bulletin.publication !== 'withdrawn',
    submit: write && bulletin.state === 'draft',
    review: review && bulletin.state === 'in_review',
    publish: review && bulletin.state === 'approved',
    cancelSchedule: review && bulletin.state === 'scheduled',
    close: review && bulletin.kind === 'alert' && bulletin.publication === 'published',
    withdraw: review && live,
    comment: page.can('bulletins:read'),
  };
}

/** Notices after a redirect (`?done=`). */
export const overviewNotices = ['created', 'saved', 'submitted', 'changes_requested', 'approved', 'published', 'scheduled', 'schedule_cancelled', 'closed', 'withdrawn', 'commented'] as const;
export type OverviewNotice = (typeof overviewNotices)[number];

export interface BulletinOverviewProps {
  page: PageContext;
  bulletin: Bulletin;
  revisions: BulletinRevision[];
  comments: BulletinComment[];
  history: AuditEvent[];
  criticalities: VocabularyTerm[];
  risks: VocabularyTerm[];
  notice?: OverviewNotice | undefined;
  /** A refusal to show at the top (own bulletin, stale version, incomplete bulletin …). */
  problem?: string | undefined;
  errors?: FormErrors;
  /** Default value of the schedule field (datetime-local in the configured time zone). */
  scheduleDefault: string;
  timezone: string;
  /** The CSAF check of the working copy (null when there is nothing to publish). */
  csafCheck?: CsafCheck | null;
}

function HiddenVersion({ version }: { version: number }) {
  return <input type="hidden" name="version" value={String(version)} />;
}

/** One bulletin: state, actions, content, review thread, revisions and history. */
export function BulletinOverviewPage(props: BulletinOverviewProps) {
  const { page, bulletin, revisions, comments, history, criticalities, risks, notice, problem, errors = {}, scheduleDefault, timezone, csafCheck } = props;
  const { i18n } = page;
  const t = i18n.t;
  const title = bulletinTitle(page, bulletin);
  const base = `/console/bulletins/${bulletin.id}`;
  const can = allowedActions(page, bulletin);
  const isAuthor = page.user?.id === bulletin.authorId;
  const csrf = <CsrfField token={page.csrfToken} />;
  const actionLabel = (action: string): string => {
    const key = `bulletins.history.${action.replace(/^bulletin\./, '').replace(/[^a-z0-9_]/g, '_')}`;
    const label = t(key);
    return label === key ? action : label;
  };
  return (
    <ConsolePage page={page} title={title} section="bulletins">
      <Breadcrumbs page={page} items={[{ label: title }]} />
      <h1 lang={bulletin.draft.originalLanguage}>{title}</h1>
      {notice ? <Notice kind="success">{t(`bulletins.done.${notice}`)}</Notice> : null}
      {problem ? <Notice kind="error">{problem}</Notice> : null}
      <ErrorSummary i18n={i18n} errors={errors} labels={{}} />
      <dl class="summary-list">
        <div>
          <dt>{t('bulletins.field.reference')}</dt>
          <dd dir="ltr">{bulletin.reference ?? t('bulletins.no_reference')}</dd>
        </div>
        <div>
          <dt>{t('bulletins.field.kind')}</dt>
          <dd>{t(`bulletins.kind.${bulletin.kind}`)}</dd>
        </div>
        <div>
          <dt>{t('bulletins.field.state')}</dt>
          <dd>
            <StateBadge i18n={i18n} state={bulletin.state} />
            {bulletin.scheduledAt ? ` ${t('bulletins.overview.scheduled_for', { at: i18n.formatDateTime(bulletin.scheduledAt) })}` : ''}
          </dd>
        </div>
        <div>
          <dt>{t('bulletins.field.publication')}</dt>
          <dd>
            <PublicationBadge i18n={i18n} publication={bulletin.publication} />
            {bulletin.publishedRevision > 0 ? ` ${t('bulletins.overview.revision', { n: bulletin.publishedRevision })}` : ''}
          </dd>
        </div>
        <div>
          <dt>{t('bulletins.field.original_language')}</dt>
          <dd>{t(`bulletins.language.${bulletin.draft.originalLanguage}`)}</dd>
        </div>
        {bulletin.aliases.length > 0 ? (
          <div>
            <dt>{t('bulletins.field.aliases')}</dt>
            <dd dir="ltr">{bulletin.aliases.join(', ')}</dd>
          </div>
        ) : null}
        <div>
          <dt>{t('bulletins.field.updated')}</dt>
          <dd>{i18n.formatDateTime(bulletin.updatedAt)}</dd>
        </div>
      </dl>

      <section class="bulletin-actions" aria-labelledby="actions-title">
        <h2 id="actions-title">{t('bulletins.overview.actions')}</h2>
        {Object.values(can).every((v) => !v) ? <p class="muted">{t('bulletins.overview.no_actions')}</p> : null}
        <div class="action-list">
          {can.edit ? (
            <p>
              <a class="button" href={`${base}/edit`}>
                {bulletin.state === 'published' ? t('bulletins.overview.edit_published') : bulletin.state === 'draft' ? t('bulletins.overview.edit') : t('bulletins.overview.edit_back_to_draft')}
              </a>{' '}
              {bulletin.publishedRevision > 0 ? <a href={`${base}/diff`}>{t('bulletins.overview.diff_working')}</a> : null}
            </p>
          ) : null}
          {can.submit ? (
            <form method="post" action={`${base}/submit`}>
              {csrf}
              <HiddenVersion version={bulletin.version} />
              <button type="submit" class="button button--secondary">
                {t('bulletins.action.submit')}
              </button>
            </form>
          ) : null}
          {can.review ? (
            <>
              {isAuthor ? <Notice kind="info">{t('bulletins.overview.own_hint')}</Notice> : null}
              <form method="post" action={`${base}/approve`} class="form">
                {csrf}
                <HiddenVersion version={bulletin.version} />
                <TextArea name="comment" label={t('bulletins.action.approve_comment')} errors={errors} rows={2} />
                <button type="submit" class="button">
                  {t('bulletins.action.approve')}
                </button>
              </form>
              <form method="post" action={`${base}/request-changes`} class="form">
                {csrf}
                <HiddenVersion version={bulletin.version} />
                <TextArea name="comment" label={t('bulletins.action.request_changes_comment')} errors={errors} rows={3} />
                <button type="submit" class="button button--secondary">
                  {t('bulletins.action.request_changes')}
                </button>
              </form>
            </>
          ) : null}
          {can.publish ? (
            <>
              <form method="post" action={`${base}/publish`} data-confirm={t('bulletins.action.publish_confirm')}>
                {csrf}
                <HiddenVersion version={bulletin.version} />
                <button type="submit" class="button">
                  {t('bulletins.action.publish_now')}
                </button>
              </form>
              <form method="post" action={`${base}/schedule`} class="form">
                {csrf}
                <HiddenVersion version={bulletin.version} />
                <div class={errors.at ? 'field field--error' : 'field'}>
                  <label for="f-at">{t('bulletins.action.schedule_at')}</label>
                  <p class="field__hint" id="f-at-hint">
                    {t('bulletins.action.schedule_hint', { zone: timezone })}
                  </p>
                  {errors.at ? (
                    <p class="field__error" id="f-at-error">
                      {errors.at}
                    </p>
                  ) : null}
                  <input type="datetime-local" id="f-at" name="at" value={scheduleDefault} aria-describedby={errors.at ? 'f-at-hint f-at-error' : 'f-at-hint'} aria-invalid={errors.at ? 'true' : undefined} />
                </div>
                <button type="submit" class="button button--secondary">
                  {t('bulletins.action.schedule')}
                </button>
              </form>
            </>
          ) : null}
          {can.cancelSchedule ? (
            <form method="post" action={`${base}/cancel-schedule`}>
              {csrf}
              <HiddenVersion version={bulletin.version} />
              <button type="submit" class="button button--secondary">
                {t('bulletins.action.cancel_schedule')}
              </button>
            </form>
          ) : null}
          {can.close ? (
            <form method="post" action={`${base}/close`} data-confirm={t('bulletins.action.close_confirm')}>
              {csrf}
              <HiddenVersion version={bulletin.version} />
              <button type="submit" class="button button--secondary">
                {t('bulletins.action.close')}
              </button>
            </form>
          ) : null}
          {can.withdraw ? (
            <form method="post" action={`${base}/withdraw`} class="form" data-confirm={t('bulletins.action.withdraw_confirm')}>
              {csrf}
              <HiddenVersion version={bulletin.version} />
              <TextArea name="reason" label={t('bulletins.action.withdraw_reason')} errors={errors} rows={2} />
              <button type="submit" class="button button--danger">
                {t('bulletins.action.withdraw')}
              </button>
            </form>
          ) : null}
        </div>
      </section>

      {csafCheck ? <CsafCheckSection i18n={i18n} check={csafCheck} /> : null}

      <section aria-labelledby="content-title">
        <h2 id="content-title">{t('bulletins.overview.content')}</h2>
        <ContentView i18n={i18n} content={bulletin.draft} criticalities={criticalities} risks={risks} headingLevel={3} />
      </section>

      <section aria-labelledby="comments-title">
        <h2 id="comments-title">{t('bulletins.overview.comments')}</h2>
        {comments.length === 0 ? (
          <p class="muted">{t('bulletins.overview.no_comments')}</p>
        ) : (
          <ol class="comment-thread">
            {comments.map((c) => (
              <li class={`comment comment--${c.kind}`}>
                <p class="comment__meta">
                  <strong>{c.authorName}</strong> · <span class={`badge badge--comment-${c.kind}`}>{t(`bulletins.comment.${c.kind}`)}</span> · <time dateTime={c.createdAt.toISOString()}>{i18n.formatDateTime(c.createdAt)}</time>
                </p>
                {c.body ? <p class="comment__body" dir="auto">{c.body}</p> : null}
              </li>
            ))}
          </ol>
        )}
        {can.comment ? (
          <form method="post" action={`${base}/comment`} class="form">
            {csrf}
            <TextArea name="body" label={t('bulletins.overview.add_comment')} errors={errors} rows={3} />
            <button type="submit" class="button button--secondary">
              {t('bulletins.overview.comment_submit')}
            </button>
          </form>
        ) : null}
      </section>

      <section aria-labelledby="revisions-title">
        <h2 id="revisions-title">{t('bulletins.overview.revisions')}</h2>
        {revisions.length === 0 ? (
          <p class="muted">{t('bulletins.overview.no_revisions')}</p>
        ) : (
          <div class="table-wrap">
            <table class="table">
              <thead>
                <tr>
                  <th scope="col" class="num">
                    {t('bulletins.field.revision')}
                  </th>
                  <th scope="col">{t('bulletins.field.published_at')}</th>
                  <th scope="col">{t('bulletins.field.change_summary')}</th>
                  <th scope="col">{t('bulletins.overview.compare')}</th>
                </tr>
              </thead>
              <tbody>
                {revisions.map((r) => (
                  <tr>
                    <td class="num">{r.number}</td>
                    <td>{i18n.formatDateTime(r.publishedAt)}</td>
                    <td dir="auto">{r.changeSummary}</td>
                    <td>
                      {r.number > 1 ? <a href={`${base}/diff?from=${r.number - 1}&to=${r.number}`}>{t('bulletins.overview.compare_previous')}</a> : null}
                      {r.number > 1 ? ' · ' : null}
                      <a href={`${base}/diff?from=${r.number}&to=draft`}>{t('bulletins.overview.compare_working')}</a>
                    </td>
                  </tr>
                ))}
              </tbody>
            </table>
          </div>
        )}
      </section>

      <section aria-labelledby="history-title">
        <h2 id="history-title">{t('bulletins.overview.history')}</h2>
        {history.length === 0 ? (
          <p class="muted">{t('bulletins.overview.no_history')}</p>
        ) : (
          <ol class="history">
            {history.map((e) => (
              <li>
                <time dateTime={e.occurredAt.toISOString()}>{i18n.formatDateTime(e.occurredAt)}</time> — <strong>{actionLabel(e.action)}</strong> — <span dir="ltr">{e.actorLabel}</span>
              </li>
            ))}
          </ol>
        )}
      </section>
    </ConsolePage>
  );
}

// ---- Editor --------------------------------------------------------------------------------------------------

/** The editor page. */
export function BulletinEditPage(props: BulletinEditorProps) {
  const { page, bulletin } = props;
  const t = page.i18n.t;
  const title = bulletinTitle(page, bulletin);
  return (
    <ConsolePage page={page} title={t('bulletins.edit.title', { title })} section="bulletins">
      <Breadcrumbs page={page} items={[{ href: `/console/bulletins/${bulletin.id}`, label: title }, { label: t('bulletins.edit.crumb') }]} />
      <h1>{t('bulletins.edit.title', { title })}</h1>
      <p class="muted">
        {t(`bulletins.kind.${bulletin.kind}`)} · <StateBadge i18n={page.i18n} state={bulletin.state} /> · {bulletin.reference ?? t('bulletins.no_reference')}
      </p>
      <BulletinEditor {...props} />
    </ConsolePage>
  );
}

// ---- Diff ----------------------------------------------------------------------------------------------------

/** One side of a comparison: a revision number or the working copy. */
export type DiffSide = number | 'draft';

/** Two versions of a bulletin compared field by field, with the pickers to choose them. */
export function BulletinDiffPage({ page, bulletin, revisions, from, to, diff, names }: { page: PageContext; bulletin: Bulletin; revisions: BulletinRevision[]; from: DiffSide; to: DiffSide; diff: BulletinDiff; names: DiffNames }) {
  const { i18n } = page;
  const t = i18n.t;
  const title = bulletinTitle(page, bulletin);
  const sideLabel = (s: DiffSide): string => (s === 'draft' ? t('bulletins.diff.working_copy') : t('bulletins.overview.revision', { n: s }));
  const options = [{ value: '0', label: t('bulletins.diff.empty') }, ...revisions.map((r) => ({ value: String(r.number), label: `${t('bulletins.overview.revision', { n: r.number })} — ${i18n.formatDate(r.publishedAt)}` })), { value: 'draft', label: t('bulletins.diff.working_copy') }];
  return (
    <ConsolePage page={page} title={t('bulletins.diff.title', { title })} section="bulletins">
      <Breadcrumbs page={page} items={[{ href: `/console/bulletins/${bulletin.id}`, label: title }, { label: t('bulletins.diff.crumb') }]} />
      <h1>{t('bulletins.diff.title', { title })}</h1>
      <form method="get" action={`/console/bulletins/${bulletin.id}/diff`} aria-label={t('bulletins.diff.choose')}>
        <SelectField name="from" label={t('bulletins.diff.from')} errors={{}} value={String(from)} options={options} />
        <SelectField name="to" label={t('bulletins.diff.to')} errors={{}} value={String(to)} options={options} />
        <button type="submit" class="button button--secondary">
          {t('bulletins.diff.compare')}
        </button>
      </form>
      <p class="diff-legend">
        {t('bulletins.diff.legend', { from: from === 0 ? t('bulletins.diff.empty') : sideLabel(from), to: to === 0 ? t('bulletins.diff.empty') : sideLabel(to) })} <del>{t('bulletins.diff.removed')}</del> <ins>{t('bulletins.diff.added')}</ins>
      </p>
      <DiffView i18n={i18n} diff={diff} names={names} />
    </ConsolePage>
  );
}
