import { readFileSync } from 'node:fs';
import { describe, expect, it } from 'vitest';
import type { BulletinContent } from '#src/modules/bulletins/bulletins.types';
import type { CsafJson } from '#src/modules/csaf/csaf.types';
import type { CsafMappingInput } from '#src/modules/csaf/mapping';
import { csafTlpOf, isSingleVersion, prepareCsafDocuments, serializeCsaf } from '#src/modules/csaf/mapping';
import { validateCsafDocument } from '#src/modules/csaf/validation';
import { bulletinFieldOf } from '#src/modules/csaf/publish-gate';
import { goldenConfig, goldenContent, goldenInput } from './mapping-fixtures';

const packageVersion = (JSON.parse(readFileSync(new URL('../../package.json', import.meta.url), 'utf8')) as { version: string }).version;

/** The golden file with the engine version of this build (the only part that changes with a release). */
function golden(name: string): string {
  return readFileSync(new URL(`./golden/${name}`, import.meta.url), 'utf8').replace('"version": "0.1.0"', `"version": "${packageVersion}"`);
}

/** Every document a test makes must pass the strict schema and every mandatory test. */
async function expectValid(doc: CsafJson): Promise<void> {
  const result = await validateCsafDocument(doc);
  expect(result.errors).toEqual([]);
  expect(result.isValid).toBe(true);
}

function withContent(input: CsafMappingInput, change: (c: BulletinContent) => BulletinContent): CsafMappingInput {
  const revisions = input.revisions.map((r) => ({ ...r, content: change(r.content) }));
  const last = revisions.at(-1);
  return { ...input, revisions, bulletin: { ...input.bulletin, kind: last?.content.kind ?? input.bulletin.kind } };
}

function vulns(doc: CsafJson): Record<string, unknown>[] {
  return doc.vulnerabilities as Record<string, unknown>[];
}

function docPart(doc: CsafJson): Record<string, unknown> {
  return doc.document as Record<string, unknown>;
}

