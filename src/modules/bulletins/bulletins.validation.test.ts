import { describe, expect, it } from 'vitest';
import { emptyContent } from '#src/modules/bulletins/bulletins.types';
import { checkBulletinComplete, checkBulletinInput, isHttpUrl, mergeBulletinInput, type BulletinInput } from '#src/modules/bulletins/bulletins.validation';
import { isValidCpe23, isValidPurl, nameKey } from '#src/modules/bulletins/products.repository';

const blank = (): BulletinInput => {
  const { kind: _k, originalLanguage: _o, ...content } = emptyContent('bulletin', 'fr');
  return content;
};

describe('CPE 2.3 and package URLs', () => {
  it.each([
    'cpe:2.3:a:fortinet:fortios:7.2.0:*:*:*:*:*:*:*',
    'cpe:2.3:o:microsoft:windows_10:-:*:*:*:*:*:x64:*',
    'cpe:2.3:a:vendor:prod\\:uct:1.0:*:*:*:*:*:*:*',
  ])('accepts %s', (cpe) => expect(isValidCpe23(cpe)).toBe(true));

  it.each(['cpe:/a:fortinet:fortios:7.2', 'cpe:2.3:x:fortinet:fortios:7.2.0:*:*:*:*:*:*:*', 'cpe:2.3:a:fortinet:fortios', 'cpe:2.3:a:for tinet:fortios:7:*:*:*:*:*:*:*'])('refuses %s', (cpe) =>
    expect(isValidCpe23(cpe)).toBe(false),
  );

  it.each(['pkg:npm/%40angular/core@17.0.0', 'pkg:maven/org.apache.logging.log4j/log4j-core@2.14.1', 'pkg:pypi/django@4.2?arch=x86_64#sub/path'])('accepts %s', (purl) =>
    expect(isValidPurl(purl)).toBe(true),
  );

  it.each(['npm/left-pad', 'pkg:npm', 'pkg:/left-pad', 'pkg:npm/left pad'])('refuses %s', (purl) => expect(isValidPurl(purl)).toBe(false));

  it('folds registry names so each is spelled once', () => {
    expect(nameKey('  FortiOS ')).toBe(nameKey('fortios'));
    expect(nameKey('Schneider-Électric')).toBe('schneider electric');
  });
});

describe('the lenient check', () => {
  it('accepts an empty draft', () => {
    expect(checkBulletinInput(blank(), 'fr').errors).toEqual([]);
  });

  it('drops blank rows but keeps the input positions in error paths', () => {
    const input = blank();
    input.references = [{ title: '', url: '' }, { title: 'x', url: 'javascript:alert(1)' }];
    input.affected = [{ vendor: '', product: '', versions: '' }, { vendor: 'V', product: '', versions: '1' }];
    const checked = checkBulletinInput(input, 'fr');
    expect(checked.errors.map((e) => `${e.field}:${e.message}`)).toEqual(['affected.1.product:required', 'references.1.url:invalid_url']);
    expect(checked.references).toHaveLength(1);
  });

  it('refuses unknown languages and TLP labels', () => {
    const input = { ...blank(), tlp: 'white' } as unknown as BulletinInput;
    (input.texts as Record<string, unknown>).de = { title: 'Hallo' };
    expect(checkBulletinInput(input, 'fr').errors.map((e) => e.field).sort()).toEqual(['texts.de', 'tlp']);
  });

  it('refuses a NUL in Markdown but keeps line breaks', () => {
    const input = blank();
    input.texts = { fr: { title: 't', summary: '', description: 'a\n\nb\r\n\tc', solution: 'x\u0000y', workarounds: '' } };
    expect(checkBulletinInput(input, 'fr').errors).toEqual([{ field: 'texts.fr.solution', message: 'invalid' }]);
  });

  it('accepts http and https reference links only', () => {
    expect(isHttpUrl('https://example.com/a?b#c')).toBe(true);
    expect(isHttpUrl('HTTP://example.com')).toBe(true);
    for (const url of ['ftp://example.com', 'javascript:alert(1)', '//example.com', 'https://', 'data:text/html,x']) expect(isHttpUrl(url)).toBe(false);
  });
});

describe('completeness and merging', () => {
  it('asks for a change summary from the second revision on', () => {
    const content = emptyContent('note', 'fr');
    content.texts.fr = { title: 't', summary: 's', description: 'd', solution: '', workarounds: '' };
    content.criticality = 'low';
    expect(checkBulletinComplete({ kind: 'note', publishedRevision: 0, changeSummary: '' }, content)).toEqual([]);
    expect(checkBulletinComplete({ kind: 'note', publishedRevision: 1, changeSummary: '' }, content)).toEqual([{ field: 'changeSummary', message: 'required' }]);
  });

  it('merges an API patch: texts per language, lists replaced, the rest kept', () => {
    const current = emptyContent('bulletin', 'fr');
    current.texts.fr = { title: 'Titre', summary: 'Résumé', description: '', solution: '', workarounds: '' };
    current.risks = ['dos'];
    current.criticality = 'high';
    const merged = mergeBulletinInput(current, { texts: { fr: { summary: 'Nouveau' }, en: { title: 'Title' } }, risks: ['xss'] });
    expect(merged.texts.fr).toMatchObject({ title: 'Titre', summary: 'Nouveau' });
    expect(merged.texts.en).toMatchObject({ title: 'Title', summary: '' });
    expect(merged.risks).toEqual(['xss']);
    expect(merged.criticality).toBe('high');
  });
});
