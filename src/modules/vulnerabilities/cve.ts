/**
 * CVE and CWE identifiers: validation, normalisation and extraction from free text.
 *
 * CVE syntax (MITRE, 2014 ID syntax change): `CVE-YYYY-NNNN…`, a four-digit year (the first ids are from 1999) and a
 * sequence of at least four digits; a four-digit sequence may have leading zeros (`CVE-2014-0001`), a longer one
 * must not (`CVE-2014-01234` is not an id). Dashes copied from PDFs or word processors (U+2010–U+2015, U+2212) are
 * read as '-'.
 */

/** Dash characters accepted in place of '-' in pasted identifiers. */
const DASHES = '\\-\\u2010-\\u2015\\u2212';
/** Longest sequence accepted: far above any assigned id (7 digits today), low enough to refuse junk. */
const MAX_SEQUENCE_DIGITS = 12;
const FIRST_CVE_YEAR = 1999;
const CVE_EXACT = new RegExp(`^CVE[${DASHES}](\\d{4})[${DASHES}](\\d{4,${MAX_SEQUENCE_DIGITS}})$`, 'i');
const CVE_IN_TEXT_SOURCE = `(?<![\\p{L}\\p{N}_])CVE[${DASHES}](\\d{4})[${DASHES}](\\d{4,})(?![\\p{L}\\p{N}_])`;

/** A CVE id found in text: its normalised form and where it was found (UTF-16 offsets, end exclusive). */
export interface CveMatch {
  id: string;
  start: number;
  end: number;
}

function normaliseParts(year: string, sequence: string): string | null {
  if (Number(year) < FIRST_CVE_YEAR) return null;
  if (sequence.length > 4 && sequence.startsWith('0')) return null;
  if (sequence.length > MAX_SEQUENCE_DIGITS) return null;
  return `CVE-${year}-${sequence}`;
}

/** Normalises a CVE id (`cve-2024-3094 ` → `CVE-2024-3094`); null unless it follows the CVE id syntax. */
export function parseCveId(s: string): string | null {
  const m = CVE_EXACT.exec(s.trim());
  if (!m) return null;
  return normaliseParts(m[1] ?? '', m[2] ?? '');
}

/** Every valid CVE id in `text` with its position, in order of appearance, duplicates included. */
export function matchCveIds(text: string): CveMatch[] {
  const out: CveMatch[] = [];
  for (const m of text.matchAll(new RegExp(CVE_IN_TEXT_SOURCE, 'giu'))) {
    const id = normaliseParts(m[1] ?? '', m[2] ?? '');
    if (id !== null) out.push({ id, start: m.index, end: m.index + m[0].length });
  }
  return out;
}

/** The distinct CVE ids mentioned in `text`, normalised, in order of first appearance. */
export function extractCveIds(text: string): string[] {
  return [...new Set(matchCveIds(text).map((m) => m.id))];
}

/**
 * Normalises a CWE id (`79`, `cwe-79`, `CWE 79` → `CWE-79`); null otherwise. The NVD placeholders `NVD-CWE-Other`
 * and `NVD-CWE-noinfo` are not CWE ids and give null.
 */
export function parseCweId(s: string): string | null {
  const m = /^(?:CWE[\s\-\u2010-\u2015\u2212]?)?([1-9]\d{0,6})$/i.exec(s.trim());
  return m ? `CWE-${m[1] ?? ''}` : null;
}
