/** A small CSAF provider tree on disk, served by a real HTTP server on 127.0.0.1, for the checker's tests. */
import { createHash } from 'node:crypto';
import { createServer, type Server } from 'node:http';
import { existsSync, mkdirSync, readdirSync, readFileSync, statSync, writeFileSync } from 'node:fs';
import type { AddressInfo } from 'node:net';
import path from 'node:path';
import * as openpgp from 'openpgp';

export interface StaticServer {
  url: string;
  /** Every request path received, in order. */
  requests: string[];
  close(): Promise<void>;
}

/**
 * Serves `root` read-only: files as they are, folders (URL ending in "/") as a generated HTML listing,
 * anything else 404. `routes` overrides single paths (status, body) to simulate broken servers.
 */
export async function serveFolder(root: string, routes: Record<string, { status: number; body?: string; headers?: Record<string, string> }> = {}): Promise<StaticServer> {
  const requests: string[] = [];
  const server: Server = createServer((req, res) => {
    const urlPath = decodeURIComponent((req.url ?? '/').split('?')[0] ?? '/');
    requests.push(urlPath);
    const route = routes[urlPath];
    if (route !== undefined) {
      res.writeHead(route.status, route.headers ?? {});
      res.end(route.body ?? '');
      return;
    }
    const file = path.join(root, urlPath);
    if (!file.startsWith(root) || !existsSync(file)) {
      res.writeHead(404).end('not found');
      return;
    }
    if (statSync(file).isDirectory()) {
      if (!urlPath.endsWith('/')) {
        res.writeHead(404).end('not found');
        return;
      }
      const entries = readdirSync(file, { withFileTypes: true }).map((e) => (e.isDirectory() ? `${e.name}/` : e.name));
      res.writeHead(200, { 'content-type': 'text/html; charset=utf-8' });
      res.end(`<!doctype html><html><body><ul>${entries.map((e) => `<li><a href="${e}">${e}</a></li>`).join('')}</ul></body></html>`);
      return;
    }
    const type = file.endsWith('.json') ? 'application/json' : 'text/plain; charset=utf-8';
    res.writeHead(200, { 'content-type': type });
    res.end(readFileSync(file));
  });
  await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve));
  const { port } = server.address() as AddressInfo;
  return {
    url: `http://127.0.0.1:${port}`,
    requests,
    close: () => new Promise<void>((resolve) => server.close(() => resolve())),
  };
}

/** A minimal valid CSAF 2.0 csaf_base document. */
export function minimalCsafDocument(trackingId: string, options: { tlp?: string; initial?: string; current?: string } = {}): Record<string, unknown> {
  const initial = options.initial ?? '2024-03-01T10:00:00.000Z';
  const current = options.current ?? initial;
  return {
    document: {
      category: 'csaf_base',
      csaf_version: '2.0',
      distribution: { tlp: { label: options.tlp ?? 'WHITE', url: 'https://www.first.org/tlp/' } },
      lang: 'en',
      publisher: { category: 'coordinator', name: 'Test CERT', namespace: 'https://cert.example' },
      title: `Test advisory ${trackingId}`,
      tracking: {
        current_release_date: current,
        id: trackingId,
        initial_release_date: initial,
        revision_history: [{ date: current, number: '1', summary: 'Initial version.' }],
        status: 'final',
        version: '1',
      },
    },
  };
}

export interface TestKey {
  privateKey: openpgp.PrivateKey;
  armoredPublicKey: string;
  fingerprint: string;
}

/** A fresh Ed25519 signing key (fast to generate). */
export async function generateTestKey(): Promise<TestKey> {
  const { privateKey, publicKey } = await openpgp.generateKey({ type: 'ecc', curve: 'curve25519Legacy', userIDs: [{ name: 'Test CERT', email: 'csaf@cert.example' }], format: 'armored' });
  const key = await openpgp.readPrivateKey({ armoredKey: privateKey });
  return { privateKey: key, armoredPublicKey: publicKey, fingerprint: key.getFingerprint().toUpperCase() };
}

export async function signDetached(key: openpgp.PrivateKey, bytes: Buffer): Promise<string> {
  const message = await openpgp.createMessage({ binary: new Uint8Array(bytes) });
  return openpgp.sign({ message, signingKeys: key, detached: true, format: 'armored' });
}

/** One document of the tree: its tracking id, year folder, file name and content. */
export interface TreeDocument {
  trackingId: string;
  folder: string;
  fileName: string;
  json: Record<string, unknown>;
}

export interface TreeOptions {
  documents: TreeDocument[];
  key: TestKey;
  /** Called with the tree's root before anything is written, to let a test break one thing after. */
  withRolie?: boolean;
  withDirectory?: boolean;
  role?: string;
}

