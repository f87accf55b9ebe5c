import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import type { RequestContext } from '#src/core/context';
import type { CliIo } from '#src/cli/main';
import { main } from '#src/cli/main';
import { queueEmail } from '#src/modules/notifications/mailer';
import { redactOneTimeLinks } from '#src/modules/notifications/notifications.types';
import { disableUser } from '#src/modules/identity/use-cases/disable-user';
import { buildTestApp, openCliTestEnvironment, testDialect, type TestApp } from './helpers/app';
import { buildUser, form, loginAs, type SignedIn, type UserFixture } from './helpers/factories';

let t: TestApp;
let admin: SignedIn;
beforeAll(async () => {
  t = await buildTestApp();
  admin = await loginAs(t, await buildUser(t.database, { roles: ['admin'] }));
});
afterAll(async () => {
  await t.close();
});

const cursorOf = (value: unknown) => Buffer.from(JSON.stringify(value), 'utf8').toString('base64url');

describe(`forged pagination cursors (${testDialect})`, () => {
  it('answers 400 naming the cursor, not 500, when a vocabulary cursor carries a non-numeric position', async () => {
    const cursor = cursorOf({ k: 'not-a-position', id: 'x' });
    const api = await t.app.inject({ method: 'GET', url: `/api/v1/vocabularies/sector/terms?cursor=${cursor}`, cookies: admin.cookies });
    expect(api.statusCode).toBe(400);
    expect(api.body).toContain('cursor');
    const page = await t.app.inject({ method: 'GET', url: `/console/vocabularies/sector?cursor=${cursor}`, cookies: admin.cookies });
    expect(page.statusCode).toBe(400);
  });

  it('still follows a genuine vocabulary cursor', async () => {
    const first = await t.app.inject({ method: 'GET', url: '/api/v1/vocabularies/sector/terms?limit=2', cookies: admin.cookies });
    const body = first.json<{ items: { code: string }[]; nextCursor: string }>();
    expect(body.nextCursor).not.toBeNull();
    const second = await t.app.inject({ method: 'GET', url: `/api/v1/vocabularies/sector/terms?limit=2&cursor=${body.nextCursor}`, cookies: admin.cookies });
    expect(second.statusCode).toBe(200);
    const codes = second.json<{ items: { code: string }[] }>().items.map((i) => i.code);
    expect(codes.length).toBeGreaterThan(0);
    expect(codes).not.toContain(body.items[0]?.code);
  });
});

describe(`outbox read with an API token (${testDialect})`, () => {
  const secret = 'AbCdEfGhIjKlMnOpQrStUvWxYz0123456789_-abcd';
  const text = `Bonjour,\n\nActivez: http://localhost:8080/activate/${secret}\nRéinitialisez: http://localhost:8080/password/reset/${secret}\nInstallez: http://localhost:8080/setup/${secret}\nCompte: http://localhost:8080/account`;

  async function tokenFor(user: UserFixture, browser: SignedIn, scopes: string[]): Promise<string> {
    const body = form({ name: 'SIEM', scopes, expiresInDays: '30' }, browser.csrf);
    const res = await t.app.inject({ method: 'POST', url: '/account/tokens', cookies: browser.cookies, payload: body.payload, headers: body.headers });
    expect(res.statusCode).toBe(200);
    const match = /<code class="token-once" id="token-value">([^<]+)<\/code>/.exec(res.body);
    expect(match?.[1], user.email).toBeDefined();
    return match?.[1] as string;
  }

  it('redacts the secrets of activation, reset and setup links for a token, but not for a signed-in administrator', async () => {
    const owner = await buildUser(t.database, { roles: ['admin'] });
    const browser = await loginAs(t, owner);
    const token = await tokenFor(owner, browser, ['audit:read']);
    const id = await t.database.db.transaction().execute((trx) => queueEmail(trx, t.clock, { purpose: 'user.invitation', to: 'new@example.ma', subject: 'Invitation', text, html: `<a href="http://localhost:8080/activate/${secret}">x</a>` }));

    const viaToken = await t.app.inject({ method: 'GET', url: `/api/v1/emails/${id}`, headers: { authorization: `Bearer ${token}` } });
    expect(viaToken.statusCode).toBe(200);
    expect(viaToken.body).not.toContain(secret);
    const email = viaToken.json<{ text: string; html: string }>();
    expect(email.text).toContain('/activate/[redacted]');
    expect(email.text).toContain('/password/reset/[redacted]');
    expect(email.text).toContain('/setup/[redacted]');
    expect(email.text).toContain('http://localhost:8080/account');
    expect(email.html).toContain('/activate/[redacted]');

    const viaSession = await t.app.inject({ method: 'GET', url: `/api/v1/emails/${id}`, cookies: browser.cookies });
    expect(viaSession.statusCode).toBe(200);
    expect(viaSession.json<{ text: string }>().text).toContain(`/activate/${secret}`);
    // The stored message itself is untouched: it must still be delivered with a working link.
    const row = await t.database.db.selectFrom('email_message').select('text_body').where('id', '=', id).executeTakeFirstOrThrow();
    expect(row.text_body).toBe(text);
  });

  it('leaves short path segments alone', () => {
    expect(redactOneTimeLinks('see https://x.example/setup/guide and /activate/now')).toBe('see https://x.example/setup/guide and /activate/now');
  });
});

describe(`last administrator under concurrency (${testDialect})`, () => {
  it('lets only one of two administrators disable the other when they act at the same moment', async () => {
    // Leave exactly two active administrators.
    await t.database.db.updateTable('user_account').set({ status: 'disabled' }).where('id', 'in', t.database.db.selectFrom('user_role').select('user_id').where('role', '=', 'admin')).execute();
    const a = await buildUser(t.database, { roles: ['admin'] });
    const b = await buildUser(t.database, { roles: ['admin'] });
    const ctxOf = (u: UserFixture): RequestContext => ({ actor: { kind: 'user', userId: u.id, label: u.email, roles: ['admin'], organisationId: null, scopes: null }, requestId: u.id, locale: 'fr', clock: t.clock, ip: null });
    const deps = { database: t.database, config: t.config };
    const results = await Promise.allSettled([disableUser(deps, ctxOf(a), b.id), disableUser(deps, ctxOf(b), a.id)]);
    expect(results.filter((r) => r.status === 'fulfilled')).toHaveLength(1);
    const active = await t.database.db.selectFrom('user_account').select('id').where('id', 'in', [a.id, b.id]).where('status', '=', 'active').execute();
    expect(active).toHaveLength(1);
  });
});

describe('ribat demo --password-stdin', () => {
  it('does not echo a password the operator typed', async () => {
    const cli = await openCliTestEnvironment();
    try {
      const out: string[] = [];
      const io: CliIo = { out: (l) => out.push(l), err: () => undefined, readStdin: async () => 'operator-chosen demo pass 77\n', env: cli.env };
      const code = await main(['node', 'ribat', 'demo', '--password-stdin'], io);
      expect(code).toBe(0);
      const printed = out.join('\n');
      expect(printed).toContain('users created');
      expect(printed).not.toContain('operator-chosen demo pass 77');
    } finally {
      await cli.close();
    }
  });
});
