import { readFileSync } from 'node:fs';
import type { Config } from '#src/config/config';
import type { Translator } from '#src/core/i18n/i18n';
import type { AffectedProduct, Bulletin, BulletinContent, BulletinCve, BulletinLanguage, BulletinRevision, BulletinText, Tlp } from '#src/modules/bulletins/bulletins.types';
import type { VocabularyTerm } from '#src/modules/taxonomies/taxonomies.types';
import type { CsafJson, CsafTlp, PreparedCsafDocument } from '#src/modules/csaf/csaf.types';
import { weaknesses } from '@secvisogram/csaf-validator-lib/cwe.js';
import { createTranslator } from '#src/core/i18n/i18n';
import { availableLanguages, referenceSlug } from '#src/modules/bulletins/bulletins.types';
import { csafFileName } from '#src/modules/bulletins/reference';
import { markdownToPlainText } from '#src/modules/bulletins/markdown';
import { parseCvssVector } from '#src/modules/vulnerabilities/cvss';
import { termLabel } from '#src/modules/taxonomies/taxonomies.types';
import { csafMessages } from '#src/modules/csaf/csaf.messages';
import { documentPath, tlpBaseUrl } from '#src/modules/csaf/provider-tree';

/** What a publication gives the mapping: the bulletin as published, every published revision (ascending) and vocabularies. */
export interface CsafMappingInput {
  /** The bulletin as it stands after the publication (its reference allocated). */
  bulletin: Bulletin;
  /** Every published revision, ascending, the new one last. */
  revisions: BulletinRevision[];
  /** Legacy references (bulletin_alias): `tracking.aliases`. */
  aliases: string[];
  config: Config;
  criticalities: VocabularyTerm[];
  risks: VocabularyTerm[];
}

/** The engine written into `tracking.generator`: Ribat and its package version. */
const engineVersion: string = (JSON.parse(readFileSync(new URL('../../../package.json', import.meta.url), 'utf8')) as { version: string }).version;

/** The TLP v1 reference CSAF 2.0 expects in `distribution.tlp.url`. */
export const TLP_URL = 'https://www.first.org/tlp/';

/** TLP 2.0 (the bulletin's) as CSAF 2.0 writes it (TLP v1): CLEAR → WHITE, AMBER+STRICT → AMBER (plus a distribution text). */
export function csafTlpOf(tlp: Tlp): CsafTlp {
  switch (tlp) {
    case 'clear':
      return 'WHITE';
    case 'green':
      return 'GREEN';
    case 'amber':
    case 'amber+strict':
      return 'AMBER';
    case 'red':
      return 'RED';
  }
}

/** Where the provider serves a document: the TLP folder of the provider tree (provider-tree.ts), then `<year>/<file name>`. */
export function csafDocumentUrl(publicUrl: string, tlp: CsafTlp, year: number, fileName: string): string {
  return `${tlpBaseUrl({ publicUrl }, tlp)}/${documentPath({ year, fileName })}`;
}

/** The public page of a bulletin in one language. */
function bulletinPageUrl(publicUrl: string, slug: string, language: BulletinLanguage): string {
  return `${publicUrl}/bulletins/${encodeURIComponent(slug)}?lang=${language}`;
}

/** Sorts object keys recursively (arrays keep their order): CSAF optional test 6.2.13, and stable bytes. */
function sortKeys(value: unknown): unknown {
  if (Array.isArray(value)) return value.map(sortKeys);
  if (value !== null && typeof value === 'object') {
    const out: Record<string, unknown> = {};
    for (const key of Object.keys(value).sort()) {
      const v = (value as Record<string, unknown>)[key];
      if (v !== undefined) out[key] = sortKeys(v);
    }
    return out;
  }
  return value;
}

/** The exact bytes of a CSAF document: keys sorted recursively, 2-space indentation, UTF-8, final newline. */
export function serializeCsaf(doc: CsafJson): string {
  return `${JSON.stringify(sortKeys(doc), null, 2)}\n`;
}

/** RFC 3339 date-time in UTC as CSAF wants it. */
function csafDate(date: Date): string {
  return date.toISOString();
}

/**
 * A version string that is one version (`17.4.2`, `v2.0-rc1`) goes into a `product_version` branch; anything else
 * (`< 17.4.2`, `7.0 to 7.2.10`, `all versions`, `see the vendor advisory`) into `product_version_range`, since
 * mandatory test 6.1.31 refuses ranges in `product_version`.
 */
export function isSingleVersion(versions: string): boolean {
  return /^v?\d[\w.+~:-]*$/i.test(versions.trim());
}

