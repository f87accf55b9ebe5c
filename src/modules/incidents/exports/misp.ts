/**
 * An incident as a MISP event in the MISP core format (IETF draft-dulaunoy-misp-core-format, the JSON MISP imports and
 * serves in feeds): `{ "Event": { … } }` with its Orgc, Tag, Attribute and EventReport lists.
 *
 * Instance-local integer ids (`id`, `org_id`, `orgc_id`, `event_id`) are left out, as in MISP feeds: the receiving
 * instance allocates its own and matches the event and attributes by uuid. Numbers are JSON strings, as the draft
 * writes them. The constituent concerned is not exported: naming the victim is a separate sharing decision.
 */
import type { ExportOptions, ExportPap, ExportTlp, IncidentExportInput } from '#src/modules/incidents/exports/export.types';
import type { IndicatorType } from '#src/modules/indicators/indicators';
import {
  assertExportable,
  distinctIndicators,
  incidentUuid,
  producerUuid,
  uuidV5,
} from '#src/modules/incidents/exports/export.types';

/** MISP attribute types the exports produce. */
export type MispAttributeType = 'ip-dst' | 'domain' | 'url' | 'email-src' | 'md5' | 'sha1' | 'sha256' | 'sha512' | 'filename' | 'vulnerability' | 'AS';
/** MISP attribute categories the exports use (each valid for the type it is paired with, per the draft §2.3.2.3). */
export type MispCategory = 'Network activity' | 'Payload delivery' | 'External analysis';

/** A MISP tag as an event carries it; `exportable` keeps it on synchronisation. */
export interface MispTag {
  name: string;
  exportable: true;
}

/** A MISP attribute (draft §2.3). */
export interface MispAttribute {
  uuid: string;
  type: MispAttributeType;
  category: MispCategory;
  value: string;
  to_ids: boolean;
  comment: string;
  /** Unix time in seconds, as a string. */
  timestamp: string;
  /** `5`: inherit the event's distribution. */
  distribution: '5';
  sharing_group_id: '0';
  deleted: false;
  disable_correlation: false;
}

/** A MISP event report (draft §2.7): the incident description. */
export interface MispEventReport {
  uuid: string;
  name: string;
  content: string;
  distribution: '5';
  sharing_group_id: '0';
  timestamp: string;
  deleted: false;
}

/** A MISP event (draft §2.2). */
export interface MispEvent {
  uuid: string;
  info: string;
  /** `YYYY-MM-DD`, UTC. */
  date: string;
  /** 1 high, 2 medium, 3 low, 4 undefined. */
  threat_level_id: '1' | '2' | '3' | '4';
  /** 0 initial, 1 ongoing, 2 complete. */
  analysis: '0' | '1' | '2';
  /** 0 organisation only, 1 this community, 3 all communities. */
  distribution: '0' | '1' | '3';
  sharing_group_id: '0';
  published: false;
  timestamp: string;
  publish_timestamp: '0';
  attribute_count: string;
  Orgc: { name: string; uuid: string };
  Tag: MispTag[];
  Attribute: MispAttribute[];
  EventReport: MispEventReport[];
}

/** The JSON document MISP imports: one event under the `Event` key. */
export interface MispEventJson {
  Event: MispEvent;
}

interface AttributeMapping {
  type: MispAttributeType;
  category: MispCategory;
  toIds: boolean;
}

/**
 * Ribat indicator type → MISP attribute type, category and IDS flag. The categories are MISP's defaults for each type.
 * `to_ids` marks what a sensor can match on: network and hash values yes; a file name alone is too weak a signal, a CVE
 * is context, and an AS number is too broad to block (MISP's own default for `AS` is false as well).
 */
const attributeMapping: Readonly<Record<IndicatorType, AttributeMapping>> = {
  ipv4: { type: 'ip-dst', category: 'Network activity', toIds: true },
  ipv6: { type: 'ip-dst', category: 'Network activity', toIds: true },
  cidr: { type: 'ip-dst', category: 'Network activity', toIds: true },
  domain: { type: 'domain', category: 'Network activity', toIds: true },
  url: { type: 'url', category: 'Network activity', toIds: true },
  email: { type: 'email-src', category: 'Payload delivery', toIds: true },
  md5: { type: 'md5', category: 'Payload delivery', toIds: true },
  sha1: { type: 'sha1', category: 'Payload delivery', toIds: true },
  sha256: { type: 'sha256', category: 'Payload delivery', toIds: true },
  sha512: { type: 'sha512', category: 'Payload delivery', toIds: true },
  filename: { type: 'filename', category: 'Payload delivery', toIds: false },
  cve: { type: 'vulnerability', category: 'External analysis', toIds: false },
  asn: { type: 'AS', category: 'Network activity', toIds: false },
};

/** The MISP attribute type, category and IDS flag an indicator type is exported as. */
export function mispAttributeFor(type: IndicatorType): { type: MispAttributeType; category: MispCategory; toIds: boolean } {
  return attributeMapping[type];
}

