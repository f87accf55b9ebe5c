/**
 * Generic machinery shared by the authorisation and bad-input suites: reading the route table
 * (`app.ribatRoutes`), making a concrete URL and a plausible body from a route's schemas, sending requests as
 * a given browser, and proving that the database did not change.
 */
import { createHash, randomUUID } from 'node:crypto';
import type { LightMyRequestResponse } from 'fastify';
import type { RegisteredRoute } from '#src/app';
import type { DatabaseHandle } from '#src/db/database';
import type { Database } from '#src/db/schema';
import type { Permission, Role } from '#src/core/access';
import { permissions } from '#src/core/access';
import { sql } from 'kysely';
import { newId } from '#src/core/ids';
import type { TestApp } from '../helpers/app';
import type { SignedIn } from '../helpers/factories';

/** The subset of JSON Schema (as TypeBox emits it) that the suites read. */
export interface JsonSchema {
  type?: string | string[];
  properties?: Record<string, JsonSchema>;
  required?: string[];
  items?: JsonSchema;
  anyOf?: JsonSchema[];
  oneOf?: JsonSchema[];
  allOf?: JsonSchema[];
  enum?: unknown[];
  const?: unknown;
  format?: string;
  minLength?: number;
  maxLength?: number;
  minimum?: number;
  maximum?: number;
  exclusiveMinimum?: number;
  minItems?: number;
  pattern?: string;
  patternProperties?: Record<string, JsonSchema>;
  additionalProperties?: boolean | JsonSchema;
  default?: unknown;
}

export const unsafeMethods = new Set(['POST', 'PUT', 'PATCH', 'DELETE']);

/** `GET /x` style label used in test names and failure messages. */
export function routeLabel(route: Pick<RegisteredRoute, 'method' | 'url'>): string {
  return `${route.method} ${route.url}`;
}

/** True for JSON API routes (`/api/...`), false for pages and forms. */
export function isApiRoute(route: Pick<RegisteredRoute, 'url'>): boolean {
  return route.url.startsWith('/api/');
}

/** The names of the path parameters (`:id`, `:vocabulary`…), plus `*` for a wildcard. */
export function paramNames(url: string): string[] {
  const names: string[] = [];
  for (const match of url.matchAll(/:([A-Za-z0-9_]+)/g)) names.push(match[1] ?? '');
  if (url.endsWith('*')) names.push('*');
  return names;
}

/** The segment right before a parameter (`users` for `/api/v1/users/:id`): tells what record it names. */
export function segmentBefore(url: string, param: string): string {
  const parts = url.split('/');
  const index = parts.findIndex((p) => p === `:${param}`);
  return index > 0 ? (parts[index - 1] ?? '') : '';
}

/** Replaces every parameter of the URL with the value chosen for it (URL-encoded). */
export function fillUrl(url: string, value: (name: string) => string): string {
  let out = url.replace(/:([A-Za-z0-9_]+)/g, (_m, name: string) => encodeURIComponent(value(name)));
  if (out.endsWith('*')) out = `${out.slice(0, -1)}${encodeURIComponent(value('*'))}`;
  return out;
}

function schemaOf(value: unknown): JsonSchema | undefined {
  return value && typeof value === 'object' ? (value) : undefined;
}

/** The route's body schema, params schema and querystring schema, when declared. */
export function routeSchemas(route: RegisteredRoute): { body?: JsonSchema; params?: JsonSchema; querystring?: JsonSchema } {
  const s = route.schema;
  return { body: schemaOf(s?.body), params: schemaOf(s?.params), querystring: schemaOf(s?.querystring) };
}

/** True when a body schema is the generic form record (FormBodySchema): its field names are not declared. */
export function isFormSchema(schema: JsonSchema | undefined): boolean {
  return schema !== undefined && schema.properties === undefined && schema.patternProperties !== undefined;
}

function typesOf(schema: JsonSchema): string[] {
  if (schema.type === undefined) return [];
  return Array.isArray(schema.type) ? schema.type : [schema.type];
}

/** A string that satisfies the common formats and lengths (patterns are not solved: best effort). */
function sampleString(schema: JsonSchema): string {
  const byFormat: Record<string, string> = {
    email: 'probe@example.ma',
    uuid: newId(),
    'date-time': new Date().toISOString(),
    date: '2025-01-15',
    uri: 'https://example.ma/probe',
    url: 'https://example.ma/probe',
    ipv4: '192.0.2.10',
    ipv6: '2001:db8::10',
    hostname: 'example.ma',
  };
  let value = (schema.format && byFormat[schema.format]) ?? 'probe';
  if (schema.minLength !== undefined && value.length < schema.minLength) value = value.padEnd(schema.minLength, 'x');
  if (schema.maxLength !== undefined && value.length > schema.maxLength) value = value.slice(0, schema.maxLength);
  return value;
}