describe('CSAF mapping: golden bulletin (two CVEs, three products, a translation, two revisions, AMBER+STRICT)', () => {
  const prepared = prepareCsafDocuments(goldenInput());

  it('gives one document per language with a text, the original first', () => {
    expect(prepared.map((p) => [p.language, p.trackingId, p.fileName, p.year, p.tlp, p.version, p.revisionNumber])).toEqual([
      ['fr', 'CERT-2026-AVI-0007', 'cert-2026-avi-0007.json', 2026, 'AMBER', '2', 2],
      ['en', 'CERT-2026-AVI-0007-en', 'cert-2026-avi-0007-en.json', 2026, 'AMBER', '2', 2],
    ]);
    expect(prepared[0]?.initialReleaseDate.toISOString()).toBe('2026-01-10T09:00:00.000Z');
    expect(prepared[0]?.currentReleaseDate.toISOString()).toBe('2026-01-12T15:30:00.000Z');
  });

  it('writes exactly the expected bytes for the original (fr)', () => {
    expect(prepared[0]?.bytes).toBe(golden('cert-2026-avi-0007.json'));
  });

  it('writes exactly the expected bytes for the translation (en) with source_lang and a first reference to the original', () => {
    expect(prepared[1]?.bytes).toBe(golden('cert-2026-avi-0007-en.json'));
    const doc = docPart(prepared[1]?.document ?? {});
    expect(doc.source_lang).toBe('fr');
    expect((doc.references as { category: string; url: string }[])[0]).toEqual({
      category: 'self',
      summary: 'Original document (fr)',
      url: 'https://cert.example.ma/csaf/restricted/amber/2026/cert-2026-avi-0007.json',
    });
  });

  it('is valid: strict schema and every mandatory test, for both documents', async () => {
    for (const p of prepared) await expectValid(p.document);
  });

  it('is deterministic and its bytes are the serialisation of its document (keys sorted, final newline)', () => {
    const again = prepareCsafDocuments(goldenInput());
    expect(again.map((p) => p.bytes)).toEqual(prepared.map((p) => p.bytes));
    for (const p of prepared) {
      expect(serializeCsaf(p.document)).toBe(p.bytes);
      expect(p.bytes.endsWith('}\n')).toBe(true);
      expect(Object.keys(p.document)).toEqual(['document', 'product_tree', 'vulnerabilities']);
    }
  });

  it('6.2.13 sorting: no optional-test warning about key order', async () => {
    const result = await validateCsafDocument(prepared[0]?.document ?? {});
    expect(result.warnings.filter((w) => w.test === '6.2.13')).toEqual([]);
  });

  it('maps AMBER+STRICT to AMBER with a distribution text, and the other TLP 2.0 labels to TLP v1', () => {
    const doc = docPart(prepared[0]?.document ?? {});
    expect(doc.distribution).toMatchObject({ tlp: { label: 'AMBER', url: 'https://www.first.org/tlp/' } });
    expect((doc.distribution as { text?: string }).text).toContain('AMBER+STRICT');
    expect((['clear', 'green', 'amber', 'amber+strict', 'red'] as const).map(csafTlpOf)).toEqual(['WHITE', 'GREEN', 'AMBER', 'AMBER', 'RED']);
  });

  it('6.1.11: a CWE known to the validator is written with its name, an unknown one is left out', () => {
    const [first, second] = vulns(prepared[0]?.document ?? {});
    expect(first?.cwe).toEqual({ id: 'CWE-121', name: 'Stack-based Buffer Overflow' });
    expect(second?.cwe).toBeUndefined();
  });

  it('keeps CVSS 4.0 out of scores (CSAF 2.0 has no cvss_v4) and in a note; CVSS 3.1 gets its computed base score', () => {
    const [first] = vulns(prepared[0]?.document ?? {});
    expect(first?.scores).toEqual([
      { cvss_v3: { baseScore: 9.8, baseSeverity: 'CRITICAL', vectorString: 'CVSS:3.1/AV:N/AC:L/PR:N/UI:N/S:U/C:H/I:H/A:H', version: '3.1' }, products: ['CSAFPID-1', 'CSAFPID-2', 'CSAFPID-3'] },
    ]);
    expect(JSON.stringify(first?.notes)).toContain('CVSS:4.0/AV:N');
  });

  it('has no HTML or Markdown markup in text fields', () => {
    for (const p of prepared) {
      expect(p.bytes).not.toMatch(/\*\*|<\/?[a-z]+>/);
    }
  });
});

