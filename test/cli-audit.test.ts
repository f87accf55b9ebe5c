import { mkdtempSync, rmSync } from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { afterEach, beforeEach, describe, expect, it } from 'vitest';
import { sql } from 'kysely';
import type { CliIo } from '#src/cli/main';
import { main } from '#src/cli/main';
import { openDatabase, type DatabaseHandle } from '#src/db/database';
import { migrateToLatest } from '#src/db/migrator';
import { recordAudit } from '#src/core/audit';
import { systemContext } from '#src/core/context';
import { openTestDatabase, testClock, testDialect, type TestDatabase } from './helpers/app';

const pgUrl = process.env.TEST_DATABASE_URL ?? 'postgres://postgres@127.0.0.1:5432/test';

interface Captured {
  io: CliIo;
  out: string[];
  err: string[];
}

function capture(env: Record<string, string>): Captured {
  const out: string[] = [];
  const err: string[] = [];
  return { io: { out: (l) => out.push(l), err: (l) => err.push(l), readStdin: async () => '', env }, out, err };
}

let dataDir: string;
let database: DatabaseHandle;
let env: Record<string, string>;
let pgTest: TestDatabase | null = null;

beforeEach(async () => {
  dataDir = mkdtempSync(path.join(os.tmpdir(), 'ribat-cli-audit-'));
  env = { RIBAT_DATA_DIR: dataDir, RIBAT_SECRET: 'cli-test-secret-cli-test-secret-0123456', RIBAT_LOG_LEVEL: 'silent' };
  if (testDialect === 'postgres') {
    pgTest = await openTestDatabase(testClock());
    database = pgTest.database;
    const schema = (await sql<{ s: string }>`select current_schema() as s`.execute(database.db)).rows[0]?.s ?? '';
    env.DATABASE_URL = `${pgUrl}?options=${encodeURIComponent(`-c search_path=${schema}`)}`;
  } else {
    database = openDatabase({ databaseUrl: null, sqliteDir: dataDir });
    await migrateToLatest(database.db);
  }
});
afterEach(async () => {
  if (pgTest) await pgTest.close();
  else await database.close();
  pgTest = null;
  rmSync(dataDir, { recursive: true, force: true });
});

async function writeEvents(n: number): Promise<void> {
  await database.db.transaction().execute(async (trx) => {
    for (let i = 1; i <= n; i++) {
      await recordAudit(trx, database.dialect, systemContext('cli-test'), { action: 'term.create', entityType: 'vocabulary_term', entityId: `t${i}`, after: { i } });
    }
  });
}

async function tamper(statement: ReturnType<typeof sql>): Promise<void> {
  if (testDialect === 'postgres') await sql`alter table audit_event disable trigger audit_event_no_update`.execute(database.db);
  else {
    await sql`drop trigger audit_event_no_update`.execute(database.db);
    await sql`drop trigger audit_event_no_delete`.execute(database.db);
  }
  await statement.execute(database.db);
}

describe(`ribat audit verify (${testDialect})`, () => {
  it('prints "OK: N events verified" and exits 0 on an intact trail', async () => {
    await writeEvents(7);
    const c = capture(env);
    expect(await main(['node', 'ribat', 'audit', 'verify'], c.io)).toBe(0);
    expect(c.out).toEqual(['OK: 7 events verified']);
  });

  it('prints each problem with its sequence number, kind and detail, and exits 1', async () => {
    await writeEvents(6);
    await tamper(sql`update audit_event set entity_id = 'forged' where seq = 2`);
    await sql`delete from audit_event where seq = 4`.execute(database.db);
    const c = capture(env);
    expect(await main(['node', 'ribat', 'audit', 'verify'], c.io)).toBe(1);
    expect(c.out).toEqual(['TAMPERED seq 2: modified: the content of event 2 does not match its hash', 'TAMPERED seq 4: deleted: event 4 is missing']);
    expect(c.err.at(-1)).toBe('Error: the audit trail has been tampered with: 2 problem(s) found in 5 events');
  });

  it('reports a deleted tail', async () => {
    await writeEvents(3);
    await tamper(sql`delete from audit_event where seq = 3`);
    const c = capture(env);
    expect(await main(['node', 'ribat', 'audit', 'verify'], c.io)).toBe(1);
    expect(c.out).toEqual(['TAMPERED seq 3: truncated: the chain head records event 3, the trail ends at 2']);
  });

  it('has --help, and refuses unknown options with a clear message and a non-zero exit code', async () => {
    const help = capture(env);
    expect(await main(['node', 'ribat', 'audit', 'verify', '--help'], help.io)).toBe(0);
    expect(help.out.join('\n')).toContain('Recompute every hash of the audit trail');
    const group = capture(env);
    expect(await main(['node', 'ribat', 'audit', '--help'], group.io)).toBe(0);
    expect(group.out.join('\n')).toMatch(/verify/);
    const bad = capture(env);
    expect(await main(['node', 'ribat', 'audit', 'verify', '--fast'], bad.io)).not.toBe(0);
    expect(bad.err.join('\n')).toContain("unknown option '--fast'");
    const unknown = capture(env);
    expect(await main(['node', 'ribat', 'audit', 'check'], unknown.io)).not.toBe(0);
    expect(unknown.err.join('\n')).toContain("unknown command 'check'");
  });
});

describe('ribat audit verify on a large trail (sqlite)', () => {
  it.runIf(testDialect === 'sqlite')('shows progress on standard error every 10,000 events', async () => {
    await writeEvents(20_500);
    const c = capture(env);
    expect(await main(['node', 'ribat', 'audit', 'verify'], c.io)).toBe(0);
    expect(c.err).toEqual(['… 10,000 events verified', '… 20,000 events verified']);
    expect(c.out).toEqual(['OK: 20500 events verified']);
  });
});

describe('ribat audit verify without a database', () => {
  it('explains that there is no database instead of creating an empty one', async () => {
    const empty = mkdtempSync(path.join(os.tmpdir(), 'ribat-cli-empty-'));
    try {
      const c = capture({ RIBAT_DATA_DIR: empty, RIBAT_SECRET: env.RIBAT_SECRET ?? '' });
      expect(await main(['node', 'ribat', 'audit', 'verify'], c.io)).toBe(1);
      expect(c.err.join('\n')).toContain(`No database at ${path.join(empty, 'ribat.sqlite')}`);
    } finally {
      rmSync(empty, { recursive: true, force: true });
    }
  });
});
