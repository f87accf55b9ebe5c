import { sql, type ExpressionBuilder, type SqlBool, type Expression } from 'kysely';
import type { DbOrTx, Dialect } from '#src/db/database';
import type { Database } from '#src/db/schema';
import type { Cursor } from '#src/core/pagination';
import type { BulletinContent, BulletinKind, BulletinLanguage, PublicationState, Tlp } from '#src/modules/bulletins/bulletins.types';
import type { BulletinViewer } from '#src/modules/bulletins/visibility';
import { fromDbTime, fromDbTimeOrNull, toDbTime } from '#src/core/time';
import { referenceSlug } from '#src/modules/bulletins/bulletins.types';
import { searchTerms } from '#src/modules/bulletins/search-text';
import { nameKey } from '#src/modules/bulletins/products.repository';
import { visibleTo } from '#src/modules/bulletins/visibility';

/** Publication states the public lists show: withdrawn bulletins keep their page but leave every list. */
const listedStates = ['published', 'closed'] as const satisfies readonly PublicationState[];
/** Publication states that have a public page. */
const pageStates = ['published', 'closed', 'withdrawn'] as const satisfies readonly PublicationState[];

/** Filters of the public list; absent means any. */
export interface ListingFilters {
  kind?: BulletinKind | undefined;
  /** Code in the criticality vocabulary. */
  criticality?: string | undefined;
  /** Part of a vendor's name, case-insensitive. */
  vendor?: string | undefined;
  /** Part of a product's name, case-insensitive. */
  product?: string | undefined;
  /** A CVE identifier. */
  cve?: string | undefined;
  /** First publication at or after this instant. */
  from?: Date | undefined;
  /** First publication before this instant. */
  before?: Date | undefined;
  /** Only bulletins that have a text in this language (shown in it). */
  language?: BulletinLanguage | undefined;
  /** Full-text query; accents, case and Arabic diacritics are ignored. */
  q?: string | undefined;
  /** Only alerts that are not closed (home page). */
  openAlertsOnly?: boolean | undefined;
}

/** One line of a public list: a bulletin in one language. */
export interface ListingItem {
  bulletinId: string;
  reference: string;
  slug: string;
  kind: BulletinKind;
  criticality: string;
  tlp: Tlp;
  publication: PublicationState;
  revision: number;
  /** Language of `title` and `summary`. */
  language: BulletinLanguage;
  isOriginal: boolean;
  title: string;
  summary: string;
  firstPublishedAt: Date;
  lastPublishedAt: Date;
}

/** A revision as the public history shows it. */
export interface PublicRevision {
  number: number;
  publishedAt: Date;
  changeSummary: string;
}

/** A published bulletin as its public page, JSON document and PDF show it: the latest published revision. */
export interface PublicBulletin {
  bulletinId: string;
  reference: string;
  slug: string;
  kind: BulletinKind;
  publication: PublicationState;
  revision: number;
  content: BulletinContent;
  firstPublishedAt: Date;
  lastPublishedAt: Date;
  closedAt: Date | null;
  withdrawnAt: Date | null;
  /** Why it was withdrawn (shown with the notice); null unless withdrawn. */
  withdrawalReason: string | null;
  revisions: PublicRevision[];
  aliases: string[];
}

/** What a slug leads to: the bulletin, a redirect to its canonical slug (alias, upper-case reference), or nothing. */
export type SlugLookup = { kind: 'bulletin'; bulletin: PublicBulletin } | { kind: 'redirect'; slug: string } | { kind: 'none' };

/** The position of a listing item in the public order (newest first publication first). */
export function listingCursor(item: ListingItem): Cursor {
  return { k: item.firstPublishedAt.toISOString(), id: item.bulletinId };
}

function likeContains(text: string): string {
  return `%${text.trim().toLowerCase().replace(/[\\%_]/g, (c) => `\\${c}`)}%`;
}

