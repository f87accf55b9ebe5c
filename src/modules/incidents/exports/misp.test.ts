import { describe, expect, it } from 'vitest';
import { v5 as uuidPackageV5 } from 'uuid';
import type { IndicatorType } from '#src/modules/indicators/indicators';
import { AppError } from '#src/core/errors';
import { RIBAT_EXPORT_NAMESPACE, URL_NAMESPACE, uuidV5 } from '#src/modules/incidents/exports/export.types';
import { mispAttributeFor, toMispEvent } from '#src/modules/incidents/exports/misp';
import { indicatorTypes } from '#src/modules/indicators/indicators';
import { SHA256, phishingIncident } from '#src/modules/incidents/exports/export.fixture';


const UUID_V5 = /^[0-9a-f]{8}-[0-9a-f]{4}-5[0-9a-f]{3}-[89ab][0-9a-f]{3}-[0-9a-f]{12}$/;

function errorFields(run: () => unknown): { field: string; message: string }[] {
  try {
    run();
  } catch (error) {
    expect(error).toBeInstanceOf(AppError);
    const appError = error as AppError;
    expect(appError.code).toBe('validation_failed');
    return appError.fields.map(({ field, message }) => ({ field, message }));
  }
  throw new Error('expected the export to be refused');
}

describe('uuidV5', () => {
  it('matches RFC 9562 version 5 as computed by the uuid package', () => {
    for (const name of ['https://cert.example.ma', 'attribute:url:http://x.example/', 'عربي', '']) {
      expect(uuidV5(name, URL_NAMESPACE)).toBe(uuidPackageV5(name, uuidPackageV5.URL));
      expect(uuidV5(name, RIBAT_EXPORT_NAMESPACE)).toBe(uuidPackageV5(name, RIBAT_EXPORT_NAMESPACE));
    }
    expect(RIBAT_EXPORT_NAMESPACE).toMatch(UUID_V5);
  });
});

