import { readFileSync } from 'node:fs';
import type { Config } from '#src/config/config';
import { buildApp, type AppServices } from '#src/app';
import { openDatabase, type DatabaseHandle } from '#src/db/database';
import { migrateToLatest } from '#src/db/migrator';
import { runSeeds } from '#src/db/seeds/seed';
import { createLogger, type Logger } from '#src/core/logger';
import { systemClock, type Clock } from '#src/core/time';
import { JobRunner } from '#src/core/jobs/queue';
import { catalogue } from '#src/web/catalogue';
import { jobDefinitions, type JobDeps } from '#src/jobs';
import { createSetupLinkIfNeeded } from '#src/modules/identity/use-cases/create-setup-link';
import type { App } from '#src/plugins/types';
import { preloadCsafValidator } from '#src/modules/csaf/validation';
import { startIncidentMailIntake } from '#src/modules/incidents/email/mail-intake';
import { scheduleDeadlineReminders } from '#src/modules/incidents/deadline-reminders.job';

/** The version from package.json, shown in the API document. */
export function packageVersion(): string {
  const pkg = JSON.parse(readFileSync(new URL('../package.json', import.meta.url), 'utf8')) as { version: string };
  return pkg.version;
}

/** Opens the configured database and brings its schema and seeded vocabularies up to date. */
export async function prepareDatabase(config: Config, clock: Clock = systemClock): Promise<DatabaseHandle> {
  const database = openDatabase({ databaseUrl: config.databaseUrl, sqliteDir: config.dataDir });
  await migrateToLatest(database.db);
  await runSeeds(database, clock);
  return database;
}

export interface RunningServer {
  app: App;
  runner: JobRunner<JobDeps>;
  database: DatabaseHandle;
  logger: Logger;
  close(): Promise<void>;
}

/** Starts Ribat: migrations, seeds, the job runner, the HTTP server, and the first-start set-up link. */
export async function startServer(config: Config, print: (line: string) => void = (l) => process.stdout.write(`${l}\n`)): Promise<RunningServer> {
  const logger = createLogger(config.logLevel);
  const clock = systemClock;
  const database = await prepareDatabase(config, clock);
  const services: AppServices = { config, database, logger, clock, catalogue, version: packageVersion() };
  const app = await buildApp(services);
  const runner = new JobRunner<JobDeps>({ db: database.db, dialect: database.dialect, definitions: jobDefinitions, deps: { config, database, logger, clock }, logger, clock, pollMs: config.jobsPollMs });
  if (config.jobsEnabled) runner.start();
  await app.listen({ host: config.host, port: config.port });
  // The CSAF validator compiles ~70 schemas on first use (about 13 s): warm it up now, a module at a time.
  void preloadCsafValidator().catch((err: unknown) => logger.warn({ err }, 'CSAF validator warm-up failed'));
  print(`Ribat is serving ${config.publicUrl} (database: ${database.dialect}${database.sqliteFile ? ` ${database.sqliteFile}` : ''})`);
  const setupLink = await createSetupLinkIfNeeded(database, clock, config.publicUrl);
  if (setupLink) {
    print('');
    print('No administrator exists yet. Open this one-time link within 24 hours to create the first one:');
    print(`  ${setupLink}`);
    print('');
  }
  // The e-mail intake of incident reports, when configured (RIBAT_INCIDENT_SMTP_LISTEN).
  const smtp = config.incidentSmtpListen === null ? null : await startIncidentMailIntake(config, database, logger, config.incidentSmtpListen);
  if (smtp) print(`Incident reports by e-mail: SMTP on ${config.incidentSmtpListen?.host}:${smtp.port} for ${config.incidentMailAddresses.join(', ')}`);
  if (config.jobsEnabled) await scheduleDeadlineReminders(database, clock);
  let closing: Promise<void> | null = null;
  const close = (): Promise<void> => {
    closing ??= (async () => {
      await smtp?.close();
      await app.close();
      await runner.stop();
      await database.close();
    })();
    return closing;
  };
  return { app, runner, database, logger, close };
}
