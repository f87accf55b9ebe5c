import type { Config } from '#src/config/config';
import type { DatabaseHandle } from '#src/db/database';
import type { Logger } from '#src/core/logger';
import { startReportSmtpListener, type ReportSmtpListener } from '#src/modules/incidents/email/smtp-listener';
import { receiveReportEmail } from '#src/modules/incidents/use-cases/receive-report-email';

/**
 * Starts the SMTP listener of the reporting addresses and hands each message to the intake use case: a message the
 * intake refuses for good is answered 554; a failure of ours (database down) 451, so the sending server retries.
 */
export async function startIncidentMailIntake(config: Config, database: DatabaseHandle, logger: Logger, listen: { host: string; port: number }): Promise<ReportSmtpListener> {
  return startReportSmtpListener({
    host: listen.host,
    port: listen.port,
    recipients: [...config.incidentMailAddresses],
    maxMessageBytes: config.incidentMailMaxBytes,
    logger,
    onMessage: async (raw, envelope) => {
      const result = await receiveReportEmail(database, config, raw, envelope);
      logger.info({ outcome: result.outcome, from: envelope.mailFrom }, 'incident e-mail received');
      return result.outcome === 'refused' ? { ok: false, permanent: true, reason: result.reason } : { ok: true };
    },
  });
}
