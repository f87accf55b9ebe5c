/**
 * One incident in the console: its header, deadlines, workflow and assignment, triage form, comments, indicators
 * (shown defanged, with the other incidents that hold them), tasks, duplicates and links, timeline and exports.
 * Every action is a plain form, so the page works without JavaScript.
 */
import type { ComponentChildren } from 'preact';
import type { PageContext } from '#src/web/page-context';
import type { FormErrors } from '#src/web/components/form';
import type { HandlerIncidentView } from '#src/modules/incidents/use-cases/get-incident';
import type { IncidentStatus } from '#src/modules/incidents/incidents.types';
import type { IncidentChoices } from '#src/web/console/incidents/incident-parts';
import type { TriageValues } from '#src/web/console/incidents/incident-triage-form';
import { ConsolePage } from '#src/web/layout';
import { CsrfField, ErrorSummary, Notice, SelectField, TextArea, TextField } from '#src/web/components/form';
import { incidentTransitions } from '#src/modules/incidents/incidents.types';
import { indicatorTypes, defang } from '#src/modules/indicators/indicators';
import { labelOfCode } from '#src/modules/taxonomies/taxonomies.types';
import { indicatorLabels, TlpBadge } from '#src/web/console/bulletins/bulletin-parts';
import { incidentLimits } from '#src/modules/incidents/incidents.validation';
import {
  DeadlineStateBadge,
  HiddenVersion,
  IncidentBreadcrumbs,
  IncidentStatusBadge,
  PapBadge,
  SeverityBadge,
  incidentActionLabel,
  offeredTerms,
  organisationName,
  profileLabel,
  stageLabel,
} from '#src/web/console/incidents/incident-parts';
import { TriageForm, triageLabels } from '#src/web/console/incidents/incident-triage-form';

/** Notices after a redirect (`?done=`). */
export const detailNotices = [
  'created',
  'deadline',
  'saved',
  'status',
  'closed',
  'assigned',
  'unassigned',
  'commented',
  'shared',
  'indicators_added',
  'indicators_known',
  'indicator_removed',
  'task_added',
  'task_done',
  'task_reopened',
  'merged',
  'linked',
] as const;
export type DetailNotice = (typeof detailNotices)[number];

/** What other forms of the page held when one was refused (kept so nothing typed is lost). */
export interface DetailDrafts {
  comment?: { body: string; visibility: string };
  indicator?: { type: string; value: string; comment: string };
  paste?: string;
  task?: { title: string; ownerId: string; dueAt: string };
  mergeReference?: string;
  linkReference?: string;
  assigneeId?: string;
  disposition?: string;
}

/** The export addresses (served by the exports' own routes). */
export interface ExportLinks {
  misp: string;
  stix: string;
  csv: string;
}

export interface IncidentDetailProps {
  page: PageContext;
  view: HandlerIncidentView;
  choices: IncidentChoices;
  timezone: string;
  now: Date;
  /** The triage form's values: the incident's own, or what was typed when a submission was refused. */
  triage: TriageValues;
  /** The version the triage and workflow forms carry (the current one after a conflict). */
  version: number;
  exports: ExportLinks;
  notice?: DetailNotice | undefined;
  /** A refusal to show at the top (stale version, impossible transition …). */
  problem?: string | undefined;
  errors?: FormErrors;
  drafts?: DetailDrafts;
}

function Section({ id, title, children }: { id: string; title: string; children: ComponentChildren }) {
  return (
    <section aria-labelledby={`${id}-title`} id={id}>
      <h2 id={`${id}-title`}>{title}</h2>
      {children}
    </section>
  );
}

function Paragraphs({ text }: { text: string }) {
  const blocks = text.split(/\n{2,}/).filter((b) => b.trim() !== '');
  return (
    <div class="prose">
      {blocks.map((b) => (
        <p dir="auto">
          {b.split('\n').map((line, i) => (
            <>
              {i > 0 ? <br /> : null}
              {line}
            </>
          ))}
        </p>
      ))}
    </div>
  );
}

