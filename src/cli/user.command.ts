import type { Command } from 'commander';
import type { CliContext } from '#src/cli/main';
import type { Config } from '#src/config/config';
import type { DatabaseHandle } from '#src/db/database';
import type { FieldError } from '#src/core/errors';
import type { RequestContext } from '#src/core/context';
import type { User } from '#src/modules/identity/users.types';
import { CliError } from '#src/cli/main';
import { allRoles } from '#src/core/access';
import { AppError } from '#src/core/errors';
import { systemContext } from '#src/core/context';
import { createTranslator } from '#src/core/i18n/i18n';
import { systemClock } from '#src/core/time';
import { openDatabase } from '#src/db/database';
import { migrateToLatest } from '#src/db/migrator';
import { catalogue } from '#src/web/catalogue';
import { findOrganisationsByIdOrAcronym } from '#src/modules/identity/users.repository';
import { createUser } from '#src/modules/identity/use-cases/create-user';
import { resetUserMfa } from '#src/modules/identity/use-cases/reset-user-mfa';
import { disableUser } from '#src/modules/identity/use-cases/disable-user';
import { getUserByEmail } from '#src/modules/identity/use-cases/find-users';
import { organisationName } from '#src/modules/identity/users.types';

/** The command-line option behind each field a use case may complain about. */
const optionOfField: Record<string, string> = {
  email: '--email',
  displayName: '--name',
  roles: '--role',
  organisationId: '--org',
  locale: '--locale',
  password: '--password-stdin',
  status: '--email',
};

/** Turns field errors into one line per problem, each naming the option to fix. */
function describeFieldErrors(config: Config, fields: readonly FieldError[]): string {
  const i18n = createTranslator(catalogue, 'en', config.timezone);
  return fields.map((f) => `${optionOfField[f.field] ?? f.field}: ${i18n.t(`field.${f.message}`, f.params)}`).join('\n');
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
    return await work(database);
  } finally {
    await database.close();
  }
}

const collect = (value: string, previous: string[]): string[] => [...previous, value];

interface CreateOptions {
  email: string;
  name: string;
  role: string[];
  org?: string;
  locale?: string;
  passwordStdin?: boolean;
}

/** The user with this e-mail address, or a refusal naming `--email`. */
async function requireUserByEmail(database: DatabaseHandle, reqCtx: RequestContext, email: string): Promise<User> {
  try {
    return await getUserByEmail(database, reqCtx, email);
  } catch (err) {
    if (err instanceof AppError && err.code === 'not_found') throw new CliError(`--email: no user has the address "${email}"`, 1);
    throw err;
  }
}

/** `ribat user create` and `ribat user disable`, audited with the actor label 'cli'. */
export function registerUserCommands(program: Command, ctx: CliContext): void {
  const user = program.command('user').description('Manage user accounts');

  user
    .command('create')
    .description('Create a user. Without --password-stdin, the user is invited: the activation link is e-mailed and printed here.')
    .requiredOption('--email <email>', 'e-mail address (unique)')
    .requiredOption('--name <name>', 'display name')
    .option('--role <role>', `a role, repeatable: ${allRoles.join(', ')}`, collect, [])
    .option('--org <organisation>', 'organisation id or acronym (required for org_manager and org_member, forbidden for staff roles)')
    .option('--locale <locale>', 'language of the invitation and the interface: fr, ar or en')
    .option('--password-stdin', 'read the password from standard input (checked by the password policy) instead of inviting by e-mail')
    .action(async (opts: CreateOptions) => {
      if (opts.role.length === 0) throw new CliError(`--role: at least one role is required (${allRoles.join(', ')})`, 2);
      let password: string | null = null;
      if (opts.passwordStdin) {
        password = (await ctx.io.readStdin()).replace(/\r?\n$/, '');
        if (password === '') throw new CliError('--password-stdin: nothing was read from standard input', 2);
      }
      const config = ctx.config();
      const reqCtx = systemContext('cli', systemClock);
      await withDatabase(config, async (database) => {
        let organisationId: string | null = null;
        if (opts.org !== undefined) {
          const matches = await findOrganisationsByIdOrAcronym(database.db, opts.org.trim());
          if (matches.length === 0) throw new CliError(`--org: no organisation has the id or acronym "${opts.org}"`, 1);
          if (matches.length > 1) {
            const list = matches.map((o) => `${o.id} (${organisationName(o, 'fr')})`).join(', ');
            throw new CliError(`--org: "${opts.org}" matches several organisations, give the id: ${list}`, 1);
          }
          organisationId = matches[0]?.id ?? null;
        }
        let result;
        try {
          result = await createUser({ database, config }, reqCtx, { email: opts.email, displayName: opts.name, roles: opts.role, organisationId, locale: opts.locale ?? null, password });
        } catch (err) {
          throw refusal(config, err);
        }
        ctx.io.out(`Created user ${result.user.email} (${result.user.id}) with roles: ${result.user.roles.join(', ')}.`);
        if (result.activationUrl !== null) {
          ctx.io.out(`Activation link, valid for 7 days and usable once (also sent by e-mail):`);
          ctx.io.out(result.activationUrl);
          if (config.smtpUrl === null) ctx.io.out('No SMTP server is configured: the e-mail stays in the outbox, so hand this link to the user yourself.');
        }
      });
    });

  user
    .command('disable')
    .description('Disable a user and revoke all their sessions and API tokens')
    .requiredOption('--email <email>', 'e-mail address of the user')
    .action(async (opts: { email: string }) => {
      const config = ctx.config();
      const reqCtx = systemContext('cli', systemClock);
      await withDatabase(config, async (database) => {
        const target = await requireUserByEmail(database, reqCtx, opts.email);
        if (target.status === 'disabled') {
          ctx.io.out(`${target.email} is already disabled.`);
          return;
        }
        let result;
        try {
          result = await disableUser({ database, config }, reqCtx, target.id);
        } catch (err) {
          throw refusal(config, err);
        }
        ctx.io.out(`Disabled ${result.user.email}: revoked ${result.revokedSessions} session(s) and ${result.revokedTokens} API token(s).`);
      });
    });

  user
    .command('reset-mfa')
    .description('Remove the authenticator and recovery codes of a user who lost both, and end their sessions')
    .requiredOption('--email <email>', 'e-mail address of the user')
    .action(async (opts: { email: string }) => {
      const config = ctx.config();
      const reqCtx = systemContext('cli', systemClock);
      await withDatabase(config, async (database) => {
        const target = await requireUserByEmail(database, reqCtx, opts.email);
        if (!target.hasMfa) {
          ctx.io.out(`${target.email} has no two-factor authentication to reset.`);
          return;
        }
        try {
          await resetUserMfa({ database, config }, reqCtx, target.id);
        } catch (err) {
          throw refusal(config, err);
        }
        ctx.io.out(`Reset two-factor authentication of ${target.email}; they enrol again at their next sign-in.`);
      });
    });
}
