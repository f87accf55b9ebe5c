import type { Permission } from '#src/core/access';
import type { PageContext } from '#src/web/page-context';
import type { ConsoleOverview } from '#src/modules/system/use-cases/get-console-overview';
import { ConsolePage } from '#src/web/layout';
import { Notice } from '#src/web/components/form';
import { DateTime } from '#src/web/console/audit/console-list';

interface Figure {
  label: string;
  value: number;
  href?: string;
}

function FigureCard({ page, title, href, figures }: { page: PageContext; title: string; href: string; figures: Figure[] }) {
  const { i18n } = page;
  return (
    <li class="card">
      <h3>
        <a href={href}>{title}</a>
      </h3>
      <dl class="summary-list">
        {figures.map((f) => (
          <>
            <dt>{f.label}</dt>
            <dd>{f.href && f.value > 0 ? <a href={f.href}>{i18n.formatNumber(f.value)}</a> : i18n.formatNumber(f.value)}</dd>
          </>
        ))}
      </dl>
    </li>
  );
}

/** The sections of the console, each with the permission that opens it. */
const sections: { key: string; href: string; permission: Permission }[] = [
  { key: 'users', href: '/console/users', permission: 'users:manage' },
  { key: 'organisations', href: '/console/organisations', permission: 'organisations:read' },
  { key: 'vocabularies', href: '/console/vocabularies', permission: 'vocabularies:manage' },
  { key: 'audit', href: '/console/audit', permission: 'audit:read' },
  { key: 'outbox', href: '/console/outbox', permission: 'outbox:read' },
  { key: 'jobs', href: '/console/jobs', permission: 'outbox:read' },
];

/** `GET /console`: figures from the database, what needs attention, the latest changes and the sections the viewer may open. */
export function DashboardPage({ page, overview }: { page: PageContext; overview: ConsoleOverview }) {
  const { i18n } = page;
  const t = i18n.t;
  const { users, organisations, emails, jobs, latestAudit } = overview;
  const attention: { text: string; href: string }[] = [];
  if (emails && emails.failed > 0) attention.push({ text: t('dashboard.attention.failed_emails', { count: emails.failed }), href: '/console/outbox?status=failed' });
  if (jobs && jobs.dead > 0) attention.push({ text: t('dashboard.attention.dead_jobs', { count: jobs.dead }), href: '/console/jobs?status=dead' });
  const visibleSections = sections.filter((s) => page.can(s.permission));
  return (
    <ConsolePage page={page} title={t('dashboard.title')} section="dashboard">
      <h1>{t('dashboard.title')}</h1>
      <p class="lead">{t('dashboard.lead')}</p>
      {attention.length > 0 ? (
        <Notice kind="warning">
          <h2>{t('dashboard.attention')}</h2>
          <ul>
            {attention.map((a) => (
              <li>
                <a href={a.href}>{a.text}</a>
              </li>
            ))}
          </ul>
        </Notice>
      ) : null}
      {users || organisations || emails || jobs ? (
        <section aria-labelledby="figures">
          <h2 id="figures">{t('dashboard.figures')}</h2>
          <ul class="card-list">
            {users ? (
              <FigureCard
                page={page}
                title={t('dashboard.users')}
                href="/console/users"
                figures={[
                  { label: t('dashboard.users.active'), value: users.active },
                  { label: t('dashboard.users.disabled'), value: users.disabled },
                ]}
              />
            ) : null}
            {organisations ? (
              <FigureCard
                page={page}
                title={t('dashboard.organisations')}
                href="/console/organisations"
                figures={[
                  { label: t('dashboard.organisations.active'), value: organisations.active },
                  { label: t('dashboard.organisations.suspended'), value: organisations.suspended },
                ]}
              />
            ) : null}
            {emails ? (
              <FigureCard
                page={page}
                title={t('dashboard.emails')}
                href="/console/outbox"
                figures={[
                  { label: t('dashboard.emails.queued'), value: emails.queued, href: '/console/outbox?status=queued' },
                  { label: t('dashboard.emails.failed'), value: emails.failed, href: '/console/outbox?status=failed' },
                  { label: t('dashboard.emails.kept'), value: emails.kept, href: '/console/outbox?status=kept' },
                ]}
              />
            ) : null}
            {jobs ? (
              <FigureCard
                page={page}
                title={t('dashboard.jobs')}
                href="/console/jobs"
                figures={[
                  { label: t('dashboard.jobs.pending'), value: jobs.pending, href: '/console/jobs?status=pending' },
                  { label: t('dashboard.jobs.dead'), value: jobs.dead, href: '/console/jobs?status=dead' },
                ]}
              />
            ) : null}
          </ul>
        </section>
      ) : null}
      {latestAudit ? (
        <section aria-labelledby="latest-audit">
          <h2 id="latest-audit">{t('dashboard.audit')}</h2>
          {latestAudit.length === 0 ? (
            <p class="muted">{t('dashboard.audit.empty')}</p>
          ) : (
            <div class="table-wrap">
              <table class="table">
                <thead>
                  <tr>
                    <th scope="col">{t('audit.col.time')}</th>
                    <th scope="col">{t('audit.col.actor')}</th>
                    <th scope="col">{t('audit.col.action')}</th>
                    <th scope="col">{t('audit.col.entity')}</th>
                  </tr>
                </thead>
                <tbody>
                  {latestAudit.map((e) => (
                    <tr>
                      <td>
                        <a href={`/console/audit/${e.seq}`}>
                          <DateTime i18n={i18n} value={e.occurredAt} />
                        </a>
                      </td>
                      <td>
                        <bdi>{e.actorLabel}</bdi>
                      </td>
                      <td>
                        <code>{e.action}</code>
                      </td>
                      <td>
                        {e.entityType} <code>{e.entityId}</code>
                      </td>
                    </tr>
                  ))}
                </tbody>
              </table>
            </div>
          )}
          <p>
            <a href="/console/audit">{t('dashboard.audit.all')}</a>
          </p>
        </section>
      ) : null}
      <section aria-labelledby="sections">
        <h2 id="sections">{t('dashboard.sections')}</h2>
        <dl class="summary-list">
          {visibleSections.map((s) => (
            <>
              <dt>
                <a href={s.href}>{t(`console.nav.${s.key}`)}</a>
              </dt>
              <dd>{t(`dashboard.section.${s.key}`)}</dd>
            </>
          ))}
        </dl>
      </section>
    </ConsolePage>
  );
}
