import { createHash } from 'node:crypto';
import { connect, type Socket } from 'node:net';
import { Writable } from 'node:stream';
import { afterAll, beforeAll, beforeEach, describe, expect, it } from 'vitest';
import nodemailer from 'nodemailer';
import type Mail from 'nodemailer/lib/mailer';
import { pino } from 'pino';
import getTLSOptions from 'smtp-server/lib/tls-options.js';
import { parseReportEmail, type ParsedReportEmail } from './parse-report-email';
import { startReportSmtpListener, type ReportSmtpEnvelope, type ReportSmtpListener, type ReportSmtpOutcome } from './smtp-listener';

const MAX_MESSAGE_BYTES = 64 * 1024;
const parseOptions = { maxAttachmentBytes: 32 * 1024, maxAttachments: 10, referencePattern: /RIBAT-\d{4}-INC-\d{4,}/ };

interface Received {
  raw: Buffer;
  envelope: ReportSmtpEnvelope;
}

/** A reply from the SMTP server as nodemailer reports it on failure. */
interface SmtpFailure {
  responseCode?: number;
  response?: string;
}

let listener: ReportSmtpListener;
let received: Received[] = [];
/** What the next message gets from onMessage; a function that throws simulates a crashing handler. */
let nextOutcome: () => Promise<ReportSmtpOutcome> = async () => ({ ok: true });
const logLines: Array<{ msg?: string }> = [];

function transport(port: number, extra: Record<string, unknown> = {}) {
  return nodemailer.createTransport({ host: '127.0.0.1', port, secure: false, ignoreTLS: true, ...extra });
}

async function send(message: Mail.Options, port = listener.port): Promise<void> {
  await transport(port).sendMail({ from: 'Reporter <reporter@example.org>', to: 'cert@ribat.test', ...message });
}

async function sendFailure(message: Mail.Options): Promise<SmtpFailure> {
  try {
    await send(message);
  } catch (err) {
    return err as SmtpFailure;
  }
  throw new Error('expected the server to refuse the message');
}

async function parseLast(): Promise<ParsedReportEmail> {
  const last = received.at(-1);
  if (!last) throw new Error('no message received');
  const parsed = await parseReportEmail(last.raw, { ...parseOptions, envelopeMailFrom: last.envelope.mailFrom });
  if ('error' in parsed) throw new Error(`unparsable: ${parsed.error}`);
  return parsed;
}

/** A minimal SMTP client over a raw socket, for what nodemailer does not let a test do (SIZE, EHLO features). */
class Dialog {
  private buffer = '';
  private waiting: ((reply: string) => void) | null = null;
  private constructor(private readonly socket: Socket) {
    socket.setEncoding('utf8');
    socket.on('data', (chunk: string) => {
      this.buffer += chunk;
      this.flush();
    });
  }

  static async open(port: number): Promise<{ dialog: Dialog; greeting: string }> {
    const socket = connect(port, '127.0.0.1');
    await new Promise<void>((resolve, reject) => socket.once('connect', resolve).once('error', reject));
    const dialog = new Dialog(socket);
    return { dialog, greeting: await dialog.reply() };
  }

  /** The next complete reply (all lines of a multi-line one). */
  reply(): Promise<string> {
    return new Promise((resolve) => {
      this.waiting = resolve;
      this.flush();
    });
  }

  async command(line: string): Promise<string> {
    this.socket.write(`${line}\r\n`);
    return this.reply();
  }

  close(): void {
    this.socket.destroy();
  }

  private flush(): void {
    if (!this.waiting) return;
    const lines = this.buffer.split('\r\n');
    const last = lines.findIndex((l) => /^\d{3} /.test(l) || /^\d{3}$/.test(l));
    if (last < 0) return;
    const reply = lines.slice(0, last + 1).join('\n');
    this.buffer = lines.slice(last + 1).join('\r\n');
    const resolve = this.waiting;
    this.waiting = null;
    resolve(reply);
  }
}

beforeAll(async () => {
  const sink = new Writable({
    write(chunk: Buffer, _encoding, done) {
      logLines.push(JSON.parse(chunk.toString()) as { msg?: string });
      done();
    },
  });
  listener = await startReportSmtpListener({
    host: '127.0.0.1',
    port: 0,
    recipients: ['CERT@ribat.test', 'incidents@ribat.test'],
    maxMessageBytes: MAX_MESSAGE_BYTES,
    hostname: 'mx.ribat.test',
    logger: pino({ level: 'info' }, sink),
    onMessage: async (raw, envelope) => {
      received.push({ raw, envelope });
      return nextOutcome();
    },
  });
});

afterAll(async () => {
  await listener.close();
});

beforeEach(() => {
  received = [];
  nextOutcome = async () => ({ ok: true });
});

