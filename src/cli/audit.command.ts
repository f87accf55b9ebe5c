import { existsSync } from 'node:fs';
import path from 'node:path';
import type { Command } from 'commander';
import type { Config } from '#src/config/config';
import type { DatabaseHandle } from '#src/db/database';
import { CliError, type CliContext } from '#src/cli/main';
import { openDatabase } from '#src/db/database';
import { verifyAuditChain } from '#src/core/audit';

/** How often `audit verify` reports progress on standard error. */
export const PROGRESS_EVERY = 10_000;

/** Opens the configured database for a maintenance command, refusing to create an empty SQLite file. */
export function openExistingDatabase(config: Config): DatabaseHandle {
  if (config.databaseUrl === null) {
    const file = path.join(config.dataDir, 'ribat.sqlite');
    if (!existsSync(file)) throw new CliError(`No database at ${file}. Set RIBAT_DATA_DIR to Ribat's data directory, or run "ribat migrate" to create one.`);
  }
  return openDatabase({ databaseUrl: config.databaseUrl, sqliteDir: config.dataDir, pgPoolSize: 2 });
}

/** `ribat audit verify`: recomputes the audit trail's hash chain and reports every tampered event. */
export function registerAuditCommands(program: Command, ctx: CliContext): void {
  const audit = program.command('audit').description('Inspect the append-only, hash-chained audit trail');

  audit
    .command('verify')
    .description('Recompute every hash of the audit trail and report modified, inserted or deleted events (exit code 1 if any)')
    .action(async () => {
      const database = openExistingDatabase(ctx.config());
      try {
        let reported = 0;
        const result = await verifyAuditChain(database.db, (checked) => {
          if (Math.floor(checked / PROGRESS_EVERY) > Math.floor(reported / PROGRESS_EVERY)) {
            ctx.io.err(`… ${checked.toLocaleString('en-US')} events verified`);
            reported = checked;
          }
        }).catch((err: unknown) => {
          const message = err instanceof Error ? err.message : String(err);
          if (/no such table|does not exist/i.test(message)) throw new CliError('The database has no audit trail yet: run "ribat migrate" first.');
          throw err;
        });
        if (result.problems.length === 0) {
          ctx.io.out(`OK: ${result.checked} events verified`);
          return;
        }
        for (const p of result.problems) {
          const range = p.toSeq !== undefined && p.toSeq !== p.seq ? `${p.seq}-${p.toSeq}` : String(p.seq);
          ctx.io.out(`TAMPERED seq ${range}: ${p.kind}: ${p.detail}`);
        }
        throw new CliError(`the audit trail has been tampered with: ${result.problems.length} problem(s) found in ${result.checked} events`, 1);
      } finally {
        await database.close();
      }
    });
}
