import { accessSync, constants, copyFileSync, createReadStream, existsSync, lstatSync, mkdirSync, readdirSync, realpathSync, statSync, writeFileSync, chmodSync } from 'node:fs';
import { createHash } from 'node:crypto';
import path from 'node:path';
import SqliteDatabase from 'better-sqlite3';
import type { Command } from 'commander';
import { CliError, type CliContext } from '#src/cli/main';

/** The SQLite database file inside the data directory, and the files SQLite keeps next to it. */
const DB_FILE = 'ribat.sqlite';
const LIVE_DB_FILES = new Set([DB_FILE, `${DB_FILE}-wal`, `${DB_FILE}-shm`, `${DB_FILE}-journal`]);

/** Pages copied per step of the online backup (4 MiB with 4 KiB pages); writers may proceed between steps. */
const PAGES_PER_STEP = 1024;
/** After this many restarts (another connection wrote meanwhile), the rest is copied in one step. */
const MAX_RESTARTS = 3;

/** One file of a backup, as listed in manifest.json. */
export interface ManifestFile {
  path: string;
  bytes: number;
  sha256: string;
}

/** The manifest written next to a backup, so a restore can be checked before it is trusted. */
export interface BackupManifest {
  format: 'ribat-backup/1';
  createdAt: string;
  dialect: 'sqlite';
  database: string;
  /** The last applied migration of the snapshot. */
  schemaVersion: string | null;
  integrityCheck: 'ok';
  rowCounts: Record<string, number>;
  files: ManifestFile[];
}

export interface BackupResult {
  directory: string;
  manifest: BackupManifest;
}

/** `ribat-20250102T030405Z`: the backup's directory name, sortable, in UTC. */
export function backupName(now: Date): string {
  return `ribat-${now.toISOString().replace(/\.\d{3}Z$/, 'Z').replace(/[-:]/g, '')}`;
}

/** SHA-256 of a file, streamed (databases can be large). */
export async function sha256File(file: string): Promise<string> {
  const hash = createHash('sha256');
  for await (const chunk of createReadStream(file)) hash.update(chunk as Buffer);
  return hash.digest('hex');
}

/** Creates (if needed) and checks the output directory; any failure is a clear CLI error. */
function prepareOutDir(outDir: string): string {
  const resolved = path.resolve(outDir);
  try {
    mkdirSync(resolved, { recursive: true });
    if (!statSync(resolved).isDirectory()) throw new Error('not a directory');
    accessSync(resolved, constants.W_OK);
  } catch (err) {
    const reason = err instanceof Error ? err.message : String(err);
    throw new CliError(`Cannot write the backup to ${resolved}: ${reason}`);
  }
  return resolved;
}

/** Creates a new, private backup directory under `outDir`, never reusing an existing one. */
function createTargetDir(outDir: string, now: Date): string {
  const base = path.join(outDir, backupName(now));
  for (let i = 0; i < 100; i++) {
    const candidate = i === 0 ? base : `${base}-${i}`;
    try {
      mkdirSync(candidate, { mode: 0o700 });
      return candidate;
    } catch (err) {
      if ((err as NodeJS.ErrnoException).code !== 'EEXIST') throw new CliError(`Cannot create ${candidate}: ${(err as Error).message}`);
    }
  }
  throw new CliError(`Cannot create a backup directory under ${outDir}`);
}

/** The data directory's files other than the live database, relative paths, skipping `exclude` (the backup output). */
export function listDataFiles(dataDir: string, exclude: string | null): string[] {
  if (!existsSync(dataDir)) return [];
  const out: string[] = [];
  const excluded = exclude !== null && existsSync(exclude) ? realpathSync(exclude) : null;
  const walk = (dir: string, rel: string): void => {
    for (const entry of readdirSync(dir, { withFileTypes: true }).sort((a, b) => a.name.localeCompare(b.name))) {
      const full = path.join(dir, entry.name);
      const relPath = rel ? `${rel}/${entry.name}` : entry.name;
      if (rel === '' && LIVE_DB_FILES.has(entry.name)) continue;
      if (excluded !== null && realpathSync(full) === excluded) continue;
      if (entry.isDirectory()) walk(full, relPath);
      else if (entry.isFile()) out.push(relPath);
      // Sockets, FIFOs and symbolic links are not data: skipped.
    }
  };
  walk(dataDir, '');
  return out;
}

