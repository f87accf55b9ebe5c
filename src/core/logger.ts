import { pino, type DestinationStream, type Logger, type LoggerOptions } from 'pino';

/**
 * Paths removed from every log line: credentials, tokens and personal data. Structured logs keep request
 * ids, routes and status codes, which is what an operator needs.
 */
export const redactedPaths = [
  'req.headers.authorization',
  'req.headers.cookie',
  'req.headers["x-csrf-token"]',
  'req.headers["idempotency-key"]',
  'res.headers["set-cookie"]',
  '*.password',
  '*.newPassword',
  '*.token',
  '*.secret',
  '*.code',
  '*.email',
  '*.phone',
  '*.smtpUrl',
  '*.databaseUrl',
  'password',
  'token',
  'secret',
  'email',
];

/** The application logger: JSON lines with secrets and personal data redacted. */
export function createLogger(level: LoggerOptions['level'], destination?: DestinationStream): Logger {
  const options: LoggerOptions = {
    level,
    redact: { paths: redactedPaths, censor: '[redacted]' },
    base: { service: 'ribat' },
    timestamp: pino.stdTimeFunctions.isoTime,
  };
  return destination ? pino(options, destination) : pino(options);
}

export type { Logger };
