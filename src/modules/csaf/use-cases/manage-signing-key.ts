import type { Config } from '#src/config/config';
import type { DatabaseHandle, Dialect, Tx } from '#src/db/database';
import type { RequestContext } from '#src/core/context';
import type { CsafSigningKey } from '#src/modules/csaf/provider.repository';
import { recordAudit } from '#src/core/audit';
import { newId } from '#src/core/ids';
import { enqueueJob } from '#src/core/jobs/queue';
import { generateSigningKey, prepareImportedKey, type GeneratedSigningKey } from '#src/modules/csaf/signing';
import { findActiveSigningKey, findSigningKeyByFingerprint, insertActiveSigningKey, reactivateSigningKey } from '#src/modules/csaf/provider.repository';
import { csafProviderTreeJob } from '#src/modules/csaf/provider-tree.job';

/** What the audit trail keeps of a key: never the private half. */
function auditView(key: Pick<CsafSigningKey, 'id' | 'fingerprint' | 'userId'>): Record<string, string> {
  return { id: key.id, fingerprint: key.fingerprint, userId: key.userId };
}

async function activate(trx: Tx, dialect: Dialect, ctx: RequestContext, generated: GeneratedSigningKey, action: string): Promise<CsafSigningKey> {
  const before = await findActiveSigningKey(trx);
  const existing = await findSigningKeyByFingerprint(trx, generated.fingerprint);
  let key: CsafSigningKey;
  if (existing) {
    await reactivateSigningKey(trx, existing.id);
    key = { ...existing, active: true };
  } else {
    key = { id: newId(), ...generated, active: true, createdAt: ctx.clock.now() };
    await insertActiveSigningKey(trx, key);
  }
  await recordAudit(trx, dialect, ctx, {
    action,
    entityType: 'csaf_signing_key',
    entityId: key.id,
    before: before ? auditView(before) : null,
    after: auditView(key),
  });
  // provider-metadata.json and the key files change with the active key.
  await enqueueJob(trx, csafProviderTreeJob, { trackingIds: [] }, { clock: ctx.clock, idempotencyKey: `csaf.tree:key:${key.id}:${ctx.requestId}` });
  return key;
}

/**
 * Generates a new signing key and makes it the active one (`ribat csaf key generate`: set-up or rotation). Older
 * keys stay stored and published so that the signatures they made can still be verified. Audited
 * `csaf.key.generated`.
 */
export async function generateCsafSigningKey(database: DatabaseHandle, config: Config, ctx: RequestContext): Promise<CsafSigningKey> {
  const generated = await generateSigningKey(config.csafKeyUserId, config.csafKeyPassphrase, ctx.clock.now());
  return database.db.transaction().execute((trx) => activate(trx, database.dialect, ctx, generated, 'csaf.key.generated'));
}

/**
 * Imports an armored private key (decrypted with RIBAT_CSAF_KEY_PASSPHRASE when encrypted, stored encrypted with it)
 * and makes it the active one. Throws SigningKeyImportError for a key that cannot be used. Audited `csaf.key.imported`.
 */
export async function importCsafSigningKey(database: DatabaseHandle, config: Config, ctx: RequestContext, armored: string): Promise<CsafSigningKey> {
  const prepared = await prepareImportedKey(armored, config.csafKeyPassphrase, ctx.clock.now());
  return database.db.transaction().execute((trx) => activate(trx, database.dialect, ctx, prepared, 'csaf.key.imported'));
}

/**
 * The active key, generated inside `trx` when there is none yet (the first publication of an installation that was
 * never set up: zero configuration). Audited `csaf.key.generated` like a manual generation.
 */
export async function ensureActiveSigningKey(trx: Tx, dialect: Dialect, config: Config, ctx: RequestContext): Promise<CsafSigningKey> {
  const active = await findActiveSigningKey(trx);
  if (active) return active;
  const generated = await generateSigningKey(config.csafKeyUserId, config.csafKeyPassphrase, ctx.clock.now());
  return activate(trx, dialect, ctx, generated, 'csaf.key.generated');
}
