import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { main, type CliIo } from '#src/cli/main';
import { verifyPassword } from '#src/modules/identity/password';
import { toDbTime } from '#src/core/time';
import { hashToken, newId, randomToken } from '#src/core/ids';
import { openCliTestEnvironment, type CliTestEnvironment } from './helpers/app';
import { buildOrganisation, buildUser, snapshotCounts } from './helpers/factories';

let cli: CliTestEnvironment;
beforeAll(async () => {
  cli = await openCliTestEnvironment();
});
afterAll(async () => {
  await cli.close();
});

interface Run {
  code: number;
  out: string;
  err: string;
}

async function ribat(args: string[], stdin = ''): Promise<Run> {
  const out: string[] = [];
  const err: string[] = [];
  const io: CliIo = { out: (l) => out.push(l), err: (l) => err.push(l), readStdin: async () => stdin, env: cli.env };
  const code = await main(['node', 'ribat', ...args], io);
  return { code, out: out.join('\n'), err: err.join('\n') };
}

async function userRow(email: string) {
  return cli.database.db.selectFrom('user_account').selectAll().where('email', '=', email).executeTakeFirst();
}

async function rolesOf(userId: string): Promise<string[]> {
  const rows = await cli.database.db.selectFrom('user_role').select('role').where('user_id', '=', userId).execute();
  return rows.map((r) => r.role).sort();
}

describe('ribat user create', () => {
  it('invites a user without a password: prints the activation link, queues the e-mail, audits as "cli"', async () => {
    const run = await ribat(['user', 'create', '--email', 'First.Admin@Example.ma', '--name', 'First Admin', '--role', 'admin', '--role', 'coordinator']);
    expect(run.code, run.err).toBe(0);
    const link = /http:\/\/localhost:8080\/activate\/([A-Za-z0-9_-]+)/.exec(run.out);
    expect(link).not.toBeNull();
    expect(run.out).toContain('No SMTP server is configured');
    const row = await userRow('first.admin@example.ma');
    expect(row).toBeDefined();
    expect(row?.password_hash).toBeNull();
    expect(await rolesOf(row?.id ?? '')).toEqual(['admin', 'coordinator']);
    const mail = await cli.database.db.selectFrom('email_message').selectAll().where('to_address', '=', 'first.admin@example.ma').execute();
    expect(mail).toHaveLength(1);
    expect(mail[0]?.text_body).toContain(link?.[0]);
    const token = await cli.database.db.selectFrom('one_time_token').selectAll().where('token_hash', '=', hashToken(link?.[1] ?? '')).executeTakeFirst();
    expect(token?.purpose).toBe('activation');
    expect(token?.user_id).toBe(row?.id);
    const audit = await cli.database.db.selectFrom('audit_event').selectAll().where('entity_id', '=', row?.id ?? '').execute();
    expect(audit.map((a) => [a.action, a.actor_label])).toEqual([['user.created', 'cli']]);
  });

  it('sets a password read from standard input (checked by the policy) and then sends nothing', async () => {
    const before = await snapshotCounts(cli.database);
    const run = await ribat(['user', 'create', '--email', 'ops@example.ma', '--name', 'Ops', '--role', 'analyst', '--password-stdin'], 'lantern orchard velvet 1987\n');
    expect(run.code, run.err).toBe(0);
    expect(run.out).not.toContain('/activate/');
    const row = await userRow('ops@example.ma');
    expect(await verifyPassword(row?.password_hash ?? null, 'lantern orchard velvet 1987')).toBe(true);
    const after = await snapshotCounts(cli.database);
    expect(after.email_message).toBe(before.email_message);
    expect(after.one_time_token).toBe(before.one_time_token);
  });

  it('refuses a weak password from standard input, naming the option, and creates nothing', async () => {
    const before = await snapshotCounts(cli.database);
    const run = await ribat(['user', 'create', '--email', 'weak@example.ma', '--name', 'Weak', '--role', 'analyst', '--password-stdin'], 'password\n');
    expect(run.code).toBe(1);
    expect(run.err).toContain('--password-stdin');
    expect(await snapshotCounts(cli.database)).toEqual(before);
  });

  it('places an organisation member in the organisation given by acronym', async () => {
    const org = await buildOrganisation(cli.database);
    const acronym = (await cli.database.db.selectFrom('organisation').select('acronym').where('id', '=', org.id).executeTakeFirstOrThrow()).acronym ?? '';
    const run = await ribat(['user', 'create', '--email', 'member@example.ma', '--name', 'Member', '--role', 'org_member', '--org', acronym.toLowerCase(), '--locale', 'ar']);
    expect(run.code, run.err).toBe(0);
    const row = await userRow('member@example.ma');
    expect(row?.organisation_id).toBe(org.id);
    expect(row?.locale).toBe('ar');
    const mail = await cli.database.db.selectFrom('email_message').selectAll().where('to_address', '=', 'member@example.ma').executeTakeFirstOrThrow();
    expect(mail.subject).toBe('حسابك على Ribat');
  });

  it('answers usage errors with exit code 2', async () => {
    expect((await ribat(['user', 'create', '--email', 'x@example.ma', '--name', 'X'])).code).toBe(2);
    const missingEmail = await ribat(['user', 'create', '--name', 'X', '--role', 'analyst']);
    expect(missingEmail.code).toBe(2);
    expect(missingEmail.err).toContain('--email');
    expect((await ribat(['user', 'create', '--email', 'x@example.ma', '--name', 'X', '--role', 'analyst', '--password-stdin'], '')).code).toBe(2);
  });

  it('refuses an unknown role, a taken address, an unknown organisation and mixed rules with exit code 1, naming the option', async () => {
    const before = await snapshotCounts(cli.database);
    const unknownRole = await ribat(['user', 'create', '--email', 'x@example.ma', '--name', 'X', '--role', 'superuser']);
    expect(unknownRole.code).toBe(1);
    expect(unknownRole.err).toMatch(/--role: /);
    const taken = await ribat(['user', 'create', '--email', 'OPS@example.ma', '--name', 'X', '--role', 'analyst']);
    expect(taken.code).toBe(1);
    expect(taken.err).toContain('--email: An account already exists');
    const unknownOrg = await ribat(['user', 'create', '--email', 'x@example.ma', '--name', 'X', '--role', 'org_member', '--org', 'NOPE']);
    expect(unknownOrg.code).toBe(1);
    expect(unknownOrg.err).toContain('--org');
    const noOrg = await ribat(['user', 'create', '--email', 'x@example.ma', '--name', 'X', '--role', 'org_member']);
    expect(noOrg.code).toBe(1);
    expect(noOrg.err).toContain('--org: This role requires an organisation.');
    const badEmail = await ribat(['user', 'create', '--email', 'not-an-address', '--name', 'X', '--role', 'analyst']);
    expect(badEmail.code).toBe(1);
    expect(badEmail.err).toContain('--email: Invalid e-mail address.');
    expect(await snapshotCounts(cli.database)).toEqual(before);
  });
});

