import type { Actor, Role } from '#src/core/access';
import type { FieldError } from '#src/core/errors';
import { allRoles, constituentRoles, isConstituentRole, isStaffRole } from '#src/core/access';

/**
 * Which users an actor may see and manage: everyone (administrators and the system), the members of one
 * organisation (organisation managers), or nobody. Repositories turn this into a SQL condition.
 */
export type UserScope = { kind: 'all' } | { kind: 'organisation'; organisationId: string } | { kind: 'none' };

/** True for actors who administer every account: administrators, and Ribat itself (CLI, jobs). */
export function isUserAdministrator(actor: Actor): boolean {
  return actor.kind === 'system' || (actor.kind === 'user' && actor.roles.includes('admin'));
}

/** The accounts an actor may see; an organisation manager without an organisation sees nobody. */
export function userScope(actor: Actor): UserScope {
  if (isUserAdministrator(actor)) return { kind: 'all' };
  if (actor.kind === 'user' && actor.roles.includes('org_manager') && actor.organisationId !== null) {
    return { kind: 'organisation', organisationId: actor.organisationId };
  }
  return { kind: 'none' };
}

/** True when the actor may see (and so manage) a user of the given organisation. */
export function canSeeUser(actor: Actor, target: { organisationId: string | null }): boolean {
  const scope = userScope(actor);
  switch (scope.kind) {
    case 'all':
      return true;
    case 'organisation':
      return target.organisationId === scope.organisationId;
    case 'none':
      return false;
  }
}

/** The roles an actor may grant: every role for administrators, the organisation roles for managers. */
export function grantableRoles(actor: Actor): readonly Role[] {
  const scope = userScope(actor);
  switch (scope.kind) {
    case 'all':
      return allRoles;
    case 'organisation':
      return constituentRoles;
    case 'none':
      return [];
  }
}

/** True when the actor may choose the organisation of a user (administrators only). */
export function canChooseOrganisation(actor: Actor): boolean {
  return userScope(actor).kind === 'all';
}

/** A proposed set of roles and organisation for an account. */
export interface RoleAssignment {
  roles: readonly Role[];
  organisationId: string | null;
}

/** The account being changed, when it exists already (for the self and last-administrator rules). */
export interface AssignmentTarget {
  userId: string;
  roles: readonly Role[];
  status: 'active' | 'disabled';
  /** Active administrators other than this user. */
  otherActiveAdmins: number;
}

/**
 * Checks roles and organisation against the rules: at least one role, only grantable roles, staff and
 * organisation roles never mixed, staff without an organisation, organisation roles with one, a manager
 * only within their own organisation, nobody removing their own administrator role and the last active
 * administrator never demoted. Returns the field errors (empty when acceptable).
 */
export function checkRoleAssignment(actor: Actor, next: RoleAssignment, target: AssignmentTarget | null = null): FieldError[] {
  const errors: FieldError[] = [];
  const { roles, organisationId } = next;
  if (roles.length === 0) {
    errors.push({ field: 'roles', message: 'required' });
    return errors;
  }
  const grantable = grantableRoles(actor);
  const hasStaff = roles.some(isStaffRole);
  const hasConstituent = roles.some(isConstituentRole);
  const previous = target?.roles ?? [];
  if (roles.some((r) => !grantable.includes(r))) {
    errors.push({ field: 'roles', message: 'role_forbidden' });
  } else if (hasStaff && hasConstituent) {
    errors.push({ field: 'roles', message: 'roles_mixed' });
  } else if (target !== null && target.userId === actor.userId && previous.includes('admin') && !roles.includes('admin')) {
    errors.push({ field: 'roles', message: 'cannot_remove_own_admin' });
  } else if (target !== null && target.status === 'active' && previous.includes('admin') && !roles.includes('admin') && target.otherActiveAdmins === 0) {
    errors.push({ field: 'roles', message: 'last_admin' });
  }

  const scope = userScope(actor);
  if (scope.kind === 'organisation' && organisationId !== scope.organisationId) {
    // A manager's users always belong to the manager's organisation; any other value is not a choice they have.
    errors.push({ field: 'organisationId', message: 'invalid_choice' });
  } else if (hasStaff && !hasConstituent && organisationId !== null) {
    errors.push({ field: 'organisationId', message: 'organisation_forbidden' });
  } else if (hasConstituent && organisationId === null) {
    errors.push({ field: 'organisationId', message: 'organisation_required' });
  }
  return errors;
}

/**
 * Checks that the actor may disable the target: never themselves, never the last active administrator.
 * Returns the field error on `status`, or null.
 */
export function checkDisable(actor: Actor, target: AssignmentTarget): FieldError | null {
  if (actor.userId !== null && target.userId === actor.userId) return { field: 'status', message: 'cannot_disable_self' };
  if (target.status === 'active' && target.roles.includes('admin') && target.otherActiveAdmins === 0) {
    return { field: 'status', message: 'last_admin' };
  }
  return null;
}
