import { spawnSync } from 'node:child_process';
import { createHash } from 'node:crypto';
import { existsSync, mkdtempSync, readdirSync, readFileSync, rmSync, statSync, writeFileSync } from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import * as openpgp from 'openpgp';
import { buildTestApp, type TestApp } from '../helpers/app';
import { buildOrganisation, buildUser, type UserFixture } from '../helpers/factories';
import { buildPublishedBulletin, type BuiltBulletin } from '../helpers/bulletin-factories';
import { JobRunner } from '#src/core/jobs/queue';
import { jobDefinitions, type JobDeps } from '#src/jobs';
import { systemContext } from '#src/core/context';
import { getConsoleBulletin } from '#src/modules/bulletins/use-cases/get-console-bulletin';
import { saveBulletin } from '#src/modules/bulletins/use-cases/save-bulletin';
import { submitBulletin } from '#src/modules/bulletins/use-cases/submit-bulletin';
import { approveBulletin } from '#src/modules/bulletins/use-cases/approve-bulletin';
import { publishBulletin } from '#src/modules/bulletins/use-cases/publish-bulletin';
import { createApiToken } from '#src/modules/identity/use-cases/create-api-token';
import { listCsafDocumentsOfBulletin, listSigningKeys, type StoredCsafDocument } from '#src/modules/csaf/provider.repository';
import { providerRoot, rebuildProviderTree, writeFileAtomic } from '#src/modules/csaf/provider-files';
import { generateCsafSigningKey } from '#src/modules/csaf/use-cases/manage-signing-key';
import { verifyDetached } from '#src/modules/csaf/signing';
import { validateCsafDocument } from '#src/modules/csaf/validation';
import type { Role } from '#src/core/access';

let t: TestApp;
let runner: JobRunner<JobDeps>;

beforeAll(async () => {
  t = await buildTestApp({ RIBAT_PUBLIC_URL: 'https://cert.example.ma', RIBAT_SITE_NAME: 'CERT Exemple' });
  runner = new JobRunner<JobDeps>({
    db: t.database.db,
    dialect: t.database.dialect,
    definitions: jobDefinitions,
    deps: { config: t.config, database: t.database, logger: t.services.logger, clock: t.clock },
    logger: t.services.logger,
    clock: t.clock,
    pollMs: 1000,
  });
});
afterAll(async () => {
  await t.close();
});

const sha = (algorithm: 'sha256' | 'sha512', data: string | Buffer): string => createHash(algorithm).update(data).digest('hex');

/** Runs the queued jobs (the provider tree job among them) and fails when one of them failed. */
async function runJobs(): Promise<void> {
  await runner.drain();
  const failed = await t.database.db.selectFrom('job').select(['kind', 'last_error']).where('kind', '=', 'csaf.provider-tree').where('last_error', 'is not', null).execute();
  expect(failed).toEqual([]);
}

async function get(url: string, headers: Record<string, string> = {}) {
  return t.app.inject({ method: 'GET', url, headers });
}

/** The path of a stored document under the site: `/.well-known/csaf/white/2026/x.json` or `/csaf/restricted/…`. */
function servedPath(doc: StoredCsafDocument): string {
  return doc.tlp === 'WHITE' ? `/.well-known/csaf/white/${doc.year}/${doc.fileName}` : `/csaf/restricted/${doc.tlp.toLowerCase()}/${doc.year}/${doc.fileName}`;
}

function treeFile(relative: string): string {
  return readFileSync(path.join(providerRoot(t.config), relative), 'utf8');
}

/** Every file of the tree with its sha256. */
function treeHashes(): Record<string, string> {
  const root = providerRoot(t.config);
  const out: Record<string, string> = {};
  const walk = (dir: string): void => {
    for (const name of readdirSync(dir)) {
      const full = path.join(dir, name);
      if (statSync(full).isDirectory()) walk(full);
      else out[path.relative(root, full)] = sha('sha256', readFileSync(full));
    }
  };
  walk(root);
  return out;
}

async function tokenFor(user: UserFixture, scopes: string[] = ['read']): Promise<string> {
  const created = await createApiToken({ database: t.database, secret: t.config.secret }, systemContext('test', t.clock), { userId: user.id, name: 'csaf', scopes, expiresInDays: 30 });
  return created.secret;
}