describe('ribat user disable', () => {
  it('disables a user and revokes their sessions and API tokens, audited as "cli"', async () => {
    const target = await buildUser(cli.database, { roles: ['analyst'] });
    const now = toDbTime(new Date());
    const later = toDbTime(new Date(Date.now() + 3600_000));
    await cli.database.db
      .insertInto('session')
      .values({ id: hashToken(randomToken()), user_id: target.id, created_at: now, last_seen_at: now, expires_at: later, ip: null, user_agent: null, mfa_verified_at: now, revoked_at: null })
      .execute();
    await cli.database.db
      .insertInto('api_token')
      .values({ id: newId(), user_id: target.id, name: 'ci', prefix: 'ribat_ab', token_hash: hashToken(randomToken()), scopes: '["read"]', created_at: now, expires_at: later, last_used_at: null, revoked_at: null })
      .execute();
    const run = await ribat(['user', 'disable', '--email', target.email]);
    expect(run.code, run.err).toBe(0);
    expect(run.out).toContain('revoked 1 session(s) and 1 API token(s)');
    expect((await userRow(target.email))?.status).toBe('disabled');
    const live = await cli.database.db.selectFrom('session').select('id').where('user_id', '=', target.id).where('revoked_at', 'is', null).execute();
    expect(live).toEqual([]);
    const tokens = await cli.database.db.selectFrom('api_token').select('revoked_at').where('user_id', '=', target.id).execute();
    expect(tokens.every((tk) => tk.revoked_at !== null)).toBe(true);
    const audit = await cli.database.db.selectFrom('audit_event').selectAll().where('entity_id', '=', target.id).where('action', '=', 'user.disabled').executeTakeFirstOrThrow();
    expect(audit.actor_label).toBe('cli');
    expect(JSON.parse(audit.after_data ?? '{}')).toMatchObject({ status: 'disabled', revokedSessions: 1, revokedTokens: 1 });
    expect(audit.after_data).not.toMatch(/hash|secret/i);

    const again = await ribat(['user', 'disable', '--email', target.email]);
    expect(again.code).toBe(0);
    expect(again.out).toContain('already disabled');
  });

  it('refuses an unknown address with exit code 1', async () => {
    const run = await ribat(['user', 'disable', '--email', 'nobody@example.ma']);
    expect(run.code).toBe(1);
    expect(run.err).toContain('--email: no user has the address');
  });

  it('never disables the last active administrator', async () => {
    // Only first.admin@example.ma is an administrator, and it has not even activated: still the last one.
    const admins = await cli.database.db
      .selectFrom('user_role')
      .innerJoin('user_account', 'user_account.id', 'user_role.user_id')
      .select('user_account.email')
      .where('role', '=', 'admin')
      .where('status', '=', 'active')
      .execute();
    expect(admins.map((a) => a.email)).toEqual(['first.admin@example.ma']);
    const before = await snapshotCounts(cli.database);
    const run = await ribat(['user', 'disable', '--email', 'first.admin@example.ma']);
    expect(run.code).toBe(1);
    expect(run.err).toContain('last active administrator');
    expect(await snapshotCounts(cli.database)).toEqual(before);
    expect((await userRow('first.admin@example.ma'))?.status).toBe('active');
  });
});
