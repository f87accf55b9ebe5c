import { describe, expect, it } from 'vitest';
import { generateTotpSecret, looksLikeTotpCode, matchTotp, totpCodeAt, totpCodeForStep, totpStep, totpUri } from '#src/modules/identity/totp';

// RFC 6238 appendix B: the ASCII secret "12345678901234567890" with SHA-1, truncated to 6 digits.
const rfcSecret = 'GEZDGNBVGY3TQOJQGEZDGNBVGY3TQOJQ';

describe('TOTP', () => {
  it('matches the RFC 6238 test vectors (SHA-1, last 6 digits)', () => {
    expect(totpCodeAt(rfcSecret, new Date(59 * 1000))).toBe('287082');
    expect(totpCodeAt(rfcSecret, new Date(1111111109 * 1000))).toBe('081804');
    expect(totpCodeAt(rfcSecret, new Date(1234567890 * 1000))).toBe('005924');
    expect(totpCodeAt(rfcSecret, new Date(2000000000 * 1000))).toBe('279037');
  });

  it('generates 160-bit base32 secrets, different each time', () => {
    const a = generateTotpSecret();
    expect(a).toMatch(/^[A-Z2-7]{32}$/);
    expect(generateTotpSecret()).not.toBe(a);
  });

  it('accepts the current step and one step either side, and nothing further', () => {
    const now = new Date('2025-03-01T10:00:15Z');
    const step = totpStep(now);
    const secret = generateTotpSecret();
    expect(matchTotp(secret, totpCodeForStep(secret, step), now, null)).toBe(step);
    expect(matchTotp(secret, totpCodeForStep(secret, step - 1), now, null)).toBe(step - 1);
    expect(matchTotp(secret, totpCodeForStep(secret, step + 1), now, null)).toBe(step + 1);
    const far = totpCodeForStep(secret, step - 2);
    const nearCodes = [step - 1, step, step + 1].map((s) => totpCodeForStep(secret, s));
    if (!nearCodes.includes(far)) expect(matchTotp(secret, far, now, null)).toBeNull();
  });

  it('refuses a code of a step already used (replay) or earlier', () => {
    const now = new Date('2025-03-01T10:00:15Z');
    const step = totpStep(now);
    const secret = generateTotpSecret();
    const code = totpCodeForStep(secret, step);
    expect(matchTotp(secret, code, now, step)).toBeNull();
    expect(matchTotp(secret, code, now, step + 1)).toBeNull();
    expect(matchTotp(secret, code, now, step - 1)).toBe(step);
  });

  it('ignores spaces and refuses anything but six digits', () => {
    const now = new Date('2025-03-01T10:00:15Z');
    const secret = generateTotpSecret();
    const code = totpCodeAt(secret, now);
    expect(matchTotp(secret, `${code.slice(0, 3)} ${code.slice(3)}`, now, null)).toBe(totpStep(now));
    expect(matchTotp(secret, `${code}0`, now, null)).toBeNull();
    expect(matchTotp(secret, 'abcdef', now, null)).toBeNull();
    expect(looksLikeTotpCode('123 456')).toBe(true);
    expect(looksLikeTotpCode('abcde-fghij')).toBe(false);
  });

  it('builds an otpauth URI naming the issuer and account, with the standard parameters', () => {
    const uri = totpUri('JBSWY3DPEHPK3PXP', 'Ribat', 'nadia@cert.gov.ma');
    expect(uri.startsWith('otpauth://totp/Ribat:nadia%40cert.gov.ma?')).toBe(true);
    const params = new URL(uri).searchParams;
    expect(params.get('secret')).toBe('JBSWY3DPEHPK3PXP');
    expect(params.get('issuer')).toBe('Ribat');
    expect(params.get('algorithm')).toBe('SHA1');
    expect(params.get('digits')).toBe('6');
    expect(params.get('period')).toBe('30');
  });
});
