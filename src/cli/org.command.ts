import type { Command } from 'commander';
import type { CliContext } from '#src/cli/main';
import type { Config } from '#src/config/config';
import type { DatabaseHandle } from '#src/db/database';
import type { FieldError } from '#src/core/errors';
import type { Organisation } from '#src/modules/constituents/constituents.types';
import type { ContactDraft } from '#src/modules/constituents/constituents.validation';
import { CliError } from '#src/cli/main';
import { AppError } from '#src/core/errors';
import { systemContext } from '#src/core/context';
import { createTranslator } from '#src/core/i18n/i18n';
import { systemClock } from '#src/core/time';
import { openDatabase } from '#src/db/database';
import { migrateToLatest } from '#src/db/migrator';
import { runSeeds } from '#src/db/seeds/seed';
import { catalogue } from '#src/web/catalogue';
import { organisationCategories, organisationStatuses, toOrganisationJson, type OrganisationStatus } from '#src/modules/constituents/constituents.types';
import { createOrganisation } from '#src/modules/constituents/use-cases/create-organisation';
import { listOrganisations } from '#src/modules/constituents/use-cases/list-organisations';

/** The command-line option behind a field a use case may complain about (`ipRanges.3` → `--ip-range`). */
export function optionOfField(field: string): string {
  const [head = '', lang] = field.split('.');
  switch (head) {
    case 'names':
      return lang ? `--name-${lang}` : '--name-fr';
    case 'emailDomains':
      return '--domain';
    case 'ipRanges':
      return '--ip-range';
    case 'contacts':
      return '--contact';
    case 'acronym':
      return '--acronym';
    case 'category':
      return '--category';
    case 'sector':
      return '--sector';
    default:
      return field;
  }
}

/** Turns field errors into one line per problem, each naming the option (and the value, for list entries). */
function describeFieldErrors(config: Config, fields: readonly FieldError[]): string {
  const i18n = createTranslator(catalogue, 'en', config.timezone);
  return fields
    .map((f) => {
      const value = f.params?.value;
      const option = value !== undefined ? `${optionOfField(f.field)} "${String(value)}"` : optionOfField(f.field);
      return `${option}: ${i18n.t(`field.${f.message}`, f.params)}`;
    })
    .join('\n');
}

/** Maps an expected failure of a use case to a refused operation (exit code 1). */
function refusal(config: Config, err: unknown): unknown {
  if (err instanceof AppError && err.fields.length > 0) return new CliError(describeFieldErrors(config, err.fields), 1);
  if (err instanceof AppError) return new CliError(createTranslator(catalogue, 'en', config.timezone).t(`error.${err.code}`), 1);
  return err;
}

async function withDatabase<T>(config: Config, work: (database: DatabaseHandle) => Promise<T>): Promise<T> {
  const database = openDatabase({ databaseUrl: config.databaseUrl, sqliteDir: config.dataDir });
  try {
    await migrateToLatest(database.db);
    await runSeeds(database, systemClock);
    return await work(database);
  } finally {
    await database.close();
  }
}

const collect = (value: string, previous: string[]): string[] => [...previous, value];

/** Parses `--contact "Name <email> [phone]"`; anything else is a usage error naming the option. */
export function parseContactOption(value: string): ContactDraft {
  const match = /^\s*([^<>]+?)\s*<([^<>\s]+)>\s*([^<>]*?)\s*$/.exec(value);
  if (!match) throw new CliError(`--contact "${value}": expected "Name <email> [phone]"`, 2);
  return { name: match[1], email: match[2], phone: match[3] === '' ? null : (match[3] ?? null) };
}

/** Lays rows out in left-aligned columns separated by two spaces. */
export function formatTable(header: readonly string[], rows: readonly (readonly string[])[]): string[] {
  const widths = header.map((h, i) => Math.max(h.length, ...rows.map((r) => (r[i] ?? '').length)));
  const line = (cells: readonly string[]): string => cells.map((c, i) => c.padEnd(widths[i] ?? 0)).join('  ').trimEnd();
  return [line(header), ...rows.map(line)];
}

