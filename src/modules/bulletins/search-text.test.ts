import { describe, expect, it } from 'vitest';
import { foldForSearch, searchTerms } from '#src/modules/bulletins/search-text';

describe('foldForSearch', () => {
  it('removes Latin accents and case', () => {
    expect(foldForSearch('Élévation de privilèges dans Ça')).toBe('elevation de privileges dans ca');
  });
  it('removes Arabic diacritics and tatweel and folds alef forms', () => {
    expect(foldForSearch('ثَغْرَةٌ أمنيّة')).toBe(foldForSearch('ثغرة امنية'));
    expect(foldForSearch('الـــثغرة')).toBe('الثغره');
    expect(foldForSearch('إصدار')).toBe('اصدار');
  });
  it('turns punctuation into single spaces and keeps identifiers searchable', () => {
    expect(foldForSearch('CVE-2026-1234, FortiOS!')).toBe('cve 2026 1234 fortios');
  });
});

describe('searchTerms', () => {
  it('gives distinct folded words, capped', () => {
    expect(searchTerms('Fortinet fortinet FORTINET')).toEqual(['fortinet']);
    expect(searchTerms('a b c d', 2)).toEqual(['a', 'b']);
    expect(searchTerms('  ;;  ')).toEqual([]);
  });
});
