import type { Role } from '#src/core/access';
import type { Translator } from '#src/core/i18n/i18n';
import type { OrganisationRef, User } from '#src/modules/identity/users.types';
import { organisationName } from '#src/modules/identity/users.types';

/** The translated label of a role. */
export function roleLabel(i18n: Translator, role: Role): string {
  return i18n.t(`users.role.${role}`);
}

/** The translated labels of roles, comma-separated ("—" when none). */
export function rolesText(i18n: Translator, roles: readonly Role[]): string {
  return roles.length === 0 ? i18n.t('users.none') : roles.map((r) => roleLabel(i18n, r)).join(', ');
}

/** An organisation's name in the page language, with its acronym. */
export function organisationLabel(i18n: Translator, org: OrganisationRef | null): string {
  if (org === null) return i18n.t('users.none');
  const name = organisationName(org, i18n.locale);
  return org.acronym ? `${name} (${org.acronym})` : name;
}

/** The status of an account as a badge with a text label (never colour alone). */
export function StatusBadge({ i18n, user }: { i18n: Translator; user: Pick<User, 'status' | 'isActivated'> }) {
  if (user.status === 'disabled') return <span class="status--disabled">{i18n.t('users.status.disabled')}</span>;
  if (!user.isActivated) return <span class="status--suspended">{i18n.t('users.status.pending')}</span>;
  return <span class="status--active">{i18n.t('users.status.active')}</span>;
}

/** A date and time in the page language, or "never". */
export function dateOrNever(i18n: Translator, date: Date | null): string {
  return date === null ? i18n.t('users.last_login.never') : i18n.formatDateTime(date);
}