const cweNames: ReadonlyMap<string, string> = new Map(weaknesses.map((w) => [w.id, w.name]));

/** The CWE entry for `CWE-79` from the validator's CWE list (test 6.1.11 checks the name), or null when unknown. */
export function csafCwe(id: string | null): { id: string; name: string } | null {
  if (id === null) return null;
  const name = cweNames.get(id);
  return name === undefined ? null : { id, name };
}

/** Markdown source → plain text for CSAF text fields (no markup, no HTML); null when empty. */
function plain(markdown: string): string | null {
  const text = markdownToPlainText(markdown);
  return text === '' ? null : text;
}

function nonEmpty(text: string): string | null {
  const trimmed = text.trim();
  return trimmed === '' ? null : trimmed;
}

interface ProductLeaf {
  productId: string;
  affected: AffectedProduct;
}

/** Product ids in the order of the affected systems: `CSAFPID-1`, `CSAFPID-2`, … */
function productLeaves(content: BulletinContent): ProductLeaf[] {
  return content.affected.map((affected, i) => ({ productId: `CSAFPID-${i + 1}`, affected }));
}

function fullProduct(leaf: ProductLeaf): CsafJson {
  const a = leaf.affected;
  const helper: CsafJson = {};
  if (a.cpe !== null) helper.cpe = a.cpe;
  if (a.purl !== null) helper.purl = a.purl;
  const name = [a.vendor, a.product, a.versions.trim()].filter((s) => s !== '').join(' ');
  return { name, product_id: leaf.productId, ...(Object.keys(helper).length > 0 ? { product_identification_helper: helper } : {}) };
}

/** Branches vendor → product_name → product_version(_range), in the order the systems were listed. */
function productTree(leaves: ProductLeaf[]): CsafJson | null {
  if (leaves.length === 0) return null;
  const vendors = new Map<string, Map<string, ProductLeaf[]>>();
  for (const leaf of leaves) {
    const products = vendors.get(leaf.affected.vendor) ?? new Map<string, ProductLeaf[]>();
    vendors.set(leaf.affected.vendor, products);
    products.set(leaf.affected.product, [...(products.get(leaf.affected.product) ?? []), leaf]);
  }
  const branches = [...vendors].map(([vendor, products]) => ({
    category: 'vendor',
    name: vendor,
    branches: [...products].map(([product, ofProduct]) => {
      // A product_name branch holds either one product (one system without versions) or version branches, never both.
      const [only] = ofProduct;
      if (only !== undefined && ofProduct.length === 1 && only.affected.versions.trim() === '') return { category: 'product_name', name: product, product: fullProduct(only) };
      return {
        category: 'product_name',
        name: product,
        branches: ofProduct.map((l) => {
          const versions = l.affected.versions.trim();
          return { category: isSingleVersion(versions) ? 'product_version' : 'product_version_range', name: versions === '' ? '*' : versions, product: fullProduct(l) };
        }),
      };
    }),
  }));
  return { branches };
}

interface DocumentContext {
  input: CsafMappingInput;
  content: BulletinContent;
  language: BulletinLanguage;
  text: BulletinText;
  t: Translator['t'];
  leaves: ProductLeaf[];
}

function termIn(terms: VocabularyTerm[], code: string, language: BulletinLanguage): string | null {
  const term = terms.find((x) => x.code === code);
  return term ? termLabel(term, language) : null;
}

function riskLabels(ctx: DocumentContext): string[] {
  return ctx.content.risks.map((code) => termIn(ctx.input.risks, code, ctx.language) ?? code);
}

function note(category: string, title: string, text: string | null): CsafJson[] {
  return text === null ? [] : [{ category, text, title }];
}

