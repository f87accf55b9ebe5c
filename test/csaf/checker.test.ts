import { mkdtempSync, readFileSync, rmSync, unlinkSync, writeFileSync } from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { afterEach, beforeAll, describe, expect, it } from 'vitest';
import { main, type CliIo } from '#src/cli/main';
import { checkProvider, parseCsvLine } from '#src/modules/csaf/checker/check-provider';
import { DEFAULT_CHECK_OPTIONS, type CheckReport, type RequirementNumber } from '#src/modules/csaf/checker/checker.types';
import { unmetForRole } from '#src/modules/csaf/checker/requirements';
import { generateTestKey, minimalCsafDocument, serveFolder, signDetached, writeProviderTree, type TestKey, type TreeDocument } from './checker-fixtures';

const options = { ...DEFAULT_CHECK_OPTIONS, allowHttp: true, timeoutMs: 5000 };

let key: TestKey;
beforeAll(async () => {
  key = await generateTestKey();
});

const cleanups: (() => Promise<void> | void)[] = [];
afterEach(async () => {
  for (const c of cleanups.splice(0).reverse()) await c();
});

function documents(): TreeDocument[] {
  return [
    { trackingId: 'TEST-2024-0001', folder: '2024', fileName: 'test-2024-0001.json', json: minimalCsafDocument('TEST-2024-0001', { initial: '2024-03-01T10:00:00.000Z' }) },
    { trackingId: 'TEST-2024-0002', folder: '2024', fileName: 'test-2024-0002.json', json: minimalCsafDocument('TEST-2024-0002', { initial: '2024-05-01T10:00:00.000Z', current: '2024-06-01T10:00:00.000Z' }) },
    { trackingId: 'TEST-2023-0007', folder: '2023', fileName: 'test-2023-0007.json', json: minimalCsafDocument('TEST-2023-0007', { initial: '2023-11-20T08:00:00.000Z' }) },
  ];
}

/** A served provider tree; `tamper` edits the files on disk before the check. */
async function provider(tamper?: (root: string, tree: Awaited<ReturnType<typeof writeProviderTree>>, docs: TreeDocument[]) => Promise<void> | void, tree: Partial<Parameters<typeof writeProviderTree>[2]> = {}) {
  const root = mkdtempSync(path.join(os.tmpdir(), 'ribat-csaf-check-'));
  const server = await serveFolder(root);
  cleanups.push(() => rmSync(root, { recursive: true, force: true }), () => server.close());
  const docs = tree.documents ?? documents();
  const written = await writeProviderTree(root, server.url, { documents: docs, key, ...tree });
  if (tamper !== undefined) await tamper(root, written, docs);
  return { root, server, docs, written };
}

function failing(report: CheckReport): RequirementNumber[] {
  return report.results.filter((r) => r.status === 'fail').map((r) => r.requirement);
}

function result(report: CheckReport, n: RequirementNumber) {
  const r = report.results.find((x) => x.requirement === n);
  if (r === undefined) throw new Error(`no result for ${n}`);
  return r;
}

