import { describe, expect, it } from 'vitest';
import { createSecretBox, PENDING_MFA_TTL_MS } from '#src/modules/identity/secret-box';

const secret = 'a-test-installation-secret-of-32-chars!!';
const box = createSecretBox(secret);
const now = new Date('2025-03-01T10:00:00Z');

describe('secret box', () => {
  it('opens what it sealed, for the same purpose, and the sealed form does not contain the plaintext', () => {
    const sealed = box.seal('mfa-secret:u1', 'JBSWY3DPEHPK3PXP');
    expect(sealed.startsWith('v1.')).toBe(true);
    expect(sealed).not.toContain('JBSWY3DPEHPK3PXP');
    expect(box.open('mfa-secret:u1', sealed, now)).toBe('JBSWY3DPEHPK3PXP');
  });

  it('seals the same plaintext differently each time (random IV)', () => {
    expect(box.seal('p', 'x')).not.toBe(box.seal('p', 'x'));
  });

  it('refuses a value sealed for another purpose (purpose bound as AAD)', () => {
    const sealed = box.seal('mfa-enrol:u1', 'SECRET');
    expect(box.open('mfa-enrol:u2', sealed, now)).toBeNull();
    expect(box.open('mfa-secret:u1', sealed, now)).toBeNull();
  });

  it('refuses a value sealed under another installation secret', () => {
    const other = createSecretBox('another-installation-secret-32-chars!!!');
    expect(other.open('p', box.seal('p', 'SECRET'), now)).toBeNull();
  });

  it('refuses any tampering with the ciphertext, tag or expiry', () => {
    const sealed = box.seal('p', 'SECRET', { expiresAt: new Date(now.getTime() + 1000) });
    const raw = Buffer.from(sealed.slice(3), 'base64url');
    for (const index of [0, 7, 8, 20, 30, raw.length - 1]) {
      const copy = Buffer.from(raw);
      copy[index] = (copy[index] ?? 0) ^ 0x01;
      expect(box.open('p', `v1.${copy.toString('base64url')}`, now), `byte ${index}`).toBeNull();
    }
    expect(box.open('p', 'v1.', now)).toBeNull();
    expect(box.open('p', 'v2.abc', now)).toBeNull();
    expect(box.open('p', 'v1.not base64!', now)).toBeNull();
  });

  it('honours the expiry: valid until the instant, refused from it on', () => {
    const expiresAt = new Date(now.getTime() + PENDING_MFA_TTL_MS);
    const sealed = box.seal('mfa-enrol:u1', 'SECRET', { expiresAt });
    expect(box.open('mfa-enrol:u1', sealed, new Date(expiresAt.getTime() - 1))).toBe('SECRET');
    expect(box.open('mfa-enrol:u1', sealed, expiresAt)).toBeNull();
    expect(box.open('mfa-enrol:u1', sealed, new Date(expiresAt.getTime() + 60_000))).toBeNull();
  });

  it('keeps a value without expiry forever', () => {
    const sealed = box.seal('p', 'SECRET');
    expect(box.open('p', sealed, new Date('2099-01-01T00:00:00Z'))).toBe('SECRET');
  });
});
