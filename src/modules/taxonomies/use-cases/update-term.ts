import type { DatabaseHandle } from '#src/db/database';
import type { RequestContext } from '#src/core/context';
import type { FieldError } from '#src/core/errors';
import type { VocabularyTerm } from '#src/modules/taxonomies/taxonomies.types';
import type { LabelsDraft } from '#src/modules/taxonomies/taxonomies.validation';
import { AppError } from '#src/core/errors';
import { can } from '#src/core/access';
import { recordAudit } from '#src/core/audit';
import { termAuditState } from '#src/modules/taxonomies/taxonomies.types';
import { validatePosition, validateTermLabels } from '#src/modules/taxonomies/taxonomies.validation';
import { findTermByCode, updateTerm as writeTerm } from '#src/modules/taxonomies/taxonomies.repository';
import { requireVocabulary } from '#src/modules/taxonomies/use-cases/list-terms';

/** Changes to a term; what is absent stays as it is. `version` is the one the editor saw. */
export interface UpdateTermInput {
  labels?: LabelsDraft;
  position?: number | string;
  retired?: boolean;
  version: number;
}

/**
 * Edits a term's labels or position, retires or restores it (administrators only), with optimistic locking on
 * `version`. Audited as `vocabulary_term.updated`, `.retired` or `.restored` with the state before and after.
 */
export async function updateTerm(database: DatabaseHandle, ctx: RequestContext, vocabularyName: string, code: string, input: UpdateTermInput): Promise<VocabularyTerm> {
  const vocabulary = requireVocabulary(vocabularyName);
  if (!can(ctx.actor, 'vocabularies:manage')) throw new AppError('forbidden');
  return database.db.transaction().execute(async (trx) => {
    const before = await findTermByCode(trx, vocabulary, code);
    if (!before) throw new AppError('not_found');
    const errors: FieldError[] = [];
    const labels = input.labels ? validateTermLabels({ ...before.labels, ...definedOnly(input.labels) }, errors) : before.labels;
    const position = input.position !== undefined ? validatePosition(input.position, errors) : before.position;
    if (errors.length > 0) throw new AppError('validation_failed', errors);
    if (before.version !== input.version) throw new AppError('version_conflict');
    const now = ctx.clock.now();
    const retiredAt = input.retired === undefined ? before.retiredAt : input.retired ? (before.retiredAt ?? now) : null;
    const after: VocabularyTerm = { ...before, labels, position, retiredAt, updatedAt: now, version: before.version + 1 };
    const unchanged = JSON.stringify(termAuditState({ ...after, version: before.version })) === JSON.stringify(termAuditState(before));
    if (unchanged) return before;
    if (!(await writeTerm(trx, before.id, input.version, { labels, position, retiredAt, updatedAt: now }))) throw new AppError('version_conflict');
    const action = (before.retiredAt === null) === (retiredAt === null) ? 'vocabulary_term.updated' : retiredAt ? 'vocabulary_term.retired' : 'vocabulary_term.restored';
    await recordAudit(trx, database.dialect, ctx, { action, entityType: 'vocabulary_term', entityId: before.id, before: termAuditState(before), after: termAuditState(after) });
    return after;
  });
}

function definedOnly(draft: LabelsDraft): LabelsDraft {
  return Object.fromEntries(Object.entries(draft).filter(([, v]) => v !== undefined));
}
