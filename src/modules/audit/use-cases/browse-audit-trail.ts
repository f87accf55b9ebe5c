import type { RequestContext } from '#src/core/context';
import type { DatabaseHandle } from '#src/db/database';
import type { Page } from '#src/core/pagination';
import type { AuditEvent, AuditFilterChoices } from '#src/modules/audit/audit.types';
import { AppError } from '#src/core/errors';
import { can } from '#src/core/access';
import { findAuditFilterChoices } from '#src/modules/audit/audit.repository';
import { listAuditEvents, type ListAuditEventsInput } from '#src/modules/audit/use-cases/list-audit-events';

/** What the console's audit page shows: the page of events (or the filter errors) and the filter choices. */
export interface AuditTrailView {
  page: Page<AuditEvent>;
  choices: AuditFilterChoices;
  /** Set when the filters were invalid: the page is then empty and the form shows these errors. */
  error: AppError | null;
}

/** The console's view of the audit trail: like the API list, plus the select options, and filter errors kept for the form. */
export async function browseAuditTrail(database: DatabaseHandle, ctx: RequestContext, input: ListAuditEventsInput, timeZone: string): Promise<AuditTrailView> {
  if (!can(ctx.actor, 'audit:read')) throw new AppError('forbidden');
  const choices = await findAuditFilterChoices(database.db);
  try {
    const page = await listAuditEvents(database, ctx, input, timeZone);
    return { page, choices, error: null };
  } catch (err) {
    if (err instanceof AppError && err.code === 'validation_failed') return { page: { items: [], nextCursor: null }, choices, error: err };
    throw err;
  }
}