async function userWithToken(roles: Role[], organisationId: string | null = null): Promise<{ user: UserFixture; token: string }> {
  const user = await buildUser(t.database, { roles, organisationId });
  return { user, token: await tokenFor(user) };
}

/** Verifies a detached signature with Debian's GnuPG in a throw-away GNUPGHOME (a real process). */
function gpgVerify(publicKey: string, content: string, signature: string): { status: number | null; stderr: string } {
  const home = mkdtempSync(path.join(os.tmpdir(), 'ribat-gpg-'));
  try {
    writeFileSync(path.join(home, 'key.asc'), publicKey);
    writeFileSync(path.join(home, 'doc.json'), content);
    writeFileSync(path.join(home, 'doc.json.asc'), signature);
    const env = { ...process.env, GNUPGHOME: home };
    const imported = spawnSync('gpg', ['--batch', '--quiet', '--import', path.join(home, 'key.asc')], { env, encoding: 'utf8' });
    expect(imported.status, imported.stderr).toBe(0);
    const verified = spawnSync('gpg', ['--batch', '--status-fd', '2', '--verify', path.join(home, 'doc.json.asc'), path.join(home, 'doc.json')], { env, encoding: 'utf8' });
    return { status: verified.status, stderr: verified.stderr };
  } finally {
    spawnSync('gpgconf', ['--kill', 'all'], { env: { ...process.env, GNUPGHOME: home } });
    rmSync(home, { recursive: true, force: true });
  }
}

/** Publishes revision 2 of a published bulletin through the real use cases, with `change` applied to its content. */
async function publishRevision(built: BuiltBulletin, change: (content: Record<string, unknown>) => void): Promise<void> {
  const current = (await getConsoleBulletin(t.database, built.authorCtx, built.bulletin.id)).bulletin;
  const { kind: _k, originalLanguage: _o, ...content } = current.draft;
  const input = structuredClone(content) as unknown as Record<string, unknown>;
  change(input);
  const saved = await saveBulletin(t.database, built.authorCtx, current.id, { content: input as never, changeSummary: 'Mise à jour des versions corrigées.' }, current.version);
  const submitted = await submitBulletin(t.database, built.authorCtx, saved.id, saved.version);
  const approved = await approveBulletin(t.database, built.reviewerCtx, submitted.id, submitted.version);
  await publishBulletin(t.database, t.config, built.reviewerCtx, approved.id, approved.version);
}

