import type { Role } from '#src/core/access';
import type { PageContext } from '#src/web/page-context';
import type { OrganisationRef, User } from '#src/modules/identity/users.types';
import { ConsolePage } from '#src/web/layout';
import { Pagination, SelectField, TextField } from '#src/web/components/form';
import { organisationLabel, rolesText, StatusBadge, dateOrNever, roleLabel } from '#src/web/console/users/user-parts';

/** The filter values as submitted (strings, '' when unset). */
export interface UserListFilterValues {
  q: string;
  role: string;
  organisationId: string;
  status: string;
}

export interface UsersListPageProps {
  page: PageContext;
  users: User[];
  filter: UserListFilterValues;
  /** Roles offered in the role filter. */
  roles: readonly Role[];
  /** Organisations offered in the filter; null hides the filter (organisation managers see only theirs). */
  organisations: OrganisationRef[] | null;
  nextHref: string | null;
  isFirst: boolean;
}

/** The user list: filters (a GET form, works without JavaScript), a table and a "next page" link. */
export function UsersListPage({ page, users, filter, roles, organisations, nextHref, isFirst }: UsersListPageProps) {
  const { i18n } = page;
  const t = i18n.t;
  const noErrors = {};
  return (
    <ConsolePage page={page} title={t('users.list.title')} section="users">
      <h1>{t('users.list.title')}</h1>
      <p class="lead">{organisations === null ? t('users.list.lead_org') : t('users.list.lead')}</p>
      <p>
        <a class="button" href="/console/users/new">
          {t('users.list.new')}
        </a>
      </p>
      <form method="get" action="/console/users" class="form" role="search" aria-labelledby="users-filters">
        <h2 id="users-filters">{t('users.filter.title')}</h2>
        <TextField name="q" label={t('users.filter.q')} value={filter.q} errors={noErrors} maxLength={200} />
        <SelectField
          name="role"
          label={t('users.filter.role')}
          value={filter.role}
          errors={noErrors}
          includeEmpty={t('users.filter.any')}
          options={roles.map((r) => ({ value: r, label: roleLabel(i18n, r) }))}
        />
        {organisations !== null ? (
          <SelectField
            name="organisationId"
            label={t('users.filter.organisation')}
            value={filter.organisationId}
            errors={noErrors}
            includeEmpty={t('users.filter.any')}
            options={organisations.map((o) => ({ value: o.id, label: organisationLabel(i18n, o) }))}
          />
        ) : null}
        <SelectField
          name="status"
          label={t('users.filter.status')}
          value={filter.status}
          errors={noErrors}
          includeEmpty={t('users.filter.any')}
          options={[
            { value: 'active', label: t('users.status.active') },
            { value: 'disabled', label: t('users.status.disabled') },
          ]}
        />
        <p>
          <button type="submit" class="button button--secondary">
            {t('users.filter.apply')}
          </button>{' '}
          <a href="/console/users">{t('users.filter.reset')}</a>
        </p>
      </form>
      {users.length === 0 ? (
        <p class="muted">{t('users.list.empty')}</p>
      ) : (
        <div class="table-wrap">
          <table class="table">
            <caption class="visually-hidden">{t('users.list.caption')}</caption>
            <thead>
              <tr>
                <th scope="col">{t('users.col.name')}</th>
                <th scope="col">{t('users.col.email')}</th>
                <th scope="col">{t('users.col.roles')}</th>
                <th scope="col">{t('users.col.organisation')}</th>
                <th scope="col">{t('users.col.status')}</th>
                <th scope="col">{t('users.col.mfa')}</th>
                <th scope="col">{t('users.col.last_login')}</th>
              </tr>
            </thead>
            <tbody>
              {users.map((u) => (
                <tr>
                  <td>
                    <a href={`/console/users/${u.id}`}>{u.displayName}</a>
                  </td>
                  <td dir="ltr">{u.email}</td>
                  <td>{rolesText(i18n, u.roles)}</td>
                  <td>{organisationLabel(i18n, u.organisation)}</td>
                  <td>
                    <StatusBadge i18n={i18n} user={u} />
                  </td>
                  <td>{u.hasMfa ? t('users.mfa.yes') : t('users.mfa.no')}</td>
                  <td>{dateOrNever(i18n, u.lastLoginAt)}</td>
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