/** One vulnerability: a CVE, or (a bulletin without CVE) the bulletin's vulnerabilities as one entry without `cve`. */
function vulnerability(ctx: DocumentContext, cve: BulletinCve | null): CsafJson {
  const { t, text } = ctx;
  const productIds = ctx.leaves.map((l) => l.productId);
  const notes: CsafJson[] = [...note('description', t('csaf.doc.description'), plain(text.description)), ...note('summary', t('csaf.doc.summary'), nonEmpty(text.summary))];
  // CSAF 2.0 has no place for CVSS 4.0 (CSAF 2.1 adds cvss_v4): the vector and its base score go into a note.
  const v4 = cve?.cvss40 ? parseCvssVector(cve.cvss40) : null;
  if (v4?.ok === true) notes.push({ category: 'other', text: `${v4.vector} (${v4.baseScore.toFixed(1)}, ${v4.severity.toUpperCase()})`, title: t('csaf.doc.cvss40') });
  if (notes.length === 0) notes.push({ category: 'summary', text: text.title, title: t('csaf.doc.summary') });

  const out: CsafJson = { notes };
  if (cve !== null) {
    out.cve = cve.id;
    const cwe = csafCwe(cve.cwe);
    if (cwe !== null) out.cwe = cwe;
  } else {
    out.title = text.title;
  }
  if (productIds.length === 0) return out;

  out.product_status = { known_affected: productIds };
  const remediations: CsafJson[] = [];
  const solution = plain(text.solution);
  if (solution !== null) remediations.push({ category: 'vendor_fix', details: solution, product_ids: productIds });
  const workarounds = plain(text.workarounds);
  if (workarounds !== null) remediations.push({ category: 'workaround', details: workarounds, product_ids: productIds });
  if (remediations.length > 0) out.remediations = remediations;

  const v3 = cve?.cvss31 ? parseCvssVector(cve.cvss31) : null;
  if (v3?.ok === true && v3.version === '3.1') {
    out.scores = [{ cvss_v3: { baseScore: v3.baseScore, baseSeverity: v3.severity.toUpperCase(), vectorString: v3.vector, version: '3.1' }, products: productIds }];
  }

  const threats: CsafJson[] = [];
  const risks = riskLabels(ctx);
  if (risks.length > 0) threats.push({ category: 'impact', details: risks.join('; '), product_ids: productIds });
  if (cve?.exploited === true) threats.push({ category: 'exploit_status', details: t('csaf.doc.exploited'), product_ids: productIds });
  if (threats.length > 0) out.threats = threats;
  return out;
}

function documentNotes(ctx: DocumentContext): CsafJson[] {
  const { t, text, content } = ctx;
  const { bulletin } = ctx.input;
  // A withdrawn bulletin's last version says so first (CSAF 2.0 has no withdrawn status; 2.1 adds csaf_withdrawn).
  const withdrawal: CsafJson[] =
    bulletin.publication === 'withdrawn'
      ? [{ category: 'general', text: t('csaf.doc.withdrawn', { reason: bulletin.withdrawalReason?.trim() ?? '' }), title: t('csaf.doc.withdrawn_title') }]
      : [];
  const notes = [...withdrawal, ...note('summary', t('csaf.doc.summary'), nonEmpty(text.summary)), ...note('description', t('csaf.doc.description'), plain(text.description))];
  const risks = riskLabels(ctx);
  if (risks.length > 0) notes.push({ category: 'general', text: risks.join('\n'), title: t('csaf.doc.risks') });
  if (content.kind === 'note') {
    // An informational advisory has no vulnerabilities (hence no remediations): solution and workarounds are notes.
    notes.push(...note('general', t('csaf.doc.solution'), plain(text.solution)), ...note('general', t('csaf.doc.workarounds'), plain(text.workarounds)));
    if (content.indicators.length > 0) {
      const lines = content.indicators.map((i) => `${i.type}: ${i.value}${i.comment.trim() === '' ? '' : ` (${i.comment.trim()})`}`);
      notes.push({ category: 'details', text: lines.join('\n'), title: t('csaf.doc.indicators') });
    }
  }
  return notes;
}

interface Placement {
  trackingId: string;
  fileName: string;
  url: string;
}

function placementOf(input: CsafMappingInput, reference: string, language: BulletinLanguage, tlp: CsafTlp, year: number): Placement {
  const trackingId = language === input.revisions.at(-1)?.content.originalLanguage ? reference : `${reference}-${language}`;
  const fileName = csafFileName(trackingId);
  return { trackingId, fileName, url: csafDocumentUrl(input.config.publicUrl, tlp, year, fileName) };
}

/**
 * Builds the CSAF 2.0 documents of a publication, one per language that has a text (the original, then each
 * translation as its own document with `source_lang` and a first reference to the original). Bulletins and alerts
 * become `csaf_security_advisory`, notes `csaf_informational_advisory`. Pure: the same input gives the same bytes.
 */
