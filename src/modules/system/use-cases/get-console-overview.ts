import type { RequestContext } from '#src/core/context';
import type { DatabaseHandle } from '#src/db/database';
import type { AuditEvent } from '#src/modules/audit/audit.types';
import type { EmailStatus, JobStatus, StatusCounts } from '#src/modules/notifications/notifications.types';
import { can } from '#src/core/access';
import { AppError } from '#src/core/errors';
import { countOrganisationsByStatus, countUsersByStatus } from '#src/modules/system/console-overview.repository';
import { countEmailsByStatus, countJobsByStatus } from '#src/modules/notifications/notifications.repository';
import { findLatestAuditEvents } from '#src/modules/audit/audit.repository';

/** What the console home shows; each part is null when the viewer may not open that section. */
export interface ConsoleOverview {
  users: { active: number; disabled: number } | null;
  organisations: { active: number; suspended: number } | null;
  emails: StatusCounts<EmailStatus> | null;
  jobs: StatusCounts<JobStatus> | null;
  latestAudit: AuditEvent[] | null;
}

/** Figures for the console home, each gathered only if the viewer holds the permission of its section. */
export async function getConsoleOverview(database: DatabaseHandle, ctx: RequestContext): Promise<ConsoleOverview> {
  const { actor } = ctx;
  if (!can(actor, 'console:view')) throw new AppError('forbidden');
  const { db } = database;
  return {
    users: can(actor, 'users:manage-all') ? await countUsersByStatus(db) : null,
    organisations: can(actor, 'organisations:read') ? await countOrganisationsByStatus(db) : null,
    emails: can(actor, 'outbox:read') ? await countEmailsByStatus(db) : null,
    jobs: can(actor, 'outbox:read') ? await countJobsByStatus(db) : null,
    latestAudit: can(actor, 'audit:read') ? await findLatestAuditEvents(db, 10) : null,
  };
}
