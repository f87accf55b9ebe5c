import { sql, type Selectable } from 'kysely';
import type { Db } from '#src/db/database';
import type { AuditEventTable } from '#src/db/core.tables';
import type { AuditEvent, AuditFilter, AuditFilterChoices } from '#src/modules/audit/audit.types';
import { fromDbTime, toDbTime } from '#src/core/time';

function parseJson(text: string | null): unknown {
  if (text === null) return null;
  try {
    return JSON.parse(text) as unknown;
  } catch {
    // A row tampered into invalid JSON is still shown (verification reports it); never crash the page.
    return text;
  }
}

function toAuditEvent(row: Selectable<AuditEventTable>): AuditEvent {
  return {
    seq: Number(row.seq),
    id: row.id,
    occurredAt: fromDbTime(row.occurred_at),
    actorId: row.actor_id,
    actorLabel: row.actor_label,
    ip: row.ip,
    requestId: row.request_id,
    action: row.action,
    entityType: row.entity_type,
    entityId: row.entity_id,
    before: parseJson(row.before_data),
    after: parseJson(row.after_data),
    prevHash: row.prev_hash,
    hash: row.hash,
  };
}

/** Escapes LIKE wildcards so a searched text matches literally (used with ESCAPE '\'). */
function likeContains(text: string): string {
  return `%${text.toLowerCase().replace(/[\\%_]/g, (c) => `\\${c}`)}%`;
}

/**
 * Audit events matching the filter, newest first, keyset-paginated on `seq`: returns up to `limit + 1` rows
 * older than `beforeSeq` so the caller can tell whether another page exists.
 */
export async function findAuditEvents(db: Db, filter: AuditFilter, page: { limit: number; beforeSeq: number | null }): Promise<AuditEvent[]> {
  let query = db.selectFrom('audit_event').selectAll();
  if (filter.actor) query = query.where(sql<boolean>`lower(actor_label) like ${likeContains(filter.actor)} escape '\\'`);
  if (filter.action) query = query.where('action', '=', filter.action);
  if (filter.entityType) query = query.where('entity_type', '=', filter.entityType);
  if (filter.entityId) query = query.where('entity_id', '=', filter.entityId);
  if (filter.from) query = query.where('occurred_at', '>=', toDbTime(filter.from));
  if (filter.until) query = query.where('occurred_at', '<', toDbTime(filter.until));
  if (page.beforeSeq !== null) query = query.where('seq', '<', page.beforeSeq);
  const rows = await query.orderBy('seq', 'desc').limit(page.limit + 1).execute();
  return rows.map(toAuditEvent);
}

/** One audit event by its sequence number, or null. */
export async function findAuditEventBySeq(db: Db, seq: number): Promise<AuditEvent | null> {
  const row = await db.selectFrom('audit_event').selectAll().where('seq', '=', seq).executeTakeFirst();
  return row ? toAuditEvent(row) : null;
}

/** The latest `limit` events, newest first (for the console dashboard). */
export async function findLatestAuditEvents(db: Db, limit: number): Promise<AuditEvent[]> {
  const rows = await db.selectFrom('audit_event').selectAll().orderBy('seq', 'desc').limit(limit).execute();
  return rows.map(toAuditEvent);
}

/** The distinct actions and entity types recorded so far, sorted, for the filter selects. */
export async function findAuditFilterChoices(db: Db): Promise<AuditFilterChoices> {
  const actions = await db.selectFrom('audit_event').select('action').distinct().orderBy('action').execute();
  const types = await db.selectFrom('audit_event').select('entity_type').distinct().orderBy('entity_type').execute();
  return { actions: actions.map((r) => r.action), entityTypes: types.map((r) => r.entity_type) };
}