/** The full-text condition: the bulletin has a text (in `language` when given) matching every term as a prefix. */
function matchesSearch(eb: ExpressionBuilder<Database, 'bulletin_listing'>, dialect: Dialect, terms: string[], language: BulletinLanguage | undefined): Expression<SqlBool> {
  if (dialect === 'sqlite') {
    // FTS5 syntax: each folded term quoted (terms hold only letters and digits) and marked as a prefix; space = AND.
    const expression = terms.map((t) => `"${t}"*`).join(' ');
    let sub = eb.selectFrom('bulletin_fts').select('bulletin_fts.bulletin_id').where(sql<SqlBool>`bulletin_fts match ${expression}`);
    if (language) sub = sub.where('bulletin_fts.language', '=', language);
    return eb('bulletin_listing.bulletin_id', 'in', sub);
  }
  // PostgreSQL: the generated tsvector ('simple' configuration over the folded text); the query is a parameter.
  const query = terms.map((t) => `${t}:*`).join(' & ');
  let sub = eb
    .selectFrom('bulletin_listing as search_row')
    .select('search_row.bulletin_id')
    .where(sql<SqlBool>`${sql.ref('search_row.search_vector')} @@ to_tsquery('simple', ${query})`);
  if (language) sub = sub.where('search_row.language', '=', language);
  return eb('bulletin_listing.bulletin_id', 'in', sub);
}

function toItem(row: {
  bulletin_id: string;
  reference: string;
  slug: string;
  kind: string;
  criticality: string;
  tlp: string;
  publication: string;
  revision: number;
  language: string;
  is_original: number;
  title: string;
  summary: string;
  first_published_at: string | Date;
  last_published_at: string | Date;
}): ListingItem {
  return {
    bulletinId: row.bulletin_id,
    reference: row.reference,
    slug: row.slug,
    kind: row.kind as BulletinKind,
    criticality: row.criticality,
    tlp: row.tlp as Tlp,
    publication: row.publication as PublicationState,
    revision: Number(row.revision),
    language: row.language as BulletinLanguage,
    isOriginal: Number(row.is_original) === 1,
    title: row.title,
    summary: row.summary,
    firstPublishedAt: fromDbTime(row.first_published_at),
    lastPublishedAt: fromDbTime(row.last_published_at),
  };
}

/**
 * A page of the published bulletins the viewer may read, newest first, fetching `limit` rows after the cursor.
 * One row per bulletin: in `filters.language` when given (only bulletins translated into it), otherwise in
 * `displayLanguage` when the bulletin has that text and in its original language when not (null: always the
 * original). Withdrawn bulletins are left out; the TLP rule is part of the SQL.
 */
export async function findPublicBulletins(
  db: DbOrTx,
  dialect: Dialect,
  viewer: BulletinViewer,
  filters: ListingFilters,
  displayLanguage: BulletinLanguage | null,
  after: Cursor | null,
  limit: number,
): Promise<ListingItem[]> {
  let query = db
    .selectFrom('bulletin_listing')
    .select([
      'bulletin_listing.bulletin_id',
      'bulletin_listing.reference',
      'bulletin_listing.slug',
      'bulletin_listing.kind',
      'bulletin_listing.criticality',
      'bulletin_listing.tlp',
      'bulletin_listing.publication',
      'bulletin_listing.revision',
      'bulletin_listing.language',
      'bulletin_listing.is_original',
      'bulletin_listing.title',
      'bulletin_listing.summary',
      'bulletin_listing.first_published_at',
      'bulletin_listing.last_published_at',
    ])
    .where('bulletin_listing.publication', 'in', listedStates)
    .where(visibleTo(viewer));

  if (filters.language) {
    query = query.where('bulletin_listing.language', '=', filters.language);
  } else if (displayLanguage) {
    query = query.where((eb) =>
      eb.or([
        eb('bulletin_listing.language', '=', displayLanguage),
        eb.and([
          eb('bulletin_listing.is_original', '=', 1),
          eb.not(
            eb.exists(
              eb
                .selectFrom('bulletin_listing as translated')
                .select('translated.bulletin_id')
                .whereRef('translated.bulletin_id', '=', 'bulletin_listing.bulletin_id')
                .where('translated.language', '=', displayLanguage),
            ),
          ),
        ]),
      ]),
    );
  } else {
    query = query.where('bulletin_listing.is_original', '=', 1);
  }

  if (filters.kind) query = query.where('bulletin_listing.kind', '=', filters.kind);
  if (filters.openAlertsOnly) query = query.where('bulletin_listing.kind', '=', 'alert').where('bulletin_listing.publication', '=', 'published');
  if (filters.criticality) query = query.where('bulletin_listing.criticality', '=', filters.criticality);
  if (filters.from) query = query.where('bulletin_listing.first_published_at', '>=', toDbTime(filters.from));
  if (filters.before) query = query.where('bulletin_listing.first_published_at', '<', toDbTime(filters.before));
  const cve = filters.cve?.trim().toUpperCase();
  if (cve) {
    query = query.where((eb) =>
      eb.exists(eb.selectFrom('bulletin_cve').select('bulletin_cve.cve_id').whereRef('bulletin_cve.bulletin_id', '=', 'bulletin_listing.bulletin_id').where('bulletin_cve.cve_id', '=', cve)),
    );
  }
  // Vendor and product filters match part of the registry's folded names (case, accents and punctuation ignored).
  const vendor = nameKey(filters.vendor ?? '');
  if (vendor !== '') {
    query = query.where((eb) =>
      eb.exists(
        eb
          .selectFrom('bulletin_product')
          .innerJoin('product_vendor', 'product_vendor.id', 'bulletin_product.vendor_id')
          .select('bulletin_product.product_id')
          .whereRef('bulletin_product.bulletin_id', '=', 'bulletin_listing.bulletin_id')
          .where(sql<SqlBool>`${sql.ref('product_vendor.name_key')} like ${likeContains(vendor)} escape '\\'`),
      ),
    );
  }
  const product = nameKey(filters.product ?? '');
  if (product !== '') {
    query = query.where((eb) =>
      eb.exists(
        eb
          .selectFrom('bulletin_product')
          .innerJoin('product', 'product.id', 'bulletin_product.product_id')
          .select('bulletin_product.product_id')
          .whereRef('bulletin_product.bulletin_id', '=', 'bulletin_listing.bulletin_id')
          .where(sql<SqlBool>`${sql.ref('product.name_key')} like ${likeContains(product)} escape '\\'`),
      ),
    );
  }
  const terms = searchTerms(filters.q ?? '');
  if (terms.length > 0) query = query.where((eb) => matchesSearch(eb, dialect, terms, filters.language));

  if (after) {
    const k = String(after.k ?? '');
    query = query.where((eb) =>
      eb.or([eb('bulletin_listing.first_published_at', '<', k), eb.and([eb('bulletin_listing.first_published_at', '=', k), eb('bulletin_listing.bulletin_id', '<', after.id)])]),
    );
  }
  const rows = await query.orderBy('bulletin_listing.first_published_at', 'desc').orderBy('bulletin_listing.bulletin_id', 'desc').limit(limit).execute();
  return rows.map(toItem);
}