describe('startReportSmtpListener: accepted reports', () => {
  it('delivers a plain message with its envelope; recipients match case-insensitively', async () => {
    await send({ to: 'Cert@Ribat.Test', subject: 'Defacement of www.example.ma', text: 'The home page was replaced at 08:00.' });
    expect(received).toHaveLength(1);
    expect(received[0]?.envelope).toEqual({ mailFrom: 'reporter@example.org', rcptTo: ['cert@ribat.test'], remoteAddress: '127.0.0.1' });
    const mail = await parseLast();
    expect(mail.from).toEqual({ address: 'reporter@example.org', name: 'Reporter' });
    expect(mail.subject).toBe('Defacement of www.example.ma');
    expect(mail.text).toBe('The home page was replaced at 08:00.');
    expect(mail.isAutoReply).toBe(false);
  });

  it('passes one message for several accepted recipients, each listed once', async () => {
    await send({ to: ['cert@ribat.test', 'incidents@ribat.test', 'CERT@ribat.test'], subject: 's', text: 't' });
    expect(received).toHaveLength(1);
    expect(received[0]?.envelope.rcptTo).toEqual(['cert@ribat.test', 'incidents@ribat.test']);
  });

  it('delivers an HTML-only message whose text comes out without tags or script', async () => {
    await send({ subject: 'html', html: '<p>Suspicious <b>login</b></p><script>fetch("http://evil.example")</script><p>from 198.51.100.4</p>' });
    const mail = await parseLast();
    expect(mail.text).not.toMatch(/<\/?[a-z]/i);
    expect(mail.text).not.toContain('evil.example');
    expect(mail.text).toContain('Suspicious login');
    expect(mail.text).toContain('from 198.51.100.4');
  });

  it('delivers two attachments intact (SHA-256 of what was sent)', async () => {
    const pcap = Buffer.from(Array.from({ length: 5000 }, (_, i) => (i * 13) % 256));
    const log = 'Mar  2 09:00:01 fw1 DROP SRC=203.0.113.9\n';
    await send({ subject: 'evidence', text: 'two files', attachments: [{ filename: 'capture.pcap', content: pcap }, { filename: 'fw.log', content: log }] });
    const mail = await parseLast();
    expect(mail.attachments.map((a) => [a.filename, a.size, a.sha256])).toEqual([
      ['capture.pcap', pcap.length, createHash('sha256').update(pcap).digest('hex')],
      ['fw.log', Buffer.byteLength(log), createHash('sha256').update(log).digest('hex')],
    ]);
  });

  it('delivers a reply whose subject threads it to an incident', async () => {
    await send({ subject: 'Re: [RIBAT-2026-INC-0042] Phishing campaign', text: 'Here are the headers.', inReplyTo: '<ack-42@ribat.test>' });
    const mail = await parseLast();
    expect(mail.referenceInSubject).toBe('RIBAT-2026-INC-0042');
    expect(mail.inReplyTo).toBe('<ack-42@ribat.test>');
  });

  it('delivers an auto-reply sent with the null sender, recognised as automatic', async () => {
    await send({
      subject: 'Automatic reply: [RIBAT-2026-INC-0042]',
      text: 'I am out of the office.',
      headers: { 'Auto-Submitted': 'auto-replied' },
      envelope: { from: '', to: 'cert@ribat.test' },
    });
    expect(received[0]?.envelope.mailFrom).toBeNull();
    expect((await parseLast()).isAutoReply).toBe(true);
  });
});

describe('startReportSmtpListener: refusals', () => {
  it('refuses an unknown recipient at RCPT with 550 and never calls onMessage', async () => {
    const failure = await sendFailure({ to: 'someone-else@ribat.test', subject: 's', text: 't' });
    expect(failure.responseCode).toBe(550);
    expect(received).toEqual([]);
  });

  it('refuses a message over maxMessageBytes after DATA with 552 and never calls onMessage', async () => {
    const failure = await sendFailure({ subject: 'big', text: 'x', attachments: [{ filename: 'big.bin', content: Buffer.alloc(MAX_MESSAGE_BYTES, 1) }] });
    expect(failure.responseCode).toBe(552);
    expect(received).toEqual([]);
  });

  it('answers 451 when onMessage reports a temporary failure, with a single-line reason', async () => {
    nextOutcome = async () => ({ ok: false, permanent: false, reason: 'database busy\r\n250 2.0.0 injected' });
    const failure = await sendFailure({ subject: 's', text: 't' });
    expect(failure.responseCode).toBe(451);
    expect(failure.response).toBe('451 database busy 250 2.0.0 injected');
  });

  it('answers 451 when onMessage throws, logs it, and keeps serving', async () => {
    nextOutcome = async () => {
      throw new Error('boom');
    };
    const failure = await sendFailure({ subject: 's', text: 't' });
    expect(failure.responseCode).toBe(451);
    expect(failure.response).not.toContain('boom');
    expect(logLines.some((l) => l.msg === 'report e-mail handler failed')).toBe(true);
    nextOutcome = async () => ({ ok: true });
    await send({ subject: 'after', text: 'still up' });
    expect(received).toHaveLength(2);
  });

  it('answers 554 when onMessage refuses the message permanently', async () => {
    nextOutcome = async () => ({ ok: false, permanent: true, reason: 'no sender' });
    const failure = await sendFailure({ subject: 's', text: 't' });
    expect(failure.responseCode).toBe(554);
    expect(failure.response).toBe('554 no sender');
  });
});