export interface SqliteBackupOptions {
  dataDir: string;
  outDir: string;
  now: Date;
  /** Progress lines (standard error in the CLI). */
  progress: (line: string) => void;
}

/**
 * Writes a consistent snapshot of the live SQLite database with SQLite's online backup API (the application may
 * keep writing), copies the other files of the data directory, checks that the snapshot opens and passes
 * `PRAGMA integrity_check`, and writes `manifest.json` with the SHA-256 of every file.
 */
export async function backupSqlite(options: SqliteBackupOptions): Promise<BackupResult> {
  const { dataDir, progress } = options;
  const source = path.join(dataDir, DB_FILE);
  if (!existsSync(source)) throw new CliError(`No database at ${source}. Set RIBAT_DATA_DIR to Ribat's data directory.`);
  const outDir = prepareOutDir(options.outDir);
  const target = createTargetDir(outDir, options.now);
  const snapshot = path.join(target, DB_FILE);

  // 1. The database, page by page, while the application keeps running.
  const live = new SqliteDatabase(source, { readonly: true, fileMustExist: true });
  live.pragma('busy_timeout = 5000');
  try {
    let lastPercent = -1;
    let lastRemaining = Number.POSITIVE_INFINITY;
    let restarts = 0;
    await live.backup(snapshot, {
      progress({ totalPages, remainingPages }) {
        if (remainingPages > lastRemaining) restarts += 1;
        lastRemaining = remainingPages;
        const percent = totalPages === 0 ? 100 : Math.floor(((totalPages - remainingPages) / totalPages) * 100);
        if (percent >= lastPercent + 10 || (restarts > 0 && percent < lastPercent)) {
          progress(`Database: ${percent}%`);
          lastPercent = percent;
        }
        // A snapshot restarts whenever another connection writes; after a few restarts copy the rest at once.
        return restarts >= MAX_RESTARTS ? 0x7fffffff : PAGES_PER_STEP;
      },
    });
    progress('Database: 100%');
  } finally {
    live.close();
  }

  // 2. The snapshot must open and be intact; make it a single self-contained file (no WAL).
  let schemaVersion: string | null = null;
  const rowCounts: Record<string, number> = {};
  const copy = new SqliteDatabase(snapshot, { fileMustExist: true });
  try {
    copy.pragma('journal_mode = DELETE');
    const integrity: unknown = copy.pragma('integrity_check', { simple: true });
    if (integrity !== 'ok') throw new CliError(`The snapshot failed PRAGMA integrity_check: ${String(integrity)}`);
    const hasMigrations = copy.prepare("select 1 from sqlite_master where type = 'table' and name = 'ribat_migration'").get() !== undefined;
    if (hasMigrations) {
      const row = copy.prepare('select name from ribat_migration order by name desc limit 1').get() as { name: string } | undefined;
      schemaVersion = row?.name ?? null;
    }
    const tables = copy.prepare("select name from sqlite_master where type = 'table' and name not like 'sqlite_%' order by name").all() as { name: string }[];
    for (const { name } of tables) {
      const row = copy.prepare(`select count(*) as n from "${name.replace(/"/g, '""')}"`).get() as { n: number };
      rowCounts[name] = Number(row.n);
    }
  } finally {
    copy.close();
  }
  progress('Snapshot verified: PRAGMA integrity_check ok');

  // 3. The other files of the data directory (secret.key, stored files), never the backup itself.
  const dataFiles = listDataFiles(dataDir, outDir);
  for (const rel of dataFiles) {
    const from = path.join(dataDir, rel);
    const to = path.join(target, rel);
    mkdirSync(path.dirname(to), { recursive: true, mode: 0o700 });
    copyFileSync(from, to);
    chmodSync(to, lstatSync(from).mode & 0o777);
    progress(`Copied ${rel}`);
  }

  // 4. The manifest: what the backup holds and the hash of each file.
  const files: ManifestFile[] = [];
  for (const rel of [DB_FILE, ...dataFiles]) {
    const full = path.join(target, rel);
    files.push({ path: rel, bytes: statSync(full).size, sha256: await sha256File(full) });
  }
  const manifest: BackupManifest = {
    format: 'ribat-backup/1',
    createdAt: options.now.toISOString(),
    dialect: 'sqlite',
    database: DB_FILE,
    schemaVersion,
    integrityCheck: 'ok',
    rowCounts,
    files,
  };
  writeFileSync(path.join(target, 'manifest.json'), `${JSON.stringify(manifest, null, 2)}\n`, { mode: 0o600 });
  return { directory: target, manifest };
}

