/**
 * An incident as a STIX 2.1 bundle: the producing CERT (`identity`), the `incident`, one `indicator` per indicator with
 * a STIX pattern (a CVE becomes a `vulnerability` instead), `relationship` objects tying them to the incident, and the
 * TLP 2.0 `marking-definition` applied to every object.
 *
 * Relationships are `related-to`: in the STIX 2.1 relationship summary `indicates` only targets attack-pattern,
 * campaign, infrastructure, intrusion-set, malware, threat-actor and tool, and no specific relationship links an
 * indicator or a vulnerability to an incident. Ids are UUIDv5 names in the incident's namespace, so a re-export yields
 * the same objects; timestamps are the incident's and indicators' own, never the export time. The constituent
 * concerned is not exported: naming the victim is a separate sharing decision.
 */
import type { ExportTlp, IncidentExportIndicator, IncidentExportInput } from '#src/modules/incidents/exports/export.types';
import type { IndicatorType } from '#src/modules/indicators/indicators';
import {
  assertExportable,
  distinctIndicators,
  incidentUuid,
  producerUuid,
  rfc3339,
  uuidV5,
} from '#src/modules/incidents/exports/export.types';
import { mispPapTag, rsitTag } from '#src/modules/incidents/exports/misp';

/** The id of the OASIS TLP 2.0 extension definition (cti-stix-common-objects, extension-definition-specifications/tlp-2.0). */
export const TLP2_EXTENSION_ID = 'extension-definition--60a3c5c5-0d10-413e-aab3-9e08dde9e88d';

/**
 * The official ids of the TLP 2.0 marking definitions, as published by OASIS with the extension above. Unlike TLP 1.0,
 * they are not predefined in the STIX 2.1 specification, so the bundle must carry the definition it references.
 */
export const TLP2_MARKING_IDS: Readonly<Record<ExportTlp, string>> = {
  clear: 'marking-definition--94868c89-83c2-464b-929b-a1a8aa3c8487',
  green: 'marking-definition--bab4a63c-aed9-4cf5-a766-dfca5abac2bb',
  amber: 'marking-definition--55d920b0-5e8b-4f79-9ee9-91f868d9b421',
  'amber+strict': 'marking-definition--939a9414-2ddd-4d32-a0cd-375ea402b003',
  red: 'marking-definition--e828b379-4e03-4974-9ac4-e53a884c97c1',
};

/** The `created` time OASIS gave every TLP 2.0 marking definition. */
const TLP2_CREATED = '2022-10-01T00:00:00.000Z';

/** A TLP 2.0 marking definition, exactly as OASIS publishes it. */
export interface StixMarkingDefinition {
  type: 'marking-definition';
  spec_version: '2.1';
  id: string;
  created: string;
  name: string;
  extensions: Record<string, { extension_type: 'property-extension'; tlp_2_0: ExportTlp }>;
}

/** A STIX external reference. */
export interface StixExternalReference {
  source_name: string;
  external_id?: string;
  url?: string;
  description?: string;
}

/** Properties every exported SDO and SRO carries. */
interface StixCommon {
  spec_version: '2.1';
  id: string;
  created: string;
  modified: string;
  object_marking_refs: string[];
}

/** The producing CERT. */
export interface StixIdentity extends StixCommon {
  type: 'identity';
  name: string;
  identity_class: 'organization';
}

/** The incident SDO. */
export interface StixIncident extends StixCommon {
  type: 'incident';
  created_by_ref: string;
  name: string;
  description?: string;
  labels?: string[];
  external_references: StixExternalReference[];
}

/** An indicator with a STIX pattern. */
export interface StixIndicator extends StixCommon {
  type: 'indicator';
  created_by_ref: string;
  name: string;
  description?: string;
  pattern: string;
  pattern_type: 'stix';
  pattern_version: '2.1';
  valid_from: string;
}

/** A vulnerability, for a CVE indicator. */
export interface StixVulnerability extends StixCommon {
  type: 'vulnerability';
  created_by_ref: string;
  name: string;
  description?: string;
  external_references: StixExternalReference[];
}

/** A relationship between two exported objects. */
export interface StixRelationship extends StixCommon {
  type: 'relationship';
  created_by_ref: string;
  relationship_type: 'related-to';
  source_ref: string;
  target_ref: string;
}

/** Any object the incident bundle holds. */
export type StixObject = StixMarkingDefinition | StixIdentity | StixIncident | StixIndicator | StixVulnerability | StixRelationship;

/** A STIX 2.1 bundle. */
export interface StixBundle {
  type: 'bundle';
  id: string;
  objects: StixObject[];
}

/** The TLP 2.0 marking definition object of a label (name `TLP:AMBER+STRICT`, extension value `amber+strict`). */
export function tlpMarkingDefinition(tlp: ExportTlp): StixMarkingDefinition {
  return {
    type: 'marking-definition',
    spec_version: '2.1',
    id: TLP2_MARKING_IDS[tlp],
    created: TLP2_CREATED,
    name: `TLP:${tlp.toUpperCase()}`,
    extensions: { [TLP2_EXTENSION_ID]: { extension_type: 'property-extension', tlp_2_0: tlp } },
  };
}

/** A string literal of the STIX patterning language: quoted with `'`, backslash and quote escaped (STIX 2.1 §9.4). */
export function stixStringLiteral(value: string): string {
  return `'${value.replaceAll('\\', '\\\\').replaceAll("'", "\\'")}'`;
}

