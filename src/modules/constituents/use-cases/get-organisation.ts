import type { DatabaseHandle } from '#src/db/database';
import type { RequestContext } from '#src/core/context';
import type { VocabularyTerm } from '#src/modules/taxonomies/taxonomies.types';
import type { Organisation } from '#src/modules/constituents/constituents.types';
import { AppError } from '#src/core/errors';
import { organisationScope } from '#src/modules/constituents/constituents.policy';
import { findOrganisationById } from '#src/modules/constituents/constituents.repository';
import { allSectors } from '#src/modules/constituents/use-cases/sector-terms';

/** One organisation the actor may see, with the sector terms to label and edit it; otherwise 404. */
export async function getOrganisation(database: DatabaseHandle, ctx: RequestContext, id: string): Promise<{ organisation: Organisation; sectors: VocabularyTerm[] }> {
  const organisation = await findOrganisationById(database.db, organisationScope(ctx.actor), id);
  if (!organisation) throw new AppError('not_found');
  return { organisation, sectors: await allSectors(database.db) };
}
