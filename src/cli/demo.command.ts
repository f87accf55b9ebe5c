import type { Command } from 'commander';
import type { CliContext } from '#src/cli/main';
import { CliError } from '#src/cli/main';
import { AppError } from '#src/core/errors';
import { systemContext } from '#src/core/context';
import { randomToken } from '#src/core/ids';
import { systemClock } from '#src/core/time';
import { openDatabase } from '#src/db/database';
import { migrateToLatest } from '#src/db/migrator';
import { runSeeds } from '#src/db/seeds/seed';
import { createOrganisation } from '#src/modules/constituents/use-cases/create-organisation';
import { createUser } from '#src/modules/identity/use-cases/create-user';
import { readFileSync } from 'node:fs';
import { demoOrganisations, demoStaff } from '#src/modules/system/demo-data';
import { demoBulletins, type DemoBulletin } from '#src/modules/system/demo-bulletins';
import { KevFormatError, kevEntryToBulletin, parseKevCatalogue } from '#src/modules/system/kev';
import { publishDemoBulletins } from '#src/modules/system/publish-demo-bulletins';
import { createDemoIncidents } from '#src/modules/system/demo-incidents';

/**
 * `ribat demo`: fills the database with demonstration constituents and users through the same use cases as
 * the console (validated and audited). Running it twice adds nothing twice. Demo accounts share one random
 * password generated for this run and printed once; there is no built-in demo password.
 */
export function registerDemoCommand(program: Command, ctx: CliContext): void {
  program
    .command('demo')
    .description('Fill the database with realistic demonstration data (organisations, CERT staff, constituents, bulletins, a year of incidents)')
    .option('--password-stdin', 'read the demo accounts’ password from standard input instead of generating one')
    .option('--kev <file>', "also publish alerts built from CISA's Known Exploited Vulnerabilities catalogue (JSON file)")
    .option('--kev-limit <n>', 'how many of the most recently added KEV entries to publish', '40')
    .action(async (opts: { passwordStdin?: boolean; kev?: string; kevLimit: string }) => {
      const config = ctx.config();
      const password = opts.passwordStdin ? (await ctx.io.readStdin()).replace(/\r?\n$/, '') : `demo-${randomToken(12)}`;
      if (password.length < 12) throw new CliError('--password-stdin: the password must be at least 12 characters', 2);
      const kevBulletins = opts.kev === undefined ? [] : readKev(opts.kev, opts.kevLimit);
      const database = openDatabase({ databaseUrl: config.databaseUrl, sqliteDir: config.dataDir });
      const ctxDemo = systemContext('demo');
      const deps = { database, config };
      let organisations = 0;
      let users = 0;
      let skipped = 0;
      let bulletins = 0;
      let incidents = 0;
      try {
        await migrateToLatest(database.db);
        await runSeeds(database, systemClock);
        const total = demoOrganisations.length;
        for (const [index, org] of demoOrganisations.entries()) {
          ctx.io.err(`[${index + 1}/${total}] ${org.acronym}`);
          let organisationId: string;
          const existing = await database.db.selectFrom('organisation').select('id').where('acronym', '=', org.acronym).executeTakeFirst();
          if (existing) {
            organisationId = existing.id;
            skipped += 1;
          } else {
            const created = await createOrganisation(database, ctxDemo, {
              names: { fr: org.fr, ar: org.ar, en: org.en },
              acronym: org.acronym,
              category: org.category,
              sector: org.sector,
              emailDomains: [org.domain],
              ipRanges: org.ranges,
              contacts: [{ name: org.officer.name, email: `rssi@${org.domain}`, phone: org.officer.phone }],
            });
            organisationId = created.body.id;
            organisations += 1;
          }
          const local = org.acronym.toLowerCase().replace(/-demo$/, '');
          users += await ensureUser(deps, ctxDemo, { email: `rssi@${org.domain}`, displayName: `${org.officer.name} (${local.toUpperCase()})`, roles: ['org_manager'], organisationId, locale: 'fr', password });
          users += await ensureUser(deps, ctxDemo, { email: `soc@${org.domain}`, displayName: `SOC ${local.toUpperCase()}`, roles: ['org_member'], organisationId, locale: index % 3 === 0 ? 'ar' : 'fr', password });
        }
        for (const person of demoStaff) {
          users += await ensureUser(deps, ctxDemo, { email: person.email, displayName: person.name, roles: person.roles, organisationId: null, locale: person.locale, password });
        }
        bulletins = await publishDemoBulletins(
          database,
          config,
          { authorEmail: 'redaction@cert.example', reviewerEmail: 'relecture@cert.example' },
          [...demoBulletins, ...kevBulletins],
          (done, total) => ctx.io.err(`bulletin [${done}/${total}]`),
        );
        incidents = await createDemoIncidents(database, config, { now: systemClock.now() }, (done, total) => {
          if (done % 25 === 0 || done === total) ctx.io.err(`incident [${done}/${total}]`);
        });
      } catch (err) {
        if (err instanceof AppError) throw new CliError(`demo data refused: ${err.code} ${err.fields.map((f) => `${f.field}: ${f.message}`).join(', ')}`, 1);
        throw err;
      } finally {
        await database.close();
      }
      ctx.io.out(`Demo data: ${organisations} organisations and ${users} users created (${skipped} organisations already present); ${bulletins} bulletins published; ${incidents} incidents over the past year.`);
      if (users > 0) {
        // A generated password is shown once (nobody knows it otherwise); one read from standard input is not echoed.
        const shown = opts.passwordStdin ? 'the password read from standard input' : `the password: ${password}`;
        ctx.io.out(`Demo accounts (e.g. coordination@cert.example, analyste1@cert.example, rssi@onep.example) use ${shown}`);
        ctx.io.out('Staff accounts enrol an authenticator app at first sign-in.');
      }
    });
}

/** Reads and converts a KEV catalogue, or stops with an error naming the file and field (nothing written yet). */
function readKev(file: string, limitText: string): DemoBulletin[] {
  const limit = Number(limitText);
  if (!Number.isInteger(limit) || limit < 1 || limit > 5000) throw new CliError('--kev-limit: expected an integer between 1 and 5000', 2);
  let json: unknown;
  try {
    json = JSON.parse(readFileSync(file, 'utf8'));
  } catch (err) {
    throw new CliError(`--kev ${file}: cannot read a JSON file (${err instanceof Error ? err.message : String(err)})`, 2);
  }
  try {
    const entries = parseKevCatalogue(json).sort((a, b) => b.dateAdded.localeCompare(a.dateAdded) || a.cveID.localeCompare(b.cveID));
    return entries.slice(0, limit).map(kevEntryToBulletin);
  } catch (err) {
    if (err instanceof KevFormatError) throw new CliError(`--kev ${file}: ${err.message}`, 2);
    throw err;
  }
}

async function ensureUser(
  deps: Parameters<typeof createUser>[0],
  ctx: ReturnType<typeof systemContext>,
  input: { email: string; displayName: string; roles: string[]; organisationId: string | null; locale: string; password: string },
): Promise<number> {
  const existing = await deps.database.db.selectFrom('user_account').select('id').where('email', '=', input.email).executeTakeFirst();
  if (existing) return 0;
  await createUser(deps, ctx, input);
  return 1;
}
