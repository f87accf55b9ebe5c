/**
 * The bulletin editor's form, as typed: read from a submitted body, turned into the `BulletinInput` the use cases
 * validate, and filled back from a working copy. Field names mirror the error paths of the use cases
 * (`texts.fr.title`, `affected.0.vendor`, `cves.1.cvss31` …) so each error lands next to its field.
 */
import type { FieldError } from '#src/core/errors';
import type { FormReader } from '#src/web/forms';
import type { BulletinInput } from '#src/modules/bulletins/bulletins.validation';
import type { BulletinContent, BulletinLanguage, RelationType, Tlp } from '#src/modules/bulletins/bulletins.types';
import type { IndicatorType } from '#src/modules/indicators/indicators';
import { AppError } from '#src/core/errors';
import { bulletinLanguages, relationTypes, tlpLevels } from '#src/modules/bulletins/bulletins.types';
import { indicatorTypes } from '#src/modules/indicators/indicators';
import { textFields, type TextField } from '#src/modules/bulletins/diff';

/** The repeated groups of the editor, each a list of rows. */
export const rowLists = ['affected', 'cves', 'references', 'relations', 'indicators'] as const;
export type RowList = (typeof rowLists)[number];

/** The most rows of one list a form may carry (the body limit allows 500 values per name anyway). */
export const MAX_ROWS = 200;

export interface AffectedRow {
  productId: string;
  vendor: string;
  product: string;
  versions: string;
  cpe: string;
  purl: string;
}
export interface CveRow {
  id: string;
  cvss31: string;
  cvss40: string;
  cwe: string;
  exploited: boolean;
}
export interface ReferenceRow {
  title: string;
  url: string;
}
export interface RelationRow {
  type: string;
  reference: string;
}
export interface IndicatorRow {
  type: string;
  value: string;
  comment: string;
}

/** The editor's values exactly as typed, so a refused form comes back unchanged. */
export interface BulletinFormValues {
  texts: Record<BulletinLanguage, Record<TextField, string>>;
  criticality: string;
  risks: string[];
  tlp: string;
  recipientOrganisationIds: string[];
  recipientUserIds: string[];
  affected: AffectedRow[];
  cves: CveRow[];
  references: ReferenceRow[];
  relations: RelationRow[];
  indicators: IndicatorRow[];
  changeSummary: string;
}

const emptyTexts = (): Record<TextField, string> => ({ title: '', summary: '', description: '', solution: '', workarounds: '' });

/** Blank rows, one per list, used by "add a row". */
export const blankRows = {
  affected: (): AffectedRow => ({ productId: '', vendor: '', product: '', versions: '', cpe: '', purl: '' }),
  cves: (): CveRow => ({ id: '', cvss31: '', cvss40: '', cwe: '', exploited: false }),
  references: (): ReferenceRow => ({ title: '', url: '' }),
  relations: (): RelationRow => ({ type: 'follows', reference: '' }),
  indicators: (): IndicatorRow => ({ type: 'ipv4', value: '', comment: '' }),
} as const;

/** The form filled with a working copy (or a revision) and the pending change summary. */
export function formValuesFromContent(content: BulletinContent, changeSummary: string): BulletinFormValues {
  const texts = Object.fromEntries(bulletinLanguages.map((l) => [l, { ...emptyTexts(), ...(content.texts[l] ?? {}) }])) as BulletinFormValues['texts'];
  return {
    texts,
    criticality: content.criticality,
    risks: [...content.risks],
    tlp: content.tlp,
    recipientOrganisationIds: [...content.recipientOrganisationIds],
    recipientUserIds: [...content.recipientUserIds],
    affected: content.affected.map((a) => ({ productId: a.productId, vendor: a.vendor, product: a.product, versions: a.versions, cpe: a.cpe ?? '', purl: a.purl ?? '' })),
    cves: content.cves.map((c) => ({ id: c.id, cvss31: c.cvss31 ?? '', cvss40: c.cvss40 ?? '', cwe: c.cwe ?? '', exploited: c.exploited })),
    references: content.references.map((r) => ({ ...r })),
    relations: content.relations.map((r) => ({ ...r })),
    indicators: content.indicators.map((i) => ({ ...i })),
    changeSummary,
  };
}

