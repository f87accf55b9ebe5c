import { createHash, randomBytes } from 'node:crypto';
import { promises as fs } from 'node:fs';
import path from 'node:path';
import type { Config } from '#src/config/config';

/**
 * Evidence files of incidents, content-addressed on disk: `<dataDir>/attachments/<first 2 hex>/<sha256>`. A file's
 * name is its SHA-256, so the same content is stored once whatever its name, incident or uploader (the database rows
 * carry the names), a path can never be steered by user input, and a file can be verified at any time by re-hashing.
 */

/** Limits of evidence uploads (to become configuration settings). */
export const attachmentLimits = { maxBytes: 25 * 1024 * 1024, perIncident: 200 } as const;

/** Longest stored file name, in characters (the extension is kept when a name is shortened). */
const MAX_FILE_NAME_LENGTH = 200;

/** The name given when nothing usable is left of the uploaded one. */
export const fallbackFileName = 'attachment';

const SHA256_HEX = /^[0-9a-f]{64}$/;

/** The folder holding every evidence file. */
export function attachmentRoot(config: Pick<Config, 'dataDir'>): string {
  return path.join(config.dataDir, 'attachments');
}

/** Where the file of this SHA-256 lives; refuses anything but 64 lower-case hex digits (no path can be smuggled in). */
export function attachmentPath(config: Pick<Config, 'dataDir'>, sha256: string): string {
  if (!SHA256_HEX.test(sha256)) throw new Error('attachment: not a SHA-256');
  return path.join(attachmentRoot(config), sha256.slice(0, 2), sha256);
}

/** Lower-case hex SHA-256 of some bytes. */
export function sha256Hex(content: Buffer): string {
  return createHash('sha256').update(content).digest('hex');
}

/** What was stored: the content's address and size, and whether this call wrote the file (false: already there). */
export interface StoredContent {
  sha256: string;
  size: number;
  written: boolean;
}

async function readIfExists(file: string): Promise<Buffer | null> {
  try {
    return await fs.readFile(file);
  } catch (err) {
    if ((err as NodeJS.ErrnoException).code === 'ENOENT') return null;
    throw err;
  }
}

async function syncDirectory(dir: string): Promise<void> {
  let handle: fs.FileHandle | null = null;
  try {
    handle = await fs.open(dir, 'r');
    await handle.sync();
  } catch {
    // Some file systems refuse fsync on a directory; the rename is still atomic there.
  } finally {
    await handle?.close();
  }
}

/**
 * Stores some bytes under their SHA-256, atomically (a temporary file in the same folder, fsync, rename, fsync of the
 * folder) and verified (the file is read back and re-hashed). Content already stored and intact is not written again;
 * a stored file that no longer matches its name (disk damage) is replaced. Concurrent calls with the same content are
 * safe: each renames identical bytes onto the same name.
 */
export async function storeAttachmentContent(config: Pick<Config, 'dataDir'>, content: Buffer): Promise<StoredContent> {
  const sha256 = sha256Hex(content);
  const file = attachmentPath(config, sha256);
  const existing = await readIfExists(file);
  if (existing !== null && sha256Hex(existing) === sha256) return { sha256, size: content.length, written: false };
  const dir = path.dirname(file);
  await fs.mkdir(dir, { recursive: true, mode: 0o750 });
  const temp = path.join(dir, `.${sha256}.${randomBytes(6).toString('hex')}.tmp`);
  const handle = await fs.open(temp, 'wx', 0o640);
  try {
    await handle.writeFile(content);
    await handle.sync();
  } catch (err) {
    await handle.close();
    await fs.rm(temp, { force: true });
    throw err;
  }
  await handle.close();
  try {
    await fs.rename(temp, file);
  } catch (err) {
    await fs.rm(temp, { force: true });
    throw err;
  }
  await syncDirectory(dir);
  const written = await fs.readFile(file);
  if (sha256Hex(written) !== sha256) throw new Error(`attachment ${sha256} does not read back as written`);
  return { sha256, size: content.length, written: true };
}

/**
 * Reads a stored file and verifies it against its SHA-256 (and size when given) before anyone receives it. A missing
 * or damaged file is an operator's problem (a database restored without its files, a failing disk): it throws a
 * plain error, which the error handler logs in full and answers as an internal error without details.
 */
