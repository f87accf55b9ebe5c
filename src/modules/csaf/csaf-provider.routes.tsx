import { Type } from '@sinclair/typebox';
import type { FastifyReply, FastifyRequest } from 'fastify';
import type { App } from '#src/plugins/types';
import type { AppServices } from '#src/app';
import type { CsafTlp } from '#src/modules/csaf/csaf.types';
import type { BulletinViewer } from '#src/modules/bulletins/visibility';
import type { ProviderSnapshot } from '#src/modules/csaf/provider-files';
import { AppError } from '#src/core/errors';
import { tokenScopes, type TokenScope } from '#src/core/access';
import { lookupApiToken } from '#src/modules/identity/auth-lookup';
import { viewerOf } from '#src/modules/bulletins/visibility';
import { RenderCache, sendCacheable } from '#src/web/public/bulletins/http-cache';
import { aggregateFiles, loadProviderSnapshot } from '#src/modules/csaf/provider-files';
import {
  feedFileName,
  folderEntries,
  hashFileContent,
  renderChangesCsv,
  renderDirectoryListing,
  renderIndexTxt,
  renderRolieFeed,
  tlpFolder,
  yearEntries,
  type TreeDocument,
} from '#src/modules/csaf/provider-tree';
import { findServedCsafDocument, isBulletinVisible, listSigningKeys, listVisibleTreeDocuments, providerStateKey, type StoredCsafDocument } from '#src/modules/csaf/provider.repository';

/** The media types of the provider's files. */
const MEDIA = {
  json: 'application/json; charset=utf-8',
  text: 'text/plain; charset=utf-8',
  csv: 'text/csv; charset=utf-8',
  signature: 'application/pgp-signature',
  key: 'application/pgp-keys',
  html: 'text/html; charset=utf-8',
} as const;

const YearParam = Type.String({ pattern: '^[0-9]{4}$' });
// CSAF file names (section 5.1) are lower-case letters, digits, `+`, `-` and `_`; the companions add a suffix.
const FileParam = Type.String({ pattern: '^[a-z0-9+_-]{1,200}\\.json(\\.sha256|\\.sha512|\\.asc)?$' });
const NameParam = Type.String({ maxLength: 64 });
const RestrictedTlp = Type.Union([Type.Literal('green'), Type.Literal('amber'), Type.Literal('red')]);

interface FileAnswer {
  body: string;
  type: string;
}

/** The body of `<file>.json`, `.sha256`, `.sha512` or `.asc` for a stored document. */
function documentAnswer(doc: StoredCsafDocument, requested: string): FileAnswer {
  if (requested.endsWith('.sha256')) return { body: hashFileContent(doc.sha256, doc.fileName), type: MEDIA.text };
  if (requested.endsWith('.sha512')) return { body: hashFileContent(doc.sha512, doc.fileName), type: MEDIA.text };
  if (requested.endsWith('.asc')) return { body: doc.signature, type: MEDIA.signature };
  return { body: doc.content, type: MEDIA.json };
}

function baseFileName(requested: string): string {
  return requested.replace(/\.(sha256|sha512|asc)$/, '');
}

/**
 * The trusted provider (CSAF 2.0 section 7): `/.well-known/csaf/` serves the metadata, the public keys and the
 * TLP:WHITE folder to everyone; `/csaf/restricted/<tlp>/` serves GREEN, AMBER and RED only to API tokens (Bearer),
 * each user seeing what the bulletin visibility rule allows them. Every body is the exact bytes stored in the
 * database (the files under `<dataDir>/csaf/` are written from the same rows), with a strong ETag; no redirects.
 */
