/**
 * What each figure means: one entry per figure key with the message keys of its name and of its written definition
 * (shown beside the figure and in exports), its unit, its breakdowns, whether the public report shows it by default
 * and whether its small counts are suppressed there. The definitions' texts are in statistics.messages.ts; the SQL in
 * statistics.repository.ts implements exactly what they say.
 */
import type { Dimension, FigureKey, FigureKind } from '#src/modules/statistics/statistics.types';
import { figureKeys, figureKinds } from '#src/modules/statistics/statistics.types';

/** What a figure counts or measures. */
export type FigureUnit = 'incidents' | 'seconds' | 'deadlines' | 'bulletins' | 'cves' | 'subscribers';

/** The definition of one figure. */
export interface FigureDefinition {
  key: FigureKey;
  kind: FigureKind;
  /** Message key of the figure's name (`statistics.figure.<key>`). */
  nameKey: string;
  /** Message key of the figure's definition (`statistics.definition.<key>`). */
  definitionKey: string;
  unit: FigureUnit;
  /** The breakdowns computed for a count figure, in display order. */
  dimensions: readonly Dimension[];
  /** Shown in the public report when RIBAT_STATS_PUBLIC_FIGURES is not set. */
  isPublicByDefault: boolean;
  /**
   * True when small counts are suppressed in the public report: figures about incidents (an organisation could be
   * singled out) and subscribers. Bulletin figures are exact: every bulletin they count is itself public.
   */
  isSuppressible: boolean;
}

/**
 * Dispositions that do not make an incident "treated": the report was a duplicate (merged into another incident), a
 * test, or outside the CERT's remit. Codes of the `incident_disposition` vocabulary (src/db/seeds/incidents.ts).
 */
export const untreatedDispositions = ['duplicate', 'test', 'out-of-scope'] as const;

/** The criticality code of a critical bulletin (vocabulary `criticality`). */
export const CRITICAL = 'critical';

/** The deadline profile of the CERT's own service levels; every other profile is a legal (regulation) one. */
export const SERVICE_LEVEL_PROFILE = 'cert-sla';

/** How many vendors and products the rankings list. */
export const TOP_LIMIT = 10;

const incidentDimensions = ['rsit_class', 'severity', 'sector', 'category', 'channel'] as const satisfies readonly Dimension[];

type Details = Pick<FigureDefinition, 'unit' | 'dimensions' | 'isPublicByDefault' | 'isSuppressible'>;

const details: Record<FigureKey, Details> = {
  'incidents.reported': { unit: 'incidents', dimensions: incidentDimensions, isPublicByDefault: true, isSuppressible: true },
  'incidents.treated': { unit: 'incidents', dimensions: incidentDimensions, isPublicByDefault: true, isSuppressible: true },
  'incidents.closed': { unit: 'incidents', dimensions: ['disposition'], isPublicByDefault: false, isSuppressible: true },
  'incidents.reported_by_month': { unit: 'incidents', dimensions: [], isPublicByDefault: true, isSuppressible: true },
  'incidents.treated_by_month': { unit: 'incidents', dimensions: [], isPublicByDefault: true, isSuppressible: true },
  'incidents.backlog': { unit: 'incidents', dimensions: [], isPublicByDefault: false, isSuppressible: true },
  'incidents.first_response_time': { unit: 'seconds', dimensions: [], isPublicByDefault: false, isSuppressible: true },
  'incidents.triage_time': { unit: 'seconds', dimensions: [], isPublicByDefault: false, isSuppressible: true },
  'incidents.resolution_time': { unit: 'seconds', dimensions: [], isPublicByDefault: false, isSuppressible: true },
  'incidents.service_level_compliance': { unit: 'deadlines', dimensions: [], isPublicByDefault: false, isSuppressible: true },
  'incidents.legal_deadline_compliance': { unit: 'deadlines', dimensions: [], isPublicByDefault: false, isSuppressible: true },
  'bulletins.published': { unit: 'bulletins', dimensions: ['kind', 'criticality'], isPublicByDefault: true, isSuppressible: false },
  'bulletins.critical': { unit: 'bulletins', dimensions: ['kind'], isPublicByDefault: true, isSuppressible: false },
  'bulletins.published_by_month': { unit: 'bulletins', dimensions: [], isPublicByDefault: true, isSuppressible: false },
  'bulletins.cves': { unit: 'cves', dimensions: [], isPublicByDefault: true, isSuppressible: false },
  'bulletins.top_vendors': { unit: 'bulletins', dimensions: [], isPublicByDefault: true, isSuppressible: false },
  'bulletins.top_products': { unit: 'bulletins', dimensions: [], isPublicByDefault: true, isSuppressible: false },
  'subscribers.confirmed': { unit: 'subscribers', dimensions: [], isPublicByDefault: true, isSuppressible: true },
  'subscribers.new': { unit: 'subscribers', dimensions: [], isPublicByDefault: false, isSuppressible: true },
};

/** Every figure's definition, by key. */
export const figureDefinitions: Readonly<Record<FigureKey, FigureDefinition>> = Object.fromEntries(
  figureKeys.map((key) => [key, { key, kind: figureKinds[key], nameKey: `statistics.figure.${key}`, definitionKey: `statistics.definition.${key}`, ...details[key] }]),
) as Record<FigureKey, FigureDefinition>;

/** The figures of the public report when RIBAT_STATS_PUBLIC_FIGURES is not set, in display order. */
export const defaultPublicFigures: readonly FigureKey[] = figureKeys.filter((key) => figureDefinitions[key].isPublicByDefault);

/** Message key of a dimension's name (`statistics.dimension.<dimension>`). */
export function dimensionNameKey(dimension: Dimension): string {
  return `statistics.dimension.${dimension}`;
}

/** Message key of what a dimension's categories are (`statistics.dimension_definition.<dimension>`). */
export function dimensionDefinitionKey(dimension: Dimension): string {
  return `statistics.dimension_definition.${dimension}`;
}
