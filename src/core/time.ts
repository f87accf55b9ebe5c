/** The clock a use case reads; tests substitute a fixed one. */
export interface Clock {
  now(): Date;
}

export const systemClock: Clock = { now: () => new Date() };

/** A clock frozen at `at`, advanced by hand. */
export function fixedClock(at: Date): Clock & { advance(ms: number): void } {
  let t = at.getTime();
  return {
    now: () => new Date(t),
    advance(ms: number) {
      t += ms;
    },
  };
}

/** The one timestamp codec: UTC ISO-8601 with milliseconds on write, Date on read (text or timestamptz). */
export function toDbTime(date: Date): string {
  return date.toISOString();
}

export function fromDbTime(value: string | Date): Date {
  return value instanceof Date ? value : new Date(value);
}

export function fromDbTimeOrNull(value: string | Date | null | undefined): Date | null {
  return value === null || value === undefined ? null : fromDbTime(value);
}
