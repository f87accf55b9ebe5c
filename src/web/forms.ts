import { Type } from '@sinclair/typebox';
import type { FormBody } from '#src/plugins/parsers';

/**
 * The body schema of every HTML form route: field names to strings (or lists for repeated names). Forms are
 * validated field by field by the use case, which answers errors naming each field.
 */
export const FormBodySchema = Type.Record(Type.String({ maxLength: 200 }), Type.Union([Type.String({ maxLength: 100_000 }), Type.Array(Type.String({ maxLength: 100_000 }), { maxItems: 500 })]));

/** Typed access to a submitted form. */
export interface FormReader {
  /** The trimmed value of a single field ('' when absent; the first when repeated). */
  str(name: string): string;
  /** The raw (untrimmed) value, for passwords. */
  raw(name: string): string;
  /** Every value of a repeated field (checkboxes, multi-selects), trimmed, empties removed. */
  list(name: string): string[];
  /** True for a checked checkbox. */
  bool(name: string): boolean;
  /** The field names present. */
  names(): string[];
}

/** Wraps a parsed form body (or undefined for an empty POST). */
export function readForm(body: unknown): FormReader {
  const data = (body && typeof body === 'object' ? body : {}) as FormBody;
  const first = (name: string): string => {
    const v = data[name];
    return Array.isArray(v) ? (v[0] ?? '') : (v ?? '');
  };
  return {
    str: (name) => first(name).trim(),
    raw: (name) => first(name),
    list(name) {
      const v = data[name];
      const values = Array.isArray(v) ? v : v === undefined ? [] : [v];
      return values.map((s) => s.trim()).filter((s) => s !== '');
    },
    bool: (name) => ['on', 'true', '1', 'yes'].includes(first(name).toLowerCase()),
    names: () => Object.keys(data),
  };
}
