import { createHash } from 'node:crypto';
import { describe, it, expect } from 'vitest';
import nodemailer from 'nodemailer';
import type Mail from 'nodemailer/lib/mailer';
import {
  htmlToText,
  MAX_MIME_PARTS,
  MAX_REFERENCES,
  parseReportEmail,
  sanitiseFilename,
  type ParsedReportEmail,
  type ParseReportEmailError,
  type ParseReportEmailOptions,
} from './parse-report-email';

const options: ParseReportEmailOptions = {
  maxAttachmentBytes: 1024 * 1024,
  maxAttachments: 10,
  referencePattern: /RIBAT-\d{4}-INC-\d{4,}/g,
};

/** Builds a raw message the way a real client would, with nodemailer's composer. */
async function compose(message: Mail.Options): Promise<Buffer> {
  const transport = nodemailer.createTransport({ streamTransport: true, buffer: true, newline: 'windows' });
  const info = await transport.sendMail({ from: 'Reporter <reporter@example.org>', to: 'cert@ribat.test', ...message });
  if (!Buffer.isBuffer(info.message)) throw new Error('nodemailer did not buffer the message');
  return info.message;
}

/** Joins hand-written header and body lines with CRLF, for hostile input nodemailer would never produce. */
function rawMessage(lines: string[]): Buffer {
  return Buffer.from(lines.join('\r\n'), 'latin1');
}

function sha256(data: Buffer | string): string {
  return createHash('sha256').update(data).digest('hex');
}

async function parseOk(raw: Buffer, opts: Partial<ParseReportEmailOptions> = {}): Promise<ParsedReportEmail> {
  const result = await parseReportEmail(raw, { ...options, ...opts });
  if ('error' in result) throw new Error(`expected a parsed message, got ${result.error}: ${result.detail}`);
  return result;
}

async function parseError(raw: Buffer, opts: Partial<ParseReportEmailOptions> = {}): Promise<ParseReportEmailError> {
  const result = await parseReportEmail(raw, { ...options, ...opts });
  if (!('error' in result)) throw new Error('expected an error');
  return result;
}

