import { randomInt } from 'node:crypto';
import { hashToken } from '#src/core/ids';

/** How many recovery codes a user holds after enrolment or regeneration. */
export const RECOVERY_CODE_COUNT = 10;

/** Lower-case letters and digits without look-alikes (0/o, 1/l/i), so codes copied by hand stay right. */
export const RECOVERY_CODE_ALPHABET = 'abcdefghjkmnpqrstuvwxyz23456789';

const HALF = 5;

/** Generates `count` fresh recovery codes shaped `xxxxx-xxxxx` (about 49 bits each; crypto.randomInt is uniform). */
export function generateRecoveryCodes(count = RECOVERY_CODE_COUNT): string[] {
  const codes = new Set<string>();
  while (codes.size < count) {
    let raw = '';
    for (let i = 0; i < HALF * 2; i += 1) raw += RECOVERY_CODE_ALPHABET[randomInt(RECOVERY_CODE_ALPHABET.length)];
    codes.add(`${raw.slice(0, HALF)}-${raw.slice(HALF)}`);
  }
  return [...codes];
}

/** The canonical form of a typed code (case, spaces and hyphens ignored), or null if it cannot be a code. */
export function normaliseRecoveryCode(input: string): string | null {
  const compact = input.toLowerCase().replace(/[\s-]+/g, '');
  if (compact.length !== HALF * 2) return null;
  for (const ch of compact) if (!RECOVERY_CODE_ALPHABET.includes(ch)) return null;
  return compact;
}

/** What is stored for a code: SHA-256 of its canonical form (codes are random, so no salt is needed). */
export function hashRecoveryCode(code: string): string {
  return hashToken(normaliseRecoveryCode(code) ?? code);
}
