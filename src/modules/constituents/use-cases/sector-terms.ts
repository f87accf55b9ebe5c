import type { DbOrTx } from '#src/db/database';
import type { FieldError } from '#src/core/errors';
import type { VocabularyTerm } from '#src/modules/taxonomies/taxonomies.types';
import { findTermByCode, findTerms } from '#src/modules/taxonomies/taxonomies.repository';

/** Every sector term, retired ones included (they still label existing organisations). */
export async function allSectors(db: DbOrTx): Promise<VocabularyTerm[]> {
  return findTerms(db, 'sector', { includeRetired: true });
}

/**
 * Checks that `code` is a sector that may be chosen: a term in use, or the organisation's current sector even
 * if it was retired since (retired terms stay valid on existing records). Errors name `sector`.
 */
export async function checkSector(db: DbOrTx, code: string, current: string | null, errors: FieldError[]): Promise<void> {
  if (code === '' || errors.some((e) => e.field === 'sector')) return;
  const term = await findTermByCode(db, 'sector', code);
  if (!term || (term.retiredAt !== null && code !== current)) errors.push({ field: 'sector', message: 'invalid_choice' });
}
