import { describe, expect, it } from 'vitest';
import type { Actor, Role } from '#src/core/access';
import { anonymousActor, systemActor } from '#src/core/access';
import { canManageOrganisations, isConstituentMember, organisationScope, usesConsole } from '#src/modules/constituents/constituents.policy';

const user = (roles: Role[], organisationId: string | null = null, scopes: Actor['scopes'] = null): Actor => ({ kind: 'user', userId: 'u', label: 'u', roles, organisationId, scopes });

describe('organisation policy', () => {
  it('lets staff see every organisation and constituents only their own', () => {
    expect(organisationScope(user(['analyst']))).toEqual({ kind: 'all' });
    expect(organisationScope(systemActor('cli'))).toEqual({ kind: 'all' });
    expect(organisationScope(user(['org_member'], 'org-1'))).toEqual({ kind: 'own', organisationId: 'org-1' });
    expect(organisationScope(user(['org_manager'], null))).toEqual({ kind: 'none' });
    expect(organisationScope(anonymousActor)).toEqual({ kind: 'none' });
  });

  it('gives management to administrators and coordinators only, within token scopes', () => {
    expect(canManageOrganisations(user(['admin']))).toBe(true);
    expect(canManageOrganisations(user(['coordinator']))).toBe(true);
    expect(canManageOrganisations(user(['analyst']))).toBe(false);
    expect(canManageOrganisations(user(['org_manager'], 'org-1'))).toBe(false);
    expect(canManageOrganisations(user(['admin'], null, ['read']))).toBe(false);
    expect(canManageOrganisations(user(['admin'], null, ['organisations:manage']))).toBe(true);
  });

  it('sends constituents to their own page rather than the console', () => {
    expect(usesConsole(user(['author']))).toBe(true);
    expect(usesConsole(user(['org_member'], 'org-1'))).toBe(false);
    expect(isConstituentMember(user(['org_member'], 'org-1'))).toBe(true);
    expect(isConstituentMember(user(['analyst']))).toBe(false);
  });
});
