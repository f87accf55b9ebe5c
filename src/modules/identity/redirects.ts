import type { Role } from '#src/core/access';
import type { SessionStage } from '#src/modules/identity/identity.types';
import { isStaffRole } from '#src/core/access';

/**
 * Returns `value` when it is a same-site relative path (one leading '/', not '//' or '/\', no scheme, no
 * control characters), else null: the `next` parameter can never send a user to another site.
 */
export function safeNext(value: unknown): string | null {
  if (typeof value !== 'string' || value.length === 0 || value.length > 2000) return null;
  if (!value.startsWith('/') || value.startsWith('//') || value.startsWith('/\\')) return null;
  // Browsers treat '\' as '/' and drop tabs and newlines, so "/\evil" or "/\t/evil" could become "//evil".
  for (const ch of value) {
    const code = ch.codePointAt(0) ?? 0;
    if (ch === '\\' || code < 0x20 || code === 0x7f) return null;
  }
  try {
    const url = new URL(value, 'http://ribat.invalid');
    if (url.origin !== 'http://ribat.invalid') return null;
  } catch {
    return null;
  }
  return value;
}

/** Appends `?next=` to a path when there is somewhere to go back to. */
export function withNext(path: string, next: string | null): string {
  return next === null ? path : `${path}?next=${encodeURIComponent(next)}`;
}

/** The home of a fully signed-in user: the console for staff, the account area for constituents. */
export function homeFor(roles: readonly Role[]): string {
  return roles.some(isStaffRole) ? '/console' : '/account';
}

/** Where a browser goes after a sign-in step, given the session's stage. */
export function destinationAfterSignIn(stage: SessionStage, roles: readonly Role[], next: string | null): string {
  switch (stage) {
    case 'mfa-pending':
      return withNext('/login/mfa', next);
    case 'mfa-setup-required':
      return withNext('/account/mfa/setup', next);
    case 'full':
      return next ?? homeFor(roles);
  }
}
