import { describe, expect, it } from 'vitest';
import { isLocked, lockDurationMs } from '#src/modules/identity/lockout';

describe('progressive lockout', () => {
  it('does not lock before the fifth consecutive failure', () => {
    for (const n of [0, 1, 2, 3, 4]) expect(lockDurationMs(n)).toBe(0);
  });

  it('locks 1, 2, 4, 8, 16, 32 then 60 minutes at most', () => {
    expect([5, 6, 7, 8, 9, 10, 11, 12, 50].map((n) => lockDurationMs(n) / 60_000)).toEqual([1, 2, 4, 8, 16, 32, 60, 60, 60]);
  });

  it('is locked strictly before the end instant', () => {
    const now = new Date('2025-01-01T00:00:00Z');
    expect(isLocked(null, now)).toBe(false);
    expect(isLocked(new Date(now.getTime() + 1), now)).toBe(true);
    expect(isLocked(now, now)).toBe(false);
  });
});
