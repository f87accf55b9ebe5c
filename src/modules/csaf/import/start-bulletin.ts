import type { DatabaseHandle } from '#src/db/database';
import type { RequestContext } from '#src/core/context';
import type { Bulletin, BulletinKind, BulletinLanguage, Tlp } from '#src/modules/bulletins/bulletins.types';
import type { AffectedInput, BulletinInput } from '#src/modules/bulletins/bulletins.validation';
import type { CsafImportDetail, ImportedProduct } from '#src/modules/csaf/import/csaf-import.types';
import { AppError } from '#src/core/errors';
import { bulletinLimits, isHttpUrl } from '#src/modules/bulletins/bulletins.validation';
import { isValidCpe23, isValidPurl } from '#src/modules/bulletins/products.repository';
import { parseCveId, parseCweId } from '#src/modules/vulnerabilities/cve';
import { parseCvssVector } from '#src/modules/vulnerabilities/cvss';
import { createBulletin } from '#src/modules/bulletins/use-cases/create-bulletin';
import { jsonArray, jsonAt, jsonString, noteTexts } from '#src/modules/csaf/import/extract';
import { canReadImports, canUploadImports } from '#src/modules/csaf/import/csaf-import.policy';
import { findImportById } from '#src/modules/csaf/import/csaf-import.repository';

// A CSAF document is plain text: its fields become a bulletin draft after the control characters a bulletin
// refuses are removed and each value is cut to the bulletin's limits, so the draft is always accepted as is.

// eslint-disable-next-line no-control-regex -- control characters are exactly what is removed here
const oneLine = (text: string | null, max: number): string => (text ?? '').replace(/[\u0000-\u001f\u007f-\u009f]+/g, ' ').replace(/\s+/g, ' ').trim().slice(0, max);
// eslint-disable-next-line no-control-regex -- control characters other than tab and line breaks are removed
const block = (text: string, max: number): string => text.replace(/[\u0000-\u0008\u000b\u000c\u000e-\u001f\u007f]/g, '').trim().slice(0, max);

const tlpOf: Record<string, Tlp> = { WHITE: 'clear', CLEAR: 'clear', GREEN: 'green', AMBER: 'amber', RED: 'red' };

/** The bulletin language of a CSAF `lang` (fr, ar, en and their regional forms), English otherwise. */
export function bulletinLanguageOf(lang: string | null): BulletinLanguage {
  const primary = (lang ?? '').toLowerCase().split(/[-_]/)[0];
  return primary === 'fr' || primary === 'ar' || primary === 'en' ? primary : 'en';
}

/** The bulletin kind a CSAF category maps to: informational advisories become notes, the rest bulletins. */
export function bulletinKindOf(category: string | null): BulletinKind {
  return category === 'csaf_informational_advisory' ? 'note' : 'bulletin';
}

function unique(values: string[]): string[] {
  return [...new Set(values.filter((v) => v !== ''))];
}

/** Affected systems: the products any vulnerability lists as affected, grouped by vendor and product name. */
function affectedOf(doc: unknown, products: ImportedProduct[], publisher: string | null): AffectedInput[] {
  const byId = new Map(products.map((p) => [p.productId, p]));
  const ids: string[] = [];
  for (const v of jsonArray(jsonAt(doc, 'vulnerabilities'))) {
    for (const status of ['known_affected', 'first_affected', 'last_affected']) {
      for (const id of jsonArray(jsonAt(v, 'product_status', status))) if (typeof id === 'string') ids.push(id);
    }
  }
  const groups = new Map<string, { vendor: string; product: string; versions: string[]; cpe: string | null; purl: string | null }>();
  for (const id of unique(ids)) {
    const p = byId.get(id);
    if (!p) continue;
    const vendor = oneLine(p.vendor ?? publisher ?? '', bulletinLimits.name);
    const product = oneLine(p.name, bulletinLimits.name);
    if (vendor === '' || product === '') continue;
    const key = `${vendor}\u0000${product}`;
    const group = groups.get(key) ?? { vendor, product, versions: [], cpe: null, purl: null };
    if (p.version) group.versions.push(oneLine(p.version, 100));
    group.cpe ??= p.cpe !== null && isValidCpe23(p.cpe) ? p.cpe : null;
    group.purl ??= p.purl !== null && isValidPurl(p.purl) ? p.purl : null;
    groups.set(key, group);
  }
  return [...groups.values()].slice(0, bulletinLimits.affected).map((g) => ({
    vendor: g.vendor,
    product: g.product,
    versions: oneLine(unique(g.versions).join(', '), bulletinLimits.versions),
    // A CPE or purl names one product version: kept only when the group has a single product.
    cpe: g.versions.length <= 1 ? g.cpe : null,
    purl: g.versions.length <= 1 ? g.purl : null,
  }));
}

