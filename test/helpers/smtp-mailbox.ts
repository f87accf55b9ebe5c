import type { AddressInfo } from 'node:net';
import { SMTPServer } from 'smtp-server';
import { simpleParser, type ParsedMail } from 'mailparser';

/** One message as the SMTP server received it, raw and parsed. */
export interface ReceivedMail {
  to: string[];
  raw: string;
  parsed: ParsedMail;
  /** Unfolded header value by lower-cased name (first occurrence), as sent on the wire. */
  header(name: string): string | undefined;
}

/** A real SMTP server on a free local port that keeps what it receives. */
export interface Mailbox {
  url: string;
  received: ReceivedMail[];
  /** Messages received for one address (case-insensitive). */
  for(address: string): ReceivedMail[];
  /** Waits until every message received so far is parsed. */
  flush(): Promise<void>;
  close(): Promise<void>;
}

/** Starts an SMTP server (no TLS, no auth) for a test file. */
export async function startMailbox(): Promise<Mailbox> {
  const received: ReceivedMail[] = [];
  const pending: Promise<void>[] = [];
  const server = new SMTPServer({
    authOptional: true,
    disabledCommands: ['STARTTLS'],
    logger: false,
    onData(stream, session, callback) {
      const chunks: Buffer[] = [];
      stream.on('data', (c: Buffer) => chunks.push(c));
      stream.on('end', () => {
        const raw = Buffer.concat(chunks).toString('utf8');
        const to = session.envelope.rcptTo.map((r) => r.address);
        pending.push(
          simpleParser(raw).then((parsed) => {
            received.push({
              to,
              raw,
              parsed,
              header(name) {
                const line = parsed.headerLines.find((h) => h.key === name.toLowerCase())?.line;
                if (line === undefined) return undefined;
                return line.replace(/\r?\n[ \t]+/g, ' ').slice(line.indexOf(':') + 1).trim();
              },
            });
          }),
        );
        callback();
      });
    },
  });
  await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve));
  const { port } = server.server.address() as AddressInfo;
  return {
    url: `smtp://127.0.0.1:${port}?ignoreTLS=true`,
    received,
    for(address) {
      return received.filter((m) => m.to.some((a) => a.toLowerCase() === address.toLowerCase()));
    },
    async flush() {
      await Promise.all(pending);
    },
    async close() {
      await Promise.all(pending);
      await new Promise<void>((resolve) => server.close(() => resolve()));
    },
  };
}
