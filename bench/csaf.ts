/**
 * CSAF benchmarks (issue 4, point 7). One advisory with 150 vulnerabilities, published through the real use cases
 * (publish gate included), then:
 *  - generating its CSAF document (mapping), validating it (strict schema, mandatory, optional and offline
 *    informative tests), signing and hashing it;
 *  - rebuilding the provider's indexes, feeds and metadata with BENCH_CSAF_DOCUMENTS (10,000) stored documents, and
 *    the whole tree (every document, hash and signature file written atomically);
 * each printed next to the baseline: the validator library's own validation (strict schema + mandatory tests) of the
 * same document.
 */
import { mkdtempSync, rmSync } from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { performance } from 'node:perf_hooks';
import validate from '@secvisogram/csaf-validator-lib/validate.js';
import { csaf_2_0_strict } from '@secvisogram/csaf-validator-lib/schemaTests.js';
import * as mandatoryTests from '@secvisogram/csaf-validator-lib/mandatoryTests.js';
import type { CsafDocumentTest } from '@secvisogram/csaf-validator-lib/validate.js';
import type { DatabaseHandle } from '#src/db/database';
import type { PreparedCsafDocument } from '#src/modules/csaf/csaf.types';
import { openDatabase } from '#src/db/database';
import { migrateToLatest } from '#src/db/migrator';
import { runSeeds } from '#src/db/seeds/seed';
import { loadConfig, type Config } from '#src/config/config';
import { systemClock } from '#src/core/time';
import { newId } from '#src/core/ids';
import { findBulletinById, findRevisions } from '#src/modules/bulletins/bulletins.repository';
import { findTerms } from '#src/modules/taxonomies/taxonomies.repository';
import { prepareCsafDocuments } from '#src/modules/csaf/mapping';
import { validateCsafDocument } from '#src/modules/csaf/validation';
import { csafHashes, signDetached, unlockSigningKey } from '#src/modules/csaf/signing';
import { findActiveSigningKey, insertCsafDocument, listCsafDocumentsOfBulletin } from '#src/modules/csaf/provider.repository';
import { aggregateFiles, loadProviderSnapshot, providerRoot, rebuildProviderTree, writeFilesAtomic } from '#src/modules/csaf/provider-files';
import { serializeCsaf } from '#src/modules/csaf/mapping';
import { csafFileName } from '#src/modules/bulletins/reference';
import { buildPublishedBulletin } from '../test/helpers/bulletin-factories';
import type { Line } from './support';


const DOCUMENTS = Number(process.env.BENCH_CSAF_DOCUMENTS ?? 10_000);
const ROUNDS = Number(process.env.BENCH_CSAF_ROUNDS ?? 20);

async function timed(work: () => Promise<unknown>): Promise<number> {
  const start = performance.now();
  await work();
  return performance.now() - start;
}

/** The prepared document of a published bulletin, generated again through the mapping (as the publish gate does). */
async function prepare(database: DatabaseHandle, config: Config, bulletinId: string): Promise<PreparedCsafDocument> {
  const bulletin = await findBulletinById(database.db, bulletinId);
  if (!bulletin) throw new Error('bulletin missing');
  const revisions = (await findRevisions(database.db, bulletin.id, bulletin.kind)).sort((a, b) => a.number - b.number);
  const [criticalities, risks] = await Promise.all([findTerms(database.db, 'criticality', { includeRetired: true }), findTerms(database.db, 'risk', { includeRetired: true })]);
  const [prepared] = prepareCsafDocuments({ bulletin, revisions, aliases: bulletin.aliases, config, criticalities, risks });
  if (!prepared) throw new Error('no CSAF document');
  return prepared;
}

/**
 * Stores `count` documents derived from `template` (each its own tracking id and bytes, hashed for real); they
 * share one signature made once, which the index rebuild never reads: signing is measured on its own above.
 */
async function seedDocuments(database: DatabaseHandle, config: Config, template: PreparedCsafDocument, bulletinId: string, count: number): Promise<void> {
  const key = await findActiveSigningKey(database.db);
  if (!key) throw new Error('no signing key');
  const signature = await signDetached(await unlockSigningKey(key.privateKey, config.csafKeyPassphrase), '{}\n', new Date());
  const start = Date.parse('2021-01-01T00:00:00Z');
  const small = structuredClone(template.document) as { document: { tracking: { id: string }; title: string }; vulnerabilities?: unknown[] };
  small.vulnerabilities = (small.vulnerabilities ?? []).slice(0, 3);
  for (let offset = 0; offset < count; offset += 500) {
    await database.db.transaction().execute(async (trx) => {
      for (let i = offset; i < Math.min(count, offset + 500); i++) {
        const trackingId = `BENCH-${String(i).padStart(5, '0')}`;
        const date = new Date(start + i * 3_600_000);
        small.document.tracking.id = trackingId;
        small.document.title = `Benchmark advisory ${i}`;
        const bytes = serializeCsaf(small);
        await insertCsafDocument(trx, {
          id: newId(),
          bulletinId,
          revisionNumber: 1,
          language: 'fr',
          trackingId,
          fileName: csafFileName(trackingId),
          year: date.getUTCFullYear(),
          tlp: i % 10 === 0 ? 'GREEN' : 'WHITE',
          version: '1',
          title: small.document.title,
          initialReleaseDate: date,
          currentReleaseDate: date,
          content: bytes,
          ...csafHashes(bytes),
          signature,
          signingKeyId: key.id,
          createdAt: date,
        });
      }
    });
  }
}

