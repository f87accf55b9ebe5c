import type { JobDeps } from '#src/jobs';

/** Fans a published revision out to its recipients (implemented with the subscriptions work). */
export async function sendBulletinNotifications(_deps: JobDeps, _revisionId: string): Promise<void> {
  throw new Error('bulletin notifications are not implemented yet');
}
