import { describe, expect, it } from 'vitest';
import type { IndicatorType } from '#src/modules/indicators/indicators';
import type { StixIndicator, StixObject } from '#src/modules/incidents/exports/stix';
import { AppError } from '#src/core/errors';
import { stixPattern, toStixBundle, TLP2_EXTENSION_ID } from '#src/modules/incidents/exports/stix';
import { SHA256, phishingIncident } from '#src/modules/incidents/exports/export.fixture';


const AMBER = 'marking-definition--55d920b0-5e8b-4f79-9ee9-91f868d9b421';
const IDENTITY = 'identity--c1154e95-3d2a-5ef9-a820-bd4fd5f62157';
const INCIDENT = 'incident--01957a3c-8f2e-7b41-9c3d-5e6f7a8b9c0d';

/** STIX 2.1 §2.9 identifier: `object-type--UUID` (RFC 4122 variant). */
const STIX_ID = /^([a-z][a-z0-9-]+[a-z0-9])--[0-9a-f]{8}-[0-9a-f]{4}-[1-8][0-9a-f]{3}-[89ab][0-9a-f]{3}-[0-9a-f]{12}$/;
/** STIX 2.1 §2.7 timestamp as these exports write it: UTC, millisecond precision, `Z`. */
const TIMESTAMP = /^\d{4}-\d{2}-\d{2}T\d{2}:\d{2}:\d{2}\.\d{3}Z$/;
/**
 * A pattern made of one comparison expression (STIX 2.1 §9): `[object-type:object-path operator literal]`, where the
 * path is a property name followed by `.name` or `.'quoted name'` steps, the operator one of the comparison operators,
 * and the literal a quoted string (only `\'` and `\\` escapes) or an integer.
 */
const COMPARISON = /^\[([a-z][a-z0-9-]*):([a-z_][a-z0-9_]*(?:\.(?:[a-z_][a-z0-9_]*|'[A-Za-z0-9_-]+'))*) (=|!=|>|<|>=|<=|IN|LIKE|MATCHES|ISSUBSET|ISSUPERSET) ('(?:[^'\\]|\\['\\])*'|-?\d+)\]$/;
/** The STIX 2.1 cyber-observable types a pattern may name here. */
const SCO_TYPES = new Set(['ipv4-addr', 'ipv6-addr', 'domain-name', 'url', 'email-addr', 'file', 'autonomous-system']);

