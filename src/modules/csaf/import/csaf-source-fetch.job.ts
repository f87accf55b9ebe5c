import { Type } from '@sinclair/typebox';
import type { JobDeps } from '#src/jobs';
import { defineJob } from '#src/core/jobs/queue';
import { fetchCsafSource } from '#src/modules/csaf/import/fetch-source';

/**
 * Fetches one registered CSAF source: lists its documents, verifies each one's hash and signature, validates and
 * imports it. Failures (unreachable provider, bad hash, bad signature) are recorded on the source, never thrown, so
 * the job does not retry a provider that is down; "Fetch now" queues it again. Each fetch queues the next one
 * (RIBAT_CSAF_SOURCE_FETCH_HOURS, 6 by default).
 */
export const csafSourceFetchJob = defineJob({
  kind: 'csaf.source.fetch',
  version: 1,
  schema: Type.Object({ sourceId: Type.String({ minLength: 1, maxLength: 64 }) }),
  maxAttempts: 3,
  handle: async (payload, deps: JobDeps) => {
    await fetchCsafSource(deps.database, deps.clock, payload.sourceId, { everyHours: deps.config.csafSourceFetchHours });
  },
});
