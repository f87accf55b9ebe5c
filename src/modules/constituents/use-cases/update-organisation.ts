import type { DatabaseHandle } from '#src/db/database';
import type { RequestContext } from '#src/core/context';
import type { Organisation } from '#src/modules/constituents/constituents.types';
import type { OrganisationDraft } from '#src/modules/constituents/constituents.validation';
import { AppError } from '#src/core/errors';
import { recordAudit } from '#src/core/audit';
import { canManageOrganisations, organisationScope } from '#src/modules/constituents/constituents.policy';
import { organisationAuditState } from '#src/modules/constituents/constituents.types';
import { validateOrganisation } from '#src/modules/constituents/constituents.validation';
import { findOrganisationById, isAcronymTaken, updateOrganisation as writeOrganisation } from '#src/modules/constituents/constituents.repository';
import { checkSector } from '#src/modules/constituents/use-cases/sector-terms';

/** Changes to an organisation: what is absent stays as it is. */
export type OrganisationPatch = Partial<OrganisationDraft>;

/**
 * Edits an organisation (administrators and coordinators) with optimistic locking on `version`: a stale version
 * is a 409 and changes nothing. Audited as `organisation.updated` with the state before and after.
 */
export async function updateOrganisation(database: DatabaseHandle, ctx: RequestContext, id: string, patch: OrganisationPatch, version: number): Promise<Organisation> {
  if (!canManageOrganisations(ctx.actor)) throw new AppError('forbidden');
  return database.db.transaction().execute(async (trx) => {
    const before = await findOrganisationById(trx, organisationScope(ctx.actor), id);
    if (!before) throw new AppError('not_found');
    const draft: OrganisationDraft = {
      names: { ...before.names, ...patch.names },
      acronym: patch.acronym !== undefined ? patch.acronym : before.acronym,
      category: patch.category ?? before.category,
      sector: patch.sector ?? before.sectorCode,
      emailDomains: patch.emailDomains ?? before.emailDomains,
      ipRanges: patch.ipRanges ?? before.ipRanges,
      contacts: patch.contacts ?? before.contacts,
    };
    const { fields, errors } = validateOrganisation(draft);
    await checkSector(trx, fields.sectorCode, before.sectorCode, errors);
    if (fields.acronym && fields.acronym !== before.acronym && !errors.some((e) => e.field === 'acronym') && (await isAcronymTaken(trx, fields.acronym, id))) {
      errors.push({ field: 'acronym', message: 'acronym_taken' });
    }
    if (errors.length > 0) throw new AppError('validation_failed', errors);
    if (before.version !== version) throw new AppError('version_conflict');
    const now = ctx.clock.now();
    const after: Organisation = { ...before, ...fields, updatedAt: now, version: before.version + 1 };
    const unchanged = JSON.stringify(organisationAuditState({ ...after, version: before.version })) === JSON.stringify(organisationAuditState(before));
    if (unchanged) return before;
    if (!(await writeOrganisation(trx, id, version, fields, before.status, now))) throw new AppError('version_conflict');
    await recordAudit(trx, database.dialect, ctx, { action: 'organisation.updated', entityType: 'organisation', entityId: id, before: organisationAuditState(before), after: organisationAuditState(after) });
    return after;
  });
}
