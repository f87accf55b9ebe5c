import type { RequestContext } from '#src/core/context';
import type { DatabaseHandle } from '#src/db/database';
import type { AuditEvent } from '#src/modules/audit/audit.types';
import { can } from '#src/core/access';
import { AppError } from '#src/core/errors';
import { findAuditEventBySeq } from '#src/modules/audit/audit.repository';

/** One audit event by sequence number; not_found when there is none. */
export async function getAuditEvent(database: DatabaseHandle, ctx: RequestContext, seq: number): Promise<AuditEvent> {
  if (!can(ctx.actor, 'audit:read')) throw new AppError('forbidden');
  const event = await findAuditEventBySeq(database.db, seq);
  if (!event) throw new AppError('not_found');
  return event;
}
