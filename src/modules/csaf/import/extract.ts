import { createHash } from 'node:crypto';
import type { CsafJson } from '#src/modules/csaf/csaf.types';
import type { ImportedProduct, ImportedVulnerability } from '#src/modules/csaf/import/csaf-import.types';
import { csafImportLimits } from '#src/modules/csaf/import/csaf-import.types';
import { foldForSearch } from '#src/modules/bulletins/search-text';

// Pure reading of a CSAF document received from elsewhere. Nothing here trusts the document's shape: a refused
// document is still read (to show its title and products next to its failing tests), so every accessor tolerates
// wrong types, missing parts and absurd sizes without throwing.

/** Why bytes could not be read as a JSON object. */
export type ParseFailure = { ok: false; reason: 'too_large' | 'invalid_json' | 'not_object'; detail: string };

/** Bytes read as a JSON value, with their exact text and SHA-256. */
export interface ParsedBytes {
  ok: true;
  text: string;
  sha256: string;
  json: unknown;
}

const utf8 = new TextDecoder('utf-8', { fatal: true });

/**
 * Reads received bytes as a JSON object: refuses more than `csafImportLimits.documentBytes`, invalid UTF-8, invalid
 * JSON (trailing data included) with a detail naming the problem (the parser's message and position), and JSON that
 * is not an object (an array or a scalar is no CSAF document).
 */
export function parseCsafBytes(input: Uint8Array | string): ParsedBytes | ParseFailure {
  const size = typeof input === 'string' ? Buffer.byteLength(input, 'utf8') : input.byteLength;
  if (size > csafImportLimits.documentBytes) return { ok: false, reason: 'too_large', detail: `${size} bytes (at most ${csafImportLimits.documentBytes})` };
  let text: string;
  if (typeof input === 'string') text = input;
  else {
    try {
      text = utf8.decode(input);
    } catch {
      return { ok: false, reason: 'invalid_json', detail: 'not valid UTF-8' };
    }
  }
  if (text.charCodeAt(0) === 0xfeff) text = text.slice(1);
  if (text.trim() === '') return { ok: false, reason: 'invalid_json', detail: 'empty document' };
  try {
    const json = JSON.parse(text) as unknown;
    if (json === null || typeof json !== 'object' || Array.isArray(json)) return { ok: false, reason: 'not_object', detail: 'not a JSON object' };
    return { ok: true, text, sha256: sha256Hex(text), json };
  } catch (err) {
    return { ok: false, reason: 'invalid_json', detail: err instanceof Error ? err.message.slice(0, 300) : 'unparseable' };
  }
}

/** SHA-256 of a text's UTF-8 bytes, lower-case hex. */
export function sha256Hex(text: string | Uint8Array): string {
  return createHash('sha256').update(text).digest('hex');
}

/** SHA-512 of bytes, lower-case hex. */
export function sha512Hex(text: string | Uint8Array): string {
  return createHash('sha512').update(text).digest('hex');
}

type Obj = Record<string, unknown>;
const obj = (v: unknown): Obj | null => (v !== null && typeof v === 'object' && !Array.isArray(v) ? (v as Obj) : null);
const arr = (v: unknown): unknown[] => (Array.isArray(v) ? v : []);
const str = (v: unknown, max = 1000): string | null => {
  if (typeof v !== 'string') return null;
  const s = v.trim();
  return s === '' ? null : s.slice(0, max);
};
const at = (v: unknown, ...path: string[]): unknown => {
  let cur = v;
  for (const key of path) {
    const o = obj(cur);
    if (!o) return undefined;
    cur = o[key];
  }
  return cur;
};

/** The identity and labels of a document, each null when absent or not a string. */
export interface DocumentFacts {
  publisherNamespace: string | null;
  publisherName: string | null;
  trackingId: string | null;
  version: string | null;
  category: string | null;
  title: string | null;
  lang: string | null;
  tlp: string | null;
  currentReleaseDate: Date | null;
}

/** The identity fields of `document` (publisher, tracking, title, language, TLP, current release date). */
export function documentFacts(doc: unknown): DocumentFacts {
  const d = at(doc, 'document');
  const date = str(at(d, 'tracking', 'current_release_date'), 64);
  const parsed = date !== null ? new Date(date) : null;
  return {
    publisherNamespace: str(at(d, 'publisher', 'namespace'), 500),
    publisherName: str(at(d, 'publisher', 'name'), 500),
    trackingId: str(at(d, 'tracking', 'id'), 500),
    version: str(at(d, 'tracking', 'version'), 100),
    category: str(at(d, 'category'), 200),
    title: str(at(d, 'title'), 1000),
    lang: str(at(d, 'lang'), 40),
    tlp: str(at(d, 'distribution', 'tlp', 'label'), 20),
    currentReleaseDate: parsed && !Number.isNaN(parsed.getTime()) ? parsed : null,
  };
}

interface PathInfo {
  vendor: string | null;
  name: string | null;
  version: string | null;
}

function helper(p: unknown): { cpe: string | null; purl: string | null } {
  const h = at(p, 'product_identification_helper');
  return { cpe: str(at(h, 'cpe'), 1000), purl: str(at(h, 'purl'), 1000) };
}

