import type { FieldError } from '#src/core/errors';
import type {
  Bulletin,
  BulletinContent,
  BulletinCve,
  BulletinIndicator,
  BulletinKind,
  BulletinLanguage,
  BulletinReferenceLink,
  BulletinRelation,
  BulletinText,
  RelationType,
  Tlp,
} from '#src/modules/bulletins/bulletins.types';
import type { IndicatorType } from '#src/modules/indicators/indicators';
import { hasControlCharacters } from '#src/core/validation';
import { bulletinLanguages, relationTypes, tlpLevels } from '#src/modules/bulletins/bulletins.types';
import { indicatorTypes, normaliseIndicator } from '#src/modules/indicators/indicators';
import { parseCveId, parseCweId } from '#src/modules/vulnerabilities/cve';
import { parseCvssVector } from '#src/modules/vulnerabilities/cvss';
import { isValidCpe23, isValidPurl } from '#src/modules/bulletins/products.repository';

/** One affected system as typed by an author: `productId` when picked from the registry suggestions. */
export interface AffectedInput {
  productId?: string;
  vendor: string;
  product: string;
  versions: string;
  cpe?: string | null;
  purl?: string | null;
}

/**
 * What an author sends when saving a bulletin: the working copy without its kind and original language (fixed at
 * creation), with affected systems spelled freely (resolved into the product registry on save).
 */
export type BulletinInput = Omit<BulletinContent, 'kind' | 'originalLanguage' | 'affected'> & { affected: AffectedInput[] };

/** Longest values accepted, per field. */
export const bulletinLimits = {
  title: 300,
  summary: 3000,
  markdown: 100_000,
  name: 200,
  versions: 300,
  url: 2000,
  linkTitle: 300,
  comment: 2000,
  changeSummary: 2000,
  reason: 2000,
  affected: 500,
  cves: 1000,
  references: 200,
  relations: 50,
  indicators: 5000,
  risks: 50,
  recipients: 2000,
} as const;

/** Offending values are echoed in error parameters, shortened so an error never carries a whole payload. */
const shown = (value: string): string => (value.length > 80 ? `${value.slice(0, 79)}…` : value);

const str = (value: unknown): string => (typeof value === 'string' ? value : '');
const line = (value: unknown): string => str(value).trim().replace(/\s+/g, ' ');

function checkLine(value: string, field: string, max: number, errors: FieldError[]): void {
  if (value.length > max) errors.push({ field, message: 'too_long', params: { max } });
  else if (hasControlCharacters(value)) errors.push({ field, message: 'invalid' });
}

/** True when `text` holds a control character other than tab, line feed and carriage return (NUL, escape …). */
export function hasNonTextControl(text: string): boolean {
  for (let i = 0; i < text.length; i += 1) {
    const c = text.charCodeAt(i);
    if ((c < 0x20 && c !== 0x09 && c !== 0x0a && c !== 0x0d) || c === 0x7f) return true;
  }
  return false;
}

/** Markdown keeps its line breaks; only NUL and other non-text control characters are refused. */
function checkMarkdown(value: string, field: string, errors: FieldError[]): void {
  if (value.length > bulletinLimits.markdown) errors.push({ field, message: 'too_long', params: { max: bulletinLimits.markdown } });
  else if (hasNonTextControl(value)) errors.push({ field, message: 'invalid' });
}

function checkCount(list: readonly unknown[], field: string, max: number, errors: FieldError[]): void {
  if (list.length > max) errors.push({ field, message: 'too_large', params: { max } });
}

const isBlank = (...values: unknown[]): boolean => values.every((v) => line(v) === '');

