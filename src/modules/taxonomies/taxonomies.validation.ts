import type { FieldError } from '#src/core/errors';
import type { TermLabels } from '#src/modules/taxonomies/taxonomies.types';
import { hasControlCharacters } from '#src/core/validation';
import { MAX_LABEL_LENGTH, MAX_POSITION, TERM_CODE_PATTERN } from '#src/modules/taxonomies/taxonomies.types';
import { locales } from '#src/core/i18n/i18n';

/** Labels as submitted: any language may be missing or blank. */
export type LabelsDraft = Partial<Record<keyof TermLabels, string | undefined>>;

/** Checks and trims a term code; errors name the field `code`. */
export function validateTermCode(raw: string, errors: FieldError[]): string {
  const code = raw.trim();
  if (code === '') errors.push({ field: 'code', message: 'required' });
  else if (code.length < 2) errors.push({ field: 'code', message: 'too_short', params: { min: 2 } });
  else if (code.length > 60) errors.push({ field: 'code', message: 'too_long', params: { max: 60 } });
  else if (!TERM_CODE_PATTERN.test(code)) errors.push({ field: 'code', message: 'invalid_format' });
  return code;
}

/** Checks the three labels (all required, trimmed, 1–200 characters, no control characters); errors name `labels.<lang>`. */
export function validateTermLabels(draft: LabelsDraft, errors: FieldError[]): TermLabels {
  const out: TermLabels = { fr: '', ar: '', en: '' };
  for (const locale of locales) {
    const field = `labels.${locale}`;
    const value = (draft[locale] ?? '').trim().replace(/\s+/g, ' ');
    if (value === '') errors.push({ field, message: 'required' });
    else if (value.length > MAX_LABEL_LENGTH) errors.push({ field, message: 'too_long', params: { max: MAX_LABEL_LENGTH } });
    else if (hasControlCharacters(value)) errors.push({ field, message: 'invalid' });
    out[locale] = value;
  }
  return out;
}

/** Parses a position given as a number or as form text; errors name `position`. */
export function validatePosition(raw: number | string, errors: FieldError[]): number {
  const text = typeof raw === 'number' ? String(raw) : raw.trim();
  if (!/^\d{1,6}$/.test(text)) {
    errors.push({ field: 'position', message: 'invalid_type' });
    return 0;
  }
  const n = Number(text);
  if (n > MAX_POSITION) errors.push({ field: 'position', message: 'too_large', params: { max: MAX_POSITION } });
  return n;
}
