/**
 * Hostile inputs for the bad-input suite: strings that attack SQL, HTML, file paths and bidirectional text;
 * wrong JSON types; bytes that are not UTF-8; broken percent-encoding.
 */

/** Strings placed in every string field, one request per string. */
export const evilStrings: readonly { name: string; value: string }[] = [
  { name: 'SQL injection (quote)', value: "' OR '1'='1' --" },
  { name: 'SQL injection (stacked)', value: "x'); DROP TABLE user_account; --" },
  { name: 'SQL injection (union)', value: '1 UNION SELECT password_hash FROM user_account' },
  { name: 'XSS (script)', value: '<script>alert("ribat-xss")</script>' },
  { name: 'XSS (attribute)', value: '"><img src=x onerror=alert("ribat-xss")>' },
  { name: 'path traversal', value: '../../../../etc/passwd' },
  { name: 'NUL byte', value: 'nul\u0000byte' },
  { name: 'RTL override', value: 'evil\u202Egpj.exe\u202C' },
  { name: 'lone surrogate', value: 'half\uD800surrogate' },
  { name: 'very long', value: 'x'.repeat(120_000) },
];

/** Markers that must never appear unescaped in an HTML answer. */
export const rawXssMarkers: readonly string[] = ['<script>alert("ribat-xss")', '<img src=x onerror=alert("ribat-xss")>'];

/** Values of the wrong type for a string field. */
export const wrongTypes: readonly { name: string; value: unknown }[] = [
  { name: 'number', value: 12345 },
  { name: 'boolean', value: true },
  { name: 'null', value: null },
  { name: 'nested object', value: { nested: { deeper: ['x'] } } },
  { name: 'array', value: [1, 'b'] },
];

/** A JSON string `{"field":"<bytes>"}` whose value holds invalid UTF-8 (0xC3 0x28 and 0xFF). */
export function invalidUtf8Json(field: string): Buffer {
  return Buffer.concat([Buffer.from(`{"${field}":"a`), Buffer.from([0xc3, 0x28, 0xff]), Buffer.from('b"}')]);
}

/** A form body whose field holds invalid UTF-8 bytes, raw (not percent-encoded). */
export function invalidUtf8Form(csrf: string, field: string): Buffer {
  return Buffer.concat([Buffer.from(`_csrf=${encodeURIComponent(csrf)}&${field}=a`), Buffer.from([0xc3, 0x28, 0xff])]);
}

/** A form body with truncated percent-encoding and garbage field names. */
export function badPercentForm(csrf: string, field: string): string {
  return `_csrf=${encodeURIComponent(csrf)}&${field}=%E0%A4%A&%%%=%%%&&&==&%ZZ=1&${field}[]=%C3%28`;
}

/** Query strings that no route expects. */
export const garbageQueries: readonly string[] = [
  'limit=abc&cursor=%%%',
  'limit=-1&cursor=' + 'A'.repeat(4000),
  'limit=99999999999999999999999&offset=1e309',
  'limit=0&cursor=eyJpZCI6IjwnIn0&sort=;drop%20table%20user_account',
  'q=%00%FF%C3%28&from=2024-13-45&to=not-a-date',
  'lang=xx&page[]=1&page[]=2&__proto__[x]=1&constructor[prototype][y]=1',
  'status=%3Cscript%3E&role=admin%27--&organisationId=not-a-uuid',
];
