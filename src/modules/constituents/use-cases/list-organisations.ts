import type { DatabaseHandle } from '#src/db/database';
import type { RequestContext } from '#src/core/context';
import type { Page } from '#src/core/pagination';
import type { VocabularyTerm } from '#src/modules/taxonomies/taxonomies.types';
import type { Organisation } from '#src/modules/constituents/constituents.types';
import type { OrganisationFilters, OrganisationOrder } from '#src/modules/constituents/constituents.repository';
import { AppError } from '#src/core/errors';
import { can } from '#src/core/access';
import { decodeCursor, toPage } from '#src/core/pagination';
import { organisationScope } from '#src/modules/constituents/constituents.policy';
import { findOrganisations, sortKeyOf } from '#src/modules/constituents/constituents.repository';
import { allSectors } from '#src/modules/constituents/use-cases/sector-terms';

export interface ListOrganisationsOptions {
  order: OrganisationOrder;
  limit: number;
  cursor?: string | undefined;
}

/**
 * A page of the organisations the actor may see (all for staff, their own for a constituent), with the sector
 * terms to label them.
 */
export async function listOrganisations(
  database: DatabaseHandle,
  ctx: RequestContext,
  filters: OrganisationFilters,
  options: ListOrganisationsOptions,
): Promise<{ page: Page<Organisation>; sectors: VocabularyTerm[] }> {
  if (!can(ctx.actor, 'organisations:read')) throw new AppError('forbidden');
  const after = decodeCursor(options.cursor);
  const rows = await findOrganisations(database.db, organisationScope(ctx.actor), filters, options.order, after, options.limit + 1);
  const page = toPage(rows, options.limit, (last) => ({ k: sortKeyOf(last, options.order), id: last.id }));
  return { page, sectors: await allSectors(database.db) };
}
