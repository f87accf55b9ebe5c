/**
 * What the incident exports (MISP event, STIX 2.1 bundle, CSV) are built from, the check that input must pass, and
 * the helpers the three formats share: deterministic name-based UUIDs (RFC 9562 version 5) and RFC 3339 timestamps.
 *
 * The exporters are pure: the same input gives the same bytes, so a re-export carries the same ids and a receiving
 * platform updates its copy instead of creating a duplicate.
 */
import { createHash } from 'node:crypto';
import type { FieldError } from '#src/core/errors';
import type { IndicatorType } from '#src/modules/indicators/indicators';
import { AppError } from '#src/core/errors';
import { indicatorTypes, normaliseIndicator } from '#src/modules/indicators/indicators';

/** The incident lifecycle states an export knows. */
export const incidentExportStatuses = ['new', 'triage', 'in_progress', 'resolved', 'closed'] as const;
/** TLP 2.0 labels, lower-case as stored. */
export const exportTlps = ['clear', 'green', 'amber', 'amber+strict', 'red'] as const;
/** PAP labels, lower-case as stored. */
export const exportPaps = ['clear', 'green', 'amber', 'red'] as const;

/** One TLP 2.0 label. */
export type ExportTlp = (typeof exportTlps)[number];
/** One PAP label. */
export type ExportPap = (typeof exportPaps)[number];

/** One indicator of an exported incident; `value` is normalised (see indicators.ts) and not defanged. */
export interface IncidentExportIndicator {
  type: IndicatorType;
  value: string;
  comment: string;
  createdAt: Date;
}

/** An incident as the exports see it; the incidents module maps its domain objects to this shape. */
export interface IncidentExportInput {
  /** UUIDv7. */
  id: string;
  /** E.g. `RIBAT-2026-INC-0042`. */
  reference: string;
  title: string;
  /** Plain text. */
  description: string;
  status: (typeof incidentExportStatuses)[number];
  createdAt: Date;
  updatedAt: Date;
  detectedAt: Date | null;
  awareAt: Date | null;
  closedAt: Date | null;
  /** Seeded codes: `tres-grave`, `grave`, `modere`, `limite` (admins may add others). */
  severity: { code: string; label: string } | null;
  /** 1 is the most urgent. */
  priority: 1 | 2 | 3 | 4;
  tlp: ExportTlp;
  pap: ExportPap;
  /** RSIT class/type pairs, e.g. `{ class: 'fraud', type: 'phishing' }`. */
  classifications: { class: string; type: string | null }[];
  /** The constituent concerned. */
  organisation: { name: string; sector: string | null } | null;
  /** E.g. `confirmed`, `false-positive`, `duplicate`. */
  disposition: string | null;
  indicators: IncidentExportIndicator[];
  /** The CERT producing the export: its site name and public URL. */
  producer: { name: string; namespace: string };
}

/** Options shared by the exporters. */
export interface ExportOptions {
  /**
   * The time of the export. The MISP event `timestamp` takes it when given: MISP only overwrites its copy of an event
   * with a newer timestamp, so passing it forces receivers to refresh. Left out, exports are fully deterministic.
   */
  exportedAt?: Date;
}

// --- Validation ----------------------------------------------------------------------------------------------------

const statusSet: ReadonlySet<string> = new Set(incidentExportStatuses);
const tlpSet: ReadonlySet<string> = new Set(exportTlps);
const papSet: ReadonlySet<string> = new Set(exportPaps);
const indicatorTypeSet: ReadonlySet<string> = new Set(indicatorTypes);
/** A taxonomy code: it ends up inside a MISP machine tag (`rsit:<class>="<type>"`), so no quotes, spaces or `=`. */
const TAXONOMY_CODE = /^[a-z0-9][a-z0-9._-]*$/i;

/** True for a Date that holds a time RFC 3339 can write (years 0000 to 9999). */
export function isExportableDate(value: unknown): value is Date {
  if (!(value instanceof Date)) return false;
  const t = value.getTime();
  return !Number.isNaN(t) && value.getUTCFullYear() >= 0 && value.getUTCFullYear() <= 9999;
}

function isNonEmptyString(value: unknown): value is string {
  return typeof value === 'string' && value.trim() !== '';
}

function isHttpUrl(value: string): boolean {
  try {
    const url = new URL(value);
    return url.protocol === 'http:' || url.protocol === 'https:';
  } catch {
    return false;
  }
}

/**
 * Lists what makes `input` unfit for export, one error per field (path like `indicators[2].value`), prefixed by
 * `prefix` (for the rows of a CSV). The input comes from the database, so this catches corrupt rows, not user typos.
 */
