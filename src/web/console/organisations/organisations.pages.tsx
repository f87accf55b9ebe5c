import type { PageContext } from '#src/web/page-context';
import type { FormErrors } from '#src/web/components/form';
import type { VocabularyTerm } from '#src/modules/taxonomies/taxonomies.types';
import type { Organisation, OrganisationSummary, OrganisationStatus } from '#src/modules/constituents/constituents.types';
import type { OrganisationFormValues } from '#src/web/console/organisations/organisation-form';
import { ConsolePage, PublicPage } from '#src/web/layout';
import { CsrfField, Notice, Pagination } from '#src/web/components/form';
import { labelOfCode, termLabel } from '#src/modules/taxonomies/taxonomies.types';
import { categoryMessageKey, organisationCategories, organisationName, organisationStatuses, statusMessageKey } from '#src/modules/constituents/constituents.types';
import { OrganisationForm } from '#src/web/console/organisations/organisation-form';

function StatusBadge({ page, status }: { page: PageContext; status: OrganisationStatus }) {
  return <span class={`status--${status}`}>{page.i18n.t(statusMessageKey(status))}</span>;
}

/** Filters of the list as submitted (empty string means any). */
export interface OrganisationListFilters {
  q: string;
  category: string;
  sector: string;
  status: string;
}

export interface OrganisationListPageProps {
  page: PageContext;
  filters: OrganisationListFilters;
  organisations: OrganisationSummary[];
  sectors: VocabularyTerm[];
  nextHref: string | null;
  isFirst: boolean;
  canManage: boolean;
}