describe('toMispEvent', () => {
  it('maps the phishing incident to the exact MISP core format event', () => {
    expect(toMispEvent(phishingIncident())).toEqual({
      Event: {
        uuid: '01957a3c-8f2e-7b41-9c3d-5e6f7a8b9c0d',
        info: "RIBAT-2026-INC-0042 Campagne d'hameçonnage visant les clients de la Banque Exemple",
        date: '2026-03-02',
        threat_level_id: '1',
        analysis: '1',
        distribution: '0',
        sharing_group_id: '0',
        published: false,
        timestamp: String(Date.parse('2026-03-03T16:40:12Z') / 1000),
        publish_timestamp: '0',
        attribute_count: '6',
        Orgc: { name: 'maCERT', uuid: 'c1154e95-3d2a-5ef9-a820-bd4fd5f62157' },
        Tag: [
          { name: 'tlp:amber', exportable: true },
          { name: 'PAP:GREEN', exportable: true },
          { name: 'rsit:fraud="phishing"', exportable: true },
        ],
        Attribute: [
          {
            uuid: '9e5f1392-ab3b-5135-8027-974ba244e749',
            type: 'url',
            category: 'Network activity',
            value: 'https://banque-exemple-securite.example/ma/connexion?session=1',
            to_ids: true,
            comment: 'Fausse page de connexion',
            timestamp: String(Date.parse('2026-03-02T09:20:00Z') / 1000),
            distribution: '5',
            sharing_group_id: '0',
            deleted: false,
            disable_correlation: false,
          },
          {
            uuid: '231d9aa6-a0fd-5c2e-9c39-069e07d92f51',
            type: 'domain',
            category: 'Network activity',
            value: 'banque-exemple-securite.example',
            to_ids: true,
            comment: '',
            timestamp: '1772443200',
            distribution: '5',
            sharing_group_id: '0',
            deleted: false,
            disable_correlation: false,
          },
          {
            uuid: 'b40cb8a3-aae6-5f0a-8428-28f97a086ef9',
            type: 'ip-dst',
            category: 'Network activity',
            value: '198.51.100.7',
            to_ids: true,
            comment: "Hébergeur de l'hameçonnage",
            timestamp: '1772443260',
            distribution: '5',
            sharing_group_id: '0',
            deleted: false,
            disable_correlation: false,
          },
          {
            uuid: '8216fa18-e321-5176-97e2-04205d14f381',
            type: 'sha256',
            category: 'Payload delivery',
            value: SHA256,
            to_ids: true,
            comment: 'Pièce jointe facture.html',
            // 10:02:30.500 is written in whole seconds, rounded down.
            timestamp: '1772445750',
            distribution: '5',
            sharing_group_id: '0',
            deleted: false,
            disable_correlation: false,
          },
          {
            uuid: '29455aa7-c29f-50e9-bc06-904a870adee2',
            type: 'email-src',
            category: 'Payload delivery',
            value: 'service-client@banque-exemple-securite.example',
            to_ids: true,
            comment: 'Expéditeur',
            timestamp: '1772443320',
            distribution: '5',
            sharing_group_id: '0',
            deleted: false,
            disable_correlation: false,
          },
          {
            uuid: '5da45ce9-0823-5ec1-af70-17ab6864cd1f',
            type: 'vulnerability',
            category: 'External analysis',
            value: 'CVE-2024-21413',
            to_ids: false,
            comment: 'Outlook MonikerLink exploité par la pièce jointe',
            timestamp: '1772449200',
            distribution: '5',
            sharing_group_id: '0',
            deleted: false,
            disable_correlation: false,
          },
        ],
        EventReport: [
          {
            uuid: 'e3be7f8e-3527-5836-a6a3-924d9e3eea8b',
            name: "RIBAT-2026-INC-0042 Campagne d'hameçonnage visant les clients de la Banque Exemple",
            content: 'Des courriels usurpant la Banque Exemple renvoient vers une fausse page de connexion.\nLes identifiants saisis sont exfiltrés.',
            distribution: '5',
            sharing_group_id: '0',
            timestamp: '1772556012',
            deleted: false,
          },
        ],
      },
    });
  });

  it('derives ids deterministically: attribute uuids are UUIDv5 in the event namespace, Orgc is UUIDv5 of the producer URL', () => {
    const first = toMispEvent(phishingIncident());
    const second = toMispEvent(phishingIncident());
    expect(JSON.stringify(second)).toBe(JSON.stringify(first));
    expect(first.Event.Orgc.uuid).toBe(uuidPackageV5('https://cert.example.ma', uuidPackageV5.URL));
    expect(first.Event.Attribute[0]?.uuid).toBe(uuidPackageV5('attribute:url:https://banque-exemple-securite.example/ma/connexion?session=1', first.Event.uuid));
    for (const attribute of first.Event.Attribute) expect(attribute.uuid).toMatch(UUID_V5);
    expect(new Set(first.Event.Attribute.map((a) => a.uuid)).size).toBe(first.Event.Attribute.length);
  });

  it('derives a stable event uuid when the incident id is not a UUID', () => {
    const event = toMispEvent(phishingIncident({ id: 'legacy-42' })).Event;
    expect(event.uuid).toMatch(UUID_V5);
    expect(event.uuid).toBe(toMispEvent(phishingIncident({ id: 'legacy-42' })).Event.uuid);
    expect(event.uuid).not.toBe(toMispEvent(phishingIncident({ id: 'legacy-43' })).Event.uuid);
  });

  it('lower-cases an upper-case UUID id', () => {
    expect(toMispEvent(phishingIncident({ id: '01957A3C-8F2E-7B41-9C3D-5E6F7A8B9C0D' })).Event.uuid).toBe('01957a3c-8f2e-7b41-9c3d-5e6f7a8b9c0d');
  });

  it.each([
    ['clear', 'tlp:clear', '3'],
    ['green', 'tlp:green', '1'],
    ['amber', 'tlp:amber', '0'],
    ['amber+strict', 'tlp:amber+strict', '0'],
    ['red', 'tlp:red', '0'],
  ] as const)('TLP:%s gives the tag %s and distribution %s', (tlp, tag, distribution) => {
    const event = toMispEvent(phishingIncident({ tlp })).Event;
    expect(event.Tag[0]).toEqual({ name: tag, exportable: true });
    expect(event.distribution).toBe(distribution);
    expect(event.sharing_group_id).toBe('0');
  });

  it.each([
    ['clear', 'PAP:CLEAR'],
    ['green', 'PAP:GREEN'],
    ['amber', 'PAP:AMBER'],
    ['red', 'PAP:RED'],
  ] as const)('PAP %s gives the tag %s', (pap, tag) => {
    expect(toMispEvent(phishingIncident({ pap })).Event.Tag[1]).toEqual({ name: tag, exportable: true });
  });

  it('writes RSIT machine tags, without a value when the type is unknown, once each', () => {
    const event = toMispEvent(
      phishingIncident({
        classifications: [
          { class: 'fraud', type: 'phishing' },
          { class: 'malicious-code', type: 'c2-server' },
          { class: 'intrusions', type: null },
          { class: 'fraud', type: 'phishing' },
        ],
      }),
    ).Event;
    expect(event.Tag.map((t) => t.name)).toEqual(['tlp:amber', 'PAP:GREEN', 'rsit:fraud="phishing"', 'rsit:malicious-code="c2-server"', 'rsit:intrusions']);
  });

  it.each([
    [{ code: 'tres-grave', label: 'Très grave' }, '1'],
    [{ code: 'grave', label: 'Grave' }, '1'],
    [{ code: 'modere', label: 'Modéré' }, '2'],
    [{ code: 'limite', label: 'Limité' }, '3'],
    [{ code: 'custom-admin-level', label: 'Autre' }, '4'],
    [null, '4'],
  ] as const)('severity %j gives threat_level_id %s', (severity, level) => {
    expect(toMispEvent(phishingIncident({ severity })).Event.threat_level_id).toBe(level);
  });

  it.each([
    ['new', '0'],
    ['triage', '0'],
    ['in_progress', '1'],
    ['resolved', '2'],
    ['closed', '2'],
  ] as const)('status %s gives analysis %s', (status, analysis) => {
    expect(toMispEvent(phishingIncident({ status })).Event.analysis).toBe(analysis);
  });

  it('maps every indicator type to a category the draft allows for its MISP type, with the IDS flag', () => {
    // Draft §2.3.2.3, the category → types table (the subset these exports use).
    const allowed: Record<string, string[]> = {
      'Network activity': ['ip-dst', 'domain', 'url', 'email-src', 'AS'],
      'Payload delivery': ['md5', 'sha1', 'sha256', 'sha512', 'filename', 'email-src', 'vulnerability', 'ip-dst', 'domain', 'url', 'AS'],
      'External analysis': ['vulnerability', 'md5', 'sha1', 'sha256', 'filename', 'ip-dst', 'domain', 'url', 'AS'],
    };
    const expected: Record<IndicatorType, [string, boolean]> = {
      ipv4: ['ip-dst', true],
      ipv6: ['ip-dst', true],
      cidr: ['ip-dst', true],
      domain: ['domain', true],
      url: ['url', true],
      email: ['email-src', true],
      md5: ['md5', true],
      sha1: ['sha1', true],
      sha256: ['sha256', true],
      sha512: ['sha512', true],
      filename: ['filename', false],
      cve: ['vulnerability', false],
      asn: ['AS', false],
    };
    for (const type of indicatorTypes) {
      const mapping = mispAttributeFor(type);
      expect([mapping.type, mapping.toIds]).toEqual(expected[type]);
      expect(allowed[mapping.category]).toContain(mapping.type);
    }
  });

  it('exports IPv6, CIDR, hashes, file names and AS numbers as their MISP types', () => {
    const at = new Date('2026-03-02T12:00:00.000Z');
    const event = toMispEvent(
      phishingIncident({
        indicators: [
          { type: 'ipv6', value: '2001:db8::1', comment: '', createdAt: at },
          { type: 'cidr', value: '203.0.113.0/24', comment: '', createdAt: at },
          { type: 'md5', value: 'd41d8cd98f00b204e9800998ecf8427e', comment: '', createdAt: at },
          { type: 'filename', value: 'facture.html', comment: '', createdAt: at },
          { type: 'asn', value: 'AS64500', comment: '', createdAt: at },
        ],
      }),
    ).Event;
    expect(event.Attribute.map((a) => [a.type, a.category, a.value, a.to_ids])).toEqual([
      ['ip-dst', 'Network activity', '2001:db8::1', true],
      ['ip-dst', 'Network activity', '203.0.113.0/24', true],
      ['md5', 'Payload delivery', 'd41d8cd98f00b204e9800998ecf8427e', true],
      ['filename', 'Payload delivery', 'facture.html', false],
      ['AS', 'Network activity', 'AS64500', false],
    ]);
  });

  it('takes the latest indicator time as event timestamp when it is after the incident update', () => {
    const later = new Date('2026-04-01T00:00:00.000Z');
    const input = phishingIncident();
    input.indicators.push({ type: 'ipv4', value: '203.0.113.9', comment: '', createdAt: later });
    expect(toMispEvent(input).Event.timestamp).toBe(String(later.getTime() / 1000));
  });

  it('uses exportedAt as event timestamp when given', () => {
    const exportedAt = new Date('2026-05-05T05:05:05.900Z');
    expect(toMispEvent(phishingIncident(), { exportedAt }).Event.timestamp).toBe(String(Math.floor(exportedAt.getTime() / 1000)));
  });

  it('keeps one attribute per type and value', () => {
    const input = phishingIncident();
    input.indicators.push({ ...input.indicators[2], comment: 'again' });
    const event = toMispEvent(input).Event;
    expect(event.Attribute).toHaveLength(6);
    expect(event.attribute_count).toBe('6');
    expect(event.Attribute[2]?.comment).toBe("Hébergeur de l'hameçonnage");
  });

  it('dates the event by detection, else creation, in UTC', () => {
    expect(toMispEvent(phishingIncident({ detectedAt: new Date('2026-02-28T23:30:00.000Z') })).Event.date).toBe('2026-02-28');
    expect(toMispEvent(phishingIncident({ detectedAt: null })).Event.date).toBe('2026-03-02');
  });

  it('keeps info on one line of at most 256 characters and omits the report of an empty description', () => {
    const event = toMispEvent(phishingIncident({ title: `Ligne 1\nLigne 2\t${'é'.repeat(400)}`, description: '  ' })).Event;
    expect(event.info.startsWith('RIBAT-2026-INC-0042 Ligne 1 Ligne 2 éé')).toBe(true);
    expect(Array.from(event.info)).toHaveLength(256);
    expect(event.info.endsWith('…')).toBe(true);
    expect(event.EventReport).toEqual([]);
  });

  it('refuses corrupt input with the field and the problem', () => {
    const input = phishingIncident({ createdAt: new Date('not a date'), classifications: [{ class: 'fraud', type: 'phish"ing' }] });
    input.indicators[0] = { ...input.indicators[0], value: 'HTTPS://Banque.Example' };
    expect(errorFields(() => toMispEvent(input))).toEqual([
      { field: 'createdAt', message: 'invalid_date' },
      { field: 'classifications[0].type', message: 'invalid_format' },
      { field: 'indicators[0].value', message: 'invalid_indicator' },
    ]);
    expect(errorFields(() => toMispEvent(phishingIncident({ updatedAt: new Date('2026-01-01T00:00:00.000Z') })))).toEqual([{ field: 'updatedAt', message: 'date_order' }]);
    expect(errorFields(() => toMispEvent(phishingIncident(), { exportedAt: new Date(Number.NaN) }))).toEqual([{ field: 'exportedAt', message: 'invalid_date' }]);
    expect(errorFields(() => toMispEvent(phishingIncident({ producer: { name: 'maCERT', namespace: 'cert.example.ma' } })))).toEqual([
      { field: 'producer.namespace', message: 'invalid_url' },
    ]);
  });
});
