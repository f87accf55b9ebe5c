import { createHash } from 'node:crypto';
import { afterEach, beforeEach, describe, expect, it } from 'vitest';
import { sql } from 'kysely';
import type { DatabaseHandle } from '#src/db/database';
import { canonicalJson, recordAudit, verifyAuditChain } from '#src/core/audit';
import { systemContext } from '#src/core/context';
import { toDbTime, fromDbTime } from '#src/core/time';
import { newId } from '#src/core/ids';
import { openTestDatabase, testClock, testDialect, type TestDatabase } from './helpers/app';

let tdb: TestDatabase;
let database: DatabaseHandle;

/** Writes `n` audited changes, each in its own transaction, as the application does. */
async function writeEvents(n: number): Promise<void> {
  for (let i = 1; i <= n; i++) {
    await database.db.transaction().execute(async (trx) => {
      await recordAudit(trx, database.dialect, systemContext(`tester${i}@example.ma`), {
        action: 'term.update',
        entityType: 'vocabulary_term',
        entityId: `term-${i}`,
        before: { label: `old ${i}` },
        after: { label: `new ${i}` },
      });
    });
  }
}

/** Lifts the append-only protection, as an attacker with database access would. */
async function disableProtection(): Promise<void> {
  if (testDialect === 'postgres') {
    await sql`alter table audit_event disable trigger audit_event_no_update`.execute(database.db);
  } else {
    await sql`drop trigger audit_event_no_update`.execute(database.db);
    await sql`drop trigger audit_event_no_delete`.execute(database.db);
  }
}

/** The chain hash as Ribat computes it (documented format: sha256(prev_hash, "\n", canonical JSON of the fields)). */
async function recomputedHash(seq: number, overrides: { action?: string }): Promise<string> {
  const row = await database.db.selectFrom('audit_event').selectAll().where('seq', '=', seq).executeTakeFirstOrThrow();
  const fields = {
    seq,
    id: row.id,
    occurredAt: toDbTime(fromDbTime(row.occurred_at)),
    actorId: row.actor_id,
    actorLabel: row.actor_label,
    ip: row.ip,
    requestId: row.request_id,
    action: overrides.action ?? row.action,
    entityType: row.entity_type,
    entityId: row.entity_id,
    beforeData: row.before_data,
    afterData: row.after_data,
  };
  return createHash('sha256').update(row.prev_hash).update('\n').update(canonicalJson(fields)).digest('hex');
}

beforeEach(async () => {
  tdb = await openTestDatabase(testClock());
  database = tdb.database;
});
afterEach(async () => {
  await tdb.close();
});

