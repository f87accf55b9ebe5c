import { describe, expect, it } from 'vitest';
import { cvssSeverity, parseCvssVector, type CvssParseResult } from '#src/modules/vulnerabilities/cvss';

function scored(vector: string): Extract<CvssParseResult, { ok: true }> {
  const result = parseCvssVector(vector);
  if (!result.ok) throw new Error(`expected ${vector} to parse: ${result.reason} ${result.detail}`);
  return result;
}

describe('parseCvssVector: CVSS 3.1 base scores (FIRST specification examples and well-known CVEs)', () => {
  it.each([
    ['CVSS:3.1/AV:N/AC:L/PR:N/UI:N/S:U/C:H/I:H/A:H', 9.8, 'critical'],
    ['CVSS:3.1/AV:N/AC:L/PR:N/UI:R/S:C/C:L/I:L/A:N', 6.1, 'medium'],
    ['CVSS:3.1/AV:N/AC:L/PR:N/UI:N/S:C/C:H/I:H/A:H', 10, 'critical'], // Log4Shell, CVE-2021-44228
    ['CVSS:3.1/AV:L/AC:L/PR:L/UI:N/S:U/C:H/I:H/A:H', 7.8, 'high'],
    ['CVSS:3.1/AV:N/AC:L/PR:N/UI:N/S:U/C:L/I:N/A:N', 5.3, 'medium'],
    ['CVSS:3.1/AV:N/AC:L/PR:N/UI:R/S:C/C:H/I:H/A:H', 9.6, 'critical'],
    ['CVSS:3.1/AV:L/AC:H/PR:L/UI:R/S:U/C:L/I:N/A:N', 2.2, 'low'],
    ['CVSS:3.1/AV:N/AC:L/PR:N/UI:N/S:U/C:N/I:N/A:N', 0, 'none'],
  ])('%s → %s %s', (vector, score, severity) => {
    const r = scored(vector);
    expect(r).toMatchObject({ version: '3.1', vector, baseScore: score, severity, score, scoreSeverity: severity, nomenclature: 'CVSS-B' });
  });

  it('keeps the base score apart from the temporal score, labelled CVSS-BT', () => {
    const r = scored('CVSS:3.1/AV:N/AC:L/PR:N/UI:N/S:U/C:H/I:H/A:H/E:P/RL:O/RC:C');
    expect(r).toMatchObject({ baseScore: 9.8, severity: 'critical', score: 8.8, scoreSeverity: 'high', nomenclature: 'CVSS-BT' });
  });

  it('computes an environmental score when environmental metrics are given (CVSS-BE)', () => {
    const r = scored('CVSS:3.1/AV:N/AC:L/PR:N/UI:N/S:U/C:H/I:H/A:H/MAV:L');
    expect(r.nomenclature).toBe('CVSS-BE');
    expect(r.baseScore).toBe(9.8);
    expect(r.score).toBe(8.4);
  });
});

