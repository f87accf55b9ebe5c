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

/** One inconsistency found by verifyAuditChain. */
export interface AuditProblem {
  seq: number;
  kind: 'modified' | 'deleted' | 'inserted' | 'truncated';
  detail: string;
}

export interface AuditVerification {
  checked: number;
  problems: AuditProblem[];
}

/**
 * Walks the whole chain in order and recomputes every hash. A changed row breaks its own hash; a deleted row
 * leaves a gap in the sequence and breaks the next link; an inserted row breaks a link; a removed tail no
 * longer matches the head.
 */
export async function verifyAuditChain(db: Db, onProgress?: (checked: number) => void): Promise<AuditVerification> {
  const problems: AuditProblem[] = [];
  let prevHash = GENESIS;
  let prevSeq = 0;
  let checked = 0;
  const batch = 1000;
  for (;;) {
    const rows = await db.selectFrom('audit_event').selectAll().where('seq', '>', prevSeq).orderBy('seq').limit(batch).execute();
    if (rows.length === 0) break;
    for (const row of rows) {
      const seq = Number(row.seq);
      if (seq !== prevSeq + 1) {
        problems.push({ seq: prevSeq + 1, kind: 'deleted', detail: `events ${prevSeq + 1}–${seq - 1} are missing` });
      }
      if (row.prev_hash !== prevHash) {
        if (seq === prevSeq + 1) {
          problems.push({ seq, kind: 'inserted', detail: 'link to the previous event is broken' });
        }
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
      if (expected !== row.hash) problems.push({ seq, kind: 'modified', detail: 'content does not match its hash' });
      prevHash = row.hash;
      prevSeq = seq;
      checked += 1;
    }
    onProgress?.(checked);
  }
  const head = await db.selectFrom('audit_head').selectAll().where('id', '=', 1).executeTakeFirst();
  if (head && (Number(head.last_seq) !== prevSeq || head.last_hash !== prevHash)) {
    problems.push({
      seq: Number(head.last_seq),
      kind: Number(head.last_seq) > prevSeq ? 'truncated' : 'inserted',
      detail: `chain head says event ${Number(head.last_seq)}, trail ends at ${prevSeq}`,
    });
  }
  return { checked, problems };
}