/** The STIX hash algorithm vocabulary names (hash-algorithm-ov) of the hash types. */
const HASH_NAMES = { md5: 'MD5', sha1: 'SHA-1', sha256: 'SHA-256', sha512: 'SHA-512' } as const;

/**
 * The STIX pattern of an indicator (every type but `cve`, which is exported as a vulnerability). A CIDR block uses
 * `ISSUBSET` so that the pattern matches any observed address inside it, not only an observation of the block itself.
 */
export function stixPattern(type: Exclude<IndicatorType, 'cve'>, value: string): string {
  switch (type) {
    case 'ipv4':
      return `[ipv4-addr:value = ${stixStringLiteral(value)}]`;
    case 'ipv6':
      return `[ipv6-addr:value = ${stixStringLiteral(value)}]`;
    case 'cidr':
      return `[${value.includes(':') ? 'ipv6-addr' : 'ipv4-addr'}:value ISSUBSET ${stixStringLiteral(value)}]`;
    case 'domain':
      return `[domain-name:value = ${stixStringLiteral(value)}]`;
    case 'url':
      return `[url:value = ${stixStringLiteral(value)}]`;
    case 'email':
      return `[email-addr:value = ${stixStringLiteral(value)}]`;
    case 'md5':
    case 'sha1':
    case 'sha256':
    case 'sha512':
      return `[file:hashes.'${HASH_NAMES[type]}' = ${stixStringLiteral(value)}]`;
    case 'filename':
      return `[file:name = ${stixStringLiteral(value)}]`;
    case 'asn':
      // Normalised as `AS64500`; the autonomous-system SCO's number is an integer, written without quotes.
      return `[autonomous-system:number = ${Number(value.slice(2))}]`;
  }
}

function optionalText(text: string): { description?: string } {
  return text.trim() === '' ? {} : { description: text };
}

/**
 * Builds the STIX 2.1 bundle of an incident. Throws `AppError('validation_failed')` listing the fields of a corrupt
 * input. The object order is fixed (marking, identity, incident, then each indicator or vulnerability followed by its
 * relationship), so two exports of the same incident serialise to the same bytes.
 */
export function toStixBundle(input: IncidentExportInput): StixBundle {
  assertExportable(input);
  const namespace = incidentUuid(input);
  const marking = tlpMarkingDefinition(input.tlp);
  const markingRefs = [marking.id];
  const identityId = `identity--${producerUuid(input.producer)}`;
  const incidentId = `incident--${namespace}`;

  const identity: StixIdentity = {
    type: 'identity',
    spec_version: '2.1',
    id: identityId,
    // The incident's creation time, not the export time, keeps the object stable from one export to the next.
    created: rfc3339(input.createdAt),
    modified: rfc3339(input.createdAt),
    name: input.producer.name,
    identity_class: 'organization',
    object_marking_refs: markingRefs,
  };

  // RSIT classes (and the PAP) go in `labels`, written as the MISP machine tags: custom `x_` properties are deprecated
  // in STIX 2.1 in favour of extension definitions, there is no published RSIT extension, and `labels` is the common
  // property consumers (OpenCTI, MISP's STIX import) already read as tags.
  const labels = [...new Set([...input.classifications.map(rsitTag), mispPapTag(input.pap)])];
  const incident: StixIncident = {
    type: 'incident',
    spec_version: '2.1',
    id: incidentId,
    created: rfc3339(input.createdAt),
    modified: rfc3339(input.updatedAt),
    created_by_ref: identityId,
    name: input.title,
    ...optionalText(input.description),
    labels,
    external_references: [{ source_name: input.producer.name, external_id: input.reference }],
    object_marking_refs: markingRefs,
  };

  const related: StixObject[] = [];
  for (const indicator of distinctIndicators(input.indicators)) {
    const object = indicatorObject(indicator, namespace, identityId, markingRefs);
    const at = rfc3339(indicator.createdAt);
    related.push(object, {
      type: 'relationship',
      spec_version: '2.1',
      id: `relationship--${uuidV5(`relationship:${object.id}:related-to:${incidentId}`, namespace)}`,
      created: at,
      modified: at,
      created_by_ref: identityId,
      relationship_type: 'related-to',
      source_ref: object.id,
      target_ref: incidentId,
      object_marking_refs: markingRefs,
    });
  }

  return {
    type: 'bundle',
    id: `bundle--${uuidV5('bundle', namespace)}`,
    objects: [marking, identity, incident, ...related],
  };
}

function indicatorObject(indicator: IncidentExportIndicator, namespace: string, identityId: string, markingRefs: string[]): StixIndicator | StixVulnerability {
  const at = rfc3339(indicator.createdAt);
  if (indicator.type === 'cve') {
    return {
      type: 'vulnerability',
      spec_version: '2.1',
      id: `vulnerability--${uuidV5(`vulnerability:${indicator.value}`, namespace)}`,
      created: at,
      modified: at,
      created_by_ref: identityId,
      name: indicator.value,
      ...optionalText(indicator.comment),
      external_references: [{ source_name: 'cve', external_id: indicator.value }],
      object_marking_refs: markingRefs,
    };
  }
  return {
    type: 'indicator',
    spec_version: '2.1',
    id: `indicator--${uuidV5(`indicator:${indicator.type}:${indicator.value}`, namespace)}`,
    created: at,
    modified: at,
    created_by_ref: identityId,
    name: indicator.value,
    ...optionalText(indicator.comment),
    pattern: stixPattern(indicator.type, indicator.value),
    pattern_type: 'stix',
    pattern_version: '2.1',
    valid_from: at,
    object_marking_refs: markingRefs,
  };
}