/** Builds a value that a schema is likely to accept: required properties filled with plausible data. */
export function sampleFromSchema(schema: JsonSchema | undefined, depth = 0): unknown {
  if (!schema || depth > 6) return undefined;
  if (schema.const !== undefined) return schema.const;
  if (schema.enum && schema.enum.length > 0) return schema.enum[0];
  if (schema.default !== undefined) return schema.default;
  const union = schema.anyOf ?? schema.oneOf;
  if (union && union.length > 0) {
    const nonNull = union.find((s) => !typesOf(s).includes('null')) ?? union[0];
    return sampleFromSchema(nonNull, depth + 1);
  }
  if (schema.allOf && schema.allOf.length > 0) return sampleFromSchema(schema.allOf[0], depth + 1);
  const type = typesOf(schema).find((t) => t !== 'null');
  switch (type) {
    case 'string':
      return sampleString(schema);
    case 'integer':
    case 'number':
      return schema.minimum ?? (schema.exclusiveMinimum !== undefined ? schema.exclusiveMinimum + 1 : 1);
    case 'boolean':
      return false;
    case 'array': {
      const n = schema.minItems ?? 0;
      return Array.from({ length: n }, () => sampleFromSchema(schema.items, depth + 1));
    }
    case 'object':
    case undefined: {
      if (!schema.properties) return type === 'object' ? {} : undefined;
      const out: Record<string, unknown> = {};
      for (const name of schema.required ?? []) out[name] = sampleFromSchema(schema.properties[name], depth + 1);
      return out;
    }
    default:
      return undefined;
  }
}

/** Top-level body fields by kind: every declared name, and those that accept a string. */
export function bodyFields(schema: JsonSchema | undefined): { all: string[]; strings: string[] } {
  const props = schema?.properties ?? {};
  const acceptsString = (s: JsonSchema): boolean =>
    typesOf(s).includes('string') || (s.anyOf ?? s.oneOf ?? []).some(acceptsString) || (typeof s.const === 'string') || (s.enum ?? []).some((v) => typeof v === 'string');
  const all = Object.keys(props);
  return { all, strings: all.filter((name) => acceptsString(props[name] ?? {})) };
}

