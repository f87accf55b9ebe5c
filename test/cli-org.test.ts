import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { main, type CliIo } from '#src/cli/main';
import { openCliTestEnvironment, type CliTestEnvironment } from './helpers/app';
import { snapshotCounts } from './helpers/factories';

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

async function ribat(args: string[]): Promise<Run> {
  const out: string[] = [];
  const err: string[] = [];
  const io: CliIo = { out: (l) => out.push(l), err: (l) => err.push(l), readStdin: async () => '', env: cli.env };
  const code = await main(['node', 'ribat', ...args], io);
  return { code, out: out.join('\n'), err: err.join('\n') };
}

const base = ['org', 'create', '--name-fr', 'Direction générale de la sécurité', '--name-ar', 'المديرية العامة لأمن نظم المعلومات', '--name-en', 'Directorate-General for Security', '--category', 'administration', '--sector', 'public-administration'];

describe('ribat org create', () => {
  it('creates an organisation with normalised ranges, domains and contacts, audited as "cli"', async () => {
    const run = await ribat([...base, '--acronym', 'dgssi', '--domain', 'DGSSI.gov.ma', '--ip-range', '192.168.1.7/24', '--ip-range', '2001:DB8::1/32', '--contact', 'Nadia Bennani <CERT@dgssi.gov.ma> 0537 00 00 00', '--contact', 'Veille <veille@dgssi.gov.ma>']);
    expect(run.code, run.err).toBe(0);
    const id = /Created organisation ([0-9a-f-]{36}) \(DGSSI\)/.exec(run.out)?.[1];
    expect(id).toBeDefined();
    const row = await cli.database.db.selectFrom('organisation').selectAll().where('id', '=', id ?? '').executeTakeFirstOrThrow();
    expect(row).toMatchObject({ acronym: 'DGSSI', category: 'administration', sector_code: 'public-administration', status: 'active' });
    expect(JSON.parse(row.ip_ranges)).toEqual(['192.168.1.0/24', '2001:db8::/32']);
    expect(JSON.parse(row.email_domains)).toEqual(['dgssi.gov.ma']);
    const contacts = await cli.database.db.selectFrom('organisation_contact').select(['name', 'email', 'phone']).where('organisation_id', '=', id ?? '').orderBy('position').execute();
    expect(contacts).toEqual([
      { name: 'Nadia Bennani', email: 'cert@dgssi.gov.ma', phone: '+212537000000' },
      { name: 'Veille', email: 'veille@dgssi.gov.ma', phone: null },
    ]);
    const audit = await cli.database.db.selectFrom('audit_event').selectAll().where('entity_id', '=', id ?? '').execute();
    expect(audit.map((a) => [a.action, a.actor_label, a.actor_id])).toEqual([['organisation.created', 'cli', null]]);
  });

  it('refuses an invalid range naming the option and the value (exit 1) and writes nothing', async () => {
    const before = await snapshotCounts(cli.database);
    const run = await ribat([...base, '--ip-range', '10.0.0.0/8', '--ip-range', '10.0.0.300/8', '--contact', 'A <a@example.ma>']);
    expect(run.code).toBe(1);
    expect(run.err).toContain('--ip-range "10.0.0.300/8": Invalid IP range');
    expect(await snapshotCounts(cli.database)).toEqual(before);
  });

  it('refuses a missing contact, an unknown sector and a taken acronym, each naming its option (exit 1)', async () => {
    const before = await snapshotCounts(cli.database);
    const run = await ribat([...base.slice(0, -1), 'astrology', '--acronym', 'DGSSI']);
    expect(run.code).toBe(1);
    expect(run.err).toContain('--sector: Invalid choice.');
    expect(run.err).toContain('--contact: This field is required.');
    expect(run.err).toContain('--acronym: Another organisation already uses this acronym.');
    expect(await snapshotCounts(cli.database)).toEqual(before);
  });

  it('treats a malformed command line as a usage error (exit 2)', async () => {
    const before = await snapshotCounts(cli.database);
    const missing = await ribat(['org', 'create', '--name-fr', 'Sans arabe', '--category', 'other', '--sector', 'other']);
    expect(missing.code).toBe(2);
    expect(missing.err).toContain('--name-ar');
    const contact = await ribat([...base, '--contact', 'no e-mail here']);
    expect(contact.code).toBe(2);
    expect(contact.err).toContain('--contact "no e-mail here": expected "Name <email> [phone]"');
    const category = await ribat([...base.slice(0, 8), '--category', 'ngo', '--sector', 'other', '--contact', 'A <a@example.ma>']);
    expect(category.code).toBe(2);
    expect(category.err).toContain('--category "ngo"');
    expect(await snapshotCounts(cli.database)).toEqual(before);
  });
});

describe('ribat org list', () => {
  it('prints a table, filters by status and prints JSON', async () => {
    const created = await ribat(['org', 'create', '--name-fr', 'Banque Alpha', '--name-ar', 'بنك ألفا', '--name-en', 'Alpha Bank', '--category', 'private-company', '--sector', 'banking-finance', '--acronym', 'ALPHA', '--contact', 'SOC <soc@alpha.ma>']);
    expect(created.code, created.err).toBe(0);
    const id = /Created organisation ([0-9a-f-]{36})/.exec(created.out)?.[1] ?? '';
    await cli.database.db.updateTable('organisation').set({ status: 'suspended' }).where('id', '=', id).execute();

    const table = await ribat(['org', 'list']);
    expect(table.code, table.err).toBe(0);
    const lines = table.out.split('\n');
    expect(lines[0]).toMatch(/^ID\s+ACRONYM\s+NAME \(FR\)\s+CATEGORY\s+SECTOR\s+STATUS$/);
    expect(lines.some((l) => l.includes(id) && l.includes('Banque Alpha') && l.includes('private-company') && l.includes('banking-finance') && l.endsWith('suspended'))).toBe(true);
    expect(lines.some((l) => l.includes('DGSSI') && l.endsWith('active'))).toBe(true);

    const active = await ribat(['org', 'list', '--status', 'active']);
    expect(active.out).toContain('DGSSI');
    expect(active.out).not.toContain('Banque Alpha');

    const json = await ribat(['org', 'list', '--status', 'suspended', '--json']);
    expect(json.code).toBe(0);
    const parsed = JSON.parse(json.out) as { id: string; names: { ar: string }; status: string }[];
    expect(parsed).toEqual([expect.objectContaining({ id, status: 'suspended', names: expect.objectContaining({ ar: 'بنك ألفا' }) })]);

    const bad = await ribat(['org', 'list', '--status', 'deleted']);
    expect(bad.code).toBe(2);
    expect(bad.err).toContain('--status "deleted"');
  });
});