describe('parseReportEmail: ordinary reports', () => {
  it('reads sender, threading headers, subject, text and date from a plain message', async () => {
    const raw = await compose({
      from: '"Fatima Zahra" <Fatima.Zahra@Example.MA>',
      replyTo: 'SOC <soc@example.ma>',
      subject: '   Phishing campaign against our bank   ',
      text: 'Hello,\r\nwe received 40 phishing mails.\r\n\tIndented line.',
      messageId: '<abc.123@example.ma>',
      inReplyTo: '<prev@ribat.test>',
      references: ['<root@ribat.test>', '<prev@ribat.test>'],
      date: new Date('2026-03-02T09:15:00Z'),
    });
    const mail = await parseOk(raw);
    expect(mail.from).toEqual({ address: 'fatima.zahra@example.ma', name: 'Fatima Zahra' });
    expect(mail.replyTo).toEqual({ address: 'soc@example.ma', name: 'SOC' });
    expect(mail.subject).toBe('Phishing campaign against our bank');
    expect(mail.text).toBe('Hello,\nwe received 40 phishing mails.\n\tIndented line.');
    expect(mail.messageId).toBe('<abc.123@example.ma>');
    expect(mail.inReplyTo).toBe('<prev@ribat.test>');
    expect(mail.references).toEqual(['<root@ribat.test>', '<prev@ribat.test>']);
    expect(mail.receivedAt?.toISOString()).toBe('2026-03-02T09:15:00.000Z');
    expect(mail.attachments).toEqual([]);
    expect(mail.rejectedAttachments).toEqual([]);
    expect(mail.referenceInSubject).toBeNull();
    expect(mail.isAutoReply).toBe(false);
  });

  it('gives a null name and reply-to when the message has none', async () => {
    const mail = await parseOk(await compose({ from: 'reporter@example.org', subject: 'x', text: 'y' }));
    expect(mail.from).toEqual({ address: 'reporter@example.org', name: null });
    expect(mail.replyTo).toBeNull();
  });

  it('converts an HTML-only body to text: no tags, no script or style content, entities decoded, line breaks kept', async () => {
    const raw = await compose({
      subject: 'HTML only',
      html:
        '<html><head><style>p{color:red}</style><script>alert("head")</script></head><body>' +
        '<p>Dear CERT &amp; team,</p><script>document.location="http://evil.example/"+document.cookie</script>' +
        '<div>First line<br>Second line</div><!-- hidden <b>comment</b> --><p>See <a href="http://phish.example/login">this page</a></p>' +
        '<img src="x" onerror="alert(1)"></body></html>',
    });
    const mail = await parseOk(raw);
    expect(mail.text).not.toMatch(/<[a-z/!]/i);
    expect(mail.text).not.toContain('alert');
    expect(mail.text).not.toContain('document.cookie');
    expect(mail.text).not.toContain('color:red');
    expect(mail.text).not.toContain('comment');
    expect(mail.text).toContain('Dear CERT & team,');
    expect(mail.text).toMatch(/First line\nSecond line/);
    // The link target stays visible as text: for a phishing report it is the evidence.
    expect(mail.text).toContain('http://phish.example/login');
  });

  it('prefers the plain text part of a multipart/alternative message and never returns the HTML', async () => {
    const mail = await parseOk(await compose({ subject: 'alt', text: 'plain version', html: '<p><b>html</b> version</p>' }));
    expect(mail.text).toBe('plain version');
    expect(mail.text).not.toContain('<');
  });

  it('keeps attachments (inline images included) with their SHA-256, size and content type', async () => {
    const csv = Buffer.from('ip,first_seen\n203.0.113.7,2026-03-01\n');
    const binary = Buffer.from(Array.from({ length: 4096 }, (_, i) => (i * 31) % 256));
    const png = Buffer.from('89504e470d0a1a0a0000000d49484452', 'hex');
    const raw = await compose({
      subject: 'Logs attached',
      text: 'See the attached files.',
      html: '<p>Screenshot: <img src="cid:shot@report"></p>',
      attachments: [
        { filename: 'connections.csv', content: csv, contentType: 'text/csv' },
        { filename: 'sample.bin', content: binary },
        { filename: 'screenshot.png', content: png, cid: 'shot@report', contentType: 'image/png' },
      ],
    });
    const mail = await parseOk(raw);
    const byName = [...mail.attachments].sort((a, b) => a.filename.localeCompare(b.filename));
    expect(byName.map((a) => [a.filename, a.contentType, a.size, a.sha256])).toEqual([
      ['connections.csv', 'text/csv', csv.length, sha256(csv)],
      ['sample.bin', 'application/octet-stream', binary.length, sha256(binary)],
      ['screenshot.png', 'image/png', png.length, sha256(png)],
    ]);
    expect(byName[1]?.content.equals(binary)).toBe(true);
    expect(mail.rejectedAttachments).toEqual([]);
  });

  it('rejects an attachment over maxAttachmentBytes and the ones past maxAttachments, keeping the rest', async () => {
    const raw = await compose({
      subject: 'many',
      text: 'body',
      attachments: [
        { filename: 'small-1.txt', content: 'one' },
        { filename: 'huge.bin', content: Buffer.alloc(2048, 1) },
        { filename: 'small-2.txt', content: 'two' },
        { filename: 'small-3.txt', content: 'three' },
      ],
    });
    const mail = await parseOk(raw, { maxAttachmentBytes: 1024, maxAttachments: 2 });
    expect(mail.attachments.map((a) => a.filename)).toEqual(['small-1.txt', 'small-2.txt']);
    expect(mail.rejectedAttachments).toEqual([
      { filename: 'huge.bin', reason: 'too_large' },
      { filename: 'small-3.txt', reason: 'too_many' },
    ]);
  });

  it('keeps an attachment of exactly maxAttachmentBytes', async () => {
    const content = Buffer.alloc(1024, 7);
    const mail = await parseOk(await compose({ subject: 's', text: 't', attachments: [{ filename: 'edge.bin', content }] }), { maxAttachmentBytes: 1024 });
    expect(mail.attachments.map((a) => [a.size, a.sha256])).toEqual([[1024, sha256(content)]]);
  });

  it('keeps a forwarded message (message/rfc822) whole as an attachment', async () => {
    const forwarded = 'From: attacker@phish.example\r\nSubject: Your account\r\n\r\nClick here\r\n';
    const raw = await compose({ subject: 'Fwd: phishing', text: 'Forwarding the sample.', attachments: [{ content: forwarded, contentType: 'message/rfc822' }] });
    const mail = await parseOk(raw);
    expect(mail.text).toBe('Forwarding the sample.');
    expect(mail.attachments).toHaveLength(1);
    expect(mail.attachments[0]?.contentType).toBe('message/rfc822');
    expect(mail.attachments[0]?.content.toString()).toContain('attacker@phish.example');
  });
});

