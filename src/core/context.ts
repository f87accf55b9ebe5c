import type { Actor } from '#src/core/access';
import type { Clock } from '#src/core/time';
import type { Locale } from '#src/core/i18n/i18n';
import { systemActor } from '#src/core/access';
import { systemClock } from '#src/core/time';
import { newId } from '#src/core/ids';

/** Passed to every use case: who acts, for which request, in which language, at what time. */
export interface RequestContext {
  readonly actor: Actor;
  readonly requestId: string;
  readonly locale: Locale;
  readonly clock: Clock;
  readonly ip: string | null;
}

/** A context for work that no HTTP request started (CLI, jobs, tests). */
export function systemContext(label = 'system', clock: Clock = systemClock): RequestContext {
  return { actor: systemActor(label), requestId: newId(), locale: 'fr', clock, ip: null };
}