interface CreateOptions {
  nameFr: string;
  nameAr: string;
  nameEn: string;
  category: string;
  sector: string;
  acronym?: string;
  domain: string[];
  ipRange: string[];
  contact: string[];
}

interface ListOptions {
  status?: OrganisationStatus;
  json?: boolean;
}

/** `ribat org create` and `ribat org list`, audited with the actor label 'cli'. */
export function registerOrgCommands(program: Command, ctx: CliContext): void {
  const org = program.command('org').description('Manage constituent organisations');

  org
    .command('create')
    .description('Create an active organisation')
    .requiredOption('--name-fr <name>', 'name in French')
    .requiredOption('--name-ar <name>', 'name in Arabic')
    .requiredOption('--name-en <name>', 'name in English')
    .requiredOption('--category <category>', `one of: ${organisationCategories.join(', ')}`)
    .requiredOption('--sector <code>', 'a code of the sector vocabulary (see the console, Vocabularies)')
    .option('--acronym <acronym>', 'unique acronym, 2–20 characters among A–Z, 0–9 and -')
    .option('--domain <domain>', 'an e-mail domain, repeatable', collect, [])
    .option('--ip-range <cidr>', 'an IPv4 or IPv6 range in CIDR notation, repeatable', collect, [])
    .option('--contact <contact>', 'a security officer as "Name <email> [phone]", repeatable (at least one)', collect, [])
    .action(async (opts: CreateOptions) => {
      if (!(organisationCategories as readonly string[]).includes(opts.category)) {
        throw new CliError(`--category "${opts.category}": expected one of ${organisationCategories.join(', ')}`, 2);
      }
      const contacts = opts.contact.map(parseContactOption);
      const config = ctx.config();
      const created = await withDatabase(config, async (database) => {
        try {
          const result = await createOrganisation(database, systemContext('cli'), {
            names: { fr: opts.nameFr, ar: opts.nameAr, en: opts.nameEn },
            acronym: opts.acronym ?? null,
            category: opts.category,
            sector: opts.sector,
            emailDomains: opts.domain,
            ipRanges: opts.ipRange,
            contacts,
          });
          return result.body;
        } catch (err) {
          throw refusal(config, err);
        }
      });
      ctx.io.out(`Created organisation ${created.id}${created.acronym ? ` (${created.acronym})` : ''}: ${created.names.fr}`);
      if (created.ipRanges.length > 0) ctx.io.out(`IP ranges: ${created.ipRanges.join(', ')}`);
    });

  org
    .command('list')
    .description('List organisations (all pages)')
    .option('--status <status>', `only ${organisationStatuses.join(' or ')} organisations`)
    .option('--json', 'print a JSON array instead of a table')
    .action(async (opts: ListOptions) => {
      if (opts.status !== undefined && !(organisationStatuses as readonly string[]).includes(opts.status)) {
        throw new CliError(`--status "${String(opts.status)}": expected one of ${organisationStatuses.join(', ')}`, 2);
      }
      const config = ctx.config();
      const all = await withDatabase(config, async (database) => {
        const out: Organisation[] = [];
        let cursor: string | undefined;
        try {
          do {
            const { page } = await listOrganisations(database, systemContext('cli'), { status: opts.status }, { order: { by: 'name', locale: 'fr' }, limit: 200, cursor });
            out.push(...page.items);
            cursor = page.nextCursor ?? undefined;
          } while (cursor !== undefined);
        } catch (err) {
          throw refusal(config, err);
        }
        return out;
      });
      if (opts.json) {
        ctx.io.out(JSON.stringify(all.map(toOrganisationJson), null, 2));
        return;
      }
      if (all.length === 0) {
        ctx.io.out('No organisation.');
        return;
      }
      const rows = all.map((o) => [o.id, o.acronym ?? '-', o.names.fr, o.category, o.sectorCode, o.status]);
      for (const line of formatTable(['ID', 'ACRONYM', 'NAME (FR)', 'CATEGORY', 'SECTOR', 'STATUS'], rows)) ctx.io.out(line);
    });
}