describe('the trusted provider', () => {
  let built: BuiltBulletin;
  let doc: StoredCsafDocument;

  beforeAll(async () => {
    built = await buildPublishedBulletin(t, { tlp: 'clear', texts: { en: { title: 'Vulnerabilities in Product X' } } });
    const docs = await listCsafDocumentsOfBulletin(t.database.db, built.bulletin.id);
    expect(docs.map((d) => d.language).sort()).toEqual(['en', 'fr']);
    doc = docs.find((d) => d.language === 'fr') as StoredCsafDocument;
    await runJobs();
  });

  it('stores each published document signed (active key, created on first need), hashed, and valid', async () => {
    const keys = await listSigningKeys(t.database.db);
    expect(keys).toHaveLength(1);
    expect(keys[0]).toMatchObject({ active: true, fingerprint: expect.stringMatching(/^[0-9A-F]{40}$/) });
    expect(keys[0]?.privateKey).toContain('BEGIN PGP PRIVATE KEY BLOCK');
    // The private key is stored encrypted: it cannot be used without the passphrase.
    const stored = await openpgp.readPrivateKey({ armoredKey: keys[0]?.privateKey ?? '' });
    expect(stored.isDecrypted()).toBe(false);
    await openpgp.decryptKey({ privateKey: stored, passphrase: t.config.csafKeyPassphrase });
    expect(doc).toMatchObject({ tlp: 'WHITE', version: '1', revisionNumber: 1, signingKeyId: keys[0]?.id });
    expect(doc.sha256).toBe(sha('sha256', doc.content));
    expect(doc.sha512).toBe(sha('sha512', doc.content));
    expect((await validateCsafDocument(JSON.parse(doc.content) as Record<string, unknown>)).errors).toEqual([]);
    const audit = await t.database.db.selectFrom('audit_event').select(['action', 'after_data']).where('entity_type', '=', 'csaf_signing_key').execute();
    expect(audit.map((a) => a.action)).toEqual(['csaf.key.generated']);
    expect(audit[0]?.after_data).not.toContain('PRIVATE');
  });

  it('serves the document, its hashes and its signature: the exact stored bytes, with the right media types', async () => {
    const url = servedPath(doc);
    const json = await get(url);
    expect(json.statusCode).toBe(200);
    expect(json.headers['content-type']).toMatch(/^application\/json/);
    expect(json.rawPayload.equals(Buffer.from(doc.content, 'utf8'))).toBe(true);
    expect(json.headers.etag).toBeDefined();
    expect(json.headers['last-modified']).toBeDefined();
    expect(json.headers['set-cookie']).toBeUndefined();

    const sha256 = await get(`${url}.sha256`);
    expect(sha256.headers['content-type']).toMatch(/^text\/plain/);
    expect(sha256.body).toBe(`${sha('sha256', json.rawPayload)}  ${doc.fileName}\n`);
    const sha512 = await get(`${url}.sha512`);
    expect(sha512.body).toBe(`${sha('sha512', json.rawPayload)}  ${doc.fileName}\n`);

    const asc = await get(`${url}.asc`);
    expect(asc.headers['content-type']).toMatch(/^application\/pgp-signature/);
    expect(asc.body).toBe(doc.signature);
    expect(asc.body).toMatch(/^-----BEGIN PGP SIGNATURE-----/);

    // Conditional requests like the public bulletin routes.
    const again = await get(url, { 'if-none-match': String(json.headers.etag) });
    expect(again.statusCode).toBe(304);
  });

  it('signatures verify with openpgp.js and with Debian’s gpg against the published key', async () => {
    const metadata = JSON.parse((await get('/.well-known/csaf/provider-metadata.json')).body) as { public_openpgp_keys: { fingerprint: string; url: string }[] };
    const keyUrl = new URL(metadata.public_openpgp_keys[0]?.url ?? '');
    const key = await get(keyUrl.pathname);
    expect(key.statusCode).toBe(200);
    expect(key.headers['content-type']).toMatch(/^application\/pgp-keys/);
    expect((await openpgp.readKey({ armoredKey: key.body })).getFingerprint().toUpperCase()).toBe(metadata.public_openpgp_keys[0]?.fingerprint);

    const content = (await get(servedPath(doc))).body;
    const signature = (await get(`${servedPath(doc)}.asc`)).body;
    expect(await verifyDetached([key.body], content, signature)).toBe(true);
    expect(await verifyDetached([key.body], `${content} `, signature)).toBe(false);

    const good = gpgVerify(key.body, content, signature);
    expect(good.status, good.stderr).toBe(0);
    expect(good.stderr).toContain('[GNUPG:] GOODSIG');
    expect(good.stderr).toContain(`[GNUPG:] VALIDSIG ${metadata.public_openpgp_keys[0]?.fingerprint}`);
    const bad = gpgVerify(key.body, content.replace('"1"', '"2"'), signature);
    expect(bad.status).not.toBe(0);
    expect(bad.stderr).toContain('[GNUPG:] BADSIG');
  });

  it('serves provider-metadata.json as a csaf_trusted_provider with its feeds, directory and keys', async () => {
    const res = await get('/.well-known/csaf/provider-metadata.json');
    expect(res.statusCode).toBe(200);
    expect(res.headers['content-type']).toMatch(/^application\/json/);
    const metadata = JSON.parse(res.body) as Record<string, unknown>;
    const keys = await listSigningKeys(t.database.db);
    expect(metadata).toMatchObject({
      canonical_url: 'https://cert.example.ma/.well-known/csaf/provider-metadata.json',
      role: 'csaf_trusted_provider',
      metadata_version: '2.0',
      list_on_CSAF_aggregators: true,
      mirror_on_CSAF_aggregators: true,
      public_openpgp_keys: [{ fingerprint: keys[0]?.fingerprint, url: `https://cert.example.ma/.well-known/csaf/openpgp/${keys[0]?.fingerprint}.asc` }],
      distributions: [
        { directory_url: 'https://cert.example.ma/.well-known/csaf/white/' },
        {
          rolie: {
            feeds: [
              { tlp_label: 'WHITE', url: 'https://cert.example.ma/.well-known/csaf/white/feed-tlp-white.json' },
              { tlp_label: 'GREEN', url: 'https://cert.example.ma/csaf/restricted/green/feed-tlp-green.json' },
              { tlp_label: 'AMBER', url: 'https://cert.example.ma/csaf/restricted/amber/feed-tlp-amber.json' },
              { tlp_label: 'RED', url: 'https://cert.example.ma/csaf/restricted/red/feed-tlp-red.json' },
            ],
          },
        },
      ],
    });
    // The publisher is the one of the documents.
    expect(metadata.publisher).toEqual((JSON.parse(doc.content) as { document: { publisher: unknown } }).document.publisher);
    expect(Date.parse(String(metadata.last_updated))).toBe(doc.createdAt.getTime());
    // The file written by the job is the same bytes.
    expect(treeFile('provider-metadata.json')).toBe(res.body);
  });

  it('serves index.txt, changes.csv, the ROLIE feed and directory listings of the WHITE folder', async () => {
    const index = await get('/.well-known/csaf/white/index.txt');
    expect(index.headers['content-type']).toMatch(/^text\/plain/);
    expect(index.body.split('\n')).toContain(`${doc.year}/${doc.fileName}`);
    expect(index.body).toBe(treeFile('white/index.txt'));

    const changes = await get('/.well-known/csaf/white/changes.csv');
    expect(changes.body).toContain(`"${doc.year}/${doc.fileName}","${doc.currentReleaseDate.toISOString()}"\n`);
    expect(changes.body).toBe(treeFile('white/changes.csv'));

    const feed = await get('/.well-known/csaf/white/feed-tlp-white.json');
    expect(feed.headers['content-type']).toMatch(/^application\/json/);
    expect(feed.body).toBe(treeFile('white/feed-tlp-white.json'));
    const entries = (JSON.parse(feed.body) as { feed: { entry: { id: string; link: { rel: string; href: string }[]; content: { src: string } }[] } }).feed.entry;
    const entry = entries.find((e) => e.id === doc.trackingId);
    const docUrl = `https://cert.example.ma/.well-known/csaf/white/${doc.year}/${doc.fileName}`;
    expect(entry?.content.src).toBe(docUrl);
    expect(entry?.link).toEqual([
      { rel: 'self', href: docUrl },
      { rel: 'hash', href: `${docUrl}.sha256` },
      { rel: 'hash', href: `${docUrl}.sha512` },
      { rel: 'signature', href: `${docUrl}.asc` },
    ]);

    const folder = await get('/.well-known/csaf/white/');
    expect(folder.headers['content-type']).toMatch(/^text\/html/);
    expect(folder.body).toContain(`<a href="${doc.year}/">`);
    const year = await get(`/.well-known/csaf/white/${doc.year}/`);
    expect(year.body).toContain(`<a href="${doc.fileName}.asc">`);
    expect((await get('/.well-known/csaf/white/1999/')).statusCode).toBe(404);
    expect((await get('/.well-known/csaf/white/nothing.txt')).statusCode).toBe(404);
    expect((await get(`/.well-known/csaf/white/${doc.year}/absent.json`)).statusCode).toBe(404);
  });

  it('writes the tree files with the served bytes: document, sha256sum-format hashes, signature', async () => {
    const base = `white/${doc.year}/${doc.fileName}`;
    expect(treeFile(base)).toBe(doc.content);
    expect(treeFile(`${base}.sha256`)).toBe(`${doc.sha256}  ${doc.fileName}\n`);
    expect(treeFile(`${base}.sha512`)).toBe(`${doc.sha512}  ${doc.fileName}\n`);
    expect(treeFile(`${base}.asc`)).toBe(doc.signature);
    // sha256sum itself accepts the hash file.
    const check = spawnSync('sha256sum', ['--check', `${doc.fileName}.sha256`], { cwd: path.join(providerRoot(t.config), 'white', String(doc.year)), encoding: 'utf8' });
    expect(check.status, check.stderr).toBe(0);
    // No temporary file is left behind by the atomic writes.
    expect(Object.keys(treeHashes()).filter((f) => f.endsWith('.tmp'))).toEqual([]);
  });

  it('announces the provider in security.txt', async () => {
    const res = await get('/.well-known/security.txt');
    expect(res.body).toContain('CSAF: https://cert.example.ma/.well-known/csaf/provider-metadata.json\n');
  });
});