describe('CSAF mapping: other shapes', () => {
  it('a note becomes an informational advisory without vulnerabilities, indicators as a note', async () => {
    const input = withContent(goldenInput(), (c) => ({
      ...c,
      kind: 'note',
      affected: [],
      cves: [],
      tlp: 'clear',
      indicators: [{ type: 'ipv4', value: '203.0.113.7', comment: 'C2' }],
      texts: { fr: c.texts.fr ?? { title: 'x', summary: 'x', description: 'x', solution: '', workarounds: '' } },
    }));
    const [doc] = prepareCsafDocuments(input);
    expect(doc).toBeDefined();
    const csaf = doc?.document ?? {};
    expect(docPart(csaf).category).toBe('csaf_informational_advisory');
    expect(csaf.vulnerabilities).toBeUndefined();
    expect(csaf.product_tree).toBeUndefined();
    expect(docPart(csaf).distribution).toEqual({ tlp: { label: 'WHITE', url: 'https://www.first.org/tlp/' } });
    expect(JSON.stringify(docPart(csaf).notes)).toContain('ipv4: 203.0.113.7 (C2)');
    expect(doc?.fileName).toBe('cert-2026-avi-0007.json');
    await expectValid(csaf);
  });

  it('6.1.27.2: a note citing no source gives its public page as the external reference, and is valid', async () => {
    const input = withContent(goldenInput(), (c) => ({ ...c, kind: 'note', affected: [], cves: [], references: [], relations: [], tlp: 'clear' }));
    for (const p of prepareCsafDocuments(input)) {
      const refs = docPart(p.document).references as { category: string; url: string }[];
      expect(refs.filter((r) => r.category === 'external').map((r) => r.url)).toEqual([`https://cert.example.ma/bulletins/cert-2026-avi-0007?lang=${p.language}`]);
      await expectValid(p.document);
    }
  });

  it('a bulletin like the KEV demo (no CVSS, no CWE, versions "see the vendor advisory") is valid', async () => {
    const input = withContent(goldenInput(), (c) => ({
      ...c,
      tlp: 'clear',
      affected: [{ productId: 'p', vendor: 'Microsoft', product: 'Windows', versions: 'see the vendor advisory', cpe: null, purl: null }],
      cves: [{ id: 'CVE-2024-21412', cvss31: null, cvss40: null, cwe: null, exploited: true }],
    }));
    for (const p of prepareCsafDocuments(input)) await expectValid(p.document);
  });

  it('an open alert is interim; a bulletin without CVE still has one vulnerability (6.1.27.11)', async () => {
    const input = withContent(goldenInput(), (c) => ({ ...c, kind: 'alert', cves: [] }));
    const [doc] = prepareCsafDocuments(input);
    expect((docPart(doc?.document ?? {}).tracking as { status: string }).status).toBe('interim');
    expect(vulns(doc?.document ?? {})).toHaveLength(1);
    await expectValid(doc?.document ?? {});
    const closed = prepareCsafDocuments({ ...input, bulletin: { ...input.bulletin, publication: 'closed' } });
    expect((docPart(closed[0]?.document ?? {}).tracking as { status: string }).status).toBe('final');
  });

  it('a first publication has one revision "Initial publication" in the document language', () => {
    const input = goldenInput();
    const single = { ...input, revisions: input.revisions.slice(0, 1) };
    const [fr] = prepareCsafDocuments(single);
    expect((docPart(fr?.document ?? {}).tracking as { revision_history: unknown[]; version: string }).revision_history).toEqual([
      { date: '2026-01-10T09:00:00.000Z', number: '1', summary: 'Publication initiale' },
    ]);
  });

  it('an Arabic original has no source_lang and Arabic fixed words', async () => {
    const input = withContent(goldenInput(), (c) => ({ ...c, originalLanguage: 'ar', texts: { ar: { title: 'ثغرات متعددة', summary: 'ملخص', description: 'وصف', solution: 'تحديث', workarounds: '' } } }));
    const [doc] = prepareCsafDocuments(input);
    expect(docPart(doc?.document ?? {}).lang).toBe('ar');
    expect(docPart(doc?.document ?? {}).source_lang).toBeUndefined();
    expect(doc?.trackingId).toBe('CERT-2026-AVI-0007');
    await expectValid(doc?.document ?? {});
  });

  it('the publisher comes from configuration (coordinator, namespace, contact, issuing authority)', () => {
    const input = { ...goldenInput(), config: goldenConfig({ RIBAT_CSAF_PUBLISHER_NAME: 'maCERT', RIBAT_CSAF_PUBLISHER_NAMESPACE: 'https://www.dgssi.gov.ma/', RIBAT_CSAF_CONTACT: 'contact@macert.gov.ma' }) };
    const [doc] = prepareCsafDocuments(input);
    expect(docPart(doc?.document ?? {}).publisher).toEqual({
      category: 'coordinator',
      contact_details: 'contact@macert.gov.ma',
      issuing_authority: 'National CERT designated by decree',
      name: 'maCERT',
      namespace: 'https://www.dgssi.gov.ma',
    });
  });

  it('6.1.31: single versions go to product_version, anything else to product_version_range', () => {
    expect(['17.4.2', 'v2.0-rc1', '22.7R1.2', '2024.1'].every(isSingleVersion)).toBe(true);
    expect(['< 17.4.2', '7.0 to 7.2.10', 'all versions', 'see the vendor advisory', '>=1.0', ''].some(isSingleVersion)).toBe(false);
  });
});

