import type { TSchema } from '@sinclair/typebox';
import type { JobDefinition } from '#src/core/jobs/queue';
import type { Config } from '#src/config/config';
import type { DatabaseHandle } from '#src/db/database';
import type { Logger } from '#src/core/logger';
import type { Clock } from '#src/core/time';
import { sendEmailJob } from '#src/modules/notifications/mailer';
import { bulletinNotifyJob } from '#src/modules/notifications/bulletin-notify.job';
import { scheduledPublishJob } from '#src/modules/bulletins/scheduled-publish.job';
import { csafSourceFetchJob } from '#src/modules/csaf/import/csaf-source-fetch.job';
import { csafProviderTreeJob } from '#src/modules/csaf/provider-tree.job';
import { deadlineRemindersJob } from '#src/modules/incidents/deadline-reminders.job';

/** What job handlers receive. */
export interface JobDeps {
  config: Config;
  database: DatabaseHandle;
  logger: Logger;
  clock: Clock;
}

/** Every job kind, in one list (the runner refuses kinds it does not know). */
export const jobDefinitions: readonly JobDefinition<TSchema, JobDeps>[] = [sendEmailJob, bulletinNotifyJob, scheduledPublishJob, csafProviderTreeJob, csafSourceFetchJob, deadlineRemindersJob];