/** The draft content a CSAF document suggests: texts, affected systems, CVEs with CVSS 3.1 and CWE, references. */
export function bulletinInputFromCsaf(detail: CsafImportDetail, language: BulletinLanguage): BulletinInput {
  let doc: unknown;
  try {
    doc = JSON.parse(detail.content) as unknown;
  } catch {
    doc = {};
  }
  const notes = jsonAt(doc, 'document', 'notes');
  const summary = noteTexts(notes, ['summary'])[0] ?? noteTexts(notes)[0] ?? '';
  const description = noteTexts(notes, ['description', 'details', 'general']);
  const vulnerabilities = jsonArray(jsonAt(doc, 'vulnerabilities'));
  const vulnerabilityTexts = vulnerabilities.flatMap((v) => {
    const texts = noteTexts(jsonAt(v, 'notes'), ['description', 'summary', 'details', 'general']);
    if (texts.length === 0) return [];
    const heading = [jsonString(jsonAt(v, 'cve')), jsonString(jsonAt(v, 'title'))].filter(Boolean).join(' — ');
    return [`${heading !== '' ? `**${oneLine(heading, 300)}**\n\n` : ''}${texts.join('\n\n')}`];
  });
  const remediations = (categories: string[]): string =>
    unique(
      vulnerabilities.flatMap((v) =>
        jsonArray(jsonAt(v, 'remediations'))
          .filter((r) => categories.includes(String(jsonAt(r, 'category'))))
          .map((r) => jsonString(jsonAt(r, 'details'), 20_000) ?? ''),
      ),
    ).join('\n\n');

  const cves: BulletinInput['cves'] = [];
  const seen = new Set<string>();
  for (const v of vulnerabilities) {
    const id = parseCveId(jsonString(jsonAt(v, 'cve'), 100) ?? '');
    if (id === null || seen.has(id) || cves.length >= bulletinLimits.cves) continue;
    seen.add(id);
    const vectors = jsonArray(jsonAt(v, 'scores'))
      .map((s) => jsonString(jsonAt(s, 'cvss_v3', 'vectorString'), 300))
      .filter((s): s is string => s !== null);
    const v31 = vectors.map((s) => parseCvssVector(s)).find((p) => p.ok && p.version === '3.1');
    const cwe = parseCweId(jsonString(jsonAt(v, 'cwe', 'id'), 40) ?? '');
    cves.push({ id, cvss31: v31 && v31.ok ? v31.vector : null, cvss40: null, cwe, exploited: false });
  }

  const references: BulletinInput['references'] = [];
  const urls = new Set<string>();
  const addReferences = (list: unknown): void => {
    for (const r of jsonArray(list)) {
      const url = jsonString(jsonAt(r, 'url'), bulletinLimits.url);
      if (url === null || urls.has(url) || !isHttpUrl(url) || references.length >= bulletinLimits.references) continue;
      urls.add(url);
      references.push({ title: oneLine(jsonString(jsonAt(r, 'summary')) ?? url, bulletinLimits.linkTitle), url });
    }
  };
  addReferences(jsonAt(doc, 'document', 'references'));
  for (const v of vulnerabilities) addReferences(jsonAt(v, 'references'));

  return {
    texts: {
      [language]: {
        title: oneLine(detail.title, bulletinLimits.title),
        summary: block(summary, bulletinLimits.summary),
        description: block([...description, ...vulnerabilityTexts].join('\n\n'), bulletinLimits.markdown),
        solution: block(remediations(['vendor_fix']), bulletinLimits.markdown),
        workarounds: block(remediations(['workaround', 'mitigation']), bulletinLimits.markdown),
      },
    },
    criticality: '',
    risks: [],
    affected: affectedOf(doc, detail.products, detail.publisherName),
    cves,
    references,
    relations: [],
    indicators: [],
    tlp: tlpOf[(detail.tlp ?? 'WHITE').toUpperCase()] ?? 'clear',
    recipientOrganisationIds: [],
    recipientUserIds: [],
  };
}

/**
 * Starts a bulletin draft prefilled from a valid imported document (bulletins:write), through createBulletin (which
 * audits it): in the document's language when it is French, Arabic or English, else in English. A refused document
 * is never a bulletin source (409).
 */
export async function startBulletinFromImport(database: DatabaseHandle, ctx: RequestContext, importId: string): Promise<Bulletin> {
  if (!canReadImports(ctx.actor)) throw new AppError('not_found');
  if (!canUploadImports(ctx.actor)) throw new AppError('forbidden');
  const detail = await findImportById(database.db, importId);
  if (!detail) throw new AppError('not_found');
  if (!detail.isValid) throw new AppError('conflict', [], 'a refused CSAF document cannot start a bulletin');
  const language = bulletinLanguageOf(detail.lang);
  return createBulletin(database, ctx, { kind: bulletinKindOf(detail.category), originalLanguage: language, content: bulletinInputFromCsaf(detail, language) });
}