describe('a new revision', () => {
  it('replaces the served file of its tracking id but never changes the bytes or signature of the earlier version', async () => {
    const built = await buildPublishedBulletin(t, { tlp: 'clear' });
    const [first] = await listCsafDocumentsOfBulletin(t.database.db, built.bulletin.id);
    if (!first) throw new Error('no document');
    await runJobs();
    const firstServed = (await get(servedPath(first))).body;
    expect(firstServed).toBe(first.content);

    await publishRevision(built, (content) => {
      (content.cves as unknown[]).push({ id: 'CVE-2024-9999', cvss31: null, cvss40: null, cwe: null, exploited: true });
    });
    await runJobs();
    const all = await listCsafDocumentsOfBulletin(t.database.db, built.bulletin.id);
    expect(all.map((d) => [d.revisionNumber, d.version])).toEqual([
      [1, '1'],
      [2, '2'],
    ]);
    const [v1, v2] = all as [StoredCsafDocument, StoredCsafDocument];
    // The first version's row is untouched: same bytes, hashes and signature.
    expect(v1).toEqual(first);
    expect(v2.trackingId).toBe(first.trackingId);
    expect(v2.content).not.toBe(first.content);
    expect(v2.content).toContain('CVE-2024-9999');
    // The provider serves the current version at the same path, and the tree file follows.
    const served = await get(servedPath(first));
    expect(served.body).toBe(v2.content);
    expect(treeFile(`white/${first.year}/${first.fileName}`)).toBe(v2.content);
    expect((await get(`${servedPath(first)}.asc`)).body).toBe(v2.signature);
    // Both signatures still verify against the provider's key.
    const keys = (await listSigningKeys(t.database.db)).map((k) => k.publicKey);
    expect(await verifyDetached(keys, v1.content, v1.signature)).toBe(true);
    expect(await verifyDetached(keys, v2.content, v2.signature)).toBe(true);
    // The earlier version cannot be stored again (immutable).
    await expect(
      t.database.db.insertInto('csaf_document').values({ ...(await t.database.db.selectFrom('csaf_document').selectAll().where('id', '=', v1.id).executeTakeFirstOrThrow()), id: 'x' }).execute(),
    ).rejects.toThrow();
  });

  it('moves the current file to the WHITE folder when a revision lowers the TLP, removing the restricted copy', async () => {
    const org = await buildOrganisation(t.database);
    const built = await buildPublishedBulletin(t, { tlp: 'amber', recipientOrganisationIds: [org.id] });
    await runJobs();
    const [first] = await listCsafDocumentsOfBulletin(t.database.db, built.bulletin.id);
    if (!first) throw new Error('no document');
    const restricted = path.join(providerRoot(t.config), 'restricted/amber', String(first.year), first.fileName);
    expect(existsSync(restricted)).toBe(true);
    await publishRevision(built, (content) => {
      content.tlp = 'clear';
      content.recipientOrganisationIds = [];
    });
    await runJobs();
    expect(existsSync(restricted)).toBe(false);
    expect(existsSync(`${restricted}.asc`)).toBe(false);
    const current = (await listCsafDocumentsOfBulletin(t.database.db, built.bulletin.id)).at(-1);
    expect(current?.tlp).toBe('WHITE');
    expect((await get(`/.well-known/csaf/white/${first.year}/${first.fileName}`)).body).toBe(current?.content);
    expect(treeFile('white/index.txt')).toContain(`${first.year}/${first.fileName}`);
    expect(treeFile('restricted/amber/index.txt')).not.toContain(first.fileName);
  });
});

