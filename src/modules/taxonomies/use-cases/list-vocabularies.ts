import type { DatabaseHandle } from '#src/db/database';
import type { RequestContext } from '#src/core/context';
import type { VocabularySummary } from '#src/modules/taxonomies/taxonomies.types';
import { AppError } from '#src/core/errors';
import { isSignedIn } from '#src/core/access';
import { vocabularyNames } from '#src/modules/taxonomies/taxonomies.types';
import { countTermsByVocabulary } from '#src/modules/taxonomies/taxonomies.repository';

/** Every known vocabulary with its term counts (a vocabulary without terms yet is listed with zero). */
export async function listVocabularies(database: DatabaseHandle, ctx: RequestContext): Promise<VocabularySummary[]> {
  if (!isSignedIn(ctx.actor)) throw new AppError('unauthenticated');
  const counts = await countTermsByVocabulary(database.db);
  return vocabularyNames.map((name) => {
    const row = counts.find((c) => c.vocabulary === name);
    return { name, termCount: row?.termCount ?? 0, retiredCount: row?.retiredCount ?? 0 };
  });
}
