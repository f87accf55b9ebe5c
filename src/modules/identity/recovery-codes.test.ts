import { describe, expect, it } from 'vitest';
import { generateRecoveryCodes, hashRecoveryCode, normaliseRecoveryCode, RECOVERY_CODE_ALPHABET } from '#src/modules/identity/recovery-codes';

describe('recovery codes', () => {
  it('generates ten distinct codes shaped xxxxx-xxxxx from the unambiguous alphabet', () => {
    const codes = generateRecoveryCodes();
    expect(codes).toHaveLength(10);
    expect(new Set(codes).size).toBe(10);
    for (const code of codes) expect(code).toMatch(/^[a-km-np-z2-9]{5}-[a-km-np-z2-9]{5}$/);
    expect(RECOVERY_CODE_ALPHABET).not.toMatch(/[01ilo]/);
  });

  it('reads typed codes ignoring case, spaces and hyphens', () => {
    expect(normaliseRecoveryCode('ABCDE-FGHJK')).toBe('abcdefghjk');
    expect(normaliseRecoveryCode(' abcde fghjk ')).toBe('abcdefghjk');
    expect(normaliseRecoveryCode('abcdefghjk')).toBe('abcdefghjk');
    expect(hashRecoveryCode('ABCDE-FGHJK')).toBe(hashRecoveryCode('abcdefghjk'));
  });

  it('refuses inputs that cannot be codes', () => {
    expect(normaliseRecoveryCode('abcde-fghj')).toBeNull();
    expect(normaliseRecoveryCode('abcde-fghjkm')).toBeNull();
    expect(normaliseRecoveryCode('abcde-fgh0k')).toBeNull();
    expect(normaliseRecoveryCode('123456')).toBeNull();
  });

  it('stores a SHA-256 hex digest, never the code', () => {
    const hash = hashRecoveryCode('abcde-fghjk');
    expect(hash).toMatch(/^[0-9a-f]{64}$/);
    expect(hash).not.toContain('abcde');
  });
});
