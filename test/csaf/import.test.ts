import { mkdtempSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import { createHash } from 'node:crypto';
import os from 'node:os';
import path from 'node:path';
import { fileURLToPath } from 'node:url';
import * as openpgp from 'openpgp';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { JobRunner } from '#src/core/jobs/queue';
import { jobDefinitions, type JobDeps } from '#src/jobs';
import { main, type CliIo } from '#src/cli/main';
import { buildTestApp, openCliTestEnvironment, testDialect, type TestApp } from '../helpers/app';
import { buildUser, form, loginAs, type SignedIn, type UserFixture } from '../helpers/factories';
import { startStaticServer, type StaticServer } from './import-server';

const fixture = readFileSync(fileURLToPath(new URL('./fixtures/import-valid.json', import.meta.url)), 'utf8');
type Doc = Record<string, any>; // eslint-disable-line @typescript-eslint/no-explicit-any

/** The valid fixture, changed by `change` (a deep copy). */
function variant(change: (doc: Doc) => void): string {
  const doc = JSON.parse(fixture) as Doc;
  change(doc);
  return `${JSON.stringify(doc, null, 2)}\n`;
}

/** 6.1.1: a vulnerability names a product the product tree does not define. */
const missingProduct = variant((d) => {
  d.document.tracking.id = 'EXN-2025-0043';
  d.vulnerabilities[0].product_status.known_affected.push('EXN-GW-999');
});
/** Strict schema: an unknown property. */
const extraProperty = variant((d) => {
  d.document.tracking.id = 'EXN-2025-0044';
  d.document.surprise = 'not in the schema';
});

let t: TestApp;
let runner: JobRunner<JobDeps>;
let author: SignedIn;
let reviewer: SignedIn;
let admin: SignedIn;
let adminUser: UserFixture;

beforeAll(async () => {
  t = await buildTestApp({ RIBAT_FORM_RATE_LIMIT: '10000' });
  runner = new JobRunner<JobDeps>({ db: t.database.db, dialect: t.database.dialect, definitions: jobDefinitions, deps: { config: t.config, database: t.database, logger: t.services.logger, clock: t.clock }, logger: t.services.logger, clock: t.clock, pollMs: 1000 });
  author = await loginAs(t, await buildUser(t.database, { roles: ['author'] }));
  reviewer = await loginAs(t, await buildUser(t.database, { roles: ['reviewer'] }));
  adminUser = await buildUser(t.database, { roles: ['admin'] });
  admin = await loginAs(t, adminUser);
});
afterAll(async () => {
  await t.close();
});

function api(session: SignedIn, method: 'GET' | 'POST', url: string, body?: string, headers: Record<string, string> = {}) {
  return t.app.inject({
    method,
    url,
    cookies: session.cookies,
    headers: { 'x-csrf-token': session.csrf, ...(body !== undefined ? { 'content-type': 'application/json' } : {}), ...headers },
    ...(body !== undefined ? { payload: body } : {}),
  });
}

function post(session: SignedIn, url: string, fields: Record<string, string>) {
  return t.app.inject({ method: 'POST', url, cookies: session.cookies, ...form(fields, session.csrf) });
}

function page(session: SignedIn, url: string) {
  return t.app.inject({ method: 'GET', url, cookies: session.cookies, headers: { 'accept-language': 'en' } });
}

async function countImports(): Promise<number> {
  const row = await t.database.db.selectFrom('csaf_import').select((eb) => eb.fn.countAll<number>().as('n')).executeTakeFirstOrThrow();
  return Number(row.n);
}

interface Outcome {
  status: string;
  failedTests: { test: string; path: string; message: string }[];
  import: { id: string; isValid: boolean; trackingId: string; hashVerified: boolean; signatureVerified: boolean };
}

describe(`CSAF import (${testDialect})`, () => {
  let validId = '';

  it('imports a valid document uploaded in the console, with its products, vulnerabilities and folded search text', async () => {
    const list = await page(author, '/console/csaf/imports');
    expect(list.statusCode).toBe(200);
    expect(list.body).toContain('name="document"');

    const res = await post(author, '/console/csaf/imports', { document: fixture, fileName: 'exn-2025-0042.json' });
    expect(res.statusCode, res.body).toBe(303);
    const match = /\/console\/csaf\/imports\/([^?]+)\?done=imported$/.exec(String(res.headers.location));
    expect(match).not.toBeNull();
    validId = match?.[1] ?? '';

    const row = await t.database.db.selectFrom('csaf_import').selectAll().where('id', '=', validId).executeTakeFirstOrThrow();
    expect(row).toMatchObject({ is_valid: 1, tracking_id: 'EXN-2025-0042', version: '1', publisher_name: 'Exemplar Networks', origin: 'upload:exn-2025-0042.json', lang: 'fr', tlp: 'WHITE' });
    expect(row.sha256).toBe(createHash('sha256').update(fixture).digest('hex'));
    expect(row.search_text).toContain('execution de code a distance');
    expect(row.search_text).toContain('cve 2025 12345');
    const products = await t.database.db.selectFrom('csaf_import_product').selectAll().where('import_id', '=', validId).orderBy('product_id').execute();
    expect(products.map((p) => [p.product_id, p.vendor, p.name, p.version, p.cpe])).toEqual([
      ['EXN-GW-421', 'Exemplar Networks', 'GW', '4.2.1', 'cpe:2.3:h:exemplar:gw:4.2.1:*:*:*:*:*:*:*'],
      ['EXN-GW-422', 'Exemplar Networks', 'GW', '4.2.2', null],
    ]);
    const vulnerabilities = await t.database.db.selectFrom('csaf_import_vulnerability').selectAll().where('import_id', '=', validId).execute();
    expect(vulnerabilities).toHaveLength(1);
    expect(vulnerabilities[0]).toMatchObject({ cve: 'CVE-2025-12345', cvss_vector: 'CVSS:3.1/AV:N/AC:L/PR:N/UI:N/S:U/C:H/I:H/A:H' });
    expect(Number(vulnerabilities[0]?.base_score)).toBe(9.8);

    const audit = await t.database.db.selectFrom('audit_event').select(['action', 'entity_id']).where('action', '=', 'csaf_import.created').where('entity_id', '=', validId).execute();
    expect(audit).toHaveLength(1);

    const detail = await page(author, `/console/csaf/imports/${validId}?done=imported`);
    expect(detail.statusCode).toBe(200);
    expect(detail.body).toContain('EXN-GW-421');
    expect(detail.body).toContain('CVE-2025-12345');
    expect(detail.body).toContain('Start a bulletin from this document');
  });

  it('refuses text that is not JSON with a localised error naming the problem, and stores nothing', async () => {
    const before = await countImports();
    const res = await t.app.inject({ method: 'POST', url: '/console/csaf/imports', cookies: author.cookies, headers: { ...form({ document: '{"document": {', fileName: 'broken.json' }, author.csrf).headers, 'accept-language': 'en' }, payload: form({ document: '{"document": {', fileName: 'broken.json' }, author.csrf).payload });
    expect(res.statusCode).toBe(400);
    expect(res.body).toMatch(/Not valid JSON: [^<]*JSON/);
    const fr = await post(author, '/console/csaf/imports', { document: '[1, 2', fileName: '' });
    expect(fr.statusCode).toBe(400);
    expect(fr.body).toContain('Ce n’est pas un JSON valide');
    expect(await countImports()).toBe(before);
  });

  it('stores an invalid document as refused with its failing tests and paths (API), never as a bulletin source', async () => {
    const res = await api(author, 'POST', '/api/v1/csaf/imports', missingProduct, { 'idempotency-key': 'import-missing-product-1' });
    expect(res.statusCode, res.body).toBe(201);
    const outcome = res.json<Outcome>();
    expect(outcome.status).toBe('refused');
    expect(outcome.import.isValid).toBe(false);
    expect(outcome.failedTests.map((f) => f.test)).toContain('6.1.1');
    expect(outcome.failedTests.find((f) => f.test === '6.1.1')?.path).toBe('/vulnerabilities/0/product_status/known_affected/1');

    const replay = await api(author, 'POST', '/api/v1/csaf/imports', missingProduct, { 'idempotency-key': 'import-missing-product-1' });
    expect(replay.statusCode).toBe(201);
    expect(replay.json<Outcome>().import.id).toBe(outcome.import.id);

    const detail = await api(author, 'GET', `/api/v1/csaf/imports/${outcome.import.id}`);
    expect(detail.statusCode).toBe(200);
    expect(detail.json<{ failedTests: { test: string }[]; products: unknown[] }>().products).toHaveLength(2);

    const strict = await api(author, 'POST', '/api/v1/csaf/imports', extraProperty);
    expect(strict.json<Outcome>()).toMatchObject({ status: 'refused' });
    expect(strict.json<Outcome>().failedTests.map((f) => f.test)).toContain('schema');

    const html = await page(author, `/console/csaf/imports/${outcome.import.id}`);
    expect(html.body).toContain('6.1.1');
    expect(html.body).toContain('/vulnerabilities/0/product_status/known_affected/1');
    expect(html.body).not.toContain('Start a bulletin from this document');
    const start = await post(author, `/console/csaf/imports/${outcome.import.id}/bulletin`, {});
    expect(start.statusCode).toBe(409);

    const notJson = await api(author, 'POST', '/api/v1/csaf/imports', '{"document": }');
    expect(notJson.statusCode).toBe(400);
    expect(notJson.body).toContain('invalid_json');
    const notObject = await api(author, 'POST', '/api/v1/csaf/imports', '[{"document": {}}]');
    expect(notObject.statusCode).toBe(400);
    expect(notObject.json<{ errors: { field: string; code: string }[] }>().errors[0]).toMatchObject({ field: 'document', code: 'invalid_type' });
  });

  it('recognises a duplicate (same namespace, tracking id, version and bytes) and does not store it twice', async () => {
    const before = await countImports();
    const res = await api(author, 'POST', '/api/v1/csaf/imports', fixture);
    expect(res.statusCode).toBe(200);
    expect(res.json<Outcome>()).toMatchObject({ status: 'duplicate', import: { id: validId, isValid: true } });
    const again = await post(author, '/console/csaf/imports', { document: fixture, fileName: 'again.json' });
    expect(again.headers.location).toBe(`/console/csaf/imports/${validId}?done=duplicate`);
    expect(await countImports()).toBe(before);
  });

  it('searches folded words and filters by validity and publisher', async () => {
    const ids = async (query: string) => (await api(reviewer, 'GET', `/api/v1/csaf/imports?${query}`)).json<{ items: { id: string; isValid: boolean }[] }>().items;
    expect((await ids('q=EXECUTION%20passerelle')).map((i) => i.id)).toContain(validId);
    expect((await ids('q=CVE-2025-12345')).length).toBe(3);
    expect(await ids('q=nothing-like-this')).toEqual([]);
    expect((await ids('validity=refused')).every((i) => !i.isValid)).toBe(true);
    expect((await ids('validity=valid')).map((i) => i.id)).toEqual([validId]);
    expect((await ids('publisher=Exemplar%20Networks')).length).toBe(3);
    expect(await ids('publisher=Someone%20else')).toEqual([]);
    const html = await page(reviewer, '/console/csaf/imports?q=gw&validity=refused');
    expect(html.statusCode).toBe(200);
    expect(html.body).toContain('EXN-2025-0043');
    expect(html.body).not.toContain('name="document"');
  });

  it('starts a bulletin draft prefilled from a valid document, in its language', async () => {
    const res = await post(author, `/console/csaf/imports/${validId}/bulletin`, {});
    expect(res.statusCode, res.body).toBe(303);
    const bulletinId = /^\/console\/bulletins\/([^/]+)\/edit$/.exec(String(res.headers.location))?.[1] ?? '';
    const b = await api(author, 'GET', `/api/v1/bulletins/${bulletinId}`);
    expect(b.statusCode).toBe(200);
    const content = b.json<{ state: string; kind: string; originalLanguage: string; content: Doc }>();
    expect(content).toMatchObject({ state: 'draft', kind: 'bulletin' });
    const c = content.content;
    expect(c.texts.fr.title).toBe('Exécution de code à distance dans la passerelle Exemplar GW');
    expect(c.texts.fr.summary).toContain('exécution de code à distance');
    expect(c.texts.fr.description).toContain('débordement de tampon');
    expect(c.texts.fr.solution).toBe('Mettre à jour vers la version 4.2.2.');
    expect(c.affected).toEqual([expect.objectContaining({ vendor: 'Exemplar Networks', product: 'GW', versions: '4.2.1', cpe: 'cpe:2.3:h:exemplar:gw:4.2.1:*:*:*:*:*:*:*' })]);
    expect(c.cves).toEqual([expect.objectContaining({ id: 'CVE-2025-12345', cvss31: 'CVSS:3.1/AV:N/AC:L/PR:N/UI:N/S:U/C:H/I:H/A:H', cwe: 'CWE-787' })]);
    expect(c.references).toEqual([{ title: 'Avis de l’éditeur', url: 'https://psirt.exemplar.test/advisories/exn-2025-0042' }]);
    expect(c.tlp).toBe('clear');

    const english = variant((d) => {
      d.document.lang = 'de';
      d.document.tracking.id = 'EXN-2025-0045';
    });
    const imported = (await api(author, 'POST', '/api/v1/csaf/imports', english)).json<Outcome>();
    expect(imported.status).toBe('imported');
    const started = await post(author, `/console/csaf/imports/${imported.import.id}/bulletin`, {});
    const other = /^\/console\/bulletins\/([^/]+)\/edit$/.exec(String(started.headers.location))?.[1] ?? '';
    const otherBulletin = (await api(author, 'GET', `/api/v1/bulletins/${other}`)).json<{ content: Doc }>();
    expect(otherBulletin.content.originalLanguage).toBe('en');
    expect(otherBulletin.content.texts.en.title).toContain('Exemplar GW');
  });

  it('lets readers read but not upload, and keeps sources to administrators', async () => {
    expect((await api(reviewer, 'POST', '/api/v1/csaf/imports', fixture)).statusCode).toBe(403);
    expect((await post(reviewer, '/console/csaf/imports', { document: fixture })).statusCode).toBe(403);
    expect((await post(reviewer, `/console/csaf/imports/${validId}/bulletin`, {})).statusCode).toBe(403);
    expect((await page(author, '/console/csaf/sources')).statusCode).toBe(403);
    expect((await page(reviewer, `/console/csaf/imports/${validId}`)).statusCode).toBe(200);
    expect((await page(reviewer, '/console/csaf/imports/0190aaaa-0000-7000-8000-000000000000')).statusCode).toBe(404);
  });

  describe('sources', () => {
    let server: StaticServer;
    let other: StaticServer;
    let publicKey = '';
    let fingerprint = '';

    /** A detached armored signature of `bytes` with the test's key. */
    let sign: (bytes: string) => Promise<string>;
    const sha512 = (s: string) => createHash('sha512').update(s).digest('hex');

    beforeAll(async () => {
      const generated = await openpgp.generateKey({ userIDs: [{ name: 'Exemplar PSIRT', email: 'psirt@exemplar.test' }], format: 'armored' });
      publicKey = generated.publicKey;
      const privateKey = await openpgp.readPrivateKey({ armoredKey: generated.privateKey });
      fingerprint = privateKey.getFingerprint().toUpperCase();
      sign = async (bytes) => (await openpgp.sign({ message: await openpgp.createMessage({ binary: Buffer.from(bytes, 'utf8') }), signingKeys: privateKey, detached: true, format: 'armored' })) as string;

      server = await startStaticServer();
      other = await startStaticServer();
      const base = server.url;
      const good = variant((d) => (d.document.tracking.id = 'EXN-2025-0100'));
      const tamperedHash = variant((d) => (d.document.tracking.id = 'EXN-2025-0101'));
      const tamperedSignature = variant((d) => (d.document.tracking.id = 'EXN-2025-0102'));
      const invalid = variant((d) => {
        d.document.tracking.id = 'EXN-2025-0103';
        d.vulnerabilities[0].product_status.known_affected.push('EXN-GW-999');
      });
      const files = server.files;
      files.set('/.well-known/csaf/provider-metadata.json', JSON.stringify({
        canonical_url: `${base}/.well-known/csaf/provider-metadata.json`,
        distributions: [{ rolie: { feeds: [{ summary: 'WHITE advisories', tlp_label: 'WHITE', url: `${base}/csaf/white/feed.json` }] } }],
        last_updated: '2025-03-04T10:00:00.000Z',
        list_on_CSAF_aggregators: true,
        metadata_version: '2.0',
        mirror_on_CSAF_aggregators: true,
        public_openpgp_keys: [{ fingerprint, url: `${base}/csaf/key.asc` }],
        publisher: { category: 'vendor', name: 'Exemplar Networks', namespace: 'https://psirt.exemplar.test' },
        role: 'csaf_trusted_provider',
      }));
      files.set('/csaf/key.asc', publicKey);
      const entry = (name: string) => ({
        id: name,
        title: name,
        link: [
          { rel: 'self', href: `${base}/csaf/white/2025/${name}.json` },
          { rel: 'hash', href: `${base}/csaf/white/2025/${name}.json.sha512` },
          { rel: 'signature', href: `${base}/csaf/white/2025/${name}.json.asc` },
        ],
        published: '2025-03-04T10:00:00.000Z',
        updated: '2025-03-04T10:00:00.000Z',
        content: { type: 'application/json', src: `${base}/csaf/white/2025/${name}.json` },
      });
      const names = ['exn-2025-0100', 'exn-2025-0101', 'exn-2025-0102', 'exn-2025-0103'];
      const feed = { feed: { id: 'white', title: 'Exemplar WHITE', link: [], category: [], updated: '2025-03-04T10:00:00.000Z', entry: [...names.map(entry), { id: 'elsewhere', title: 'elsewhere', link: [{ rel: 'self', href: `${other.url}/elsewhere.json` }] }] } };
      files.set('/csaf/white/feed.json', JSON.stringify(feed));
      const publish = async (name: string, signed: string, served: string, hashed: string) => {
        files.set(`/csaf/white/2025/${name}.json`, served);
        files.set(`/csaf/white/2025/${name}.json.sha512`, `${sha512(hashed)}  ${name}.json\n`);
        files.set(`/csaf/white/2025/${name}.json.asc`, await sign(signed));
      };
      await publish('exn-2025-0100', good, good, good);
      // Changed after hashing and signing: the hash no longer matches.
      await publish('exn-2025-0101', tamperedHash, tamperedHash.replace('Exemplar GW', 'Exemplar GX'), tamperedHash);
      // Changed and re-hashed, but the signature is the original one's.
      const changed = tamperedSignature.replace('Exemplar GW', 'Exemplar GX');
      await publish('exn-2025-0102', tamperedSignature, changed, changed);
      await publish('exn-2025-0103', invalid, invalid, invalid);
      other.files.set('/elsewhere.json', good);
    });
    afterAll(async () => {
      await server.close();
      await other.close();
    });

    it('registers a provider, then the job fetches every document, verifies hashes and signatures, validates and imports', async () => {
      const url = `${server.url}/.well-known/csaf/provider-metadata.json`;
      const res = await post(admin, '/console/csaf/sources', { url, publicKey: '' });
      expect(res.statusCode, res.body).toBe(303);
      const source = await t.database.db.selectFrom('csaf_source').selectAll().where('url', '=', url).executeTakeFirstOrThrow();
      expect(source).toMatchObject({ kind: 'provider-metadata', name: 'Exemplar Networks', status: 'active' });
      expect(JSON.parse(source.public_keys)).toEqual([publicKey.trim()]);

      await runner.drain();
      const fetched = await t.database.db.selectFrom('csaf_source').selectAll().where('id', '=', source.id).executeTakeFirstOrThrow();
      expect(fetched.last_error).toBeNull();
      const results = JSON.parse(fetched.last_results) as { url: string; outcome: string; importId: string | null }[];
      expect(results.map((r) => [r.url.replace(server.url, '').replace(other.url, 'OTHER'), r.outcome])).toEqual([
        ['/csaf/white/2025/exn-2025-0100.json', 'imported'],
        ['/csaf/white/2025/exn-2025-0101.json', 'bad_hash'],
        ['/csaf/white/2025/exn-2025-0102.json', 'bad_signature'],
        ['/csaf/white/2025/exn-2025-0103.json', 'refused'],
        ['OTHER/elsewhere.json', 'not_allowed'],
      ]);
      // No outbound call but to the registered origin.
      expect(other.requests).toEqual([]);

      const good = await t.database.db.selectFrom('csaf_import').selectAll().where('tracking_id', '=', 'EXN-2025-0100').executeTakeFirstOrThrow();
      expect(good).toMatchObject({ is_valid: 1, hash_verified: 1, signature_verified: 1, source_id: source.id, origin: `${server.url}/csaf/white/2025/exn-2025-0100.json` });
      const refused = await t.database.db.selectFrom('csaf_import').selectAll().where('tracking_id', '=', 'EXN-2025-0103').executeTakeFirstOrThrow();
      expect(refused.is_valid).toBe(0);
      expect(JSON.parse(refused.failed_tests)).toEqual(expect.arrayContaining([expect.objectContaining({ test: '6.1.1' })]));
      // Tampered documents are not stored.
      const tampered = await t.database.db.selectFrom('csaf_import').select('id').where('tracking_id', 'in', ['EXN-2025-0101', 'EXN-2025-0102']).execute();
      expect(tampered).toEqual([]);

      const html = await page(admin, '/console/csaf/sources');
      expect(html.statusCode).toBe(200);
      expect(html.body).toContain('bad hash');
      expect(html.body).toContain('bad signature');

      // Fetch now: the same documents are recognised, nothing is stored twice.
      const before = await countImports();
      const again = await post(admin, `/console/csaf/sources/${source.id}/fetch`, {});
      expect(again.statusCode).toBe(303);
      await runner.drain();
      const second = JSON.parse((await t.database.db.selectFrom('csaf_source').select('last_results').where('id', '=', source.id).executeTakeFirstOrThrow()).last_results) as { outcome: string }[];
      expect(second.map((r) => r.outcome)).toEqual(['duplicate', 'bad_hash', 'bad_signature', 'duplicate', 'not_allowed']);
      expect(await countImports()).toBe(before);
    });

    it('fetches each source again every RIBAT_CSAF_SOURCE_FETCH_HOURS, with one queued fetch per period however often it ran', async () => {
      const source = await t.database.db.selectFrom('csaf_source').select(['id']).where('url', '=', `${server.url}/.well-known/csaf/provider-metadata.json`).executeTakeFirstOrThrow();
      const pending = () =>
        t.database.db.selectFrom('job').select(['run_at', 'payload']).where('kind', '=', 'csaf.source.fetch').where('status', '=', 'pending').execute()
          .then((rows) => rows.filter((r) => (JSON.parse(r.payload) as { sourceId: string }).sourceId === source.id));
      // Registration and "Fetch now" both ran in the previous test: one automatic fetch is queued, at the next 6 h boundary.
      const queued = await pending();
      expect(queued).toHaveLength(1);
      const period = t.config.csafSourceFetchHours * 3_600_000;
      expect(t.config.csafSourceFetchHours).toBe(6);
      expect(new Date(String(queued[0]?.run_at)).getTime()).toBe((Math.floor(t.clock.now().getTime() / period) + 1) * period);
      const audits = async () => Number((await t.database.db.selectFrom('audit_event').select((eb) => eb.fn.countAll<number>().as('n')).where('action', '=', 'csaf_source.fetched').where('entity_id', '=', source.id).executeTakeFirstOrThrow()).n);
      const fetchedBefore = await audits();
      // When the time comes, the runner fetches the source and queues the following period.
      t.clock.advance(period);
      await runner.drain();
      expect(await audits()).toBe(fetchedBefore + 1);
      const next = await pending();
      expect(next).toHaveLength(1);
      expect(new Date(String(next[0]?.run_at)).getTime()).toBeGreaterThan(new Date(String(queued[0]?.run_at)).getTime());
      // Six hours later the administrator's session has gone idle: sign in again for the next tests.
      admin = await loginAs(t, adminUser);
    });

    it('records an unreachable provider on the source without crashing the job', async () => {
      const feedUrl = `${server.url}/csaf/white/feed.json`;
      const res = await post(admin, '/console/csaf/sources', { url: feedUrl, publicKey });
      expect(res.statusCode, res.body).toBe(303);
      server.files.delete('/csaf/white/feed.json');
      await runner.drain();
      const source = await t.database.db.selectFrom('csaf_source').selectAll().where('url', '=', feedUrl).executeTakeFirstOrThrow();
      expect(source.kind).toBe('rolie-feed');
      expect(source.last_error).toContain('HTTP 404');
      const jobs = await t.database.db.selectFrom('job').select(['status', 'payload']).where('kind', '=', 'csaf.source.fetch').execute();
      const ran = jobs.filter((j) => (JSON.parse(j.payload) as { sourceId: string }).sourceId === source.id && j.status !== 'pending');
      expect(ran.map((j) => j.status)).toEqual(['done']);
    });

    it('refuses to register a URL that is unreachable or not a provider', async () => {
      const closed = await startStaticServer();
      const closedUrl = `${closed.url}/provider-metadata.json`;
      await closed.close();
      const res = await post(admin, '/console/csaf/sources', { url: closedUrl });
      expect(res.statusCode).toBe(400);
      expect(res.body).toContain('Source CSAF inutilisable');
      server.files.set('/not-a-provider.json', JSON.stringify({ hello: 'world' }));
      const wrong = await post(admin, '/console/csaf/sources', { url: `${server.url}/not-a-provider.json` });
      expect(wrong.statusCode).toBe(400);
      expect(wrong.body).toContain('metadata_version');
    });
  });
});

describe(`ribat csaf import (${testDialect})`, () => {
  it('prints one verdict line per file and exits 1 when any is refused', async () => {
    const env = await openCliTestEnvironment();
    const dir = mkdtempSync(path.join(os.tmpdir(), 'ribat-csaf-cli-'));
    try {
      const files = { valid: path.join(dir, 'valid.json'), refused: path.join(dir, 'refused.json'), broken: path.join(dir, 'broken.json') };
      writeFileSync(files.valid, fixture);
      writeFileSync(files.refused, missingProduct);
      writeFileSync(files.broken, `${fixture}garbage`);
      const out: string[] = [];
      const err: string[] = [];
      const io: CliIo = { out: (l) => out.push(l), err: (l) => err.push(l), readStdin: async () => '', env: env.env };
      expect(await main(['node', 'ribat', 'csaf', 'import', files.valid, files.refused, files.broken], io)).toBe(1);
      expect(out).toHaveLength(3);
      expect(out[0]).toMatch(/^VALID .*valid\.json: EXN-2025-0042 version 1 imported/);
      expect(out[1]).toMatch(/^REFUSED .*refused\.json: EXN-2025-0043 version 1 fails 6\.1\.1/);
      expect(out[2]).toMatch(/^REFUSED .*broken\.json: invalid JSON: /);
      expect(err.join('\n')).toContain('2 of 3 document(s) refused');

      out.length = 0;
      expect(await main(['node', 'ribat', 'csaf', 'import', files.valid], io)).toBe(0);
      expect(out[0]).toMatch(/^DUPLICATE .*valid\.json: EXN-2025-0042 version 1 already imported/);
      const rows = await env.database.db.selectFrom('csaf_import').select(['tracking_id', 'is_valid', 'origin']).orderBy('tracking_id').execute();
      expect(rows).toEqual([
        { tracking_id: 'EXN-2025-0042', is_valid: 1, origin: 'cli:valid.json' },
        { tracking_id: 'EXN-2025-0043', is_valid: 0, origin: 'cli:refused.json' },
      ]);
    } finally {
      rmSync(dir, { recursive: true, force: true });
      await env.close();
    }
  });
});