describe('restricted TLPs', () => {
  let amber: StoredCsafDocument;
  let green: StoredCsafDocument;
  let recipientOrg: string;

  beforeAll(async () => {
    recipientOrg = (await buildOrganisation(t.database)).id;
    const builtAmber = await buildPublishedBulletin(t, { tlp: 'amber', recipientOrganisationIds: [recipientOrg] });
    const builtGreen = await buildPublishedBulletin(t, { tlp: 'green' });
    const first = async (bulletinId: string): Promise<StoredCsafDocument> => {
      const [found] = await listCsafDocumentsOfBulletin(t.database.db, bulletinId);
      if (!found) throw new Error('no document');
      return found;
    };
    amber = await first(builtAmber.bulletin.id);
    green = await first(builtGreen.bulletin.id);
    await runJobs();
  });

  it('keeps GREEN and AMBER out of the public folder and feed', async () => {
    expect(amber.tlp).toBe('AMBER');
    expect(green.tlp).toBe('GREEN');
    const index = (await get('/.well-known/csaf/white/index.txt')).body;
    expect(index).not.toContain(amber.fileName);
    expect(index).not.toContain(green.fileName);
    expect((await get(`/.well-known/csaf/white/${amber.year}/${amber.fileName}`)).statusCode).toBe(404);
    expect(existsSync(path.join(providerRoot(t.config), 'restricted/amber', String(amber.year), amber.fileName))).toBe(true);
    expect(existsSync(path.join(providerRoot(t.config), 'white', String(amber.year), amber.fileName))).toBe(false);
  });

  it('needs an API token: none or an invalid one is 401 with a Bearer challenge', async () => {
    const none = await get(servedPath(amber));
    expect(none.statusCode).toBe(401);
    expect(none.headers['www-authenticate']).toMatch(/^Bearer/);
    expect(none.body).not.toContain(amber.trackingId);
    const invalid = await get(servedPath(amber), { authorization: 'Bearer ribat_notatoken_xxxxxxxxxxxxxxxxxxxx' });
    expect(invalid.statusCode).toBe(401);
    const feed = await get('/csaf/restricted/amber/feed-tlp-amber.json');
    expect(feed.statusCode).toBe(401);
    // A browser session is not a credential here.
    const staff = await buildUser(t.database, { roles: ['analyst'] });
    const login = await t.app.inject({ method: 'GET', url: servedPath(amber), cookies: { ribat_session: `fake-${staff.id}` } });
    expect(login.statusCode).toBe(401);
  });

  it('serves AMBER to a token of a recipient organisation, and 404 to other organisations', async () => {
    const recipient = await userWithToken(['org_member'], recipientOrg);
    const outsider = await userWithToken(['org_member']);
    const auth = (token: string) => ({ authorization: `Bearer ${token}` });

    const ok = await get(servedPath(amber), auth(recipient.token));
    expect(ok.statusCode).toBe(200);
    expect(ok.body).toBe(amber.content);
    expect(ok.headers['cache-control']).toBe('private, no-store');
    expect((await get(`${servedPath(amber)}.asc`, auth(recipient.token))).body).toBe(amber.signature);
    const feed = JSON.parse((await get('/csaf/restricted/amber/feed-tlp-amber.json', auth(recipient.token))).body) as { feed: { entry: { id: string }[] } };
    expect(feed.feed.entry.map((e) => e.id)).toContain(amber.trackingId);

    const denied = await get(servedPath(amber), auth(outsider.token));
    expect(denied.statusCode).toBe(404);
    expect(denied.body).not.toContain(amber.trackingId);
    const outsiderIndex = await get('/csaf/restricted/amber/index.txt', auth(outsider.token));
    expect(outsiderIndex.statusCode).toBe(200);
    expect(outsiderIndex.body).not.toContain(amber.fileName);
    const outsiderFeed = JSON.parse((await get('/csaf/restricted/amber/feed-tlp-amber.json', auth(outsider.token))).body) as { feed: { entry: unknown[] } };
    expect(outsiderFeed.feed.entry).toEqual([]);
    // GREEN is for every constituent.
    expect((await get(servedPath(green), auth(outsider.token))).body).toBe(green.content);
    expect((await get('/csaf/restricted/green/index.txt', auth(outsider.token))).body).toContain(`${green.year}/${green.fileName}`);
  });

  it('serves everything to staff tokens, nothing to users without a role, and the restricted tree file matches', async () => {
    const staff = await userWithToken(['analyst']);
    const nobody = await userWithToken([]);
    const staffIndex = await get('/csaf/restricted/amber/index.txt', { authorization: `Bearer ${staff.token}` });
    expect(staffIndex.body).toBe(treeFile('restricted/amber/index.txt'));
    expect((await get('/csaf/restricted/amber/feed-tlp-amber.json', { authorization: `Bearer ${staff.token}` })).body).toBe(treeFile('restricted/amber/feed-tlp-amber.json'));
    expect((await get(servedPath(amber), { authorization: `Bearer ${staff.token}` })).statusCode).toBe(200);
    expect((await get(servedPath(amber), { authorization: `Bearer ${nobody.token}` })).statusCode).toBe(404);
    expect((await get(servedPath(green), { authorization: `Bearer ${nobody.token}` })).statusCode).toBe(404);
    expect((await get(`/csaf/restricted/amber/${amber.year}/`, { authorization: `Bearer ${staff.token}` })).body).toContain(amber.fileName);
    expect((await get('/csaf/restricted/white/index.txt', { authorization: `Bearer ${staff.token}` })).statusCode).toBe(400);
  });
});