describe('ribat csaf check: a correct trusted provider (over plain HTTP)', () => {
  it('passes every requirement except 3 (TLS), which fails honestly, for csaf_trusted_provider', async () => {
    const { server } = await provider();
    const report = await checkProvider(server.url, options);
    expect(report.providerMetadataUrl).toBe(`${server.url}/.well-known/csaf/provider-metadata.json`);
    expect(report.role).toBe('csaf_trusted_provider');
    expect(report.roleSource).toBe('metadata');
    expect(report.documentsChecked).toBe(3);
    expect(failing(report)).toEqual([3]);
    expect(result(report, 3).reason).toMatch(/plain HTTP/);
    expect(result(report, 10).status).toBe('not_applicable');
    expect(result(report, 17).status).toBe('not_applicable');
    for (const n of [1, 2, 4, 5, 6, 7, 8, 9, 11, 12, 13, 14, 15, 16, 18, 19, 20] as RequirementNumber[]) expect(result(report, n).status, `requirement ${n}`).toBe('pass');
    expect(report.unmetRequirements).toEqual([3]);
    expect(report.isCompliant).toBe(false);
  });

  it('accepts a provider-metadata.json URL and a domain-like base URL alike', async () => {
    const { server } = await provider();
    const byMetadata = await checkProvider(`${server.url}/.well-known/csaf/provider-metadata.json`, options);
    expect(failing(byMetadata)).toEqual([3]);
    const byBase = await checkProvider(`${server.url}/.well-known/csaf/`, options);
    expect(byBase.providerMetadataUrl).toBe(`${server.url}/.well-known/csaf/provider-metadata.json`);
    expect(failing(byBase)).toEqual([3]);
  });

  it('checks a ROLIE-only provider: 11–14 do not apply to it except the year folder; 15–17 do', async () => {
    const { server } = await provider(undefined, { withDirectory: false });
    const report = await checkProvider(server.url, options);
    expect(failing(report)).toEqual([3]);
    expect([12, 13, 14].map((n) => result(report, n as RequirementNumber).status)).toEqual(['not_applicable', 'not_applicable', 'not_applicable']);
    expect(result(report, 15).status).toBe('pass');
  });

  it('a csaf_publisher only needs 1–4: the mandatory flags follow the claimed role', async () => {
    const { server } = await provider(undefined, { role: 'csaf_publisher' });
    const report = await checkProvider(server.url, options);
    expect(report.role).toBe('csaf_publisher');
    expect(report.results.filter((r) => r.mandatory).map((r) => r.requirement)).toEqual([1, 2, 3, 4]);
    expect(report.unmetRequirements).toEqual([3]);
  });
});

