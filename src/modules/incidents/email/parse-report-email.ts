/**
 * Turns one raw e-mail received at the CERT's reporting address into a parsed report: sender, threading headers,
 * subject, plain text, attachments (hashed, size- and count-limited) and whether it is an automatic message that must
 * not be acknowledged. The message is parsed with mailparser's streaming parser so that an attachment over the size
 * limit, or past the count limit, is drained without being buffered or hashed.
 *
 * Nothing here is authenticated: the From address is what the sender wrote (no SPF, DKIM or DMARC check is made), so
 * the caller must treat it as a claim, not an identity.
 */
import { createHash } from 'node:crypto';
import { MailParser, type AddressObject, type AttachmentStream, type EmailAddress, type HeaderLines, type MessageText } from 'mailparser';
import { isValidEmail, normaliseEmail } from '#src/core/validation';

/** Limits and the pattern of Ribat's own incident references, set by the caller from configuration. */
export interface ParseReportEmailOptions {
  /** Largest decoded attachment kept, in bytes; a larger one is listed in `rejectedAttachments` as `too_large`. */
  maxAttachmentBytes: number;
  /** Most attachments kept; the following ones are listed in `rejectedAttachments` as `too_many`. */
  maxAttachments: number;
  /** Ribat's incident reference (e.g. `/\bRIBAT-\d{4}-INC-\d{4,}\b/`); its first match in the subject threads a reply. */
  referencePattern: RegExp;
  /**
   * The SMTP envelope sender when known: `null` stands for the null reverse-path `<>` of bounces and other automatic
   * messages (RFC 5321 §4.5.5), which makes `isAutoReply` true. Leave it out when the envelope is unknown.
   */
  envelopeMailFrom?: string | null;
}

/** A mailbox from an address header: the address lower-cased (domain in punycode), the display name or null. */
export interface ReportEmailAddress {
  address: string;
  name: string | null;
}

/** One attachment kept (inline images included), with its decoded content and its SHA-256. */
export interface ReportEmailAttachment {
  /** Sanitised: no path, no control or format characters, at most 200 characters; `attachment-N` when none is left. */
  filename: string;
  /** Lower-case `type/subtype`; `application/octet-stream` when the message gave none or a malformed one. */
  contentType: string;
  /** Decoded size in bytes. */
  size: number;
  /** Lower-case hex SHA-256 of the decoded content. */
  sha256: string;
  content: Buffer;
}

/** Why an attachment was dropped. */
export type AttachmentRejection = 'too_large' | 'too_many';

/** An attachment that was not kept, with its sanitised name. */
export interface RejectedReportEmailAttachment {
  filename: string;
  reason: AttachmentRejection;
}

/** A report e-mail reduced to what the incident intake uses; no HTML is ever kept. */
export interface ParsedReportEmail {
  /** The Message-ID, angle brackets included, or null. */
  messageId: string | null;
  /** The In-Reply-To header as given (one or more message ids), or null. */
  inReplyTo: string | null;
  /** The References message ids, oldest first (at most {@link MAX_REFERENCES}: the root and the latest ones). */
  references: string[];
  from: ReportEmailAddress;
  replyTo: ReportEmailAddress | null;
  /** Trimmed, control characters turned into spaces, at most 300 characters. */
  subject: string;
  /** The plain text body; an HTML-only message is converted to text. Line ends are `\n`; no NUL or other controls. */
  text: string;
  /** The Date header, or null when absent or unparseable. */
  receivedAt: Date | null;
  attachments: ReportEmailAttachment[];
  rejectedAttachments: RejectedReportEmailAttachment[];
  /** The first match of `referencePattern` in the subject, for threading replies such as "Re: [RIBAT-2026-INC-0042] …". */
  referenceInSubject: string | null;
  /** True for automatic mail (auto-replies, bounces, bulk): it must not be acknowledged, to avoid mail loops. */
  isAutoReply: boolean;
}

/**
 * Why a message could not be taken as a report: `empty` (no bytes), `unreadable` (the MIME parser gave up),
 * `too_complex` (more than {@link MAX_MIME_PARTS} MIME parts), `no_sender` (no From mailbox with a valid address).
 */
export type ParseReportEmailErrorCode = 'empty' | 'unreadable' | 'too_complex' | 'no_sender';

/** A refused message: the code and a short English detail for logs. */
export interface ParseReportEmailError {
  error: ParseReportEmailErrorCode;
  detail: string;
}

