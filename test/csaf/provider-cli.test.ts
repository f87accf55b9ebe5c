import { spawnSync } from 'node:child_process';
import { existsSync, mkdtempSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import * as openpgp from 'openpgp';
import type { CliIo } from '#src/cli/main';
import { main } from '#src/cli/main';
import { openCliTestEnvironment, type CliTestEnvironment } from '../helpers/app';
import { listSigningKeys } from '#src/modules/csaf/provider.repository';
import { signDetached, unlockSigningKey, verifyDetached } from '#src/modules/csaf/signing';
import { loadConfig } from '#src/config/config';

const PASSPHRASE = 'a configured passphrase 2026';

let cli: CliTestEnvironment;
let gnupgHome: string;

function capture(env: Record<string, string>): { io: CliIo; out: string[]; err: string[] } {
  const out: string[] = [];
  const err: string[] = [];
  return { io: { out: (l) => out.push(l), err: (l) => err.push(l), readStdin: async () => '', env }, out, err };
}

async function run(...argv: string[]): Promise<{ code: number; out: string; err: string }> {
  const c = capture(cli.env);
  const code = await main(['node', 'ribat', ...argv], c.io);
  return { code, out: c.out.join('\n'), err: c.err.join('\n') };
}

function gpg(args: string[], input?: string): string {
  const result = spawnSync('gpg', ['--batch', '--pinentry-mode', 'loopback', ...args], { env: { ...process.env, GNUPGHOME: gnupgHome }, encoding: 'utf8', input });
  if (result.status !== 0) throw new Error(`gpg ${args.join(' ')}: ${result.stderr}`);
  return result.stdout;
}

beforeAll(async () => {
  cli = await openCliTestEnvironment({ RIBAT_CSAF_KEY_PASSPHRASE: PASSPHRASE, RIBAT_PUBLIC_URL: 'https://cert.example.ma' });
  gnupgHome = mkdtempSync(path.join(os.tmpdir(), 'ribat-gpg-cli-'));
});
afterAll(async () => {
  spawnSync('gpgconf', ['--kill', 'all'], { env: { ...process.env, GNUPGHOME: gnupgHome } });
  rmSync(gnupgHome, { recursive: true, force: true });
  await cli.close();
});

describe('ribat csaf key', () => {
  it('show says how to get a key when there is none', async () => {
    const res = await run('csaf', 'key', 'show');
    expect(res.code).toBe(1);
    expect(res.err).toContain('ribat csaf key generate');
  });

  it('imports a key made by gpg, encrypted with the configured passphrase, and signs verifiably with it', async () => {
    gpg(['--passphrase', PASSPHRASE, '--quick-gen-key', 'CERT Exemple CSAF <csaf@cert.example.ma>', 'ed25519', 'sign', '0']);
    const fingerprint = /^fpr:+([0-9A-F]{40}):/m.exec(gpg(['--with-colons', '--list-secret-keys']))?.[1] ?? '';
    const file = path.join(gnupgHome, 'secret.asc');
    writeFileSync(file, gpg(['--passphrase', PASSPHRASE, '--armor', '--export-secret-keys', fingerprint]));

    const res = await run('csaf', 'key', 'import', file);
    expect(res.code, res.err).toBe(0);
    expect(res.out).toContain(`Imported CSAF signing key ${fingerprint}`);

    const show = await run('csaf', 'key', 'show');
    expect(show.out).toContain(`Fingerprint: ${fingerprint}`);
    expect(show.out).toContain(`URL: https://cert.example.ma/.well-known/csaf/openpgp/${fingerprint}.asc`);
    expect(show.out).toContain('-----BEGIN PGP PUBLIC KEY BLOCK-----');

    const [stored] = await listSigningKeys(cli.database.db);
    expect(stored).toMatchObject({ fingerprint, active: true, userId: 'CERT Exemple CSAF <csaf@cert.example.ma>' });
    expect((await openpgp.readPrivateKey({ armoredKey: stored?.privateKey ?? '' })).isDecrypted()).toBe(false);
    const key = await unlockSigningKey(stored?.privateKey ?? '', PASSPHRASE);
    const signature = await signDetached(key, '{"x":1}\n', new Date());
    expect(await verifyDetached([stored?.publicKey ?? ''], '{"x":1}\n', signature)).toBe(true);
    const audit = await cli.database.db.selectFrom('audit_event').select(['action', 'actor_label', 'after_data']).where('entity_type', '=', 'csaf_signing_key').execute();
    expect(audit.map((a) => a.action)).toEqual(['csaf.key.imported']);
    expect(audit[0]?.after_data).toContain(fingerprint);
  });

  it('refuses a key the configured passphrase does not decrypt, and a file that is no key', async () => {
    const other = mkdtempSync(path.join(os.tmpdir(), 'ribat-key-'));
    try {
      const { privateKey } = await openpgp.generateKey({ type: 'ecc', curve: 'curve25519Legacy', userIDs: [{ name: 'Other' }], passphrase: 'another passphrase entirely', format: 'armored' });
      writeFileSync(path.join(other, 'k.asc'), privateKey);
      const wrong = await run('csaf', 'key', 'import', path.join(other, 'k.asc'));
      expect(wrong.code).toBe(1);
      expect(wrong.err).toContain('RIBAT_CSAF_KEY_PASSPHRASE does not decrypt it');
      writeFileSync(path.join(other, 'junk.asc'), 'hello');
      const junk = await run('csaf', 'key', 'import', path.join(other, 'junk.asc'));
      expect(junk.code).toBe(1);
      expect(junk.err).toContain('not an armored OpenPGP private key');
      expect(await listSigningKeys(cli.database.db)).toHaveLength(1);
    } finally {
      rmSync(other, { recursive: true, force: true });
    }
  });

  it('generate rotates: the new key is active, the imported one retired but kept', async () => {
    const before = await listSigningKeys(cli.database.db);
    const res = await run('csaf', 'key', 'generate');
    expect(res.code, res.err).toBe(0);
    const after = await listSigningKeys(cli.database.db);
    expect(after).toHaveLength(2);
    expect(after.filter((k) => k.active).map((k) => k.fingerprint)).not.toContain(before[0]?.fingerprint);
    expect((await openpgp.readKey({ armoredKey: after.find((k) => k.active)?.publicKey ?? '' })).getAlgorithmInfo().algorithm).toBe('eddsaLegacy');
    const show = await run('csaf', 'key', 'show');
    expect(show.out).toContain(`Retired: ${before[0]?.fingerprint}`);
  });

  it('rebuild writes the provider metadata listing both keys', async () => {
    const res = await run('csaf', 'rebuild');
    expect(res.code, res.err).toBe(0);
    const root = path.join(cli.env.RIBAT_DATA_DIR ?? '', 'csaf');
    expect(res.out).toContain(`Rebuilt ${root}`);
    const metadata = JSON.parse(readFileSync(path.join(root, 'provider-metadata.json'), 'utf8')) as { public_openpgp_keys: { fingerprint: string }[]; role: string };
    expect(metadata.role).toBe('csaf_trusted_provider');
    expect(metadata.public_openpgp_keys).toHaveLength(2);
    for (const k of metadata.public_openpgp_keys) expect(existsSync(path.join(root, 'openpgp', `${k.fingerprint}.asc`))).toBe(true);
    expect(readFileSync(path.join(root, 'white', 'index.txt'), 'utf8')).toBe('');
  });
});

describe('RIBAT_CSAF_KEY_PASSPHRASE', () => {
  const base = { RIBAT_SECRET: 'test-secret-test-secret-test-secret-0123', RIBAT_DATA_DIR: '/tmp/ribat-unused' };

  it('defaults to a value derived from the secret (stable, different per installation, never the secret)', () => {
    const a = loadConfig(base, { createSecret: false }).csafKeyPassphrase;
    expect(a).toBe(loadConfig(base, { createSecret: false }).csafKeyPassphrase);
    expect(a).not.toContain(base.RIBAT_SECRET);
    expect(a.length).toBeGreaterThanOrEqual(40);
    expect(loadConfig({ ...base, RIBAT_SECRET: 'another-secret-another-secret-another-0' }, { createSecret: false }).csafKeyPassphrase).not.toBe(a);
  });

  it('takes the configured value, refusing one that is too short', () => {
    expect(loadConfig({ ...base, RIBAT_CSAF_KEY_PASSPHRASE: PASSPHRASE }, { createSecret: false }).csafKeyPassphrase).toBe(PASSPHRASE);
    expect(() => loadConfig({ ...base, RIBAT_CSAF_KEY_PASSPHRASE: 'short' }, { createSecret: false })).toThrow(/RIBAT_CSAF_KEY_PASSPHRASE/);
  });

  it('names generated keys after the site and the security contact', () => {
    const config = loadConfig({ ...base, RIBAT_SITE_NAME: 'maCERT', RIBAT_SECURITY_CONTACT: 'mailto:csirt@macert.ma' }, { createSecret: false });
    expect(config.csafKeyUserId).toBe('maCERT CSAF <csirt@macert.ma>');
    expect(loadConfig({ ...base, RIBAT_CSAF_KEY_USER_ID: 'X <x@y.z>' }, { createSecret: false }).csafKeyUserId).toBe('X <x@y.z>');
  });
});
