/**
 * Every CVSS 3.1 and 4.0 vector published in the first 20,000 CVE JSON 5 records (CNA and ADP containers) goes
 * through parseCvssVector: each must parse, and our score must equal the published baseScore. Publishers make
 * mistakes, so a disagreement is accepted only when it is explained: for 3.1, an independent implementation of the
 * specification's base formula (written here, §7.1 and Appendix A) must agree with us, and the publisher's figure
 * must either be the temporal score (a known Fortinet habit) or belong to the pinned list below, checked by hand.
 */
import { describe, expect, it } from 'vitest';
import { parseCvssVector } from '#src/modules/vulnerabilities/cvss';
import { corpusFile, readJsonLines } from './corpus';

const RECORDS = 20_000;
const records = await readJsonLines(corpusFile('cve5/vulnrichment-cve5-records.jsonl.gz'), RECORDS);

interface Published {
  cveId: string;
  provider: string;
  version: '3.1' | '4.0';
  vector: string;
  baseScore: number;
}

/** Publisher figures that contradict the CVSS 3.1 formula for the vector they published (verified with the formula below). */
const KNOWN_PUBLISHER_ERRORS = new Set([
  'CVE-2022-46647', 'CVE-2023-3932', 'CVE-2023-36825', 'CVE-2023-36860', 'CVE-2023-37473', 'CVE-2023-37908', 'CVE-2023-37909',
  'CVE-2023-37912', 'CVE-2023-37913', 'CVE-2023-38495', 'CVE-2023-38497', 'CVE-2023-38702', 'CVE-2023-39969', 'CVE-2023-40176',
  'CVE-2023-40573', 'CVE-2023-42809', 'CVE-2023-43651', 'CVE-2023-44392', 'CVE-2023-45133', 'CVE-2023-45134', 'CVE-2023-45135',
  'CVE-2023-45136', 'CVE-2023-45137', 'CVE-2023-45146', 'CVE-2023-45811', 'CVE-2023-46241', 'CVE-2023-46242', 'CVE-2023-46243',
  'CVE-2023-46248', 'CVE-2023-46249', 'CVE-2023-46732', 'CVE-2023-46743', 'CVE-2023-47129', 'CVE-2023-50257', 'CVE-2023-50716',
]);

function publishedVectors(record: unknown): Published[] {
  type Metric = Record<string, { vectorString?: unknown; baseScore?: unknown } | undefined>;
  type Container = { metrics?: Metric[]; providerMetadata?: { shortName?: string } };
  const r = record as { cveMetadata?: { cveId?: string }; containers?: { cna?: Container; adp?: Container[] } };
  const cveId = r.cveMetadata?.cveId ?? 'unknown';
  const containers = [r.containers?.cna, ...(r.containers?.adp ?? [])].filter((c): c is Container => c !== undefined);
  const out: Published[] = [];
  for (const container of containers) {
    for (const metric of container.metrics ?? []) {
      for (const [key, version] of [['cvssV3_1', '3.1'], ['cvssV4_0', '4.0']] as const) {
        const m = metric[key];
        if (m && typeof m.vectorString === 'string' && typeof m.baseScore === 'number') {
          out.push({ cveId, provider: container.providerMetadata?.shortName ?? '?', version, vector: m.vectorString, baseScore: m.baseScore });
        }
      }
    }
  }
  return out;
}

/** CVSS 3.1 Appendix A: Roundup with integer arithmetic. */
function roundUp(value: number): number {
  const int = Math.round(value * 100000);
  return int % 10000 === 0 ? int / 100000 : (Math.floor(int / 10000) + 1) / 10;
}

