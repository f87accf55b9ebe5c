import type { EmailStatus, JobStatus } from '#src/modules/notifications/notifications.types';
import type { Translator } from '#src/core/i18n/i18n';
import { assertNever } from '#src/core/errors';

function emailBadgeClass(status: EmailStatus): string {
  switch (status) {
    case 'sent':
      return 'status--active';
    case 'kept':
      return 'badge';
    case 'queued':
      return 'status--disabled';
    case 'failed':
      return 'status--suspended';
    default:
      return assertNever(status);
  }
}

function jobBadgeClass(status: JobStatus): string {
  switch (status) {
    case 'done':
      return 'status--active';
    case 'pending':
    case 'running':
      return 'badge';
    case 'dead':
      return 'status--suspended';
    default:
      return assertNever(status);
  }
}

/** An e-mail's state as a badge that carries its name in words (never colour alone). */
export function EmailStatusBadge({ i18n, status }: { i18n: Translator; status: EmailStatus }) {
  return <span class={emailBadgeClass(status)}>{i18n.t(`outbox.status.${status}`)}</span>;
}

/** A job's state as a badge with its name in words. */
export function JobStatusBadge({ i18n, status }: { i18n: Translator; status: JobStatus }) {
  return <span class={jobBadgeClass(status)}>{i18n.t(`jobs.status.${status}`)}</span>;
}