export function prepareCsafDocuments(input: CsafMappingInput): PreparedCsafDocument[] {
  const { bulletin, revisions, config } = input;
  const last = revisions.at(-1);
  const first = revisions[0];
  if (last === undefined || first === undefined) throw new Error('prepareCsafDocuments: no published revision');
  if (bulletin.reference === null || bulletin.slug === null) throw new Error('prepareCsafDocuments: bulletin has no reference');
  const reference = bulletin.reference;
  const slug = bulletin.slug;
  const content = last.content;
  const tlp = csafTlpOf(content.tlp);
  const initialReleaseDate = first.publishedAt;
  const currentReleaseDate = last.publishedAt;
  const year = initialReleaseDate.getUTCFullYear();
  const version = String(last.number);
  const original = placementOf(input, reference, content.originalLanguage, tlp, year);

  return availableLanguages(content).map((language) => {
    const text = content.texts[language];
    if (text === undefined) throw new Error(`prepareCsafDocuments: no text in ${language}`);
    const { t } = createTranslator(csafMessages, language, config.timezone);
    const leaves = productLeaves(content);
    const ctx: DocumentContext = { input, content, language, text, t, leaves };
    const placement = placementOf(input, reference, language, tlp, year);
    const isTranslation = language !== content.originalLanguage;

    const references: CsafJson[] = [];
    if (isTranslation) references.push({ category: 'self', summary: t('csaf.doc.original', { language: content.originalLanguage }), url: original.url });
    // Mandatory test 6.1.27.2 wants an external reference in an informational advisory: a note that cites no source
    // is its own source, so its public page is given as that reference (for every other document the page is `self`).
    const isUnsourcedNote = content.kind === 'note' && content.references.length === 0 && content.relations.length === 0;
    references.push({ category: isUnsourcedNote ? 'external' : 'self', summary: t('csaf.doc.web_page'), url: bulletinPageUrl(config.publicUrl, slug, language) });
    references.push({ category: 'self', summary: t('csaf.doc.csaf_document'), url: placement.url });
    for (const r of content.references) references.push({ category: 'external', summary: nonEmpty(r.title) ?? r.url, url: r.url });
    for (const r of content.relations) {
      const summary = r.type === 'follows' ? t('csaf.doc.follows', { reference: r.reference }) : t('csaf.doc.supersedes', { reference: r.reference });
      references.push({ category: 'external', summary, url: bulletinPageUrl(config.publicUrl, referenceSlug(r.reference), language) });
    }

    const publisher: CsafJson = { category: 'coordinator', contact_details: config.csafContact, name: config.csafPublisherName, namespace: config.csafPublisherNamespace };
    if (config.csafIssuingAuthority !== null && config.csafIssuingAuthority.trim() !== '') publisher.issuing_authority = config.csafIssuingAuthority.trim();
    const distribution: CsafJson = { tlp: { label: tlp, url: TLP_URL } };
    if (content.tlp === 'amber+strict') distribution.text = t('csaf.doc.amber_strict');
    const criticality = termIn(input.criticalities, content.criticality, language);
    const isOpenAlert = content.kind === 'alert' && bulletin.publication !== 'closed';

    const tracking: CsafJson = {
      current_release_date: csafDate(currentReleaseDate),
      generator: { engine: { name: 'Ribat', version: engineVersion } },
      id: placement.trackingId,
      initial_release_date: csafDate(initialReleaseDate),
      revision_history: revisions.map((r, i) => ({
        date: csafDate(r.publishedAt),
        number: String(r.number),
        summary: i === 0 ? t('csaf.doc.initial_publication') : (nonEmpty(r.changeSummary) ?? t('csaf.doc.update')),
      })),
      status: isOpenAlert ? 'interim' : 'final',
      version,
    };
    const aliases = [...new Set(input.aliases.map((a) => a.trim()).filter((a) => a !== '' && a !== placement.trackingId))];
    if (aliases.length > 0) tracking.aliases = aliases;

    const document: CsafJson = {
      category: content.kind === 'note' ? 'csaf_informational_advisory' : 'csaf_security_advisory',
      csaf_version: '2.0',
      distribution,
      lang: language,
      notes: documentNotes(ctx),
      publisher,
      references,
      title: text.title.trim(),
      tracking,
    };
    if (isTranslation) document.source_lang = content.originalLanguage;
    if (criticality !== null) document.aggregate_severity = { text: criticality };

    const csaf: CsafJson = { document };
    const tree = productTree(leaves);
    if (tree !== null) csaf.product_tree = tree;
    if (content.kind !== 'note') csaf.vulnerabilities = content.cves.length > 0 ? content.cves.map((c) => vulnerability(ctx, c)) : [vulnerability(ctx, null)];

    const sorted = sortKeys(csaf) as CsafJson;
    return {
      bulletinId: bulletin.id,
      revisionNumber: last.number,
      language,
      trackingId: placement.trackingId,
      fileName: placement.fileName,
      year,
      tlp,
      version,
      initialReleaseDate,
      currentReleaseDate,
      document: sorted,
      bytes: serializeCsaf(sorted),
    };
  });
}
