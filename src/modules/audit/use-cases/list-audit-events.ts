import type { RequestContext } from '#src/core/context';
import type { DatabaseHandle } from '#src/db/database';
import type { AuditEvent, AuditFilter, AuditFilterInput } from '#src/modules/audit/audit.types';
import { can } from '#src/core/access';
import { AppError } from '#src/core/errors';
import { decodeCursor, toPage, type Page } from '#src/core/pagination';
import { findAuditEvents } from '#src/modules/audit/audit.repository';
import { parseDateRange } from '#src/modules/audit/date-range';

/** The audit list request: filters as typed, page size and cursor. */
export interface ListAuditEventsInput extends AuditFilterInput {
  limit?: number;
  cursor?: string;
}

/** Validates filters typed by a person (dates in the installation's time zone) into a query filter. */
export function toAuditFilter(input: AuditFilterInput, timeZone: string): AuditFilter {
  const range = parseDateRange({ from: input.from, to: input.to }, timeZone);
  const text = (v: string | undefined): string | undefined => (v === undefined || v.trim() === '' ? undefined : v.trim());
  const filter: AuditFilter = { ...range };
  const actor = text(input.actor);
  const action = text(input.action);
  const entityType = text(input.entityType);
  const entityId = text(input.entityId);
  if (actor) filter.actor = actor;
  if (action) filter.action = action;
  if (entityType) filter.entityType = entityType;
  if (entityId) filter.entityId = entityId;
  return filter;
}

/**
 * A page of the audit trail, newest first, filtered by actor, action, entity and date range. Only holders of
 * `audit:read` may read it; invalid dates or cursors are validation errors naming the field.
 */
export async function listAuditEvents(database: DatabaseHandle, ctx: RequestContext, input: ListAuditEventsInput, timeZone: string): Promise<Page<AuditEvent>> {
  if (!can(ctx.actor, 'audit:read')) throw new AppError('forbidden');
  const filter = toAuditFilter(input, timeZone);
  const cursor = decodeCursor(input.cursor);
  if (cursor !== null && (typeof cursor.k !== 'number' || !Number.isSafeInteger(cursor.k))) throw AppError.field('cursor', 'invalid');
  const limit = input.limit ?? 50;
  const rows = await findAuditEvents(database.db, filter, { limit, beforeSeq: cursor === null ? null : (cursor.k as number) });
  return toPage(rows, limit, (last) => ({ k: last.seq, id: last.id }));
}
