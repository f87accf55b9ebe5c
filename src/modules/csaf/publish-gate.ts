import type { Config } from '#src/config/config';
import type { DbOrTx } from '#src/db/database';
import type { FieldError } from '#src/core/errors';
import type { Bulletin, BulletinContent, BulletinLanguage, BulletinRevision } from '#src/modules/bulletins/bulletins.types';
import type { CsafFinding, CsafJson, CsafValidation, PreparedCsafDocument } from '#src/modules/csaf/csaf.types';
import { AppError } from '#src/core/errors';
import { findRevisions } from '#src/modules/bulletins/bulletins.repository';
import { findTerms } from '#src/modules/taxonomies/taxonomies.repository';
import { prepareCsafDocuments } from '#src/modules/csaf/mapping';
import { validateCsafDocument, type CsafValidationScope } from '#src/modules/csaf/validation';

/** One prepared document with what the validator said about it. */
export interface CheckedCsafDocument {
  prepared: PreparedCsafDocument;
  validation: CsafValidation;
}

/**
 * Prepares the CSAF documents of the publication of `revision` (the bulletin as it will stand after it, its reference
 * allocated) from every earlier published revision read in `db`, and validates each one (`scope`: see validateCsafDocument).
 */
export async function prepareAndCheckCsaf(db: DbOrTx, config: Config, bulletin: Bulletin, revision: BulletinRevision, scope: CsafValidationScope): Promise<CheckedCsafDocument[]> {
  const earlier = (await findRevisions(db, bulletin.id, bulletin.kind)).filter((r) => r.number < revision.number).reverse();
  const [criticalities, risks] = await Promise.all([findTerms(db, 'criticality', { includeRetired: true }), findTerms(db, 'risk', { includeRetired: true })]);
  const prepared = prepareCsafDocuments({ bulletin, revisions: [...earlier, revision], aliases: bulletin.aliases, config, criticalities, risks });
  const checked: CheckedCsafDocument[] = [];
  for (const p of prepared) checked.push({ prepared: p, validation: await validateCsafDocument(p.document, scope) });
  return checked;
}

/** The value at a JSON pointer, with the objects met on the way (deepest last). */
function walk(doc: CsafJson, pointer: string): unknown[] {
  const trail: unknown[] = [doc];
  let node: unknown = doc;
  for (const raw of pointer.split('/').slice(1)) {
    const key = raw.replace(/~1/g, '/').replace(/~0/g, '~');
    if (node === null || typeof node !== 'object') break;
    node = (node as Record<string, unknown>)[key];
    if (node === undefined) break;
    trail.push(node);
  }
  return trail;
}

/** The first `CSAFPID-n` found in a subtree (depth first), or null. */
function firstProductId(node: unknown): string | null {
  if (typeof node === 'string') return /^CSAFPID-\d+$/.test(node) ? node : null;
  if (node === null || typeof node !== 'object') return null;
  for (const value of Object.values(node)) {
    const found = firstProductId(value);
    if (found !== null) return found;
  }
  return null;
}

/**
 * The bulletin field a validator finding comes from, so the author sees it next to that field: a vulnerability
 * path → `cves.N.id` (`.cwe`, `.cvss31`), a product path → `affected.N.product` (`.versions`, `.cpe`, `.purl`),
 * a note or title → the text of that language, a reference → `references.N.url`; `csaf` when nothing fits.
 */
export function bulletinFieldOf(finding: Pick<CsafFinding, 'path'>, doc: CsafJson, content: BulletinContent, language: BulletinLanguage): string {
  const parts = finding.path.split('/').slice(1);
  const [top, second, third] = parts;
  if (top === 'vulnerabilities') {
    if (content.cves.length === 0 || second === undefined) return 'cves';
    const i = Number(second);
    const field = third === 'cwe' ? 'cwe' : third === 'scores' ? 'cvss31' : 'id';
    return Number.isInteger(i) && i < content.cves.length ? `cves.${i}.${field}` : 'cves';
  }
  if (top === 'product_tree') {
    const trail = walk(doc, finding.path);
    // The nearest node on the way that holds a product id: the product itself, or its branch.
    const pid = [...trail].reverse().map(firstProductId).find((id) => id !== null) ?? null;
    const n = pid === null ? NaN : Number(pid.slice('CSAFPID-'.length)) - 1;
    if (!Number.isInteger(n) || n < 0 || n >= content.affected.length) return 'affected';
    if (finding.path.includes('/product_identification_helper/cpe')) return `affected.${n}.cpe`;
    if (finding.path.includes('/product_identification_helper/purl')) return `affected.${n}.purl`;
    const last = trail.at(-1);
    const isVersionBranch = last !== null && typeof last === 'object' && typeof (last as { category?: unknown }).category === 'string' && String((last as { category: string }).category).startsWith('product_version');
    return isVersionBranch || /\/branches\/\d+\/branches\/\d+\/branches\/\d+\/name$/.test(finding.path) ? `affected.${n}.versions` : `affected.${n}.product`;
  }
  if (top === 'document') {
    if (second === 'title') return `texts.${language}.title`;
    if (second === 'notes' && third !== undefined) {
      const category = (walk(doc, `/document/notes/${third}`).at(-1) as { category?: unknown } | undefined)?.category;
      return category === 'summary' ? `texts.${language}.summary` : `texts.${language}.description`;
    }
    if (second === 'notes') return `texts.${language}.summary`;
    if (second === 'aggregate_severity') return 'criticality';
    if (second === 'references' && third !== undefined) {
      const url = (walk(doc, `/document/references/${third}`).at(-1) as { url?: unknown } | undefined)?.url;
      const i = content.references.findIndex((r) => r.url === url);
      if (i >= 0) return `references.${i}.url`;
      return content.relations.length > 0 ? 'relations' : 'references';
    }
    if (second === 'references') return 'references';
    if (second === 'tracking' && third === 'revision_history') return 'changeSummary';
  }
  return 'csaf';
}

/** The validator's errors of every document as field errors (`csaf_test_failed` with test, path and detail). */
export function csafFieldErrors(checked: readonly CheckedCsafDocument[], content: BulletinContent): FieldError[] {
  const errors: FieldError[] = [];
  const seen = new Set<string>();
  for (const { prepared, validation } of checked) {
    for (const finding of validation.errors) {
      const field = bulletinFieldOf(finding, prepared.document, content, prepared.language);
      const key = `${field}|${finding.test}|${finding.path}|${finding.message}`;
      if (seen.has(key)) continue;
      seen.add(key);
      errors.push({ field, message: 'csaf_test_failed', params: { test: finding.test, path: finding.path === '' ? '/' : finding.path, detail: finding.message, language: prepared.language } });
    }
  }
  return errors;
}

/**
 * The publish gate: prepares and validates the documents of this publication and refuses it
 * (AppError `validation_failed`, one `csaf_test_failed` per finding) when any fails the strict schema or a mandatory
 * test. Returns the prepared documents for storage otherwise.
 */
export async function preparePublishableCsaf(db: DbOrTx, config: Config, bulletin: Bulletin, revision: BulletinRevision): Promise<PreparedCsafDocument[]> {
  const checked = await prepareAndCheckCsaf(db, config, bulletin, revision, 'errors');
  const errors = csafFieldErrors(checked, revision.content);
  if (errors.length > 0) throw new AppError('validation_failed', errors, 'the CSAF document would be invalid');
  return checked.map((c) => c.prepared);
}
