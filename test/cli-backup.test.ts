import { mkdirSync, mkdtempSync, readdirSync, readFileSync, rmSync, writeFileSync, existsSync } from 'node:fs';
import { createHash } from 'node:crypto';
import os from 'node:os';
import path from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import SqliteDatabase from 'better-sqlite3';
import type { CliIo } from '#src/cli/main';
import type { BackupManifest } from '#src/cli/backup.command';
import { main } from '#src/cli/main';
import { openDatabase, type DatabaseHandle } from '#src/db/database';
import { migrateToLatest } from '#src/db/migrator';
import { recordAudit, verifyAuditChain } from '#src/core/audit';
import { systemContext } from '#src/core/context';
import { newId } from '#src/core/ids';
import { toDbTime } from '#src/core/time';

function capture(env: Record<string, string>) {
  const out: string[] = [];
  const err: string[] = [];
  const io: CliIo = { out: (l) => out.push(l), err: (l) => err.push(l), readStdin: async () => '', env };
  return { io, out, err };
}

let root: string;
let dataDir: string;
let database: DatabaseHandle;
const secret = 'installation-secret-for-backup-tests-0001';

function env(extra: Record<string, string> = {}): Record<string, string> {
  return { RIBAT_DATA_DIR: dataDir, RIBAT_LOG_LEVEL: 'silent', ...extra };
}

/** One audited change: a vocabulary term and its audit event, in one transaction. */
async function auditedWrite(i: number, label = `term ${i}`): Promise<void> {
  await database.db.transaction().execute(async (trx) => {
    const now = toDbTime(new Date());
    const id = newId();
    await trx.insertInto('vocabulary_term').values({ id, vocabulary: 'test', code: `c-${id}`, label_fr: label, label_ar: label, label_en: label, position: i, retired_at: null, created_at: now, updated_at: now }).execute();
    await recordAudit(trx, database.dialect, systemContext('backup-test'), { action: 'term.create', entityType: 'vocabulary_term', entityId: id, after: { label } });
  });
}

function sha256(file: string): string {
  return createHash('sha256').update(readFileSync(file)).digest('hex');
}

function countRows(file: string): Record<string, number> {
  const db = new SqliteDatabase(file, { readonly: true });
  try {
    const tables = db.prepare("select name from sqlite_master where type = 'table' and name not like 'sqlite_%' order by name").all() as { name: string }[];
    return Object.fromEntries(tables.map(({ name }) => [name, Number((db.prepare(`select count(*) as n from "${name}"`).get() as { n: number }).n)]));
  } finally {
    db.close();
  }
}

function readManifest(dir: string): BackupManifest {
  return JSON.parse(readFileSync(path.join(dir, 'manifest.json'), 'utf8')) as BackupManifest;
}