/** Runs the CSAF benchmarks on an in-memory SQLite database and a temporary data folder. */
export async function benchCsaf(line: Line): Promise<void> {
  const dataDir = mkdtempSync(path.join(os.tmpdir(), 'ribat-bench-csaf-'));
  const database = openDatabase({ databaseUrl: null, sqliteDir: ':memory:' });
  try {
    await migrateToLatest(database.db);
    await runSeeds(database, systemClock);
    const config = loadConfig({ RIBAT_SECRET: 'bench-secret-bench-secret-bench-secret-0', RIBAT_DATA_DIR: dataDir, RIBAT_LOG_LEVEL: 'silent', RIBAT_PUBLIC_URL: 'https://cert.example.ma' }, { createSecret: false });
    const cves = Array.from({ length: 150 }, (_, i) => ({ id: `CVE-2024-${20000 + i}`, cvss31: 'CVSS:3.1/AV:N/AC:L/PR:N/UI:N/S:U/C:H/I:H/A:H', cwe: 'CWE-787', exploited: i % 7 === 0 }));
    const affected = Array.from({ length: 30 }, (_, i) => ({ vendor: `Vendor ${i % 5}`, product: `Product ${i}`, versions: `< ${i + 1}.2.3` }));
    let bulletinId = '';
    const publishMs = await timed(async () => {
      bulletinId = (await buildPublishedBulletin({ database, config, clock: systemClock }, { cves, affected })).bulletin.id;
    });
    console.log(`[csaf] published one advisory with 150 vulnerabilities through the use cases (gate, signing, storage) in ${publishMs.toFixed(1)} ms`);

    let prepared = await prepare(database, config, bulletinId);
    const lib = async (): Promise<void> => {
      const tests = [csaf_2_0_strict, ...Object.values(mandatoryTests)] as CsafDocumentTest[];
      await validate(tests, prepared.document);
    };
    await lib();
    const baseline = (await timed(async () => {
      for (let i = 0; i < ROUNDS; i++) await lib();
    })) / ROUNDS;
    console.log(`[csaf] document: ${(prepared.bytes.length / 1024).toFixed(0)} KiB, ${(prepared.document.vulnerabilities as unknown[]).length} vulnerabilities`);

    const generate = (await timed(async () => {
      for (let i = 0; i < ROUNDS; i++) prepared = await prepare(database, config, bulletinId);
    })) / ROUNDS;
    line('[csaf] generate (mapping, 150 vulns)', generate, 'validator (strict+mandatory)', baseline, 1, 'docs');
    const full = (await timed(async () => {
      for (let i = 0; i < ROUNDS; i++) await validateCsafDocument(prepared.document);
    })) / ROUNDS;
    line('[csaf] validate (all offline tests)', full, 'validator (strict+mandatory)', baseline, 1, 'docs');

    const key = await findActiveSigningKey(database.db);
    if (!key) throw new Error('no signing key');
    const privateKey = await unlockSigningKey(key.privateKey, config.csafKeyPassphrase);
    const sign = (await timed(async () => {
      for (let i = 0; i < ROUNDS; i++) {
        csafHashes(prepared.bytes);
        await signDetached(privateKey, prepared.bytes, new Date());
      }
    })) / ROUNDS;
    line('[csaf] sign + sha256 + sha512', sign, 'validator (strict+mandatory)', baseline, 1, 'docs');

    await seedDocuments(database, config, prepared, bulletinId, DOCUMENTS);
    const stored = (await listCsafDocumentsOfBulletin(database.db, bulletinId)).length;
    const root = providerRoot(config);
    const indexes = await timed(async () => {
      await writeFilesAtomic(root, aggregateFiles(config, await loadProviderSnapshot(database.db, config)));
    });
    line(`[csaf] indexes+feeds+metadata, ${stored} docs`, indexes, 'validator (strict+mandatory)', baseline, stored, 'docs');
    const rebuild = await timed(() => rebuildProviderTree(database.db, config));
    line(`[csaf] full tree rebuild, ${stored} docs`, rebuild, 'validator (strict+mandatory)', baseline, stored, 'docs');
    const noop = await timed(() => rebuildProviderTree(database.db, config));
    line(`[csaf] rebuild again (nothing changed)`, noop, 'validator (strict+mandatory)', baseline, stored, 'docs');
  } finally {
    await database.close();
    rmSync(dataDir, { recursive: true, force: true });
  }
}