describe('the tree on disk', () => {
  it('is written atomically and idempotently: an unchanged file is not rewritten, a changed one replaced whole', async () => {
    const root = mkdtempSync(path.join(os.tmpdir(), 'ribat-atomic-'));
    try {
      expect(await writeFileAtomic(root, 'a/b.json', '{"x":1}\n')).toBe(true);
      const before = statSync(path.join(root, 'a/b.json')).ino;
      expect(await writeFileAtomic(root, 'a/b.json', '{"x":1}\n')).toBe(false);
      expect(statSync(path.join(root, 'a/b.json')).ino).toBe(before);
      expect(await writeFileAtomic(root, 'a/b.json', '{"x":2}\n')).toBe(true);
      // A rename, not an in-place write: the new content is a new inode.
      expect(statSync(path.join(root, 'a/b.json')).ino).not.toBe(before);
      expect(readFileSync(path.join(root, 'a/b.json'), 'utf8')).toBe('{"x":2}\n');
      expect(readdirSync(path.join(root, 'a'))).toEqual(['b.json']);
    } finally {
      rmSync(root, { recursive: true, force: true });
    }
  });

  it('the job is idempotent, and `rebuild` reproduces identical bytes from the database and removes strays', async () => {
    await runJobs();
    const before = treeHashes();
    expect(Object.keys(before).length).toBeGreaterThan(10);
    const again = await rebuildProviderTree(t.database.db, t.config);
    expect(again).toMatchObject({ written: 0, removed: 0 });

    rmSync(providerRoot(t.config), { recursive: true, force: true });
    writeFileSync(path.join(t.dataDir, 'stray.txt'), 'not ours');
    const rebuilt = await rebuildProviderTree(t.database.db, t.config);
    expect(rebuilt.written).toBe(Object.keys(before).length);
    expect(treeHashes()).toEqual(before);

    writeFileSync(path.join(providerRoot(t.config), 'white', 'leftover.json'), '{}');
    const cleaned = await rebuildProviderTree(t.database.db, t.config);
    expect(cleaned).toEqual({ written: 0, unchanged: Object.keys(before).length, removed: 1 });
    expect(treeHashes()).toEqual(before);
  });
});