export function validateIncidentExportInput(input: IncidentExportInput, prefix = ''): FieldError[] {
  const errors: FieldError[] = [];
  const fail = (field: string, message: FieldError['message']): void => {
    errors.push({ field: `${prefix}${field}`, message });
  };
  if (!isNonEmptyString(input.id)) fail('id', 'required');
  if (!isNonEmptyString(input.reference)) fail('reference', 'required');
  if (!isNonEmptyString(input.title)) fail('title', 'required');
  if (typeof input.description !== 'string') fail('description', 'invalid_type');
  if (!statusSet.has(input.status)) fail('status', 'invalid_choice');
  if (!tlpSet.has(input.tlp)) fail('tlp', 'invalid_choice');
  if (!papSet.has(input.pap)) fail('pap', 'invalid_choice');
  if (![1, 2, 3, 4].includes(input.priority)) fail('priority', 'invalid_choice');
  if (!isExportableDate(input.createdAt)) fail('createdAt', 'invalid_date');
  if (!isExportableDate(input.updatedAt)) fail('updatedAt', 'invalid_date');
  else if (isExportableDate(input.createdAt) && input.updatedAt < input.createdAt) fail('updatedAt', 'date_order');
  for (const key of ['detectedAt', 'awareAt', 'closedAt'] as const) {
    const value = input[key];
    if (value !== null && !isExportableDate(value)) fail(key, 'invalid_date');
  }
  if (input.severity !== null && !isNonEmptyString(input.severity.code)) fail('severity.code', 'required');
  input.classifications.forEach((c, i) => {
    if (typeof c.class !== 'string' || !TAXONOMY_CODE.test(c.class)) fail(`classifications[${i}].class`, 'invalid_format');
    if (c.type !== null && (typeof c.type !== 'string' || !TAXONOMY_CODE.test(c.type))) fail(`classifications[${i}].type`, 'invalid_format');
  });
  if (input.organisation !== null && typeof input.organisation.name !== 'string') fail('organisation.name', 'invalid_type');
  input.indicators.forEach((indicator, i) => {
    if (!indicatorTypeSet.has(indicator.type)) {
      fail(`indicators[${i}].type`, 'invalid_choice');
    } else if (typeof indicator.value !== 'string') {
      fail(`indicators[${i}].value`, 'invalid_type');
    } else {
      // Only a value that normalises to itself is accepted: the STIX pattern and the MISP attribute type rest on it.
      const normalised = normaliseIndicator(indicator.type, indicator.value);
      if (!normalised.ok || normalised.value !== indicator.value) fail(`indicators[${i}].value`, 'invalid_indicator');
    }
    if (typeof indicator.comment !== 'string') fail(`indicators[${i}].comment`, 'invalid_type');
    if (!isExportableDate(indicator.createdAt)) fail(`indicators[${i}].createdAt`, 'invalid_date');
  });
  if (!isNonEmptyString(input.producer.name)) fail('producer.name', 'required');
  if (!isNonEmptyString(input.producer.namespace) || !isHttpUrl(input.producer.namespace)) fail('producer.namespace', 'invalid_url');
  return errors;
}

/** Throws `AppError('validation_failed')` listing every problem of `input`; returns silently when it is exportable. */
export function assertExportable(input: IncidentExportInput, options: ExportOptions = {}): void {
  const errors = validateIncidentExportInput(input);
  if (options.exportedAt !== undefined && !isExportableDate(options.exportedAt)) errors.push({ field: 'exportedAt', message: 'invalid_date' });
  if (errors.length > 0) throw new AppError('validation_failed', errors, 'The incident cannot be exported.');
}

// --- Identifiers ---------------------------------------------------------------------------------------------------

const UUID = /^[0-9a-f]{8}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{12}$/i;

/** The RFC 9562 namespace for names that are URLs. */
export const URL_NAMESPACE = '6ba7b811-9dad-11d1-80b4-00c04fd430c8';

/** Ribat's own namespace for the names of exported objects: UUIDv5 of `urn:ribat:incident-export` in the URL namespace. */
export const RIBAT_EXPORT_NAMESPACE = uuidV5('urn:ribat:incident-export', URL_NAMESPACE);

/** True for a UUID in its canonical 8-4-4-4-12 hexadecimal form (any version). */
export function isUuid(value: string): boolean {
  return UUID.test(value);
}

/** A name-based UUID, version 5 (SHA-1, RFC 9562 §5.5): the same name in the same namespace always gives the same UUID. */
export function uuidV5(name: string, namespace: string): string {
  if (!isUuid(namespace)) throw new TypeError(`Not a UUID namespace: ${namespace}`);
  const hash = createHash('sha1')
    .update(Buffer.from(namespace.replaceAll('-', ''), 'hex'))
    .update(name, 'utf8')
    .digest();
  const bytes = hash.subarray(0, 16);
  bytes[6] = ((bytes[6] ?? 0) & 0x0f) | 0x50;
  bytes[8] = ((bytes[8] ?? 0) & 0x3f) | 0x80;
  const hex = bytes.toString('hex');
  return `${hex.slice(0, 8)}-${hex.slice(8, 12)}-${hex.slice(12, 16)}-${hex.slice(16, 20)}-${hex.slice(20)}`;
}

/** The UUID the exports give the incident: its own id when that is a UUID (lower-cased), else one derived from it. */
export function incidentUuid(input: Pick<IncidentExportInput, 'id'>): string {
  return isUuid(input.id) ? input.id.toLowerCase() : uuidV5(`incident:${input.id}`, RIBAT_EXPORT_NAMESPACE);
}

/** The UUID of the producing CERT: UUIDv5 of its public URL in the URL namespace, so anyone can recompute it. */
export function producerUuid(producer: IncidentExportInput['producer']): string {
  return uuidV5(producer.namespace, URL_NAMESPACE);
}

/**
 * The indicators without repeats of the same type and value (the first one kept): ids are derived from type and value,
 * and MISP refuses two attributes with one uuid.
 */
export function distinctIndicators(indicators: readonly IncidentExportIndicator[]): IncidentExportIndicator[] {
  const seen = new Set<string>();
  return indicators.filter((indicator) => {
    const key = `${indicator.type}\u0000${indicator.value}`;
    if (seen.has(key)) return false;
    seen.add(key);
    return true;
  });
}

/** RFC 3339 in UTC with milliseconds and `Z` (`2026-03-02T09:15:00.000Z`), as STIX 2.1 timestamps require. */
export function rfc3339(date: Date): string {
  return date.toISOString();
}