describe(`audit chain verification (${testDialect})`, () => {
  it('reports an untouched chain as intact, with progress', async () => {
    await writeEvents(5);
    const seen: number[] = [];
    const result = await verifyAuditChain(database.db, (n) => seen.push(n));
    expect(result).toEqual({ checked: 5, problems: [] });
    expect(seen.at(-1)).toBe(5);
  });

  it('an empty trail is intact', async () => {
    expect(await verifyAuditChain(database.db)).toEqual({ checked: 0, problems: [] });
  });

  it('the database itself refuses UPDATE and DELETE on audit_event', async () => {
    await writeEvents(2);
    await expect(sql`update audit_event set action = 'forged' where seq = 1`.execute(database.db)).rejects.toThrow(/append-only/);
    await expect(sql`delete from audit_event where seq = 2`.execute(database.db)).rejects.toThrow(/append-only/);
    const rows = await database.db.selectFrom('audit_event').select(['seq', 'action']).orderBy('seq').execute();
    expect(rows.map((r) => [Number(r.seq), r.action])).toEqual([
      [1, 'term.update'],
      [2, 'term.update'],
    ]);
    expect((await verifyAuditChain(database.db)).problems).toEqual([]);
  });

  it('detects a modified row whose hash was kept', async () => {
    await writeEvents(5);
    await disableProtection();
    await sql`update audit_event set after_data = ${'{"label":"forged"}'} where seq = 3`.execute(database.db);
    const { checked, problems } = await verifyAuditChain(database.db);
    expect(checked).toBe(5);
    expect(problems).toEqual([expect.objectContaining({ seq: 3, kind: 'modified' })]);
  });

  it('detects a modified row whose hash was recomputed: the next link breaks', async () => {
    await writeEvents(5);
    await disableProtection();
    const forged = await recomputedHash(3, { action: 'term.forged' });
    await sql`update audit_event set action = 'term.forged', hash = ${forged} where seq = 3`.execute(database.db);
    const { problems } = await verifyAuditChain(database.db);
    expect(problems).toEqual([expect.objectContaining({ seq: 4, kind: 'broken_link' })]);
  });

  it('detects the last row rewritten with a recomputed hash: it no longer matches the chain head', async () => {
    await writeEvents(5);
    await disableProtection();
    const forged = await recomputedHash(5, { action: 'term.forged' });
    await sql`update audit_event set action = 'term.forged', hash = ${forged} where seq = 5`.execute(database.db);
    const { problems } = await verifyAuditChain(database.db);
    expect(problems).toEqual([expect.objectContaining({ seq: 5, kind: 'broken_link' })]);
  });

  it('detects a row deleted in the middle', async () => {
    await writeEvents(5);
    await disableProtection();
    await sql`delete from audit_event where seq = 3`.execute(database.db);
    const { checked, problems } = await verifyAuditChain(database.db);
    expect(checked).toBe(4);
    expect(problems).toEqual([expect.objectContaining({ seq: 3, toSeq: 3, kind: 'deleted' })]);
  });

  it('detects the first row deleted', async () => {
    await writeEvents(3);
    await disableProtection();
    await sql`delete from audit_event where seq = 1`.execute(database.db);
    const { problems } = await verifyAuditChain(database.db);
    expect(problems).toEqual([expect.objectContaining({ seq: 1, kind: 'deleted' })]);
  });

  it('detects the last row deleted (the chain head no longer matches)', async () => {
    await writeEvents(5);
    await disableProtection();
    await sql`delete from audit_event where seq = 5`.execute(database.db);
    const { checked, problems } = await verifyAuditChain(database.db);
    expect(checked).toBe(4);
    expect(problems).toEqual([expect.objectContaining({ seq: 5, toSeq: 5, kind: 'truncated' })]);
  });

  it('detects a row inserted after the last one, even with a well-formed link and hash', async () => {
    await writeEvents(3);
    const last = await database.db.selectFrom('audit_event').select('hash').where('seq', '=', 3).executeTakeFirstOrThrow();
    const values = { id: newId(), at: toDbTime(new Date()), prev: last.hash };
    const fields = { seq: 4, id: values.id, occurredAt: values.at, actorId: null, actorLabel: 'intruder', ip: null, requestId: 'r', action: 'user.create', entityType: 'user', entityId: 'x', beforeData: null, afterData: null };
    const hash = createHash('sha256').update(values.prev).update('\n').update(canonicalJson(fields)).digest('hex');
    const overriding = testDialect === 'postgres' ? sql`overriding system value` : sql``;
    await sql`insert into audit_event (seq, id, occurred_at, actor_id, actor_label, ip, request_id, action, entity_type, entity_id, before_data, after_data, prev_hash, hash)
      ${overriding} values (4, ${values.id}, ${values.at}, null, 'intruder', null, 'r', 'user.create', 'user', 'x', null, null, ${values.prev}, ${hash})`.execute(database.db);
    const { checked, problems } = await verifyAuditChain(database.db);
    expect(checked).toBe(4);
    expect(problems).toEqual([expect.objectContaining({ seq: 4, kind: 'inserted' })]);
  });

  it('detects a row inserted outside the numbering (seq 0), which a naive walk from 1 would never read', async () => {
    await writeEvents(2);
    const overriding = testDialect === 'postgres' ? sql`overriding system value` : sql``;
    await sql`insert into audit_event (seq, id, occurred_at, actor_id, actor_label, ip, request_id, action, entity_type, entity_id, before_data, after_data, prev_hash, hash)
      ${overriding} values (0, ${newId()}, ${toDbTime(new Date())}, null, 'intruder', null, 'r', 'user.create', 'user', 'x', null, null, ${'0'.repeat(64)}, ${'f'.repeat(64)})`.execute(database.db);
    const { problems } = await verifyAuditChain(database.db);
    expect(problems).toEqual([expect.objectContaining({ seq: 0, kind: 'inserted' })]);
  });

  it('keeps the chain valid under concurrent audited writes, each in its own transaction', async () => {
    await Promise.all(
      Array.from({ length: 20 }, (_, i) =>
        database.db.transaction().execute(async (trx) => {
          await recordAudit(trx, database.dialect, systemContext(`writer${i}`), { action: 'term.create', entityType: 'vocabulary_term', entityId: `t${i}`, after: { i } });
        }),
      ),
    );
    const seqs = await database.db.selectFrom('audit_event').select('seq').orderBy('seq').execute();
    expect(seqs.map((r) => Number(r.seq))).toEqual(Array.from({ length: 20 }, (_, i) => i + 1));
    expect(await verifyAuditChain(database.db)).toEqual({ checked: 20, problems: [] });
  });
});
