/**
 * The checker against real provider trees from the corpus, served read-only from the corpus folder by a local
 * HTTP server: the CISA IT subtree (its index paths are relative to the repository root, not to the index) and
 * the gocsaf mini providers (Go templates rendered in memory, signed with their public test key).
 */
import { readFileSync } from 'node:fs';
import path from 'node:path';
import { afterEach, describe, expect, it } from 'vitest';
import { checkProvider } from '#src/modules/csaf/checker/check-provider';
import { DEFAULT_CHECK_OPTIONS, type CheckReport, type RequirementNumber } from '#src/modules/csaf/checker/checker.types';
import { corpusFile } from './corpus';
import { serveFolder, type StaticServer } from '../csaf/checker-fixtures';

const options = { ...DEFAULT_CHECK_OPTIONS, allowHttp: true, timeoutMs: 10_000 };
const servers: StaticServer[] = [];
afterEach(async () => {
  for (const s of servers.splice(0)) await s.close();
});

function result(report: CheckReport, n: RequirementNumber) {
  const r = report.results.find((x) => x.requirement === n);
  if (r === undefined) throw new Error(`no result for ${n}`);
  return r;
}

describe('CISA IT subtree (cisagov/CSAF, served from the corpus)', () => {
  it('reports the index and changes entries that are not relative to their file, and still checks the documents found', async () => {
    const root = path.dirname(corpusFile('csaf/cisa/csaf_files/IT/white/index.txt')).replace(/\/csaf_files\/IT\/white$/, '');
    // The subtree has no provider-metadata.json: the test writes one pointing at it (served from memory).
    let base = '';
    const metadata = () =>
      JSON.stringify({
        canonical_url: `${base}/.well-known/csaf/provider-metadata.json`,
        distributions: [{ directory_url: `${base}/csaf_files/IT/white/` }, { rolie: { feeds: [{ tlp_label: 'WHITE', url: `${base}/csaf_files/IT/white/cisa-csaf-it-feed-tlp-white.json` }] } }],
        last_updated: '2024-10-03T16:03:00.000Z',
        list_on_CSAF_aggregators: true,
        metadata_version: '2.0',
        mirror_on_CSAF_aggregators: true,
        public_openpgp_keys: [],
        publisher: { category: 'coordinator', name: 'CISA', namespace: 'https://www.cisa.gov/' },
        role: 'csaf_trusted_provider',
      });
    const routes: Parameters<typeof serveFolder>[1] = {};
    const server = await serveFolder(root, routes);
    servers.push(server);
    base = server.url;
    routes['/.well-known/csaf/provider-metadata.json'] = { status: 200, body: metadata(), headers: { 'content-type': 'application/json' } };

    const report = await checkProvider(server.url, options);
    expect(report.results).toHaveLength(20);
    expect(report.documentsChecked).toBe(8); // 4 through index/changes (found at the root), 4 feed entries on GitHub

    // 7.1.12: every index entry is reported as not relative to index.txt, and found at the site root.
    const r12 = result(report, 12);
    expect(r12.status).toBe('fail');
    expect(r12.details).toHaveLength(4);
    for (const d of r12.details) expect(d).toMatch(/^entry "csaf_files\/IT\/white\/2024\/va-24-\d{3}-\d{2}\.json" not found relative to index\.txt; it exists relative to the site root/);

    // 7.1.15: the feed's entries point to raw.githubusercontent.com (not fetched offline) and spell "rel" as "ref".
    const r15 = result(report, 15);
    expect(r15.status).toBe('fail');
    expect(r15.details.join('\n')).toMatch(/has no "rel" \(it has "ref": "hash", a misspelling\)/);
    expect(r15.details.join('\n')).toMatch(/host raw\.githubusercontent\.com is outside the checked site/);
    expect(report.notes.join('\n')).toMatch(/raw\.githubusercontent\.com/);

    // The four documents found are checked: valid, well named, in their year folder, hashes matching.
    for (const n of [1, 2, 11, 18] as RequirementNumber[]) expect(result(report, n).status, `requirement ${n}`).toBe('pass');
    expect(result(report, 1).reason).toMatch(/^4 document\(s\) valid/);
    expect(result(report, 18).reason).toMatch(/sha512/);
    expect(result(report, 14).status).toBe('pass');

    // No public key in provider-metadata.json: signatures are present but cannot be verified.
    expect(result(report, 20).status).toBe('fail');
    const r19 = result(report, 19);
    expect(r19.status).toBe('fail');
    expect(r19.details).toHaveLength(4);
    for (const d of r19.details) expect(d).toMatch(/signature by key [0-9A-F]{16} cannot be verified: no public key/);
    expect(report.isCompliant).toBe(false);
  });
});

