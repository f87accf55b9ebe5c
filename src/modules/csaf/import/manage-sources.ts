import type { DatabaseHandle } from '#src/db/database';
import type { RequestContext } from '#src/core/context';
import type { CsafSource, CsafSourceKind } from '#src/modules/csaf/import/csaf-import.types';
import { AppError } from '#src/core/errors';
import { newId } from '#src/core/ids';
import { recordAudit } from '#src/core/audit';
import { enqueueJob } from '#src/core/jobs/queue';
import { isHttpUrl } from '#src/modules/bulletins/bulletins.validation';
import { jsonArray, jsonAt, jsonString } from '#src/modules/csaf/import/extract';
import { FetchError, fetchJson, fetchText, publicKeyFingerprint } from '#src/modules/csaf/import/fetch';
import { canManageSources } from '#src/modules/csaf/import/csaf-import.policy';
import { findSourceById, findSourceByUrl, findSources, insertSource } from '#src/modules/csaf/import/csaf-import.repository';
import { csafSourceFetchJob } from '#src/modules/csaf/import/csaf-source-fetch.job';

const roles = ['csaf_publisher', 'csaf_provider', 'csaf_trusted_provider'];

function unusable(detail: string): AppError {
  return AppError.field('url', 'csaf_source_unusable', { detail: detail.slice(0, 300) });
}

/** What registration learnt from the URL: the kind, a name and the provider's public keys (checked). */
interface Discovered {
  kind: CsafSourceKind;
  name: string;
  publicKeys: string[];
}

/**
 * Reads a provider-metadata.json: checks its shape (metadata_version 2.0, a known role, a publisher with name and
 * namespace, a canonical URL, at least one distribution) and fetches every public key it lists, each checked
 * against its announced fingerprint.
 */
async function discoverProvider(url: string, metadata: unknown): Promise<Discovered> {
  if (jsonString(jsonAt(metadata, 'metadata_version')) !== '2.0') throw unusable('metadata_version is not "2.0"');
  const role = jsonString(jsonAt(metadata, 'role'));
  if (role === null || !roles.includes(role)) throw unusable('role is not a CSAF provider role');
  const name = jsonString(jsonAt(metadata, 'publisher', 'name'), 200);
  if (name === null || jsonString(jsonAt(metadata, 'publisher', 'namespace')) === null) throw unusable('publisher name or namespace missing');
  if (jsonString(jsonAt(metadata, 'canonical_url')) === null) throw unusable('canonical_url missing');
  const distributions = jsonArray(jsonAt(metadata, 'distributions'));
  const hasDistribution = distributions.some((d) => jsonString(jsonAt(d, 'directory_url')) !== null || jsonArray(jsonAt(d, 'rolie', 'feeds')).length > 0);
  if (!hasDistribution) throw unusable('no directory or ROLIE distribution');
  const publicKeys: string[] = [];
  for (const entry of jsonArray(jsonAt(metadata, 'public_openpgp_keys'))) {
    const keyUrl = jsonString(jsonAt(entry, 'url'), 2000);
    if (keyUrl === null) continue;
    let armored: string;
    try {
      armored = await fetchText(keyUrl, url);
    } catch (err) {
      throw unusable(err instanceof Error ? err.message : 'public key unreachable');
    }
    const fingerprint = await publicKeyFingerprint(armored);
    if (fingerprint === null) throw unusable(`${keyUrl} is not an OpenPGP public key`);
    const announced = jsonString(jsonAt(entry, 'fingerprint'));
    if (announced !== null && announced.replace(/\s/g, '').toUpperCase() !== fingerprint) throw unusable(`${keyUrl}: fingerprint ${fingerprint} is not the announced ${announced}`);
    publicKeys.push(armored.trim());
  }
  return { kind: 'provider-metadata', name, publicKeys };
}

/**
 * Registers a provider (admins): its provider-metadata.json URL, or a ROLIE feed URL (with an optional armored
 * public key, since a feed does not list keys). The URL is fetched and checked first; registration is audited
 * and queues a first fetch. Every later request of this source stays on the origin of this URL.
 */
export async function registerCsafSource(database: DatabaseHandle, ctx: RequestContext, input: { url: string; publicKey?: string }): Promise<CsafSource> {
  if (!canManageSources(ctx.actor)) throw new AppError('not_found');
  const url = input.url.trim();
  if (url === '') throw AppError.field('url', 'required');
  if (url.length > 2000 || !isHttpUrl(url)) throw AppError.field('url', 'invalid_url', { value: url.slice(0, 80) });
  if (await findSourceByUrl(database.db, url)) throw AppError.field('url', 'duplicate', { value: url.slice(0, 80) });

  let json: unknown;
  try {
    json = await fetchJson(url, url);
  } catch (err) {
    throw unusable(err instanceof FetchError ? err.message : 'unreachable');
  }
  let discovered: Discovered;
  if (jsonAt(json, 'feed') !== undefined) {
    const publicKeys: string[] = [];
    const key = (input.publicKey ?? '').trim();
    if (key !== '') {
      if ((await publicKeyFingerprint(key)) === null) throw AppError.field('publicKey', 'invalid_format');
      publicKeys.push(key);
    }
    discovered = { kind: 'rolie-feed', name: jsonString(jsonAt(json, 'feed', 'title'), 200) ?? new URL(url).host, publicKeys };
  } else {
    discovered = await discoverProvider(url, json);
  }

  const now = ctx.clock.now();
  const id = newId();
  await database.db.transaction().execute(async (trx) => {
    await insertSource(trx, { id, url, kind: discovered.kind, name: discovered.name, publicKeys: discovered.publicKeys, now });
    await recordAudit(trx, database.dialect, ctx, { action: 'csaf_source.created', entityType: 'csaf_source', entityId: id, after: { url, kind: discovered.kind, name: discovered.name, publicKeys: discovered.publicKeys.length } });
    await enqueueJob(trx, csafSourceFetchJob, { sourceId: id }, { clock: ctx.clock, idempotencyKey: `csaf-source-fetch:${id}:${now.getTime()}` });
  });
  const source = await findSourceById(database.db, id);
  if (!source) throw new AppError('internal');
  return source;
}

/** Queues a fetch of a source now ("Fetch now"), audited. */
export async function requestSourceFetch(database: DatabaseHandle, ctx: RequestContext, sourceId: string): Promise<void> {
  if (!canManageSources(ctx.actor)) throw new AppError('not_found');
  const source = await findSourceById(database.db, sourceId);
  if (!source) throw new AppError('not_found');
  const now = ctx.clock.now();
  await database.db.transaction().execute(async (trx) => {
    await enqueueJob(trx, csafSourceFetchJob, { sourceId }, { clock: ctx.clock, idempotencyKey: `csaf-source-fetch:${sourceId}:${now.getTime()}` });
    await recordAudit(trx, database.dialect, ctx, { action: 'csaf_source.fetch_requested', entityType: 'csaf_source', entityId: sourceId, after: { url: source.url } });
  });
}

/** Every registered source with its last fetch (admins). */
export async function listCsafSources(database: DatabaseHandle, ctx: RequestContext): Promise<CsafSource[]> {
  if (!canManageSources(ctx.actor)) throw new AppError('not_found');
  return findSources(database.db);
}
