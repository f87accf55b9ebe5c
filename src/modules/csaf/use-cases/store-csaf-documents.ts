import { createHash } from 'node:crypto';
import type { Config } from '#src/config/config';
import type { Dialect, Tx } from '#src/db/database';
import type { Clock } from '#src/core/time';
import type { PreparedCsafDocument } from '#src/modules/csaf/csaf.types';
import { systemContext } from '#src/core/context';
import { newId } from '#src/core/ids';
import { enqueueJob } from '#src/core/jobs/queue';
import { csafHashes, signDetached, unlockSigningKey } from '#src/modules/csaf/signing';
import { hasCsafDocumentVersion, insertCsafDocument } from '#src/modules/csaf/provider.repository';
import { ensureActiveSigningKey } from '#src/modules/csaf/use-cases/manage-signing-key';
import { csafProviderTreeJob } from '#src/modules/csaf/provider-tree.job';

/** `document.title` of a prepared document (the feeds show it). */
function titleOf(prepared: PreparedCsafDocument): string {
  const doc = prepared.document.document as { title?: unknown } | undefined;
  return typeof doc?.title === 'string' ? doc.title : prepared.trackingId;
}

/**
 * Signs, hashes and stores the documents of a publication inside the publishing transaction, then queues the job
 * that writes them into the provider tree (after commit; a rolled-back publication leaves neither rows nor job).
 * The bytes signed and hashed are exactly `prepared.bytes`, which is what the provider serves forever: a
 * (tracking id, version) is stored once and never rewritten, so a later revision cannot change an earlier one.
 * Uses the active signing key, generating one on first need.
 */
export async function storeCsafDocuments(trx: Tx, dialect: Dialect, config: Config, clock: Clock, prepared: PreparedCsafDocument[]): Promise<void> {
  if (prepared.length === 0) return;
  const key = await ensureActiveSigningKey(trx, dialect, config, systemContext('csaf-provider', clock));
  const privateKey = await unlockSigningKey(key.privateKey, config.csafKeyPassphrase);
  const now = clock.now();
  // A signature cannot predate its key (OpenPGP refuses it): publications dated in the past (imports, the demo's
  // historical bulletins, tests) are signed at the key's creation time instead.
  const signedAt = new Date(Math.max(now.getTime(), privateKey.getCreationTime().getTime()));
  const ids: string[] = [];
  for (const p of prepared) {
    if (await hasCsafDocumentVersion(trx, p.trackingId, p.version)) {
      throw new Error(`CSAF document ${p.trackingId} version ${p.version} is already published; published documents are immutable`);
    }
    const { sha256, sha512 } = csafHashes(p.bytes);
    const id = newId();
    ids.push(id);
    await insertCsafDocument(trx, {
      id,
      bulletinId: p.bulletinId,
      revisionNumber: p.revisionNumber,
      language: p.language,
      trackingId: p.trackingId,
      fileName: p.fileName,
      year: p.year,
      tlp: p.tlp,
      version: p.version,
      title: titleOf(p),
      initialReleaseDate: p.initialReleaseDate,
      currentReleaseDate: p.currentReleaseDate,
      content: p.bytes,
      sha256,
      sha512,
      signature: await signDetached(privateKey, p.bytes, signedAt),
      signingKeyId: key.id,
      createdAt: now,
    });
  }
  const idempotencyKey = `csaf.tree:${createHash('sha256').update(ids.join(',')).digest('hex').slice(0, 32)}`;
  await enqueueJob(trx, csafProviderTreeJob, { trackingIds: [...new Set(prepared.map((p) => p.trackingId))] }, { clock, idempotencyKey });
}