/** Most MIME parts parsed in one message; a message with more is refused as `too_complex` (parsing cost is linear). */
export const MAX_MIME_PARTS = 20_000;
/** Most References entries kept: the first (thread root) and the latest ones. */
export const MAX_REFERENCES = 50;
/** HTML longer than this is converted by the linear fallback instead of html-to-text, which is slow on large input. */
const MAX_HTML_FOR_CONVERTER = 512 * 1024;
const MAX_SUBJECT_LENGTH = 300;
const MAX_FILENAME_LENGTH = 200;
const MAX_NAME_LENGTH = 200;
const MAX_MESSAGE_ID_LENGTH = 998;
const FALLBACK_CONTENT_TYPE = 'application/octet-stream';
const CONTENT_TYPE = /^[a-z0-9][a-z0-9!#$&^_.+-]{0,62}\/[a-z0-9][a-z0-9!#$&^_.+-]{0,62}$/;
/** C0 and C1 controls and DEL, except tab and line feed (kept in body text). */
const TEXT_CONTROLS = /(?![\t\n])\p{Cc}/gu;
/** Every control character plus Unicode format characters (bidi overrides, zero-width joiners) that can disguise a name. */
const NAME_UNSAFE = /[\p{Cc}\p{Cf}\u2028\u2029]/gu;

/**
 * Parses a raw message (as received over SMTP) into a {@link ParsedReportEmail}, or returns why it cannot be a report.
 * Never throws on hostile input: malformed MIME, unknown charsets and oversized parts end in a value, not an exception.
 */
export async function parseReportEmail(
  raw: Buffer,
  options: ParseReportEmailOptions,
): Promise<ParsedReportEmail | ParseReportEmailError> {
  if (isBlank(raw)) return { error: 'empty', detail: 'the message has no content' };

  const collected = await collectMessage(raw, options);
  if ('error' in collected) return collected;
  const { parser, headerLines, attachments, rejectedAttachments } = collected;

  const from = firstUsableMailbox(parser.from);
  if (!from) return { error: 'no_sender', detail: 'the From header has no mailbox with a valid address' };

  const subject = cleanSubject(parser.subject ?? '');
  return {
    messageId: cleanMessageId(parser.messageId),
    inReplyTo: cleanMessageId(parser.inReplyTo),
    references: cleanReferences(parser.references),
    from,
    replyTo: firstUsableMailbox(parser.replyTo),
    subject,
    text: collected.text,
    receivedAt: parseDateHeader(headerLines),
    attachments,
    rejectedAttachments,
    referenceInSubject: firstMatch(options.referencePattern, subject),
    isAutoReply: isAutomaticMessage(headerLines, options.envelopeMailFrom),
  };
}

interface CollectedMessage {
  parser: MailParser;
  headerLines: HeaderLines;
  text: string;
  attachments: ReportEmailAttachment[];
  rejectedAttachments: RejectedReportEmailAttachment[];
}

/** Runs the streaming parser over the message, keeping attachments within the limits and draining the others. */
function collectMessage(raw: Buffer, options: ParseReportEmailOptions): Promise<CollectedMessage | ParseReportEmailError> {
  return new Promise((resolve) => {
    const parser = new MailParser({
      maxChildNodes: MAX_MIME_PARTS,
      maxHtmlLengthToParse: MAX_HTML_FOR_CONVERTER,
      // Forwarded messages (a phishing sample as .eml) stay whole as attachments, headers included, for analysis.
      ignoreEmbedded: true,
      skipTextToHtml: true,
      skipTextLinks: true,
      skipImageLinks: true,
      // SHA-256 is computed here, only over the attachments that are kept.
      checksumAlgo: false,
    });
    const attachments: ReportEmailAttachment[] = [];
    const rejectedAttachments: RejectedReportEmailAttachment[] = [];
    let text: MessageText | null = null;
    let attachmentCount = 0;
    let settled = false;
    const settle = (value: CollectedMessage | ParseReportEmailError): void => {
      if (settled) return;
      settled = true;
      resolve(value);
    };

    parser.on('data', (data: AttachmentStream | MessageText) => {
      if (data.type === 'text') {
        text = data;
        return;
      }
      attachmentCount += 1;
      const filename = sanitiseFilename(data.filename, attachmentCount);
      if (attachments.length >= options.maxAttachments) {
        rejectedAttachments.push({ filename, reason: 'too_many' });
        drain(data);
        return;
      }
      readAttachment(data, options.maxAttachmentBytes, (result) => {
        // A failed stream also makes the parser fail, so the whole message ends as `unreadable`.
        if (result === 'failed') return;
        if (result === 'too_large') rejectedAttachments.push({ filename, reason: 'too_large' });
        else attachments.push({ filename, contentType: sanitiseContentType(data.contentType), size: result.content.length, ...result });
      });
    });
    parser.on('error', (err: Error) => {
      const tooComplex = /child nodes/i.test(err.message);
      settle(
        tooComplex
          ? { error: 'too_complex', detail: `the message has more than ${MAX_MIME_PARTS} MIME parts` }
          : { error: 'unreadable', detail: `the MIME structure could not be parsed: ${err.message}` },
      );
    });
    parser.on('end', () => {
      const headerLines = parser.headerLines === false ? [] : parser.headerLines;
      settle({ parser, headerLines, text: bodyText(text), attachments, rejectedAttachments });
    });
    try {
      parser.end(raw);
    } catch (err) {
      settle({ error: 'unreadable', detail: `the MIME structure could not be parsed: ${err instanceof Error ? err.message : String(err)}` });
    }
  });
}

/** Discards an attachment's content without buffering it, then lets the parser go on. */
function drain(attachment: AttachmentStream): void {
  attachment.content.on('error', () => attachment.release?.());
  attachment.content.on('end', () => attachment.release?.());
  attachment.content.resume();
}

/**
 * Reads an attachment up to `maxBytes`, hashing as it goes; past the limit the chunks are dropped and `done` gets
 * `too_large`. The parser waits for `release()`, which is called once the content has ended either way.
 */
function readAttachment(
  attachment: AttachmentStream,
  maxBytes: number,
  done: (result: { content: Buffer; sha256: string } | 'too_large' | 'failed') => void,
): void {
  const hash = createHash('sha256');
  const chunks: Buffer[] = [];
  let size = 0;
  let tooLarge = false;
  let finished = false;
  const finish = (failed: boolean): void => {
    if (finished) return;
    finished = true;
    done(failed ? 'failed' : tooLarge ? 'too_large' : { content: Buffer.concat(chunks, size), sha256: hash.digest('hex') });
    attachment.release?.();
  };
  attachment.content.on('data', (chunk: Buffer) => {
    if (tooLarge) return;
    size += chunk.length;
    if (size > maxBytes) {
      tooLarge = true;
      chunks.length = 0;
      return;
    }
    hash.update(chunk);
    chunks.push(chunk);
  });
  attachment.content.on('end', () => finish(false));
  attachment.content.on('error', () => finish(true));
}

/** The body as plain text: mailparser's text, or the fallback conversion of the HTML when html-to-text gave up. */
function bodyText(message: MessageText | null): string {
  if (!message) return '';
  let text = message.text ?? '';
  if (message.textConversionError && message.html) {
    text = [text.trim(), htmlToText(message.html)].filter((part) => part !== '').join('\n\n');
  }
  return cleanBody(text);
}

/**
 * Normalises line ends to `\n`, removes NUL and other control characters (PostgreSQL refuses NUL in text) and the
 * blank lines around the body.
 */
function cleanBody(text: string): string {
  return text
    .replace(/\r\n?/g, '\n')
    .replace(TEXT_CONTROLS, '')
    .replace(/^(?:[ \t]*\n)+/, '')
    .trimEnd();
}

/** Elements whose content is never text a reader saw. */
const HIDDEN_ELEMENTS = new Set(['script', 'style', 'head', 'title', 'template', 'noscript', 'iframe', 'object', 'svg', 'math']);
/** Elements that start or end a line. */
const BLOCK_ELEMENTS = new Set([
  'br', 'p', 'div', 'li', 'tr', 'table', 'ul', 'ol', 'dl', 'dt', 'dd', 'h1', 'h2', 'h3', 'h4', 'h5', 'h6', 'hr',
  'blockquote', 'pre', 'section', 'article', 'header', 'footer', 'address', 'form', 'fieldset', 'center',
]);
const NAMED_ENTITIES: Readonly<Record<string, string>> = { amp: '&', lt: '<', gt: '>', quot: '"', apos: "'", nbsp: ' ' };
const TAG_NAME = /\/?([a-zA-Z][a-zA-Z0-9-]*)/y;

/**
 * Linear-time HTML to text, used when html-to-text refuses the input (too long, or nested too deep): drops comments,
 * tags and the content of script-like elements, turns block elements into line breaks and decodes numeric entities and
 * the common named ones. Exported for tests.
 */
export function htmlToText(html: string): string {
  const lower = html.toLowerCase();
  let out = '';
  let i = 0;
  while (i < html.length) {
    const lt = html.indexOf('<', i);
    if (lt < 0) {
      out += decodeEntities(html.slice(i));
      break;
    }
    out += decodeEntities(html.slice(i, lt));
    if (html.startsWith('<!--', lt)) {
      const close = html.indexOf('-->', lt + 4);
      i = close < 0 ? html.length : close + 3;
      continue;
    }
    TAG_NAME.lastIndex = lt + 1;
    const tag = TAG_NAME.exec(html);
    const isDeclaration = html[lt + 1] === '!' || html[lt + 1] === '?';
    if (!tag && !isDeclaration) {
      out += '<';
      i = lt + 1;
      continue;
    }
    const end = endOfTag(html, lt + 1);
    const name = (tag?.[1] ?? '').toLowerCase();
    const closing = tag?.[0].startsWith('/') ?? false;
    if (tag && !closing && HIDDEN_ELEMENTS.has(name)) {
      const close = lower.indexOf(`</${name}`, end);
      i = close < 0 ? html.length : endOfTag(html, close + 1);
      continue;
    }
    if (BLOCK_ELEMENTS.has(name)) out += '\n';
    i = end;
  }
  return out
    .replace(/[ \t\f\v\u00a0]+/g, ' ')
    .replace(/ *\n */g, '\n')
    .replace(/\n{3,}/g, '\n\n')
    .trim();
}

/** The index just past the `>` closing a tag that starts before `from`, skipping quoted attribute values. */
function endOfTag(html: string, from: number): number {
  let quote: string | null = null;
  for (let j = from; j < html.length; j += 1) {
    const c = html[j];
    if (quote) {
      if (c === quote) quote = null;
    } else if (c === '"' || c === "'") {
      quote = c;
    } else if (c === '>') {
      return j + 1;
    }
  }
  return html.length;
}

function decodeEntities(s: string): string {
  return s.replace(/&(#x[0-9a-f]{1,6}|#[0-9]{1,7}|[a-z]{2,8});/gi, (whole, entity: string) => {
    if (entity.startsWith('#')) {
      const code = entity[1] === 'x' || entity[1] === 'X' ? parseInt(entity.slice(2), 16) : parseInt(entity.slice(1), 10);
      const valid = code > 0 && code <= 0x10ffff && !(code >= 0xd800 && code <= 0xdfff);
      return valid ? String.fromCodePoint(code) : '\uFFFD';
    }
    return NAMED_ENTITIES[entity.toLowerCase()] ?? whole;
  });
}

/** The first mailbox of an address header whose address is valid, groups flattened; null when there is none. */
function firstUsableMailbox(header: AddressObject | undefined): ReportEmailAddress | null {
  const stack: EmailAddress[] = [...(header?.value ?? [])];
  while (stack.length > 0) {
    const entry = stack.shift();
    if (!entry) break;
    if (entry.group) {
      stack.unshift(...entry.group);
      continue;
    }
    const address = normaliseEmail(entry.address ?? '');
    if (!isValidEmail(address)) continue;
    const name = truncate(entry.name.replace(NAME_UNSAFE, ' ').replace(/\s+/g, ' ').trim(), MAX_NAME_LENGTH);
    return { address, name: name === '' ? null : name };
  }
  return null;
}

function cleanSubject(subject: string): string {
  return truncate(subject.replace(NAME_UNSAFE, ' ').replace(/\s+/g, ' ').trim(), MAX_SUBJECT_LENGTH).trim();
}

/** Keeps a message id (or a list of them) free of controls and whitespace runs, bounded in length; null when empty. */
function cleanMessageId(value: string | undefined): string | null {
  if (typeof value !== 'string') return null;
  const cleaned = value.replace(NAME_UNSAFE, ' ').replace(/\s+/g, ' ').trim().slice(0, MAX_MESSAGE_ID_LENGTH);
  return cleaned === '' ? null : cleaned;
}

function cleanReferences(value: string | string[] | undefined): string[] {
  const all = (Array.isArray(value) ? value : typeof value === 'string' ? value.split(/\s+/) : [])
    .map((id) => cleanMessageId(id))
    .filter((id): id is string => id !== null && !id.includes(' '));
  if (all.length <= MAX_REFERENCES) return all;
  return [all[0] ?? '', ...all.slice(all.length - (MAX_REFERENCES - 1))];
}

/**
 * Sanitises an attachment name for storage and display: the last path segment only, no control or format characters
 * (a `\r\n` in a name cannot reach a header, a right-to-left override cannot disguise an extension), no characters
 * Windows refuses, no leading dots; at most 200 characters, the extension kept; `attachment-N` when nothing is left.
 */
export function sanitiseFilename(name: string | undefined, index: number): string {
  const fallback = `attachment-${index}`;
  if (typeof name !== 'string') return fallback;
  const segments = name.replace(NAME_UNSAFE, '').split(/[/\\]/);
  const cleaned = (segments[segments.length - 1] ?? '')
    .replace(/[<>:"|?*]/g, '_')
    .trim()
    .replace(/^\.+/, '')
    .replace(/[. ]+$/, '')
    .trim();
  if (cleaned === '') return fallback;
  const chars = Array.from(cleaned);
  if (chars.length <= MAX_FILENAME_LENGTH) return cleaned;
  const dot = cleaned.lastIndexOf('.');
  const extension = dot > 0 ? Array.from(cleaned.slice(dot)) : [];
  const kept = extension.length > 0 && extension.length <= 20 ? extension : [];
  return chars.slice(0, MAX_FILENAME_LENGTH - kept.length).join('') + kept.join('');
}

function sanitiseContentType(contentType: string): string {
  const value = contentType.trim().toLowerCase();
  return CONTENT_TYPE.test(value) ? value : FALLBACK_CONTENT_TYPE;
}

/** The values of every header line with this (lower-case) name, unfolded and trimmed, in message order. */
function headerValues(lines: HeaderLines, name: string): string[] {
  return lines
    .filter((line) => line.key === name)
    .map((line) => line.line.slice(line.line.indexOf(':') + 1).replace(/\r?\n[ \t]+/g, ' ').trim());
}

/** RFC 5322 date-time (`2 Mar 2026 09:15:00 +0000`, day name optional) or ISO 8601, which some broken mailers send. */
const DATE_SHAPE = /^(?:[a-z]{3},\s*)?\d{1,2}\s+[a-z]{3}\s+\d{2,4}\s+\d{1,2}:\d{2}|^\d{4}-\d{2}-\d{2}T\d{2}:\d{2}/i;

/**
 * The first Date header as a Date, or null when absent or unparseable (mailparser would substitute the current time,
 * and `new Date` alone reads a bare number such as `1` as a year).
 */
function parseDateHeader(lines: HeaderLines): Date | null {
  const value = headerValues(lines, 'date')[0];
  if (value === undefined || !DATE_SHAPE.test(value)) return null;
  const date = new Date(value);
  return Number.isNaN(date.getTime()) ? null : date;
}

/**
 * True for mail that must not be answered (RFC 3834): Auto-Submitted other than `no`, X-Autoreply or X-Autorespond,
 * Precedence bulk, list, junk or auto_reply, an empty Return-Path or envelope sender (`<>`, bounces), or a
 * `multipart/report` body (delivery and read notifications).
 */
function isAutomaticMessage(lines: HeaderLines, envelopeMailFrom: string | null | undefined): boolean {
  if (envelopeMailFrom === null || (typeof envelopeMailFrom === 'string' && envelopeMailFrom.trim() === '')) return true;
  const token = (value: string): string => (value.split(';')[0] ?? '').trim().toLowerCase();
  if (headerValues(lines, 'auto-submitted').some((value) => token(value) !== 'no')) return true;
  if (headerValues(lines, 'x-autoreply').length > 0 || headerValues(lines, 'x-autorespond').length > 0) return true;
  if (headerValues(lines, 'precedence').some((value) => ['bulk', 'list', 'junk', 'auto_reply'].includes(token(value)))) return true;
  if (headerValues(lines, 'return-path').some((value) => /^<\s*>$/.test(value))) return true;
  return headerValues(lines, 'content-type').some((value) => token(value) === 'multipart/report');
}

/** The first match of `pattern` in `text`; global and sticky flags are dropped so the caller's lastIndex never matters. */
function firstMatch(pattern: RegExp, text: string): string | null {
  const once = new RegExp(pattern.source, pattern.flags.replace(/[gy]/g, ''));
  return once.exec(text)?.[0] ?? null;
}

/** True when the message is empty or only whitespace (checked byte by byte: no copy of a large message). */
function isBlank(raw: Buffer): boolean {
  for (const byte of raw) {
    if (byte !== 0x20 && byte !== 0x09 && byte !== 0x0d && byte !== 0x0a) return false;
  }
  return true;
}

function truncate(s: string, max: number): string {
  const chars = Array.from(s);
  return chars.length <= max ? s : chars.slice(0, max).join('');
}
