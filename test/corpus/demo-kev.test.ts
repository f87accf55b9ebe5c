/**
 * `ribat demo --kev` on CISA's real KEV catalogue: the most recent entries become published alerts through the
 * real workflow (written by one person, approved by another), with gapless references, the CVE index filled and
 * the audit chain intact. The catalogue is read from the corpus, never copied into the repository.
 */
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { readFileSync } from 'node:fs';
import { main, type CliIo } from '#src/cli/main';
import { verifyAuditChain } from '#src/core/audit';
import { parseKevCatalogue } from '#src/modules/system/kev';
import { demoBulletins } from '#src/modules/system/demo-bulletins';
import { openCliTestEnvironment, type CliTestEnvironment } from '../helpers/app';
import { corpusFile } from './corpus';

const kevFile = corpusFile('kev/known_exploited_vulnerabilities.json');
const LIMIT = 25;

let cli: CliTestEnvironment;
beforeAll(async () => {
  cli = await openCliTestEnvironment();
});
afterAll(async () => {
  await cli.close();
});

async function ribat(args: string[]): Promise<{ code: number; out: string; err: string }> {
  const out: string[] = [];
  const err: string[] = [];
  const io: CliIo = { out: (l) => out.push(l), err: (l) => err.push(l), readStdin: async () => '', env: cli.env };
  const code = await main(['node', 'ribat', ...args], io);
  return { code, out: out.join('\n'), err: err.join('\n') };
}

describe('ribat demo --kev (real KEV catalogue)', () => {
  it('parses every one of the 1,404 entries', () => {
    const entries = parseKevCatalogue(JSON.parse(readFileSync(kevFile, 'utf8')));
    expect(entries.length).toBe(1404);
  });

  it('publishes the built-in bulletins and the most recent KEV entries as alerts, with gapless references', async () => {
    const run = await ribat(['demo', '--kev', kevFile, '--kev-limit', String(LIMIT)]);
    expect(run.code, run.err).toBe(0);
    expect(run.out).toContain(`${demoBulletins.length + LIMIT} bulletins published`);
    const rows = await cli.database.db.selectFrom('bulletin').select(['kind', 'reference', 'publication', 'published_revision']).execute();
    expect(rows).toHaveLength(demoBulletins.length + LIMIT);
    expect(rows.every((r) => r.publication === 'published' && Number(r.published_revision) === 1)).toBe(true);
    const counters = await cli.database.db.selectFrom('reference_counter').select(['sequence_key', 'last_value']).where('sequence_key', 'not like', 'incident:%').execute();
    const byKey = new Map<string, number[]>();
    for (const r of rows) {
      const m = /^RIBAT-(\d{4})-(BUL|ALE|NOT)-(\d{4})$/.exec(r.reference ?? '');
      expect(m, String(r.reference)).not.toBeNull();
      const key = `${m![1]}-${m![2]}`;
      byKey.set(key, [...(byKey.get(key) ?? []), Number(m![3])]);
    }
    for (const numbers of byKey.values()) {
      expect(numbers.sort((a, b) => a - b)).toEqual(numbers.map((_, i) => i + 1));
    }
    expect(counters.reduce((sum, c) => sum + Number(c.last_value), 0)).toBe(rows.length);
    const kevCves = await cli.database.db.selectFrom('bulletin_cve').select(['cve_id', 'exploited']).execute();
    expect(kevCves.length).toBeGreaterThanOrEqual(LIMIT);
    expect(await verifyAuditChain(cli.database.db)).toMatchObject({ problems: [] });
  });

  it('adds nothing the second time', async () => {
    const run = await ribat(['demo', '--kev', kevFile, '--kev-limit', String(LIMIT)]);
    expect(run.code, run.err).toBe(0);
    expect(run.out).toContain('0 bulletins published');
  });

  it('refuses a file that is not a KEV catalogue, naming the field, before writing anything', async () => {
    const run = await ribat(['demo', '--kev', corpusFile('kev/known_exploited_vulnerabilities_schema.json')]);
    expect(run.code).toBe(2);
    expect(run.err).toContain('vulnerabilities');
  });
});
