import type { Config } from '#src/config/config';
import type { DatabaseHandle } from '#src/db/database';
import type { RequestContext } from '#src/core/context';
import type { Locale } from '#src/core/i18n/i18n';
import type { Incident, IncidentIndicator } from '#src/modules/incidents/incidents.types';
import type { IncidentExportInput } from '#src/modules/incidents/exports/export.types';
import type { VocabularyTerm } from '#src/modules/taxonomies/taxonomies.types';
import type { QueueQuery } from '#src/modules/incidents/use-cases/list-incidents';
import { AppError, assertNever } from '#src/core/errors';
import { can } from '#src/core/access';
import { findTerms } from '#src/modules/taxonomies/taxonomies.repository';
import { labelOfCode, termLabel } from '#src/modules/taxonomies/taxonomies.types';
import { findOrganisationById } from '#src/modules/constituents/constituents.repository';
import { organisationName } from '#src/modules/constituents/constituents.types';
import { findIncident, listIndicators } from '#src/modules/incidents/incidents.repository';
import { incidentViewerOf } from '#src/modules/incidents/incidents.visibility';
import { listIncidents } from '#src/modules/incidents/use-cases/list-incidents';
import { toMispEvent } from '#src/modules/incidents/exports/misp';
import { toStixBundle } from '#src/modules/incidents/exports/stix';
import { toIncidentsCsv, toIndicatorsCsv } from '#src/modules/incidents/exports/csv';

/** The formats one incident exports to: MISP event JSON, STIX 2.1 bundle, or its indicators as CSV. */
export type IncidentExportFormat = 'misp' | 'stix' | 'csv';

/** A file ready to be served as a download. */
export interface ExportFile {
  /** A safe file name (ASCII letters, digits, `.`, `-`, `_`), based on the reference. */
  fileName: string;
  /** The Content-Type to serve it with. */
  mediaType: string;
  body: string;
}

/** The queue as CSV, and whether the row limit cut it short. */
export interface QueueExportFile extends ExportFile {
  rows: number;
  truncated: boolean;
}

/** The most rows a queue CSV holds; filter the queue to export more precisely. */
export const queueExportLimit = 10_000;

/** The Content-Types of the exports. */
export const exportMediaTypes = {
  misp: 'application/json; charset=utf-8',
  stix: 'application/stix+json;version=2.1',
  csv: 'text/csv; charset=utf-8; header=present',
} as const satisfies Record<IncidentExportFormat, string>;

/** What the mapping needs besides the incident: its indicators, organisation, severity label and the producer. */
export interface ExportContext {
  indicators: readonly IncidentIndicator[];
  organisation: { name: string; sector: string | null } | null;
  severityLabel: string | null;
  producer: IncidentExportInput['producer'];
}

/**
 * Maps an incident to what the exporters take: RSIT types lose their `class.` prefix (`fraud.phishing` → `phishing`,
 * as the machine tag `rsit:fraud="phishing"` writes them), the severity carries its code and label, and the
 * reporter's personal data never goes out (the exports name the producer CERT only).
 */
export function toIncidentExportInput(incident: Incident, extra: ExportContext): IncidentExportInput {
  return {
    id: incident.id,
    reference: incident.reference,
    title: incident.title,
    description: incident.description,
    status: incident.status,
    createdAt: incident.createdAt,
    updatedAt: incident.updatedAt,
    detectedAt: incident.detectedAt,
    awareAt: incident.awareAt,
    closedAt: incident.closedAt,
    severity: incident.severity === null ? null : { code: incident.severity, label: extra.severityLabel ?? incident.severity },
    priority: incident.priority,
    tlp: incident.tlp,
    pap: incident.pap,
    classifications: incident.classifications.map((c) => ({
      class: c.classCode,
      type: c.typeCode === null ? null : c.typeCode.startsWith(`${c.classCode}.`) ? c.typeCode.slice(c.classCode.length + 1) : c.typeCode,
    })),
    organisation: extra.organisation,
    disposition: incident.disposition,
    indicators: extra.indicators.map((i) => ({ type: i.type, value: i.value, comment: i.comment, createdAt: i.createdAt })),
    producer: extra.producer,
  };
}

/** A file name made only of safe characters (no quote, slash or control character can reach the header). */
export function safeFileName(stem: string, extension: string): string {
  const clean = stem.replace(/[^A-Za-z0-9._-]+/g, '-').replace(/^[.-]+|[.-]+$/g, '').slice(0, 100);
  return `${clean === '' ? 'incident' : clean}.${extension}`;
}

/** Caches the lookups an export repeats (vocabularies, organisations) for one request. */
class ExportLookups {
  private severities: VocabularyTerm[] | null = null;
  private sectors: VocabularyTerm[] | null = null;
  private readonly organisations = new Map<string, { name: string; sector: string | null } | null>();