describe('parseCvssVector: CVSS 4.0 scores', () => {
  it.each([
    ['CVSS:4.0/AV:N/AC:L/AT:N/PR:N/UI:N/VC:H/VI:H/VA:H/SC:N/SI:N/SA:N', 9.3, 'critical'],
    ['CVSS:4.0/AV:N/AC:L/AT:N/PR:N/UI:N/VC:N/VI:N/VA:N/SC:N/SI:N/SA:N', 0, 'none'],
    // Rounding boundary: the exact value is 5.65; FIRST's and NVD's decimal rounding give 5.7 (old JS calculators 5.6).
    ['CVSS:4.0/AV:N/AC:H/AT:P/PR:H/UI:A/VC:L/VI:H/VA:N/SC:N/SI:N/SA:N', 5.7, 'medium'],
    // As published by their CNAs (CVE JSON 5 records).
    ['CVSS:4.0/AV:N/AC:H/AT:N/PR:N/UI:N/VC:L/VI:L/VA:L/SC:N/SI:N/SA:N', 6.3, 'medium'], // CVE-2005-10003
    ['CVSS:4.0/AV:A/AC:L/AT:N/PR:N/UI:N/VC:N/VI:N/VA:H/SC:N/SI:N/SA:N', 7.1, 'high'], // CVE-2017-2680
    ['CVSS:4.0/AV:L/AC:L/AT:N/PR:L/UI:N/VC:H/VI:H/VA:H/SC:H/SI:H/SA:H', 9.3, 'critical'], // CVE-2020-8907
    ['CVSS:4.0/AV:N/AC:L/AT:N/PR:H/UI:N/VC:H/VI:H/VA:H/SC:N/SI:N/SA:N', 8.6, 'high'], // CVE-2021-26725
    ['CVSS:4.0/AV:L/AC:L/AT:N/PR:L/UI:N/VC:L/VI:L/VA:L/SC:N/SI:N/SA:N', 4.8, 'medium'], // CVE-2022-4969
    ['CVSS:4.0/AV:L/AC:L/AT:P/PR:L/UI:N/VC:L/VI:N/VA:N/SC:H/SI:H/SA:H', 5.2, 'medium'], // CVE-2023-5937
    ['CVSS:4.0/AV:N/AC:H/AT:P/PR:H/UI:N/VC:H/VI:H/VA:H/SC:H/SI:H/SA:H', 8.9, 'high'], // CVE-2023-5938
    ['CVSS:4.0/AV:N/AC:L/AT:N/PR:H/UI:N/VC:N/VI:N/VA:N/SC:L/SI:N/SA:N', 5.1, 'medium'], // GHSA-vmc4-9828-r48r
  ])('%s → %s %s', (vector, score, severity) => {
    expect(scored(vector)).toMatchObject({ version: '4.0', vector, baseScore: score, severity, score, nomenclature: 'CVSS-B' });
  });

  it('keeps supplemental metrics in the vector without changing the score', () => {
    const r = scored('CVSS:4.0/AV:N/AC:H/AT:N/PR:L/UI:A/VC:N/VI:L/VA:L/SC:N/SI:N/SA:L/RE:M/U:Clear'); // CVE-2022-26328
    expect(r).toMatchObject({ baseScore: 2, severity: 'low', score: 2, nomenclature: 'CVSS-B' });
    expect(r.vector).toBe('CVSS:4.0/AV:N/AC:H/AT:N/PR:L/UI:A/VC:N/VI:L/VA:L/SC:N/SI:N/SA:L/RE:M/U:Clear');
  });

  it('scores the threat metric as CVSS-BT and keeps the base score (8.7 base, 7.4 with E:P)', () => {
    const r = scored('CVSS:4.0/AV:N/AC:L/AT:N/PR:L/UI:N/VC:H/VI:H/VA:H/SC:N/SI:N/SA:N/E:P');
    expect(r).toMatchObject({ baseScore: 8.7, severity: 'high', score: 7.4, scoreSeverity: 'high', nomenclature: 'CVSS-BT' });
  });

  it('labels base + threat + environmental vectors CVSS-BTE', () => {
    const r = scored('CVSS:4.0/AV:N/AC:L/AT:N/PR:N/UI:N/VC:H/VI:H/VA:H/SC:N/SI:N/SA:N/E:U/CR:L');
    expect(r.nomenclature).toBe('CVSS-BTE');
    expect(r.baseScore).toBe(9.3);
    expect(r.score).toBeLessThan(r.baseScore);
  });
});

describe('parseCvssVector: normalisation', () => {
  it('reorders metrics, fixes letter case and trims', () => {
    expect(scored('  cvss:3.1/a:n/i:l/c:l/s:c/ui:r/pr:n/ac:l/av:n \n').vector).toBe('CVSS:3.1/AV:N/AC:L/PR:N/UI:R/S:C/C:L/I:L/A:N');
    expect(scored('CVSS:4.0/SA:N/SI:N/SC:N/VA:H/VI:H/VC:H/UI:N/PR:N/AT:N/AC:L/AV:N/u:amber').vector).toBe(
      'CVSS:4.0/AV:N/AC:L/AT:N/PR:N/UI:N/VC:H/VI:H/VA:H/SC:N/SI:N/SA:N/U:Amber',
    );
  });

  it('drops metrics set to X (Not Defined), which the specifications treat as absent', () => {
    const r = scored('CVSS:3.1/AV:N/AC:H/PR:N/UI:N/S:U/C:H/I:N/A:N/E:X/RL:X/RC:X');
    expect(r.vector).toBe('CVSS:3.1/AV:N/AC:H/PR:N/UI:N/S:U/C:H/I:N/A:N');
    expect(r.nomenclature).toBe('CVSS-B');
    expect(r.score).toBe(5.9);
  });

  it('is idempotent: parsing the canonical vector gives the same result', () => {
    const first = scored('CVSS:4.0/E:A/AV:P/AC:L/AT:N/PR:N/UI:N/VC:H/VI:L/VA:L/SC:H/SI:H/SA:H/MSI:S');
    expect(parseCvssVector(first.vector)).toEqual(first);
  });
});