describe('parseReportEmail: threading and loops', () => {
  it('finds the incident reference in a reply subject, whatever the lastIndex of a global pattern', async () => {
    const pattern = /RIBAT-\d{4}-INC-\d{4,}/g;
    pattern.lastIndex = 999;
    const mail = await parseOk(await compose({ subject: 'Re: [RIBAT-2026-INC-0042] Phishing (update RIBAT-2026-INC-0043)', text: 'More logs.' }), {
      referencePattern: pattern,
    });
    expect(mail.referenceInSubject).toBe('RIBAT-2026-INC-0042');
  });

  it('caps References to the thread root and the latest ids', async () => {
    const ids = Array.from({ length: MAX_REFERENCES + 10 }, (_, i) => `<m${i}@example.org>`);
    const mail = await parseOk(rawMessage(['From: a@example.org', `References: ${ids.join('\r\n ')}`, '', 'x']));
    expect(mail.references).toHaveLength(MAX_REFERENCES);
    expect(mail.references[0]).toBe('<m0@example.org>');
    expect(mail.references[MAX_REFERENCES - 1]).toBe(`<m${MAX_REFERENCES + 9}@example.org>`);
  });

  it.each([
    ['Auto-Submitted: auto-replied', true],
    ['Auto-Submitted: auto-generated; owner-email="x@example.org"', true],
    ['Auto-Submitted: no', false],
    ['X-Autoreply: yes', true],
    ['X-Autorespond: vacation', true],
    ['Precedence: bulk', true],
    ['Precedence: auto_reply', true],
    ['Precedence: junk', true],
    ['Precedence: first-class', false],
    ['Return-Path: <>', true],
    ['Return-Path: <bounce@example.org>', false],
    ['Content-Type: multipart/report; report-type=delivery-status; boundary="b"', true],
  ])('%s → isAutoReply %s', async (header, expected) => {
    const mail = await parseOk(rawMessage(['From: a@example.org', header, 'Subject: Out of office', '', '--b', '', 'away', '--b--']));
    expect(mail.isAutoReply).toBe(expected);
  });

  it('treats the null envelope sender <> as automatic', async () => {
    const raw = rawMessage(['From: mailer-daemon@example.org', 'Subject: Undelivered', '', 'failed']);
    expect((await parseOk(raw, { envelopeMailFrom: null })).isAutoReply).toBe(true);
    expect((await parseOk(raw, { envelopeMailFrom: 'bounce@example.org' })).isAutoReply).toBe(false);
  });
});