/** CVSS 3.1 base score (§7.1), independent of the library under test. */
function referenceBase31(vector: string): number {
  const m = new Map(vector.split('/').slice(1).map((p) => p.split(':') as [string, string]));
  const changed = m.get('S') === 'C';
  const av = { N: 0.85, A: 0.62, L: 0.55, P: 0.2 }[m.get('AV') as 'N'];
  const ac = { L: 0.77, H: 0.44 }[m.get('AC') as 'L'];
  const pr = { N: 0.85, L: changed ? 0.68 : 0.62, H: changed ? 0.5 : 0.27 }[m.get('PR') as 'N'];
  const ui = { N: 0.85, R: 0.62 }[m.get('UI') as 'N'];
  const cia = (k: string) => ({ H: 0.56, L: 0.22, N: 0 })[m.get(k) as 'H'];
  const iss = 1 - (1 - cia('C')) * (1 - cia('I')) * (1 - cia('A'));
  const impact = changed ? 7.52 * (iss - 0.029) - 3.25 * Math.pow(iss - 0.02, 15) : 6.42 * iss;
  const exploitability = 8.22 * av * ac * pr * ui;
  if (impact <= 0) return 0;
  return changed ? roundUp(Math.min(1.08 * (impact + exploitability), 10)) : roundUp(Math.min(impact + exploitability, 10));
}

const published = records.flatMap(publishedVectors);
const v31 = published.filter((p) => p.version === '3.1');
const v40 = published.filter((p) => p.version === '4.0');

describe(`CVSS vectors of the first ${RECORDS} CVE records`, () => {
  it('reads the records and finds thousands of 3.1 vectors and some 4.0 vectors', () => {
    expect(records).toHaveLength(RECORDS);
    expect(v31.length).toBeGreaterThan(10_000);
    expect(v40.length).toBeGreaterThan(50);
    console.info(`CVSS corpus: ${v31.length} CVSS 3.1 and ${v40.length} CVSS 4.0 vectors in ${RECORDS} records`);
  });

  it('parses every published 3.1 and 4.0 vector', () => {
    const refused = published.map((p) => ({ p, r: parseCvssVector(p.vector) })).filter(({ r }) => !r.ok);
    expect(refused).toEqual([]);
  });

  it('agrees with an independent implementation of the CVSS 3.1 base formula on every 3.1 vector', () => {
    const disagreements = v31.map((p) => ({ vector: p.vector, ours: parseCvssVector(p.vector), reference: referenceBase31(p.vector) })).filter(({ ours, reference }) => !ours.ok || ours.baseScore !== reference);
    expect(disagreements).toEqual([]);
  });

  it('equals the published base score of every 3.1 vector, except explained publisher errors', () => {
    let temporalAsBase = 0;
    let pinned = 0;
    const unexplained: unknown[] = [];
    for (const p of v31) {
      const r = parseCvssVector(p.vector);
      if (!r.ok) throw new Error(`${p.cveId}: ${r.detail}`);
      if (r.baseScore === p.baseScore) continue;
      if (r.nomenclature === 'CVSS-BT' && r.score === p.baseScore) temporalAsBase += 1;
      else if (KNOWN_PUBLISHER_ERRORS.has(p.cveId)) pinned += 1;
      else unexplained.push({ cveId: p.cveId, provider: p.provider, vector: p.vector, published: p.baseScore, ours: r.baseScore });
    }
    console.info(`CVSS 3.1: ${v31.length - temporalAsBase - pinned} of ${v31.length} published base scores equal ours; ${temporalAsBase} publishers gave the temporal score as base score; ${pinned} pinned publisher errors`);
    expect(unexplained).toEqual([]);
    expect(pinned).toBe(KNOWN_PUBLISHER_ERRORS.size);
  });

  it('equals the published score of every 4.0 vector', () => {
    const mismatches = v40.map((p) => ({ p, r: parseCvssVector(p.vector) })).filter(({ p, r }) => !r.ok || r.score !== p.baseScore).map(({ p, r }) => ({ cveId: p.cveId, vector: p.vector, published: p.baseScore, ours: r.ok ? r.score : r.reason }));
    console.info(`CVSS 4.0: ${v40.length - mismatches.length} of ${v40.length} published scores equal ours`);
    expect(mismatches).toEqual([]);
  });
});
