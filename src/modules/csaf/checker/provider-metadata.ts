import { Ajv2020 } from 'ajv/dist/2020.js';
import addFormatsImport from 'ajv-formats';
import type { CsafRole } from '#src/modules/csaf/checker/checker.types';

// ajv-formats is CommonJS; its default export arrives wrapped under ESM.
const addFormats = addFormatsImport as unknown as (ajv: Ajv2020) => Ajv2020;

/**
 * The CSAF 2.0 provider metadata schema (provider_json_schema.json), restated: required members, the
 * role, TLP and version enumerations, URL patterns, and the document schema's publisher object inlined
 * (the official file references it by $id).
 */
const PROVIDER_METADATA_SCHEMA = {
  $schema: 'https://json-schema.org/draft/2020-12/schema',
  type: 'object',
  $defs: {
    json_url_t: { type: 'string', format: 'uri', pattern: '\\.json$' },
    provider_url_t: { type: 'string', format: 'uri', pattern: '/provider-metadata\\.json$' },
    url_t: { type: 'string', format: 'uri' },
  },
  required: ['canonical_url', 'last_updated', 'list_on_CSAF_aggregators', 'mirror_on_CSAF_aggregators', 'metadata_version', 'publisher', 'role'],
  properties: {
    canonical_url: { $ref: '#/$defs/provider_url_t' },
    distributions: {
      type: 'array',
      minItems: 1,
      uniqueItems: true,
      items: {
        type: 'object',
        minProperties: 1,
        properties: {
          directory_url: { $ref: '#/$defs/url_t' },
          rolie: {
            type: 'object',
            required: ['feeds'],
            properties: {
              categories: { type: 'array', minItems: 1, uniqueItems: true, items: { $ref: '#/$defs/json_url_t' } },
              feeds: {
                type: 'array',
                minItems: 1,
                uniqueItems: true,
                items: {
                  type: 'object',
                  required: ['tlp_label', 'url'],
                  properties: {
                    summary: { type: 'string' },
                    tlp_label: { type: 'string', enum: ['UNLABELED', 'WHITE', 'GREEN', 'AMBER', 'RED'] },
                    url: { $ref: '#/$defs/json_url_t' },
                  },
                },
              },
              services: { type: 'array', minItems: 1, uniqueItems: true, items: { $ref: '#/$defs/json_url_t' } },
            },
          },
        },
      },
    },
    last_updated: { type: 'string', format: 'date-time' },
    list_on_CSAF_aggregators: { type: 'boolean' },
    metadata_version: { type: 'string', enum: ['2.0'] },
    mirror_on_CSAF_aggregators: { type: 'boolean' },
    public_openpgp_keys: {
      type: 'array',
      items: {
        type: 'object',
        required: ['url'],
        properties: {
          fingerprint: { type: 'string', minLength: 40, pattern: '^[0-9a-fA-F]{40,}$' },
          url: { $ref: '#/$defs/url_t' },
        },
      },
    },
    publisher: {
      type: 'object',
      required: ['category', 'name', 'namespace'],
      properties: {
        category: { type: 'string', enum: ['coordinator', 'discoverer', 'other', 'translator', 'user', 'vendor'] },
        contact_details: { type: 'string', minLength: 1 },
        issuing_authority: { type: 'string', minLength: 1 },
        name: { type: 'string', minLength: 1 },
        namespace: { type: 'string', format: 'uri' },
      },
    },
    role: { type: 'string', enum: ['csaf_publisher', 'csaf_provider', 'csaf_trusted_provider'] },
  },
} as const;

const ajv = addFormats(new Ajv2020({ allErrors: true, strict: false }));
const validateSchema = ajv.compile(PROVIDER_METADATA_SCHEMA);

/** A ROLIE feed as announced in provider-metadata.json. */
export interface AnnouncedFeed {
  tlpLabel: string;
  url: string;
}

/** The parts of provider-metadata.json the checker uses, read tolerantly (present even if the schema fails). */
export interface ProviderMetadata {
  role: CsafRole | null;
  canonicalUrl: string | null;
  directoryUrls: string[];
  feeds: AnnouncedFeed[];
  services: string[];
  categories: string[];
  keys: { url: string; fingerprint: string | null }[];
  /** Schema violations ("/path: message"); empty when valid. */
  schemaErrors: string[];
}

/** Validates and reads provider-metadata.json. `base` resolves relative URLs (which the schema forbids anyway). */
export function readProviderMetadata(json: unknown, base: string): ProviderMetadata {
  const schemaErrors = validateSchema(json) ? [] : (validateSchema.errors ?? []).map((e) => `${e.instancePath || '/'}: ${e.message ?? 'invalid'}`);
  const root = isRecord(json) ? json : {};
  const role = typeof root.role === 'string' && ['csaf_publisher', 'csaf_provider', 'csaf_trusted_provider'].includes(root.role) ? (root.role as CsafRole) : null;
  const resolve = (value: unknown): string | null => {
    if (typeof value !== 'string') return null;
    try {
      return new URL(value, base).toString();
    } catch {
      return null;
    }
  };
  const metadata: ProviderMetadata = {
    role,
    canonicalUrl: typeof root.canonical_url === 'string' ? root.canonical_url : null,
    directoryUrls: [],
    feeds: [],
    services: [],
    categories: [],
    keys: [],
    schemaErrors,
  };
  for (const distribution of Array.isArray(root.distributions) ? root.distributions : []) {
    if (!isRecord(distribution)) continue;
    const directory = resolve(distribution.directory_url);
    if (directory !== null) metadata.directoryUrls.push(directory.endsWith('/') ? directory : `${directory}/`);
    const rolie = distribution.rolie;
    if (!isRecord(rolie)) continue;
    for (const feed of Array.isArray(rolie.feeds) ? rolie.feeds : []) {
      if (!isRecord(feed)) continue;
      const url = resolve(feed.url);
      if (url !== null) metadata.feeds.push({ url, tlpLabel: typeof feed.tlp_label === 'string' ? feed.tlp_label.toUpperCase() : 'UNLABELED' });
    }
    for (const s of Array.isArray(rolie.services) ? rolie.services : []) {
      const url = resolve(s);
      if (url !== null) metadata.services.push(url);
    }
    for (const c of Array.isArray(rolie.categories) ? rolie.categories : []) {
      const url = resolve(c);
      if (url !== null) metadata.categories.push(url);
    }
  }
  for (const key of Array.isArray(root.public_openpgp_keys) ? root.public_openpgp_keys : []) {
    if (!isRecord(key)) continue;
    const url = resolve(key.url);
    if (url !== null) metadata.keys.push({ url, fingerprint: typeof key.fingerprint === 'string' ? key.fingerprint.toUpperCase() : null });
  }
  return metadata;
}

export function isRecord(value: unknown): value is Record<string, unknown> {
  return typeof value === 'object' && value !== null && !Array.isArray(value);
}
