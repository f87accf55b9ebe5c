import { describe, expect, it } from 'vitest';
import { AppError } from '#src/core/errors';
import { csvField, incidentCsvColumns, indicatorCsvColumns, toIncidentsCsv, toIndicatorsCsv } from '#src/modules/incidents/exports/csv';
import { SHA256, phishingIncident } from '#src/modules/incidents/exports/export.fixture';


/**
 * A strict RFC 4180 parser: records end with CRLF, fields are either bare (no quote, comma, CR or LF) or quoted with
 * inner quotes doubled. Anything else throws, so the test also proves the output is well-formed.
 */
function parseCsv(text: string): string[][] {
  const records: string[][] = [];
  let record: string[] = [];
  let i = 0;
  for (;;) {
    let field = '';
    if (text[i] === '"') {
      i += 1;
      for (;;) {
        if (i >= text.length) throw new Error('unterminated quoted field');
        if (text[i] === '"') {
          if (text[i + 1] === '"') {
            field += '"';
            i += 2;
            continue;
          }
          i += 1;
          break;
        }
        field += text[i];
        i += 1;
      }
    } else {
      while (i < text.length && text[i] !== ',' && text[i] !== '\r') {
        if (text[i] === '"' || text[i] === '\n') throw new Error(`bare quote or line feed at ${i}`);
        field += text[i];
        i += 1;
      }
    }
    record.push(field);
    if (text[i] === ',') {
      i += 1;
      continue;
    }
    if (text.slice(i, i + 2) !== '\r\n') throw new Error(`expected CRLF at ${i}`);
    i += 2;
    records.push(record);
    record = [];
    if (i === text.length) return records;
  }
}

/** Strips the byte order mark, failing if it is missing. */
function body(csv: string): string {
  expect(csv.charCodeAt(0)).toBe(0xfeff);
  return csv.slice(1);
}

const INJECTION = "=cmd|' /C calc'!A0";

describe('csvField', () => {
  it.each([
    ['plain', 'plain'],
    ['a,b', '"a,b"'],
    ['il a dit "non"', '"il a dit ""non"""'],
    ['ligne 1\r\nligne 2', '"ligne 1\r\nligne 2"'],
    ['ligne 1\nligne 2', '"ligne 1\nligne 2"'],
    ['تصيد احتيالي', 'تصيد احتيالي'],
    ['', ''],
  ])('%j → %j', (value, field) => {
    expect(csvField(value)).toBe(field);
  });

  it.each([
    ['=1+1', "'=1+1"],
    ['+33 1 23 45 67 89', "'+33 1 23 45 67 89"],
    ['-2+3', "'-2+3"],
    ['@SUM(A1)', "'@SUM(A1)"],
    ['\t=1', "'\t=1"],
    ['\r=1', `"'\r=1"`],
    [INJECTION, `'${INJECTION}`],
  ])('neutralises the formula %j as %j', (value, field) => {
    expect(csvField(value)).toBe(field);
  });
});