/** The incident page. */
export function IncidentDetailPage(props: IncidentDetailProps) {
  const { page, view, choices, timezone, now, triage, version, exports, notice, problem, errors = {}, drafts = {} } = props;
  const { i18n } = page;
  const t = i18n.t;
  const locale = i18n.locale;
  const incident = view.incident;
  const base = `/console/incidents/${incident.id}`;
  const csrf = <CsrfField token={page.csrfToken} />;
  const canHandle = page.can('incidents:handle');
  const handlerName = (id: string | null): string => (id === null ? '' : (choices.handlers.find((h) => h.id === id)?.name ?? id));
  const when = (d: Date | null) => (d === null ? <span class="muted">{t('incidents.console.unknown')}</span> : <time dateTime={d.toISOString()}>{i18n.formatDateTime(d)}</time>);
  const title = `${incident.reference} — ${incident.title}`;
  const labels = {
    ...triageLabels(page, triage),
    to: t('incidents.console.field.status'),
    disposition: t('incidents.console.field.disposition'),
    assigneeId: t('incidents.console.field.assignee'),
    body: t('incidents.console.field.comment'),
    visibility: t('incidents.console.field.visibility'),
    text: t('incidents.console.field.paste'),
    indicators: t('incidents.console.indicators.title'),
    indicatorType: t('incidents.console.field.indicator_type'),
    indicatorValue: t('incidents.console.field.indicator_value'),
    indicatorComment: t('incidents.console.field.indicator_comment'),
    taskTitle: t('incidents.console.field.task_title'),
    taskOwnerId: t('incidents.console.field.task_owner'),
    taskDueAt: t('incidents.console.field.task_due'),
    mergeReference: t('incidents.console.field.merge_reference'),
    linkReference: t('incidents.console.field.link_reference'),
  };
  const transitions = incidentTransitions[incident.status];
  const dispositionOptions = offeredTerms(choices.dispositions, [], locale);
  const handlerOptions = choices.handlers.map((h) => ({ value: h.id, label: h.name }));
  const reporter = incident.reporter;

  return (
    <ConsolePage page={page} title={title} section="incidents">
      <IncidentBreadcrumbs page={page} items={[{ label: incident.reference }]} />
      <h1>
        <span dir="ltr">{incident.reference}</span> — <span dir="auto">{incident.title}</span>
      </h1>
      {notice ? <Notice kind="success">{t(`incidents.console.done.${notice}`, { status: t(`incidents.console.status.${incident.status}`) })}</Notice> : null}
      {problem ? <Notice kind="error">{problem}</Notice> : null}
      <ErrorSummary i18n={i18n} errors={errors} labels={labels} />
      {view.mergedInto ? (
        <Notice kind="info">
          {t('incidents.console.merged_into')}{' '}
          <a href={`/console/incidents/${view.mergedInto.id}`} dir="ltr">
            {view.mergedInto.reference}
          </a>
        </Notice>
      ) : null}

      <dl class="summary-list">
        <div>
          <dt>{t('incidents.console.field.status')}</dt>
          <dd>
            <IncidentStatusBadge i18n={i18n} status={incident.status} />
            {incident.disposition ? ` — ${t('incidents.console.disposition_is', { disposition: labelOfCode(choices.dispositions, incident.disposition, locale) })}` : ''}
          </dd>
        </div>
        <div>
          <dt>{t('incidents.console.field.markings')}</dt>
          <dd>
            <TlpBadge tlp={incident.tlp} /> <PapBadge pap={incident.pap} />
          </dd>
        </div>
        <div>
          <dt>{t('incidents.console.field.severity')}</dt>
          <dd>
            <SeverityBadge i18n={i18n} code={incident.severity} terms={choices.severities} />
          </dd>
        </div>
        <div>
          <dt>{t('incidents.console.field.priority')}</dt>
          <dd>{t(`incidents.console.priority.${incident.priority}`)}</dd>
        </div>
        <div>
          <dt>{t('incidents.console.field.classifications')}</dt>
          <dd>
            {incident.classifications.length === 0
              ? t('incidents.console.none')
              : incident.classifications.map((c) => (c.typeCode ? `${labelOfCode(choices.classes, c.classCode, locale)} / ${labelOfCode(choices.types, c.typeCode, locale)}` : labelOfCode(choices.classes, c.classCode, locale))).join(' · ')}
          </dd>
        </div>
        <div>
          <dt>{t('incidents.console.field.assignee')}</dt>
          <dd>{incident.assigneeId ? handlerName(incident.assigneeId) : <span class="muted">{t('incidents.console.assignee.none')}</span>}</dd>
        </div>
        <div>
          <dt>{t('incidents.console.field.organisation')}</dt>
          <dd>{organisationName(choices, incident.organisationId, locale) ?? <span class="muted">{t('incidents.console.organisation.none')}</span>}</dd>
        </div>
        {incident.affectedOrganisationIds.length > 0 ? (
          <div>
            <dt>{t('incidents.console.field.affected_organisations')}</dt>
            <dd>{incident.affectedOrganisationIds.map((o) => organisationName(choices, o, locale)).join(' · ')}</dd>
          </div>
        ) : null}
        <div>
          <dt>{t('incidents.console.field.reporter')}</dt>
          <dd>
            <span dir="auto">{[reporter.name, reporter.email, reporter.phone].filter((v): v is string => v !== null && v !== '').join(' · ') || t('incidents.console.unknown')}</span> —{' '}
            {t('incidents.console.channel_is', { channel: t(`incidents.console.channel.${incident.channel}`) })}
          </dd>
        </div>
        <div>
          <dt>{t('incidents.console.field.detected_at')}</dt>
          <dd>{when(incident.detectedAt)}</dd>
        </div>
        <div>
          <dt>{t('incidents.console.field.aware_at')}</dt>
          <dd>{when(incident.awareAt)}</dd>
        </div>
        <div>
          <dt>{t('incidents.console.field.reported_at')}</dt>
          <dd>{when(incident.reportedAt)}</dd>
        </div>
        {incident.firstResponseAt ? (
          <div>
            <dt>{t('incidents.console.field.first_response_at')}</dt>
            <dd>{when(incident.firstResponseAt)}</dd>
          </div>
        ) : null}
        {incident.resolvedAt ? (
          <div>
            <dt>{t('incidents.console.field.resolved_at')}</dt>
            <dd>{when(incident.resolvedAt)}</dd>
          </div>
        ) : null}
        {incident.closedAt ? (
          <div>
            <dt>{t('incidents.console.field.closed_at')}</dt>
            <dd>{when(incident.closedAt)}</dd>
          </div>
        ) : null}
        <div>
          <dt>{t('incidents.console.field.updated_at')}</dt>
          <dd>{when(incident.updatedAt)}</dd>
        </div>
      </dl>

      <Section id="description" title={t('incidents.console.field.description')}>
        <Paragraphs text={incident.description} />
      </Section>

      <Section id="deadlines" title={t('incidents.console.deadlines.title')}>
        {view.deadlines.length === 0 ? (
          <p class="muted">{t('incidents.console.deadlines.none')}</p>
        ) : (
          <div class="table-wrap">
            <table class="table">
              <thead>
                <tr>
                  <th scope="col">{t('incidents.console.deadlines.stage')}</th>
                  <th scope="col">{t('incidents.console.deadlines.profile')}</th>
                  <th scope="col">{t('incidents.console.deadlines.due')}</th>
                  <th scope="col">{t('incidents.console.deadlines.state')}</th>
                </tr>
              </thead>
              <tbody>
                {view.deadlines.map((d) => (
                  <tr>
                    <td>{stageLabel(d.profile, d.stage, locale)}</td>
                    <td>{profileLabel(d.profile, locale)}</td>
                    <td>{d.dueAt ? when(d.dueAt) : <span class="muted">{t('incidents.console.deadlines.waiting_start')}</span>}</td>
                    <td>
                      <DeadlineStateBadge i18n={i18n} state={d.state} />
                      {d.completedAt ? <> {t('incidents.console.deadlines.completed', { at: i18n.formatDateTime(d.completedAt) })}</> : null}
                      {canHandle && d.profile !== 'cert-sla' ? (
                        <form method="post" action={`${base}/deadlines/${encodeURIComponent(d.key)}`} class="inline-form">
                          {csrf}
                          <input type="hidden" name="completed" value={d.completedAt ? 'false' : 'true'} />
                          <button type="submit" class="button button--small button--secondary">
                            {d.completedAt ? t('incidents.console.deadlines.reopen') : t('incidents.console.deadlines.received')}
                          </button>
                        </form>
                      ) : null}
                    </td>
                  </tr>
                ))}
              </tbody>
            </table>
          </div>
        )}
      </Section>

      {canHandle ? (
        <Section id="workflow" title={t('incidents.console.workflow.title')}>
          <div class="action-list">
            {transitions.map((to: IncidentStatus) =>
              to === 'closed' ? (
                <form method="post" action={`${base}/status`} class="form">
                  {csrf}
                  <HiddenVersion version={version} />
                  <input type="hidden" name="to" value="closed" />
                  <SelectField name="disposition" label={t('incidents.console.field.disposition')} errors={errors} value={drafts.disposition ?? ''} includeEmpty={t('incidents.console.choose')} options={dispositionOptions} />
                  <button type="submit" class="button button--secondary">
                    {t('incidents.console.workflow.close')}
                  </button>
                </form>
              ) : (
                <form method="post" action={`${base}/status`}>
                  {csrf}
                  <HiddenVersion version={version} />
                  <input type="hidden" name="to" value={to} />
                  <button type="submit" class="button button--secondary">
                    {incident.status === 'closed' ? t('incidents.console.workflow.reopen') : t('incidents.console.workflow.move', { status: t(`incidents.console.status.${to}`) })}
                  </button>
                </form>
              ),
            )}
          </div>
          <h3>{t('incidents.console.assign.title')}</h3>
          <form method="post" action={`${base}/assign`} class="form">
            {csrf}
            <HiddenVersion version={version} />
            <SelectField name="assigneeId" label={t('incidents.console.field.assignee')} errors={errors} value={drafts.assigneeId ?? incident.assigneeId ?? ''} includeEmpty={t('incidents.console.assignee.none')} options={handlerOptions} />
            <button type="submit" class="button button--secondary">
              {t('incidents.console.assign.submit')}
            </button>
          </form>
          {page.user && incident.assigneeId !== page.user.id ? (
            <form method="post" action={`${base}/assign`}>
              {csrf}
              <HiddenVersion version={version} />
              <input type="hidden" name="assigneeId" value="me" />
              <button type="submit" class="button button--secondary">
                {t('incidents.console.assign.me')}
              </button>
            </form>
          ) : null}
        </Section>
      ) : null}

      {canHandle ? (
        <Section id="triage" title={t('incidents.console.triage.title')}>
          <TriageForm page={page} incidentId={incident.id} values={triage} version={version} errors={errors} choices={choices} timezone={timezone} />
        </Section>
      ) : null}

      <Section id="comments" title={t('incidents.console.comments.title')}>
        {view.comments.length === 0 ? (
          <p class="muted">{t('incidents.console.comments.none')}</p>
        ) : (
          <ol class="comment-thread">
            {view.comments.map((c) => (
              <li class={`comment comment--${c.visibility}`}>
                <p class="comment__meta">
                  <strong>{c.authorLabel}</strong> · <span class={`badge badge--comment-${c.visibility}`}>{t(`incidents.console.visibility.${c.visibility}`)}</span> · {t(`incidents.console.source.${c.source}`)} ·{' '}
                  <time dateTime={c.createdAt.toISOString()}>{i18n.formatDateTime(c.createdAt)}</time>
                </p>
                <div class="comment__body">
                  <Paragraphs text={c.body} />
                </div>
              </li>
            ))}
          </ol>
        )}
        {canHandle ? (
          <form method="post" action={`${base}/comments`} class="form">
            {csrf}
            <TextArea name="body" label={t('incidents.console.field.comment')} errors={errors} value={drafts.comment?.body ?? ''} rows={4} dir="auto" />
            <fieldset class={errors.visibility ? 'field field--error' : 'field'} id="f-visibility">
              <legend>{t('incidents.console.field.visibility')}</legend>
              {errors.visibility ? (
                <p class="field__error" id="f-visibility-error">
                  {errors.visibility}
                </p>
              ) : null}
              <div class="choices">
                {(['internal', 'shared'] as const).map((v) => (
                  <div>
                    <input type="radio" id={`f-visibility-${v}`} name="visibility" value={v} checked={(drafts.comment?.visibility ?? 'internal') === v} />
                    <label for={`f-visibility-${v}`}>
                      <strong>{t(`incidents.console.visibility.${v}`)}</strong> — {t(`incidents.console.visibility.${v}.hint`)}
                    </label>
                  </div>
                ))}
              </div>
            </fieldset>
            <button type="submit" class="button button--secondary">
              {t('incidents.console.comments.submit')}
            </button>
          </form>
        ) : null}
      </Section>

      <Section id="indicators" title={t('incidents.console.indicators.title')}>
        {view.indicators.length === 0 ? (
          <p class="muted">{t('incidents.console.indicators.none')}</p>
        ) : (
          <div class="table-wrap">
            <table class="table">
              <thead>
                <tr>
                  <th scope="col">{t('incidents.console.field.indicator_type')}</th>
                  <th scope="col">{t('incidents.console.field.indicator_value')}</th>
                  <th scope="col">{t('incidents.console.field.indicator_comment')}</th>
                  <th scope="col">{t('incidents.console.indicators.also_in')}</th>
                  {canHandle ? <th scope="col">{t('incidents.console.actions')}</th> : null}
                </tr>
              </thead>
              <tbody>
                {view.indicators.map((ind) => (
                  <tr>
                    <td>{indicatorLabels[ind.type]}</td>
                    <td dir="ltr">
                      <code>{defang(ind.type, ind.value)}</code>
                    </td>
                    <td dir="auto">{ind.comment}</td>
                    <td>
                      {ind.seenIn.length === 0 ? (
                        <span class="muted">{t('incidents.console.indicators.nowhere_else')}</span>
                      ) : (
                        <ul class="codes">
                          {ind.seenIn.map((o) => (
                            <li>
                              <a href={`/console/incidents/${o.id}`} dir="ltr">
                                {o.reference}
                              </a>{' '}
                              <span dir="auto">{o.title}</span>
                            </li>
                          ))}
                        </ul>
                      )}
                    </td>
                    {canHandle ? (
                      <td>
                        <form method="post" action={`${base}/indicators/${ind.id}/delete`}>
                          {csrf}
                          <button type="submit" class="button button--link">
                            {t('incidents.console.indicators.remove')}
                            <span class="visually-hidden"> {defang(ind.type, ind.value)}</span>
                          </button>
                        </form>
                      </td>
                    ) : null}
                  </tr>
                ))}
              </tbody>
            </table>
          </div>
        )}
        {canHandle ? (
          <>
            <h3>{t('incidents.console.indicators.paste_title')}</h3>
            <form method="post" action={`${base}/indicators/preview`} class="form">
              {csrf}
              <TextArea name="text" label={t('incidents.console.field.paste')} hint={t('incidents.console.hint.paste')} errors={errors} value={drafts.paste ?? ''} rows={5} dir="ltr" />
              <button type="submit" class="button button--secondary">
                {t('incidents.console.indicators.extract')}
              </button>
            </form>
            <h3>{t('incidents.console.indicators.single_title')}</h3>
            <form method="post" action={`${base}/indicators`} class="form">
              {csrf}
              <div class="editor-row__fields">
                <SelectField
                  name="indicatorType"
                  label={t('incidents.console.field.indicator_type')}
                  errors={errors}
                  value={drafts.indicator?.type ?? ''}
                  includeEmpty={t('incidents.console.indicators.detect')}
                  options={indicatorTypes.map((ty) => ({ value: ty, label: indicatorLabels[ty] }))}
                />
                <TextField name="indicatorValue" label={t('incidents.console.field.indicator_value')} errors={errors} value={drafts.indicator?.value ?? ''} dir="ltr" maxLength={2000} />
                <TextField name="indicatorComment" label={t('incidents.console.field.indicator_comment')} errors={errors} value={drafts.indicator?.comment ?? ''} maxLength={incidentLimits.name} dir="auto" />
              </div>
              <button type="submit" class="button button--secondary">
                {t('incidents.console.indicators.add')}
              </button>
            </form>
          </>
        ) : null}
      </Section>

      <Section id="tasks" title={t('incidents.console.tasks.title')}>
        {view.tasks.length === 0 ? (
          <p class="muted">{t('incidents.console.tasks.none')}</p>
        ) : (
          <div class="table-wrap">
            <table class="table">
              <thead>
                <tr>
                  <th scope="col">{t('incidents.console.field.task_title')}</th>
                  <th scope="col">{t('incidents.console.field.task_owner')}</th>
                  <th scope="col">{t('incidents.console.field.task_due')}</th>
                  <th scope="col">{t('incidents.console.tasks.state')}</th>
                  {canHandle ? <th scope="col">{t('incidents.console.actions')}</th> : null}
                </tr>
              </thead>
              <tbody>
                {view.tasks.map((task) => {
                  const overdue = task.doneAt === null && task.dueAt !== null && task.dueAt.getTime() < now.getTime();
                  return (
                    <tr>
                      <td dir="auto">{task.title}</td>
                      <td>{task.ownerId ? handlerName(task.ownerId) : <span class="muted">{t('incidents.console.assignee.none')}</span>}</td>
                      <td>{task.dueAt ? when(task.dueAt) : <span class="muted">{t('incidents.console.none')}</span>}</td>
                      <td>
                        {task.doneAt ? (
                          <span class="badge deadline--met">{t('incidents.console.tasks.done_at', { at: i18n.formatDateTime(task.doneAt) })}</span>
                        ) : overdue ? (
                          <span class="badge deadline--overdue">{t('incidents.console.tasks.overdue')}</span>
                        ) : (
                          <span class="badge deadline--pending">{t('incidents.console.tasks.open')}</span>
                        )}
                      </td>
                      {canHandle ? (
                        <td>
                          <form method="post" action={`${base}/tasks/${task.id}`}>
                            {csrf}
                            <input type="hidden" name="version" value={String(task.version)} />
                            <input type="hidden" name="done" value={task.doneAt ? '0' : '1'} />
                            <button type="submit" class="button button--link">
                              {task.doneAt ? t('incidents.console.tasks.undo') : t('incidents.console.tasks.mark_done')}
                              <span class="visually-hidden"> {task.title}</span>
                            </button>
                          </form>
                        </td>
                      ) : null}
                    </tr>
                  );
                })}
              </tbody>
            </table>
          </div>
        )}
        {canHandle ? (
          <form method="post" action={`${base}/tasks`} class="form">
            {csrf}
            <div class="editor-row__fields">
              <TextField name="taskTitle" label={t('incidents.console.field.task_title')} errors={errors} value={drafts.task?.title ?? ''} maxLength={incidentLimits.taskTitle} dir="auto" />
              <SelectField name="taskOwnerId" label={t('incidents.console.field.task_owner')} errors={errors} value={drafts.task?.ownerId ?? ''} includeEmpty={t('incidents.console.assignee.none')} options={handlerOptions} />
              <TextField name="taskDueAt" type="date" label={t('incidents.console.field.task_due')} errors={errors} value={drafts.task?.dueAt ?? ''} />
            </div>
            <button type="submit" class="button button--secondary">
              {t('incidents.console.tasks.add')}
            </button>
          </form>
        ) : null}
      </Section>

      <Section id="attachments" title={t('incidents.console.attachments.title')}>
        {view.attachments.length === 0 ? (
          <p class="muted">{t('incidents.console.attachments.none')}</p>
        ) : (
          <div class="table-wrap">
            <table class="table">
              <thead>
                <tr>
                  <th scope="col">{t('incidents.console.attachments.name')}</th>
                  <th scope="col">{t('incidents.console.attachments.size')}</th>
                  <th scope="col">SHA-256</th>
                  <th scope="col">{t('incidents.console.field.visibility')}</th>
                  <th scope="col">{t('incidents.console.attachments.by')}</th>
                </tr>
              </thead>
              <tbody>
                {view.attachments.map((a) => (
                  <tr>
                    <td dir="auto">
                      {/* Served as a download with safe headers by the attachments' own route, never rendered inline. */}
                      <a href={`${base}/attachments/${a.id}`} download>
                        {a.fileName}
                      </a>
                    </td>
                    <td class="num">{i18n.formatNumber(a.size)}</td>
                    <td dir="ltr">
                      <code>{a.sha256}</code>
                    </td>
                    <td>{t(`incidents.console.visibility.${a.visibility}`)}</td>
                    <td>
                      {a.uploaderLabel} · {i18n.formatDateTime(a.createdAt)}
                    </td>
                  </tr>
                ))}
              </tbody>
            </table>
          </div>
        )}
        {canHandle ? (
          <form method="post" action={`${base}/attachments`} enctype="multipart/form-data" class="form">
            {/* The CSRF field comes first: the upload route reads it before the file. */}
            {csrf}
            <div class="field">
              <label for="f-file">{t('incidents.console.attachments.file')}</label>
              <input type="file" id="f-file" name="file" required />
            </div>
            <fieldset class="field">
              <legend>{t('incidents.console.field.visibility')}</legend>
              <div class="choices">
                {(['internal', 'shared'] as const).map((v) => (
                  <div>
                    <input type="radio" id={`f-attachment-visibility-${v}`} name="visibility" value={v} checked={v === 'internal'} />
                    <label for={`f-attachment-visibility-${v}`}>
                      <strong>{t(`incidents.console.visibility.${v}`)}</strong> — {t(`incidents.console.attachments.${v}.hint`)}
                    </label>
                  </div>
                ))}
              </div>
            </fieldset>
            <button type="submit" class="button button--secondary">
              {t('incidents.console.attachments.upload')}
            </button>
          </form>
        ) : null}
      </Section>

      <Section id="related" title={t('incidents.console.related.title')}>
        <h3>{t('incidents.console.duplicates.title')}</h3>
        {view.duplicates.length === 0 ? (
          <p class="muted">{t('incidents.console.duplicates.none')}</p>
        ) : (
          <ul class="card-list">
            {view.duplicates.map((d) => (
              <li class="card">
                <p>
                  <a href={`/console/incidents/${d.id}`} dir="ltr">
                    {d.reference}
                  </a>{' '}
                  <span dir="auto">{d.title}</span> — {t(`incidents.console.duplicates.reason.${d.reason}`)}
                </p>
                {canHandle && view.mergedInto === null ? (
                  <div class="action-list">
                    <form method="post" action={`${base}/merge`} data-confirm={t('incidents.console.merge.confirm')}>
                      {csrf}
                      <HiddenVersion version={version} />
                      <input type="hidden" name="mergeReference" value={d.reference} />
                      <button type="submit" class="button button--secondary">
                        {t('incidents.console.merge.into', { reference: d.reference })}
                      </button>
                    </form>
                    <form method="post" action={`${base}/links`}>
                      {csrf}
                      <input type="hidden" name="linkReference" value={d.reference} />
                      <button type="submit" class="button button--secondary">
                        {t('incidents.console.link.with', { reference: d.reference })}
                      </button>
                    </form>
                  </div>
                ) : null}
              </li>
            ))}
          </ul>
        )}
        {canHandle && view.mergedInto === null ? (
          <form method="post" action={`${base}/merge`} class="form" data-confirm={t('incidents.console.merge.confirm')}>
            {csrf}
            <HiddenVersion version={version} />
            <TextField name="mergeReference" label={t('incidents.console.field.merge_reference')} hint={t('incidents.console.hint.merge')} errors={errors} value={drafts.mergeReference ?? ''} maxLength={100} dir="ltr" />
            <button type="submit" class="button button--secondary">
              {t('incidents.console.merge.submit')}
            </button>
          </form>
        ) : null}
        <h3>{t('incidents.console.links.title')}</h3>
        {view.links.length === 0 ? (
          <p class="muted">{t('incidents.console.links.none')}</p>
        ) : (
          <ul>
            {view.links.map((l) => (
              <li>
                <a href={`/console/incidents/${l.id}`} dir="ltr">
                  {l.reference}
                </a>{' '}
                <span dir="auto">{l.title}</span> <IncidentStatusBadge i18n={i18n} status={l.status} />
              </li>
            ))}
          </ul>
        )}
        {canHandle ? (
          <form method="post" action={`${base}/links`} class="form">
            {csrf}
            <TextField name="linkReference" label={t('incidents.console.field.link_reference')} errors={errors} value={drafts.linkReference ?? ''} maxLength={100} dir="ltr" />
            <button type="submit" class="button button--secondary">
              {t('incidents.console.link.submit')}
            </button>
          </form>
        ) : null}
      </Section>

      <Section id="timeline" title={t('incidents.console.timeline.title')}>
        {view.timeline.length === 0 ? (
          <p class="muted">{t('incidents.console.timeline.none')}</p>
        ) : (
          <ol class="history">
            {view.timeline.map((e) => (
              <li>
                <time dateTime={e.occurredAt.toISOString()}>{i18n.formatDateTime(e.occurredAt)}</time> — <strong>{incidentActionLabel(i18n, e.action)}</strong> — <span dir="ltr">{e.actorLabel}</span>
              </li>
            ))}
          </ol>
        )}
      </Section>

      <Section id="exports" title={t('incidents.console.exports.title')}>
        <ul>
          <li>
            <a href={exports.misp}>{t('incidents.console.exports.misp')}</a>
          </li>
          <li>
            <a href={exports.stix}>{t('incidents.console.exports.stix')}</a>
          </li>
          <li>
            <a href={exports.csv}>{t('incidents.console.exports.csv')}</a>
          </li>
        </ul>
      </Section>
    </ConsolePage>
  );
}