describe('parseReportEmail: hostile input', () => {
  it('refuses an empty message', async () => {
    expect((await parseError(Buffer.alloc(0))).error).toBe('empty');
    expect((await parseError(Buffer.from('\r\n \r\n'))).error).toBe('empty');
  });

  it('refuses a message without From, with an unusable From, or with an empty group', async () => {
    expect(await parseError(rawMessage(['Subject: anonymous', '', 'no sender']))).toEqual({ error: 'no_sender', detail: expect.any(String) as string });
    expect((await parseError(rawMessage(['From: not an address', '', 'x']))).error).toBe('no_sender');
    expect((await parseError(rawMessage(['From: <>', '', 'x']))).error).toBe('no_sender');
    expect((await parseError(rawMessage(['From: root@localhost', '', 'x']))).error).toBe('no_sender');
    expect((await parseError(rawMessage(['From: Undisclosed recipients:;', '', 'x']))).error).toBe('no_sender');
  });

  it('takes the first valid mailbox of a From group', async () => {
    const mail = await parseOk(rawMessage(['From: Team: Root <root@localhost>, Amina <Amina@Example.org>;', '', 'x']));
    expect(mail.from).toEqual({ address: 'amina@example.org', name: 'Amina' });
  });

  it('refuses a message whose header block is over 1 MB as unreadable', async () => {
    const result = await parseError(Buffer.from(`From: a@example.org\r\nX-Padding: ${'a'.repeat(2_000_000)}\r\n\r\nbody`));
    expect(result.error).toBe('unreadable');
    expect(result.detail).toMatch(/header size/i);
  });

  it('refuses binary garbage as having no sender, without throwing', async () => {
    const garbage = Buffer.from(Array.from({ length: 10_000 }, (_, i) => (i * 7919) % 256));
    expect((await parseError(garbage)).error).toBe('no_sender');
  });

  it('parses a message truncated inside a base64 attachment, keeping what arrived', async () => {
    const full = await compose({ subject: 'cut', text: 'before the cut', attachments: [{ filename: 'big.bin', content: Buffer.alloc(10_000, 0x41) }] });
    const cut = full.subarray(0, full.length - 3000);
    const mail = await parseOk(cut);
    expect(mail.from.address).toBe('reporter@example.org');
    expect(mail.text).toBe('before the cut');
    expect(mail.attachments.length + mail.rejectedAttachments.length).toBeLessThanOrEqual(1);
  });

  it('parses a message truncated in the middle of its headers when From came first', async () => {
    const mail = await parseOk(Buffer.from('From: a@example.org\r\nSubject: trunc'));
    expect(mail.from.address).toBe('a@example.org');
    expect(mail.text).toBe('');
  });

  it('lists 10,000 attachments past the limit as too_many, keeping only maxAttachments', async () => {
    const lines = ['From: flood@example.org', 'Subject: flood', 'MIME-Version: 1.0', 'Content-Type: multipart/mixed; boundary="b"', '', '--b', 'Content-Type: text/plain', '', 'hi'];
    for (let i = 0; i < 10_000; i += 1) {
      lines.push('--b', 'Content-Type: application/octet-stream', `Content-Disposition: attachment; filename="f${i}.bin"`, 'Content-Transfer-Encoding: base64', '', 'AAAA');
    }
    lines.push('--b--', '');
    const mail = await parseOk(rawMessage(lines), { maxAttachments: 10 });
    expect(mail.text).toBe('hi');
    expect(mail.attachments.map((a) => a.filename)).toEqual(Array.from({ length: 10 }, (_, i) => `f${i}.bin`));
    expect(mail.rejectedAttachments).toHaveLength(9_990);
    expect(mail.rejectedAttachments.every((r) => r.reason === 'too_many')).toBe(true);
    expect(mail.rejectedAttachments[0]).toEqual({ filename: 'f10.bin', reason: 'too_many' });
  });

  it(`refuses a message with more than ${MAX_MIME_PARTS} MIME parts as too_complex`, async () => {
    const lines = ['From: flood@example.org', 'Content-Type: multipart/mixed; boundary="b"', ''];
    for (let i = 0; i <= MAX_MIME_PARTS; i += 1) lines.push('--b', '', 'x');
    lines.push('--b--', '');
    expect((await parseError(rawMessage(lines))).error).toBe('too_complex');
  });

  it('decodes an unknown charset without failing', async () => {
    const mail = await parseOk(rawMessage(['From: a@example.org', 'Subject: =?x-no-such-charset?Q?caf=E9?=', 'Content-Type: text/plain; charset="x-no-such-charset"', '', 'caf\xe9 report ok']));
    expect(mail.text).toContain('report ok');
    expect(mail.subject).toContain('caf');
  });

  it('sanitises hostile attachment names (path traversal, CRLF via RFC 2231 and encoded words, bidi override)', async () => {
    const rlo = Buffer.from('invoice\u202Efdp.exe', 'utf8').toString('base64');
    const raw = rawMessage([
      'From: a@example.org',
      'Content-Type: multipart/mixed; boundary="b"',
      '',
      '--b',
      'Content-Type: text/plain',
      '',
      'see attachments',
      '--b',
      'Content-Type: application/octet-stream',
      'Content-Disposition: attachment; filename="../../etc/passwd"',
      '',
      'root:x:0:0',
      '--b',
      'Content-Type: application/octet-stream',
      "Content-Disposition: attachment; filename*=utf-8''a%0D%0Ab",
      '',
      'two',
      '--b',
      'Content-Type: application/octet-stream; name="=?utf-8?B?YQ0KQmNjOiB4QGV2aWwuZXhhbXBsZQ==?="',
      '',
      'three',
      '--b',
      'Content-Type: application/octet-stream',
      `Content-Disposition: attachment; filename="=?utf-8?B?${rlo}?="`,
      '',
      'four',
      '--b',
      'Content-Type: application/octet-stream',
      'Content-Disposition: attachment; filename="..\\\\..\\\\windows\\\\win.ini"',
      '',
      'five',
      '--b',
      'Content-Type: application/octet-stream',
      'Content-Disposition: attachment; filename="../.."',
      '',
      'six',
      '--b',
      'Content-Type: <script>/x; name="x"',
      'Content-Disposition: attachment',
      '',
      'seven',
      '--b--',
      '',
    ]);
    const mail = await parseOk(raw);
    const names = mail.attachments.map((a) => a.filename);
    expect(names).toEqual(['passwd', 'ab', 'aBcc_ x@evil.example', 'invoicefdp.exe', 'win.ini', 'attachment-6', 'x']);
    for (const name of names) expect(name).not.toMatch(/[\r\n/\\\u202E]/);
    expect(mail.attachments[6]?.contentType).toBe('application/octet-stream');
  });

  it('removes NUL and control characters from the body and line breaks from the subject', async () => {
    const mail = await parseOk(rawMessage(['From: a@example.org', 'Subject: =?utf-8?B?' + Buffer.from('line1\r\nBcc: x@evil.example').toString('base64') + '?=', '', 'a\x00b\x07c\r\nd']));
    expect(mail.subject).toBe('line1 Bcc: x@evil.example');
    expect(mail.text).toBe('abc\nd');
  });

  it('caps the subject at 300 characters', async () => {
    const mail = await parseOk(rawMessage(['From: a@example.org', `Subject: ${'é'.repeat(400)}`, '', 'x']));
    expect(Array.from(mail.subject)).toHaveLength(300);
  });

  it('returns receivedAt null for a missing or unparseable Date, never the current time', async () => {
    expect((await parseOk(rawMessage(['From: a@example.org', 'Date: not a date', '', 'x']))).receivedAt).toBeNull();
    expect((await parseOk(rawMessage(['From: a@example.org', '', 'x']))).receivedAt).toBeNull();
    expect((await parseOk(rawMessage(['From: a@example.org', 'Date: 1', '', 'x']))).receivedAt).toBeNull();
    expect((await parseOk(rawMessage(['From: a@example.org', 'Date: Mon, 2 Mar 2026 10:15:00 +0100 (CET)', '', 'x']))).receivedAt?.toISOString()).toBe(
      '2026-03-02T09:15:00.000Z',
    );
    expect((await parseOk(rawMessage(['From: a@example.org', 'Date: 2 Mar 2026 09:15 GMT', '', 'x']))).receivedAt?.toISOString()).toBe('2026-03-02T09:15:00.000Z');
  });

  it('still yields text for HTML nested too deep for the converter', async () => {
    const html = '<div>'.repeat(5000) + 'deep &lt;evidence&gt;' + '</div>'.repeat(5000);
    const mail = await parseOk(rawMessage(['From: a@example.org', 'Content-Type: text/html; charset=utf-8', '', html]));
    expect(mail.text).toBe('deep <evidence>');
  });
});