/** Writes a trusted-provider tree under `root`, for the server at `baseUrl`: metadata, security.txt, index, changes, feed, hashes, signatures, key. */
export async function writeProviderTree(root: string, baseUrl: string, options: TreeOptions): Promise<{ csafDir: string; documentPath: (d: TreeDocument) => string }> {
  const csafDir = path.join(root, '.well-known', 'csaf');
  const whiteDir = path.join(csafDir, 'white');
  const base = `${baseUrl}/.well-known/csaf`;
  mkdirSync(path.join(csafDir, 'openpgp'), { recursive: true });
  writeFileSync(path.join(csafDir, 'openpgp', `${options.key.fingerprint}.asc`), options.key.armoredPublicKey);
  const withRolie = options.withRolie ?? true;
  const withDirectory = options.withDirectory ?? true;
  const distributions: Record<string, unknown>[] = [];
  if (withDirectory) distributions.push({ directory_url: `${base}/white/` });
  if (withRolie) distributions.push({ rolie: { feeds: [{ summary: 'TLP:WHITE advisories', tlp_label: 'WHITE', url: `${base}/white/feed-tlp-white.json` }], services: [`${base}/service.json`] } });
  const metadata = {
    canonical_url: `${base}/provider-metadata.json`,
    distributions,
    last_updated: '2024-03-02T00:00:00.000Z',
    list_on_CSAF_aggregators: true,
    metadata_version: '2.0',
    mirror_on_CSAF_aggregators: true,
    public_openpgp_keys: [{ fingerprint: options.key.fingerprint, url: `${base}/openpgp/${options.key.fingerprint}.asc` }],
    publisher: { category: 'coordinator', name: 'Test CERT', namespace: 'https://cert.example' },
    role: options.role ?? 'csaf_trusted_provider',
  };
  writeFileSync(path.join(csafDir, 'provider-metadata.json'), JSON.stringify(metadata, null, 2));
  writeFileSync(path.join(root, '.well-known', 'security.txt'), `Contact: mailto:csaf@cert.example\nCSAF: ${base}/provider-metadata.json\n`);
  const entries: Record<string, unknown>[] = [];
  const changes: { line: string; date: string }[] = [];
  const index: string[] = [];
  for (const d of options.documents) {
    const folder = path.join(whiteDir, d.folder);
    mkdirSync(folder, { recursive: true });
    const bytes = Buffer.from(`${JSON.stringify(d.json, null, 2)}\n`, 'utf8');
    const file = path.join(folder, d.fileName);
    writeFileSync(file, bytes);
    writeFileSync(`${file}.sha256`, `${createHash('sha256').update(bytes).digest('hex')}  ${d.fileName}\n`);
    writeFileSync(`${file}.sha512`, `${createHash('sha512').update(bytes).digest('hex')}  ${d.fileName}\n`);
    writeFileSync(`${file}.asc`, await signDetached(options.key.privateKey, bytes));
    const rel = `${d.folder}/${d.fileName}`;
    const url = `${base}/white/${rel}`;
    const tracking = (d.json.document as { tracking: { current_release_date: string; initial_release_date: string } }).tracking;
    index.push(rel);
    changes.push({ line: `"${rel}","${tracking.current_release_date}"`, date: tracking.current_release_date });
    entries.push({
      id: d.trackingId,
      title: `Advisory ${d.trackingId}`,
      link: [
        { rel: 'self', href: url },
        { rel: 'hash', href: `${url}.sha256` },
        { rel: 'hash', href: `${url}.sha512` },
        { rel: 'signature', href: `${url}.asc` },
      ],
      published: tracking.initial_release_date,
      updated: tracking.current_release_date,
      content: { type: 'application/json', src: url },
      format: { schema: 'https://docs.oasis-open.org/csaf/csaf/v2.0/csaf_json_schema.json', version: '2.0' },
    });
  }
  mkdirSync(whiteDir, { recursive: true });
  if (withDirectory) {
    writeFileSync(path.join(whiteDir, 'index.txt'), index.map((l) => `${l}\n`).join(''));
    changes.sort((a, b) => Date.parse(b.date) - Date.parse(a.date));
    writeFileSync(path.join(whiteDir, 'changes.csv'), changes.map((c) => `${c.line}\n`).join(''));
  }
  if (withRolie) {
    const feed = {
      feed: {
        id: 'test-csaf-feed-tlp-white',
        title: 'Test CERT CSAF feed (TLP:WHITE)',
        link: [{ rel: 'self', href: `${base}/white/feed-tlp-white.json` }],
        category: [{ scheme: 'urn:ietf:params:rolie:category:information-type', term: 'csaf' }],
        updated: '2024-03-02T00:00:00.000Z',
        entry: entries,
      },
    };
    writeFileSync(path.join(whiteDir, 'feed-tlp-white.json'), JSON.stringify(feed, null, 2));
    const service = { service: { workspace: [{ title: 'Public CSAF feed', collection: [{ title: 'TLP:WHITE', href: `${base}/white/feed-tlp-white.json`, categories: { category: [{ scheme: 'urn:ietf:params:rolie:category:information-type', term: 'csaf' }] } }] }] } };
    writeFileSync(path.join(csafDir, 'service.json'), JSON.stringify(service, null, 2));
  }
  return { csafDir, documentPath: (d) => path.join(whiteDir, d.folder, d.fileName) };
}
