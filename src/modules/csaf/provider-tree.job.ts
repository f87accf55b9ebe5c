import { Type } from '@sinclair/typebox';
import type { JobDeps } from '#src/jobs';
import { defineJob } from '#src/core/jobs/queue';
import { syncProviderTree } from '#src/modules/csaf/provider-files';

/**
 * Writes the provider tree under `<dataDir>/csaf/` after a publication (the documents of `trackingIds`, then the
 * indexes, feeds and metadata) or after a key change (`trackingIds` empty). Idempotent: files already holding the
 * right bytes are left alone, so a retry or a duplicate run changes nothing.
 */
export const csafProviderTreeJob = defineJob({
  kind: 'csaf.provider-tree',
  version: 1,
  schema: Type.Object({ trackingIds: Type.Array(Type.String({ minLength: 1, maxLength: 200 }), { maxItems: 100 }) }),
  maxAttempts: 10,
  async handle(payload, deps: JobDeps) {
    const update = await syncProviderTree(deps.database.db, deps.config, payload.trackingIds);
    deps.logger.info({ ...update, trackingIds: payload.trackingIds }, 'csaf provider tree updated');
  },
});
