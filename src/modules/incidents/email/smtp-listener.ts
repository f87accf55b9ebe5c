/**
 * The built-in SMTP intake for the CERT's reporting address: an MX-like listener on an internal port that accepts mail
 * for the configured recipients only and hands each message, raw, to `onMessage`. It does not parse or store anything
 * itself: the reply to the DATA command says whether `onMessage` took the message (250), failed for now (451: the
 * sending server retries) or refused it for good (554).
 *
 * Security notes: there is no authentication (AUTH is disabled; anyone who reaches the port can submit a report, as
 * with any MX). STARTTLS is offered only when `tls` (key and certificate) is given; otherwise it is disabled, because
 * smtp-server would fall back to its built-in self-signed test certificate. Reverse DNS lookups are off. Memory use is
 * bounded by `maxClients × maxMessageBytes`, as each message is buffered before `onMessage` runs.
 */
import { hostname as osHostname } from 'node:os';
import type { AddressInfo } from 'node:net';
import { SMTPServer, type SMTPServerDataStream, type SMTPServerSession } from 'smtp-server';

/** The SMTP envelope of a message: `mailFrom` is null for the null reverse-path `<>` (bounces, automatic replies). */
export interface ReportSmtpEnvelope {
  mailFrom: string | null;
  /** The accepted recipients, lower-cased, without duplicates. */
  rcptTo: string[];
  remoteAddress: string;
}

/** What `onMessage` decided: accepted, or refused temporarily (451, retried by the sender) or permanently (554). */
export type ReportSmtpOutcome = { ok: true } | { ok: false; permanent: boolean; reason: string };

/** The part of a pino logger the listener uses. */
export interface ReportSmtpLogger {
  info(obj: Record<string, unknown>, msg: string): void;
  warn(obj: Record<string, unknown>, msg: string): void;
  error(obj: Record<string, unknown>, msg: string): void;
}

/** Options of {@link startReportSmtpListener}. */
export interface ReportSmtpListenerOptions {
  host: string;
  /** 0 picks a free port (tests); the port bound is returned. */
  port: number;
  /** Accepted RCPT TO addresses, compared case-insensitively; any other recipient is refused with 550. */
  recipients: string[];
  /** Largest message accepted, in bytes: advertised with the SIZE extension, refused with 552 beyond. */
  maxMessageBytes: number;
  /** The name in the greeting and EHLO reply; the machine's host name by default. */
  hostname?: string;
  /** Most simultaneous connections (10 by default); the next ones get 421. */
  maxClients?: number;
  /** Enables STARTTLS with this key and certificate (PEM); without it STARTTLS is disabled. */
  tls?: { key: Buffer; cert: Buffer };
  /** Takes one received message; a throw or rejection is answered 451, never crashes the process. */
  onMessage: (raw: Buffer, envelope: ReportSmtpEnvelope) => Promise<ReportSmtpOutcome>;
  logger?: ReportSmtpLogger;
}

/** A running listener: the port it is bound to, and `close()` to stop it (waits for open sessions, up to 10 s). */
export interface ReportSmtpListener {
  port: number;
  close(): Promise<void>;
}

const BANNER = 'Ribat incident report intake';
const DEFAULT_MAX_CLIENTS = 10;
const MAX_RECIPIENTS = 20;
const CLOSE_TIMEOUT_MS = 10_000;
const MAX_REASON_LENGTH = 200;

/** An error whose `responseCode` smtp-server sends as the reply code. */
function smtpError(code: number, message: string): Error & { responseCode: number } {
  return Object.assign(new Error(message), { responseCode: code });
}

/** Makes a reason safe to put in an SMTP reply line: printable ASCII only (no CR/LF injection), bounded in length. */
function replyText(reason: string, fallback: string): string {
  const cleaned = reason.replace(/[^\x20-\x7e]+/g, ' ').replace(/\s+/g, ' ').trim().slice(0, MAX_REASON_LENGTH);
  return cleaned === '' ? fallback : cleaned;
}

function checkOptions(options: ReportSmtpListenerOptions): void {
  if (!Number.isInteger(options.port) || options.port < 0 || options.port > 65_535) throw new Error('smtp listener: port must be an integer from 0 to 65535');
  if (!Number.isInteger(options.maxMessageBytes) || options.maxMessageBytes <= 0) throw new Error('smtp listener: maxMessageBytes must be a positive integer');
  if (options.maxClients !== undefined && (!Number.isInteger(options.maxClients) || options.maxClients <= 0)) {
    throw new Error('smtp listener: maxClients must be a positive integer');
  }
  if (options.recipients.filter((r) => r.trim() !== '').length === 0) throw new Error('smtp listener: recipients must list at least one address');
}

