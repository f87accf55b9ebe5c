import type { Config } from '#src/config/config';
import type { CsafTlp } from '#src/modules/csaf/csaf.types';

/**
 * The trusted provider's files (CSAF 2.0 section 7.1), rendered from the database by pure functions so that the
 * files written under `<dataDir>/csaf/`, the answers of the routes and `ribat csaf rebuild` are the same bytes.
 * Every timestamp comes from the stored rows, never from the clock, so rendering twice gives identical output.
 */

/** What the indexes and feeds need of one stored document (its current version for the tracking id). */
export interface TreeDocument {
  trackingId: string;
  fileName: string;
  year: number;
  tlp: CsafTlp;
  version: string;
  revisionNumber: number;
  title: string;
  initialReleaseDate: Date;
  currentReleaseDate: Date;
  createdAt: Date;
}

/** A signing key as the provider publishes it. */
export interface TreeKey {
  fingerprint: string;
  publicKey: string;
  active: boolean;
  createdAt: Date;
}

/** The publisher object of the provider metadata (the same as in the documents). */
export type CsafPublisher = Record<string, unknown>;

export const TLPS: readonly CsafTlp[] = ['WHITE', 'GREEN', 'AMBER', 'RED'];

/** Folder of a TLP, relative to `<dataDir>/csaf/`: `white`, or `restricted/green|amber|red`. */
export function tlpFolder(tlp: CsafTlp): string {
  return tlp === 'WHITE' ? 'white' : `restricted/${tlp.toLowerCase()}`;
}

/** Public URL of a TLP's folder: WHITE under /.well-known/csaf/, the others under /csaf/restricted/ (token only). */
export function tlpBaseUrl(config: Pick<Config, 'publicUrl'>, tlp: CsafTlp): string {
  return tlp === 'WHITE' ? `${config.publicUrl}/.well-known/csaf/white` : `${config.publicUrl}/csaf/restricted/${tlp.toLowerCase()}`;
}

/** File name of a TLP's ROLIE feed. */
export function feedFileName(tlp: CsafTlp): string {
  return `feed-tlp-${tlp.toLowerCase()}.json`;
}

/** A document's path inside its TLP folder (requirement 11: one folder per year of the initial release). */
export function documentPath(doc: Pick<TreeDocument, 'year' | 'fileName'>): string {
  return `${doc.year}/${doc.fileName}`;
}

/** URL of a signing key's armored public key. */
export function publicKeyUrl(config: Pick<Config, 'publicUrl'>, fingerprint: string): string {
  return `${config.publicUrl}/.well-known/csaf/openpgp/${fingerprint}.asc`;
}

/** The provider metadata's own URL (requirement 9). */
export function providerMetadataUrl(config: Pick<Config, 'publicUrl'>): string {
  return `${config.publicUrl}/.well-known/csaf/provider-metadata.json`;
}

/** A `.sha256`/`.sha512` file in the `sha256sum` format: `<hex>  <file name>`. */
export function hashFileContent(hex: string, fileName: string): string {
  return `${hex}  ${fileName}\n`;
}

/** For each tracking id, its latest stored version (highest revision number). */
export function currentDocuments<T extends Pick<TreeDocument, 'trackingId' | 'revisionNumber'>>(rows: readonly T[]): T[] {
  const latest = new Map<string, T>();
  for (const row of rows) {
    const seen = latest.get(row.trackingId);
    if (!seen || row.revisionNumber > seen.revisionNumber) latest.set(row.trackingId, row);
  }
  return [...latest.values()];
}

const byPath = (a: TreeDocument, b: TreeDocument): number => (documentPath(a) < documentPath(b) ? -1 : documentPath(a) > documentPath(b) ? 1 : 0);

/** Newest change first, then by path: the order of changes.csv and of the ROLIE entries. */
function byChange(a: TreeDocument, b: TreeDocument): number {
  return b.currentReleaseDate.getTime() - a.currentReleaseDate.getTime() || byPath(a, b);
}

/** index.txt (requirement 12): the path of every current document of the folder, one per line, sorted. */
export function renderIndexTxt(docs: readonly TreeDocument[]): string {
  return [...docs].sort(byPath).map((d) => `${documentPath(d)}\n`).join('');
}

/** changes.csv (requirement 13): `"path","current_release_date"`, newest first. */
export function renderChangesCsv(docs: readonly TreeDocument[]): string {
  return [...docs].sort(byChange).map((d) => `"${documentPath(d)}","${d.currentReleaseDate.toISOString()}"\n`).join('');
}

/** 2-space JSON with a final newline, keys in the order built (the renderers build them in a fixed order). */
function json(value: unknown): string {
  return `${JSON.stringify(value, null, 2)}\n`;
}

/**
 * A ROLIE feed of one TLP (requirement 15): one entry per current document with links to the document, its hashes
 * and its signature. `updated` is the newest change in the feed (or `fallbackUpdated` when it is empty).
 */
