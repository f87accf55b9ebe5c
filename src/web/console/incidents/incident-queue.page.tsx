/**
 * The analyst queue: incidents the CERT handles, filtered by a GET form (so a filtered queue is a link that can be
 * shared or saved as a view), sorted, paged by cursor, with each row's next deadline in words.
 */
import type { PageContext } from '#src/web/page-context';
import type { FormErrors } from '#src/web/components/form';
import type { IncidentSummary } from '#src/modules/incidents/incidents.types';
import type { IncidentChoices } from '#src/web/console/incidents/incident-parts';
import { ConsolePage } from '#src/web/layout';
import { CsrfField, ErrorSummary, Notice, Pagination, TextField } from '#src/web/components/form';
import { incidentChannels, incidentStatuses, isOpenStatus } from '#src/modules/incidents/incidents.types';
import { queueSorts } from '#src/modules/incidents/incidents.repository';
import { labelOfCode } from '#src/modules/taxonomies/taxonomies.types';
import { incidentLimits } from '#src/modules/incidents/incidents.validation';
import { TlpBadge } from '#src/web/console/bulletins/bulletin-parts';
import { IncidentStatusBadge, NextDue, SeverityBadge, offeredTerms, organisationLabel } from '#src/web/console/incidents/incident-parts';

/** Notices after a redirect (`?done=`). */
export const queueNotices = ['view_saved', 'view_deleted'] as const;
export type QueueNotice = (typeof queueNotices)[number];

/** The queue's filters as they appear in the query string ('' or [] for "any"). */
export interface QueueFormValues {
  status: string[];
  severity: string;
  class: string;
  organisation: string;
  sector: string;
  assignee: string;
  overdue: boolean;
  open: boolean;
  channel: string;
  q: string;
  from: string;
  to: string;
  sort: string;
}

/** The query parameters of the filters (no cursor): the links of the next page and of saved views keep them. */
export function queueParams(values: QueueFormValues): URLSearchParams {
  const params = new URLSearchParams();
  for (const s of values.status) params.append('status', s);
  const single: [string, string][] = [
    ['severity', values.severity],
    ['class', values.class],
    ['organisation', values.organisation],
    ['sector', values.sector],
    ['assignee', values.assignee],
    ['channel', values.channel],
    ['q', values.q],
    ['from', values.from],
    ['to', values.to],
    ['sort', values.sort],
  ];
  for (const [k, v] of single) if (v !== '') params.set(k, v);
  if (values.overdue) params.set('overdue', '1');
  if (values.open) params.set('open', '1');
  return params;
}

export interface IncidentQueueProps {
  page: PageContext;
  values: QueueFormValues;
  items: IncidentSummary[];
  nextHref: string | null;
  isFirst: boolean;
  choices: IncidentChoices;
  views: { id: string; name: string; query: string }[];
  now: Date;
  notice?: QueueNotice | undefined;
  /** Errors of the filters (a bad query value) or of the "save this view" form. */
  errors?: FormErrors;
  viewName?: string;
}

