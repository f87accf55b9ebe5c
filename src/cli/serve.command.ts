import type { Command } from 'commander';
import type { CliContext } from '#src/cli/main';
import { startServer } from '#src/server';
import { openDatabase } from '#src/db/database';
import { migrateToLatest } from '#src/db/migrator';
import { runSeeds } from '#src/db/seeds/seed';
import { systemClock } from '#src/core/time';

/** `ribat serve` and `ribat migrate`. */
export function registerServeCommands(program: Command, ctx: CliContext): void {
  program
    .command('serve')
    .description('Serve Ribat over HTTP (runs pending migrations first)')
    .action(async () => {
      const server = await startServer(ctx.config(), ctx.io.out);
      await new Promise<void>((resolve) => {
        const stop = (signal: string): void => {
          ctx.io.out(`Received ${signal}, shutting down gracefully…`);
          server
            .close()
            .catch((err: unknown) => ctx.io.err(`Shutdown error: ${String(err)}`))
            .finally(resolve);
        };
        process.once('SIGINT', () => stop('SIGINT'));
        process.once('SIGTERM', () => stop('SIGTERM'));
      });
    });

  program
    .command('migrate')
    .description('Apply pending database migrations and seed missing vocabulary terms')
    .action(async () => {
      const config = ctx.config();
      const database = openDatabase({ databaseUrl: config.databaseUrl, sqliteDir: config.dataDir });
      try {
        const result = await migrateToLatest(database.db);
        const applied = result.results?.filter((r) => r.status === 'Success').map((r) => r.migrationName) ?? [];
        ctx.io.out(applied.length ? `Applied: ${applied.join(', ')}` : 'The database is up to date.');
        const seeded = await runSeeds(database, systemClock);
        if (seeded > 0) ctx.io.out(`Seeded ${seeded} vocabulary terms.`);
      } finally {
        await database.close();
      }
    });
}