describe('ribat csaf check: one thing broken at a time fails exactly its requirement', () => {
  it('7.1.18 a wrong hash fails requirement 18 only', async () => {
    const { server } = await provider((_root, tree, docs) => {
      const file = `${tree.documentPath(docs[1])}.sha512`;
      writeFileSync(file, `${'0'.repeat(128)}  test-2024-0002.json\n`);
    });
    const report = await checkProvider(server.url, options);
    expect(failing(report)).toEqual([3, 18]);
    expect(result(report, 18).details.join('\n')).toMatch(/test-2024-0002\.json: SHA512 mismatch/);
    expect(report.unmetRequirements).toEqual([3, 18]);
  });

  it('7.1.19 a signature over other bytes fails requirement 19 only', async () => {
    const { server } = await provider(async (_root, tree, docs) => {
      writeFileSync(`${tree.documentPath(docs[0])}.asc`, await signDetached(key.privateKey, Buffer.from('something else')));
    });
    const report = await checkProvider(server.url, options);
    expect(failing(report)).toEqual([3, 19]);
    expect(result(report, 19).details.join('\n')).toMatch(/test-2024-0001\.json: BAD signature/);
  });

  it('7.1.19 a signature by a key not in provider-metadata.json fails requirement 19', async () => {
    const stranger = await generateTestKey();
    const { server } = await provider(async (_root, tree, docs) => {
      const file = tree.documentPath(docs[2]);
      writeFileSync(`${file}.asc`, await signDetached(stranger.privateKey, readFileSync(file)));
    });
    const report = await checkProvider(server.url, options);
    expect(failing(report)).toEqual([3, 19]);
    expect(result(report, 19).details.join('\n')).toMatch(/test-2023-0007\.json: signed by key .* not among the keys/);
  });

  it('7.1.12 a missing index.txt fails requirement 12 only', async () => {
    const { server } = await provider((root) => unlinkSync(path.join(root, '.well-known/csaf/white/index.txt')));
    const report = await checkProvider(server.url, options);
    expect(failing(report)).toEqual([3, 12]);
    expect(result(report, 12).details.join('\n')).toMatch(/index\.txt: not found \(404\)/);
  });

  it('7.1.2 a file not named after its tracking id fails requirement 2 only', async () => {
    const docs = documents();
    (docs[0]).fileName = 'Advisory 1.json';
    const { server } = await provider(undefined, { documents: docs });
    const report = await checkProvider(server.url, options);
    expect(failing(report)).toEqual([2, 3]);
    expect(result(report, 2).details).toEqual(['Advisory 1.json: should be test-2024-0001.json (tracking id TEST-2024-0001)']);
  });

  it('7.1.1 an invalid document (no title, wrong version) fails requirement 1 only', async () => {
    const docs = documents();
    const bad = (docs[1]).json as { document: Record<string, unknown> & { tracking: Record<string, unknown> } };
    delete bad.document.title;
    bad.document.tracking.version = '2';
    const { server } = await provider(undefined, { documents: docs });
    const report = await checkProvider(server.url, options);
    expect(failing(report)).toEqual([1, 3]);
    expect(result(report, 1).details.join('\n')).toMatch(/test-2024-0002\.json: .*schema/);
  });

  it('7.1.11 a document outside its initial release year folder fails requirement 11 only', async () => {
    const docs = documents();
    (docs[2]).folder = '2024';
    const { server } = await provider(undefined, { documents: docs });
    const report = await checkProvider(server.url, options);
    expect(failing(report)).toEqual([3, 11]);
    expect(result(report, 11).details).toEqual(['test-2023-0007.json: in folder "2024", but initial_release_date is in 2023']);
  });

  it('7.1.13 changes.csv out of order fails requirement 13 only', async () => {
    const { server } = await provider((root) => {
      const file = path.join(root, '.well-known/csaf/white/changes.csv');
      writeFileSync(file, readFileSync(file, 'utf8').trim().split('\n').reverse().join('\n'));
    });
    const report = await checkProvider(server.url, options);
    expect(failing(report)).toEqual([3, 13]);
    expect(result(report, 13).details.join('\n')).toMatch(/not sorted/);
  });

  it('7.1.15 a feed that does not list the hash files fails requirement 15', async () => {
    const { server } = await provider((root) => {
      const file = path.join(root, '.well-known/csaf/white/feed-tlp-white.json');
      const feed = JSON.parse(readFileSync(file, 'utf8')) as { feed: { entry: { link: { rel: string }[] }[] } };
      for (const e of feed.feed.entry) e.link = e.link.filter((l) => l.rel !== 'hash');
      writeFileSync(file, JSON.stringify(feed));
    });
    const report = await checkProvider(server.url, options);
    expect(failing(report)).toEqual([3, 15]);
    expect(result(report, 15).details.join('\n')).toMatch(/\.sha256 exists but is not listed in the feed entry/);
  });

  it('7.1.5 a TLP:RED document reachable without authentication fails requirement 5 (and 15: wrong feed)', async () => {
    const docs = documents();
    (docs[0]).json = minimalCsafDocument('TEST-2024-0001', { tlp: 'RED' });
    const { server } = await provider(undefined, { documents: docs });
    const report = await checkProvider(server.url, options);
    expect(failing(report)).toEqual([3, 5, 15]);
    expect(result(report, 5).details.join('\n')).toMatch(/TLP:RED and was downloaded without any authentication/);
  });

  it('7.1.20 a public key whose fingerprint differs from provider-metadata.json fails 20; signatures still verify', async () => {
    const { server } = await provider((root) => {
      const file = path.join(root, '.well-known/csaf/provider-metadata.json');
      writeFileSync(file, readFileSync(file, 'utf8').replace(`"fingerprint": "${key.fingerprint}"`, `"fingerprint": "${'A'.repeat(40)}"`));
    });
    const report = await checkProvider(server.url, options);
    expect(failing(report)).toEqual([3, 20]);
  });

  it('7.1.8 security.txt without a CSAF field fails 8, still met through 9', async () => {
    const { server } = await provider((root) => writeFileSync(path.join(root, '.well-known/security.txt'), 'Contact: mailto:x@example.org\n'));
    const report = await checkProvider(server.url, options);
    expect(failing(report)).toEqual([3, 8]);
    expect(report.unmetRequirements).toEqual([3]);
  });

  it('7.1.14 a server without directory listings fails 14', async () => {
    const root = mkdtempSync(path.join(os.tmpdir(), 'ribat-csaf-check-'));
    cleanups.push(() => rmSync(root, { recursive: true, force: true }));
    // The listing routes answer 403, as a web server with autoindex off does.
    const server = await serveFolder(root, { '/.well-known/csaf/white/': { status: 403 }, '/.well-known/csaf/white/2024/': { status: 403 }, '/.well-known/csaf/white/2023/': { status: 403 } });
    cleanups.push(() => server.close());
    await writeProviderTree(root, server.url, { documents: documents(), key });
    const report = await checkProvider(server.url, options);
    expect(failing(report)).toEqual([3, 14]);
  });
});