/**
 * Starts the SMTP intake and resolves once it listens (rejects when the port cannot be bound). Unknown recipients are
 * refused at RCPT (550), oversized messages at MAIL (SIZE parameter) or after DATA (552), and each accepted message is
 * passed to `onMessage` once, whose answer becomes the reply to DATA.
 */
export async function startReportSmtpListener(options: ReportSmtpListenerOptions): Promise<ReportSmtpListener> {
  checkOptions(options);
  const { logger, onMessage, maxMessageBytes } = options;
  const accepted = new Set(options.recipients.map((r) => r.trim().toLowerCase()).filter((r) => r !== ''));

  const deliver = async (raw: Buffer, session: SMTPServerSession): Promise<Error | null> => {
    const envelope: ReportSmtpEnvelope = {
      mailFrom: session.envelope.mailFrom === false || session.envelope.mailFrom.address === '' ? null : session.envelope.mailFrom.address,
      rcptTo: [...new Set(session.envelope.rcptTo.map((r) => r.address.toLowerCase()))],
      remoteAddress: session.remoteAddress,
    };
    const context = { sessionId: session.id, remoteAddress: session.remoteAddress, bytes: raw.length };
    try {
      const outcome = await onMessage(raw, envelope);
      if (outcome.ok) {
        logger?.info(context, 'report e-mail accepted');
        return null;
      }
      const code = outcome.permanent ? 554 : 451;
      logger?.warn({ ...context, code, reason: outcome.reason }, 'report e-mail refused');
      return smtpError(code, replyText(outcome.reason, outcome.permanent ? 'Message refused' : 'Temporary failure, try again later'));
    } catch (err) {
      logger?.error({ ...context, err }, 'report e-mail handler failed');
      return smtpError(451, 'Temporary failure, try again later');
    }
  };

  const onData = (stream: SMTPServerDataStream, session: SMTPServerSession, callback: (err?: Error | null) => void): void => {
    const chunks: Buffer[] = [];
    let size = 0;
    stream.on('data', (chunk: Buffer) => {
      // Past the limit nothing more is kept; smtp-server counts the rest and sets sizeExceeded.
      if (stream.sizeExceeded || size + chunk.length > maxMessageBytes) return;
      size += chunk.length;
      chunks.push(chunk);
    });
    stream.on('error', (err: Error) => {
      logger?.warn({ sessionId: session.id, remoteAddress: session.remoteAddress, err }, 'report e-mail stream failed');
    });
    stream.on('end', () => {
      if (stream.sizeExceeded) {
        logger?.warn({ sessionId: session.id, remoteAddress: session.remoteAddress, bytes: stream.byteLength }, 'report e-mail too large');
        callback(smtpError(552, `Message exceeds the maximum size of ${maxMessageBytes} bytes`));
        return;
      }
      void deliver(Buffer.concat(chunks, size), session).then((err) => callback(err));
    });
  };

  const disabledCommands = options.tls ? ['AUTH'] : ['AUTH', 'STARTTLS'];
  const server = new SMTPServer({
    name: options.hostname ?? osHostname(),
    banner: BANNER,
    size: maxMessageBytes,
    rejectOversized: true,
    authOptional: true,
    disabledCommands,
    ...(options.tls ? { key: options.tls.key, cert: options.tls.cert } : {}),
    disableReverseLookup: true,
    maxClients: options.maxClients ?? DEFAULT_MAX_CLIENTS,
    maxRecipients: MAX_RECIPIENTS,
    closeTimeout: CLOSE_TIMEOUT_MS,
    logger: false,
    onRcptTo(address, session, callback) {
      if (accepted.has(address.address.trim().toLowerCase())) {
        callback();
        return;
      }
      logger?.info({ sessionId: session.id, remoteAddress: session.remoteAddress }, 'report e-mail for an unknown recipient refused');
      callback(smtpError(550, 'No such recipient here'));
    },
    onData,
  });
  // Socket and client errors must never become an unhandled 'error' event (which would end the process).
  server.on('error', (err: Error) => {
    logger?.warn({ err }, 'smtp listener error');
  });

  await new Promise<void>((resolve, reject) => {
    const onStartError = (err: Error): void => reject(err);
    server.server.once('error', onStartError);
    server.listen(options.port, options.host, () => {
      server.server.off('error', onStartError);
      resolve();
    });
  });
  const { port } = server.server.address() as AddressInfo;
  logger?.info({ host: options.host, port, starttls: options.tls !== undefined }, 'smtp intake listening');

  let closing: Promise<void> | null = null;
  return {
    port,
    close() {
      closing ??= new Promise<void>((resolve) => server.close(() => resolve()));
      return closing;
    },
  };
}