export function csafProviderRoutes(app: App, services: AppServices): void {
  const { database, config, clock } = services;
  const db = database.db;
  const aggregates = new RenderCache<{ snapshot: ProviderSnapshot; files: Map<string, string> }>(4);

  async function currentAggregates(): Promise<{ snapshot: ProviderSnapshot; files: Map<string, string> }> {
    const key = await providerStateKey(db);
    return aggregates.get(key, async () => {
      const snapshot = await loadProviderSnapshot(db, config);
      return { snapshot, files: aggregateFiles(config, snapshot) };
    });
  }

  const publicFile = async (request: FastifyRequest, reply: FastifyReply, relative: string, type: string): Promise<FastifyReply> => {
    const { snapshot, files } = await currentAggregates();
    const body = files.get(relative);
    if (body === undefined) throw new AppError('not_found');
    return sendCacheable(request, reply, { body, type, lastModified: snapshot.lastUpdated, personal: false });
  };

  const formless = { access: 'public', formless: true } as const;

  app.get('/.well-known/csaf/provider-metadata.json', { config: formless, schema: { hide: true } }, async (request, reply) =>
    publicFile(request, reply, 'provider-metadata.json', MEDIA.json),
  );

  app.get('/.well-known/csaf/openpgp/:file', { config: formless, schema: { hide: true, params: Type.Object({ file: Type.String({ pattern: '^[0-9A-F]{40,64}\\.asc$' }) }) } }, async (request, reply) => {
    const fingerprint = request.params.file.replace(/\.asc$/, '');
    const key = (await listSigningKeys(db)).find((k) => k.fingerprint === fingerprint);
    if (!key) throw new AppError('not_found');
    return sendCacheable(request, reply, { body: key.publicKey, type: MEDIA.key, lastModified: key.createdAt, personal: false });
  });

  // TLP:WHITE, public.
  app.get('/.well-known/csaf/white/', { config: formless, schema: { hide: true } }, async (request, reply) => {
    const { snapshot } = await currentAggregates();
    const docs = snapshot.docs.filter((d) => d.tlp === 'WHITE');
    return sendCacheable(request, reply, { body: renderDirectoryListing('/.well-known/csaf/white/', folderEntries('WHITE', docs)), type: MEDIA.html, lastModified: snapshot.lastUpdated, personal: false });
  });

  app.get('/.well-known/csaf/white/:name', { config: formless, schema: { hide: true, params: Type.Object({ name: NameParam }) } }, async (request, reply) => {
    const { name } = request.params;
    if (name === 'index.txt') return publicFile(request, reply, 'white/index.txt', MEDIA.text);
    if (name === 'changes.csv') return publicFile(request, reply, 'white/changes.csv', MEDIA.csv);
    if (name === feedFileName('WHITE')) return publicFile(request, reply, `white/${feedFileName('WHITE')}`, MEDIA.json);
    throw new AppError('not_found');
  });

  app.get('/.well-known/csaf/white/:year/', { config: formless, schema: { hide: true, params: Type.Object({ year: YearParam }) } }, async (request, reply) => {
    const { snapshot } = await currentAggregates();
    const year = Number(request.params.year);
    const entries = yearEntries(snapshot.docs.filter((d) => d.tlp === 'WHITE'), year);
    if (entries.length === 0) throw new AppError('not_found');
    return sendCacheable(request, reply, { body: renderDirectoryListing(`/.well-known/csaf/white/${year}/`, entries), type: MEDIA.html, lastModified: snapshot.lastUpdated, personal: false });
  });

  app.get('/.well-known/csaf/white/:year/:file', { config: formless, schema: { hide: true, params: Type.Object({ year: YearParam, file: FileParam }) } }, async (request, reply) => {
    const doc = await findServedCsafDocument(db, 'WHITE', Number(request.params.year), baseFileName(request.params.file));
    if (!doc) throw new AppError('not_found');
    const answer = documentAnswer(doc, request.params.file);
    return sendCacheable(request, reply, { ...answer, lastModified: doc.createdAt, personal: false });
  });

  // GREEN, AMBER and RED: an API token is the only credential (CSAF downloaders send `Authorization: Bearer`; no
  // cookie session reaches these documents, so no browser page can be tricked into fetching them cross-site).
  async function restrictedViewer(request: FastifyRequest, reply: FastifyReply): Promise<BulletinViewer | null> {
    const header = request.headers.authorization;
    const bearer = typeof header === 'string' ? /^Bearer\s+(\S+)$/i.exec(header)?.[1] : undefined;
    const found = bearer ? await lookupApiToken(db, bearer, clock.now()) : null;
    if (!found) {
      await reply
        .status(401)
        .header('www-authenticate', bearer ? 'Bearer realm="csaf", error="invalid_token"' : 'Bearer realm="csaf"')
        .header('cache-control', 'no-store')
        .type(MEDIA.text)
        .send('An API token is required (Authorization: Bearer …).\n');
      return null;
    }
    const scopes = found.scopes.filter((s): s is TokenScope => (tokenScopes as readonly string[]).includes(s));
    // A token without the read (or write) scope reads nothing, like the `signed-in` API routes.
    if (!scopes.includes('read') && !scopes.includes('write')) return { kind: 'public' };
    return viewerOf({ kind: 'user', userId: found.user.id, label: `${found.user.email} (token)`, roles: found.user.roles, organisationId: found.user.organisationId, scopes });
  }

  const restrictedDocs = async (tlp: CsafTlp, viewer: BulletinViewer): Promise<TreeDocument[]> =>
    viewer.kind === 'public' ? [] : listVisibleTreeDocuments(db, tlp, viewer);

  const toTlp = (value: 'green' | 'amber' | 'red'): CsafTlp => (value === 'green' ? 'GREEN' : value === 'amber' ? 'AMBER' : 'RED');
  const restrictedBase = (tlp: CsafTlp): string => `/${tlpFolder(tlp).replace('restricted/', 'csaf/restricted/')}/`;

  app.get('/csaf/restricted/:tlp/', { config: formless, schema: { hide: true, params: Type.Object({ tlp: RestrictedTlp }) } }, async (request, reply) => {
    const viewer = await restrictedViewer(request, reply);
    if (viewer === null) return reply;
    const tlp = toTlp(request.params.tlp);
    const docs = await restrictedDocs(tlp, viewer);
    const { snapshot } = await currentAggregates();
    return sendCacheable(request, reply, { body: renderDirectoryListing(restrictedBase(tlp), folderEntries(tlp, docs)), type: MEDIA.html, lastModified: snapshot.lastUpdated, personal: true });
  });

  app.get('/csaf/restricted/:tlp/:name', { config: formless, schema: { hide: true, params: Type.Object({ tlp: RestrictedTlp, name: NameParam }) } }, async (request, reply) => {
    const viewer = await restrictedViewer(request, reply);
    if (viewer === null) return reply;
    const tlp = toTlp(request.params.tlp);
    const { name } = request.params;
    const { snapshot } = await currentAggregates();
    let answer: FileAnswer;
    if (name === 'index.txt') answer = { body: renderIndexTxt(await restrictedDocs(tlp, viewer)), type: MEDIA.text };
    else if (name === 'changes.csv') answer = { body: renderChangesCsv(await restrictedDocs(tlp, viewer)), type: MEDIA.csv };
    else if (name === feedFileName(tlp)) answer = { body: renderRolieFeed(config, tlp, await restrictedDocs(tlp, viewer), snapshot.lastUpdated), type: MEDIA.json };
    else throw new AppError('not_found');
    return sendCacheable(request, reply, { ...answer, lastModified: snapshot.lastUpdated, personal: true });
  });

  app.get('/csaf/restricted/:tlp/:year/', { config: formless, schema: { hide: true, params: Type.Object({ tlp: RestrictedTlp, year: YearParam }) } }, async (request, reply) => {
    const viewer = await restrictedViewer(request, reply);
    if (viewer === null) return reply;
    const tlp = toTlp(request.params.tlp);
    const year = Number(request.params.year);
    const entries = yearEntries(await restrictedDocs(tlp, viewer), year);
    if (entries.length === 0) throw new AppError('not_found');
    const { snapshot } = await currentAggregates();
    return sendCacheable(request, reply, { body: renderDirectoryListing(`${restrictedBase(tlp)}${year}/`, entries), type: MEDIA.html, lastModified: snapshot.lastUpdated, personal: true });
  });

  app.get('/csaf/restricted/:tlp/:year/:file', { config: formless, schema: { hide: true, params: Type.Object({ tlp: RestrictedTlp, year: YearParam, file: FileParam }) } }, async (request, reply) => {
    const viewer = await restrictedViewer(request, reply);
    if (viewer === null) return reply;
    const tlp = toTlp(request.params.tlp);
    const doc = await findServedCsafDocument(db, tlp, Number(request.params.year), baseFileName(request.params.file));
    // Not there and not allowed look the same: 404, never 403.
    if (!doc || viewer.kind === 'public' || !(await isBulletinVisible(db, doc.bulletinId, viewer))) throw new AppError('not_found');
    return sendCacheable(request, reply, { ...documentAnswer(doc, request.params.file), lastModified: doc.createdAt, personal: true });
  });
}
