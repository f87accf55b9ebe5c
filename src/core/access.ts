/** Staff roles (the CERT's own people) and constituent roles (people of an organisation). */
export const staffRoles = ['admin', 'coordinator', 'analyst', 'author', 'reviewer', 'director'] as const;
export const constituentRoles = ['org_manager', 'org_member'] as const;
export const allRoles = [...staffRoles, ...constituentRoles] as const;

export type StaffRole = (typeof staffRoles)[number];
export type ConstituentRole = (typeof constituentRoles)[number];
export type Role = (typeof allRoles)[number];

/** API token scopes; a token can never do more than its user. */
export const tokenScopes = [
  'read',
  'write',
  'users:manage',
  'organisations:manage',
  'audit:read',
] as const;
export type TokenScope = (typeof tokenScopes)[number];

/** Everything a use case needs to know about who is acting. */
export interface Actor {
  readonly kind: 'user' | 'anonymous' | 'system';
  readonly userId: string | null;
  readonly label: string;
  readonly roles: readonly Role[];
  readonly organisationId: string | null;
  /** Scopes of the API token used, or null for a browser session (no restriction beyond roles). */
  readonly scopes: readonly TokenScope[] | null;
}

export const anonymousActor: Actor = Object.freeze({
  kind: 'anonymous',
  userId: null,
  label: 'anonymous',
  roles: [],
  organisationId: null,
  scopes: null,
});

/** The actor for work Ribat does on its own (CLI, migrations, jobs). */
export function systemActor(label = 'system'): Actor {
  const actor: Actor = { kind: 'system', userId: null, label, roles: ['admin'], organisationId: null, scopes: null };
  return Object.freeze(actor);
}

export function isStaffRole(role: Role): role is StaffRole {
  return (staffRoles as readonly string[]).includes(role);
}

export function isConstituentRole(role: Role): role is ConstituentRole {
  return (constituentRoles as readonly string[]).includes(role);
}

export function isRole(value: string): value is Role {
  return (allRoles as readonly string[]).includes(value);
}

export function hasRole(actor: Actor, ...roles: Role[]): boolean {
  return actor.roles.some((r) => roles.includes(r));
}

export function isStaff(actor: Actor): boolean {
  return actor.roles.some(isStaffRole);
}

export function isSignedIn(actor: Actor): boolean {
  return actor.kind === 'user' || actor.kind === 'system';
}

/** Permissions checked by policies and route access rules; each maps to the roles that hold it. */
export const permissions = {
  'console:view': { roles: ['admin', 'coordinator', 'analyst', 'author', 'reviewer', 'director'], scope: 'read' },
  'users:manage': { roles: ['admin', 'org_manager'], scope: 'users:manage' },
  'users:manage-all': { roles: ['admin'], scope: 'users:manage' },
  'organisations:read': { roles: ['admin', 'coordinator', 'analyst', 'author', 'reviewer', 'org_manager', 'org_member'], scope: 'read' },
  'organisations:manage': { roles: ['admin', 'coordinator'], scope: 'organisations:manage' },
  'vocabularies:manage': { roles: ['admin'], scope: 'write' },
  'audit:read': { roles: ['admin'], scope: 'audit:read' },
  'outbox:read': { roles: ['admin'], scope: 'audit:read' },
  /** Reading bulletins in the console (drafts, reviews, history). */
  'bulletins:read': { roles: ['admin', 'coordinator', 'analyst', 'author', 'reviewer'], scope: 'read' },
  /** Commenting on bulletins under review: every staff role that reads them, and a token needs `write`. */
  'bulletins:comment': { roles: ['admin', 'coordinator', 'analyst', 'author', 'reviewer'], scope: 'write' },
  /** Writing and submitting bulletins; editing published ones (which then go through review again). */
  'bulletins:write': { roles: ['admin', 'coordinator', 'author'], scope: 'write' },
  /** Approving (never one's own work), requesting changes, publishing, closing and withdrawing. */
  'bulletins:review': { roles: ['admin', 'coordinator', 'reviewer'], scope: 'write' },
  /** Managing the subscribers list in the console. */
  'subscriptions:manage': { roles: ['admin', 'coordinator'], scope: 'write' },
  /** Registering other publishers' CSAF providers as import sources and fetching them. */
  'csaf-sources:manage': { roles: ['admin'], scope: 'write' },
  /** Reading every incident in the console (queue, detail, correlation, exports): the CERT's incident handlers. */
  'incidents:read': { roles: ['admin', 'coordinator', 'analyst'], scope: 'read' },
  /** Triaging, editing, assigning, commenting, closing and merging incidents. */
  'incidents:handle': { roles: ['admin', 'coordinator', 'analyst'], scope: 'write' },
  /** Reporting an incident while signed in (portal or API) and following one's organisation's incidents. */
  'incidents:report': { roles: ['admin', 'coordinator', 'analyst', 'org_manager', 'org_member'], scope: 'write' },
  /** Reading one's organisation's incidents in the portal (what the visibility rule allows). */
  'incidents:follow': { roles: ['org_manager', 'org_member'], scope: 'read' },
  /** Changing one's own account through the API (tokens, sessions): every role, and a token needs `write`. */
  /** The statistics dashboard and its exports (every record): coordinators, analysts and the CERT's leadership. */
  'statistics:read': { roles: ['admin', 'coordinator', 'analyst', 'director'], scope: 'read' },
  'account:write': { roles: allRoles, scope: 'write' },
} as const satisfies Record<string, { roles: readonly Role[]; scope: TokenScope }>;

export type Permission = keyof typeof permissions;

/** True when the actor's roles grant the permission and, for token access, the token's scopes allow it. */
export function can(actor: Actor, permission: Permission): boolean {
  const rule = permissions[permission];
  if (actor.kind === 'system') return true;
  if (!actor.roles.some((r) => (rule.roles as readonly Role[]).includes(r))) return false;
  if (actor.scopes === null) return true;
  return actor.scopes.includes(rule.scope) || (rule.scope === 'read' && actor.scopes.includes('write'));
}
