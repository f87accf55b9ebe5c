import { readdirSync, readFileSync, statSync } from 'node:fs';
import path from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { systemContext } from '#src/core/context';
import { AppError } from '#src/core/errors';
import { csafTestId } from '#src/modules/csaf/validation';
import { importCsafDocument, type ImportOutcome } from '#src/modules/csaf/import/import-document';
import { findImportById } from '#src/modules/csaf/import/csaf-import.repository';
import { registerCsafSource } from '#src/modules/csaf/import/manage-sources';
import { fetchCsafSource } from '#src/modules/csaf/import/fetch-source';
import { openTestDatabase, testClock, testDialect, type TestDatabase } from '../helpers/app';
import { startStaticServer, type StaticServer } from '../csaf/import-server';
import { corpusFile } from './corpus';

interface ManifestEntry {
  file: string;
  role: string;
  validator?: { basic_isValid?: boolean; failed_basic_tests?: string[]; flagged_tests?: string[]; parse_error?: string };
}

const manifest = JSON.parse(readFileSync(corpusFile('csaf/manifest.json'), 'utf8')) as ManifestEntry[];
/** Every CSAF document the manifest gives a verdict for (the validator's, or a parse error). */
const documents = manifest.filter((e) => e.validator !== undefined && (e.validator.basic_isValid !== undefined || e.validator.parse_error !== undefined));

const clock = testClock();
let db: TestDatabase;

beforeAll(async () => {
  db = await openTestDatabase(clock);
});
afterAll(async () => {
  await db.close();
});

/** Runs one corpus file through the import use case (as the CLI does); a parse error comes back as its AppError. */
async function importCorpusFile(relative: string): Promise<ImportOutcome | AppError> {
  try {
    return await importCsafDocument(db.database, systemContext('corpus-test', clock), readFileSync(corpusFile(relative)), { origin: `corpus:${relative}` });
  } catch (err) {
    if (err instanceof AppError) return err;
    throw err;
  }
}

/** Tests Ribat reports beyond the manifest's failed_basic_tests, and why (see the test below). */
const extraFindings: Record<string, string[]> = { 'oasis/validator-tests/mandatory/oasis_csaf_tc-csaf_2_0-2021-6-1-08-01.json': ['6.1.8'] };

const testsOf = (findings: { test: string }[]): string[] => [...new Set(findings.map((f) => f.test))].sort();

describe(`every document of csaf/manifest.json gets its recorded verdict through the import path (${testDialect})`, () => {
  it('covers the 84 documents the manifest gives a verdict for', () => {
    expect(documents.length).toBe(84);
  });

  it.each(documents.map((e) => [e.file, e] as const))('%s', async (file, entry) => {
    const result = await importCorpusFile(`csaf/${file}`);
    const v = entry.validator ?? {};
    if (v.parse_error !== undefined) {
      expect(result).toBeInstanceOf(AppError);
      expect((result as AppError).fields[0]).toMatchObject({ field: 'document', message: 'invalid_json' });
      return;
    }
    expect(result).not.toBeInstanceOf(AppError);
    const outcome = result as ImportOutcome;
    expect(outcome.import.isValid).toBe(v.basic_isValid);
    expect(outcome.status).toBe(v.basic_isValid ? 'imported' : 'refused');
    // The failing tests are the validator's (its names mapped to test numbers, the strict schema to `schema`). One
    // known difference: basic.js stops the 6.1.8 file at the schema, while Ribat also runs mandatory test 6.1.8 on it.
    const expected = [...new Set([...(v.failed_basic_tests ?? []).map(csafTestId), ...(extraFindings[file] ?? [])])].sort();
    expect(testsOf(outcome.failedTests)).toEqual(expected);
    // Optional and informative findings are stored as warnings: the same tests as the validator flagged.
    const stored = await findImportById(db.database.db, outcome.import.id);
    expect(testsOf(stored?.warnings ?? [])).toEqual([...new Set((v.flagged_tests ?? []).map(csafTestId))].sort());
  });
});

interface TestCases {
  tests: { id: string; group: string; failures?: { name: string; valid: boolean }[]; valid?: { name: string; valid: boolean }[] }[];
}

