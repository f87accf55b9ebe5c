import type { DatabaseHandle } from '#src/db/database';
import type { RequestContext } from '#src/core/context';
import type { Page } from '#src/core/pagination';
import type { VocabularyName, VocabularyTerm } from '#src/modules/taxonomies/taxonomies.types';
import { AppError } from '#src/core/errors';
import { isSignedIn } from '#src/core/access';
import { decodeCursor, toPage } from '#src/core/pagination';
import { isVocabularyName } from '#src/modules/taxonomies/taxonomies.types';
import { findTerms } from '#src/modules/taxonomies/taxonomies.repository';

export interface ListTermsOptions {
  includeRetired: boolean;
  limit: number;
  cursor?: string | undefined;
}

/** Resolves a vocabulary name from a URL; an unknown one is answered 404. */
export function requireVocabulary(name: string): VocabularyName {
  if (!isVocabularyName(name)) throw new AppError('not_found');
  return name;
}

/** A page of a vocabulary's terms in display order; any signed-in user may read vocabularies. */
export async function listTerms(database: DatabaseHandle, ctx: RequestContext, vocabularyName: string, options: ListTermsOptions): Promise<{ vocabulary: VocabularyName; page: Page<VocabularyTerm> }> {
  if (!isSignedIn(ctx.actor)) throw new AppError('unauthenticated');
  const vocabulary = requireVocabulary(vocabularyName);
  const after = decodeCursor(options.cursor);
  // The key is a term's position: anything else is a forged cursor (PostgreSQL would reject NaN with a 500).
  if (after !== null && (typeof after.k !== 'number' || !Number.isSafeInteger(after.k))) throw AppError.field('cursor', 'invalid');
  const rows = await findTerms(database.db, vocabulary, { includeRetired: options.includeRetired, after, limit: options.limit + 1 });
  return { vocabulary, page: toPage(rows, options.limit, (last) => ({ k: last.position, id: last.id })) };
}
