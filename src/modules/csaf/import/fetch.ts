import * as openpgp from 'openpgp';
import { csafImportLimits } from '#src/modules/csaf/import/csaf-import.types';

// Outbound HTTP of the import path. Every request goes to the origin (scheme, host and port) of a URL an
// administrator registered, never follows redirects (a redirect could lead anywhere, including internal hosts),
// gives up after a timeout and stops reading past a size limit.

/** Why a resource could not be fetched. */
export type FetchFailure = 'unreachable' | 'not_found' | 'too_large' | 'not_allowed';

/** A failed fetch, with a message for the administrator (in English: it comes from the network). */
export class FetchError extends Error {
  constructor(
    readonly kind: FetchFailure,
    message: string,
  ) {
    super(message);
    this.name = 'FetchError';
  }
}

/** True when `url` is an absolute http(s) URL on the same origin as `base`. */
export function isSameOrigin(url: string, base: string): boolean {
  try {
    const u = new URL(url);
    const b = new URL(base);
    return (u.protocol === 'http:' || u.protocol === 'https:') && u.origin === b.origin;
  } catch {
    return false;
  }
}

/**
 * Fetches `url` (GET) and returns its bytes: only on `allowedBase`'s origin, no redirects, at most `maxBytes`
 * (announced length or bytes actually read), within `csafImportLimits.fetchTimeoutMs`.
 */
export async function fetchBytes(url: string, allowedBase: string, maxBytes: number): Promise<Uint8Array> {
  if (!isSameOrigin(url, allowedBase)) throw new FetchError('not_allowed', `${url} is not on the registered origin ${safeOrigin(allowedBase)}`);
  let response: Response;
  try {
    response = await fetch(url, { redirect: 'manual', signal: AbortSignal.timeout(csafImportLimits.fetchTimeoutMs), headers: { accept: 'application/json, text/plain, */*' } });
  } catch (err) {
    throw new FetchError('unreachable', `${url}: ${describe(err)}`);
  }
  if (response.status >= 300 && response.status < 400) {
    await response.body?.cancel();
    throw new FetchError('unreachable', `${url}: HTTP ${response.status} redirect not followed`);
  }
  if (response.status === 404 || response.status === 410) {
    await response.body?.cancel();
    throw new FetchError('not_found', `${url}: HTTP ${response.status}`);
  }
  if (!response.ok) {
    await response.body?.cancel();
    throw new FetchError('unreachable', `${url}: HTTP ${response.status}`);
  }
  const announced = Number(response.headers.get('content-length') ?? '0');
  if (announced > maxBytes) {
    await response.body?.cancel();
    throw new FetchError('too_large', `${url}: ${announced} bytes (at most ${maxBytes})`);
  }
  const chunks: Uint8Array[] = [];
  let size = 0;
  try {
    if (response.body) {
      for await (const chunk of response.body as unknown as AsyncIterable<Uint8Array>) {
        size += chunk.byteLength;
        if (size > maxBytes) throw new FetchError('too_large', `${url}: more than ${maxBytes} bytes`);
        chunks.push(chunk);
      }
    }
  } catch (err) {
    if (err instanceof FetchError) throw err;
    throw new FetchError('unreachable', `${url}: ${describe(err)}`);
  }
  return Buffer.concat(chunks);
}

/** Fetches a text resource (UTF-8) with the metadata size limit. */
export async function fetchText(url: string, allowedBase: string): Promise<string> {
  return Buffer.from(await fetchBytes(url, allowedBase, csafImportLimits.metadataBytes)).toString('utf8');
}

/** Fetches and parses a JSON resource with the metadata size limit. */
export async function fetchJson(url: string, allowedBase: string): Promise<unknown> {
  const text = await fetchText(url, allowedBase);
  try {
    return JSON.parse(text) as unknown;
  } catch (err) {
    throw new FetchError('unreachable', `${url}: not valid JSON (${describe(err)})`);
  }
}

function safeOrigin(url: string): string {
  try {
    return new URL(url).origin;
  } catch {
    return '?';
  }
}

function describe(err: unknown): string {
  if (err instanceof Error) {
    const cause = (err as Error & { cause?: unknown }).cause;
    const detail = cause instanceof Error ? `: ${cause.message}` : '';
    return `${err.name === 'TimeoutError' ? 'timed out' : err.message}${detail}`.slice(0, 300);
  }
  return 'error';
}

/** The first hexadecimal token of a `.sha256`/`.sha512` file (`<hex>  <file name>`), lower case. */
export function parseHashFile(text: string): string | null {
  const token = text.trim().split(/\s+/)[0] ?? '';
  return /^[0-9a-fA-F]{64}$|^[0-9a-fA-F]{128}$/.test(token) ? token.toLowerCase() : null;
}

/** Reads an armored public key; returns its upper-case fingerprint, or null when it is not a key. */
export async function publicKeyFingerprint(armored: string): Promise<string | null> {
  try {
    const key = await openpgp.readKey({ armoredKey: armored });
    return key.getFingerprint().toUpperCase();
  } catch {
    return null;
  }
}

/**
 * True when `armoredSignature` is a valid detached OpenPGP signature of exactly `bytes` by one of `armoredKeys`.
 * Any unreadable key or signature, or a signature by another key, is false.
 */
export async function verifyDetachedSignature(bytes: Uint8Array, armoredSignature: string, armoredKeys: readonly string[]): Promise<boolean> {
  const keys: openpgp.PublicKey[] = [];
  for (const armored of armoredKeys) {
    try {
      keys.push(await openpgp.readKey({ armoredKey: armored }));
    } catch {
      // an unreadable key verifies nothing
    }
  }
  if (keys.length === 0) return false;
  try {
    const signature = await openpgp.readSignature({ armoredSignature });
    const message = await openpgp.createMessage({ binary: bytes });
    const result = await openpgp.verify({ message, signature, verificationKeys: keys });
    for (const s of result.signatures) {
      try {
        if (await s.verified) return true;
      } catch {
        // this signature packet does not verify with our keys; try the next one
      }
    }
    return false;
  } catch {
    return false;
  }
}