/** Rows `list.<i>.*` of a submitted form, in index order; rows whose every field is empty are dropped. */
function readRows<T extends object>(form: FormReader, list: RowList, read: (prefix: string) => T, isEmpty: (row: T) => boolean): T[] {
  const indices = new Set<number>();
  const pattern = new RegExp(`^${list}\\.(\\d{1,3})\\.`);
  for (const name of form.names()) {
    const m = pattern.exec(name);
    if (m?.[1] !== undefined) {
      const i = Number(m[1]);
      if (i < MAX_ROWS) indices.add(i);
    }
  }
  return [...indices]
    .sort((a, b) => a - b)
    .map((i) => read(`${list}.${i}.`))
    .filter((row) => !isEmpty(row));
}

/**
 * Reads the editor's body. Empty rows are dropped, so the rows are renumbered: the form is re-rendered from these
 * values, hence error paths (which index the input sent to the use case) still point at the row shown.
 */
export function readBulletinForm(form: FormReader): BulletinFormValues {
  const texts = Object.fromEntries(
    bulletinLanguages.map((l) => [l, Object.fromEntries(textFields.map((f) => [f, f === 'title' || f === 'summary' ? form.str(`texts.${l}.${f}`) : form.raw(`texts.${l}.${f}`).replace(/\r\n/g, '\n').trimEnd()]))]),
  ) as BulletinFormValues['texts'];
  return {
    texts,
    criticality: form.str('criticality'),
    risks: form.list('risks'),
    tlp: form.str('tlp'),
    recipientOrganisationIds: form.list('recipientOrganisationIds'),
    recipientUserIds: form.list('recipientUserIds'),
    affected: readRows(
      form,
      'affected',
      (p) => ({ productId: form.str(`${p}productId`), vendor: form.str(`${p}vendor`), product: form.str(`${p}product`), versions: form.str(`${p}versions`), cpe: form.str(`${p}cpe`), purl: form.str(`${p}purl`) }),
      (r) => !r.vendor && !r.product && !r.versions && !r.cpe && !r.purl,
    ),
    cves: readRows(
      form,
      'cves',
      (p) => ({ id: form.str(`${p}id`), cvss31: form.str(`${p}cvss31`), cvss40: form.str(`${p}cvss40`), cwe: form.str(`${p}cwe`), exploited: form.bool(`${p}exploited`) }),
      (r) => !r.id && !r.cvss31 && !r.cvss40 && !r.cwe,
    ),
    references: readRows(form, 'references', (p) => ({ title: form.str(`${p}title`), url: form.str(`${p}url`) }), (r) => !r.title && !r.url),
    relations: readRows(form, 'relations', (p) => ({ type: form.str(`${p}type`), reference: form.str(`${p}reference`) }), (r) => !r.reference),
    indicators: readRows(form, 'indicators', (p) => ({ type: form.str(`${p}type`), value: form.str(`${p}value`), comment: form.str(`${p}comment`) }), (r) => !r.value && !r.comment),
    changeSummary: form.str('changeSummary'),
  };
}

const isTlp = (v: string): v is Tlp => (tlpLevels as readonly string[]).includes(v);
const isRelationType = (v: string): v is RelationType => (relationTypes as readonly string[]).includes(v);
const isIndicatorType = (v: string): v is IndicatorType => (indicatorTypes as readonly string[]).includes(v);

/**
 * The input the use cases validate. Choices that only a forged form can get wrong (TLP, relation and indicator
 * types) are checked here and refused with the field they concern; everything else is the use case's job.
 */
export function inputFromForm(values: BulletinFormValues): BulletinInput {
  const errors: FieldError[] = [];
  if (!isTlp(values.tlp)) errors.push({ field: 'tlp', message: 'invalid_choice' });
  values.relations.forEach((r, i) => {
    if (!isRelationType(r.type)) errors.push({ field: `relations.${i}.type`, message: 'invalid_choice' });
  });
  values.indicators.forEach((r, i) => {
    if (!isIndicatorType(r.type)) errors.push({ field: `indicators.${i}.type`, message: 'invalid_choice' });
  });
  if (errors.length > 0) throw new AppError('validation_failed', errors);
  const texts: BulletinInput['texts'] = {};
  for (const l of bulletinLanguages) {
    const t = values.texts[l];
    // A translation nobody started is absent, not an empty text.
    if (textFields.some((f) => t[f] !== '')) texts[l] = { ...t };
  }
  return {
    texts,
    criticality: values.criticality,
    risks: values.risks,
    tlp: values.tlp as Tlp,
    recipientOrganisationIds: values.recipientOrganisationIds,
    recipientUserIds: values.recipientUserIds,
    affected: values.affected.map((a) => ({
      ...(a.productId ? { productId: a.productId } : {}),
      vendor: a.vendor,
      product: a.product,
      versions: a.versions,
      ...(a.cpe ? { cpe: a.cpe } : {}),
      ...(a.purl ? { purl: a.purl } : {}),
    })),
    cves: values.cves.map((c) => ({ id: c.id, cvss31: c.cvss31 || null, cvss40: c.cvss40 || null, cwe: c.cwe || null, exploited: c.exploited })),
    references: values.references,
    relations: values.relations.map((r) => ({ type: r.type as RelationType, reference: r.reference })),
    indicators: values.indicators.map((r) => ({ type: r.type as IndicatorType, value: r.value, comment: r.comment })),
  };
}

