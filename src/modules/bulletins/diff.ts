/**
 * Field-by-field comparison of two versions of a bulletin (two revisions, or a revision and the working copy).
 * Pure: no database, no rendering. Texts are compared word by word (titles, summaries) or line by line then word
 * by word (Markdown), lists are matched by a natural key (CVE id, vendor and product, URL …) so that an entry
 * edited in place shows as "changed" with the fields that differ, not as one removal plus one addition.
 */
import { diffLines, diffWordsWithSpace } from 'diff';
import type {
  AffectedProduct,
  BulletinContent,
  BulletinCve,
  BulletinIndicator,
  BulletinLanguage,
  BulletinReferenceLink,
  BulletinRelation,
  BulletinText,
} from '#src/modules/bulletins/bulletins.types';
import { bulletinLanguages } from '#src/modules/bulletins/bulletins.types';

/** A run of text: kept, added by the newer version, or removed from the older one. */
export interface DiffPart {
  type: 'same' | 'added' | 'removed';
  text: string;
}

/** The text fields of a language, in display order. */
export const textFields = ['title', 'summary', 'description', 'solution', 'workarounds'] as const satisfies readonly (keyof BulletinText)[];
export type TextField = (typeof textFields)[number];

/** One text field of one language that differs. */
export interface TextFieldDiff {
  language: BulletinLanguage;
  field: TextField;
  parts: DiffPart[];
}

/** A single-valued field that differs. */
export interface ScalarDiff {
  field: 'kind' | 'originalLanguage' | 'criticality' | 'tlp';
  before: string;
  after: string;
}

/** Codes or ids present on one side only. */
export interface SetDiff {
  added: string[];
  removed: string[];
}

/** One entry of a list that was added, removed, or changed in place (with the names of the fields that differ). */
export interface ListEntryDiff<T> {
  change: 'added' | 'removed' | 'changed';
  key: string;
  before: T | null;
  after: T | null;
  fields: string[];
}

/** Everything that differs between two versions; empty lists mean "no change there". */
export interface BulletinDiff {
  scalars: ScalarDiff[];
  texts: TextFieldDiff[];
  risks: SetDiff;
  affected: ListEntryDiff<AffectedProduct>[];
  cves: ListEntryDiff<BulletinCve>[];
  references: ListEntryDiff<BulletinReferenceLink>[];
  relations: ListEntryDiff<BulletinRelation>[];
  indicators: ListEntryDiff<BulletinIndicator>[];
  recipientOrganisationIds: SetDiff;
  recipientUserIds: SetDiff;
}

// Beyond this edit distance the word diff gives up and the field is shown as replaced whole: comparing two long,
// unrelated texts must not cost a request seconds of CPU.
const MAX_EDIT_LENGTH = 600;

function partsOf(changes: { value: string; added: boolean; removed: boolean }[]): DiffPart[] {
  const out: DiffPart[] = [];
  for (const c of changes) {
    if (c.value === '') continue;
    const type = c.added ? 'added' : c.removed ? 'removed' : 'same';
    const last = out[out.length - 1];
    if (last && last.type === type) last.text += c.value;
    else out.push({ type, text: c.value });
  }
  return out;
}

function replacedWhole(before: string, after: string): DiffPart[] {
  return [
    ...(before === '' ? [] : [{ type: 'removed' as const, text: before }]),
    ...(after === '' ? [] : [{ type: 'added' as const, text: after }]),
  ];
}

/** Word-level comparison of two short texts. */
export function diffWordsOf(before: string, after: string): DiffPart[] {
  const changes = diffWordsWithSpace(before, after, { maxEditLength: MAX_EDIT_LENGTH });
  return changes ? partsOf(changes) : replacedWhole(before, after);
}

/**
 * Comparison of two Markdown texts: by line, then, where one block of lines replaces another, word by word inside
 * that block (so a corrected typo shows as one word, not as a whole paragraph removed and added).
 */