describe('ribat csaf check: bad data never crashes the checker', () => {
  it('garbage provider-metadata.json, feed and documents become failures with reasons', async () => {
    const { server } = await provider((root, tree, docs) => {
      writeFileSync(path.join(root, '.well-known/csaf/white/feed-tlp-white.json'), '{"feed": {"entry": [1, null, {"link": "x"}]}}');
      writeFileSync(tree.documentPath(docs[0]), '{not json');
      writeFileSync(`${tree.documentPath(docs[1])}.asc`, 'garbage');
      writeFileSync(path.join(root, '.well-known/csaf/white/changes.csv'), 'filename,date\n"unterminated\n');
    });
    const report = await checkProvider(server.url, options);
    expect(failing(report)).toEqual(expect.arrayContaining([1, 13, 15, 18, 19]));
    expect(result(report, 1).details.join('\n')).toMatch(/test-2024-0001\.json: not JSON/);
    expect(result(report, 19).details.join('\n')).toMatch(/not an OpenPGP signature/);
    expect(result(report, 13).details.join('\n')).toMatch(/MUST NOT have a heading/);
  });

  it('a provider-metadata.json that is not valid against the schema fails 7 and 9, and the role falls back to csaf_publisher', async () => {
    const { server } = await provider((root) => writeFileSync(path.join(root, '.well-known/csaf/provider-metadata.json'), '{"role": "superhero", "distributions": "no"}'));
    const report = await checkProvider(server.url, options);
    expect(result(report, 7).status).toBe('fail');
    expect(result(report, 7).details.join('\n')).toMatch(/must have required property 'canonical_url'/);
    expect(result(report, 9).status).toBe('fail');
    expect(report.role).toBe('csaf_publisher');
    expect(report.roleSource).toBe('default');
  });

  it('a server that answers nothing useful: every requirement has a verdict', async () => {
    const root = mkdtempSync(path.join(os.tmpdir(), 'ribat-csaf-check-'));
    cleanups.push(() => rmSync(root, { recursive: true, force: true }));
    const server = await serveFolder(root, { '/.well-known/csaf/provider-metadata.json': { status: 500, body: 'boom' } });
    cleanups.push(() => server.close());
    const report = await checkProvider(server.url, options);
    expect(report.results).toHaveLength(20);
    expect(result(report, 7).reason).toMatch(/no provider-metadata\.json found/);
    expect(report.isCompliant).toBe(false);
  });

  it('an oversized file is refused, not read whole', async () => {
    const { server } = await provider((_root, tree, docs) => {
      writeFileSync(tree.documentPath(docs[0]), `{"pad": "${'x'.repeat(200_000)}"}`);
    });
    const report = await checkProvider(server.url, { ...options, maxBytes: 100_000 });
    expect(result(report, 15).details.join('\n')).toMatch(/larger than 100000 bytes/);
  });

  it('hosts other than the target are not contacted: their entries are reported', async () => {
    const { server } = await provider((root) => {
      const file = path.join(root, '.well-known/csaf/white/feed-tlp-white.json');
      const feed = JSON.parse(readFileSync(file, 'utf8')) as { feed: { entry: { link: { href: string }[]; content: { src: string } }[] } };
      const entry = feed.feed.entry[0];
      if (entry === undefined) throw new Error('no entry');
      for (const l of entry.link) l.href = l.href.replace(/^http:\/\/127\.0\.0\.1:\d+/, 'https://csaf.elsewhere.example');
      entry.content.src = entry.content.src.replace(/^http:\/\/127\.0\.0\.1:\d+/, 'https://csaf.elsewhere.example');
      writeFileSync(file, JSON.stringify(feed));
    });
    const report = await checkProvider(server.url, options);
    expect(report.notes.join('\n')).toMatch(/Not fetched \(outside the checked site\): csaf\.elsewhere\.example/);
    expect(result(report, 15).details.join('\n')).toMatch(/host csaf\.elsewhere\.example is outside the checked site/);
  });
});

