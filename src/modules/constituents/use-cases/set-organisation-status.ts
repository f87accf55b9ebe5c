import type { DatabaseHandle } from '#src/db/database';
import type { RequestContext } from '#src/core/context';
import type { Organisation, OrganisationStatus } from '#src/modules/constituents/constituents.types';
import { AppError, assertNever } from '#src/core/errors';
import { recordAudit } from '#src/core/audit';
import { canManageOrganisations, organisationScope } from '#src/modules/constituents/constituents.policy';
import { organisationAuditState } from '#src/modules/constituents/constituents.types';
import { findOrganisationById, updateOrganisation as writeOrganisation } from '#src/modules/constituents/constituents.repository';

function actionFor(status: OrganisationStatus): string {
  switch (status) {
    case 'active':
      return 'organisation.reactivated';
    case 'suspended':
      return 'organisation.suspended';
    default:
      return assertNever(status);
  }
}

/**
 * Suspends or reactivates an organisation (administrators and coordinators), audited as `organisation.suspended`
 * or `organisation.reactivated`. Asking for the status it already has changes nothing; a given `version` that
 * is stale is a 409.
 */
export async function setOrganisationStatus(database: DatabaseHandle, ctx: RequestContext, id: string, status: OrganisationStatus, version?: number): Promise<Organisation> {
  if (!canManageOrganisations(ctx.actor)) throw new AppError('forbidden');
  return database.db.transaction().execute(async (trx) => {
    const before = await findOrganisationById(trx, organisationScope(ctx.actor), id);
    if (!before) throw new AppError('not_found');
    if (version !== undefined && before.version !== version) throw new AppError('version_conflict');
    if (before.status === status) return before;
    const now = ctx.clock.now();
    const { names, acronym, category, sectorCode, emailDomains, ipRanges, contacts } = before;
    if (!(await writeOrganisation(trx, id, before.version, { names, acronym, category, sectorCode, emailDomains, ipRanges, contacts }, status, now))) {
      throw new AppError('version_conflict');
    }
    const after: Organisation = { ...before, status, updatedAt: now, version: before.version + 1 };
    await recordAudit(trx, database.dialect, ctx, { action: actionFor(status), entityType: 'organisation', entityId: id, before: organisationAuditState(before), after: organisationAuditState(after) });
    return after;
  });
}