/** The console list of organisations, filterable, one page at a time. */
export function OrganisationListPage({ page, filters, organisations, sectors, nextHref, isFirst, canManage }: OrganisationListPageProps) {
  const { i18n } = page;
  const t = i18n.t;
  const filtered = Object.values(filters).some((v) => v !== '');
  return (
    <ConsolePage page={page} title={t('constituents.list.title')} section="organisations">
      <h1>{t('constituents.list.title')}</h1>
      {canManage ? (
        <p>
          <a class="button" href="/console/organisations/new">
            {t('constituents.list.new')}
          </a>
        </p>
      ) : null}
      <form method="get" action="/console/organisations" class="card" role="search" aria-label={t('constituents.filters.label')}>
        <div class="field">
          <label for="filter-q">{t('constituents.filters.q')}</label>
          <input id="filter-q" name="q" type="search" value={filters.q} maxLength={200} />
        </div>
        <div class="field">
          <label for="filter-category">{t('constituents.field.category')}</label>
          <select id="filter-category" name="category">
            <option value="">{t('constituents.filters.any')}</option>
            {organisationCategories.map((c) => (
              <option value={c} selected={filters.category === c}>
                {t(categoryMessageKey(c))}
              </option>
            ))}
          </select>
        </div>
        <div class="field">
          <label for="filter-sector">{t('constituents.field.sector')}</label>
          <select id="filter-sector" name="sector">
            <option value="">{t('constituents.filters.any')}</option>
            {sectors.map((s) => (
              <option value={s.code} selected={filters.sector === s.code}>
                {s.retiredAt ? t('constituents.sector.retired', { label: termLabel(s, i18n.locale) }) : termLabel(s, i18n.locale)}
              </option>
            ))}
          </select>
        </div>
        <div class="field">
          <label for="filter-status">{t('constituents.field.status')}</label>
          <select id="filter-status" name="status">
            <option value="">{t('constituents.filters.any')}</option>
            {organisationStatuses.map((s) => (
              <option value={s} selected={filters.status === s}>
                {t(statusMessageKey(s))}
              </option>
            ))}
          </select>
        </div>
        <button type="submit" class="button button--secondary">
          {t('constituents.filters.submit')}
        </button>{' '}
        {filtered ? <a href="/console/organisations">{t('constituents.filters.reset')}</a> : null}
      </form>
      {organisations.length === 0 ? (
        <p class="muted">{filtered ? t('constituents.list.none_matching') : t('constituents.list.empty')}</p>
      ) : (
        <div class="table-wrap">
          <table class="table">
            <caption class="visually-hidden">{t('constituents.list.title')}</caption>
            <thead>
              <tr>
                <th scope="col">{t('constituents.field.name')}</th>
                <th scope="col">{t('constituents.field.acronym')}</th>
                <th scope="col">{t('constituents.field.category')}</th>
                <th scope="col">{t('constituents.field.sector')}</th>
                <th scope="col">{t('constituents.field.status')}</th>
                <th scope="col" class="num">
                  {t('constituents.field.users')}
                </th>
              </tr>
            </thead>
            <tbody>
              {organisations.map((o) => (
                <tr>
                  <td>
                    <a href={`/console/organisations/${o.id}`}>{organisationName(o, i18n.locale)}</a>
                  </td>
                  <td>{o.acronym ?? ''}</td>
                  <td>{t(categoryMessageKey(o.category))}</td>
                  <td>{labelOfCode(sectors, o.sectorCode, i18n.locale)}</td>
                  <td>
                    <StatusBadge page={page} status={o.status} />
                  </td>
                  <td class="num">{i18n.formatNumber(o.userCount)}</td>
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

/** The facts about an organisation, shared by the console and the constituent's own page. */
export function OrganisationDetails({ page, organisation, sectors }: { page: PageContext; organisation: Organisation; sectors: readonly VocabularyTerm[] }) {
  const { i18n } = page;
  const t = i18n.t;
  const o = organisation;
  return (
    <>
      <dl class="summary-list">
        <div>
          <dt>{t('constituents.field.name_fr')}</dt>
          <dd lang="fr">{o.names.fr}</dd>
        </div>
        <div>
          <dt>{t('constituents.field.name_ar')}</dt>
          <dd lang="ar" dir="rtl">
            {o.names.ar}
          </dd>
        </div>
        <div>
          <dt>{t('constituents.field.name_en')}</dt>
          <dd lang="en">{o.names.en}</dd>
        </div>
        <div>
          <dt>{t('constituents.field.acronym')}</dt>
          <dd>{o.acronym ?? t('constituents.none')}</dd>
        </div>
        <div>
          <dt>{t('constituents.field.category')}</dt>
          <dd>{t(categoryMessageKey(o.category))}</dd>
        </div>
        <div>
          <dt>{t('constituents.field.sector')}</dt>
          <dd>{labelOfCode(sectors, o.sectorCode, i18n.locale)}</dd>
        </div>
        <div>
          <dt>{t('constituents.field.status')}</dt>
          <dd>
            <StatusBadge page={page} status={o.status} />
          </dd>
        </div>
        <div>
          <dt>{t('constituents.field.users')}</dt>
          <dd>{i18n.formatNumber(o.userCount)}</dd>
        </div>
        <div>
          <dt>{t('constituents.field.email_domains')}</dt>
          <dd dir="ltr">
            {o.emailDomains.length === 0 ? (
              t('constituents.none')
            ) : (
              <ul>
                {o.emailDomains.map((d) => (
                  <li>
                    <code>{d}</code>
                  </li>
                ))}
              </ul>
            )}
          </dd>
        </div>
        <div>
          <dt>{t('constituents.field.ip_ranges')}</dt>
          <dd dir="ltr">
            {o.ipRanges.length === 0 ? (
              t('constituents.none')
            ) : (
              <ul>
                {o.ipRanges.map((r) => (
                  <li>
                    <code>{r}</code>
                  </li>
                ))}
              </ul>
            )}
          </dd>
        </div>
        <div>
          <dt>{t('constituents.field.updated')}</dt>
          <dd>{i18n.formatDateTime(o.updatedAt)}</dd>
        </div>
      </dl>
      <h2>{t('constituents.field.contacts')}</h2>
      {o.contacts.length === 0 ? (
        <p class="muted">{t('constituents.none')}</p>
      ) : (
        <div class="table-wrap">
          <table class="table">
            <thead>
              <tr>
                <th scope="col">{t('constituents.field.contact_name')}</th>
                <th scope="col">{t('constituents.field.contact_email')}</th>
                <th scope="col">{t('constituents.field.contact_phone')}</th>
              </tr>
            </thead>
            <tbody>
              {o.contacts.map((c) => (
                <tr>
                  <td>{c.name}</td>
                  <td dir="ltr">
                    <a href={`mailto:${c.email}`}>{c.email}</a>
                  </td>
                  <td dir="ltr">{c.phone ? <a href={`tel:${c.phone}`}>{c.phone}</a> : ''}</td>
                </tr>
              ))}
            </tbody>
          </table>
        </div>
      )}
    </>
  );
}

/** Notices shown after a redirect (`?done=`). */
export type OrganisationNotice = 'created' | 'updated' | 'suspended' | 'reactivated';

export interface OrganisationDetailPageProps {
  page: PageContext;
  organisation: Organisation;
  sectors: VocabularyTerm[];
  canManage: boolean;
  form: OrganisationFormValues;
  /** The version the edit form carries. */
  version: number;
  errors: FormErrors;
  conflict?: boolean;
  notice?: OrganisationNotice | undefined;
}

/** An organisation in the console: its facts, then (for managers) the edit form and suspension. */
export function OrganisationDetailPage({ page, organisation, sectors, canManage, form, version, errors, conflict = false, notice }: OrganisationDetailPageProps) {
  const { i18n } = page;
  const t = i18n.t;
  const name = organisationName(organisation, i18n.locale);
  const base = `/console/organisations/${organisation.id}`;
  const suspended = organisation.status === 'suspended';
  return (
    <ConsolePage page={page} title={name} section="organisations">
      <nav class="breadcrumbs" aria-label={t('constituents.breadcrumbs')}>
        <ol>
          <li>
            <a href="/console/organisations">{t('constituents.list.title')}</a>
          </li>
          <li aria-current="page">{name}</li>
        </ol>
      </nav>
      <h1>
        {name} {organisation.acronym ? <span class="muted">({organisation.acronym})</span> : null}
      </h1>
      {conflict ? <Notice kind="warning">{t('constituents.edit.conflict')}</Notice> : null}
      {notice ? <Notice kind="success">{t(`constituents.done.${notice}`)}</Notice> : null}
      <OrganisationDetails page={page} organisation={organisation} sectors={sectors} />
      {canManage ? (
        <>
          <section aria-labelledby="edit">
            <h2 id="edit">{t('constituents.edit.title')}</h2>
            <OrganisationForm page={page} action={base} values={form} errors={errors} sectors={sectors} currentSector={organisation.sectorCode} version={version} submitLabel={t('form.submit')} />
          </section>
          <section aria-labelledby="status">
            <h2 id="status">{suspended ? t('constituents.reactivate.title') : t('constituents.suspend.title')}</h2>
            <p>{suspended ? t('constituents.reactivate.body') : t('constituents.suspend.body')}</p>
            <form method="post" action={`${base}/${suspended ? 'reactivate' : 'suspend'}`}>
              <CsrfField token={page.csrfToken} />
              <input type="hidden" name="version" value={String(organisation.version)} />
              <button type="submit" class={suspended ? 'button button--secondary' : 'button button--danger'}>
                {suspended ? t('constituents.reactivate.submit') : t('constituents.suspend.submit')}
              </button>
            </form>
          </section>
        </>
      ) : null}
    </ConsolePage>
  );
}

/** The blank form of a new organisation (and the same form, refused, with its errors). */
export function NewOrganisationPage({ page, sectors, form, errors }: { page: PageContext; sectors: VocabularyTerm[]; form: OrganisationFormValues; errors: FormErrors }) {
  const t = page.i18n.t;
  return (
    <ConsolePage page={page} title={t('constituents.new.title')} section="organisations">
      <nav class="breadcrumbs" aria-label={t('constituents.breadcrumbs')}>
        <ol>
          <li>
            <a href="/console/organisations">{t('constituents.list.title')}</a>
          </li>
          <li aria-current="page">{t('constituents.new.title')}</li>
        </ol>
      </nav>
      <h1>{t('constituents.new.title')}</h1>
      <OrganisationForm page={page} action="/console/organisations/new" values={form} errors={errors} sectors={sectors} currentSector="" submitLabel={t('constituents.new.submit')} />
    </ConsolePage>
  );
}

/** A constituent's read-only view of their own organisation. */
export function OwnOrganisationPage({ page, organisation, sectors }: { page: PageContext; organisation: Organisation; sectors: VocabularyTerm[] }) {
  const t = page.i18n.t;
  const name = organisationName(organisation, page.i18n.locale);
  return (
    <PublicPage page={page} title={name} noindex>
      <h1>{name}</h1>
      <p class="lead">{t('constituents.own.lead')}</p>
      <OrganisationDetails page={page} organisation={organisation} sectors={sectors} />
      <p class="muted">{t('constituents.own.changes')}</p>
    </PublicPage>
  );
}
