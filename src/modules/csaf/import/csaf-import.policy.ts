import type { Actor } from '#src/core/access';
import { can } from '#src/core/access';

/** Staff who read bulletins read imported CSAF documents (they are material for bulletins). */
export function canReadImports(actor: Actor): boolean {
  return can(actor, 'bulletins:read');
}

/** Staff who write bulletins may upload a CSAF document and start a bulletin from one. */
export function canUploadImports(actor: Actor): boolean {
  return can(actor, 'bulletins:write');
}

/** Administrators register providers as sources and fetch them (outbound calls to the URLs they configure). */
export function canManageSources(actor: Actor): boolean {
  return can(actor, 'csaf-sources:manage');
}
