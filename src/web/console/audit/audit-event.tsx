import type { PageContext } from '#src/web/page-context';
import type { AuditEvent, FieldChange } from '#src/modules/audit/audit.types';
import { diffStates } from '#src/modules/audit/audit.types';
import { assertNever } from '#src/core/errors';
import { ConsolePage } from '#src/web/layout';
import { DateTime } from '#src/web/console/audit/console-list';

function changeLabel(t: (k: string) => string, change: FieldChange): string {
  switch (change) {
    case 'added':
      return t('audit.diff.added');
    case 'removed':
      return t('audit.diff.removed');
    case 'changed':
      return t('audit.diff.changed');
    case 'unchanged':
      return t('audit.diff.unchanged');
    default:
      return assertNever(change);
  }
}

/** `GET /console/audit/:seq`: one event, its before and after side by side, and its place in the chain. */
export function AuditEventPage({ page, event }: { page: PageContext; event: AuditEvent }) {
  const { i18n } = page;
  const t = i18n.t;
  const diff = diffStates(event.before, event.after);
  const changed = diff.filter((d) => d.change !== 'unchanged').length;
  const title = t('audit.event.title', { seq: String(event.seq) });
  return (
    <ConsolePage page={page} title={title} section="audit">
      <nav class="breadcrumbs" aria-label={t('audit.event.back')}>
        <ol>
          <li>
            <a href="/console/audit">{t('audit.title')}</a>
          </li>
          <li aria-current="page">{title}</li>
        </ol>
      </nav>
      <h1>{title}</h1>
      <dl class="summary-list">
        <dt>{t('audit.event.when')}</dt>
        <dd>
          <DateTime i18n={i18n} value={event.occurredAt} />
        </dd>
        <dt>{t('audit.event.actor')}</dt>
        <dd>
          <bdi>{event.actorLabel}</bdi>
        </dd>
        <dt>{t('audit.event.actor_id')}</dt>
        <dd>{event.actorId ? <code>{event.actorId}</code> : t('audit.none')}</dd>
        <dt>{t('audit.event.ip')}</dt>
        <dd>{event.ip ? <code>{event.ip}</code> : t('audit.none')}</dd>
        <dt>{t('audit.event.request')}</dt>
        <dd>
          <code>{event.requestId}</code>
        </dd>
        <dt>{t('audit.event.action')}</dt>
        <dd>
          <code>{event.action}</code>
        </dd>
        <dt>{t('audit.event.entity')}</dt>
        <dd>
          {event.entityType} <code>{event.entityId}</code>
        </dd>
        <dt>{t('audit.event.id')}</dt>
        <dd>
          <code>{event.id}</code>
        </dd>
        <dt>{t('audit.event.prev_hash')}</dt>
        <dd>
          <code>{event.prevHash}</code>
        </dd>
        <dt>{t('audit.event.hash')}</dt>
        <dd>
          <code>{event.hash}</code>
        </dd>
      </dl>

      <h2 id="diff">{t('audit.diff.title')}</h2>
      {diff.length === 0 ? (
        <p class="muted">{t('audit.diff.none')}</p>
      ) : (
        <>
          <p>{t('audit.diff.summary', { count: changed })}</p>
          <div class="table-wrap">
            <table class="table" aria-describedby="diff">
              <caption class="visually-hidden">{t('audit.diff.caption')}</caption>
              <thead>
                <tr>
                  <th scope="col">{t('audit.diff.field')}</th>
                  <th scope="col">{t('audit.diff.change')}</th>
                  <th scope="col">{t('audit.diff.before')}</th>
                  <th scope="col">{t('audit.diff.after')}</th>
                </tr>
              </thead>
              <tbody>
                {diff.map((d) => {
                  const isChange = d.change !== 'unchanged';
                  return (
                    <tr data-change={d.change}>
                      <th scope="row">{isChange ? <strong>{d.field}</strong> : <span>{d.field}</span>}</th>
                      <td>{isChange ? <mark>{changeLabel(t, d.change)}</mark> : <span class="muted">{changeLabel(t, d.change)}</span>}</td>
                      <td>{d.before === null ? <span class="muted">{t('audit.diff.absent')}</span> : isChange ? <del><code>{d.before}</code></del> : <code>{d.before}</code>}</td>
                      <td>{d.after === null ? <span class="muted">{t('audit.diff.absent')}</span> : isChange ? <ins><code>{d.after}</code></ins> : <code>{d.after}</code>}</td>
                    </tr>
                  );
                })}
              </tbody>
            </table>
          </div>
          <details>
            <summary>{t('audit.diff.raw')}</summary>
            <h3>{t('audit.diff.before')}</h3>
            <pre>
              <code>{JSON.stringify(event.before, null, 2)}</code>
            </pre>
            <h3>{t('audit.diff.after')}</h3>
            <pre>
              <code>{JSON.stringify(event.after, null, 2)}</code>
            </pre>
          </details>
        </>
      )}
      <p>
        <a href="/console/audit">{t('audit.event.back')}</a>
      </p>
    </ConsolePage>
  );
}
