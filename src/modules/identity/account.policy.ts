import type { RequestContext } from '#src/core/context';
import { permissions, tokenScopes, type Actor, type Role, type TokenScope } from '#src/core/access';
import { AppError } from '#src/core/errors';

/**
 * The scopes a user may put on a token: `read` and `write` for everyone, and each narrower scope only when
 * one of the user's roles holds a permission guarded by it (`users:manage` for an administrator or an
 * organisation manager, `audit:read` for an administrator…). A scope the roles cannot use would be noise.
 */
export function grantableScopes(roles: readonly Role[]): TokenScope[] {
  return tokenScopes.filter((scope) => {
    if (scope === 'read' || scope === 'write') return true;
    return Object.values(permissions).some((p) => p.scope === scope && (p.roles as readonly Role[]).some((r) => roles.includes(r)));
  });
}

/**
 * True when an actor calling through an API token may hand `scope` on to a new token: a token never grants
 * more than its own scopes (`write` covers `read`, as in `can()`). A browser session is not restricted.
 */
export function actorMayDelegateScope(actor: Actor, scope: TokenScope): boolean {
  if (actor.scopes === null) return true;
  return actor.scopes.includes(scope) || (scope === 'read' && actor.scopes.includes('write'));
}

/** The id of the signed-in user acting on their own account; anyone else is not signed in. */
export function requireOwnAccount(ctx: RequestContext): string {
  if (ctx.actor.kind !== 'user' || ctx.actor.userId === null) throw new AppError('unauthenticated');
  return ctx.actor.userId;
}

/** Changes to an account made through an API token need its `write` scope; a browser session needs none. */
export function requireWriteAccess(actor: Actor): void {
  if (actor.scopes !== null && !actor.scopes.includes('write')) throw new AppError('forbidden');
}
