import { mkdtempSync, readFileSync, rmSync, statSync } from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { afterEach, describe, expect, it } from 'vitest';
import { ConfigError, loadConfig } from '#src/config/config';

const dirs: string[] = [];
const tempDir = (): string => {
  const d = mkdtempSync(path.join(os.tmpdir(), 'ribat-config-'));
  dirs.push(d);
  return d;
};
afterEach(() => {
  for (const d of dirs.splice(0)) rmSync(d, { recursive: true, force: true });
});

describe('configuration', () => {
  it('defaults to port 8080, SQLite under ./data and French-speaking Casablanca time', () => {
    const dir = tempDir();
    const config = loadConfig({ RIBAT_DATA_DIR: dir });
    expect(config.port).toBe(8080);
    expect(config.databaseUrl).toBeNull();
    expect(config.dataDir).toBe(dir);
    expect(config.publicUrl).toBe('http://localhost:8080');
    expect(config.mfaRequiredForStaff).toBe(true);
    expect(Object.isFrozen(config)).toBe(true);
  });

  it('lists every invalid setting at once', () => {
    let error: unknown;
    try {
      loadConfig({ RIBAT_DATA_DIR: tempDir(), RIBAT_PORT: 'eighty', DATABASE_URL: 'mysql://x', RIBAT_TIMEZONE: 'Mars/Olympus', RIBAT_MFA_REQUIRED_FOR_STAFF: 'maybe', RIBAT_SECRET: 'short' });
    } catch (err) {
      error = err;
    }
    expect(error).toBeInstanceOf(ConfigError);
    const problems = (error as ConfigError).problems.join('\n');
    for (const name of ['RIBAT_PORT', 'DATABASE_URL', 'RIBAT_TIMEZONE', 'RIBAT_MFA_REQUIRED_FOR_STAFF', 'RIBAT_SECRET']) expect(problems).toContain(name);
  });

  it('creates a private secret on first start and reuses it', () => {
    const dir = tempDir();
    const first = loadConfig({ RIBAT_DATA_DIR: dir });
    const file = path.join(dir, 'secret.key');
    expect(readFileSync(file, 'utf8').trim()).toBe(first.secret);
    expect(statSync(file).mode & 0o077).toBe(0);
    expect(loadConfig({ RIBAT_DATA_DIR: dir }).secret).toBe(first.secret);
  });

  it('accepts a PostgreSQL URL', () => {
    expect(loadConfig({ RIBAT_DATA_DIR: tempDir(), DATABASE_URL: 'postgres://u@127.0.0.1:5432/ribat' }).databaseUrl).toBe('postgres://u@127.0.0.1:5432/ribat');
  });

  it('reads RIBAT_TRUST_PROXY as off, a hop count or proxy addresses, never as "trust every hop"', () => {
    const dir = tempDir();
    const trust = (value: string) => loadConfig({ RIBAT_DATA_DIR: dir, RIBAT_TRUST_PROXY: value }).trustProxy;
    expect(loadConfig({ RIBAT_DATA_DIR: dir }).trustProxy).toBe(false);
    expect(trust('false')).toBe(false);
    // `true` is one proxy: the socket peer is trusted, the address it forwards is the client's, nothing beyond.
    const one = trust('true');
    expect(typeof one).toBe('function');
    if (typeof one !== 'function') throw new Error('expected a predicate');
    expect([one('10.0.0.1', 0), one('203.0.113.9', 1)]).toEqual([true, false]);
    const two = trust('2');
    if (typeof two !== 'function') throw new Error('expected a predicate');
    expect([two('10.0.0.1', 0), two('10.0.0.2', 1), two('203.0.113.9', 2)]).toEqual([true, true, false]);
    expect(trust(' 10.0.0.0/8, loopback ,::1 ')).toBe('10.0.0.0/8,loopback,::1');
    for (const bad of ['everyone', '10.0.0.300', '10.0.0.0/8/1', '0x7f000001', '99']) {
      expect(() => trust(bad), bad).toThrow(/RIBAT_TRUST_PROXY/);
    }
  });
});
