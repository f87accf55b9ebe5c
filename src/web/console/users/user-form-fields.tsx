import type { Role } from '#src/core/access';
import type { Translator } from '#src/core/i18n/i18n';
import type { FormErrors } from '#src/web/components/form';
import type { OrganisationRef } from '#src/modules/identity/users.types';
import { CheckboxGroup, SelectField } from '#src/web/components/form';
import { organisationLabel, roleLabel } from '#src/web/console/users/user-parts';

/** Labels of the user form fields, for the error summary. */
export function userFieldLabels(i18n: Translator): Record<string, string> {
  return {
    email: i18n.t('users.field.email'),
    displayName: i18n.t('users.field.display_name'),
    roles: i18n.t('users.field.roles'),
    organisationId: i18n.t('users.field.organisation'),
    locale: i18n.t('users.field.locale'),
    status: i18n.t('users.col.status'),
  };
}

export interface RoleAndOrganisationFieldsProps {
  i18n: Translator;
  errors: FormErrors;
  roles: readonly string[];
  organisationId: string;
  /** The roles the actor may grant. */
  roleOptions: readonly Role[];
  /** Organisations to choose from; null when the organisation is fixed (organisation managers). */
  organisations: OrganisationRef[] | null;
  /** Shown instead of the select when the organisation is fixed. */
  fixedOrganisation: OrganisationRef | null;
}

/** The roles checkboxes and the organisation select (or the fixed organisation of a manager). */
export function RoleAndOrganisationFields(props: RoleAndOrganisationFieldsProps) {
  const { i18n, errors, roles, organisationId, roleOptions, organisations, fixedOrganisation } = props;
  const t = i18n.t;
  return (
    <>
      {roleOptions.length > 2 ? <p class="field__hint">{t('users.field.roles.hint')}</p> : null}
      <CheckboxGroup name="roles" legend={t('users.field.roles')} values={roles} errors={errors} options={roleOptions.map((r) => ({ value: r, label: roleLabel(i18n, r) }))} />
      {organisations !== null ? (
        <SelectField
          name="organisationId"
          label={t('users.field.organisation')}
          value={organisationId}
          errors={errors}
          includeEmpty={t('users.field.organisation.none')}
          options={organisations.map((o) => ({ value: o.id, label: organisationLabel(i18n, o) }))}
        />
      ) : fixedOrganisation !== null ? (
        <p>{t('users.field.organisation.fixed', { name: organisationLabel(i18n, fixedOrganisation) })}</p>
      ) : null}
    </>
  );
}
