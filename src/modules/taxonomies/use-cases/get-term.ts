import type { DatabaseHandle } from '#src/db/database';
import type { RequestContext } from '#src/core/context';
import type { VocabularyTerm } from '#src/modules/taxonomies/taxonomies.types';
import { AppError } from '#src/core/errors';
import { isSignedIn } from '#src/core/access';
import { findTermByCode } from '#src/modules/taxonomies/taxonomies.repository';
import { requireVocabulary } from '#src/modules/taxonomies/use-cases/list-terms';

/** One term of a vocabulary, retired or not; an unknown vocabulary or code is answered 404. */
export async function getTerm(database: DatabaseHandle, ctx: RequestContext, vocabularyName: string, code: string): Promise<VocabularyTerm> {
  if (!isSignedIn(ctx.actor)) throw new AppError('unauthenticated');
  const vocabulary = requireVocabulary(vocabularyName);
  const term = await findTermByCode(database.db, vocabulary, code);
  if (!term) throw new AppError('not_found');
  return term;
}
