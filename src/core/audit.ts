import { createHash } from 'node:crypto';
import { sql } from 'kysely';
import type { Db, Dialect, Tx } from '#src/db/database';
import type { RequestContext } from '#src/core/context';
import { newId } from '#src/core/ids';
import { fromDbTime, toDbTime } from '#src/core/time';

/** What changed: the action, the record, and its state before and after (secrets already removed). */
export interface AuditInput {
  action: string;
  entityType: string;
  entityId: string;
  before?: unknown;
  after?: unknown;
}

const GENESIS = '0'.repeat(64);

/** Serialises a value with object keys sorted, so the same content always hashes the same. */
export function canonicalJson(value: unknown): string {
  return JSON.stringify(value, (_key, v: unknown) => {
    if (v && typeof v === 'object' && !Array.isArray(v) && !(v instanceof Date)) {
      return Object.fromEntries(Object.entries(v as Record<string, unknown>).sort(([a], [b]) => (a < b ? -1 : a > b ? 1 : 0)));
    }
    return v;
  });
}

interface HashedFields {
  seq: number;
  id: string;
  occurredAt: string;
  actorId: string | null;
  actorLabel: string;
  ip: string | null;
  requestId: string;
  action: string;
  entityType: string;
  entityId: string;
  beforeData: string | null;
  afterData: string | null;
}

function chainHash(prevHash: string, f: HashedFields): string {
  return createHash('sha256').update(prevHash).update('\n').update(canonicalJson(f)).digest('hex');
}

/**
 * Appends one event to the hash-chained audit trail inside the caller's transaction, so the change and its
 * record commit or roll back together. The chain head row is locked so concurrent writers serialise.
 */
export async function recordAudit(trx: Tx, dialect: Dialect, ctx: RequestContext, input: AuditInput): Promise<void> {
  let head;
  if (dialect === 'postgres') {
    head = await trx.selectFrom('audit_head').selectAll().where('id', '=', 1).forUpdate().executeTakeFirstOrThrow();
  } else {
    head = await trx.selectFrom('audit_head').selectAll().where('id', '=', 1).executeTakeFirstOrThrow();
  }
  const seq = Number(head.last_seq) + 1;
  const fields: HashedFields = {
    seq,
    id: newId(),
    occurredAt: toDbTime(ctx.clock.now()),
    actorId: ctx.actor.userId,
    actorLabel: ctx.actor.label,
    ip: ctx.ip,
    requestId: ctx.requestId,
    action: input.action,
    entityType: input.entityType,
    entityId: input.entityId,
    beforeData: input.before === undefined ? null : canonicalJson(input.before),
    afterData: input.after === undefined ? null : canonicalJson(input.after),
  };
  const hash = chainHash(head.last_hash, fields);
  const values = {
    id: fields.id,
    occurred_at: fields.occurredAt,
    actor_id: fields.actorId,
    actor_label: fields.actorLabel,
    ip: fields.ip,
    request_id: fields.requestId,
    action: fields.action,
    entity_type: fields.entityType,
    entity_id: fields.entityId,
    before_data: fields.beforeData,
    after_data: fields.afterData,
    prev_hash: head.last_hash,
    hash,
  };
  if (dialect === 'postgres') {
    // Identity column "generated always": the sequence must agree with the chain's own numbering.
    await sql`insert into audit_event (seq, id, occurred_at, actor_id, actor_label, ip, request_id, action, entity_type,
      entity_id, before_data, after_data, prev_hash, hash) overriding system value values (${seq}, ${values.id},
      ${values.occurred_at}, ${values.actor_id}, ${values.actor_label}, ${values.ip}, ${values.request_id}, ${values.action},
      ${values.entity_type}, ${values.entity_id}, ${values.before_data}, ${values.after_data}, ${values.prev_hash},
      ${values.hash})`.execute(trx);
  } else {
    await trx.insertInto('audit_event').values({ seq, ...values }).execute();
  }
  await trx.updateTable('audit_head').set({ last_seq: seq, last_hash: hash }).where('id', '=', 1).execute();
}

/** The sequence number of the last audit event: it moves with every change, so caches of derived data key on it. */
export async function readAuditHeadSeq(db: Db): Promise<number> {
  const head = await db.selectFrom('audit_head').select('last_seq').where('id', '=', 1).executeTakeFirst();
  return Number(head?.last_seq ?? 0);
}

/**
 * One inconsistency found by verifyAuditChain:
 * - modified: the event's content no longer matches its own hash;
 * - broken_link: the event's `prev_hash` is not the previous event's hash, i.e. the previous event was rewritten
 *   with a recomputed hash, or this event was replaced;
 * - deleted: events `seq`…`toSeq` are missing from the sequence;
 * - inserted: an event that the chain does not account for (out of sequence, or beyond the chain head);
 * - truncated: the chain head records events after the last one present (the tail was deleted).
 */