describe('CSAF validation (in-process, offline)', () => {
  const valid = (): CsafJson => structuredClone(prepareCsafDocuments(goldenInput())[0]?.document ?? {});

  it('6.1.1: a vulnerability naming an undefined product fails with the test id and path', async () => {
    const doc = valid();
    (vulns(doc)[0]?.product_status as { known_affected: string[] }).known_affected.push('CSAFPID-99');
    const result = await validateCsafDocument(doc);
    expect(result.isValid).toBe(false);
    expect(result.errors).toContainEqual(expect.objectContaining({ test: '6.1.1', path: '/vulnerabilities/0/product_status/known_affected/3' }));
  });

  it('6.1.11: a CWE with the wrong name fails', async () => {
    const doc = valid();
    (vulns(doc)[0] as { cwe: { name: string } }).cwe.name = 'Something else';
    const result = await validateCsafDocument(doc);
    expect(result.errors).toContainEqual(expect.objectContaining({ test: '6.1.11', path: '/vulnerabilities/0/cwe/name' }));
  });

  it('6.1.23: the same CVE twice fails', async () => {
    const doc = valid();
    (vulns(doc)[1] as { cve: string }).cve = 'CVE-2025-0282';
    const result = await validateCsafDocument(doc);
    expect(result.errors.map((e) => e.test)).toContain('6.1.23');
  });

  it('6.1.27.2: an informational advisory without external reference fails', async () => {
    const doc = valid();
    const d = docPart(doc);
    d.category = 'csaf_informational_advisory';
    d.references = (d.references as { category: string }[]).filter((r) => r.category === 'self');
    delete doc.vulnerabilities;
    const result = await validateCsafDocument(doc);
    expect(result.errors).toContainEqual(expect.objectContaining({ test: '6.1.27.2' }));
  });

  it('strict schema: an unknown property is an error named "schema"', async () => {
    const doc = valid();
    docPart(doc).colour = 'green';
    const result = await validateCsafDocument(doc);
    expect(result.isValid).toBe(false);
    expect(result.errors.map((e) => e.test)).toContain('schema');
  });

  it('optional tests are warnings and informative tests infos, and the network tests 6.3.6–6.3.8 are not run', async () => {
    const result = await validateCsafDocument(valid());
    expect(result.isValid).toBe(true);
    expect(result.warnings.map((w) => w.test)).toContain('6.2.3');
    expect(result.warnings.every((w) => w.test.startsWith('6.2.'))).toBe(true);
    expect(result.infos.every((i) => i.test.startsWith('6.3.') && !['6.3.6', '6.3.7', '6.3.8'].includes(i.test))).toBe(true);
  });
});

describe('publish gate: findings mapped to bulletin fields', () => {
  const prepared = prepareCsafDocuments(goldenInput())[0];
  const doc = prepared?.document ?? {};
  const content = goldenContent();
  const field = (path: string): string => bulletinFieldOf({ path }, doc, content, 'fr');

  it('names the CVE, the product and the text a JSON pointer comes from', () => {
    expect(field('/vulnerabilities/1/cve')).toBe('cves.1.id');
    expect(field('/vulnerabilities/0/cwe/name')).toBe('cves.0.cwe');
    expect(field('/vulnerabilities/0/scores/0/cvss_v3/baseScore')).toBe('cves.0.cvss31');
    expect(field('/product_tree/branches/1/branches/0/branches/0/product/product_identification_helper/purl')).toBe('affected.2.purl');
    expect(field('/product_tree/branches/0/branches/0/branches/0/product/product_identification_helper/cpe')).toBe('affected.0.cpe');
    expect(field('/product_tree/branches/0/branches/1/branches/0/name')).toBe('affected.1.versions');
    expect(field('/product_tree/branches/0/branches/1/branches/0/product/name')).toBe('affected.1.product');
    expect(field('/document/title')).toBe('texts.fr.title');
    expect(field('/document/notes/0/text')).toBe('texts.fr.summary');
    expect(field('/document/references/2/url')).toBe('references.0.url');
    expect(field('/document/references')).toBe('references');
    expect(field('/document/publisher/namespace')).toBe('csaf');
  });
});
