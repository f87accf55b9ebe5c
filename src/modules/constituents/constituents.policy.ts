import type { Actor } from '#src/core/access';
import { can, isStaff } from '#src/core/access';

/**
 * Which organisations an actor may see: CERT staff (and the system) see every one; a constituent sees only
 * their own; anyone else sees none. Repositories apply this in SQL.
 */
export type OrganisationScope = { kind: 'all' } | { kind: 'own'; organisationId: string } | { kind: 'none' };

/** The organisations `actor` may read. */
export function organisationScope(actor: Actor): OrganisationScope {
  if (!can(actor, 'organisations:read')) return { kind: 'none' };
  if (actor.kind === 'system' || isStaff(actor)) return { kind: 'all' };
  return actor.organisationId ? { kind: 'own', organisationId: actor.organisationId } : { kind: 'none' };
}

/** True when the actor may create, edit, suspend and reactivate organisations (administrators, coordinators). */
export function canManageOrganisations(actor: Actor): boolean {
  return can(actor, 'organisations:manage');
}

/** True when the actor uses the staff console; constituents read their organisation on /organisation instead. */
export function usesConsole(actor: Actor): boolean {
  return can(actor, 'console:view');
}

/** True when the actor is a member of a constituent organisation (not CERT staff). */
export function isConstituentMember(actor: Actor): boolean {
  return actor.kind === 'user' && !isStaff(actor) && actor.organisationId !== null;
}
