import type { DatabaseHandle } from '#src/db/database';
import type { RequestContext } from '#src/core/context';
import type { VocabularyTerm } from '#src/modules/taxonomies/taxonomies.types';
import { AppError } from '#src/core/errors';
import { canManageOrganisations } from '#src/modules/constituents/constituents.policy';
import { allSectors } from '#src/modules/constituents/use-cases/sector-terms';

/** What the blank organisation form needs: the sector terms (the page offers only those in use). */
export async function prepareOrganisationForm(database: DatabaseHandle, ctx: RequestContext): Promise<{ sectors: VocabularyTerm[] }> {
  if (!canManageOrganisations(ctx.actor)) throw new AppError('forbidden');
  return { sectors: await allSectors(database.db) };
}
