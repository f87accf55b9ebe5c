import type { FieldError } from '#src/core/errors';
import type { Tlp } from '#src/modules/bulletins/bulletins.types';
import type { Classification, IncidentImpact, IncidentPriority, Pap, TriState } from '#src/modules/incidents/incidents.types';
import type { VocabularyTerm } from '#src/modules/taxonomies/taxonomies.types';
import { AppError } from '#src/core/errors';
import { emptyImpact, incidentPriorities, papLevels, triStates } from '#src/modules/incidents/incidents.types';

export const incidentLimits = { title: 200, description: 20_000, comment: 20_000, name: 200, phone: 40, text: 5_000, classifications: 10, organisations: 50, taskTitle: 300, viewName: 80 } as const;

const tlps: readonly Tlp[] = ['clear', 'green', 'amber', 'amber+strict', 'red'];

/** Collects field errors; `fail()` throws them all at once as `validation_failed`. */
export class FieldErrors {
  readonly errors: FieldError[] = [];
  add(field: string, message: FieldError['message'], params?: Record<string, string | number>): void {
    this.errors.push(params ? { field, message, params } : { field, message });
  }
  failIfAny(): void {
    if (this.errors.length > 0) throw new AppError('validation_failed', this.errors);
  }
}

/** A required single-line or multi-line text, trimmed, with a maximum length. */
export function requiredText(errors: FieldErrors, field: string, value: string | undefined, max: number): string {
  const text = (value ?? '').trim();
  if (text === '') errors.add(field, 'required');
  else if (text.length > max) errors.add(field, 'too_long', { max });
  return text;
}

/** An optional text, trimmed ('' when absent). */
export function optionalText(errors: FieldErrors, field: string, value: string | undefined | null, max: number): string {
  const text = (value ?? '').trim();
  if (text.length > max) errors.add(field, 'too_long', { max });
  return text;
}

/** An optional date-time (ISO 8601 or `YYYY-MM-DDTHH:MM` from a form, read as UTC when it has no offset). */
export function optionalDate(errors: FieldErrors, field: string, value: string | undefined | null, now: Date): Date | null {
  const text = (value ?? '').trim();
  if (text === '') return null;
  const withZone = /[zZ]|[+-]\d\d:?\d\d$/.test(text) ? text : `${text}Z`;
  const date = new Date(withZone);
  if (!/^\d{4}-\d{2}-\d{2}/.test(text) || Number.isNaN(date.getTime())) {
    errors.add(field, 'invalid_date');
    return null;
  }
  if (date.getTime() > now.getTime() + 5 * 60_000) {
    errors.add(field, 'invalid_date');
    return null;
  }
  return date;
}

export function checkTlp(errors: FieldErrors, field: string, value: string | undefined, fallback: Tlp): Tlp {
  if (value === undefined || value === '') return fallback;
  const v = value.toLowerCase() === 'white' ? 'clear' : value.toLowerCase();
  if ((tlps as readonly string[]).includes(v)) return v as Tlp;
  errors.add(field, 'invalid_choice');
  return fallback;
}

export function checkPap(errors: FieldErrors, field: string, value: string | undefined, fallback: Pap): Pap {
  if (value === undefined || value === '') return fallback;
  const v = value.toLowerCase();
  if ((papLevels as readonly string[]).includes(v)) return v as Pap;
  errors.add(field, 'invalid_choice');
  return fallback;
}

export function checkTriState(errors: FieldErrors, field: string, value: string | undefined, fallback: TriState): TriState {
  if (value === undefined || value === '') return fallback;
  if ((triStates as readonly string[]).includes(value)) return value as TriState;
  errors.add(field, 'invalid_choice');
  return fallback;
}

export function checkPriority(errors: FieldErrors, field: string, value: number | string | undefined, fallback: IncidentPriority): IncidentPriority {
  if (value === undefined || value === '') return fallback;
  const n = Number(value);
  if ((incidentPriorities as readonly number[]).includes(n)) return n as IncidentPriority;
  errors.add(field, 'invalid_choice');
  return fallback;
}

/** A code of a vocabulary (active terms, or the current value even if retired since). */
export function checkTerm(errors: FieldErrors, field: string, value: string | undefined | null, terms: readonly VocabularyTerm[], current: string | null): string | null {
  const code = (value ?? '').trim();
  if (code === '') return null;
  const term = terms.find((t) => t.code === code);
  if (!term || (term.retiredAt !== null && code !== current)) {
    errors.add(field, 'invalid_choice');
    return null;
  }
  return code;
}

/**
 * RSIT pairs: each class an active class code, each type (optional) a `class.type` code of that class. Duplicates
 * are dropped; at most 10 pairs.
 */
export function checkClassifications(errors: FieldErrors, input: readonly { classCode?: string; typeCode?: string | null }[], classes: readonly VocabularyTerm[], types: readonly VocabularyTerm[], current: readonly Classification[]): Classification[] {
  const out: Classification[] = [];
  if (input.length > incidentLimits.classifications) errors.add('classifications', 'too_large', { max: incidentLimits.classifications });
  input.slice(0, incidentLimits.classifications).forEach((pair, i) => {
    const classCode = (pair.classCode ?? '').trim();
    const typeCode = (pair.typeCode ?? '').trim();
    if (classCode === '' && typeCode === '') return;
    const wasThere = (code: string, type: string | null) => current.some((c) => c.classCode === code && c.typeCode === type);
    const klass = classes.find((c) => c.code === classCode);
    if (!klass || (klass.retiredAt !== null && !current.some((c) => c.classCode === classCode))) {
      errors.add(`classifications.${i}.class`, 'invalid_choice');
      return;
    }
    let type: string | null = null;
    if (typeCode !== '') {
      const term = types.find((t) => t.code === typeCode);
      if (!term || !typeCode.startsWith(`${classCode}.`) || (term.retiredAt !== null && !wasThere(classCode, typeCode))) {
        errors.add(`classifications.${i}.type`, 'invalid_choice');
        return;
      }
      type = typeCode;
    }
    if (!out.some((c) => c.classCode === classCode && c.typeCode === type)) out.push({ classCode, typeCode: type });
  });
  return out;
}

/** The impact fields, each optional text. */
export function checkImpact(errors: FieldErrors, input: Partial<Record<keyof IncidentImpact, string>> | undefined, current: IncidentImpact): IncidentImpact {
  if (input === undefined) return current;
  const out: IncidentImpact = { ...emptyImpact };
  for (const key of Object.keys(emptyImpact) as (keyof IncidentImpact)[]) out[key] = optionalText(errors, `impact.${key}`, input[key] ?? current[key], incidentLimits.text);
  return out;
}

/** An e-mail address (lower-cased), or null when empty; a clear error when malformed. */
export function optionalEmail(errors: FieldErrors, field: string, value: string | undefined | null): string | null {
  const text = (value ?? '').trim().toLowerCase();
  if (text === '') return null;
  if (text.length > 254 || !/^[^\s@<>()",;:]+@[^\s@<>()",;:]+\.[^\s@<>()",;:]+$/.test(text)) {
    errors.add(field, 'invalid_email');
    return null;
  }
  return text;
}
