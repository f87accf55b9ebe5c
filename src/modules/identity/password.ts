import { hash, verify } from '@node-rs/argon2';

/** argon2id parameters (OWASP 2024 baseline: 19 MiB, 2 iterations, 1 lane). */
// algorithm 2 is Argon2id in @node-rs/argon2's Algorithm enum (a const enum, not importable as a value here).
const options = { algorithm: 2, memoryCost: 19_456, timeCost: 2, parallelism: 1 } as const;

/** Hashes a password with argon2id; the result embeds its salt and parameters. */
export function hashPassword(password: string): Promise<string> {
  return hash(password, options);
}

/** A hash of a random value, checked against when the user does not exist, so timing does not reveal it. */
let dummyHash: Promise<string> | null = null;

/** Verifies a password against a stored hash; with no hash, spends the same time and answers false. */
export async function verifyPassword(storedHash: string | null, password: string): Promise<boolean> {
  if (storedHash === null) {
    dummyHash ??= hashPassword('dummy password for timing equalisation');
    await verify(await dummyHash, password).catch(() => false);
    return false;
  }
  try {
    return await verify(storedHash, password);
  } catch {
    return false;
  }
}
