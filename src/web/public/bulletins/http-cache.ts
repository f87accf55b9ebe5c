import { createHash } from 'node:crypto';
import type { FastifyReply, FastifyRequest } from 'fastify';

/** A strong validator: a hash of the exact bytes sent. */
export function strongEtag(body: string | Buffer): string {
  return `"${createHash('sha256').update(body).digest('base64url').slice(0, 32)}"`;
}

function etagMatches(header: string, etag: string): boolean {
  if (header.trim() === '*') return true;
  // If-None-Match uses the weak comparison (RFC 9110 §13.1.2): W/"x" matches "x".
  return header.split(',').some((candidate) => candidate.trim().replace(/^W\//, '') === etag);
}

/**
 * True when the client's copy is current: If-None-Match when present (it takes precedence), otherwise
 * If-Modified-Since against `lastModified` (HTTP dates have whole seconds).
 */
export function isNotModified(request: FastifyRequest, etag: string, lastModified: Date | null): boolean {
  const ifNoneMatch = request.headers['if-none-match'];
  if (typeof ifNoneMatch === 'string' && ifNoneMatch !== '') return etagMatches(ifNoneMatch, etag);
  const ifModifiedSince = request.headers['if-modified-since'];
  if (typeof ifModifiedSince === 'string' && lastModified !== null) {
    const since = Date.parse(ifModifiedSince);
    if (Number.isFinite(since)) return Math.floor(lastModified.getTime() / 1000) * 1000 <= since;
  }
  return false;
}

export interface CacheableAnswer {
  body: string | Buffer;
  type: string;
  lastModified: Date | null;
  /** True when the body depends on the signed-in viewer: never stored by shared caches. */
  personal: boolean;
  /** Request headers the body depends on besides the URL (e.g. the language negotiation of pages). */
  vary?: string;
  status?: number;
}

/**
 * Sends a body with a strong ETag and Last-Modified, or 304 Not Modified when the client's copy is current.
 * Anonymous answers may be kept five minutes by any cache; personal ones are never stored.
 */
export function sendCacheable(request: FastifyRequest, reply: FastifyReply, answer: CacheableAnswer): FastifyReply {
  const etag = strongEtag(answer.body);
  reply.header('etag', etag);
  if (answer.lastModified !== null) reply.header('last-modified', answer.lastModified.toUTCString());
  reply.header('cache-control', answer.personal ? 'private, no-store' : 'public, max-age=300');
  if (answer.vary) reply.header('vary', answer.vary);
  const status = answer.status ?? 200;
  if (status === 200 && isNotModified(request, etag, answer.lastModified)) return reply.status(304).send();
  return reply.status(status).type(answer.type).send(answer.body);
}

/**
 * Rendered public documents (feeds) kept in memory by a key that changes whenever their content may change (the
 * query and the audit chain's head, which every change moves): a feed reader polling every few minutes then costs
 * one single-row query instead of a listing query and a rendering. Bounded; the oldest entry goes first.
 */
export class RenderCache<T> {
  private readonly entries = new Map<string, T>();

  constructor(private readonly maxEntries = 200) {}

  /** The body stored under `key`, or the one `render` makes (then stored). */
  async get(key: string, render: () => Promise<T>): Promise<T> {
    const hit = this.entries.get(key);
    if (hit !== undefined) return hit;
    const body = await render();
    if (this.entries.size >= this.maxEntries) {
      const oldest = this.entries.keys().next().value;
      if (oldest !== undefined) this.entries.delete(oldest);
    }
    this.entries.set(key, body);
    return body;
  }
}
