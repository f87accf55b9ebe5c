import { Writable } from 'node:stream';
import { describe, expect, it } from 'vitest';
import { createLogger, redactUrl, truncateAddress } from '#src/core/logger';

describe('log redaction', () => {
  it('masks one-time tokens in paths and secret query values, keeping record ids', () => {
    expect(redactUrl('/password/reset/Zm9vYmFyYmF6cXV4cXV1eHF1dXhxdXV4cXV1eA')).toBe('/password/reset/[redacted]');
    expect(redactUrl('/console/users/01a216e1-1fe4-7308-9b35-95cbc98c89b8')).toBe('/console/users/01a216e1-1fe4-7308-9b35-95cbc98c89b8');
    expect(redactUrl('/api/v1/users?limit=5&cursor=eyJrIjpudWxsLCJpZCI6IngifQ')).toBe('/api/v1/users?limit=5&cursor=[redacted]');
    expect(redactUrl('/login?next=%2Fconsole')).toBe('/login?next=%2Fconsole');
  });

  it('truncates client addresses to their network', () => {
    expect(truncateAddress('192.0.2.77')).toBe('192.0.2.0');
    expect(truncateAddress('::ffff:192.0.2.77')).toBe('::ffff:192.0.2.0');
    expect(truncateAddress('2001:db8:1234:5678::1')).toBe('2001:db8:1234::');
  });

  it('never writes passwords, tokens, cookies or e-mail addresses', () => {
    const lines: string[] = [];
    const sink = new Writable({
      write(chunk: Buffer, _enc, done) {
        lines.push(chunk.toString());
        done();
      },
    });
    const logger = createLogger('info', sink);
    logger.info({ req: { url: '/setup/Zm9vYmFyYmF6cXV4cXV1eHF1dXhxdXV4cXV1eA', remoteAddress: '203.0.113.9', headers: { cookie: 'ribat_session=abc' } }, password: 'hunter2hunter2', email: 'someone@example.ma' }, 'x');
    const text = lines.join('');
    for (const secret of ['Zm9vYmFyYmF6', '203.0.113.9', 'hunter2', 'someone@example.ma']) expect(text).not.toContain(secret);
    expect(text).toContain('/setup/[redacted]');
  });
});