/** The queue page. */
export function IncidentQueuePage(props: IncidentQueueProps) {
  const { page, values, items, nextHref, isFirst, choices, views, now, notice, errors = {}, viewName = '' } = props;
  const { i18n } = page;
  const t = i18n.t;
  const locale = i18n.locale;
  const params = queueParams(values);
  const filtered = params.toString() !== '';
  const labels: Record<string, string> = {
    status: t('incidents.console.field.status'),
    severity: t('incidents.console.field.severity'),
    class: t('incidents.console.field.rsit_class'),
    organisation: t('incidents.console.field.organisation'),
    sector: t('incidents.console.field.sector'),
    assignee: t('incidents.console.field.assignee'),
    channel: t('incidents.console.field.channel'),
    q: t('incidents.console.filters.q'),
    from: t('incidents.console.filters.from'),
    to: t('incidents.console.filters.to'),
    sort: t('incidents.console.filters.sort'),
    cursor: t('incidents.console.filters.cursor'),
    name: t('incidents.console.views.name'),
  };
  const select = (name: keyof QueueFormValues, label: string, options: { value: string; label: string }[], any = t('incidents.console.filters.any')) => (
    <div class={errors[name] ? 'field field--error' : 'field'}>
      <label for={`f-${name}`}>{label}</label>
      {errors[name] ? (
        <p class="field__error" id={`f-${name}-error`}>
          {errors[name]}
        </p>
      ) : null}
      <select id={`f-${name}`} name={name}>
        <option value="">{any}</option>
        {options.map((o) => (
          <option value={o.value} selected={values[name] === o.value}>
            {o.label}
          </option>
        ))}
      </select>
    </div>
  );
  const orgName = (i: IncidentSummary): string | null => {
    const org = choices.organisations.find((o) => o.id === i.organisationId);
    return org ? organisationLabel(org, locale) : i.organisationName;
  };
  const classCodes = (codes: string[]) => codes.map((c) => labelOfCode(choices.classes, c, locale)).join(', ');
  return (
    <ConsolePage page={page} title={t('incidents.console.title')} section="incidents">
      <h1>{t('incidents.console.title')}</h1>
      {notice ? <Notice kind="success">{t(`incidents.console.done.${notice}`)}</Notice> : null}
      <ErrorSummary i18n={i18n} errors={errors} labels={labels} />
      {page.can('incidents:handle') ? (
        <p>
          <a class="button" href="/console/incidents/new">
            {t('incidents.console.new.link')}
          </a>{' '}
          <a href="/console/incidents/lookup">{t('incidents.console.lookup.link')}</a>
        </p>
      ) : null}

      <section aria-labelledby="views-title">
        <h2 id="views-title">{t('incidents.console.views.title')}</h2>
        {views.length === 0 ? (
          <p class="muted">{t('incidents.console.views.none')}</p>
        ) : (
          <ul class="action-list">
            {views.map((v) => (
              <li>
                <a href={`/console/incidents?${v.query}`}>{v.name}</a>{' '}
                <form method="post" action={`/console/incidents/views/${v.id}/delete`} class="inline-form">
                  <CsrfField token={page.csrfToken} />
                  <button type="submit" class="button--link">
                    {t('incidents.console.views.delete')}
                    <span class="visually-hidden"> {v.name}</span>
                  </button>
                </form>
              </li>
            ))}
          </ul>
        )}
      </section>

      <form method="get" action="/console/incidents" class="card" role="search" aria-label={t('incidents.console.filters.label')}>
        <div class={errors.q ? 'field field--error' : 'field'}>
          <label for="f-q">{t('incidents.console.filters.q')}</label>
          {errors.q ? (
            <p class="field__error" id="f-q-error">
              {errors.q}
            </p>
          ) : null}
          <input id="f-q" name="q" type="search" value={values.q} maxLength={200} />
        </div>
        <fieldset class={errors.status ? 'field field--error' : 'field'} id="f-status">
          <legend>{t('incidents.console.field.status')}</legend>
          {errors.status ? (
            <p class="field__error" id="f-status-error">
              {errors.status}
            </p>
          ) : null}
          <div class="choices">
            {incidentStatuses.map((s) => (
              <div>
                <input type="checkbox" id={`f-status-${s}`} name="status" value={s} checked={values.status.includes(s)} />
                <label for={`f-status-${s}`}>{t(`incidents.console.status.${s}`)}</label>
              </div>
            ))}
          </div>
        </fieldset>
        <div class="editor-row__fields">
          {select('severity', t('incidents.console.field.severity'), offeredTerms(choices.severities, values.severity === '' ? [] : [values.severity], locale))}
          {select('class', t('incidents.console.field.rsit_class'), offeredTerms(choices.classes, values.class === '' ? [] : [values.class], locale))}
          {select(
            'organisation',
            t('incidents.console.field.organisation'),
            choices.organisations.map((o) => ({ value: o.id, label: organisationLabel(o, locale) })),
          )}
          {select('sector', t('incidents.console.field.sector'), offeredTerms(choices.sectors, values.sector === '' ? [] : [values.sector], locale))}
          {select('assignee', t('incidents.console.field.assignee'), [
            { value: 'me', label: t('incidents.console.assignee.me') },
            { value: 'none', label: t('incidents.console.assignee.none') },
            ...choices.handlers.map((h) => ({ value: h.id, label: h.name })),
          ])}
          {select(
            'channel',
            t('incidents.console.field.channel'),
            incidentChannels.map((c) => ({ value: c, label: t(`incidents.console.channel.${c}`) })),
          )}
          <div class={errors.from ? 'field field--error' : 'field'}>
            <label for="f-from">{t('incidents.console.filters.from')}</label>
            {errors.from ? (
            <p class="field__error" id="f-from-error">
              {errors.from}
            </p>
          ) : null}
            <input id="f-from" name="from" type="date" value={values.from} />
          </div>
          <div class={errors.to ? 'field field--error' : 'field'}>
            <label for="f-to">{t('incidents.console.filters.to')}</label>
            {errors.to ? (
            <p class="field__error" id="f-to-error">
              {errors.to}
            </p>
          ) : null}
            <input id="f-to" name="to" type="date" value={values.to} />
          </div>
          {select(
            'sort',
            t('incidents.console.filters.sort'),
            queueSorts.map((s) => ({ value: s, label: t(`incidents.console.sort.${s}`) })),
            t('incidents.console.sort.default'),
          )}
        </div>
        <div class="choices">
          <div>
            <input type="checkbox" id="f-open" name="open" value="1" checked={values.open} />
            <label for="f-open">{t('incidents.console.filters.open')}</label>
          </div>
          <div>
            <input type="checkbox" id="f-overdue" name="overdue" value="1" checked={values.overdue} />
            <label for="f-overdue">{t('incidents.console.filters.overdue')}</label>
          </div>
        </div>
        <p>
          <button type="submit" class="button button--secondary">
            {t('incidents.console.filters.submit')}
          </button>{' '}
          {filtered ? <a href="/console/incidents">{t('incidents.console.filters.reset')}</a> : null}
        </p>
      </form>

      {items.length === 0 ? (
        <p class="muted">{filtered ? t('incidents.console.queue.none_matching') : t('incidents.console.queue.empty')}</p>
      ) : (
        <div class="table-wrap">
          <table class="table incident-queue">
            <caption class="visually-hidden">{t('incidents.console.title')}</caption>
            <thead>
              <tr>
                <th scope="col">{t('incidents.console.field.reference')}</th>
                <th scope="col">{t('incidents.console.field.title')}</th>
                <th scope="col">{t('incidents.console.field.status')}</th>
                <th scope="col">{t('incidents.console.field.severity')}</th>
                <th scope="col">{t('incidents.console.field.priority')}</th>
                <th scope="col">{t('incidents.console.field.rsit_classes')}</th>
                <th scope="col">{t('incidents.console.field.organisation')}</th>
                <th scope="col">{t('incidents.console.field.assignee')}</th>
                <th scope="col">{t('incidents.console.field.reported_at')}</th>
                <th scope="col">{t('incidents.console.field.next_due')}</th>
              </tr>
            </thead>
            <tbody>
              {items.map((i) => (
                <tr>
                  <td dir="ltr">
                    <a href={`/console/incidents/${i.id}`}>{i.reference}</a>
                  </td>
                  <td dir="auto">
                    <a href={`/console/incidents/${i.id}`}>{i.title}</a> <TlpBadge tlp={i.tlp} />
                  </td>
                  <td>
                    <IncidentStatusBadge i18n={i18n} status={i.status} />
                  </td>
                  <td>
                    <SeverityBadge i18n={i18n} code={i.severity} terms={choices.severities} />
                  </td>
                  <td>{t(`incidents.console.priority.${i.priority}`)}</td>
                  <td>{i.classCodes.length === 0 ? <span class="muted">{t('incidents.console.none')}</span> : classCodes(i.classCodes)}</td>
                  <td>{orgName(i) ?? <span class="muted">{t('incidents.console.organisation.none')}</span>}</td>
                  <td>{i.assigneeName ?? <span class="muted">{t('incidents.console.assignee.none')}</span>}</td>
                  <td>
                    <time dateTime={i.reportedAt.toISOString()}>{i18n.formatDateTime(i.reportedAt)}</time>
                  </td>
                  <td>
                    <NextDue i18n={i18n} dueAt={i.nextDueAt} now={now} open={isOpenStatus(i.status)} />
                  </td>
                </tr>
              ))}
            </tbody>
          </table>
        </div>
      )}
      <Pagination i18n={i18n} nextHref={nextHref} isFirst={isFirst} firstHref={`/console/incidents${filtered ? `?${params.toString()}` : ''}`} />
      {items.length > 0 ? (
        <p>
          <a href={`/console/incidents/export.csv${filtered ? `?${params.toString()}` : ''}`} download>
            {t('incidents.console.queue.export')}
          </a>
        </p>
      ) : null}

      <form method="post" action="/console/incidents/views" class="form card">
        <CsrfField token={page.csrfToken} />
        <input type="hidden" name="query" value={params.toString()} />
        <TextField name="name" label={t('incidents.console.views.name')} hint={t('incidents.console.views.hint')} errors={errors} value={viewName} maxLength={incidentLimits.viewName} dir="auto" />
        <button type="submit" class="button button--secondary">
          {t('incidents.console.views.save')}
        </button>
      </form>
    </ConsolePage>
  );
}