export interface AuditProblem {
  seq: number;
  kind: 'modified' | 'broken_link' | 'deleted' | 'inserted' | 'truncated';
  detail: string;
  /** For a `deleted` or `truncated` range: the last missing event. */
  toSeq?: number;
}

/** The outcome of a verification: how many events were read and every problem found (empty when intact). */
export interface AuditVerification {
  checked: number;
  problems: AuditProblem[];
}

/**
 * Walks the whole chain in order and recomputes every hash. A changed row breaks its own hash; a row rewritten
 * with a recomputed hash breaks the next link (or the head); a deleted row leaves a gap in the sequence; an
 * inserted row is out of sequence or beyond the head; a removed tail no longer matches the head. Events
 * appended while the check runs are followed to the head, so a live system does not report false problems.
 */
export async function verifyAuditChain(db: Db, onProgress?: (checked: number) => void): Promise<AuditVerification> {
  const problems: AuditProblem[] = [];
  let prevHash = GENESIS;
  /** The last event accepted into the chain (0: none yet). */
  let prevSeq = 0;
  /** The last event read, accepted or not: the keyset cursor (rows numbered below 1 are read too). */
  let cursor: number | null = null;
  let checked = 0;
  const batch = 1000;

  const walk = async (): Promise<void> => {
    for (;;) {
      let query = db.selectFrom('audit_event').selectAll().orderBy('seq').limit(batch);
      if (cursor !== null) query = query.where('seq', '>', cursor);
      const rows = await query.execute();
      if (rows.length === 0) return;
      for (const row of rows) {
        const seq = Number(row.seq);
        cursor = seq;
        checked += 1;
        if (!Number.isSafeInteger(seq) || seq <= prevSeq) {
          // Only possible for rows numbered 0 or below: the chain starts at 1.
          problems.push({ seq, kind: 'inserted', detail: `event ${seq} is outside the chain's numbering (which starts at 1)` });
          continue;
        }
        const contiguous = seq === prevSeq + 1;
        if (!contiguous) {
          problems.push({ seq: prevSeq + 1, toSeq: seq - 1, kind: 'deleted', detail: seq - 1 === prevSeq + 1 ? `event ${prevSeq + 1} is missing` : `events ${prevSeq + 1}–${seq - 1} are missing` });
        } else if (row.prev_hash !== prevHash) {
          // After a gap the link is broken by the deletion itself; report it once, as above.
          problems.push({
            seq,
            kind: 'broken_link',
            detail: seq === 1 ? 'the first event does not start from the genesis hash' : `event ${seq} does not link to event ${seq - 1}: one of them was rewritten`,
          });
        }
        const expected = chainHash(row.prev_hash, {
          seq,
          id: row.id,
          occurredAt: toDbTime(fromDbTime(row.occurred_at)),
          actorId: row.actor_id,
          actorLabel: row.actor_label,
          ip: row.ip,
          requestId: row.request_id,
          action: row.action,
          entityType: row.entity_type,
          entityId: row.entity_id,
          beforeData: row.before_data,
          afterData: row.after_data,
        });
        if (expected !== row.hash) problems.push({ seq, kind: 'modified', detail: `the content of event ${seq} does not match its hash` });
        prevHash = row.hash;
        prevSeq = seq;
      }
      onProgress?.(checked);
    }
  };

  await walk();
  for (;;) {
    const head = await db.selectFrom('audit_head').selectAll().where('id', '=', 1).executeTakeFirst();
    if (!head) {
      problems.push({ seq: prevSeq, kind: 'truncated', detail: 'the chain head record is missing' });
      break;
    }
    const headSeq = Number(head.last_seq);
    if (headSeq > prevSeq) {
      // Events committed since the walk ended (rows and head commit together): follow them before judging.
      const before = checked;
      await walk();
      if (checked > before) continue;
      problems.push({ seq: prevSeq + 1, toSeq: headSeq, kind: 'truncated', detail: `the chain head records event ${headSeq}, the trail ends at ${prevSeq}` });
    } else if (headSeq < prevSeq) {
      problems.push({ seq: headSeq + 1, toSeq: prevSeq, kind: 'inserted', detail: `events ${headSeq + 1}–${prevSeq} are beyond the chain head (${headSeq})` });
    } else if (head.last_hash !== prevHash) {
      problems.push({ seq: prevSeq, kind: 'broken_link', detail: `event ${prevSeq} does not match the chain head: it was rewritten` });
    }
    break;
  }
  return { checked, problems };
}
