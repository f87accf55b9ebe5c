import { describe, expect, it } from 'vitest';
import { KevFormatError, kevEntryToBulletin, kevLinks, parseKevCatalogue } from '#src/modules/system/kev';

const entry = {
  cveID: 'CVE-2024-0001',
  vendorProject: 'Example Vendor',
  product: 'Example Gateway',
  vulnerabilityName: 'Example Gateway Command Injection Vulnerability',
  dateAdded: '2024-05-02',
  shortDescription: 'Example Gateway contains a command injection vulnerability.',
  requiredAction: 'Apply mitigations per vendor instructions.',
  dueDate: '2024-05-23',
  knownRansomwareCampaignUse: 'Known',
  notes: 'See: https://vendor.example/advisory/1 ; https://nvd.nist.gov/vuln/detail/CVE-2024-0001',
  cwes: ['CWE-78'],
};

describe('parseKevCatalogue', () => {
  it('reads the fields Ribat uses', () => {
    const [read] = parseKevCatalogue({ vulnerabilities: [entry] });
    expect(read).toMatchObject({ cveID: 'CVE-2024-0001', vendorProject: 'Example Vendor', cwes: ['CWE-78'] });
  });
  it('names the first bad field', () => {
    expect(() => parseKevCatalogue({})).toThrow(KevFormatError);
    expect(() => parseKevCatalogue({ vulnerabilities: [{ ...entry, cveID: 'CVE-24-1' }] })).toThrow('vulnerabilities[0].cveID');
    expect(() => parseKevCatalogue({ vulnerabilities: [entry, { ...entry, dateAdded: '02/05/2024' }] })).toThrow('vulnerabilities[1].dateAdded');
    expect(() => parseKevCatalogue({ vulnerabilities: [{ ...entry, cwes: 'CWE-78' }] })).toThrow('vulnerabilities[0].cwes');
  });
});

describe('kevEntryToBulletin', () => {
  it('makes an English, exploited alert, critical when ransomware use is known', () => {
    const [read] = parseKevCatalogue({ vulnerabilities: [entry] });
    const b = kevEntryToBulletin(read);
    expect(b).toMatchObject({ kind: 'alert', criticality: 'critical', originalLanguage: 'en', date: '2024-05-02T12:00:00Z' });
    expect(b.cves).toEqual([{ id: 'CVE-2024-0001', cvss31: null, cvss40: null, cwe: 'CWE-78', exploited: true }]);
    expect(b.references.map((r) => r.url)).toEqual(['https://vendor.example/advisory/1', 'https://nvd.nist.gov/vuln/detail/CVE-2024-0001']);
    expect(kevEntryToBulletin({ ...read, knownRansomwareCampaignUse: 'Unknown' }).criticality).toBe('high');
  });
  it('extracts distinct links from notes', () => {
    expect(kevLinks('a https://x.example/1 ; https://x.example/1 ; b')).toEqual(['https://x.example/1']);
  });
});