/** Renders a gocsaf provider template ({{.URL}}, {{if .EnableSha256}} … {{end}}) with both hashes enabled. */
function renderTemplate(text: string, url: string): string {
  return text.replace(/\{\{if \.EnableSha(?:256|512)\}\}/g, '').replace(/\{\{end\}\}/g, '').replaceAll('{{.URL}}', url);
}

async function serveGocsaf(name: 'simple-directory-provider' | 'simple-rolie-provider'): Promise<StaticServer> {
  const root = path.dirname(corpusFile(`csaf/gocsaf/${name}/provider-metadata.json`));
  const routes: Parameters<typeof serveFolder>[1] = {};
  const server = await serveFolder(root, routes);
  servers.push(server);
  // Template files are rendered for this server's URL; everything else is served verbatim.
  for (const file of ['provider-metadata.json', 'security.txt', 'service.json', 'white/white-feed.json']) {
    let text: string;
    try {
      text = readFileSync(path.join(root, file), 'utf8');
    } catch {
      continue;
    }
    routes[`/${file}`] = { status: 200, body: renderTemplate(text, server.url) };
  }
  return server;
}

describe('gocsaf mini providers (templates rendered, public test key)', () => {
  it('directory-based provider: signatures verify with its key; its flat folder fails 11; the unlisted document is not examined', async () => {
    const server = await serveGocsaf('simple-directory-provider');
    const report = await checkProvider(`${server.url}/provider-metadata.json`, options);
    expect(report.role).toBe('csaf_trusted_provider');
    expect(result(report, 7).status).toBe('pass');
    expect(result(report, 20).status).toBe('pass');
    expect(result(report, 20).reason).toMatch(/A8914CA2F11139C6A69A0018FB3CD9B15DE61596/);
    expect(result(report, 19).status).toBe('pass');
    expect(result(report, 18).status).toBe('pass');
    expect(result(report, 1).status).toBe('pass');
    expect(result(report, 12).status).toBe('pass');
    expect(result(report, 13).status).toBe('pass');
    // The documents sit in white/, not in a year folder.
    expect(result(report, 11).status).toBe('fail');
    expect(result(report, 11).details).toEqual(['avendor-advisory-0004.json: in folder "white", but initial_release_date is in 2020']);
    // Its security.txt says "CSAF: /provider-metadata.json": a relative path, not an https:// URL.
    expect(result(report, 8).status).toBe('fail');
    expect(result(report, 8).details.join('\n')).toMatch(/does not begin with https:\/\//);
    expect(report.documentsChecked).toBe(1);
  });

  it('ROLIE-based provider: the feed entry whose content.src differs from its self link is reported', async () => {
    const server = await serveGocsaf('simple-rolie-provider');
    const report = await checkProvider(`${server.url}/provider-metadata.json`, options);
    expect(result(report, 15).status).toBe('fail');
    expect(result(report, 15).details.join('\n')).toMatch(/content\.src .* differs from the self link/);
    // service.json exists but provider-metadata.json does not announce it: requirement 16 does not apply.
    expect(result(report, 16).status).toBe('not_applicable');
    expect(result(report, 19).status).toBe('pass');
    expect(result(report, 18).status).toBe('pass');
    expect([12, 13, 14].map((n) => result(report, n as RequirementNumber).status)).toEqual(['not_applicable', 'not_applicable', 'not_applicable']);
  });
});
