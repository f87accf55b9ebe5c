/**
 * Incidents and their indicators as CSV for spreadsheets: RFC 4180 (fields quoted when they hold a quote, a comma or a
 * line break; quotes doubled; CRLF after every record, the header included), UTF-8 with a byte order mark, and cells a
 * spreadsheet would run as a formula neutralised (OWASP "CSV injection").
 */
import type { FieldError } from '#src/core/errors';
import type { IncidentExportInput } from '#src/modules/incidents/exports/export.types';
import { AppError } from '#src/core/errors';
import { validateIncidentExportInput } from '#src/modules/incidents/exports/export.types';

/** U+FEFF: Excel reads a CSV file as UTF-8 only when it starts with this mark, otherwise Arabic and accents are garbled. */
export const UTF8_BOM = '\uFEFF';
const CRLF = '\r\n';

/** The columns of {@link toIncidentsCsv}. */
export const incidentCsvColumns = [
  'reference',
  'title',
  'status',
  'severity',
  'priority',
  'tlp',
  'pap',
  'classes',
  'organisation',
  'sector',
  'created',
  'closed',
  'disposition',
  'indicator_count',
] as const;

/** The columns of {@link toIndicatorsCsv}. */
export const indicatorCsvColumns = ['reference', 'type', 'value', 'comment', 'created'] as const;

/** First characters that make Excel, LibreOffice or Google Sheets read a cell as a formula (or a DDE command). */
const FORMULA_START = /^[=+\-@\t\r]/;

/**
 * One CSV field: a cell that would start a formula (`=`, `+`, `-`, `@`, tab, carriage return) is prefixed with `'`,
 * which spreadsheets show as text; then the field is quoted if it holds a quote, a comma or a line break.
 */
export function csvField(value: string): string {
  const safe = FORMULA_START.test(value) ? `'${value}` : value;
  return /[",\r\n]/.test(safe) ? `"${safe.replaceAll('"', '""')}"` : safe;
}

function csvRecord(fields: readonly string[]): string {
  return `${fields.map(csvField).join(',')}${CRLF}`;
}

function csvDocument(header: readonly string[], rows: readonly (readonly string[])[]): string {
  return UTF8_BOM + csvRecord(header) + rows.map(csvRecord).join('');
}

function time(date: Date | null): string {
  return date === null ? '' : date.toISOString();
}

function throwIfAny(errors: FieldError[]): void {
  if (errors.length > 0) throw new AppError('validation_failed', errors, 'The incidents cannot be exported.');
}

/**
 * One line per incident, in the order given: reference, title, status, severity (label), priority, `TLP:…`, `PAP:…`,
 * RSIT classes (`class/type`, `; `-separated), organisation, sector, created and closed (ISO 8601 UTC), disposition and
 * indicator count. The text starts with a UTF-8 byte order mark so that Excel opens Arabic text correctly; encode it
 * as UTF-8. Throws `AppError('validation_failed')` on a corrupt row.
 */
export function toIncidentsCsv(rows: readonly IncidentExportInput[]): string {
  throwIfAny(rows.flatMap((row, i) => validateIncidentExportInput(row, `rows[${i}].`)));
  return csvDocument(
    incidentCsvColumns,
    rows.map((row) => [
      row.reference,
      row.title,
      row.status,
      row.severity?.label ?? '',
      String(row.priority),
      `TLP:${row.tlp.toUpperCase()}`,
      `PAP:${row.pap.toUpperCase()}`,
      row.classifications.map((c) => (c.type === null ? c.class : `${c.class}/${c.type}`)).join('; '),
      row.organisation?.name ?? '',
      row.organisation?.sector ?? '',
      time(row.createdAt),
      time(row.closedAt),
      row.disposition ?? '',
      String(row.indicators.length),
    ]),
  );
}

/**
 * One line per indicator of an incident: reference, type, value (normalised, not defanged: the file is meant for
 * tools), comment and creation time (ISO 8601 UTC). Starts with a UTF-8 byte order mark so that Excel opens Arabic
 * comments correctly; encode it as UTF-8. Throws `AppError('validation_failed')` on corrupt input.
 */
export function toIndicatorsCsv(input: IncidentExportInput): string {
  throwIfAny(validateIncidentExportInput(input));
  return csvDocument(
    indicatorCsvColumns,
    input.indicators.map((indicator) => [input.reference, indicator.type, indicator.value, indicator.comment, time(indicator.createdAt)]),
  );
}
