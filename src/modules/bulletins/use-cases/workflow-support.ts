import { createHash } from 'node:crypto';
import type { Dialect, DbOrTx, Tx } from '#src/db/database';
import type { RequestContext } from '#src/core/context';
import type { FieldError } from '#src/core/errors';
import type { Bulletin, BulletinContent, BulletinKind, BulletinLanguage, WorkflowState } from '#src/modules/bulletins/bulletins.types';
import type { BulletinInput } from '#src/modules/bulletins/bulletins.validation';
import { AppError } from '#src/core/errors';
import { recordAudit } from '#src/core/audit';
import { canReadBulletins } from '#src/modules/bulletins/bulletins.policy';
import { checkBulletinInput } from '#src/modules/bulletins/bulletins.validation';
import { findBulletinById, findPublishedReferences } from '#src/modules/bulletins/bulletins.repository';
import { findProductById, upsertProduct, upsertVendor } from '#src/modules/bulletins/products.repository';
import { findTerms } from '#src/modules/taxonomies/taxonomies.repository';

// Shared steps of the bulletin use cases (not a use case itself): loading with the optimistic lock, the audit
// state, and turning typed input into a checked working copy.

/**
 * The bulletin to change, locked for the transaction: 404 when absent or invisible to the actor, 409
 * version_conflict when `version` is stale (nothing is written), 409 conflict when its state does not allow the
 * action.
 */
export async function loadForChange(trx: Tx, dialect: Dialect, ctx: RequestContext, id: string, version: number | null, allowed: readonly WorkflowState[] | null): Promise<Bulletin> {
  if (!canReadBulletins(ctx.actor)) throw new AppError('not_found');
  const bulletin = await findBulletinById(trx, id, dialect);
  if (!bulletin) throw new AppError('not_found');
  if (version !== null && bulletin.version !== version) throw new AppError('version_conflict');
  if (allowed !== null && !allowed.includes(bulletin.state)) throw new AppError('conflict', [], `bulletin is ${bulletin.state}`);
  return bulletin;
}

/** A short fingerprint of a text, so the audit trail shows that a long Markdown field changed without copying it. */
function fingerprint(text: string): string {
  return text === '' ? '' : createHash('sha256').update(text).digest('hex').slice(0, 12);
}

/**
 * What the audit trail records of a bulletin: workflow, publication and the shape of the working copy (titles,
 * codes, ids), with long texts reduced to fingerprints so two states diff field by field.
 */
export function bulletinAuditState(b: Bulletin): Record<string, unknown> {
  const d = b.draft;
  const texts: Record<string, unknown> = {};
  for (const [language, text] of Object.entries(d.texts)) {
    texts[language] = { title: text.title, summary: fingerprint(text.summary), description: fingerprint(text.description), solution: fingerprint(text.solution), workarounds: fingerprint(text.workarounds) };
  }
  return {
    kind: b.kind,
    reference: b.reference,
    state: b.state,
    publication: b.publication,
    publishedRevision: b.publishedRevision,
    version: b.version,
    changeSummary: b.changeSummary,
    scheduledAt: b.scheduledAt?.toISOString() ?? null,
    texts,
    criticality: d.criticality,
    tlp: d.tlp,
    risks: d.risks,
    cves: d.cves.map((c) => c.id),
    affected: d.affected.map((a) => `${a.vendor} ${a.product} ${a.versions}`.trim()),
    references: d.references.map((r) => r.url),
    relations: d.relations.map((r) => `${r.type} ${r.reference}`),
    indicators: d.indicators.length,
    recipientOrganisationIds: d.recipientOrganisationIds,
    recipientUserIds: d.recipientUserIds,
  };
}

/** Records one transition of a bulletin in the audit trail, inside the transaction that made it. */
export async function auditTransition(trx: Tx, dialect: Dialect, ctx: RequestContext, action: string, before: Bulletin | null, after: Bulletin, extra: Record<string, unknown> = {}): Promise<void> {
  await recordAudit(trx, dialect, ctx, {
    action,
    entityType: 'bulletin',
    entityId: after.id,
    ...(before ? { before: bulletinAuditState(before) } : {}),
    after: { ...bulletinAuditState(after), ...extra },
  });
}