export function diffMarkdown(before: string, after: string): DiffPart[] {
  const lines = diffLines(before, after, { maxEditLength: MAX_EDIT_LENGTH });
  if (!lines) return replacedWhole(before, after);
  const out: { value: string; added: boolean; removed: boolean }[] = [];
  for (let i = 0; i < lines.length; i += 1) {
    const c = lines[i];
    if (!c) continue;
    const next = lines[i + 1];
    if (c.removed && next?.added) {
      const words = diffWordsWithSpace(c.value, next.value, { maxEditLength: MAX_EDIT_LENGTH });
      if (words) out.push(...words);
      else out.push(c, next);
      i += 1;
    } else {
      out.push(c);
    }
  }
  return partsOf(out);
}

function diffSets(before: readonly string[], after: readonly string[]): SetDiff {
  return { added: after.filter((v) => !before.includes(v)), removed: before.filter((v) => !after.includes(v)) };
}

function diffList<T extends object>(before: readonly T[], after: readonly T[], keyOf: (item: T) => string, fields: readonly (keyof T & string)[]): ListEntryDiff<T>[] {
  const out: ListEntryDiff<T>[] = [];
  const afterByKey = new Map(after.map((item) => [keyOf(item), item]));
  const beforeKeys = new Set(before.map(keyOf));
  for (const item of before) {
    const key = keyOf(item);
    const other = afterByKey.get(key);
    if (!other) {
      out.push({ change: 'removed', key, before: item, after: null, fields: [] });
      continue;
    }
    const changed = fields.filter((f) => JSON.stringify(item[f] ?? null) !== JSON.stringify(other[f] ?? null));
    if (changed.length > 0) out.push({ change: 'changed', key, before: item, after: other, fields: changed });
  }
  for (const item of after) {
    const key = keyOf(item);
    if (!beforeKeys.has(key)) out.push({ change: 'added', key, before: null, after: item, fields: [] });
  }
  return out;
}

const fold = (s: string): string => s.normalize('NFKC').trim().toLowerCase().replace(/\s+/g, ' ');

/** Compares two versions of a bulletin. `before` is the older one. */
export function diffBulletinContent(before: BulletinContent, after: BulletinContent): BulletinDiff {
  const scalars: ScalarDiff[] = [];
  for (const field of ['kind', 'originalLanguage', 'criticality', 'tlp'] as const) {
    if (before[field] !== after[field]) scalars.push({ field, before: before[field], after: after[field] });
  }
  const texts: TextFieldDiff[] = [];
  for (const language of bulletinLanguages) {
    const a = before.texts[language];
    const b = after.texts[language];
    if (!a && !b) continue;
    for (const field of textFields) {
      const x = a?.[field] ?? '';
      const y = b?.[field] ?? '';
      if (x === y) continue;
      texts.push({ language, field, parts: field === 'title' || field === 'summary' ? diffWordsOf(x, y) : diffMarkdown(x, y) });
    }
  }
  return {
    scalars,
    texts,
    risks: diffSets(before.risks, after.risks),
    affected: diffList(before.affected, after.affected, (p) => `${fold(p.vendor)}\u0000${fold(p.product)}`, ['vendor', 'product', 'versions', 'cpe', 'purl']),
    cves: diffList(before.cves, after.cves, (c) => c.id.toUpperCase(), ['cvss31', 'cvss40', 'cwe', 'exploited']),
    references: diffList(before.references, after.references, (r) => r.url, ['title']),
    relations: diffList(before.relations, after.relations, (r) => `${r.type} ${r.reference}`, []),
    indicators: diffList(before.indicators, after.indicators, (i) => `${i.type} ${i.value}`, ['comment']),
    recipientOrganisationIds: diffSets(before.recipientOrganisationIds, after.recipientOrganisationIds),
    recipientUserIds: diffSets(before.recipientUserIds, after.recipientUserIds),
  };
}

/** True when the two versions say the same thing. */
export function isEmptyDiff(d: BulletinDiff): boolean {
  const setEmpty = (s: SetDiff) => s.added.length === 0 && s.removed.length === 0;
  return (
    d.scalars.length === 0 &&
    d.texts.length === 0 &&
    setEmpty(d.risks) &&
    d.affected.length === 0 &&
    d.cves.length === 0 &&
    d.references.length === 0 &&
    d.relations.length === 0 &&
    d.indicators.length === 0 &&
    setEmpty(d.recipientOrganisationIds) &&
    setEmpty(d.recipientUserIds)
  );
}
