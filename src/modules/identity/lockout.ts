/** Consecutive failures after which an account locks. */
export const LOCKOUT_THRESHOLD = 5;
/** Longest lock, in minutes. */
export const LOCKOUT_MAX_MINUTES = 60;

/**
 * The lock that follows the `failedCount`-th consecutive failure: none below the threshold, then 1, 2, 4, 8 …
 * minutes, capped at an hour. A success resets the count, so only persistent guessing is slowed down.
 */
export function lockDurationMs(failedCount: number): number {
  if (failedCount < LOCKOUT_THRESHOLD) return 0;
  const exponent = Math.min(failedCount - LOCKOUT_THRESHOLD, 6);
  return Math.min(2 ** exponent, LOCKOUT_MAX_MINUTES) * 60_000;
}

/** True while `lockedUntil` lies in the future. */
export function isLocked(lockedUntil: Date | null, now: Date): boolean {
  return lockedUntil !== null && lockedUntil.getTime() > now.getTime();
}