async function checkTerms(db: DbOrTx, vocabulary: 'criticality' | 'risk', codes: { code: string; field: string }[], previous: readonly string[], errors: FieldError[]): Promise<void> {
  if (codes.length === 0) return;
  const terms = await findTerms(db, vocabulary, { includeRetired: true });
  for (const { code, field } of codes) {
    const term = terms.find((t) => t.code === code);
    if (!term) errors.push({ field, message: 'invalid_choice', params: { value: code.slice(0, 80) } });
    // A retired term stays valid where it is already used, but is refused for new use.
    else if (term.retiredAt !== null && !previous.includes(code)) errors.push({ field, message: 'term_retired', params: { value: code } });
  }
}

/**
 * Turns typed input into a working copy: the lenient check, then vocabulary codes (retired terms only where already
 * used), recipients (active organisations, existing active users), relations (references of published bulletins)
 * and affected systems resolved into the product registry (vendors and products created as authors type them).
 * Throws validation_failed with every problem at once; writes products only when everything else is valid.
 */
export async function prepareContent(trx: Tx, ctx: RequestContext, kind: BulletinKind, originalLanguage: BulletinLanguage, input: BulletinInput, previous: BulletinContent | null): Promise<BulletinContent> {
  const checked = checkBulletinInput(input, originalLanguage);
  const errors = checked.errors;

  await checkTerms(trx, 'criticality', checked.criticality === '' ? [] : [{ code: checked.criticality, field: 'criticality' }], previous ? [previous.criticality] : [], errors);
  await checkTerms(trx, 'risk', checked.risks.map((code) => ({ code, field: `risks.${(input.risks ?? []).findIndex((r) => String(r).trim() === code)}` })), previous?.risks ?? [], errors);

  if (checked.recipientOrganisationIds.length > 0) {
    const found = await trx.selectFrom('organisation').select('id').where('id', 'in', checked.recipientOrganisationIds).where('status', '=', 'active').execute();
    const ok = new Set(found.map((r) => r.id));
    const unknown = checked.recipientOrganisationIds.filter((id) => !ok.has(id));
    if (unknown.length > 0) errors.push({ field: 'recipientOrganisationIds', message: 'unknown_recipient', params: { value: unknown[0]?.slice(0, 80) ?? '' } });
  }
  if (checked.recipientUserIds.length > 0) {
    const found = await trx.selectFrom('user_account').select('id').where('id', 'in', checked.recipientUserIds).where('status', '=', 'active').execute();
    const ok = new Set(found.map((r) => r.id));
    const unknown = checked.recipientUserIds.filter((id) => !ok.has(id));
    if (unknown.length > 0) errors.push({ field: 'recipientUserIds', message: 'unknown_recipient', params: { value: unknown[0]?.slice(0, 80) ?? '' } });
  }
  if (checked.relations.length > 0) {
    const published = await findPublishedReferences(trx, checked.relations.map((r) => r.reference));
    for (const r of checked.relations) {
      if (!published.has(r.reference)) errors.push({ field: `relations.${r.index}.reference`, message: 'unknown_reference', params: { value: r.reference.slice(0, 80) } });
    }
  }
  for (const a of checked.affected) {
    if (a.productId !== null && (await findProductById(trx, a.productId)) === null) a.productId = null;
  }
  if (errors.length > 0) throw new AppError('validation_failed', errors);

  const now = ctx.clock.now();
  const affected: BulletinContent['affected'] = [];
  for (const a of checked.affected) {
    const known = a.productId !== null ? await findProductById(trx, a.productId) : null;
    // A registry product picked from the suggestions keeps its id unless the author then retyped its names.
    const product =
      known && known.vendor === a.vendor && known.name === a.product
        ? known
        : await upsertProduct(trx, await upsertVendor(trx, a.vendor, now), a.product, { cpe: a.cpe, purl: a.purl }, now);
    affected.push({ productId: product.id, vendor: product.vendor, product: product.name, versions: a.versions, cpe: a.cpe ?? product.cpe, purl: a.purl ?? product.purl });
  }

  return {
    kind,
    originalLanguage,
    texts: checked.texts,
    criticality: checked.criticality,
    risks: checked.risks,
    affected,
    cves: checked.cves,
    references: checked.references,
    relations: checked.relations.map(({ type, reference }) => ({ type, reference })),
    indicators: checked.indicators,
    tlp: checked.tlp,
    recipientOrganisationIds: checked.recipientOrganisationIds,
    recipientUserIds: checked.recipientUserIds,
  };
}
