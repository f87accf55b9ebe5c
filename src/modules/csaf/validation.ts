import type { CsafDocumentTest, CsafValidatorMessage } from '@secvisogram/csaf-validator-lib/validate.js';
import type { CsafFinding, CsafJson, CsafValidation } from '#src/modules/csaf/csaf.types';
import { readFile } from 'node:fs/promises';
import validate from '@secvisogram/csaf-validator-lib/validate.js';

/**
 * Informative tests left out: 6.3.6 and 6.3.7 fetch every URL of the document (the gate runs offline, inside the
 * publishing transaction), 6.3.8 spawns hunspell with per-language dictionaries.
 */
const skippedTests: ReadonlySet<string> = new Set(['6.3.6', '6.3.7', '6.3.8']);

/** `mandatoryTest_6_1_27_1` → `6.1.27.1`; the strict schema test → `schema`. */
export function csafTestId(functionName: string): string {
  const m = /^(?:mandatory|optional|informative)Test_(\d+(?:_\d+)*)$/.exec(functionName);
  if (m) return (m[1] ?? '').replace(/_/g, '.');
  return functionName.startsWith('csaf_2_0') ? 'schema' : functionName;
}

/** Orders test ids numerically (6.1.2 before 6.1.10), so findings always come in the specification's order. */
function compareTestIds(a: string, b: string): number {
  const pa = a.split('.').map(Number);
  const pb = b.split('.').map(Number);
  for (let i = 0; i < Math.max(pa.length, pb.length); i += 1) {
    const d = (pa[i] ?? -1) - (pb[i] ?? -1);
    if (d !== 0) return d;
  }
  return 0;
}

function ordered(tests: object): CsafDocumentTest[] {
  return Object.entries(tests)
    .filter((entry): entry is [string, CsafDocumentTest] => /Test_\d/.test(entry[0]) && typeof entry[1] === 'function')
    .map(([name, test]) => ({ id: csafTestId(name), test }))
    .filter((t) => !skippedTests.has(t.id))
    .sort((a, b) => compareTestIds(a.id, b.id))
    .map((t) => t.test);
}

/**
 * The library compiles one JSON schema per test when its modules are imported: about 3 s for the strict schema and
 * the mandatory tests, 10 s more for the optional and informative ones (measured on the CI machine). So the tests are
 * loaded on first use, in two parts: the publish gate needs only the first; the warnings (console check, import)
 * load the second. `ribat serve` warms both up in the background after it starts listening.
 */
let errorTests: Promise<readonly CsafDocumentTest[]> | undefined;
let advisoryTests: Promise<{ warnings: readonly CsafDocumentTest[]; infos: readonly CsafDocumentTest[] }> | undefined;

/** Strict schema (extra properties are errors) then every mandatory test: any finding makes the document invalid. */
function loadErrorTests(): Promise<readonly CsafDocumentTest[]> {
  errorTests ??= Promise.all([import('@secvisogram/csaf-validator-lib/schemaTests.js'), import('@secvisogram/csaf-validator-lib/mandatoryTests.js')]).then(
    ([schema, mandatory]) => [schema.csaf_2_0_strict, ...ordered(mandatory)],
  );
  return errorTests;
}

/** The optional tests (warnings) and the offline informative tests (infos). */
function loadAdvisoryTests(): Promise<{ warnings: readonly CsafDocumentTest[]; infos: readonly CsafDocumentTest[] }> {
  advisoryTests ??= Promise.all([import('@secvisogram/csaf-validator-lib/optionalTests.js'), import('@secvisogram/csaf-validator-lib/informativeTests.js')]).then(
    ([optional, informative]) => ({ warnings: ordered(optional), infos: ordered(informative) }),
  );
  return advisoryTests;
}

/**
 * Loads the tests of a validation scope now. The checker calls it before its first request: loading compiles schemas
 * synchronously for seconds, which would otherwise stall in-flight downloads until their timeouts fire.
 */
export async function loadCsafValidator(scope: CsafValidationScope): Promise<void> {
  await loadErrorTests();
  if (scope === 'all') await loadAdvisoryTests();
}

/**
 * Loads every test the validation runs, so that the first publication or import does not wait for it. The test
 * modules are imported one at a time with a turn of the event loop between them (each compiles its schema
 * synchronously, a few hundred milliseconds), so a server warming up keeps answering requests.
 */
export async function preloadCsafValidator(): Promise<void> {
  for (const aggregate of ['schemaTests', 'mandatoryTests', 'optionalTests', 'informativeTests']) {
    const index = new URL(`lib/${aggregate}.js`, new URL('./', import.meta.resolve('@secvisogram/csaf-validator-lib/validate.js')));
    const text = await readFile(index, 'utf8').catch(() => '');
    for (const match of text.matchAll(/from '(\.\/[^']+\.js)'/g)) {
      await new Promise((resolve) => setImmediate(resolve));
      await import(new URL(match[1] ?? '', index).href);
    }
  }
  await loadErrorTests();
  await loadAdvisoryTests();
}

function findings(results: { name: string; errors: CsafValidatorMessage[]; warnings: CsafValidatorMessage[]; infos: CsafValidatorMessage[] }[]): CsafFinding[] {
  return results.flatMap((r) => {
    const test = csafTestId(r.name);
    return [...r.errors, ...r.warnings, ...r.infos].map((m) => ({ test, path: m.instancePath, message: m.message }));
  });
}

/** `errors`: the strict schema and the mandatory tests only (the publish gate); `all`: warnings and infos as well. */
export type CsafValidationScope = 'errors' | 'all';

/**
 * Validates a CSAF 2.0 document in-process and offline with @secvisogram/csaf-validator-lib: the strict schema and
 * the mandatory tests (6.1.x) give the errors, the optional tests (6.2.x) the warnings and the informative tests
 * that need no network (6.3.x but 6.3.6–6.3.8) the infos. Only the library's own test functions are run. With scope
 * `errors`, warnings and infos are left empty (the verdict is the same).
 */
export async function validateCsafDocument(doc: CsafJson, scope: CsafValidationScope = 'all'): Promise<CsafValidation> {
  const mandatory = await validate(await loadErrorTests(), doc);
  const errors = findings(mandatory.tests);
  const isValid = mandatory.isValid && errors.length === 0;
  if (scope === 'errors') return { isValid, errors, warnings: [], infos: [] };
  const advisory = await loadAdvisoryTests();
  const optional = await validate(advisory.warnings, doc);
  const informative = await validate(advisory.infos, doc);
  return { isValid, errors, warnings: findings(optional.tests), infos: findings(informative.tests) };
}