/** True when `value` is an absolute http(s) URL with a host. */
export function isHttpUrl(value: string): boolean {
  if (!/^https?:\/\//i.test(value) || /\s/.test(value)) return false;
  try {
    const url = new URL(value);
    return (url.protocol === 'http:' || url.protocol === 'https:') && url.hostname !== '';
  } catch {
    return false;
  }
}

/** Checks one CVSS vector field: canonical vector, or an error naming `field`. */
function checkVector(raw: unknown, expected: '3.1' | '4.0', field: string, errors: FieldError[]): string | null {
  const value = line(raw);
  if (value === '') return null;
  const parsed = parseCvssVector(value);
  if (!parsed.ok) {
    if (parsed.reason === 'unsupported_version') errors.push({ field, message: 'cvss_version_unsupported' });
    else errors.push({ field, message: 'invalid_cvss', params: { detail: shown(parsed.detail) } });
    return value;
  }
  if (parsed.version !== expected) {
    errors.push({ field, message: 'cvss_version_mismatch', params: { expected } });
    return value;
  }
  return parsed.vector;
}

/** An affected system after the lenient check, before it is resolved into the product registry. */
export interface CheckedAffected {
  /** Position in the input, so later errors (registry) name the right entry. */
  index: number;
  productId: string | null;
  vendor: string;
  product: string;
  versions: string;
  cpe: string | null;
  purl: string | null;
}

/** The lenient check's result: the normalised content (affected not yet resolved) and every problem found. */
export interface CheckedBulletinInput {
  texts: Partial<Record<BulletinLanguage, BulletinText>>;
  criticality: string;
  risks: string[];
  affected: CheckedAffected[];
  cves: BulletinCve[];
  references: BulletinReferenceLink[];
  /** With their input positions, for the existence check. */
  relations: (BulletinRelation & { index: number })[];
  indicators: BulletinIndicator[];
  tlp: Tlp;
  recipientOrganisationIds: string[];
  recipientUserIds: string[];
  errors: FieldError[];
}

/**
 * The lenient check applied at every save: normalises what was typed (trimmed texts, canonical CVE ids, CVSS
 * vectors, CWE ids and indicators) and refuses only malformed values, each error naming its field path
 * (`texts.fr.title`, `cves.0.cvss31`, `affected.1.product`, `references.0.url`, `indicators.2.value`). Rows left
 * entirely blank (an empty line of a form) are dropped. Vocabulary codes, recipients, relations and products need
 * the database and are checked by the use case.
 */
export function checkBulletinInput(input: BulletinInput, originalLanguage: BulletinLanguage): CheckedBulletinInput {
  const errors: FieldError[] = [];

  const texts: Partial<Record<BulletinLanguage, BulletinText>> = {};
  const rawTexts = (input.texts ?? {}) as Record<string, Partial<BulletinText> | undefined>;
  for (const key of Object.keys(rawTexts)) {
    if (!(bulletinLanguages as readonly string[]).includes(key)) errors.push({ field: `texts.${key}`, message: 'unknown_field' });
  }
  for (const language of bulletinLanguages) {
    const raw = rawTexts[language];
    if (!raw && language !== originalLanguage) continue;
    const text: BulletinText = {
      title: line(raw?.title),
      summary: str(raw?.summary).trim(),
      description: str(raw?.description).trim(),
      solution: str(raw?.solution).trim(),
      workarounds: str(raw?.workarounds).trim(),
    };
    if (language !== originalLanguage && isBlank(text.title, text.summary, text.description, text.solution, text.workarounds)) continue;
    checkLine(text.title, `texts.${language}.title`, bulletinLimits.title, errors);
    if (text.summary.length > bulletinLimits.summary) errors.push({ field: `texts.${language}.summary`, message: 'too_long', params: { max: bulletinLimits.summary } });
    else checkMarkdown(text.summary, `texts.${language}.summary`, errors);
    checkMarkdown(text.description, `texts.${language}.description`, errors);
    checkMarkdown(text.solution, `texts.${language}.solution`, errors);
    checkMarkdown(text.workarounds, `texts.${language}.workarounds`, errors);
    texts[language] = text;
  }

  const criticality = line(input.criticality);
  checkLine(criticality, 'criticality', 60, errors);

  const rawRisks = Array.isArray(input.risks) ? input.risks : [];
  checkCount(rawRisks, 'risks', bulletinLimits.risks, errors);
  const risks = [...new Set(rawRisks.map(line).filter((r) => r !== ''))];

  const rawAffected = Array.isArray(input.affected) ? input.affected : [];
  checkCount(rawAffected, 'affected', bulletinLimits.affected, errors);
  const affected: CheckedAffected[] = [];
  rawAffected.forEach((a, i) => {
    if (isBlank(a.vendor, a.product, a.versions, a.cpe, a.purl)) return;
    const entry: CheckedAffected = {
      index: i,
      productId: line(a.productId) || null,
      vendor: line(a.vendor),
      product: line(a.product),
      versions: line(a.versions),
      cpe: line(a.cpe) || null,
      purl: line(a.purl) || null,
    };
    if (entry.vendor === '') errors.push({ field: `affected.${i}.vendor`, message: 'required' });
    else checkLine(entry.vendor, `affected.${i}.vendor`, bulletinLimits.name, errors);
    if (entry.product === '') errors.push({ field: `affected.${i}.product`, message: 'required' });
    else checkLine(entry.product, `affected.${i}.product`, bulletinLimits.name, errors);
    checkLine(entry.versions, `affected.${i}.versions`, bulletinLimits.versions, errors);
    if (entry.cpe !== null && !isValidCpe23(entry.cpe)) errors.push({ field: `affected.${i}.cpe`, message: 'invalid_cpe', params: { value: shown(entry.cpe) } });
    if (entry.purl !== null && !isValidPurl(entry.purl)) errors.push({ field: `affected.${i}.purl`, message: 'invalid_purl', params: { value: shown(entry.purl) } });
    affected.push(entry);
  });

  const rawCves = Array.isArray(input.cves) ? input.cves : [];
  checkCount(rawCves, 'cves', bulletinLimits.cves, errors);
  const cves: BulletinCve[] = [];
  const seenCves = new Set<string>();
  rawCves.forEach((c, i) => {
    if (isBlank(c.id, c.cvss31, c.cvss40, c.cwe)) return;
    const rawId = line(c.id);
    const id = parseCveId(rawId);
    if (rawId === '') errors.push({ field: `cves.${i}.id`, message: 'required' });
    else if (id === null) errors.push({ field: `cves.${i}.id`, message: 'invalid_cve', params: { value: shown(rawId) } });
    else if (seenCves.has(id)) errors.push({ field: `cves.${i}.id`, message: 'duplicate', params: { value: id } });
    if (id !== null) seenCves.add(id);
    const cvss31 = checkVector(c.cvss31, '3.1', `cves.${i}.cvss31`, errors);
    const cvss40 = checkVector(c.cvss40, '4.0', `cves.${i}.cvss40`, errors);
    const rawCwe = line(c.cwe);
    const cwe = rawCwe === '' ? null : parseCweId(rawCwe);
    if (rawCwe !== '' && cwe === null) errors.push({ field: `cves.${i}.cwe`, message: 'invalid_cwe', params: { value: shown(rawCwe) } });
    cves.push({ id: id ?? rawId, cvss31, cvss40, cwe: cwe ?? (rawCwe || null), exploited: c.exploited === true });
  });

  const rawReferences = Array.isArray(input.references) ? input.references : [];
  checkCount(rawReferences, 'references', bulletinLimits.references, errors);
  const references: BulletinReferenceLink[] = [];
  rawReferences.forEach((r, i) => {
    if (isBlank(r.title, r.url)) return;
    const title = line(r.title);
    const url = str(r.url).trim();
    checkLine(title, `references.${i}.title`, bulletinLimits.linkTitle, errors);
    if (url === '') errors.push({ field: `references.${i}.url`, message: 'required' });
    else if (url.length > bulletinLimits.url) errors.push({ field: `references.${i}.url`, message: 'too_long', params: { max: bulletinLimits.url } });
    else if (!isHttpUrl(url)) errors.push({ field: `references.${i}.url`, message: 'invalid_url', params: { value: shown(url) } });
    references.push({ title, url });
  });

  const rawRelations = Array.isArray(input.relations) ? input.relations : [];
  checkCount(rawRelations, 'relations', bulletinLimits.relations, errors);
  const relations: (BulletinRelation & { index: number })[] = [];
  rawRelations.forEach((r, i) => {
    const reference = line(r.reference);
    if (reference === '') return;
    const type = line(r.type);
    if (!(relationTypes as readonly string[]).includes(type)) errors.push({ field: `relations.${i}.type`, message: 'invalid_choice' });
    checkLine(reference, `relations.${i}.reference`, 100, errors);
    relations.push({ type: type as RelationType, reference, index: i });
  });

  const rawIndicators = Array.isArray(input.indicators) ? input.indicators : [];
  checkCount(rawIndicators, 'indicators', bulletinLimits.indicators, errors);
  const indicators: BulletinIndicator[] = [];
  rawIndicators.forEach((ind, i) => {
    if (isBlank(ind.value, ind.comment)) return;
    const type = line(ind.type);
    const comment = line(ind.comment);
    checkLine(comment, `indicators.${i}.comment`, bulletinLimits.comment, errors);
    if (!(indicatorTypes as readonly string[]).includes(type)) {
      errors.push({ field: `indicators.${i}.type`, message: 'invalid_choice' });
      indicators.push({ type: type as IndicatorType, value: line(ind.value), comment });
      return;
    }
    const normalised = normaliseIndicator(type as IndicatorType, str(ind.value));
    if (!normalised.ok) {
      errors.push({ field: `indicators.${i}.value`, message: normalised.reason === 'empty' ? 'required' : 'invalid_indicator', params: { type } });
      indicators.push({ type: type as IndicatorType, value: line(ind.value), comment });
    } else {
      indicators.push({ type: type as IndicatorType, value: normalised.value, comment });
    }
  });

  const tlp = line(input.tlp) as Tlp;
  if (!(tlpLevels as readonly string[]).includes(tlp)) errors.push({ field: 'tlp', message: 'invalid_choice' });

  const ids = (value: unknown, field: string): string[] => {
    const list = Array.isArray(value) ? value.map(line).filter((v) => v !== '') : [];
    checkCount(list, field, bulletinLimits.recipients, errors);
    return [...new Set(list)];
  };
  const recipientOrganisationIds = ids(input.recipientOrganisationIds, 'recipientOrganisationIds');
  const recipientUserIds = ids(input.recipientUserIds, 'recipientUserIds');

  return { texts, criticality, risks, affected, cves, references, relations, indicators, tlp, recipientOrganisationIds, recipientUserIds, errors };
}

/**
 * The completeness check applied at submission (on top of the lenient one): what a reader needs. The original text
 * (title, summary, description), a criticality, affected systems with versions for bulletins and alerts, a title for
 * every reference, recipients for AMBER and RED, a title for each translation started, and from the second revision
 * on a summary of what changed.
 */
export function checkBulletinComplete(bulletin: Pick<Bulletin, 'kind' | 'publishedRevision' | 'changeSummary'>, content: BulletinContent): FieldError[] {
  const errors: FieldError[] = [];
  const required = (value: string, field: string): void => {
    if (value.trim() === '') errors.push({ field, message: 'required' });
  };
  const original = content.texts[content.originalLanguage];
  required(original?.title ?? '', `texts.${content.originalLanguage}.title`);
  required(original?.summary ?? '', `texts.${content.originalLanguage}.summary`);
  required(original?.description ?? '', `texts.${content.originalLanguage}.description`);
  for (const language of bulletinLanguages) {
    const text = content.texts[language];
    if (language === content.originalLanguage || !text) continue;
    required(text.title, `texts.${language}.title`);
  }
  required(content.criticality, 'criticality');
  const needsAffected: readonly BulletinKind[] = ['bulletin', 'alert'];
  if (needsAffected.includes(bulletin.kind)) {
    if (content.affected.length === 0) errors.push({ field: 'affected', message: 'required' });
    content.affected.forEach((a, i) => required(a.versions, `affected.${i}.versions`));
  }
  content.references.forEach((r, i) => required(r.title, `references.${i}.title`));
  if ((content.tlp === 'amber' || content.tlp === 'amber+strict') && content.recipientOrganisationIds.length === 0) {
    errors.push({ field: 'recipientOrganisationIds', message: 'required' });
  }
  if (content.tlp === 'red' && content.recipientUserIds.length === 0) errors.push({ field: 'recipientUserIds', message: 'required' });
  if (bulletin.publishedRevision >= 1) required(bulletin.changeSummary, 'changeSummary');
  return errors;
}

/** Parts of a working copy sent through the API: absent parts keep their current value; lists replace. */
export interface BulletinInputPatch {
  texts?: Partial<Record<BulletinLanguage, Partial<BulletinText>>>;
  criticality?: string;
  risks?: string[];
  affected?: AffectedInput[];
  cves?: { id: string; cvss31?: string | null; cvss40?: string | null; cwe?: string | null; exploited?: boolean }[];
  references?: BulletinReferenceLink[];
  relations?: BulletinRelation[];
  indicators?: { type: IndicatorType; value: string; comment?: string }[];
  tlp?: Tlp;
  recipientOrganisationIds?: string[];
  recipientUserIds?: string[];
}

/** Applies an API patch to the current working copy (or to an empty one), giving a complete BulletinInput. */
export function mergeBulletinInput(current: BulletinContent, patch: BulletinInputPatch): BulletinInput {
  const blank: BulletinText = { title: '', summary: '', description: '', solution: '', workarounds: '' };
  const texts: Partial<Record<BulletinLanguage, BulletinText>> = { ...current.texts };
  for (const [language, text] of Object.entries(patch.texts ?? {}) as [BulletinLanguage, Partial<BulletinText>][]) {
    texts[language] = { ...blank, ...current.texts[language], ...text };
  }
  return {
    texts,
    criticality: patch.criticality ?? current.criticality,
    risks: patch.risks ?? current.risks,
    affected: patch.affected ?? current.affected.map((a) => ({ productId: a.productId, vendor: a.vendor, product: a.product, versions: a.versions, ...(a.cpe ? { cpe: a.cpe } : {}), ...(a.purl ? { purl: a.purl } : {}) })),
    cves: patch.cves?.map((c) => ({ id: c.id, cvss31: c.cvss31 ?? null, cvss40: c.cvss40 ?? null, cwe: c.cwe ?? null, exploited: c.exploited ?? false })) ?? current.cves,
    references: patch.references ?? current.references,
    relations: patch.relations ?? current.relations,
    indicators: patch.indicators?.map((i) => ({ type: i.type, value: i.value, comment: i.comment ?? '' })) ?? current.indicators,
    tlp: patch.tlp ?? current.tlp,
    recipientOrganisationIds: patch.recipientOrganisationIds ?? current.recipientOrganisationIds,
    recipientUserIds: patch.recipientUserIds ?? current.recipientUserIds,
  };
}