const MAX_PRODUCTS = 100_000;
const MAX_DEPTH = 60;

/**
 * Every product of the product tree: leaves of `branches` (vendor, product name and version taken from the branch
 * path), `full_product_names`, and `relationships` (named by their full product name, vendor and version of the
 * referenced product). Each product id once (the first definition wins).
 */
export function extractProducts(doc: unknown): ImportedProduct[] {
  const tree = at(doc, 'product_tree');
  const out = new Map<string, ImportedProduct>();
  const add = (p: ImportedProduct): void => {
    if (out.size < MAX_PRODUCTS && !out.has(p.productId)) out.set(p.productId, p);
  };

  const walk = (branches: unknown, path: PathInfo, depth: number): void => {
    if (depth > MAX_DEPTH) return;
    for (const b of arr(branches)) {
      const category = str(at(b, 'category'), 100);
      const name = str(at(b, 'name'));
      const next: PathInfo = { ...path };
      if (category === 'vendor') next.vendor = name;
      else if (category === 'product_name' || category === 'product_family') next.name = category === 'product_name' ? name : (next.name ?? name);
      else if (category === 'product_version' || category === 'product_version_range') next.version = name;
      const product = at(b, 'product');
      const id = str(at(product, 'product_id'), 500);
      if (id !== null) {
        add({ productId: id, vendor: next.vendor, name: next.name ?? str(at(product, 'name')) ?? id, version: next.version, ...helper(product) });
      }
      walk(at(b, 'branches'), next, depth + 1);
    }
  };
  walk(at(tree, 'branches'), { vendor: null, name: null, version: null }, 0);

  for (const p of arr(at(tree, 'full_product_names'))) {
    const id = str(at(p, 'product_id'), 500);
    if (id !== null) add({ productId: id, vendor: null, name: str(at(p, 'name')) ?? id, version: null, ...helper(p) });
  }
  for (const r of arr(at(tree, 'relationships'))) {
    const full = at(r, 'full_product_name');
    const id = str(at(full, 'product_id'), 500);
    if (id === null) continue;
    const ref = str(at(r, 'product_reference'), 500);
    const base = ref !== null ? out.get(ref) : undefined;
    add({ productId: id, vendor: base?.vendor ?? null, name: str(at(full, 'name')) ?? id, version: base?.version ?? null, ...helper(full) });
  }
  return [...out.values()];
}

const MAX_VULNERABILITIES = 20_000;

/** Every vulnerability: its CVE, title and first CVSS v3 score (a 3.1 vector preferred). */
export function extractVulnerabilities(doc: unknown): ImportedVulnerability[] {
  return arr(at(doc, 'vulnerabilities'))
    .slice(0, MAX_VULNERABILITIES)
    .map((v, position) => {
      const v3 = arr(at(v, 'scores'))
        .map((s) => obj(at(s, 'cvss_v3')))
        .filter((s): s is Obj => s !== null && typeof s.vectorString === 'string');
      const best = v3.find((s) => String(s.vectorString).startsWith('CVSS:3.1/')) ?? v3[0];
      const score = best && typeof best.baseScore === 'number' && Number.isFinite(best.baseScore) ? best.baseScore : null;
      return { position, cve: str(at(v, 'cve'), 100), title: str(at(v, 'title')), cvssVector: best ? str(best.vectorString, 300) : null, baseScore: score };
    });
}

/** Texts of the document's notes with the given categories (all when `categories` is empty). */
export function noteTexts(notes: unknown, categories: readonly string[] = []): string[] {
  return arr(notes)
    .filter((n) => categories.length === 0 || categories.includes(String(at(n, 'category'))))
    .map((n) => str(at(n, 'text'), 200_000))
    .filter((t): t is string => t !== null);
}

const MAX_SEARCH_TEXT = 200_000;

/** The folded search text: title, tracking id, publisher, notes, product names, CVEs and vulnerability titles. */
export function buildSearchText(doc: unknown, facts: DocumentFacts, products: ImportedProduct[], vulnerabilities: ImportedVulnerability[]): string {
  const parts: string[] = [];
  for (const value of [facts.title, facts.trackingId, facts.publisherName, facts.publisherNamespace]) if (value) parts.push(value);
  parts.push(...noteTexts(at(doc, 'document', 'notes')));
  const seen = new Set<string>();
  for (const p of products) {
    const label = [p.vendor, p.name, p.version].filter(Boolean).join(' ');
    if (!seen.has(label)) {
      seen.add(label);
      parts.push(label);
    }
  }
  for (const v of vulnerabilities) {
    if (v.cve) parts.push(v.cve);
    if (v.title) parts.push(v.title);
  }
  let text = '';
  for (const part of parts) {
    if (text.length > MAX_SEARCH_TEXT) break;
    text += ` ${part}`;
  }
  return foldForSearch(text.slice(0, MAX_SEARCH_TEXT));
}

/** A JSON value as a document object, or null when it is not an object (an array, a string …). */
export function asDocument(json: unknown): CsafJson | null {
  return obj(json);
}

export { at as jsonAt, arr as jsonArray, str as jsonString };
