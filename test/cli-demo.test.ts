import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { main, type CliIo } from '#src/cli/main';
import { verifyAuditChain } from '#src/core/audit';
import { verifyPassword } from '#src/modules/identity/password';
import { demoOrganisations, demoStaff } from '#src/modules/system/demo-data';
import { demoBulletins } from '#src/modules/system/demo-bulletins';
import { openCliTestEnvironment, type CliTestEnvironment } from './helpers/app';
import { snapshotCounts } from './helpers/factories';

let cli: CliTestEnvironment;
beforeAll(async () => {
  cli = await openCliTestEnvironment();
});
afterAll(async () => {
  await cli.close();
});

async function ribat(args: string[], stdin = ''): Promise<{ code: number; out: string; err: string }> {
  const out: string[] = [];
  const err: string[] = [];
  const io: CliIo = { out: (l) => out.push(l), err: (l) => err.push(l), readStdin: async () => stdin, env: cli.env };
  const code = await main(['node', 'ribat', ...args], io);
  return { code, out: out.join('\n'), err: err.join('\n') };
}

describe('ribat demo', () => {
  it('creates organisations and users through the audited use cases, with a password printed once', async () => {
    const run = await ribat(['demo']);
    expect(run.code, run.err).toBe(0);
    const counts = await snapshotCounts(cli.database);
    expect(counts.organisation).toBe(demoOrganisations.length);
    expect(counts.user_account).toBe(demoOrganisations.length * 2 + demoStaff.length);
    // The demonstration bulletins are written, approved by another person and published: a living public site.
    expect(counts.bulletin).toBe(demoBulletins.length);
    expect(run.out).toContain(`${demoBulletins.length} bulletins published`);
    const published = await cli.database.db.selectFrom('bulletin_listing').select(['reference', 'language']).where('publication', '=', 'published').execute();
    expect(new Set(published.map((p) => p.reference)).size).toBe(demoBulletins.length);
    expect(published.some((p) => p.language === 'ar')).toBe(true);
    expect(run.err).toContain(`[${demoOrganisations.length}/${demoOrganisations.length}]`);
    const password = /use the password: (\S+)/.exec(run.out)?.[1] ?? '';
    expect(password).toMatch(/^demo-[A-Za-z0-9_-]{16}$/);
    const manager = await cli.database.db.selectFrom('user_account').select(['password_hash', 'organisation_id']).where('email', '=', 'rssi@onep.example').executeTakeFirstOrThrow();
    expect(manager.organisation_id).not.toBeNull();
    expect(await verifyPassword(manager.password_hash, password)).toBe(true);
    const roles = await cli.database.db.selectFrom('user_role').innerJoin('user_account', 'user_account.id', 'user_role.user_id').select('role').where('email', '=', 'analyst3@cert.example').execute();
    expect(roles.map((r) => r.role).sort()).toEqual(['analyst', 'reviewer']);
    // A year of incidents across organisations, classified, assigned, most of them closed with a disposition.
    expect(counts.incident).toBe(150);
    expect(run.out).toContain('150 incidents over the past year');
    const incidents = await cli.database.db.selectFrom('incident').select(['status', 'organisation_id', 'disposition', 'assignee_id', 'reported_at', 'channel']).execute();
    expect(new Set(incidents.map((i) => i.organisation_id).filter((o) => o !== null)).size).toBeGreaterThan(5);
    expect(new Set(incidents.map((i) => i.channel))).toEqual(new Set(['portal', 'public', 'email', 'api']));
    expect(incidents.filter((i) => i.status === 'closed').length).toBeGreaterThan(90);
    expect(incidents.every((i) => i.assignee_id !== null)).toBe(true);
    expect(incidents.filter((i) => i.status === 'closed').every((i) => i.disposition !== null)).toBe(true);
    const times = incidents.map((i) => new Date(String(i.reported_at instanceof Date ? i.reported_at.toISOString() : i.reported_at)).getTime());
    expect(Math.max(...times) - Math.min(...times)).toBeGreaterThan(300 * 86_400_000);
    expect(counts.incident_classification).toBe(150);
    expect(counts.incident_indicator).toBeGreaterThan(150);
    const audit = await verifyAuditChain(cli.database.db);
    expect(audit.problems).toEqual([]);
    expect(audit.checked).toBeGreaterThanOrEqual(counts.organisation + counts.user_account);
  });

  it('adds nothing the second time', async () => {
    const before = await snapshotCounts(cli.database);
    const run = await ribat(['demo']);
    expect(run.code).toBe(0);
    expect(run.out).toContain('0 organisations and 0 users created');
    expect(run.out).toContain('0 bulletins published');
    expect(run.out).toContain('0 incidents');
    expect(await snapshotCounts(cli.database)).toEqual(before);
  });

  it('refuses a short password from standard input', async () => {
    const run = await ribat(['demo', '--password-stdin'], 'short\n');
    expect(run.code).toBe(2);
    expect(run.err).toContain('--password-stdin');
  });
});