/** What was typed, as a content value (for the side-by-side comparison after a conflict); no validation. */
export function contentFromForm(values: BulletinFormValues, base: Pick<BulletinContent, 'kind' | 'originalLanguage'>): BulletinContent {
  const texts: BulletinContent['texts'] = {};
  for (const l of bulletinLanguages) {
    const t = values.texts[l];
    if (textFields.some((f) => t[f] !== '')) texts[l] = { ...t };
  }
  return {
    kind: base.kind,
    originalLanguage: base.originalLanguage,
    texts,
    criticality: values.criticality,
    risks: values.risks,
    tlp: (isTlp(values.tlp) ? values.tlp : 'clear'),
    recipientOrganisationIds: values.recipientOrganisationIds,
    recipientUserIds: values.recipientUserIds,
    affected: values.affected.map((a) => ({ productId: a.productId, vendor: a.vendor, product: a.product, versions: a.versions, cpe: a.cpe || null, purl: a.purl || null })),
    cves: values.cves.map((c) => ({ id: c.id, cvss31: c.cvss31 || null, cvss40: c.cvss40 || null, cwe: c.cwe || null, exploited: c.exploited })),
    references: values.references,
    relations: values.relations.map((r) => ({ type: isRelationType(r.type) ? r.type : 'follows', reference: r.reference })),
    indicators: values.indicators.map((r) => ({ type: isIndicatorType(r.type) ? r.type : 'ipv4', value: r.value, comment: r.comment })),
  };
}

/** Parses the `version` hidden field; a forged value is a field error. */
export function formVersion(value: string): number {
  const v = Number(value);
  if (!Number.isSafeInteger(v) || v < 1) throw AppError.field('version', 'invalid');
  return v;
}

// ---- Dates in the configured time zone (datetime-local fields) ----------------------------------------------

function offsetMinutes(at: Date, timeZone: string): number {
  const parts = new Intl.DateTimeFormat('en-US', { timeZone, hourCycle: 'h23', year: 'numeric', month: '2-digit', day: '2-digit', hour: '2-digit', minute: '2-digit', second: '2-digit' }).formatToParts(at);
  const get = (type: string): number => Number(parts.find((p) => p.type === type)?.value ?? '0');
  const asUtc = Date.UTC(get('year'), get('month') - 1, get('day'), get('hour'), get('minute'), get('second'));
  return Math.round((asUtc - at.getTime()) / 60_000);
}

/**
 * The instant a `datetime-local` value (YYYY-MM-DDTHH:MM, wall-clock time in `timeZone`) names, or null when the
 * text is not such a value. A time skipped by a daylight-saving change resolves to the offset after it.
 */
export function zonedLocalToDate(local: string, timeZone: string): Date | null {
  const m = /^(\d{4})-(\d{2})-(\d{2})T(\d{2}):(\d{2})(?::(\d{2}))?$/.exec(local);
  if (!m) return null;
  const [y, mo, d, h, mi, s] = m.slice(1).map((v) => Number(v ?? '0')) as [number, number, number, number, number, number];
  if (mo < 1 || mo > 12 || d < 1 || d > 31 || h > 23 || mi > 59 || s > 59) return null;
  const wall = Date.UTC(y, mo - 1, d, h, mi, s);
  if (new Date(wall).getUTCDate() !== d) return null;
  let at = wall - offsetMinutes(new Date(wall), timeZone) * 60_000;
  at = wall - offsetMinutes(new Date(at), timeZone) * 60_000;
  return new Date(at);
}

/** A `datetime-local` value for an instant, in `timeZone`. */
export function dateToZonedLocal(at: Date, timeZone: string): string {
  const local = new Date(at.getTime() + offsetMinutes(at, timeZone) * 60_000);
  return local.toISOString().slice(0, 16);
}