/** A sitemap entry: one public page per bulletin and language. */
export interface SitemapEntry {
  slug: string;
  language: BulletinLanguage;
  isOriginal: boolean;
  lastPublishedAt: Date;
}

/** Every page of a public (TLP:CLEAR), not withdrawn bulletin, newest first, at most `limit`. */
export async function findSitemapEntries(db: DbOrTx, viewer: BulletinViewer, limit: number): Promise<SitemapEntry[]> {
  const rows = await db
    .selectFrom('bulletin_listing')
    .select(['slug', 'language', 'is_original', 'last_published_at'])
    .where('publication', 'in', listedStates)
    .where(visibleTo(viewer))
    .orderBy('first_published_at', 'desc')
    .orderBy('bulletin_id', 'desc')
    .orderBy('language')
    .limit(limit)
    .execute();
  return rows.map((r) => ({ slug: r.slug, language: r.language as BulletinLanguage, isOriginal: Number(r.is_original) === 1, lastPublishedAt: fromDbTime(r.last_published_at) }));
}

/** The id of the bulletin behind `slug` when the viewer may read its page (published, closed or withdrawn). */
async function findVisibleBulletinId(db: DbOrTx, viewer: BulletinViewer, column: 'slug' | 'bulletin_id', value: string): Promise<{ id: string; slug: string } | null> {
  const row = await db
    .selectFrom('bulletin_listing')
    .select(['bulletin_listing.bulletin_id', 'bulletin_listing.slug'])
    .where(`bulletin_listing.${column}`, '=', value)
    .where('bulletin_listing.publication', 'in', pageStates)
    .where(visibleTo(viewer))
    .limit(1)
    .executeTakeFirst();
  return row ? { id: row.bulletin_id, slug: row.slug } : null;
}

