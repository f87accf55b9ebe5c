/**
 * Builds the hostile requests for one route and judges each answer: never a 5xx, a problem naming the field
 * for a JSON 400, nothing written when the request is refused, no session created by garbage, and no raw
 * script in any HTML answer.
 */
import type { LightMyRequestResponse } from 'fastify';
import type { RegisteredRoute } from '#src/app';
import type { TestApp } from '../helpers/app';
import {
  bodyFields,
  changedTables,
  describeResponse,
  digestDatabase,
  formBody,
  isApiRoute,
  problemNamesAField,
  routeSchemas,
  sampleFromSchema,
  send,
  type Caller,
} from '../authz/route-harness';
import { badPercentForm, evilStrings, invalidUtf8Form, invalidUtf8Json, rawXssMarkers, wrongTypes } from './payloads';

/** One hostile request. `mustRefuse`: the only acceptable answers are 4xx. */
export interface BadCase {
  name: string;
  payload: string | Buffer;
  contentType: string;
  mustRefuse: boolean;
  /** Exact status required (413 for oversized bodies). */
  status?: number;
}

/** Field names used when a form's fields cannot be discovered from a page. */
const fallbackFormFields = ['name', 'email', 'display_name', 'code', 'label_fr', 'description', 'password', 'q'];

/** Every hostile body for a route: JSON shapes and types, strings, sizes and encodings. */
export function badCases(t: TestApp, route: RegisteredRoute, csrf: string, formFields: string[]): BadCase[] {
  const json = 'application/json';
  const urlencoded = 'application/x-www-form-urlencoded';
  const api = isApiRoute(route);
  const schema = routeSchemas(route).body;
  const fields = api ? bodyFields(schema) : { all: formFields, strings: formFields };
  const stringFields = fields.strings.length > 0 ? fields.strings : api ? [] : fallbackFormFields;
  const base = (api ? sampleFromSchema(schema) : undefined) ?? {};
  const baseObject = typeof base === 'object' && base !== null && !Array.isArray(base) ? (base as Record<string, unknown>) : {};
  const withAll = (value: unknown): Record<string, unknown> => ({ ...baseObject, ...Object.fromEntries(stringFields.map((f) => [f, value])) });
  const firstField = stringFields[0] ?? 'name';
  // A JSON route that declares no body ignores whatever body it gets; one that declares a body must refuse
  // a body of the wrong shape.
  const shapeMatters = !api || schema !== undefined;
  const cases: BadCase[] = [
    { name: 'malformed JSON', payload: '{"name": "x",', contentType: json, mustRefuse: true },
    { name: 'JSON with a trailing garbage', payload: '{"name": "x"} }', contentType: json, mustRefuse: true },
    { name: 'JSON array instead of an object', payload: '[]', contentType: json, mustRefuse: shapeMatters },
    { name: 'JSON array of objects', payload: JSON.stringify([baseObject]), contentType: json, mustRefuse: shapeMatters },
    { name: 'JSON scalar', payload: '"just a string"', contentType: json, mustRefuse: shapeMatters },
    { name: 'unknown fields', payload: JSON.stringify({ ...baseObject, unknownField: 'x', isAdmin: true }), contentType: json, mustRefuse: false },
    { name: 'prototype pollution keys', payload: `{"__proto__":{"polluted":"yes"},"constructor":{"prototype":{"polluted":"yes"}}${Object.keys(baseObject).length ? ',' + JSON.stringify(baseObject).slice(1, -1) : ''}}`, contentType: json, mustRefuse: false },
    { name: 'oversized JSON body', payload: JSON.stringify({ [firstField]: 'a'.repeat(t.config.bodyLimitBytes + 1024) }), contentType: json, mustRefuse: true, status: 413 },
    { name: 'oversized form body', payload: formBody(csrf, { [firstField]: 'a'.repeat(t.config.bodyLimitBytes + 1024) }), contentType: urlencoded, mustRefuse: true, status: 413 },
    { name: 'invalid UTF-8 in JSON', payload: invalidUtf8Json(firstField), contentType: json, mustRefuse: true },
    { name: 'invalid UTF-8 in a form', payload: invalidUtf8Form(csrf, firstField), contentType: urlencoded, mustRefuse: true },
    { name: 'invalid percent-encoding in a form', payload: badPercentForm(csrf, firstField), contentType: urlencoded, mustRefuse: true },
    { name: 'unexpected content type', payload: '<xml/>', contentType: 'application/xml', mustRefuse: true },
  ];
  if (stringFields.length > 0) {
    for (const wrong of wrongTypes) {
      cases.push({ name: `${wrong.name} in every string field`, payload: JSON.stringify(withAll(wrong.value)), contentType: json, mustRefuse: true });
    }
    if (api) {
      for (const field of stringFields) {
        cases.push({ name: `nested object in "${field}"`, payload: JSON.stringify({ ...baseObject, [field]: { $gt: '' } }), contentType: json, mustRefuse: true });
      }
    }
  }
  for (const evil of evilStrings) {
    if (api) {
      cases.push({ name: `${evil.name} in every string field (JSON)`, payload: JSON.stringify(withAll(evil.value)), contentType: json, mustRefuse: false });
    } else {
      const values = Object.fromEntries(stringFields.map((f) => [f, evil.value]));
      cases.push({ name: `${evil.name} in every field (form)`, payload: formBody(csrf, values), contentType: urlencoded, mustRefuse: false });
    }
  }
  return cases;
}

/** True when an HTML answer carries one of the raw script markers (i.e. a hostile string was not escaped). */
export function hasRawScript(res: LightMyRequestResponse): boolean {
  return String(res.headers['content-type'] ?? '').includes('text/html') && rawXssMarkers.some((m) => res.body.includes(m));
}

/**
 * Sends one hostile request as a fresh caller and returns what is wrong with the answer (empty when fine).
 * `allowedChanges` lists tables a refused request may legitimately touch (none by default).
 */
export async function judgeCase(t: TestApp, route: RegisteredRoute, url: string, caller: Caller, c: { name: string; payload?: string | Buffer; contentType?: string; mustRefuse: boolean; status?: number }): Promise<string[]> {
  const problems: string[] = [];
  const before = await digestDatabase(t.database);
  const res = await send(t, caller, { method: route.method, url, ...(c.payload !== undefined ? { payload: c.payload } : {}), ...(c.contentType !== undefined ? { contentType: c.contentType } : {}) });
  const after = await digestDatabase(t.database);
  const what = `${c.name}: ${describeResponse(res)}`;
  if (res.statusCode >= 500) problems.push(`5xx — ${what}`);
  if (c.status !== undefined && res.statusCode !== c.status) problems.push(`expected ${c.status} — ${what}`);
  if (c.mustRefuse && res.statusCode < 400) problems.push(`accepted garbage — ${what}`);
  if (isApiRoute(route) && res.statusCode === 400 && !problemNamesAField(res)) problems.push(`400 without a field-naming problem — ${what}`);
  const changed = changedTables(before, after);
  if (res.statusCode >= 400 && changed.length > 0) problems.push(`refused but changed ${changed.join(', ')} — ${what}`);
  if ((after.session?.rows ?? 0) > (before.session?.rows ?? 0)) problems.push(`created a session — ${what}`);
  if (hasRawScript(res)) problems.push(`raw script in HTML — ${what}`);
  return problems;
}