describe('startReportSmtpListener: protocol', () => {
  it('greets with the banner and advertises SIZE, without AUTH or STARTTLS', async () => {
    const { dialog, greeting } = await Dialog.open(listener.port);
    try {
      expect(greeting).toBe('220 mx.ribat.test ESMTP Ribat incident report intake');
      const ehlo = await dialog.command('EHLO client.example');
      expect(ehlo).toContain(`SIZE ${MAX_MESSAGE_BYTES}`);
      expect(ehlo).not.toContain('AUTH');
      expect(ehlo).not.toContain('STARTTLS');
      expect(await dialog.command('AUTH PLAIN AGFAAGI=')).toMatch(/^50[02] /);
      expect(await dialog.command('STARTTLS')).toMatch(/^50[02] /);
    } finally {
      dialog.close();
    }
  });

  it('refuses with 552 a declared SIZE over the limit at MAIL, and a larger body than declared after DATA', async () => {
    const { dialog } = await Dialog.open(listener.port);
    try {
      await dialog.command('EHLO client.example');
      expect(await dialog.command(`MAIL FROM:<a@example.org> SIZE=${MAX_MESSAGE_BYTES + 1}`)).toMatch(/^552 /);
      expect(await dialog.command(`MAIL FROM:<a@example.org> SIZE=${MAX_MESSAGE_BYTES}`)).toMatch(/^250 /);
      expect(await dialog.command('RCPT TO:<cert@ribat.test>')).toMatch(/^250 /);
      expect(await dialog.command('DATA')).toMatch(/^354 /);
      // The declared size was a lie: the body streamed is larger than the limit.
      const line = 'x'.repeat(998);
      const body = `From: a@example.org\r\n\r\n${Array.from({ length: Math.ceil(MAX_MESSAGE_BYTES / 1000) + 1 }, () => line).join('\r\n')}\r\n.`;
      expect(await dialog.command(body)).toMatch(/^552 /);
      expect(received).toEqual([]);
    } finally {
      dialog.close();
    }
  });

  it('limits simultaneous clients with 421', async () => {
    const limited = await startReportSmtpListener({
      host: '127.0.0.1',
      port: 0,
      recipients: ['cert@ribat.test'],
      maxMessageBytes: 1024,
      maxClients: 1,
      onMessage: async () => ({ ok: true }),
    });
    const first = await Dialog.open(limited.port);
    const second = await Dialog.open(limited.port);
    try {
      expect(first.greeting).toMatch(/^220 /);
      expect(second.greeting).toMatch(/^421 /);
    } finally {
      first.dialog.close();
      second.dialog.close();
      await limited.close();
    }
  });

  it('offers STARTTLS when a key and certificate are given, and delivers over TLS', async () => {
    const defaults = getTLSOptions({}) as { key: string; cert: string };
    const messages: Buffer[] = [];
    const secured = await startReportSmtpListener({
      host: '127.0.0.1',
      port: 0,
      recipients: ['cert@ribat.test'],
      maxMessageBytes: 4096,
      tls: { key: Buffer.from(defaults.key), cert: Buffer.from(defaults.cert) },
      onMessage: async (raw) => {
        messages.push(raw);
        return { ok: true };
      },
    });
    try {
      const { dialog } = await Dialog.open(secured.port);
      expect(await dialog.command('EHLO client.example')).toContain('STARTTLS');
      dialog.close();
      await transport(secured.port, { ignoreTLS: false, requireTLS: true, tls: { rejectUnauthorized: false } }).sendMail({
        from: 'a@example.org',
        to: 'cert@ribat.test',
        subject: 'over tls',
        text: 'secret',
      });
      expect(messages).toHaveLength(1);
    } finally {
      await secured.close();
    }
  });

  it('rejects start-up when the port is taken, and stops accepting connections once closed', async () => {
    const other = await startReportSmtpListener({ host: '127.0.0.1', port: 0, recipients: ['cert@ribat.test'], maxMessageBytes: 1024, onMessage: async () => ({ ok: true }) });
    await expect(
      startReportSmtpListener({ host: '127.0.0.1', port: other.port, recipients: ['cert@ribat.test'], maxMessageBytes: 1024, onMessage: async () => ({ ok: true }) }),
    ).rejects.toThrow(/EADDRINUSE/);
    await other.close();
    await expect(Dialog.open(other.port)).rejects.toThrow(/ECONNREFUSED/);
  });

  it('refuses invalid options with an error naming the option', async () => {
    const base = { host: '127.0.0.1', port: 0, recipients: ['cert@ribat.test'], maxMessageBytes: 1024, onMessage: async () => ({ ok: true }) as const };
    await expect(startReportSmtpListener({ ...base, recipients: [' '] })).rejects.toThrow(/recipients/);
    await expect(startReportSmtpListener({ ...base, maxMessageBytes: 0 })).rejects.toThrow(/maxMessageBytes/);
    await expect(startReportSmtpListener({ ...base, maxClients: -1 })).rejects.toThrow(/maxClients/);
    await expect(startReportSmtpListener({ ...base, port: 70_000 })).rejects.toThrow(/port/);
  });
});
