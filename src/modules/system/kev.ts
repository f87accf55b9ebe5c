import type { DemoBulletin } from '#src/modules/system/demo-bulletins';
import { parseCveId, parseCweId } from '#src/modules/vulnerabilities/cve';

/** One entry of CISA's Known Exploited Vulnerabilities catalogue (the fields Ribat uses). */
export interface KevEntry {
  cveID: string;
  vendorProject: string;
  product: string;
  vulnerabilityName: string;
  dateAdded: string;
  shortDescription: string;
  requiredAction: string;
  knownRansomwareCampaignUse: string;
  notes: string;
  cwes: string[];
}

/** Why a catalogue was refused: the JSON path of the offending field and what was expected. */
export class KevFormatError extends Error {
  constructor(
    readonly field: string,
    readonly expected: string,
  ) {
    super(`${field}: expected ${expected}`);
    this.name = 'KevFormatError';
  }
}

const str = (entry: Record<string, unknown>, index: number, key: string, required = true): string => {
  const v = entry[key];
  if (typeof v === 'string' && (v.trim() !== '' || !required)) return v.trim();
  if (v === undefined && !required) return '';
  throw new KevFormatError(`vulnerabilities[${index}].${key}`, required ? 'a non-empty string' : 'a string');
};

/**
 * Reads a KEV catalogue (known_exploited_vulnerabilities.json) and checks the fields used. Throws a
 * KevFormatError naming the first bad field; nothing is half-read.
 */
export function parseKevCatalogue(json: unknown): KevEntry[] {
  if (!json || typeof json !== 'object' || !Array.isArray((json as { vulnerabilities?: unknown }).vulnerabilities)) {
    throw new KevFormatError('vulnerabilities', 'an array (is this a KEV catalogue?)');
  }
  const list = (json as { vulnerabilities: unknown[] }).vulnerabilities;
  return list.map((raw, index) => {
    if (!raw || typeof raw !== 'object') throw new KevFormatError(`vulnerabilities[${index}]`, 'an object');
    const e = raw as Record<string, unknown>;
    const cveID = str(e, index, 'cveID');
    if (parseCveId(cveID) === null) throw new KevFormatError(`vulnerabilities[${index}].cveID`, 'a CVE identifier such as CVE-2024-3400');
    const dateAdded = str(e, index, 'dateAdded');
    if (!/^\d{4}-\d{2}-\d{2}$/.test(dateAdded) || Number.isNaN(Date.parse(`${dateAdded}T00:00:00Z`))) {
      throw new KevFormatError(`vulnerabilities[${index}].dateAdded`, 'a date YYYY-MM-DD');
    }
    const cwes = e.cwes === undefined ? [] : e.cwes;
    if (!Array.isArray(cwes) || cwes.some((c) => typeof c !== 'string')) throw new KevFormatError(`vulnerabilities[${index}].cwes`, 'an array of strings');
    return {
      cveID: parseCveId(cveID) ?? cveID,
      vendorProject: str(e, index, 'vendorProject'),
      product: str(e, index, 'product'),
      vulnerabilityName: str(e, index, 'vulnerabilityName'),
      dateAdded,
      shortDescription: str(e, index, 'shortDescription'),
      requiredAction: str(e, index, 'requiredAction', false),
      knownRansomwareCampaignUse: str(e, index, 'knownRansomwareCampaignUse', false),
      notes: str(e, index, 'notes', false),
      cwes: cwes as string[],
    };
  });
}

/** The http(s) links of a KEV `notes` field (semicolon-separated, sometimes after prose). */
export function kevLinks(notes: string): string[] {
  const links = notes.match(/https?:\/\/[^\s;]+/g) ?? [];
  return [...new Set(links)].slice(0, 10);
}

/**
 * A KEV entry as a demonstration alert in English: exploited by definition, critical when used by ransomware
 * campaigns, high otherwise; the required action as the solution; the notes' links as references.
 */
export function kevEntryToBulletin(entry: KevEntry): DemoBulletin {
  const cwe = entry.cwes.map((c) => parseCweId(c)).find((c): c is string => c !== null) ?? null;
  const ransomware = entry.knownRansomwareCampaignUse === 'Known';
  const description = [
    entry.shortDescription,
    '',
    `Listed in CISA's Known Exploited Vulnerabilities catalogue on ${entry.dateAdded}${ransomware ? ', with known use in ransomware campaigns' : ''}.`,
  ].join('\n');
  return {
    key: `kev-${entry.cveID}`,
    kind: 'alert',
    date: `${entry.dateAdded}T12:00:00Z`,
    criticality: ransomware ? 'critical' : 'high',
    risks: ['unspecified'],
    tlp: 'clear',
    originalLanguage: 'en',
    texts: {
      en: { title: entry.vulnerabilityName, summary: entry.shortDescription, description, solution: entry.requiredAction, workarounds: '' },
    },
    affected: [{ vendor: entry.vendorProject, product: entry.product, versions: 'see the vendor advisory' }],
    cves: [{ id: entry.cveID, cvss31: null, cvss40: null, cwe, exploited: true }],
    references: kevLinks(entry.notes).map((url) => ({ title: url.replace(/^https?:\/\//, '').slice(0, 120), url })),
  };
}