describe('htmlToText', () => {
  it('drops tags, comments and script-like content, and decodes entities', () => {
    expect(htmlToText('<p>a &amp; b</p><SCRIPT type="x">var s = "</p>";</SCRIPT><style>x{}</style><!-- c -->c&#233;&#x41;&nbsp;d')).toBe('a & b\ncéA d');
  });

  it('keeps line breaks from block elements and collapses blank runs', () => {
    expect(htmlToText('one<br>two<div>three</div>\n\n\n\n<p>four</p>')).toBe('one\ntwo\nthree\n\nfour');
  });

  it('handles a stray "<", quoted ">" in attributes and unterminated markup', () => {
    expect(htmlToText('1 < 2 <a title="x>y">link</a> <b')).toBe('1 < 2 link');
    expect(htmlToText('<script>never closed')).toBe('');
    expect(htmlToText('text <!-- never closed')).toBe('text');
  });

  it('replaces invalid numeric entities and keeps unknown named ones', () => {
    expect(htmlToText('&#0;&#xD800;&#99999999;&bogus;')).toBe('\uFFFD\uFFFD&#99999999;&bogus;');
  });
});

describe('sanitiseFilename', () => {
  it('keeps the extension when cutting a long name to 200 characters', () => {
    const name = sanitiseFilename(`${'a'.repeat(300)}.pdf`, 1);
    expect(Array.from(name)).toHaveLength(200);
    expect(name.endsWith('.pdf')).toBe(true);
  });

  it('falls back to attachment-N for empty or dot-only names', () => {
    expect(sanitiseFilename(undefined, 3)).toBe('attachment-3');
    expect(sanitiseFilename('  ', 4)).toBe('attachment-4');
    expect(sanitiseFilename('/etc/..', 5)).toBe('attachment-5');
  });

  it('replaces characters Windows refuses and strips leading dots', () => {
    expect(sanitiseFilename('C:evil?.txt', 1)).toBe('C_evil_.txt');
    expect(sanitiseFilename('.htaccess', 1)).toBe('htaccess');
  });
});
