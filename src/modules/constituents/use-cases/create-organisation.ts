import type { DatabaseHandle } from '#src/db/database';
import type { RequestContext } from '#src/core/context';
import type { IdempotentResult } from '#src/core/idempotency';
import type { Organisation, OrganisationJson } from '#src/modules/constituents/constituents.types';
import type { OrganisationDraft } from '#src/modules/constituents/constituents.validation';
import { AppError } from '#src/core/errors';
import { newId } from '#src/core/ids';
import { recordAudit } from '#src/core/audit';
import { withIdempotency } from '#src/core/idempotency';
import { canManageOrganisations } from '#src/modules/constituents/constituents.policy';
import { organisationAuditState, toOrganisationJson } from '#src/modules/constituents/constituents.types';
import { validateOrganisation } from '#src/modules/constituents/constituents.validation';
import { insertOrganisation, isAcronymTaken } from '#src/modules/constituents/constituents.repository';
import { checkSector } from '#src/modules/constituents/use-cases/sector-terms';

/**
 * Creates an active organisation (administrators and coordinators), audited as `organisation.created`. With an
 * idempotency key, a retry returns the first answer instead of creating a second organisation.
 */
export async function createOrganisation(
  database: DatabaseHandle,
  ctx: RequestContext,
  draft: OrganisationDraft,
  idempotencyKey: string | null = null,
): Promise<IdempotentResult<OrganisationJson>> {
  if (!canManageOrganisations(ctx.actor)) throw new AppError('forbidden');
  const { fields, errors } = validateOrganisation(draft);
  return withIdempotency(
    database.db,
    { actorKey: ctx.actor.userId ?? ctx.actor.label, key: idempotencyKey, scope: 'POST /api/v1/organisations', request: draft, clock: ctx.clock },
    async (trx) => {
      await checkSector(trx, fields.sectorCode, null, errors);
      if (fields.acronym && !errors.some((e) => e.field === 'acronym') && (await isAcronymTaken(trx, fields.acronym, null))) {
        errors.push({ field: 'acronym', message: 'acronym_taken' });
      }
      if (errors.length > 0) throw new AppError('validation_failed', errors);
      const now = ctx.clock.now();
      const organisation: Organisation = { id: newId(), ...fields, status: 'active', userCount: 0, createdAt: now, updatedAt: now, version: 1 };
      await insertOrganisation(trx, organisation);
      await recordAudit(trx, database.dialect, ctx, { action: 'organisation.created', entityType: 'organisation', entityId: organisation.id, after: organisationAuditState(organisation) });
      return { status: 201, body: toOrganisationJson(organisation) };
    },
  );
}