describe('key rotation', () => {
  it('signs new documents with the new key and keeps the old key published for old signatures', async () => {
    const [oldKey] = await listSigningKeys(t.database.db);
    const oldDoc = (await t.database.db.selectFrom('csaf_document').select(['content', 'signature']).where('signing_key_id', '=', oldKey?.id ?? '').executeTakeFirstOrThrow());
    const rotated = await generateCsafSigningKey(t.database, t.config, systemContext('test', t.clock));
    expect(rotated.fingerprint).not.toBe(oldKey?.fingerprint);
    const built = await buildPublishedBulletin(t, { tlp: 'clear' });
    const [fresh] = await listCsafDocumentsOfBulletin(t.database.db, built.bulletin.id);
    expect(fresh?.signingKeyId).toBe(rotated.id);
    await runJobs();

    const metadata = JSON.parse((await get('/.well-known/csaf/provider-metadata.json')).body) as { public_openpgp_keys: { fingerprint: string }[] };
    expect(metadata.public_openpgp_keys.map((k) => k.fingerprint)).toEqual([rotated.fingerprint, oldKey?.fingerprint]);
    expect(await verifyDetached([rotated.publicKey], fresh?.content ?? '', fresh?.signature ?? '')).toBe(true);
    expect(await verifyDetached([rotated.publicKey], oldDoc.content, oldDoc.signature)).toBe(false);
    const oldPublic = (await get(`/.well-known/csaf/openpgp/${oldKey?.fingerprint}.asc`)).body;
    expect(await verifyDetached([oldPublic], oldDoc.content, oldDoc.signature)).toBe(true);
    expect(treeFile(`openpgp/${oldKey?.fingerprint}.asc`)).toBe(oldPublic);
    const audit = await t.database.db.selectFrom('audit_event').select('action').where('entity_id', '=', rotated.id).execute();
    expect(audit.map((a) => a.action)).toEqual(['csaf.key.generated']);
  });
});