/** The canonical slug an alias or a reference typed in another case leads to, when the viewer may read it. */
async function findRedirect(db: DbOrTx, viewer: BulletinViewer, requested: string): Promise<string | null> {
  const canonical = referenceSlug(requested);
  if (canonical !== requested && canonical !== '') {
    const direct = await findVisibleBulletinId(db, viewer, 'slug', canonical);
    if (direct) return direct.slug;
  }
  // Aliases are legacy references ("63492304/26"); their URL form is their slug ("63492304_26"). A `_` in a slug
  // stands for a run of other characters, so look the candidates up with LIKE, then compare the slugs exactly.
  if (!/^[a-z0-9+_-]{1,120}$/.test(canonical)) return null;
  const pattern = canonical.replace(/_/g, '%');
  const candidates = await db
    .selectFrom('bulletin_alias')
    .select(['alias', 'bulletin_id'])
    .where((eb) => eb.or([eb('alias', '=', requested), sql<SqlBool>`lower(${sql.ref('alias')}) like ${pattern}`]))
    .limit(20)
    .execute();
  const match = candidates.find((c) => c.alias === requested || referenceSlug(c.alias) === canonical);
  if (!match) return null;
  const target = await findVisibleBulletinId(db, viewer, 'bulletin_id', match.bulletin_id);
  return target?.slug ?? null;
}

/**
 * The public bulletin at `slug` with its latest published revision, revision list and aliases, when the viewer may
 * read it; a redirect when `slug` is an alias or a differently written reference; `none` otherwise (answer 404: a
 * bulletin the viewer may not read does not exist for them).
 */
export async function findPublicBulletinBySlug(db: DbOrTx, viewer: BulletinViewer, slug: string): Promise<SlugLookup> {
  const found = await findVisibleBulletinId(db, viewer, 'slug', slug);
  if (!found) {
    const redirect = await findRedirect(db, viewer, slug);
    return redirect !== null && redirect !== slug ? { kind: 'redirect', slug: redirect } : { kind: 'none' };
  }
  const bulletin = await db
    .selectFrom('bulletin')
    .select(['id', 'kind', 'reference', 'slug', 'publication', 'published_revision', 'first_published_at', 'last_published_at', 'closed_at', 'withdrawn_at', 'withdrawal_reason'])
    .where('id', '=', found.id)
    .executeTakeFirst();
  if (!bulletin || bulletin.reference === null || bulletin.slug === null || Number(bulletin.published_revision) < 1) return { kind: 'none' };
  const revisions = await db
    .selectFrom('bulletin_revision')
    .select(['number', 'published_at', 'change_summary', 'content'])
    .where('bulletin_id', '=', found.id)
    .orderBy('number', 'desc')
    .execute();
  const latest = revisions[0];
  if (!latest) return { kind: 'none' };
  const aliases = await db.selectFrom('bulletin_alias').select('alias').where('bulletin_id', '=', found.id).orderBy('alias').execute();
  const firstPublishedAt = fromDbTimeOrNull(bulletin.first_published_at) ?? fromDbTime(latest.published_at);
  return {
    kind: 'bulletin',
    bulletin: {
      bulletinId: bulletin.id,
      reference: bulletin.reference,
      slug: bulletin.slug,
      kind: bulletin.kind as BulletinKind,
      publication: bulletin.publication as PublicationState,
      revision: Number(latest.number),
      content: JSON.parse(latest.content) as BulletinContent,
      firstPublishedAt,
      lastPublishedAt: fromDbTimeOrNull(bulletin.last_published_at) ?? fromDbTime(latest.published_at),
      closedAt: fromDbTimeOrNull(bulletin.closed_at),
      withdrawnAt: fromDbTimeOrNull(bulletin.withdrawn_at),
      withdrawalReason: bulletin.publication === 'withdrawn' ? bulletin.withdrawal_reason : null,
      revisions: revisions.map((r) => ({ number: Number(r.number), publishedAt: fromDbTime(r.published_at), changeSummary: r.change_summary })),
      aliases: aliases.map((a) => a.alias),
    },
  };
}

/**
 * When the public read model last changed (a publication, a closing or a withdrawal), for Last-Modified on lists,
 * feeds and the sitemap; null before the first publication.
 */
export async function findLastPublicChange(db: DbOrTx): Promise<Date | null> {
  const row = await db
    .selectFrom('bulletin')
    .select((eb) => [eb.fn.max('last_published_at').as('published'), eb.fn.max('closed_at').as('closed'), eb.fn.max('withdrawn_at').as('withdrawn')])
    .executeTakeFirst();
  if (!row) return null;
  const times = [row.published, row.closed, row.withdrawn]
    .map((v) => fromDbTimeOrNull(v))
    .filter((d): d is Date => d !== null);
  return times.length === 0 ? null : new Date(Math.max(...times.map((d) => d.getTime())));
}