  constructor(
    private readonly database: DatabaseHandle,
    private readonly locale: Locale,
  ) {}

  async severityLabel(code: string | null): Promise<string | null> {
    if (code === null) return null;
    this.severities ??= await findTerms(this.database.db, 'incident_severity', { includeRetired: true });
    const term = this.severities.find((t) => t.code === code);
    return term ? termLabel(term, this.locale) : code;
  }

  async organisation(id: string | null): Promise<{ name: string; sector: string | null } | null> {
    if (id === null) return null;
    const known = this.organisations.get(id);
    if (known !== undefined) return known;
    const org = await findOrganisationById(this.database.db, { kind: 'all' }, id);
    let out: { name: string; sector: string | null } | null = null;
    if (org) {
      this.sectors ??= await findTerms(this.database.db, 'sector', { includeRetired: true });
      out = { name: organisationName(org, this.locale), sector: org.sectorCode === '' ? null : labelOfCode(this.sectors, org.sectorCode, this.locale) };
    }
    this.organisations.set(id, out);
    return out;
  }

  async inputOf(config: Config, incident: Incident): Promise<IncidentExportInput> {
    return toIncidentExportInput(incident, {
      indicators: await listIndicators(this.database.db, incident.id),
      organisation: await this.organisation(incident.organisationId),
      severityLabel: await this.severityLabel(incident.severity),
      producer: { name: config.siteName, namespace: config.publicUrl },
    });
  }
}

/**
 * Exports one incident for sharing with another CERT or tool: a MISP event (TLP, PAP and RSIT tags), a STIX 2.1
 * bundle (TLP marking, PAP and RSIT labels) or its indicators as CSV. Handlers only: anyone else, and any incident the
 * actor may not see, is 404. The export reads only; sharing it is the handler's decision under the incident's TLP/PAP.
 */
export async function exportIncident(database: DatabaseHandle, config: Config, ctx: RequestContext, id: string, format: IncidentExportFormat): Promise<ExportFile> {
  if (!can(ctx.actor, 'incidents:read')) throw new AppError('not_found');
  const incident = await findIncident(database.db, incidentViewerOf(ctx.actor), id);
  if (!incident) throw new AppError('not_found');
  const input = await new ExportLookups(database, ctx.locale).inputOf(config, incident);
  switch (format) {
    case 'misp':
      return { fileName: safeFileName(incident.reference, 'misp.json'), mediaType: exportMediaTypes.misp, body: `${JSON.stringify(toMispEvent(input), null, 2)}\n` };
    case 'stix':
      return { fileName: safeFileName(incident.reference, 'stix.json'), mediaType: exportMediaTypes.stix, body: `${JSON.stringify(toStixBundle(input), null, 2)}\n` };
    case 'csv':
      return { fileName: safeFileName(incident.reference, 'indicators.csv'), mediaType: exportMediaTypes.csv, body: toIndicatorsCsv(input) };
    default:
      return assertNever(format);
  }
}

/**
 * Exports the queue as CSV (one line per incident), with the same filters and order as the queue and through the same
 * visibility rule, up to {@link queueExportLimit} rows (`truncated` says when there were more). Handlers only (404
 * otherwise); a bad filter is a validation error naming its parameter.
 */
export async function exportIncidents(database: DatabaseHandle, config: Config, ctx: RequestContext, query: QueueQuery): Promise<QueueExportFile> {
  if (!can(ctx.actor, 'incidents:read')) throw new AppError('not_found');
  const viewer = incidentViewerOf(ctx.actor);
  const lookups = new ExportLookups(database, ctx.locale);
  const rows: IncidentExportInput[] = [];
  let cursor: string | null = null;
  let truncated = false;
  do {
    const page = await listIncidents(database, ctx, query, { limit: 200, ...(cursor === null ? {} : { cursor }) });
    for (const summary of page.items) {
      if (rows.length >= queueExportLimit) {
        truncated = true;
        break;
      }
      // Read again through the visibility rule: the row may have changed (or gone) since the page was read.
      const incident = await findIncident(database.db, viewer, summary.id);
      if (incident) rows.push(await lookups.inputOf(config, incident));
    }
    cursor = page.nextCursor;
    if (rows.length >= queueExportLimit && cursor !== null) truncated = true;
  } while (cursor !== null && !truncated);
  const day = ctx.clock.now().toISOString().slice(0, 10);
  return { fileName: safeFileName(`incidents-${day}`, 'csv'), mediaType: exportMediaTypes.csv, body: toIncidentsCsv(rows), rows: rows.length, truncated };
}
