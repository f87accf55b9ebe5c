import type { Command } from 'commander';
import type { CliContext } from '#src/cli/main';
import type { Config } from '#src/config/config';
import type { FieldError } from '#src/core/errors';
import { CliError } from '#src/cli/main';
import { tokenScopes } from '#src/core/access';
import { AppError } from '#src/core/errors';
import { systemContext } from '#src/core/context';
import { createTranslator } from '#src/core/i18n/i18n';
import { normaliseEmail } from '#src/core/validation';
import { openDatabase } from '#src/db/database';
import { migrateToLatest } from '#src/db/migrator';
import { catalogue } from '#src/web/catalogue';
import { findAccountOwnerByEmail } from '#src/modules/identity/account.repository';
import { grantableScopes } from '#src/modules/identity/account.policy';
import { TOKEN_EXPIRY_DEFAULT_DAYS, TOKEN_EXPIRY_MAX_DAYS, TOKEN_EXPIRY_MIN_DAYS, isTokenScope } from '#src/modules/identity/account.types';
import { createApiToken } from '#src/modules/identity/use-cases/create-api-token';

/** The command-line option behind each field the use case may complain about. */
const optionOfField: Record<string, string> = {
  userId: '--user',
  name: '--name',
  scopes: '--scope',
  expiresInDays: '--expires-days',
};

/** Turns field errors into one line per problem, each naming the option to fix. */
function describeFieldErrors(config: Config, fields: readonly FieldError[]): string {
  const i18n = createTranslator(catalogue, 'en', config.timezone);
  return fields.map((f) => `${optionOfField[f.field] ?? f.field}: ${i18n.t(`field.${f.message}`, f.params)}`).join('\n');
}

/** Repeated `--scope` options accumulate; each may also be a comma-separated list. */
const collectScopes = (value: string, previous: string[]): string[] => [
  ...previous,
  ...value
    .split(',')
    .map((s) => s.trim())
    .filter((s) => s !== ''),
];

interface TokenCreateOptions {
  user: string;
  name: string;
  scope: string[];
  expiresDays: string;
}

/** Parses `--expires-days`: a whole number of days within the allowed range, or a usage error naming it. */
function parseExpiryDays(value: string): number {
  const days = /^\d{1,6}$/.test(value.trim()) ? Number(value.trim()) : Number.NaN;
  if (!Number.isInteger(days) || days < TOKEN_EXPIRY_MIN_DAYS || days > TOKEN_EXPIRY_MAX_DAYS) {
    throw new CliError(`--expires-days: expected a whole number of days between ${TOKEN_EXPIRY_MIN_DAYS} and ${TOKEN_EXPIRY_MAX_DAYS}, got "${value}"`, 2);
  }
  return days;
}

/** `ribat token create`: an API token for a user, printed alone on standard output for scripts. */
export function registerTokenCommands(program: Command, ctx: CliContext): void {
  const token = program.command('token').description('Manage API tokens');

  token
    .command('create')
    .description('Create an API token for a user and print only the token on standard output (for automation); audited as the actor "cli"')
    .requiredOption('--user <email>', 'e-mail address of the (active) user the token acts for')
    .requiredOption('--name <name>', 'a name to recognise the token by (1–80 characters)')
    .option('--scope <scope>', `a scope to grant, repeatable or comma-separated: ${tokenScopes.join(', ')} (default: read)`, collectScopes, [])
    .option('--expires-days <n>', `days until the token expires, ${TOKEN_EXPIRY_MIN_DAYS}–${TOKEN_EXPIRY_MAX_DAYS}`, String(TOKEN_EXPIRY_DEFAULT_DAYS))
    .addHelpText('after', '\nExample:\n  TOKEN=$(ribat token create --user soc@cert.example --name "SIEM export" --scope read --expires-days 30)')
    .action(async (opts: TokenCreateOptions) => {
      const scopes = opts.scope.length > 0 ? [...new Set(opts.scope)] : ['read'];
      const unknown = scopes.filter((s) => !isTokenScope(s));
      if (unknown.length > 0) throw new CliError(`--scope: unknown scope "${unknown.join('", "')}" (expected ${tokenScopes.join(', ')})`, 2);
      const expiresInDays = parseExpiryDays(opts.expiresDays);
      const email = normaliseEmail(opts.user);
      if (email === '') throw new CliError('--user: an e-mail address is required', 2);

      const config = ctx.config();
      const database = openDatabase({ databaseUrl: config.databaseUrl, sqliteDir: config.dataDir });
      try {
        await migrateToLatest(database.db);
        const owner = await findAccountOwnerByEmail(database.db, email);
        if (!owner) throw new CliError(`--user: no user has the e-mail address "${email}"`, 1);
        if (!owner.isActive) throw new CliError(`--user: the account "${email}" is disabled`, 1);
        const allowed = grantableScopes(owner.roles);
        const refused = scopes.filter((s) => isTokenScope(s) && !allowed.includes(s));
        if (refused.length > 0) {
          throw new CliError(`--scope: "${refused.join('", "')}" cannot be granted to ${email} (roles: ${owner.roles.join(', ') || 'none'}); allowed: ${allowed.join(', ')}`, 1);
        }
        const created = await createApiToken({ database, secret: config.secret }, systemContext('cli'), { userId: owner.id, name: opts.name, scopes, expiresInDays });
        ctx.io.out(created.secret);
        ctx.io.err(
          `Created API token "${created.token.name}" (${created.token.prefix}…) for ${email}, scopes ${created.token.scopes.join(', ')}, expires ${created.token.expiresAt.toISOString()}. It is shown only once.`,
        );
      } catch (err) {
        if (err instanceof AppError && err.fields.length > 0) throw new CliError(describeFieldErrors(config, err.fields), 2);
        if (err instanceof AppError) throw new CliError(createTranslator(catalogue, 'en', config.timezone).t(`error.${err.code}`), 1);
        throw err;
      } finally {
        await database.close();
      }
    });
}