/** The value a pattern literal stands for. */
function literalValue(literal: string): string {
  return literal.startsWith("'") ? literal.slice(1, -1).replace(/\\(['\\])/g, '$1') : literal;
}

function byType<T extends StixObject['type']>(objects: StixObject[], type: T): Extract<StixObject, { type: T }>[] {
  return objects.filter((o): o is Extract<StixObject, { type: T }> => o.type === type);
}

function relationship(id: string, source: string, at: string): StixObject {
  return {
    type: 'relationship',
    spec_version: '2.1',
    id,
    created: at,
    modified: at,
    created_by_ref: IDENTITY,
    relationship_type: 'related-to',
    source_ref: source,
    target_ref: INCIDENT,
    object_marking_refs: [AMBER],
  };
}

function indicator(id: string, at: string, name: string, pattern: string, description?: string): StixIndicator {
  return {
    type: 'indicator',
    spec_version: '2.1',
    id,
    created: at,
    modified: at,
    created_by_ref: IDENTITY,
    name,
    ...(description === undefined ? {} : { description }),
    pattern,
    pattern_type: 'stix',
    pattern_version: '2.1',
    valid_from: at,
    object_marking_refs: [AMBER],
  };
}

describe('toStixBundle', () => {
  it('maps the phishing incident to the exact STIX 2.1 bundle', () => {
    const url = 'indicator--5780bc4c-47fb-5462-ac3a-621929fc3b6b';
    const domain = 'indicator--375e7063-2d96-5c16-b74d-4df12943eb01';
    const ip = 'indicator--2af427bf-be14-5cf1-8d0e-6655c031d880';
    const hash = 'indicator--074b9ea1-eb1c-5a42-a325-93ba7a4ebb4e';
    const email = 'indicator--61c00305-d997-5736-a2ad-7d33ad1c752d';
    const cve = 'vulnerability--95c93c77-e8cf-558e-b5c7-b6ea56e48b42';
    expect(toStixBundle(phishingIncident())).toEqual({
      type: 'bundle',
      id: 'bundle--240c9ff8-85bc-53ee-9adc-7f367cc89a8c',
      objects: [
        {
          type: 'marking-definition',
          spec_version: '2.1',
          id: AMBER,
          created: '2022-10-01T00:00:00.000Z',
          name: 'TLP:AMBER',
          extensions: { [TLP2_EXTENSION_ID]: { extension_type: 'property-extension', tlp_2_0: 'amber' } },
        },
        {
          type: 'identity',
          spec_version: '2.1',
          id: IDENTITY,
          created: '2026-03-02T09:15:00.000Z',
          modified: '2026-03-02T09:15:00.000Z',
          name: 'maCERT',
          identity_class: 'organization',
          object_marking_refs: [AMBER],
        },
        {
          type: 'incident',
          spec_version: '2.1',
          id: INCIDENT,
          created: '2026-03-02T09:15:00.000Z',
          modified: '2026-03-03T16:40:12.345Z',
          created_by_ref: IDENTITY,
          name: "Campagne d'hameçonnage visant les clients de la Banque Exemple",
          description: 'Des courriels usurpant la Banque Exemple renvoient vers une fausse page de connexion.\nLes identifiants saisis sont exfiltrés.',
          labels: ['rsit:fraud="phishing"', 'PAP:GREEN'],
          external_references: [{ source_name: 'maCERT', external_id: 'RIBAT-2026-INC-0042' }],
          object_marking_refs: [AMBER],
        },
        indicator(
          url,
          '2026-03-02T09:20:00.000Z',
          'https://banque-exemple-securite.example/ma/connexion?session=1',
          "[url:value = 'https://banque-exemple-securite.example/ma/connexion?session=1']",
          'Fausse page de connexion',
        ),
        relationship('relationship--33905a18-642c-5a00-b376-9b6efb6915ab', url, '2026-03-02T09:20:00.000Z'),
        indicator(domain, '2026-03-02T09:20:00.000Z', 'banque-exemple-securite.example', "[domain-name:value = 'banque-exemple-securite.example']"),
        relationship('relationship--1a53d840-60a6-5215-b8f7-79fa992f11da', domain, '2026-03-02T09:20:00.000Z'),
        indicator(ip, '2026-03-02T09:21:00.000Z', '198.51.100.7', "[ipv4-addr:value = '198.51.100.7']", "Hébergeur de l'hameçonnage"),
        relationship('relationship--23e51f6e-83a5-5e4e-bd5e-429c1ff5377e', ip, '2026-03-02T09:21:00.000Z'),
        indicator(hash, '2026-03-02T10:02:30.500Z', SHA256, `[file:hashes.'SHA-256' = '${SHA256}']`, 'Pièce jointe facture.html'),
        relationship('relationship--407ed117-39c3-59ea-a139-c86bef59d4db', hash, '2026-03-02T10:02:30.500Z'),
        indicator(
          email,
          '2026-03-02T09:22:00.000Z',
          'service-client@banque-exemple-securite.example',
          "[email-addr:value = 'service-client@banque-exemple-securite.example']",
          'Expéditeur',
        ),
        relationship('relationship--af97ef31-8a32-5cbb-b34e-bd45affcde42', email, '2026-03-02T09:22:00.000Z'),
        {
          type: 'vulnerability',
          spec_version: '2.1',
          id: cve,
          created: '2026-03-02T11:00:00.000Z',
          modified: '2026-03-02T11:00:00.000Z',
          created_by_ref: IDENTITY,
          name: 'CVE-2024-21413',
          description: 'Outlook MonikerLink exploité par la pièce jointe',
          external_references: [{ source_name: 'cve', external_id: 'CVE-2024-21413' }],
          object_marking_refs: [AMBER],
        },
        relationship('relationship--71537efa-b792-5c4c-9a62-3ec0133d13ed', cve, '2026-03-02T11:00:00.000Z'),
      ],
    });
  });

  it('gives every object a valid, unique `type--uuid` id, stable across two exports', () => {
    const first = toStixBundle(phishingIncident());
    const second = toStixBundle(phishingIncident());
    expect(JSON.stringify(second)).toBe(JSON.stringify(first));
    expect(first.id).toMatch(STIX_ID);
    for (const object of first.objects) {
      const match = STIX_ID.exec(object.id);
      expect(match?.[1], object.id).toBe(object.type);
    }
    expect(new Set(first.objects.map((o) => o.id)).size).toBe(first.objects.length);
  });

  it('changes the ids of another incident, keeping the producer identity', () => {
    const other = toStixBundle(phishingIncident({ id: '01957a3c-8f2e-7b41-9c3d-000000000001' }));
    const base = toStixBundle(phishingIncident());
    const ids = new Set(base.objects.map((o) => o.id));
    const shared = other.objects.map((o) => o.id).filter((id) => ids.has(id));
    expect(shared).toEqual([AMBER, IDENTITY]);
    expect(other.id).not.toBe(base.id);
  });

  it('writes timestamps in RFC 3339 UTC with milliseconds', () => {
    for (const object of toStixBundle(phishingIncident()).objects) {
      expect(object.created).toMatch(TIMESTAMP);
      if ('modified' in object) expect(object.modified).toMatch(TIMESTAMP);
      if (object.type === 'indicator') expect(object.valid_from).toMatch(TIMESTAMP);
    }
  });

  it('resolves every reference inside the bundle', () => {
    const bundle = toStixBundle(phishingIncident());
    const ids = new Set(bundle.objects.map((o) => o.id));
    for (const object of bundle.objects) {
      if (object.type === 'marking-definition') continue;
      expect(object.object_marking_refs).toEqual([AMBER]);
      if ('created_by_ref' in object) expect(ids.has(object.created_by_ref)).toBe(true);
      if (object.type === 'relationship') {
        expect(ids.has(object.source_ref)).toBe(true);
        expect(object.target_ref).toBe(INCIDENT);
        expect(object.relationship_type).toBe('related-to');
      }
    }
    // Every indicator and vulnerability is tied to the incident.
    const linked = new Set(byType(bundle.objects, 'relationship').map((r) => r.source_ref));
    for (const object of [...byType(bundle.objects, 'indicator'), ...byType(bundle.objects, 'vulnerability')]) expect(linked.has(object.id)).toBe(true);
  });

  it('exports a CVE as a vulnerability with a cve external reference, never as an indicator', () => {
    const bundle = toStixBundle(phishingIncident());
    expect(byType(bundle.objects, 'indicator').map((i) => i.pattern).join(' ')).not.toContain('CVE');
    expect(byType(bundle.objects, 'vulnerability').map((v) => v.external_references)).toEqual([[{ source_name: 'cve', external_id: 'CVE-2024-21413' }]]);
  });

  it.each([
    ['clear', 'marking-definition--94868c89-83c2-464b-929b-a1a8aa3c8487', 'TLP:CLEAR'],
    ['green', 'marking-definition--bab4a63c-aed9-4cf5-a766-dfca5abac2bb', 'TLP:GREEN'],
    ['amber', 'marking-definition--55d920b0-5e8b-4f79-9ee9-91f868d9b421', 'TLP:AMBER'],
    ['amber+strict', 'marking-definition--939a9414-2ddd-4d32-a0cd-375ea402b003', 'TLP:AMBER+STRICT'],
    ['red', 'marking-definition--e828b379-4e03-4974-9ac4-e53a884c97c1', 'TLP:RED'],
  ] as const)('TLP:%s carries the OASIS TLP 2.0 marking definition %s and applies it to every object', (tlp, id, name) => {
    const bundle = toStixBundle(phishingIncident({ tlp }));
    const markings = byType(bundle.objects, 'marking-definition');
    expect(markings).toEqual([
      {
        type: 'marking-definition',
        spec_version: '2.1',
        id,
        created: '2022-10-01T00:00:00.000Z',
        name,
        extensions: { 'extension-definition--60a3c5c5-0d10-413e-aab3-9e08dde9e88d': { extension_type: 'property-extension', tlp_2_0: tlp } },
      },
    ]);
    for (const object of bundle.objects) if (object.type !== 'marking-definition') expect(object.object_marking_refs).toEqual([id]);
  });

  it('puts the RSIT classes and the PAP in labels', () => {
    const incident = byType(
      toStixBundle(phishingIncident({ pap: 'red', classifications: [{ class: 'fraud', type: 'phishing' }, { class: 'other', type: null }] })).objects,
      'incident',
    )[0];
    expect(incident?.labels).toEqual(['rsit:fraud="phishing"', 'rsit:other', 'PAP:RED']);
  });

  it('omits an empty description instead of writing an empty string', () => {
    const bundle = toStixBundle(phishingIncident({ description: '' }));
    expect(byType(bundle.objects, 'incident')[0]).not.toHaveProperty('description');
    expect(byType(bundle.objects, 'indicator')[1]).not.toHaveProperty('description');
  });

  it('refuses corrupt input with the field and the problem', () => {
    const input = phishingIncident();
    input.indicators[3] = { ...input.indicators[3], value: 'not-a-hash' };
    try {
      toStixBundle(input);
      expect.unreachable();
    } catch (error) {
      expect(error).toBeInstanceOf(AppError);
      expect((error as AppError).fields).toEqual([{ field: 'indicators[3].value', message: 'invalid_indicator' }]);
    }
  });
});

describe('stixPattern', () => {
  const samples: [Exclude<IndicatorType, 'cve'>, string, string][] = [
    ['ipv4', '198.51.100.7', "[ipv4-addr:value = '198.51.100.7']"],
    ['ipv6', '2001:db8::1', "[ipv6-addr:value = '2001:db8::1']"],
    ['cidr', '198.51.100.0/24', "[ipv4-addr:value ISSUBSET '198.51.100.0/24']"],
    ['cidr', '2001:db8::/32', "[ipv6-addr:value ISSUBSET '2001:db8::/32']"],
    ['domain', 'xn--bcher-kva.example', "[domain-name:value = 'xn--bcher-kva.example']"],
    ['url', "http://evil.example/it's\\x", "[url:value = 'http://evil.example/it\\'s\\\\x']"],
    ['email', 'service-client@banque-exemple-securite.example', "[email-addr:value = 'service-client@banque-exemple-securite.example']"],
    ['md5', 'd41d8cd98f00b204e9800998ecf8427e', "[file:hashes.'MD5' = 'd41d8cd98f00b204e9800998ecf8427e']"],
    ['sha1', 'da39a3ee5e6b4b0d3255bfef95601890afd80709', "[file:hashes.'SHA-1' = 'da39a3ee5e6b4b0d3255bfef95601890afd80709']"],
    ['sha256', SHA256, `[file:hashes.'SHA-256' = '${SHA256}']`],
    ['sha512', 'f'.repeat(128), `[file:hashes.'SHA-512' = '${'f'.repeat(128)}']`],
    ['filename', "l'offre.pdf.exe", "[file:name = 'l\\'offre.pdf.exe']"],
    ['asn', 'AS64500', '[autonomous-system:number = 64500]'],
  ];

  it.each(samples)('%s %s → %s', (type, value, pattern) => {
    expect(stixPattern(type, value)).toBe(pattern);
  });

  it('writes only valid comparison expressions whose literal is the indicator value, for every type', () => {
    for (const [type, value] of samples) {
      const match = COMPARISON.exec(stixPattern(type, value));
      expect(match, `${type} ${value}`).not.toBeNull();
      expect(SCO_TYPES.has(match?.[1] ?? '')).toBe(true);
      const literal = match?.[4] ?? '';
      expect(literalValue(literal)).toBe(type === 'asn' ? value.slice(2) : value);
    }
  });

  it('writes valid patterns for every indicator of an exported bundle, quotes and backslashes included', () => {
    const at = new Date('2026-03-02T12:00:00.000Z');
    const bundle = toStixBundle(
      phishingIncident({
        indicators: [
          ...phishingIncident().indicators,
          { type: 'url', value: "http://evil.example/it's\\x", comment: '', createdAt: at },
          { type: 'asn', value: 'AS4200000000', comment: '', createdAt: at },
          { type: 'cidr', value: '203.0.113.0/24', comment: '', createdAt: at },
        ],
      }),
    );
    const patterns = byType(bundle.objects, 'indicator').map((i) => i.pattern);
    expect(patterns).toHaveLength(8);
    for (const pattern of patterns) expect(pattern).toMatch(COMPARISON);
    expect(patterns).toContain('[autonomous-system:number = 4200000000]');
  });
});