function backupDirFrom(out: string[]): string {
  const line = out.find((l) => l.startsWith('Backup written to ')) ?? '';
  return /^Backup written to (.+?) \(/.exec(line)?.[1] ?? '';
}

beforeAll(async () => {
  root = mkdtempSync(path.join(os.tmpdir(), 'ribat-backup-'));
  dataDir = path.join(root, 'data');
  database = openDatabase({ databaseUrl: null, sqliteDir: dataDir });
  await migrateToLatest(database.db);
  writeFileSync(path.join(dataDir, 'secret.key'), `${secret}\n`, { mode: 0o600 });
  mkdirSync(path.join(dataDir, 'files', '2025'), { recursive: true });
  writeFileSync(path.join(dataDir, 'files', '2025', 'report.pdf'), Buffer.from('%PDF-1.7 stored file'));
  // Enough data (about 12 MiB) for the online backup to take several steps while the app writes.
  const filler = 'x'.repeat(1200);
  await database.db.transaction().execute(async (trx) => {
    for (let i = 0; i < 10_000; i++) {
      const now = toDbTime(new Date());
      await trx.insertInto('vocabulary_term').values({ id: newId(), vocabulary: 'filler', code: `f${i}`, label_fr: filler, label_ar: filler, label_en: filler, position: i, retired_at: null, created_at: now, updated_at: now }).execute();
    }
  });
  for (let i = 0; i < 20; i++) await auditedWrite(i);
});
afterAll(async () => {
  await database.close();
  rmSync(root, { recursive: true, force: true });
});

describe('ribat backup (sqlite)', () => {
  it('takes a consistent snapshot while the application keeps writing', async () => {
    const out = path.join(root, 'backups');
    let backupDone = false;
    let writesDuringBackup = 0;
    const writer = (async () => {
      for (let i = 1000; !backupDone && i < 6000; i++) {
        await auditedWrite(i);
        writesDuringBackup += 1;
        await new Promise((resolve) => setImmediate(resolve));
      }
    })();
    const c = capture(env());
    const code = await main(['node', 'ribat', 'backup', '--out', out], c.io).finally(() => {
      backupDone = true;
    });
    await writer;
    expect(code).toBe(0);
    expect(writesDuringBackup).toBeGreaterThan(0);
    expect(c.err).toContain('Database: 100%');
    expect(c.err.some((l) => /^Database: \d{1,2}%$/.test(l))).toBe(true);
    expect(c.err).toContain('Snapshot verified: PRAGMA integrity_check ok');

    const dir = backupDirFrom(c.out);
    expect(path.basename(dir)).toMatch(/^ribat-\d{8}T\d{6}Z$/);
    const manifest = readManifest(dir);
    // Manifest hashes match the files, before anything opens the snapshot.
    for (const f of manifest.files) expect(sha256(path.join(dir, f.path)), f.path).toBe(f.sha256);
    // The snapshot is consistent: every term written by an audited change has its audit event, and the chain holds.
    const counts = countRows(path.join(dir, 'ribat.sqlite'));
    expect(manifest.rowCounts).toEqual(counts);
    expect(counts.vocabulary_term - 10_000).toBe(counts.audit_event);
    const snapshot = openDatabase({ databaseUrl: null, sqliteDir: dir });
    try {
      expect(await verifyAuditChain(snapshot.db)).toEqual({ checked: counts.audit_event, problems: [] });
    } finally {
      await snapshot.close();
    }
  });

  it('copies the data files, writes a manifest with hashes and the schema version, and leaves no WAL behind', async () => {
    const out = path.join(dataDir, 'backups'); // inside the data directory: must not copy itself
    const first = capture(env());
    expect(await main(['node', 'ribat', 'backup', '--out', out], first.io)).toBe(0);
    const second = capture(env());
    expect(await main(['node', 'ribat', 'backup', '--out', out], second.io)).toBe(0);
    const dir = backupDirFrom(second.out);
    expect(dir).not.toBe(backupDirFrom(first.out));
    const manifest = readManifest(dir);
    expect(manifest).toMatchObject({ format: 'ribat-backup/1', dialect: 'sqlite', database: 'ribat.sqlite', integrityCheck: 'ok', schemaVersion: expect.stringMatching(/^\d{4}-/) });
    const live = new SqliteDatabase(path.join(dataDir, 'ribat.sqlite'), { readonly: true });
    const lastMigration = (live.prepare('select name from ribat_migration order by name desc limit 1').get() as { name: string }).name;
    live.close();
    expect(manifest.schemaVersion).toBe(lastMigration);
    expect(manifest.files.map((f) => f.path).sort()).toEqual(['files/2025/report.pdf', 'ribat.sqlite', 'secret.key']);
    for (const f of manifest.files) {
      expect(sha256(path.join(dir, f.path))).toBe(f.sha256);
      expect(readFileSync(path.join(dir, f.path)).length).toBe(f.bytes);
    }
    expect(readFileSync(path.join(dir, 'secret.key'), 'utf8')).toBe(`${secret}\n`);
    expect(readdirSync(dir).sort()).toEqual(['files', 'manifest.json', 'ribat.sqlite', 'secret.key']);
    // Quiescent: the snapshot has exactly the live row counts.
    expect(countRows(path.join(dir, 'ribat.sqlite'))).toEqual(countRows(path.join(dataDir, 'ribat.sqlite')));
    expect(second.out.join('\n')).toContain('It contains secret.key');
  });

  it('refuses an output directory it cannot write to, with a clear message and exit code 1', async () => {
    const file = path.join(root, 'not-a-dir');
    writeFileSync(file, 'x');
    const c = capture(env());
    expect(await main(['node', 'ribat', 'backup', '--out', path.join(file, 'sub')], c.io)).toBe(1);
    expect(c.err.join('\n')).toMatch(/^Error: Cannot write the backup to .*not-a-dir\/sub: /m);
  });

  it('explains a missing database instead of backing up nothing', async () => {
    const empty = path.join(root, 'empty');
    mkdirSync(empty);
    const c = capture({ RIBAT_DATA_DIR: empty, RIBAT_SECRET: secret });
    expect(await main(['node', 'ribat', 'backup', '--out', path.join(root, 'b2')], c.io)).toBe(1);
    expect(c.err.join('\n')).toContain('No database at');
    expect(existsSync(path.join(empty, 'ribat.sqlite'))).toBe(false);
  });

  it('has --help and refuses unknown options', async () => {
    const help = capture(env());
    expect(await main(['node', 'ribat', 'backup', '--help'], help.io)).toBe(0);
    expect(help.out.join('\n')).toContain('--out <dir>');
    const bad = capture(env());
    expect(await main(['node', 'ribat', 'backup', '--into', 'x'], bad.io)).not.toBe(0);
    expect(bad.err.join('\n')).toContain("unknown option '--into'");
  });
});

describe('ribat backup (PostgreSQL)', () => {
  it('prints the pg_dump command with the password masked and the data files to copy', async () => {
    const c = capture(env({ DATABASE_URL: 'postgres://ribat:s3cr3t-pw@db.example:5432/ribat' }));
    const out = path.join(root, 'pg-backups');
    expect(await main(['node', 'ribat', 'backup', '--out', out], c.io)).toBe(0);
    const text = c.out.join('\n');
    expect(text).toContain('postgres://ribat:****@db.example:5432/ribat');
    expect(text).not.toContain('s3cr3t-pw');
    expect(text).toMatch(new RegExp(`pg_dump --format=custom --file=${out.replace(/[.*+?^${}()|[\]\\]/g, '\\$&')}/ribat-\\d{8}T\\d{6}Z\\.dump "\\$DATABASE_URL"`));
    expect(text).toContain('secret.key');
    expect(text).toContain('files/2025/report.pdf');
    expect(text).not.toMatch(/^\s+ribat\.sqlite$/m);
    expect(text).toContain('pg_restore');
    expect(existsSync(out)).toBe(false);
  });
});
