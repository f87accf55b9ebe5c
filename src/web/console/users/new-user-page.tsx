import type { Role } from '#src/core/access';
import type { PageContext } from '#src/web/page-context';
import type { FormErrors } from '#src/web/components/form';
import type { OrganisationRef } from '#src/modules/identity/users.types';
import { locales } from '#src/core/i18n/i18n';
import { ConsolePage } from '#src/web/layout';
import { CsrfField, ErrorSummary, SelectField, TextField } from '#src/web/components/form';
import { RoleAndOrganisationFields, userFieldLabels } from '#src/web/console/users/user-form-fields';

/** What the creation form shows (the submitted values when re-rendered with errors). */
export interface NewUserValues {
  email: string;
  displayName: string;
  roles: string[];
  organisationId: string;
  locale: string;
}

export interface NewUserPageProps {
  page: PageContext;
  values: NewUserValues;
  errors: FormErrors;
  roleOptions: readonly Role[];
  organisations: OrganisationRef[] | null;
  fixedOrganisation: OrganisationRef | null;
}

/** The form that creates an account and e-mails its invitation; no password is ever set here. */
export function NewUserPage({ page, values, errors, roleOptions, organisations, fixedOrganisation }: NewUserPageProps) {
  const { i18n } = page;
  const t = i18n.t;
  return (
    <ConsolePage page={page} title={t('users.new.title')} section="users">
      <nav class="breadcrumbs" aria-label={t('console.nav.label')}>
        <ol>
          <li>
            <a href="/console/users">{t('users.list.title')}</a>
          </li>
          <li aria-current="page">{t('users.new.title')}</li>
        </ol>
      </nav>
      <h1>{t('users.new.title')}</h1>
      <p class="lead">{t('users.new.lead')}</p>
      <ErrorSummary i18n={i18n} errors={errors} labels={userFieldLabels(i18n)} />
      <form method="post" action="/console/users/new" class="form" noValidate>
        <CsrfField token={page.csrfToken} />
        <TextField name="email" type="email" label={t('users.field.email')} value={values.email} errors={errors} required autocomplete="off" maxLength={254} dir="ltr" />
        <TextField name="displayName" label={t('users.field.display_name')} value={values.displayName} errors={errors} required maxLength={200} autocomplete="off" />
        <RoleAndOrganisationFields
          i18n={i18n}
          errors={errors}
          roles={values.roles}
          organisationId={values.organisationId}
          roleOptions={roleOptions}
          organisations={organisations}
          fixedOrganisation={fixedOrganisation}
        />
        <SelectField name="locale" label={t('users.field.locale')} value={values.locale} errors={errors} options={locales.map((l) => ({ value: l, label: t(`users.locale.${l}`) }))} />
        <p>
          <button type="submit" class="button">
            {t('users.new.submit')}
          </button>{' '}
          <a href="/console/users">{t('form.cancel')}</a>
        </p>
      </form>
    </ConsolePage>
  );
}
