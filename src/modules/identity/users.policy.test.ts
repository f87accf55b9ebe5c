import { describe, expect, it } from 'vitest';
import type { Actor, Role } from '#src/core/access';
import { allRoles, constituentRoles, systemActor, anonymousActor } from '#src/core/access';
import { canChooseOrganisation, canSeeUser, checkDisable, checkRoleAssignment, grantableRoles, userScope } from '#src/modules/identity/users.policy';

const ORG_A = '0190a000-0000-7000-8000-00000000000a';
const ORG_B = '0190a000-0000-7000-8000-00000000000b';

function user(roles: Role[], organisationId: string | null = null, userId = 'actor-id'): Actor {
  return { kind: 'user', userId, label: 'actor@example.ma', roles, organisationId, scopes: null };
}

const admin = user(['admin']);
const manager = user(['org_manager'], ORG_A);
const member = user(['org_member'], ORG_A);
const analyst = user(['analyst']);

describe('user scope', () => {
  it('lets administrators and the system see every account', () => {
    expect(userScope(admin)).toEqual({ kind: 'all' });
    expect(userScope(systemActor('cli'))).toEqual({ kind: 'all' });
    expect(canSeeUser(admin, { organisationId: ORG_B })).toBe(true);
    expect(canSeeUser(admin, { organisationId: null })).toBe(true);
  });

  it('limits an organisation manager to the accounts of their own organisation', () => {
    expect(userScope(manager)).toEqual({ kind: 'organisation', organisationId: ORG_A });
    expect(canSeeUser(manager, { organisationId: ORG_A })).toBe(true);
    expect(canSeeUser(manager, { organisationId: ORG_B })).toBe(false);
    expect(canSeeUser(manager, { organisationId: null })).toBe(false);
  });

  it('gives members, other staff, anonymous visitors and managers without an organisation no scope', () => {
    for (const actor of [member, analyst, anonymousActor, user(['org_manager'], null)]) {
      expect(userScope(actor)).toEqual({ kind: 'none' });
      expect(canSeeUser(actor, { organisationId: ORG_A })).toBe(false);
      expect(grantableRoles(actor)).toEqual([]);
    }
  });

  it('lets administrators grant every role and choose the organisation; managers only organisation roles', () => {
    expect(grantableRoles(admin)).toEqual(allRoles);
    expect(grantableRoles(manager)).toEqual(constituentRoles);
    expect(canChooseOrganisation(admin)).toBe(true);
    expect(canChooseOrganisation(manager)).toBe(false);
  });
});

describe('role assignment', () => {
  it('accepts staff roles without an organisation and organisation roles with one', () => {
    expect(checkRoleAssignment(admin, { roles: ['analyst', 'author'], organisationId: null })).toEqual([]);
    expect(checkRoleAssignment(admin, { roles: ['org_manager', 'org_member'], organisationId: ORG_B })).toEqual([]);
    expect(checkRoleAssignment(manager, { roles: ['org_member'], organisationId: ORG_A })).toEqual([]);
  });

  it('requires at least one role', () => {
    expect(checkRoleAssignment(admin, { roles: [], organisationId: null })).toEqual([{ field: 'roles', message: 'required' }]);
  });

  it('refuses to mix staff and organisation roles on one account', () => {
    expect(checkRoleAssignment(admin, { roles: ['analyst', 'org_member'], organisationId: ORG_A })).toContainEqual({ field: 'roles', message: 'roles_mixed' });
  });

  it('forbids an organisation for staff and requires one for organisation roles', () => {
    expect(checkRoleAssignment(admin, { roles: ['analyst'], organisationId: ORG_A })).toEqual([{ field: 'organisationId', message: 'organisation_forbidden' }]);
    expect(checkRoleAssignment(admin, { roles: ['org_member'], organisationId: null })).toEqual([{ field: 'organisationId', message: 'organisation_required' }]);
  });

  it('refuses staff roles granted by an organisation manager', () => {
    for (const role of ['admin', 'coordinator', 'analyst', 'author', 'reviewer'] as const) {
      expect(checkRoleAssignment(manager, { roles: [role], organisationId: ORG_A })).toContainEqual({ field: 'roles', message: 'role_forbidden' });
    }
  });

  it('refuses a user placed by a manager in another organisation or in none', () => {
    expect(checkRoleAssignment(manager, { roles: ['org_member'], organisationId: ORG_B })).toEqual([{ field: 'organisationId', message: 'invalid_choice' }]);
    expect(checkRoleAssignment(manager, { roles: ['org_member'], organisationId: null })).toEqual([{ field: 'organisationId', message: 'invalid_choice' }]);
  });

  it('refuses every role to an actor with no scope', () => {
    expect(checkRoleAssignment(member, { roles: ['org_member'], organisationId: ORG_A })).toContainEqual({ field: 'roles', message: 'role_forbidden' });
  });

  it('stops administrators from removing their own administrator role', () => {
    const target = { userId: 'actor-id', roles: ['admin'] as Role[], status: 'active' as const, otherActiveAdmins: 3 };
    expect(checkRoleAssignment(admin, { roles: ['analyst'], organisationId: null }, target)).toEqual([{ field: 'roles', message: 'cannot_remove_own_admin' }]);
    expect(checkRoleAssignment(admin, { roles: ['admin', 'analyst'], organisationId: null }, target)).toEqual([]);
  });

  it('never demotes the last active administrator', () => {
    const last = { userId: 'other-id', roles: ['admin'] as Role[], status: 'active' as const, otherActiveAdmins: 0 };
    expect(checkRoleAssignment(systemActor('cli'), { roles: ['analyst'], organisationId: null }, last)).toEqual([{ field: 'roles', message: 'last_admin' }]);
    expect(checkRoleAssignment(admin, { roles: ['analyst'], organisationId: null }, { ...last, otherActiveAdmins: 1 })).toEqual([]);
    // A disabled administrator is not one of the active administrators being protected.
    expect(checkRoleAssignment(admin, { roles: ['analyst'], organisationId: null }, { ...last, status: 'disabled' })).toEqual([]);
  });
});

describe('disabling', () => {
  it('refuses to disable oneself', () => {
    expect(checkDisable(admin, { userId: 'actor-id', roles: ['admin'], status: 'active', otherActiveAdmins: 5 })).toEqual({ field: 'status', message: 'cannot_disable_self' });
    expect(checkDisable(manager, { userId: 'actor-id', roles: ['org_manager'], status: 'active', otherActiveAdmins: 0 })).toEqual({ field: 'status', message: 'cannot_disable_self' });
  });

  it('refuses to disable the last active administrator, even from the CLI', () => {
    expect(checkDisable(systemActor('cli'), { userId: 'x', roles: ['admin'], status: 'active', otherActiveAdmins: 0 })).toEqual({ field: 'status', message: 'last_admin' });
    expect(checkDisable(systemActor('cli'), { userId: 'x', roles: ['admin'], status: 'active', otherActiveAdmins: 1 })).toBeNull();
  });

  it('allows disabling any other account', () => {
    expect(checkDisable(admin, { userId: 'x', roles: ['analyst'], status: 'active', otherActiveAdmins: 0 })).toBeNull();
    expect(checkDisable(manager, { userId: 'x', roles: ['org_member'], status: 'active', otherActiveAdmins: 0 })).toBeNull();
  });
});
