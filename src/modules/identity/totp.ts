import { Secret, TOTP } from 'otpauth';
import { safeEqual } from '#src/core/ids';

/** RFC 6238 parameters every authenticator app understands: HMAC-SHA1, 6 digits, 30-second steps. */
export const TOTP_ALGORITHM = 'SHA1';
export const TOTP_DIGITS = 6;
export const TOTP_PERIOD_SECONDS = 30;
/** Steps accepted either side of the current one, for clock drift between the server and the phone. */
export const TOTP_WINDOW = 1;

/** A new random TOTP secret (160 bits, as RFC 4226 recommends), in base32 for manual entry. */
export function generateTotpSecret(): string {
  return new Secret({ size: 20 }).base32;
}

/** The time step (counter) an instant falls in. */
export function totpStep(at: Date): number {
  return Math.floor(at.getTime() / 1000 / TOTP_PERIOD_SECONDS);
}

/** The code an authenticator shows for `secret` at time step `step`. */
export function totpCodeForStep(secretBase32: string, step: number): string {
  return TOTP.generate({
    secret: Secret.fromBase32(secretBase32),
    algorithm: TOTP_ALGORITHM,
    digits: TOTP_DIGITS,
    period: TOTP_PERIOD_SECONDS,
    timestamp: step * TOTP_PERIOD_SECONDS * 1000,
  });
}

/** The code an authenticator shows for `secret` at instant `at`. */
export function totpCodeAt(secretBase32: string, at: Date): string {
  return totpCodeForStep(secretBase32, totpStep(at));
}

/** The otpauth:// URI encoded in the enrolment QR code. */
export function totpUri(secretBase32: string, issuer: string, account: string): string {
  return new TOTP({
    issuer,
    label: account,
    secret: Secret.fromBase32(secretBase32),
    algorithm: TOTP_ALGORITHM,
    digits: TOTP_DIGITS,
    period: TOTP_PERIOD_SECONDS,
  }).toString();
}

/** True when the input has the shape of a TOTP code (spaces, as some apps display "123 456", removed). */
export function looksLikeTotpCode(input: string): boolean {
  return /^\d{6}$/.test(input.replace(/\s+/g, ''));
}

/**
 * Checks a code against the steps within the window and returns the step it matched, or null. A step at or
 * before `lastStep` (the last code accepted for this user) is refused, so an observed code cannot be replayed.
 */
export function matchTotp(secretBase32: string, input: string, now: Date, lastStep: number | null): number | null {
  const code = input.replace(/\s+/g, '');
  if (!/^\d{6}$/.test(code)) return null;
  const current = totpStep(now);
  let matched: number | null = null;
  // Every candidate step is computed and compared in constant time, whichever matches.
  for (let delta = -TOTP_WINDOW; delta <= TOTP_WINDOW; delta += 1) {
    const step = current + delta;
    const ok = safeEqual(totpCodeForStep(secretBase32, step), code);
    if (ok && matched === null && (lastStep === null || step > lastStep)) matched = step;
  }
  return matched;
}
