import type { Config } from '#src/config/config';
import type { DatabaseHandle } from '#src/db/database';
import type { Clock } from '#src/core/time';
import type { Bulletin } from '#src/modules/bulletins/bulletins.types';
import { systemContext } from '#src/core/context';
import { findBulletinById } from '#src/modules/bulletins/bulletins.repository';
import { publishApproved } from '#src/modules/bulletins/use-cases/publish-bulletin';

/** What the scheduled-publication job carries. */
export interface ScheduledPublication {
  bulletinId: string;
  /** The scheduled time (ISO 8601): a job for an older schedule of the same bulletin does nothing. */
  at: string;
  /** Who scheduled it: recorded as the publisher of the revision. */
  scheduledBy: string;
}

/**
 * Publishes a scheduled bulletin when its time has come, if it is still scheduled for that time (the schedule may
 * have been cancelled, moved or the bulletin edited since): running it twice publishes once. The audit event names
 * the scheduler; the revision names the person who scheduled it.
 */
export async function publishScheduledBulletin(database: DatabaseHandle, config: Config, clock: Clock, job: ScheduledPublication): Promise<Bulletin | null> {
  const ctx = systemContext('scheduler', clock);
  return database.db.transaction().execute(async (trx) => {
    const bulletin = await findBulletinById(trx, job.bulletinId, database.dialect);
    if (!bulletin || bulletin.state !== 'scheduled' || bulletin.publication === 'withdrawn') return null;
    if (bulletin.scheduledAt?.toISOString() !== job.at) return null;
    if (bulletin.scheduledAt.getTime() > clock.now().getTime()) return null;
    return publishApproved(trx, database.dialect, config, ctx, bulletin, job.scheduledBy);
  });
}