describe('ribat csaf check: command line', () => {
  function io(): CliIo & { lines: string[]; errors: string[] } {
    const lines: string[] = [];
    const errors: string[] = [];
    return { lines, errors, out: (l) => lines.push(l), err: (l) => errors.push(l), readStdin: async () => '', env: {} };
  }

  it('prints one line per requirement and exits 1 when a requirement of the role fails (TLS over http)', async () => {
    const { server } = await provider();
    const c = io();
    expect(await main(['node', 'ribat', 'csaf', 'check', server.url, '--insecure-http'], c)).toBe(1);
    const text = c.lines.join('\n');
    expect(text).toMatch(/^ 3\* FAIL {2}TLS: /m);
    expect(text).toMatch(/^18\* PASS {2}Integrity: /m);
    expect(text).toMatch(/^10\* N\/A {3}DNS path: /m);
    expect(text).toMatch(/Result: csaf_trusted_provider NOT met; unmet requirement\(s\): 3\./);
  });

  it('--json prints the machine-readable report', async () => {
    const { server } = await provider();
    const c = io();
    expect(await main(['node', 'ribat', 'csaf', 'check', `${server.url}/.well-known/csaf/provider-metadata.json`, '--insecure-http', '--json'], c)).toBe(1);
    const report = JSON.parse(c.lines.join('\n')) as CheckReport;
    expect(report.results.map((r) => r.requirement)).toEqual([1, 2, 3, 4, 5, 6, 7, 8, 9, 10, 11, 12, 13, 14, 15, 16, 17, 18, 19, 20]);
    expect(report.unmetRequirements).toEqual([3]);
  });

  it('exits 2 on usage errors', async () => {
    const c = io();
    expect(await main(['node', 'ribat', 'csaf', 'check', 'http://127.0.0.1:1/'], c)).toBe(2);
    expect(c.errors.join('\n')).toMatch(/needs --insecure-http/);
    expect(await main(['node', 'ribat', 'csaf', 'check', 'ftp://example.org/'], io())).toBe(2);
    expect(await main(['node', 'ribat', 'csaf', 'check', 'example.org', '--role', 'king'], io())).toBe(2);
    expect(await main(['node', 'ribat', 'csaf', 'check'], io())).toBe(2);
  });
});

describe('role rules (CSAF 2.0 section 7.2)', () => {
  const all = (status: 'pass' | 'fail' | 'not_applicable', overrides: Partial<Record<number, 'pass' | 'fail' | 'not_applicable'>> = {}) =>
    Array.from({ length: 20 }, (_, i) => ({ requirement: (i + 1) as RequirementNumber, title: '', status: overrides[i + 1] ?? status, reason: '', details: [], warnings: [], mandatory: false }));

  it('one of 8–10 suffices for a provider', () => {
    expect(unmetForRole('csaf_provider', { directory: true, rolie: false }, all('pass', { 8: 'fail', 10: 'not_applicable' }))).toEqual([]);
    expect(unmetForRole('csaf_provider', { directory: true, rolie: false }, all('pass', { 8: 'fail', 9: 'fail', 10: 'not_applicable' }))).toEqual([8, 9, 10]);
  });

  it('a directory-based provider needs 11–14, not 15–17; a trusted provider also 18–20', () => {
    expect(unmetForRole('csaf_provider', { directory: true, rolie: false }, all('pass', { 15: 'fail', 18: 'fail' }))).toEqual([]);
    expect(unmetForRole('csaf_trusted_provider', { directory: true, rolie: false }, all('pass', { 15: 'fail', 18: 'fail' }))).toEqual([18]);
    expect(unmetForRole('csaf_provider', { directory: true, rolie: true }, all('pass', { 16: 'fail' }))).toEqual([16]);
  });

  it('a publisher needs 1–4 only', () => {
    expect(unmetForRole('csaf_publisher', { directory: false, rolie: false }, all('fail', { 1: 'pass', 2: 'pass', 3: 'pass', 4: 'not_applicable' }))).toEqual([]);
  });

  it('changes.csv lines: quoted, unquoted, escaped quotes, malformed', () => {
    expect(parseCsvLine('"2024/a.json","2024-01-01T00:00:00Z"')).toEqual(['2024/a.json', '2024-01-01T00:00:00Z']);
    expect(parseCsvLine('2024/a.json,2024-01-01T00:00:00Z')).toEqual(['2024/a.json', '2024-01-01T00:00:00Z']);
    expect(parseCsvLine('"a""b.json","x"')).toEqual(['a"b.json', 'x']);
    expect(parseCsvLine('"unterminated')).toBeNull();
  });
});
