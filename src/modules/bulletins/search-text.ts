/**
 * Folds text for full-text search, the same way when indexing and when querying, on both databases: Unicode
 * compatibility form, lower case, Latin accents removed (é → e, ç → c), Arabic diacritics (harakat, tanwin,
 * shadda, sukun, superscript alef) and tatweel removed, alef variants (أ إ آ ٱ) folded to ا, alef maqsura to ya
 * and ta marbuta to ha, and every run of other characters than letters and digits turned into one space.
 */
export function foldForSearch(text: string): string {
  return text
    .normalize('NFKD')
    .toLowerCase()
    .replace(/[\u0300-\u036f]/g, '')
    .replace(/[\u064b-\u065f\u0670\u06d6-\u06ed\u0640]/g, '')
    .replace(/[\u0622\u0623\u0625\u0671]/g, '\u0627')
    .replace(/\u0649/g, '\u064a')
    .replace(/\u0629/g, '\u0647')
    .replace(/[^\p{L}\p{N}]+/gu, ' ')
    .trim();
}

/** The distinct folded words of a query, at most `max` of them (longer queries are cut, not refused). */
export function searchTerms(query: string, max = 12): string[] {
  const words = foldForSearch(query).split(' ').filter((w) => w !== '');
  return [...new Set(words)].slice(0, max);
}
