import { describe, expect, it } from 'vitest';
import type { AppError } from '#src/core/errors';
import { parseDateRange, startOfDayIn } from '#src/modules/audit/date-range';

describe('date range of the audit filters', () => {
  it('starts a day at local midnight of the installation time zone', () => {
    expect(startOfDayIn('2025-01-15', 'Europe/Paris')?.toISOString()).toBe('2025-01-14T23:00:00.000Z');
    expect(startOfDayIn('2025-07-15', 'Europe/Paris')?.toISOString()).toBe('2025-07-14T22:00:00.000Z');
    expect(startOfDayIn('2025-07-15', 'UTC')?.toISOString()).toBe('2025-07-15T00:00:00.000Z');
  });

  it('includes the whole end day, 23 hours long on the day clocks go forward', () => {
    const range = parseDateRange({ from: '2025-03-30', to: '2025-03-30' }, 'Europe/Paris');
    expect(range.from?.toISOString()).toBe('2025-03-29T23:00:00.000Z');
    expect(range.until?.toISOString()).toBe('2025-03-30T22:00:00.000Z');
  });

  it('accepts ISO 8601 date-times with an offset, the end instant included', () => {
    const range = parseDateRange({ from: '2025-03-01T10:00:00+01:00', to: '2025-03-01T12:00:00Z' }, 'UTC');
    expect(range.from?.toISOString()).toBe('2025-03-01T09:00:00.000Z');
    expect(range.until?.toISOString()).toBe('2025-03-01T12:00:00.001Z');
  });

  it('names each invalid field, and a reversed range on `to`', () => {
    const fieldsOf = (input: { from?: string; to?: string }) => {
      try {
        parseDateRange(input, 'UTC');
        return [];
      } catch (err) {
        return (err as AppError).fields.map((f) => `${f.field}:${f.message}`);
      }
    };
    expect(fieldsOf({ from: '2025-02-29', to: '13/01/2025' })).toEqual(['from:invalid_date', 'to:invalid_date']);
    expect(fieldsOf({ from: '2025-03-02', to: '2025-03-01' })).toEqual(['to:date_order']);
    expect(fieldsOf({ from: ' ', to: '' })).toEqual([]);
    expect(fieldsOf({ from: '2025-03-01T10:00' })).toEqual(['from:invalid_date']);
  });
});
