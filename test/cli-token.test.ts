import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { main, type CliIo } from '#src/cli/main';
import { hashToken } from '#src/core/ids';
import { lookupApiToken } from '#src/modules/identity/auth-lookup';
import { openCliTestEnvironment, type CliTestEnvironment } from './helpers/app';
import { buildUser, snapshotCounts, type UserFixture } from './helpers/factories';

let env: CliTestEnvironment;
let analyst: UserFixture;
let admin: UserFixture;
beforeAll(async () => {
  env = await openCliTestEnvironment();
  analyst = await buildUser(env.database, { roles: ['analyst'] });
  admin = await buildUser(env.database, { roles: ['admin'] });
});
afterAll(async () => {
  await env.close();
});

interface Run {
  code: number;
  out: string[];
  err: string[];
}

async function ribat(...args: string[]): Promise<Run> {
  const out: string[] = [];
  const err: string[] = [];
  const io: CliIo = { out: (l) => out.push(l), err: (l) => err.push(l), readStdin: async () => '', env: env.env };
  const code = await main(['node', 'ribat', ...args], io);
  return { code, out, err };
}

describe('ribat token create', () => {
  it('prints only the token on stdout and a human line on stderr; the token is stored hashed and works', async () => {
    const run = await ribat('token', 'create', '--user', analyst.email.toUpperCase(), '--name', 'SIEM export', '--scope', 'read', '--scope', 'write', '--expires-days', '30');
    expect(run.code).toBe(0);
    expect(run.out).toHaveLength(1);
    const token = run.out[0];
    expect(token).toMatch(/^ribat_[a-z0-9]{8}_[A-Za-z0-9_-]{43}$/);
    expect(run.err.join('\n')).toContain('Created API token "SIEM export"');
    expect(run.err.join('\n')).not.toContain(token);

    const row = await env.database.db.selectFrom('api_token').selectAll().where('token_hash', '=', hashToken(token)).executeTakeFirstOrThrow();
    expect(row.user_id).toBe(analyst.id);
    expect(JSON.parse(row.scopes)).toEqual(['read', 'write']);
    expect((new Date(row.expires_at).getTime() - new Date(row.created_at).getTime()) / 86_400_000).toBe(30);
    const stored = JSON.stringify(await env.database.db.selectFrom('api_token').selectAll().execute()) + JSON.stringify(await env.database.db.selectFrom('audit_event').selectAll().execute());
    expect(stored).not.toContain(token);

    const audit = await env.database.db.selectFrom('audit_event').selectAll().where('action', '=', 'api_token.created').where('entity_id', '=', row.id).executeTakeFirstOrThrow();
    expect(audit.actor_label).toBe('cli');
    expect(audit.actor_id).toBeNull();

    const found = await lookupApiToken(env.database.db, token, new Date());
    expect(found?.user.id).toBe(analyst.id);
    expect(found?.scopes).toEqual(['read', 'write']);
  });

  it('defaults to the read scope and 90 days, and accepts comma-separated scopes', async () => {
    const plain = await ribat('token', 'create', '--user', analyst.email, '--name', 'defaults');
    expect(plain.code).toBe(0);
    const row = await env.database.db.selectFrom('api_token').selectAll().where('token_hash', '=', hashToken(plain.out[0])).executeTakeFirstOrThrow();
    expect(JSON.parse(row.scopes)).toEqual(['read']);
    expect((new Date(row.expires_at).getTime() - new Date(row.created_at).getTime()) / 86_400_000).toBe(90);
    const listed = await ribat('token', 'create', '--user', admin.email, '--name', 'admin automation', '--scope', 'audit:read,users:manage');
    expect(listed.code).toBe(0);
    const adminRow = await env.database.db.selectFrom('api_token').select('scopes').where('token_hash', '=', hashToken(listed.out[0])).executeTakeFirstOrThrow();
    expect(JSON.parse(adminRow.scopes)).toEqual(['users:manage', 'audit:read']);
  });

  it.each([
    [['--user', 'nobody@example.ma', '--name', 'x'], 1, /--user: no user has the e-mail address "nobody@example\.ma"/],
    [['--user', '__ANALYST__', '--name', 'x', '--scope', 'everything'], 2, /--scope: unknown scope "everything"/],
    [['--user', '__ANALYST__', '--name', 'x', '--scope', 'users:manage'], 1, /--scope: "users:manage" cannot be granted/],
    [['--user', '__ANALYST__', '--name', 'x', '--expires-days', 'soon'], 2, /--expires-days: expected a whole number of days between 1 and 365, got "soon"/],
    [['--user', '__ANALYST__', '--name', 'x', '--expires-days', '0'], 2, /--expires-days/],
    [['--user', '__ANALYST__', '--name', 'x', '--expires-days', '366'], 2, /--expires-days/],
    [['--user', '__ANALYST__', '--name', ' '], 2, /--name: This field is required\./],
    [['--user', '__ANALYST__', '--name', 'n'.repeat(81)], 2, /--name: Too long \(maximum 80\)\./],
    [['--user', '__ANALYST__'], 2, /required option '--name <name>' not specified/],
    [['--name', 'x'], 2, /required option '--user <email>' not specified/],
  ])('refuses %j with exit code %i and a message naming the option, creating nothing', async (args, code, message) => {
    const before = await snapshotCounts(env.database);
    const run = await ribat('token', 'create', ...args.map((a) => (a === '__ANALYST__' ? analyst.email : a)));
    expect(run.code).toBe(code);
    expect(run.out).toEqual([]);
    expect(run.err.join('\n')).toMatch(message);
    expect(await snapshotCounts(env.database)).toEqual(before);
  });

  it('refuses a disabled account', async () => {
    const disabled = await buildUser(env.database, { status: 'disabled' });
    const run = await ribat('token', 'create', '--user', disabled.email, '--name', 'x');
    expect(run.code).toBe(1);
    expect(run.err.join('\n')).toContain(`--user: the account "${disabled.email}" is disabled`);
    expect(run.out).toEqual([]);
  });

  it('has --help listing every option, for the command and its family', async () => {
    const help = await ribat('token', 'create', '--help');
    expect(help.code).toBe(0);
    const text = help.out.join('\n');
    for (const option of ['--user <email>', '--name <name>', '--scope <scope>', '--expires-days <n>', 'TOKEN=$(ribat token create']) expect(text).toContain(option);
    const family = await ribat('token', '--help');
    expect(family.code).toBe(0);
    expect(family.out.join('\n')).toContain('create');
  });
});
