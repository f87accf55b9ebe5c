import { describe, expect, it } from 'vitest';
import type { FieldError } from '#src/core/errors';
import { validatePosition, validateTermCode, validateTermLabels } from '#src/modules/taxonomies/taxonomies.validation';

describe('term code', () => {
  it('accepts lower-case letters, digits and inner hyphens, trimmed', () => {
    const errors: FieldError[] = [];
    expect(validateTermCode('  space-industry2 ', errors)).toBe('space-industry2');
    expect(errors).toEqual([]);
  });

  it.each([
    ['', 'required'],
    ['a', 'too_short'],
    ['x'.repeat(61), 'too_long'],
    ['Energy', 'invalid_format'],
    ['-energy', 'invalid_format'],
    ['energy-', 'invalid_format'],
    ['éner', 'invalid_format'],
    ['a b', 'invalid_format'],
  ])('refuses %j with %s on the code field', (raw, message) => {
    const errors: FieldError[] = [];
    validateTermCode(raw, errors);
    expect(errors).toEqual([expect.objectContaining({ field: 'code', message })]);
  });
});

describe('term labels', () => {
  it('requires every language and names the missing one', () => {
    const errors: FieldError[] = [];
    const labels = validateTermLabels({ fr: ' Spatial ', ar: '', en: 'Space' }, errors);
    expect(labels).toEqual({ fr: 'Spatial', ar: '', en: 'Space' });
    expect(errors).toEqual([{ field: 'labels.ar', message: 'required' }]);
  });

  it('refuses labels that are too long or carry control characters', () => {
    const errors: FieldError[] = [];
    validateTermLabels({ fr: 'x'.repeat(201), ar: 'فضاء\u0007', en: 'Space' }, errors);
    expect(errors).toEqual([
      { field: 'labels.fr', message: 'too_long', params: { max: 200 } },
      { field: 'labels.ar', message: 'invalid' },
    ]);
  });
});

describe('position', () => {
  it('reads numbers and digit strings', () => {
    const errors: FieldError[] = [];
    expect(validatePosition(7, errors)).toBe(7);
    expect(validatePosition(' 12 ', errors)).toBe(12);
    expect(errors).toEqual([]);
  });

  it('refuses negative, fractional and non-numeric positions', () => {
    for (const raw of ['-1', '1.5', 'abc', '']) {
      const errors: FieldError[] = [];
      validatePosition(raw, errors);
      expect(errors[0]?.field).toBe('position');
    }
  });
});
