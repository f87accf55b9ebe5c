import { describe, expect, it } from 'vitest';
import type { BulletinContent } from '#src/modules/bulletins/bulletins.types';
import { emptyContent } from '#src/modules/bulletins/bulletins.types';
import { diffBulletinContent, diffMarkdown, diffWordsOf, isEmptyDiff } from '#src/modules/bulletins/diff';

function content(overrides: Partial<BulletinContent> = {}): BulletinContent {
  const base = emptyContent('bulletin', 'fr');
  return {
    ...base,
    texts: { fr: { title: 'Vulnérabilité dans Fortinet FortiOS', summary: 'Une faille critique.', description: 'Premier paragraphe.\n\nSecond paragraphe.\n', solution: 'Mettre à jour.', workarounds: '' } },
    criticality: 'high',
    risks: ['rce', 'dos'],
    affected: [{ productId: 'p1', vendor: 'Fortinet', product: 'FortiOS', versions: '< 7.2.5', cpe: null, purl: null }],
    cves: [{ id: 'CVE-2024-0001', cvss31: 'CVSS:3.1/AV:N/AC:L/PR:N/UI:N/S:U/C:H/I:H/A:H', cvss40: null, cwe: 'CWE-787', exploited: false }],
    references: [{ title: 'Avis Fortinet', url: 'https://fortiguard.example/psirt/1' }],
    ...overrides,
  };
}

describe('diffBulletinContent', () => {
  it('finds nothing between identical versions', () => {
    expect(isEmptyDiff(diffBulletinContent(content(), content()))).toBe(true);
  });

  it('reports single-valued fields with both values', () => {
    const d = diffBulletinContent(content(), content({ criticality: 'critical', tlp: 'amber' }));
    expect(d.scalars).toEqual([
      { field: 'criticality', before: 'high', after: 'critical' },
      { field: 'tlp', before: 'clear', after: 'amber' },
    ]);
  });

  it('compares a title word by word, keeping the unchanged words', () => {
    const after = content();
    after.texts.fr = { ...after.texts.fr!, title: 'Vulnérabilités dans Fortinet FortiOS' };
    const d = diffBulletinContent(content(), after);
    expect(d.texts).toHaveLength(1);
    expect(d.texts[0]).toMatchObject({ language: 'fr', field: 'title' });
    const parts = d.texts[0]?.parts ?? [];
    expect(parts.filter((p) => p.type === 'removed').map((p) => p.text.trim())).toEqual(['Vulnérabilité']);
    expect(parts.filter((p) => p.type === 'added').map((p) => p.text.trim())).toEqual(['Vulnérabilités']);
    expect(parts.some((p) => p.type === 'same' && p.text.includes('Fortinet FortiOS'))).toBe(true);
  });

  it('reports a translation added as a whole text in its language', () => {
    const after = content();
    after.texts.en = { title: 'Vulnerability in FortiOS', summary: '', description: '', solution: '', workarounds: '' };
    const d = diffBulletinContent(content(), after);
    expect(d.texts).toEqual([{ language: 'en', field: 'title', parts: [{ type: 'added', text: 'Vulnerability in FortiOS' }] }]);
  });

  it('matches CVEs by id and names the fields changed in place', () => {
    const after = content({
      cves: [
        { id: 'CVE-2024-0001', cvss31: 'CVSS:3.1/AV:N/AC:L/PR:N/UI:N/S:U/C:H/I:H/A:H', cvss40: null, cwe: 'CWE-787', exploited: true },
        { id: 'CVE-2024-0002', cvss31: null, cvss40: null, cwe: null, exploited: false },
      ],
    });
    const d = diffBulletinContent(content(), after);
    expect(d.cves.map((c) => [c.change, c.key, c.fields])).toEqual([
      ['changed', 'CVE-2024-0001', ['exploited']],
      ['added', 'CVE-2024-0002', []],
    ]);
  });

  it('matches affected products by vendor and product regardless of case, and lists removals', () => {
    const after = content({ affected: [{ productId: 'p1', vendor: 'FORTINET', product: 'fortios', versions: '< 7.2.6', cpe: null, purl: null }], references: [] });
    const d = diffBulletinContent(content(), after);
    expect(d.affected.map((a) => [a.change, a.fields])).toEqual([['changed', ['vendor', 'product', 'versions']]]);
    expect(d.references.map((r) => [r.change, r.before?.url])).toEqual([['removed', 'https://fortiguard.example/psirt/1']]);
  });

  it('lists risk codes and recipients added and removed', () => {
    const d = diffBulletinContent(content(), content({ risks: ['dos', 'xss'], recipientOrganisationIds: ['o1'] }));
    expect(d.risks).toEqual({ added: ['xss'], removed: ['rce'] });
    expect(d.recipientOrganisationIds).toEqual({ added: ['o1'], removed: [] });
  });
});

describe('text diffs', () => {
  it('shows a corrected word inside a Markdown paragraph, not the whole paragraph replaced', () => {
    const parts = diffMarkdown('Premier paragraphe.\n\nSecond paragraphe.\n', 'Premier paragraphe.\n\nDeuxième paragraphe.\n');
    expect(parts.filter((p) => p.type !== 'same')).toEqual([
      { type: 'removed', text: 'Second' },
      { type: 'added', text: 'Deuxième' },
    ]);
    expect(parts.map((p) => (p.type === 'added' ? '' : p.text)).join('')).toBe('Premier paragraphe.\n\nSecond paragraphe.\n');
  });

  it('rebuilds both texts from the parts', () => {
    const before = 'le chat dort sur le tapis';
    const after = 'le chien dort sous le tapis rouge';
    const parts = diffWordsOf(before, after);
    expect(parts.filter((p) => p.type !== 'added').map((p) => p.text).join('')).toBe(before);
    expect(parts.filter((p) => p.type !== 'removed').map((p) => p.text).join('')).toBe(after);
  });

  it('gives up on word alignment for huge unrelated texts and shows them replaced whole', () => {
    const a = Array.from({ length: 6000 }, (_, i) => `a${i}`).join(' ');
    const b = Array.from({ length: 6000 }, (_, i) => `b${i}`).join(' ');
    const parts = diffWordsOf(a, b);
    expect(parts).toEqual([
      { type: 'removed', text: a },
      { type: 'added', text: b },
    ]);
  });
});
