import { describe, expect, it } from 'vitest';
import { extractCveIds, matchCveIds, parseCveId, parseCweId } from '#src/modules/vulnerabilities/cve';

describe('parseCveId', () => {
  it.each([
    ['CVE-2021-44228', 'CVE-2021-44228'],
    ['cve-2024-3094', 'CVE-2024-3094'],
    ['  CVE-1999-0006\n', 'CVE-1999-0006'],
    ['CVE-2014-0001', 'CVE-2014-0001'],
    ['CVE-2014-0160', 'CVE-2014-0160'],
    ['CVE-2017-1000117', 'CVE-2017-1000117'],
    ['CVE\u20112023\u201146604', 'CVE-2023-46604'],
    ['CVE\u20132023\u201346604', 'CVE-2023-46604'],
  ])('%j → %s', (input, expected) => {
    expect(parseCveId(input)).toBe(expected);
  });

  it.each([
    '',
    'CVE-2021',
    'CVE-2021-123',
    'CVE-1998-0001',
    'CVE-0999-1234',
    'CVE-21-44228',
    'CVE-2014-01234',
    'CVE-2014-00001',
    'CVE_2021_44228',
    'CVE-2021-44228a',
    'CAN-2021-44228',
    'CVE-2021-44228 CVE-2021-45046',
    'CVE-2021-1234567890123',
    'GHSA-jfh8-c2jp-5v3q',
  ])('refuses %j', (input) => {
    expect(parseCveId(input)).toBeNull();
  });
});

describe('extractCveIds', () => {
  it('finds ids in prose, normalised and deduplicated in order of first appearance', () => {
    const text = 'Apache Log4j (cve-2021-44228, CVE-2021-45046) — see also CVE-2021-44228 and CVE\u20112021\u201145105.';
    expect(extractCveIds(text)).toEqual(['CVE-2021-44228', 'CVE-2021-45046', 'CVE-2021-45105']);
  });

  it('ignores ids glued to other words, invalid sequences and old years', () => {
    expect(extractCveIds('XCVE-2021-44228 CVE-2021-44228X CVE-2014-01234 CVE-1990-1234 CVE-2021-44228_x')).toEqual([]);
  });

  it('reports positions in the original text', () => {
    const text = 'Fix: cve-2024-3094!';
    expect(matchCveIds(text)).toEqual([{ id: 'CVE-2024-3094', start: 5, end: 18 }]);
    expect(text.slice(5, 18)).toBe('cve-2024-3094');
  });

  it('returns an empty list for text without ids', () => {
    expect(extractCveIds('No vulnerability here, version 2021-44228.')).toEqual([]);
  });
});

describe('parseCweId', () => {
  it.each([
    ['CWE-79', 'CWE-79'],
    ['79', 'CWE-79'],
    ['cwe-787', 'CWE-787'],
    [' CWE 20 ', 'CWE-20'],
    ['CWE1321', 'CWE-1321'],
  ])('%j → %s', (input, expected) => {
    expect(parseCweId(input)).toBe(expected);
  });

  it.each(['', 'CWE-', 'CWE-0', 'CWE-079', '079', 'NVD-CWE-Other', 'NVD-CWE-noinfo', 'CWE-79a', 'CAPEC-66', '-79'])('refuses %j', (input) => {
    expect(parseCweId(input)).toBeNull();
  });
});