/** Severity code → MISP threat level: très grave and grave are high, modéré medium, limité low; anything else undefined. */
export function mispThreatLevel(severityCode: string | null): MispEvent['threat_level_id'] {
  switch (severityCode) {
    case 'tres-grave':
    case 'grave':
      return '1';
    case 'modere':
      return '2';
    case 'limite':
      return '3';
    default:
      // No severity yet, or a code an administrator added: MISP's "undefined" rather than a guess.
      return '4';
  }
}

/** Incident status → MISP analysis level. */
export function mispAnalysis(status: IncidentExportInput['status']): MispEvent['analysis'] {
  switch (status) {
    case 'new':
    case 'triage':
      return '0';
    case 'in_progress':
      return '1';
    case 'resolved':
    case 'closed':
      return '2';
  }
}

/**
 * TLP → MISP distribution. RED, AMBER and AMBER+STRICT stay in the receiving organisation (MISP has no finer level
 * without sharing groups), GREEN goes to the community, CLEAR to all communities; the TLP tag carries the exact label.
 */
export function mispDistribution(tlp: ExportTlp): MispEvent['distribution'] {
  switch (tlp) {
    case 'red':
    case 'amber+strict':
    case 'amber':
      return '0';
    case 'green':
      return '1';
    case 'clear':
      return '3';
  }
}

/** The MISP taxonomy tag of a TLP 2.0 label (`tlp` namespace, lower case). */
export function mispTlpTag(tlp: ExportTlp): string {
  return `tlp:${tlp}`;
}

/** The MISP taxonomy tag of a PAP label (`PAP` namespace, upper case). */
export function mispPapTag(pap: ExportPap): string {
  return `PAP:${pap.toUpperCase()}`;
}

/** The RSIT machine tag of a class/type pair: `rsit:fraud="phishing"`, or `rsit:fraud` without a type. */
export function rsitTag(classification: IncidentExportInput['classifications'][number]): string {
  return classification.type === null ? `rsit:${classification.class}` : `rsit:${classification.class}="${classification.type}"`;
}

/** Unix time in whole seconds, as MISP writes timestamps. */
function unixSeconds(date: Date): string {
  return String(Math.floor(date.getTime() / 1000));
}

/** The draft asks for an `info` of at most 256 characters on one line. */
const MAX_INFO_LENGTH = 256;

function oneLine(text: string, max: number): string {
  const flat = text.replace(/\s+/g, ' ').trim();
  const chars = Array.from(flat);
  return chars.length <= max ? flat : `${chars.slice(0, max - 1).join('')}…`;
}

/**
 * Builds the MISP event of an incident. Ids are stable across exports: the event uuid is the incident id, attribute and
 * report uuids are UUIDv5 in the event uuid's namespace, the Orgc uuid is UUIDv5 of the producer's URL. The event is
 * dated by detection (else creation) and stays unpublished: publishing is the receiving analyst's decision. Throws `AppError('validation_failed')` on corrupt input.
 */
export function toMispEvent(input: IncidentExportInput, options: ExportOptions = {}): MispEventJson {
  assertExportable(input, options);
  const eventUuid = incidentUuid(input);
  const indicators = distinctIndicators(input.indicators);

  const attributes: MispAttribute[] = indicators.map((indicator) => {
    const mapping = attributeMapping[indicator.type];
    return {
      uuid: uuidV5(`attribute:${indicator.type}:${indicator.value}`, eventUuid),
      type: mapping.type,
      category: mapping.category,
      value: indicator.value,
      to_ids: mapping.toIds,
      comment: indicator.comment,
      timestamp: unixSeconds(indicator.createdAt),
      distribution: '5',
      sharing_group_id: '0',
      deleted: false,
      disable_correlation: false,
    };
  });

  const tagNames = [mispTlpTag(input.tlp), mispPapTag(input.pap), ...input.classifications.map(rsitTag)];
  const tags: MispTag[] = [...new Set(tagNames)].map((name) => ({ name, exportable: true }));

  // The event changed last when the incident or one of its indicators did (draft §2.2.1.8).
  const lastChange = indicators.reduce((latest, i) => Math.max(latest, i.createdAt.getTime()), input.updatedAt.getTime());
  const timestamp = unixSeconds(options.exportedAt ?? new Date(lastChange));
  const info = oneLine(`${input.reference} ${input.title}`, MAX_INFO_LENGTH);

  const reports: MispEventReport[] =
    input.description.trim() === ''
      ? []
      : [
          {
            uuid: uuidV5('report:description', eventUuid),
            name: info,
            // Plain text is valid Markdown; MISP renders it as paragraphs.
            content: input.description,
            distribution: '5',
            sharing_group_id: '0',
            timestamp: unixSeconds(input.updatedAt),
            deleted: false,
          },
        ];

  return {
    Event: {
      uuid: eventUuid,
      info,
      date: (input.detectedAt ?? input.createdAt).toISOString().slice(0, 10),
      threat_level_id: mispThreatLevel(input.severity?.code ?? null),
      analysis: mispAnalysis(input.status),
      distribution: mispDistribution(input.tlp),
      sharing_group_id: '0',
      published: false,
      timestamp,
      publish_timestamp: '0',
      attribute_count: String(attributes.length),
      Orgc: { name: input.producer.name, uuid: producerUuid(input.producer) },
      Tag: tags,
      Attribute: attributes,
      EventReport: reports,
    },
  };
}
