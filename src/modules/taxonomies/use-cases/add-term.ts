import type { DatabaseHandle } from '#src/db/database';
import type { RequestContext } from '#src/core/context';
import type { FieldError } from '#src/core/errors';
import type { IdempotentResult } from '#src/core/idempotency';
import type { VocabularyTerm, VocabularyTermJson } from '#src/modules/taxonomies/taxonomies.types';
import type { LabelsDraft } from '#src/modules/taxonomies/taxonomies.validation';
import { AppError } from '#src/core/errors';
import { can } from '#src/core/access';
import { newId } from '#src/core/ids';
import { recordAudit } from '#src/core/audit';
import { withIdempotency } from '#src/core/idempotency';
import { termAuditState, toTermJson } from '#src/modules/taxonomies/taxonomies.types';
import { validatePosition, validateTermCode, validateTermLabels } from '#src/modules/taxonomies/taxonomies.validation';
import { findTermByCode, insertTerm, nextTermPosition } from '#src/modules/taxonomies/taxonomies.repository';
import { requireVocabulary } from '#src/modules/taxonomies/use-cases/list-terms';

/** A new term as submitted; the position defaults to the end of the list. */
export interface AddTermInput {
  code: string;
  labels: LabelsDraft;
  position?: number | string | null;
}

/**
 * Adds a term to a vocabulary (administrators only), audited as `vocabulary_term.created`. With an idempotency
 * key, a retry returns the first answer instead of failing on the now-taken code.
 */
export async function addTerm(
  database: DatabaseHandle,
  ctx: RequestContext,
  vocabularyName: string,
  input: AddTermInput,
  idempotencyKey: string | null = null,
): Promise<IdempotentResult<VocabularyTermJson>> {
  const vocabulary = requireVocabulary(vocabularyName);
  if (!can(ctx.actor, 'vocabularies:manage')) throw new AppError('forbidden');
  const errors: FieldError[] = [];
  const code = validateTermCode(input.code, errors);
  const labels = validateTermLabels(input.labels, errors);
  const hasPosition = input.position !== undefined && input.position !== null && input.position !== '';
  const position = hasPosition ? validatePosition(input.position as number | string, errors) : null;
  if (errors.length > 0) throw new AppError('validation_failed', errors);

  return withIdempotency(
    database.db,
    { actorKey: ctx.actor.userId ?? ctx.actor.label, key: idempotencyKey, scope: `POST /api/v1/vocabularies/${vocabulary}/terms`, request: input, clock: ctx.clock },
    async (trx) => {
      if (await findTermByCode(trx, vocabulary, code)) throw AppError.field('code', 'code_taken');
      const now = ctx.clock.now();
      const term: VocabularyTerm = {
        id: newId(),
        vocabulary,
        code,
        labels,
        position: position ?? (await nextTermPosition(trx, vocabulary)),
        retiredAt: null,
        createdAt: now,
        updatedAt: now,
        version: 1,
      };
      await insertTerm(trx, term);
      await recordAudit(trx, database.dialect, ctx, { action: 'vocabulary_term.created', entityType: 'vocabulary_term', entityId: term.id, after: termAuditState(term) });
      return { status: 201, body: toTermJson(term) };
    },
  );
}
