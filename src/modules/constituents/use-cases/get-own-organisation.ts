import type { DatabaseHandle } from '#src/db/database';
import type { RequestContext } from '#src/core/context';
import type { VocabularyTerm } from '#src/modules/taxonomies/taxonomies.types';
import type { Organisation } from '#src/modules/constituents/constituents.types';
import { AppError } from '#src/core/errors';
import { isConstituentMember, organisationScope } from '#src/modules/constituents/constituents.policy';
import { findOrganisationById } from '#src/modules/constituents/constituents.repository';
import { allSectors } from '#src/modules/constituents/use-cases/sector-terms';

/** The signed-in constituent's own organisation; CERT staff have none, so they get 404. */
export async function getOwnOrganisation(database: DatabaseHandle, ctx: RequestContext): Promise<{ organisation: Organisation; sectors: VocabularyTerm[] }> {
  const { actor } = ctx;
  if (!isConstituentMember(actor) || actor.organisationId === null) throw new AppError('not_found');
  const organisation = await findOrganisationById(database.db, organisationScope(actor), actor.organisationId);
  if (!organisation) throw new AppError('not_found');
  return { organisation, sectors: await allSectors(database.db) };
}