describe(`the OASIS conformance files fail exactly their tests through the import path (${testDialect})`, () => {
  const dir = 'csaf/oasis/validator-tests';
  const cases = JSON.parse(readFileSync(corpusFile(`${dir}/testcases.json`), 'utf8')) as TestCases;
  const present = new Set(manifest.map((e) => e.file));
  /** The files of testcases.json that the corpus holds, with the test they exercise and whether they must pass it. */
  const files = cases.tests.flatMap((t) => [...(t.failures ?? []).map((f) => ({ test: t.id, group: t.group, name: f.name, mustFail: true })), ...(t.valid ?? []).map((f) => ({ test: t.id, group: t.group, name: f.name, mustFail: false }))]).filter((f) => present.has(`oasis/validator-tests/${f.name}`));

  it('holds a failing file for each of the 43 mandatory tests', () => {
    expect(new Set(files.filter((f) => f.group === 'mandatory' && f.mustFail).map((f) => f.test)).size).toBe(43);
  });

  it.each(files.map((f) => [f.name, f] as const))('%s', async (_name, f) => {
    const outcome = (await importCorpusFile(`${dir}/${f.name}`)) as ImportOutcome;
    const stored = await findImportById(db.database.db, outcome.import.id);
    const failed = testsOf(outcome.failedTests);
    const warned = testsOf(stored?.warnings ?? []);
    if (f.group === 'mandatory' && f.mustFail) {
      expect(outcome.import.isValid).toBe(false);
      expect(failed).toContain(f.test);
    } else if (f.group === 'mandatory') {
      expect(outcome.import.isValid).toBe(true);
      expect(failed).toEqual([]);
    } else if (f.mustFail) {
      // Optional and informative tests never refuse a document: they are warnings.
      expect(warned).toContain(f.test);
      expect(failed).not.toContain(f.test);
    } else {
      expect(warned).not.toContain(f.test);
    }
  });
});

/** Serves a gocsaf mini provider from the corpus, its Go templates rendered with the server's URL and both hashes. */
function providerFiles(folder: string, baseUrl: string): Map<string, string | Uint8Array> {
  const root = corpusFile(`csaf/gocsaf/${folder}`);
  const files = new Map<string, string | Uint8Array>();
  const walk = (dir: string): void => {
    for (const name of readdirSync(dir)) {
      const full = path.join(dir, name);
      if (statSync(full).isDirectory()) walk(full);
      else {
        const bytes = readFileSync(full);
        const text = bytes.toString('utf8');
        const rel = `/${path.relative(root, full).split(path.sep).join('/')}`;
        files.set(rel, text.includes('{{') ? text.replace(/\{\{\.URL\}\}/g, baseUrl).replace(/\{\{(?:if \.EnableSha(?:256|512)|end)\}\}/g, '') : bytes);
      }
    }
  };
  walk(root);
  return files;
}

describe(`the gocsaf mini providers can be registered as sources and fetched (${testDialect})`, () => {
  let providerDb: TestDatabase;
  const servers: StaticServer[] = [];

  beforeAll(async () => {
    providerDb = await openTestDatabase(clock);
  });
  afterAll(async () => {
    for (const s of servers) await s.close();
    await providerDb.close();
  });

  it.each(['simple-rolie-provider', 'simple-directory-provider'])('%s: the advisory is fetched with its hashes and signature verified', async (folder) => {
    const server = await startStaticServer();
    servers.push(server);
    for (const [k, v] of providerFiles(folder, server.url)) server.files.set(k, v);

    const ctx = systemContext('corpus-test', clock);
    const source = await registerCsafSource(providerDb.database, ctx, { url: `${server.url}/provider-metadata.json` });
    expect(source).toMatchObject({ kind: 'provider-metadata', name: 'ACME Inc' });
    expect(source.publicKeys).toHaveLength(1);

    const results = await fetchCsafSource(providerDb.database, clock, source.id);
    expect(results.map((r) => [r.url.replace(server.url, ''), r.outcome])).toEqual([['/white/avendor-advisory-0004.json', expect.stringMatching(/^(imported|duplicate)$/)]]);
    const imported = await findImportById(providerDb.database.db, results[0]?.importId ?? '');
    expect(imported).toMatchObject({ isValid: true, hashVerified: true, trackingId: 'Avendor-advisory-0004' });
    // The first fetch verified the signature with the provider's public test key.
    expect(imported?.signatureVerified).toBe(true);
    // Documents the index does not list are not fetched.
    expect(server.requests).not.toContain('/white/avendor-advisory-0004-not-listed.json');
  });
});