/** The PostgreSQL URL with its password replaced by ****, for display. */
export function maskDatabaseUrl(url: string): string {
  try {
    const u = new URL(url);
    if (u.password) u.password = '****';
    return u.toString();
  } catch {
    return '(unparseable DATABASE_URL)';
  }
}

/** Quotes a path for a POSIX shell. */
function shellQuote(value: string): string {
  return /^[A-Za-z0-9_./:@%+=-]+$/.test(value) ? value : `'${value.replace(/'/g, `'\\''`)}'`;
}

/** `ribat backup`. */
export function registerBackupCommand(program: Command, ctx: CliContext): void {
  program
    .command('backup')
    .description('Back up Ribat: a consistent online snapshot of the SQLite database and the data directory (for PostgreSQL, prints how to use pg_dump)')
    .option('--out <dir>', 'directory in which the backup is created', 'backups')
    .action(async (opts: { out: string }) => {
      const config = ctx.config();
      const now = new Date();
      const outDir = path.resolve(opts.out);
      if (config.databaseUrl !== null) {
        const dump = path.join(outDir, `${backupName(now)}.dump`);
        ctx.io.out(`The database is PostgreSQL (${maskDatabaseUrl(config.databaseUrl)}): back it up with pg_dump, which takes a consistent snapshot while Ribat runs.`);
        ctx.io.out('');
        ctx.io.out('  1. Dump the database (DATABASE_URL as in Ribat\'s environment):');
        ctx.io.out(`     mkdir -p ${shellQuote(outDir)}`);
        ctx.io.out(`     pg_dump --format=custom --file=${shellQuote(dump)} "$DATABASE_URL"`);
        const files = listDataFiles(config.dataDir, outDir);
        ctx.io.out(`  2. Copy these files of the data directory ${config.dataDir}:`);
        if (files.length === 0) ctx.io.out('     (none found)');
        for (const f of files) ctx.io.out(`     ${f}`);
        if (!files.includes('secret.key')) ctx.io.out('     The installation secret comes from RIBAT_SECRET: keep a copy of it with the backup.');
        ctx.io.out('');
        ctx.io.out(`Restore with: pg_restore --clean --if-exists --no-owner --dbname "$DATABASE_URL" ${shellQuote(dump)}`);
        return;
      }
      ctx.io.err(`Backing up ${path.join(config.dataDir, DB_FILE)} to ${outDir}`);
      const result = await backupSqlite({ dataDir: config.dataDir, outDir, now, progress: (line) => ctx.io.err(line) });
      const bytes = result.manifest.files.reduce((n, f) => n + f.bytes, 0);
      ctx.io.out(`Backup written to ${result.directory} (${result.manifest.files.length} files, ${(bytes / 1024 / 1024).toFixed(1)} MiB, schema ${result.manifest.schemaVersion ?? 'unknown'}).`);
      if (result.manifest.files.some((f) => f.path === 'secret.key')) {
        ctx.io.out('It contains secret.key: store it encrypted, with restricted access.');
      } else {
        ctx.io.out('The installation secret comes from RIBAT_SECRET: keep a copy of it with the backup.');
      }
      ctx.io.out('To restore: stop Ribat, then copy the files of this directory (except manifest.json) into the data directory.');
    });
}
