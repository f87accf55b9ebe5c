import { createCipheriv, createDecipheriv, hkdfSync, randomBytes } from 'node:crypto';

/** How long a pending MFA enrolment (secret carried in a sealed hidden field) stays valid. */
export const PENDING_MFA_TTL_MS = 15 * 60 * 1000;

const VERSION = 'v1';
const IV_BYTES = 12;
const TAG_BYTES = 16;
const EXPIRY_BYTES = 8;

/** Seals small secrets (MFA secrets, pending enrolments) with AES-256-GCM under a key derived from the installation secret. */
export interface SecretBox {
  /**
   * Encrypts `plaintext` for one `purpose`; with `expiresAt`, `open` refuses it after that instant. The
   * purpose and expiry are authenticated (AAD), so a value sealed for one purpose never opens for another.
   */
  seal(purpose: string, plaintext: string, options?: { expiresAt?: Date }): string;
  /** Decrypts a sealed value; null when it was tampered with, sealed for another purpose or key, or has expired. */
  open(purpose: string, sealed: string, now: Date): string | null;
}

const keys = new Map<string, Buffer>();

/** HKDF-SHA-256 from the installation secret, with its own salt and info so this key serves nothing else. */
function deriveKey(secret: string): Buffer {
  let key = keys.get(secret);
  if (!key) {
    key = Buffer.from(hkdfSync('sha256', Buffer.from(secret, 'utf8'), Buffer.from('ribat/secret-box', 'utf8'), Buffer.from('aes-256-gcm/v1', 'utf8'), 32));
    keys.set(secret, key);
  }
  return key;
}

function additionalData(purpose: string, expiry: Buffer): Buffer {
  return Buffer.concat([Buffer.from(`ribat/secret-box/${VERSION}\u0000${purpose}\u0000`, 'utf8'), expiry]);
}

/** Builds a secret box keyed by the installation secret (`config.secret`). */
export function createSecretBox(secret: string): SecretBox {
  const key = deriveKey(secret);
  return {
    seal(purpose, plaintext, options = {}) {
      const expiry = Buffer.alloc(EXPIRY_BYTES);
      // 0 means "never expires" (stored MFA secrets); otherwise milliseconds since the epoch.
      expiry.writeBigUInt64BE(BigInt(options.expiresAt ? options.expiresAt.getTime() : 0));
      const iv = randomBytes(IV_BYTES);
      const cipher = createCipheriv('aes-256-gcm', key, iv, { authTagLength: TAG_BYTES });
      cipher.setAAD(additionalData(purpose, expiry));
      const ciphertext = Buffer.concat([cipher.update(plaintext, 'utf8'), cipher.final()]);
      const tag = cipher.getAuthTag();
      return `${VERSION}.${Buffer.concat([expiry, iv, tag, ciphertext]).toString('base64url')}`;
    },
    open(purpose, sealed, now) {
      if (typeof sealed !== 'string' || !sealed.startsWith(`${VERSION}.`) || sealed.length > 10_000) return null;
      const body = sealed.slice(VERSION.length + 1);
      if (!/^[A-Za-z0-9_-]+$/.test(body)) return null;
      const raw = Buffer.from(body, 'base64url');
      if (raw.length < EXPIRY_BYTES + IV_BYTES + TAG_BYTES) return null;
      const expiry = raw.subarray(0, EXPIRY_BYTES);
      const iv = raw.subarray(EXPIRY_BYTES, EXPIRY_BYTES + IV_BYTES);
      const tag = raw.subarray(EXPIRY_BYTES + IV_BYTES, EXPIRY_BYTES + IV_BYTES + TAG_BYTES);
      const ciphertext = raw.subarray(EXPIRY_BYTES + IV_BYTES + TAG_BYTES);
      let plaintext: string;
      try {
        const decipher = createDecipheriv('aes-256-gcm', key, iv, { authTagLength: TAG_BYTES });
        decipher.setAAD(additionalData(purpose, expiry));
        decipher.setAuthTag(tag);
        plaintext = Buffer.concat([decipher.update(ciphertext), decipher.final()]).toString('utf8');
      } catch {
        return null;
      }
      // The expiry was authenticated above, so it can be trusted here.
      const expiresAt = Number(expiry.readBigUInt64BE());
      if (expiresAt !== 0 && expiresAt <= now.getTime()) return null;
      return plaintext;
    },
  };
}