describe('parseCvssVector: refusals', () => {
  it.each([
    ['', 'empty'],
    ['   ', 'empty'],
    ['AV:N/AC:L/PR:N/UI:N/S:U/C:H/I:H/A:H', 'unknown_version'],
    ['CVSS:5.0/AV:N', 'unknown_version'],
    ['CVSS/AV:N', 'unknown_version'],
    ['CVSS:3.0/AV:N/AC:L/PR:N/UI:N/S:U/C:H/I:H/A:H', 'unsupported_version'],
    ['CVSS:2.0/AV:N/AC:L/Au:N/C:P/I:P/A:P', 'unsupported_version'],
    ['CVSS:3.1/AV:N/AC:L/PR:N/UI:N/S:U/C:H/I:H/A:Q', 'invalid_metric'],
    ['CVSS:3.1/AV:N/AC:L/PR:N/UI:N/S:U/C:H/I:H/A:H/ZZ:H', 'invalid_metric'],
    ['CVSS:3.1/AV:N/AC:L/PR:N/UI:N/S:U/C:H/I:H/A:H/', 'invalid_metric'],
    ['CVSS:3.1/AV:N/AC:L/PR:N/UI:N/S:U/C:H/I:H/A', 'invalid_metric'],
    ['CVSS:3.1/AV:N/AC:L/PR:N/UI:N/S:U/C:H/I:H/A:', 'invalid_metric'],
    ['CVSS:3.1/AV:N/AC:L/PR:N/UI:N/S:U/C:H/I:H/A:H/AT:N', 'invalid_metric'],
    ['CVSS:4.0/AV:N/AC:L/AT:N/PR:N/UI:R/VC:H/VI:H/VA:H/SC:N/SI:N/SA:N', 'invalid_metric'],
    ['CVSS:4.0/AV:N/AC:L/AT:N/PR:N/UI:N/VC:H/VI:H/VA:H/SC:N/SI:N/SA:N/MSC:S', 'invalid_metric'],
    ['CVSS:3.1/AV:N/AC:L/PR:N/UI:N/S:U/C:H/I:H', 'missing_metric'],
    ['CVSS:4.0/AV:N/AC:L/PR:N/UI:N/VC:H/VI:H/VA:H/SC:N/SI:N/SA:N', 'missing_metric'],
    ['CVSS:3.1', 'missing_metric'],
    ['CVSS:3.1/AV:N/AV:L/AC:L/PR:N/UI:N/S:U/C:H/I:H/A:H', 'duplicate_metric'],
    ['CVSS:4.0/AV:N/AC:L/AT:N/PR:N/UI:N/VC:H/VI:H/VA:H/SC:N/SI:N/SA:N/E:A/E:U', 'duplicate_metric'],
  ])('%j → %s', (vector, reason) => {
    const r = parseCvssVector(vector);
    expect(r.ok).toBe(false);
    if (!r.ok) {
      expect(r.reason).toBe(reason);
      expect(r.detail.length).toBeGreaterThan(10);
    }
  });

  it('names what is missing or wrong in the detail', () => {
    expect(parseCvssVector('CVSS:3.1/AV:N/AC:L/PR:N/UI:N/S:U/C:H')).toMatchObject({ reason: 'missing_metric', detail: 'Missing base metrics: I, A.' });
    expect(parseCvssVector('CVSS:3.1/AV:N/AC:L/PR:N/UI:N/S:U/C:H/I:H/A:Q')).toMatchObject({ detail: expect.stringContaining('"Q" is not a value of A') });
  });

  it('refuses absurdly long input without work', () => {
    expect(parseCvssVector(`CVSS:3.1/${'AV:N/'.repeat(200)}`)).toMatchObject({ ok: false, reason: 'invalid_metric' });
  });
});

describe('cvssSeverity', () => {
  it.each([
    [0, 'none'],
    [0.1, 'low'],
    [3.9, 'low'],
    [4, 'medium'],
    [6.9, 'medium'],
    [7, 'high'],
    [8.9, 'high'],
    [9, 'critical'],
    [10, 'critical'],
  ])('%s → %s', (score, severity) => {
    expect(cvssSeverity(score)).toBe(severity);
  });
});
