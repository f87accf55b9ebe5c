import type { FastifyInstance } from 'fastify';
import { AppError } from '#src/core/errors';

const utf8 = new TextDecoder('utf-8', { fatal: true });

/** Decodes a body as strict UTF-8: invalid byte sequences are a 400 naming the body, never U+FFFD. */
function decodeUtf8(body: Buffer): string {
  try {
    return utf8.decode(body);
  } catch {
    throw AppError.field('body', 'invalid_utf8');
  }
}

/** A form body: each field a string, or several strings for repeated names. */
export type FormBody = Record<string, string | string[]>;

/** Parses application/x-www-form-urlencoded strictly: invalid percent-encoded UTF-8 names its field. */
export function parseUrlEncoded(text: string): FormBody {
  const out: FormBody = Object.create(null) as FormBody;
  if (text === '') return out;
  for (const pair of text.split('&')) {
    if (pair === '') continue;
    const eq = pair.indexOf('=');
    const rawKey = eq === -1 ? pair : pair.slice(0, eq);
    const rawValue = eq === -1 ? '' : pair.slice(eq + 1);
    let key: string;
    try {
      key = decodeURIComponent(rawKey.replace(/\+/g, ' '));
    } catch {
      throw AppError.field('body', 'invalid_utf8');
    }
    let value: string;
    try {
      value = decodeURIComponent(rawValue.replace(/\+/g, ' '));
    } catch {
      throw AppError.field(key, 'invalid_utf8');
    }
    if (key === '__proto__' || key === 'constructor' || key === 'prototype') continue;
    const existing = out[key];
    if (existing === undefined) out[key] = value;
    else if (Array.isArray(existing)) existing.push(value);
    else out[key] = [existing, value];
  }
  return out;
}

/** Registers strict JSON and URL-encoded body parsers. */
export function registerParsers(app: FastifyInstance): void {
  app.removeContentTypeParser(['application/json', 'text/plain']);
  app.addContentTypeParser(['application/json', 'application/problem+json', 'application/merge-patch+json'], { parseAs: 'buffer' }, (_req, body: Buffer, done) => {
    try {
      const text = decodeUtf8(body);
      if (text.trim() === '') {
        done(null, undefined);
        return;
      }
      try {
        done(null, JSON.parse(text) as unknown);
      } catch {
        done(AppError.field('body', 'invalid_format'), undefined);
      }
    } catch (err) {
      done(err as Error, undefined);
    }
  });
  app.addContentTypeParser('application/x-www-form-urlencoded', { parseAs: 'buffer' }, (_req, body: Buffer, done) => {
    try {
      done(null, parseUrlEncoded(decodeUtf8(body)));
    } catch (err) {
      done(err as Error, undefined);
    }
  });
}

/** Finds the first string containing a NUL character, and returns its field path. */
export function findNulField(value: unknown, path: string, depth = 0): string | null {
  if (typeof value === 'string') return value.includes('\u0000') ? path : null;
  if (depth > 20 || value === null || typeof value !== 'object') return null;
  for (const [key, inner] of Object.entries(value as Record<string, unknown>)) {
    if (key.includes('\u0000')) return path;
    const found = findNulField(inner, path === '' ? key : `${path}.${key}`, depth + 1);
    if (found !== null) return found;
  }
  return null;
}

/**
 * NUL is never meaningful in Ribat's text and PostgreSQL cannot store it in text columns: refuse it in path
 * parameters, query strings and bodies with a 400 naming the field, before any handler sees it.
 */
export function registerInputGuards(app: FastifyInstance): void {
  app.addHook('preValidation', async (request) => {
    for (const [part, value] of [
      ['params', request.params],
      ['query', request.query],
      ['body', request.body],
    ] as const) {
      const field = findNulField(value, '');
      if (field !== null) throw AppError.field(field === '' ? part : field, 'invalid');
    }
  });
}
