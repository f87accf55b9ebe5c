import { createHash } from 'node:crypto';
import * as openpgp from 'openpgp';

/**
 * OpenPGP for the trusted provider (CSAF 2.0 section 7.1.19/7.1.20): the signing key and detached signatures.
 *
 * Key choice: an ECC key on Curve25519 in the OpenPGP v4 format (EdDSA "ed25519Legacy" primary key that signs, an
 * ECDH cv25519 subkey). Its signatures are 64 bytes and take well under a millisecond, so signing every document of
 * every revision at publish time costs nothing, and every deployed verifier reads it: Debian's GnuPG 2.2, the Go
 * and Rust CSAF tools, openpgp.js. The newer RFC 9580 (v6) Ed25519 keys are not read by GnuPG 2.2, and RSA 3072
 * would make every signature 60 times slower for no gain in assurance.
 */

/** A signing key as stored: both halves armored, the private one encrypted with the configured passphrase. */
export interface GeneratedSigningKey {
  /** Upper-case hexadecimal fingerprint (40 digits for v4 keys). */
  fingerprint: string;
  publicKey: string;
  privateKey: string;
  userId: string;
}

/** Parses `Name <address>` (or a bare name) into openpgp's user id object. */
function parseUserId(userId: string): openpgp.UserID {
  const match = /^(.*?)\s*<([^<>\s]+@[^<>\s]+)>\s*$/.exec(userId);
  if (match) return { name: match[1] ?? '', email: match[2] ?? '' };
  return { name: userId };
}

/** Generates a new Curve25519 signing key, its private half encrypted with `passphrase`. */
export async function generateSigningKey(userId: string, passphrase: string, date: Date): Promise<GeneratedSigningKey> {
  const { privateKey, publicKey } = await openpgp.generateKey({
    type: 'ecc',
    curve: 'curve25519Legacy',
    userIDs: [parseUserId(userId)],
    passphrase,
    date,
    format: 'armored',
  });
  const key = await openpgp.readKey({ armoredKey: publicKey });
  return { fingerprint: key.getFingerprint().toUpperCase(), publicKey, privateKey, userId: key.getUserIDs()[0] ?? userId };
}

/** Why an armored key cannot be imported. */
export class SigningKeyImportError extends Error {}

/**
 * Reads an armored private key for import: decrypted with `passphrase` when it is encrypted (an unencrypted key is
 * accepted), checked to be able to sign, and re-encrypted with `passphrase` for storage.
 */
export async function prepareImportedKey(armored: string, passphrase: string, date: Date): Promise<GeneratedSigningKey> {
  let key: openpgp.PrivateKey;
  try {
    key = await openpgp.readPrivateKey({ armoredKey: armored });
  } catch (err) {
    throw new SigningKeyImportError(`not an armored OpenPGP private key (${err instanceof Error ? err.message : String(err)})`);
  }
  let decrypted = key;
  if (!key.isDecrypted()) {
    try {
      decrypted = await openpgp.decryptKey({ privateKey: key, passphrase });
    } catch {
      throw new SigningKeyImportError('the key is encrypted and RIBAT_CSAF_KEY_PASSPHRASE does not decrypt it');
    }
  }
  try {
    await decrypted.getSigningKey(undefined, date);
  } catch (err) {
    throw new SigningKeyImportError(`the key cannot sign (${err instanceof Error ? err.message : String(err)})`);
  }
  const encrypted = await openpgp.encryptKey({ privateKey: decrypted, passphrase });
  return {
    fingerprint: key.getFingerprint().toUpperCase(),
    publicKey: key.toPublic().armor(),
    privateKey: encrypted.armor(),
    userId: key.getUserIDs()[0] ?? '',
  };
}

// Decrypting a key runs its S2K; publish transactions reuse the decrypted key (keyed by the stored armor and a hash
// of the passphrase, so a changed passphrase or a rotated key never hits a stale entry).
const unlocked = new Map<string, openpgp.PrivateKey>();

/** Decrypts a stored private key with the configured passphrase (cached in memory). */
export async function unlockSigningKey(armoredPrivateKey: string, passphrase: string): Promise<openpgp.PrivateKey> {
  const cacheKey = createHash('sha256').update(armoredPrivateKey).update('\0').update(passphrase).digest('hex');
  const hit = unlocked.get(cacheKey);
  if (hit) return hit;
  const privateKey = await openpgp.readPrivateKey({ armoredKey: armoredPrivateKey });
  const key = privateKey.isDecrypted() ? privateKey : await openpgp.decryptKey({ privateKey, passphrase });
  if (unlocked.size >= 8) unlocked.clear();
  unlocked.set(cacheKey, key);
  return key;
}

/** An armored detached signature of the exact UTF-8 bytes of `text` (a binary signature: no line-ending rewriting). */
export async function signDetached(key: openpgp.PrivateKey, text: string, date: Date): Promise<string> {
  const message = await openpgp.createMessage({ binary: Buffer.from(text, 'utf8') });
  return openpgp.sign({ message, signingKeys: key, detached: true, format: 'armored', date });
}

/** True when `signature` is a valid detached signature of `text` by one of the armored public keys. */
export async function verifyDetached(publicKeys: string[], text: string, signature: string): Promise<boolean> {
  try {
    const verificationKeys = await Promise.all(publicKeys.map((armoredKey) => openpgp.readKey({ armoredKey })));
    const message = await openpgp.createMessage({ binary: Buffer.from(text, 'utf8') });
    const result = await openpgp.verify({ message, signature: await openpgp.readSignature({ armoredSignature: signature }), verificationKeys, expectSigned: false });
    const first = result.signatures[0];
    if (!first) return false;
    await first.verified;
    return true;
  } catch {
    return false;
  }
}

/** Hex SHA-256 and SHA-512 of the UTF-8 bytes of `text`. */
export function csafHashes(text: string): { sha256: string; sha512: string } {
  const bytes = Buffer.from(text, 'utf8');
  return { sha256: createHash('sha256').update(bytes).digest('hex'), sha512: createHash('sha512').update(bytes).digest('hex') };
}
