import { describe, expect, it } from 'vitest';
import { parseUrlEncoded } from '#src/plugins/parsers';
import { AppError } from '#src/core/errors';

describe('form parsing', () => {
  it('decodes fields, repeated names and plus signs', () => {
    const body = parseUrlEncoded('a=1&b=x+y&b=%C3%A9t%C3%A9&c=');
    expect(body).toEqual({ a: '1', b: ['x y', 'été'], c: '' });
  });

  it('names the field whose value is not valid UTF-8', () => {
    try {
      parseUrlEncoded('name=ok&email=%FF%FE');
      expect.unreachable();
    } catch (err) {
      expect(err).toBeInstanceOf(AppError);
      expect((err as AppError).fields[0]).toEqual({ field: 'email', message: 'invalid_utf8' });
    }
  });

  it('ignores prototype-polluting keys', () => {
    const body = parseUrlEncoded('__proto__=x&constructor=y&ok=1');
    expect(body).toEqual({ ok: '1' });
    expect(({} as Record<string, unknown>).x).toBeUndefined();
  });
});

describe('NUL guard', () => {
  it('names the first field carrying a NUL character, at any depth', async () => {
    const { findNulField } = await import('#src/plugins/parsers');
    expect(findNulField({ a: 'ok', b: { c: ['x', 'y\u0000'] } }, '')).toBe('b.c.1');
    expect(findNulField('\u0000', 'id')).toBe('id');
    expect(findNulField({ a: 'clean', n: 3, z: null }, '')).toBeNull();
  });
});