describe('toIncidentsCsv', () => {
  it('writes a BOM, the header and one CRLF-terminated line per incident', () => {
    expect(toIncidentsCsv([phishingIncident()])).toBe(
      '\uFEFF' +
        'reference,title,status,severity,priority,tlp,pap,classes,organisation,sector,created,closed,disposition,indicator_count\r\n' +
        "RIBAT-2026-INC-0042,Campagne d'hameçonnage visant les clients de la Banque Exemple,in_progress,Grave,2,TLP:AMBER,PAP:GREEN,fraud/phishing,Banque Exemple,finance,2026-03-02T09:15:00.000Z,,,6\r\n",
    );
  });

  it('writes only the header for no incident', () => {
    expect(parseCsv(body(toIncidentsCsv([])))).toEqual([[...incidentCsvColumns]]);
  });

  it('round-trips tricky cells through an RFC 4180 parser, formulas neutralised', () => {
    const tricky = phishingIncident({
      reference: 'RIBAT-2026-INC-0043',
      title: 'Fuite "confidentielle", phase 2\r\nsuite',
      status: 'closed',
      severity: null,
      priority: 4,
      tlp: 'amber+strict',
      pap: 'red',
      classifications: [
        { class: 'information-content-security', type: 'data-leak' },
        { class: 'other', type: null },
      ],
      organisation: { name: 'وزارة الاقتصاد والمالية', sector: INJECTION },
      closedAt: new Date('2026-03-20T18:00:00.000Z'),
      disposition: '-false-positive',
      indicators: [],
    });
    const rows = parseCsv(body(toIncidentsCsv([phishingIncident(), tricky])));
    expect(rows).toHaveLength(3);
    expect(rows[2]).toEqual([
      'RIBAT-2026-INC-0043',
      'Fuite "confidentielle", phase 2\r\nsuite',
      'closed',
      '',
      '4',
      'TLP:AMBER+STRICT',
      'PAP:RED',
      'information-content-security/data-leak; other',
      'وزارة الاقتصاد والمالية',
      `'${INJECTION}`,
      '2026-03-02T09:15:00.000Z',
      '2026-03-20T18:00:00.000Z',
      "'-false-positive",
      '0',
    ]);
    for (const row of rows) expect(row).toHaveLength(incidentCsvColumns.length);
  });

  it('refuses a corrupt row, naming the row and the field', () => {
    try {
      toIncidentsCsv([phishingIncident(), phishingIncident({ closedAt: new Date(Number.NaN) })]);
      expect.unreachable();
    } catch (error) {
      expect(error).toBeInstanceOf(AppError);
      expect((error as AppError).fields).toEqual([{ field: 'rows[1].closedAt', message: 'invalid_date' }]);
    }
  });
});

describe('toIndicatorsCsv', () => {
  it('writes one line per indicator with the raw (not defanged) value', () => {
    const rows = parseCsv(body(toIndicatorsCsv(phishingIncident())));
    expect(rows).toEqual([
      [...indicatorCsvColumns],
      ['RIBAT-2026-INC-0042', 'url', 'https://banque-exemple-securite.example/ma/connexion?session=1', 'Fausse page de connexion', '2026-03-02T09:20:00.000Z'],
      ['RIBAT-2026-INC-0042', 'domain', 'banque-exemple-securite.example', '', '2026-03-02T09:20:00.000Z'],
      ['RIBAT-2026-INC-0042', 'ipv4', '198.51.100.7', "Hébergeur de l'hameçonnage", '2026-03-02T09:21:00.000Z'],
      ['RIBAT-2026-INC-0042', 'sha256', SHA256, 'Pièce jointe facture.html', '2026-03-02T10:02:30.500Z'],
      ['RIBAT-2026-INC-0042', 'email', 'service-client@banque-exemple-securite.example', 'Expéditeur', '2026-03-02T09:22:00.000Z'],
      ['RIBAT-2026-INC-0042', 'cve', 'CVE-2024-21413', 'Outlook MonikerLink exploité par la pièce jointe', '2026-03-02T11:00:00.000Z'],
    ]);
  });

  it('round-trips tricky comments and neutralises a file name that reads as a formula', () => {
    const at = new Date('2026-03-02T12:00:00.000Z');
    const input = phishingIncident({
      indicators: [
        { type: 'filename', value: '=cmd.exe', comment: 'تم إرساله كمرفق, "عاجل"\nراجع السجلات', createdAt: at },
        { type: 'domain', value: 'evil.example', comment: INJECTION, createdAt: at },
      ],
    });
    const csv = toIndicatorsCsv(input);
    expect(csv.endsWith('\r\n')).toBe(true);
    expect(parseCsv(body(csv)).slice(1)).toEqual([
      ['RIBAT-2026-INC-0042', 'filename', "'=cmd.exe", 'تم إرساله كمرفق, "عاجل"\nراجع السجلات', '2026-03-02T12:00:00.000Z'],
      ['RIBAT-2026-INC-0042', 'domain', 'evil.example', `'${INJECTION}`, '2026-03-02T12:00:00.000Z'],
    ]);
  });

  it('refuses an indicator whose value is not normalised', () => {
    const input = phishingIncident();
    input.indicators[1] = { ...input.indicators[1], value: 'Banque-Exemple-Securite.Example' };
    expect(() => toIndicatorsCsv(input)).toThrow(AppError);
  });
});
