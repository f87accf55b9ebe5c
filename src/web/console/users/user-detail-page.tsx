import type { Role } from '#src/core/access';
import type { PageContext } from '#src/web/page-context';
import type { FormErrors } from '#src/web/components/form';
import type { OrganisationRef, User } from '#src/modules/identity/users.types';
import { ConsolePage } from '#src/web/layout';
import { CsrfField, ErrorSummary, Notice, TextField } from '#src/web/components/form';
import { RoleAndOrganisationFields, userFieldLabels } from '#src/web/console/users/user-form-fields';
import { dateOrNever, organisationLabel, rolesText, StatusBadge } from '#src/web/console/users/user-parts';

/** The edit form's values: the saved ones, or what the administrator submitted when re-rendered. */
export interface EditUserValues {
  displayName: string;
  roles: string[];
  organisationId: string;
}

export interface UserDetailPageProps {
  page: PageContext;
  /** The account as currently saved. */
  user: User;
  values: EditUserValues;
  errors: FormErrors;
  /** A success notice after a redirect, or null. */
  notice: string | null;
  /** True when the submitted form was based on an older version of the account. */
  conflict: boolean;
  roleOptions: readonly Role[];
  organisations: OrganisationRef[] | null;
  /** True when the signed-in user is looking at their own account (no disable button). */
  isSelf: boolean;
}

/** An account's details, its edit form (with optimistic locking) and its actions. */
export function UserDetailPage(props: UserDetailPageProps) {
  const { page, user, values, errors, notice, conflict, roleOptions, organisations, isSelf } = props;
  const { i18n } = page;
  const t = i18n.t;
  const base = `/console/users/${user.id}`;
  return (
    <ConsolePage page={page} title={user.displayName} section="users">
      <nav class="breadcrumbs" aria-label={t('console.nav.label')}>
        <ol>
          <li>
            <a href="/console/users">{t('users.list.title')}</a>
          </li>
          <li aria-current="page">{user.displayName}</li>
        </ol>
      </nav>
      <h1>{user.displayName}</h1>
      {notice !== null ? <Notice kind="success">{notice}</Notice> : null}
      {conflict ? (
        <Notice kind="warning">
          <p>{t('error.version_conflict')}</p>
          <p>{t('users.detail.conflict')}</p>
        </Notice>
      ) : null}
      <ErrorSummary i18n={i18n} errors={errors} labels={userFieldLabels(i18n)} />

      <h2>{conflict ? t('users.detail.current_values') : t('users.detail.summary')}</h2>
      <dl class="summary-list">
        <div>
          <dt>{t('users.field.display_name')}</dt>
          <dd>{user.displayName}</dd>
        </div>
        <div>
          <dt>{t('users.col.email')}</dt>
          <dd dir="ltr">{user.email}</dd>
        </div>
        <div>
          <dt>{t('users.col.roles')}</dt>
          <dd>{rolesText(i18n, user.roles)}</dd>
        </div>
        <div>
          <dt>{t('users.col.organisation')}</dt>
          <dd>{organisationLabel(i18n, user.organisation)}</dd>
        </div>
        <div>
          <dt>{t('users.col.status')}</dt>
          <dd>
            <StatusBadge i18n={i18n} user={user} />
          </dd>
        </div>
        <div>
          <dt>{t('users.detail.activated')}</dt>
          <dd>{user.isActivated ? t('users.detail.activated.yes') : t('users.detail.activated.no')}</dd>
        </div>
        <div>
          <dt>{t('users.col.mfa')}</dt>
          <dd>{user.hasMfa ? t('users.mfa.yes') : t('users.mfa.no')}</dd>
        </div>
        <div>
          <dt>{t('users.col.last_login')}</dt>
          <dd>{dateOrNever(i18n, user.lastLoginAt)}</dd>
        </div>
        <div>
          <dt>{t('users.col.created')}</dt>
          <dd>{i18n.formatDateTime(user.createdAt)}</dd>
        </div>
        <div>
          <dt>{t('users.detail.updated')}</dt>
          <dd>{i18n.formatDateTime(user.updatedAt)}</dd>
        </div>
      </dl>

      <h2 id="edit">{t('users.detail.edit')}</h2>
      <form method="post" action={base} class="form" noValidate aria-labelledby="edit">
        <CsrfField token={page.csrfToken} />
        {/* The version this form is based on: a different saved version means someone else changed the account. */}
        <input type="hidden" name="version" value={String(user.version)} />
        <TextField name="displayName" label={t('users.field.display_name')} value={values.displayName} errors={errors} required maxLength={200} autocomplete="off" />
        <RoleAndOrganisationFields
          i18n={i18n}
          errors={errors}
          roles={values.roles}
          organisationId={values.organisationId}
          roleOptions={roleOptions}
          organisations={organisations}
          fixedOrganisation={null}
        />
        <p>
          <button type="submit" class="button">
            {t('users.detail.save')}
          </button>
        </p>
      </form>

      <h2>{t('users.detail.actions')}</h2>
      {user.status === 'active' && !user.isActivated ? (
        <form method="post" action={`${base}/resend-invitation`}>
          <CsrfField token={page.csrfToken} />
          <p class="field__hint">{t('users.detail.resend.hint')}</p>
          <p>
            <button type="submit" class="button button--secondary">
              {t('users.detail.resend')}
            </button>
          </p>
        </form>
      ) : null}
      {user.status === 'active' && !isSelf ? (
        <form method="post" action={`${base}/disable`}>
          <CsrfField token={page.csrfToken} />
          <p class="field__hint">{t('users.detail.disable.hint')}</p>
          <p>
            <button type="submit" class="button button--danger">
              {t('users.detail.disable')}
            </button>
          </p>
        </form>
      ) : null}
      {user.hasMfa && !isSelf ? (
        <form method="post" action={`${base}/reset-mfa`}>
          <CsrfField token={page.csrfToken} />
          <p class="field__hint">{t('users.detail.reset_mfa.hint')}</p>
          <p>
            <button type="submit" class="button button--secondary">
              {t('users.detail.reset_mfa')}
            </button>
          </p>
        </form>
      ) : null}
      {user.status === 'disabled' ? (
        <form method="post" action={`${base}/enable`}>
          <CsrfField token={page.csrfToken} />
          <p class="field__hint">{t('users.detail.enable.hint')}</p>
          <p>
            <button type="submit" class="button button--secondary">
              {t('users.detail.enable')}
            </button>
          </p>
        </form>
      ) : null}
      <p>
        <a href="/console/users">{t('users.detail.back')}</a>
      </p>
    </ConsolePage>
  );
}