/** Decodes the few entities the server's HTML escaping produces in attribute values. */
function decodeEntities(value: string): string {
  return value.replace(/&amp;/g, '&').replace(/&quot;/g, '"').replace(/&#x27;|&#39;/g, "'").replace(/&lt;/g, '<').replace(/&gt;/g, '>');
}

/**
 * The fields of every form in an HTML page whose action is `action` (path only), with the values the page
 * pre-fills (hidden fields such as `version`, text inputs, the selected option, checked boxes, textareas).
 */
export function formValuesFor(html: string, action: string, pagePath: string): Record<string, string> {
  const values: Record<string, string> = {};
  const attr = (tag: string, name: string): string | undefined => {
    const m = new RegExp(`\\s${name}="([^"]*)"`).exec(tag);
    return m ? decodeEntities(m[1] ?? '') : undefined;
  };
  for (const form of html.matchAll(/<form\b([^>]*)>([\s\S]*?)<\/form>/g)) {
    const actionAttr = attr(form[1] ?? '', 'action');
    const target = actionAttr === undefined ? pagePath : actionAttr.split('?')[0];
    if (target !== action) continue;
    const inner = form[2] ?? '';
    for (const input of inner.matchAll(/<input\b[^>]*>/g)) {
      const tag = input[0];
      const name = attr(tag, 'name');
      if (name === undefined || name === '_csrf') continue;
      const type = attr(tag, 'type') ?? 'text';
      if (type === 'checkbox' || type === 'radio') {
        if (/\schecked(=|\s|\/?>)/.test(tag)) values[name] ??= attr(tag, 'value') ?? 'on';
        else values[name] ??= '';
        continue;
      }
      values[name] ??= attr(tag, 'value') ?? '';
    }
    for (const select of inner.matchAll(/<select\b([^>]*)>([\s\S]*?)<\/select>/g)) {
      const name = attr(select[1] ?? '', 'name');
      if (name === undefined) continue;
      const options = [...(select[2] ?? '').matchAll(/<option\b([^>]*)>/g)].map((o) => o[1] ?? '');
      const chosen = options.find((o) => /\sselected(=|\s|$)/.test(o)) ?? options.find((o) => (attr(o, 'value') ?? '') !== '') ?? options[0];
      values[name] ??= chosen === undefined ? '' : (attr(chosen, 'value') ?? '');
    }
    for (const area of inner.matchAll(/<textarea\b([^>]*)>([\s\S]*?)<\/textarea>/g)) {
      const name = attr(area[1] ?? '', 'name');
      if (name !== undefined) values[name] ??= decodeEntities(area[2] ?? '');
    }
  }
  return values;
}

/** The names of the fields of every form in an HTML page whose action is `action` (path only). */
export function formFieldsFor(html: string, action: string, pagePath: string): string[] {
  return Object.keys(formValuesFor(html, action, pagePath));
}

/**
 * The pre-filled values of the HTML form that posts to `url`, read from the pages that usually hold it (the
 * same URL, `/new`, `/edit`, or the parent page), as the given caller sees them.
 */
export async function discoverForm(t: TestApp, caller: Caller, url: string): Promise<Record<string, string>> {
  const parent = url.replace(/\/[^/]+$/, '') || '/';
  const candidates = [...new Set([url, `${url}/new`, `${url}/edit`, parent, `${parent}/edit`, `${parent}/new`])];
  const found: Record<string, string> = {};
  for (const candidate of candidates) {
    const res = await send(t, caller, { method: 'GET', url: candidate });
    if (res.statusCode !== 200 || !String(res.headers['content-type'] ?? '').includes('text/html')) continue;
    for (const [name, value] of Object.entries(formValuesFor(res.body, url, candidate))) found[name] ??= value;
  }
  return found;
}

/** A caller: cookies and CSRF token of a browser (signed in or not), or an API bearer token. */
export interface Caller {
  cookies: Record<string, string>;
  csrf: string;
  bearer?: string;
}

/** A caller built from the factories' SignedIn. */
export function callerFrom(signedIn: SignedIn): Caller {
  return { cookies: signedIn.cookies, csrf: signedIn.csrf };
}

export interface SendOptions {
  method: string;
  url: string;
  payload?: string | Buffer;
  contentType?: string;
  headers?: Record<string, string>;
}

/** Sends a request the way a browser (cookies + CSRF header) or an API client would. */
export async function send(t: TestApp, caller: Caller, options: SendOptions): Promise<LightMyRequestResponse> {
  const headers: Record<string, string> = { ...(options.headers ?? {}) };
  if (options.contentType !== undefined) headers['content-type'] = options.contentType;
  if (unsafeMethods.has(options.method)) {
    headers['x-csrf-token'] ??= caller.csrf;
    if (options.url.startsWith('/api/') && options.method === 'POST') headers['idempotency-key'] ??= randomUUID();
  }
  if (caller.bearer !== undefined) headers.authorization = `Bearer ${caller.bearer}`;
  // Let the event loop turn between requests: these suites send thousands of in-process requests over synchronous
  // SQLite, and a worker that never yields cannot answer the test runner (vitest's "Timeout calling onTaskUpdate").
  await new Promise((resolve) => setImmediate(resolve));
  return t.app.inject({
    method: options.method as 'GET',
    url: options.url,
    headers,
    cookies: caller.bearer === undefined ? caller.cookies : {},
    ...(options.payload !== undefined ? { payload: options.payload } : {}),
  });
}

/** A URL-encoded form body with the CSRF field first. */
export function formBody(csrf: string, fields: Record<string, string>): string {
  const params = new URLSearchParams();
  params.append('_csrf', csrf);
  for (const [k, v] of Object.entries(fields)) params.append(k, v);
  return params.toString();
}

/** Columns that a read legitimately touches (last-seen stamps): left out of the "unchanged" comparison. */
const volatileColumns: Partial<Record<keyof Database, string[]>> = {
  session: ['last_seen_at'],
  api_token: ['last_used_at'],
};

const digestTables: readonly (keyof Database)[] = [
  'user_account',
  'user_role',
  'session',
  'recovery_code',
  'api_token',
  'one_time_token',
  'organisation',
  'organisation_contact',
  'vocabulary_term',
  // audit_event is append-only (database triggers refuse updates and deletes) and every append moves audit_head,
  // so the head alone proves the trail unchanged without rereading the whole trail twice per request.
  'audit_head',
  'job',
  'email_message',
  'idempotency_record',
  'product_vendor',
  'product',
  'bulletin',
  'bulletin_alias',
  'bulletin_revision',
  'bulletin_comment',
  'reference_counter',
  'bulletin_listing',
  'bulletin_recipient_organisation',
  'bulletin_recipient_user',
  'subscription',
  'bulletin_delivery',
  'csaf_signing_key',
  'csaf_document',
  'csaf_source',
  'csaf_import',
  'incident',
  'incident_classification',
  'incident_organisation',
  'incident_link',
  'incident_comment',
  'incident_task',
  'incident_indicator',
  'incident_attachment',
  'incident_deadline',
  'incident_inbound_email',
  'incident_saved_view',
];

/** Per table, a row count and a hash of every row's content: any insert, update or delete changes it. */
export type DatabaseDigest = Record<string, { rows: number; hash: string }>;

/** Fingerprints every table, so a refused request can be proven to have changed nothing at all. */
export async function digestDatabase(database: DatabaseHandle): Promise<DatabaseDigest> {
  if (database.dialect === 'postgres') return digestInPostgres(database);
  const out: DatabaseDigest = {};
  // The tables are read concurrently: on PostgreSQL the pool runs the queries side by side.
  const contents = await Promise.all(digestTables.map(async (table) => [table, (await database.db.selectFrom(table).selectAll().execute()) as Record<string, unknown>[]] as const));
  for (const [table, rows] of contents) {
    const skip = volatileColumns[table] ?? [];
    const lines = rows
      .map((row) => JSON.stringify(Object.keys(row).sort().filter((k) => !skip.includes(k)).map((k) => [k, row[k] instanceof Date ? (row[k]).toISOString() : row[k]])))
      .sort();
    out[table] = { rows: rows.length, hash: createHash('sha256').update(lines.join('\n')).digest('hex').slice(0, 16) };
  }
  return out;
}

/**
 * PostgreSQL: the same fingerprint computed by the server in one round trip (a row's JSON without its volatile
 * columns, sorted, hashed with md5 per table). Reading every table into the test process took ~45 round trips per
 * digest and made the route suites on PostgreSQL three times slower than on SQLite.
 */
async function digestInPostgres(database: DatabaseHandle): Promise<DatabaseDigest> {
  const parts = digestTables.map(
    (table) =>
      sql`select ${sql.lit(table)}::text as t, count(*)::int as n, md5(coalesce(string_agg(r, E'\n' order by r), '')) as h
          from (select (to_jsonb(x) - ${volatileColumns[table] ?? []}::text[])::text as r from ${sql.table(table)} x) s`,
  );
  const result = await sql<{ t: string; n: number; h: string }>`${sql.join(parts, sql` union all `)}`.execute(database.db);
  return Object.fromEntries(result.rows.map((r) => [r.t, { rows: Number(r.n), hash: r.h.slice(0, 16) }]));
}

/** The tables whose content differs between two digests. */
export function changedTables(before: DatabaseDigest, after: DatabaseDigest): string[] {
  return Object.keys(before).filter((table) => before[table]?.hash !== after[table]?.hash);
}

/** The roles that hold a permission. */
export function rolesWith(permission: Permission): readonly Role[] {
  return permissions[permission].roles;
}

/** True when the route is for the CERT's staff only: no constituent role holds its permission. */
export function isStaffOnly(route: RegisteredRoute): boolean {
  if (typeof route.access !== 'object') return false;
  const roles = rolesWith(route.access.permission);
  return !roles.includes('org_member') && !roles.includes('org_manager');
}

/** A short description of a response for failure messages. */
export function describeResponse(res: LightMyRequestResponse): string {
  const location = res.headers.location ? ` → ${String(res.headers.location)}` : '';
  const main = res.body.indexOf('<main');
  const text = (main >= 0 ? res.body.slice(main) : res.body).replace(/<[^>]+>/g, ' ').replace(/\s+/g, ' ').trim();
  return `${res.statusCode}${location} ${String(res.headers['content-type'] ?? '')} ${text.slice(0, 300)}`;
}

/** For a 400 from the JSON API: the problem document names the offending field(s). */
export function problemNamesAField(res: LightMyRequestResponse): boolean {
  if (!String(res.headers['content-type'] ?? '').includes('application/problem+json')) return false;
  const body = JSON.parse(res.body) as { errors?: { field?: unknown }[]; detail?: unknown };
  const fieldNamed = (body.errors ?? []).some((e) => typeof e.field === 'string' && e.field !== '');
  return fieldNamed || (typeof body.detail === 'string' && body.detail.length > 0);
}

/**
 * Sends the request a legitimate client would send to a route: GET as is; for writes, a body sampled from the
 * route's schema (JSON API) or the given form fields with the CSRF field (pages).
 */
export async function requestRoute(t: TestApp, caller: Caller, route: RegisteredRoute, url: string, form: Record<string, string> = {}): Promise<LightMyRequestResponse> {
  if (!unsafeMethods.has(route.method)) return send(t, caller, { method: route.method, url });
  if (isApiRoute(route)) {
    const body = sampleFromSchema(routeSchemas(route).body) ?? {};
    return send(t, caller, { method: route.method, url, payload: JSON.stringify(body), contentType: 'application/json' });
  }
  return send(t, caller, { method: route.method, url, payload: formBody(caller.csrf, form), contentType: 'application/x-www-form-urlencoded' });
}
