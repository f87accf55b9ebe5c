import { Type } from '@sinclair/typebox';
import type { JobDeps } from '#src/jobs';
import { defineJob } from '#src/core/jobs/queue';
import { publishScheduledBulletin } from '#src/modules/bulletins/use-cases/publish-scheduled-bulletin';

/**
 * Publishes a scheduled bulletin at its time (queued with `runAt` by publishBulletin). Idempotent: it does nothing
 * when the bulletin is no longer scheduled for that time.
 */
export const scheduledPublishJob = defineJob({
  kind: 'bulletin.publish',
  version: 1,
  schema: Type.Object({
    bulletinId: Type.String({ minLength: 1, maxLength: 64 }),
    at: Type.String({ minLength: 1, maxLength: 40 }),
    scheduledBy: Type.String({ minLength: 1, maxLength: 64 }),
  }),
  maxAttempts: 10,
  handle: async (payload, deps: JobDeps) => {
    await publishScheduledBulletin(deps.database, deps.config, deps.clock, payload);
  },
});
