import type { RequestContext } from '#src/core/context';
import type { DatabaseHandle } from '#src/db/database';
import type { JobStatus, JobView } from '#src/modules/notifications/notifications.types';
import { can } from '#src/core/access';
import { AppError } from '#src/core/errors';
import { decodeCursor, toPage, type Page } from '#src/core/pagination';
import { findJobs } from '#src/modules/notifications/notifications.repository';

/** A page of background jobs, newest first, optionally of one state, for holders of `outbox:read`. */
export async function listJobs(database: DatabaseHandle, ctx: RequestContext, input: { status?: JobStatus; limit?: number; cursor?: string }): Promise<Page<JobView>> {
  if (!can(ctx.actor, 'outbox:read')) throw new AppError('forbidden');
  const cursor = decodeCursor(input.cursor);
  const limit = input.limit ?? 50;
  const rows = await findJobs(database.db, input.status ? { status: input.status } : {}, { limit, beforeId: cursor?.id ?? null });
  return toPage(rows, limit, (last) => ({ k: null, id: last.id }));
}