export async function readAttachmentContent(config: Pick<Config, 'dataDir'>, sha256: string, size?: number): Promise<Buffer> {
  const content = await readIfExists(attachmentPath(config, sha256));
  if (content === null) throw new Error(`attachment ${sha256} is missing from the data directory`);
  if (sha256Hex(content) !== sha256 || (size !== undefined && content.length !== size)) throw new Error(`attachment ${sha256} is damaged: its content no longer matches its SHA-256`);
  return content;
}

// C0 and C1 controls, and the format characters that can disguise a name (bidirectional overrides and isolates,
// zero-width characters, the Arabic letter mark, the byte order mark).
// eslint-disable-next-line no-control-regex
const NAME_UNSAFE = /[\u0000-\u001f\u007f-\u009f\u061c\u200b-\u200f\u202a-\u202e\u2060-\u2069\ufeff]/g;
const WINDOWS_RESERVED = /^(con|prn|aux|nul|com\d|lpt\d)(\.|$)/i;

/**
 * Sanitises an uploaded file name for storage and display: the last path segment only (`../../etc/passwd` becomes
 * `passwd`), no control or format characters (a `\r\n` cannot reach a header, a right-to-left override cannot
 * disguise an extension), no characters Windows refuses, no leading dots (no hidden files), no Windows device names;
 * at most 200 characters with the extension kept; {@link fallbackFileName} when nothing is left. The name is only
 * ever a label: files are stored under their SHA-256.
 */
export function sanitiseFileName(name: string | null | undefined): string {
  if (typeof name !== 'string') return fallbackFileName;
  const segments = name.normalize('NFC').replace(NAME_UNSAFE, '').split(/[/\\]/);
  let cleaned = (segments[segments.length - 1] ?? '')
    .replace(/[<>:"|?*]/g, '_')
    .trim()
    .replace(/^\.+/, '')
    .replace(/[. ]+$/, '')
    .trim();
  if (WINDOWS_RESERVED.test(cleaned)) cleaned = `_${cleaned}`;
  if (cleaned === '') return fallbackFileName;
  const chars = Array.from(cleaned);
  if (chars.length <= MAX_FILE_NAME_LENGTH) return cleaned;
  const dot = cleaned.lastIndexOf('.');
  const extension = dot > 0 ? Array.from(cleaned.slice(dot)) : [];
  const kept = extension.length > 0 && extension.length <= 20 ? extension : [];
  return chars.slice(0, MAX_FILE_NAME_LENGTH - kept.length).join('') + kept.join('');
}

/**
 * Media types recorded as given; anything else is recorded as `application/octet-stream`. The list leaves out every
 * type a browser would run or render as a page (HTML, SVG, XML, scripts). It is informative only: downloads are always
 * served as `application/octet-stream`, whatever was recorded.
 */
export const allowedMediaTypes: ReadonlySet<string> = new Set([
  'application/octet-stream',
  'text/plain',
  'text/csv',
  'application/json',
  'application/pdf',
  'image/png',
  'image/jpeg',
  'image/gif',
  'image/webp',
  'message/rfc822',
  'application/vnd.ms-outlook',
  'application/zip',
  'application/x-zip-compressed',
  'application/gzip',
  'application/x-gzip',
  'application/x-7z-compressed',
  'application/x-tar',
  'application/vnd.rar',
  'application/x-rar-compressed',
  'application/vnd.tcpdump.pcap',
  'application/x-pcapng',
  'application/msword',
  'application/vnd.openxmlformats-officedocument.wordprocessingml.document',
  'application/vnd.ms-excel',
  'application/vnd.openxmlformats-officedocument.spreadsheetml.sheet',
  'application/vnd.ms-powerpoint',
  'application/vnd.openxmlformats-officedocument.presentationml.presentation',
  'application/vnd.oasis.opendocument.text',
  'application/vnd.oasis.opendocument.spreadsheet',
  'application/vnd.oasis.opendocument.presentation',
]);

/** The media type to record: the given `type/subtype` (parameters dropped, lower-cased) when allowed, else octet-stream. */
export function normaliseMediaType(mediaType: string | null | undefined): string {
  const value = (typeof mediaType === 'string' ? (mediaType.split(';')[0] ?? '') : '').trim().toLowerCase();
  return allowedMediaTypes.has(value) ? value : 'application/octet-stream';
}