export function renderRolieFeed(config: Pick<Config, 'publicUrl' | 'siteName'>, tlp: CsafTlp, docs: readonly TreeDocument[], fallbackUpdated: Date): string {
  const base = tlpBaseUrl(config, tlp);
  const sorted = [...docs].sort(byChange);
  const updated = sorted[0]?.currentReleaseDate ?? fallbackUpdated;
  return json({
    feed: {
      id: `${new URL(config.publicUrl).host}-csaf-feed-tlp-${tlp.toLowerCase()}`,
      title: `${config.siteName} CSAF feed (TLP:${tlp})`,
      link: [{ rel: 'self', href: `${base}/${feedFileName(tlp)}` }],
      category: [{ scheme: 'urn:ietf:params:rolie:category:information-type', term: 'csaf' }],
      updated: updated.toISOString(),
      entry: sorted.map((d) => {
        const url = `${base}/${documentPath(d)}`;
        return {
          id: d.trackingId,
          title: d.title,
          link: [
            { rel: 'self', href: url },
            { rel: 'hash', href: `${url}.sha256` },
            { rel: 'hash', href: `${url}.sha512` },
            { rel: 'signature', href: `${url}.asc` },
          ],
          published: d.initialReleaseDate.toISOString(),
          updated: d.currentReleaseDate.toISOString(),
          summary: { content: d.title },
          content: { type: 'application/json', src: url },
          format: { schema: 'https://docs.oasis-open.org/csaf/csaf/v2.0/csaf_json_schema.json', version: '2.0' },
        };
      }),
    },
  });
}

/** The publisher when no document exists yet to copy it from. */
export function defaultPublisher(config: Pick<Config, 'csafPublisherName' | 'csafPublisherNamespace'>): CsafPublisher {
  return { category: 'coordinator', name: config.csafPublisherName, namespace: config.csafPublisherNamespace };
}

/** When the provider last changed: the newest stored document or key (the Unix epoch for an empty provider). */
export function providerLastUpdated(docs: readonly Pick<TreeDocument, 'createdAt'>[], keys: readonly Pick<TreeKey, 'createdAt'>[]): Date {
  let last = 0;
  for (const d of docs) last = Math.max(last, d.createdAt.getTime());
  for (const k of keys) last = Math.max(last, k.createdAt.getTime());
  return new Date(last);
}

/**
 * provider-metadata.json (requirements 7, 9, 10, 20): role `csaf_trusted_provider`, the WHITE directory and the
 * ROLIE feeds of every TLP (the restricted ones need a token), and every signing key (the active one first: retired
 * keys stay listed so that signatures made with them can still be checked).
 */
export function renderProviderMetadata(
  config: Pick<Config, 'publicUrl' | 'siteName'>,
  input: { publisher: CsafPublisher; keys: readonly TreeKey[]; lastUpdated: Date },
): string {
  const keys = [...input.keys].sort((a, b) => Number(b.active) - Number(a.active) || b.createdAt.getTime() - a.createdAt.getTime());
  return json({
    canonical_url: providerMetadataUrl(config),
    distributions: [
      { directory_url: `${tlpBaseUrl(config, 'WHITE')}/` },
      {
        rolie: {
          feeds: TLPS.map((tlp) => ({
            summary: tlp === 'WHITE' ? `All TLP:WHITE advisories of ${config.siteName}.` : `TLP:${tlp} advisories of ${config.siteName} (API token required; each user sees what the TLP allows them).`,
            tlp_label: tlp,
            url: `${tlpBaseUrl(config, tlp)}/${feedFileName(tlp)}`,
          })),
        },
      },
    ],
    last_updated: input.lastUpdated.toISOString(),
    list_on_CSAF_aggregators: true,
    metadata_version: '2.0',
    mirror_on_CSAF_aggregators: true,
    public_openpgp_keys: keys.map((k) => ({ fingerprint: k.fingerprint, url: publicKeyUrl(config, k.fingerprint) })),
    publisher: input.publisher,
    role: 'csaf_trusted_provider',
  });
}

/** A plain HTML directory listing (requirement 14) of `entries` (names; folders end with a slash). */
export function renderDirectoryListing(title: string, entries: readonly string[]): string {
  const escape = (s: string): string => s.replace(/&/g, '&amp;').replace(/</g, '&lt;').replace(/>/g, '&gt;').replace(/"/g, '&quot;');
  const items = entries.map((e) => `<li><a href="${escape(e)}">${escape(e)}</a></li>`).join('\n');
  return `<!DOCTYPE html>\n<html><head><meta charset="utf-8"><title>Index of ${escape(title)}</title></head>\n<body><h1>Index of ${escape(title)}</h1>\n<ul>\n${items}\n</ul>\n</body></html>\n`;
}

/** The names a TLP folder lists: its year folders, then its index files and feed. */
export function folderEntries(tlp: CsafTlp, docs: readonly TreeDocument[]): string[] {
  const years = [...new Set(docs.map((d) => d.year))].sort((a, b) => b - a).map((y) => `${y}/`);
  return [...years, 'changes.csv', feedFileName(tlp), 'index.txt'];
}

/** The names a year folder lists: each document and its three companion files. */
export function yearEntries(docs: readonly TreeDocument[], year: number): string[] {
  return docs
    .filter((d) => d.year === year)
    .sort(byPath)
    .flatMap((d) => [d.fileName, `${d.fileName}.asc`, `${d.fileName}.sha256`, `${d.fileName}.sha512`]);
}
