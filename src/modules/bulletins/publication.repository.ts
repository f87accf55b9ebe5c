import type { DbOrTx, Dialect } from '#src/db/database';
import type { Bulletin, BulletinContent, BulletinLanguage } from '#src/modules/bulletins/bulletins.types';
import { bulletinLanguages } from '#src/modules/bulletins/bulletins.types';
import { toDbTime } from '#src/core/time';
import { foldForSearch } from '#src/modules/bulletins/search-text';
import { markdownToPlainText } from '#src/modules/bulletins/markdown';

// The public read model of a bulletin, rewritten as a whole (delete, then insert) in the transaction that publishes,
// closes or withdraws it, so public pages, feeds and search read simple rows and never a working copy:
// - bulletin_listing: one row per language that has a text in the latest published revision;
// - bulletin_fts (SQLite only): the FTS5 index of the listing's search_text (PostgreSQL indexes a generated column);
// - bulletin_cve / bulletin_product: what the revision is about, for filters and subscriptions;
// - bulletin_recipient_organisation (AMBER, AMBER+STRICT) and bulletin_recipient_user (RED): who may read it.
// A withdrawn bulletin keeps its listing rows (publication = 'withdrawn', so its address can show the notice and
// readers can filter it out) and its recipients, but leaves the search index and the CVE and product tables.

/** The languages of `content` that have a title, the original first. */
export function listedLanguages(content: BulletinContent): BulletinLanguage[] {
  const withText = bulletinLanguages.filter((l) => (content.texts[l]?.title.trim() ?? '') !== '');
  return [content.originalLanguage, ...withText.filter((l) => l !== content.originalLanguage)].filter((l) => content.texts[l] !== undefined);
}

/** The folded text searched for a language: reference, texts, CVE ids, vendors and products, indicators. */
export function searchTextOf(reference: string, content: BulletinContent, language: BulletinLanguage): string {
  const text = content.texts[language];
  const parts = [
    reference,
    text?.title ?? '',
    text?.summary ?? '',
    markdownToPlainText(text?.description ?? ''),
    markdownToPlainText(text?.solution ?? ''),
    markdownToPlainText(text?.workarounds ?? ''),
    ...content.cves.map((c) => c.id),
    ...content.affected.map((a) => `${a.vendor} ${a.product}`),
    ...content.indicators.map((i) => i.value),
  ];
  return foldForSearch(parts.join(' '));
}

/**
 * Rewrites the public read model of `bulletin` from its latest published revision `content` (numbered `revision`).
 * Call after the bulletin row itself is up to date (reference, publication, dates).
 */
export async function writePublicReadModel(db: DbOrTx, dialect: Dialect, bulletin: Bulletin, content: BulletinContent, revision: number): Promise<void> {
  const id = bulletin.id;
  if (bulletin.reference === null || bulletin.slug === null || bulletin.firstPublishedAt === null || bulletin.lastPublishedAt === null) {
    throw new Error(`bulletin ${id} has no publication to list`);
  }
  if (dialect === 'sqlite') await db.deleteFrom('bulletin_fts').where('bulletin_id', '=', id).execute();
  await db.deleteFrom('bulletin_listing').where('bulletin_id', '=', id).execute();
  await db.deleteFrom('bulletin_cve').where('bulletin_id', '=', id).execute();
  await db.deleteFrom('bulletin_product').where('bulletin_id', '=', id).execute();
  await db.deleteFrom('bulletin_recipient_organisation').where('bulletin_id', '=', id).execute();
  await db.deleteFrom('bulletin_recipient_user').where('bulletin_id', '=', id).execute();

  const withdrawn = bulletin.publication === 'withdrawn';
  const rows = listedLanguages(content).map((language) => {
    const text = content.texts[language];
    return {
      bulletin_id: id,
      language,
      is_original: language === content.originalLanguage ? 1 : 0,
      reference: bulletin.reference ?? '',
      slug: bulletin.slug ?? '',
      kind: bulletin.kind,
      criticality: content.criticality,
      tlp: content.tlp,
      publication: bulletin.publication,
      revision,
      title: text?.title ?? '',
      summary: text?.summary ?? '',
      search_text: withdrawn ? '' : searchTextOf(bulletin.reference ?? '', content, language),
      first_published_at: toDbTime(bulletin.firstPublishedAt ?? new Date(0)),
      last_published_at: toDbTime(bulletin.lastPublishedAt ?? new Date(0)),
    };
  });
  if (rows.length > 0) await db.insertInto('bulletin_listing').values(rows).execute();
  if (dialect === 'sqlite' && !withdrawn && rows.length > 0) {
    await db
      .insertInto('bulletin_fts')
      .values(rows.map((r) => ({ bulletin_id: id, language: r.language, search_text: r.search_text })))
      .execute();
  }

  if (!withdrawn) {
    const cves = new Map(content.cves.map((c) => [c.id, c.exploited]));
    if (cves.size > 0) {
      await db
        .insertInto('bulletin_cve')
        .values([...cves].map(([cve_id, exploited]) => ({ bulletin_id: id, cve_id, exploited: exploited ? 1 : 0 })))
        .execute();
    }
    const products = await productVendors(db, content.affected.map((a) => a.productId));
    if (products.length > 0) {
      await db
        .insertInto('bulletin_product')
        .values(products.map((p) => ({ bulletin_id: id, product_id: p.id, vendor_id: p.vendor_id })))
        .execute();
    }
  }

  if ((content.tlp === 'amber' || content.tlp === 'amber+strict') && content.recipientOrganisationIds.length > 0) {
    await db
      .insertInto('bulletin_recipient_organisation')
      .values([...new Set(content.recipientOrganisationIds)].map((organisation_id) => ({ bulletin_id: id, organisation_id })))
      .execute();
  }
  if (content.tlp === 'red' && content.recipientUserIds.length > 0) {
    await db
      .insertInto('bulletin_recipient_user')
      .values([...new Set(content.recipientUserIds)].map((user_id) => ({ bulletin_id: id, user_id })))
      .execute();
  }
}

async function productVendors(db: DbOrTx, productIds: string[]): Promise<{ id: string; vendor_id: string }[]> {
  const ids = [...new Set(productIds.filter((p) => p !== ''))];
  if (ids.length === 0) return [];
  return db.selectFrom('product').select(['id', 'vendor_id']).where('id', 'in', ids).execute();
}

/** Changes only the publication state shown by the listing rows (closing an alert keeps everything else). */
export async function setListingPublication(db: DbOrTx, bulletinId: string, publication: Bulletin['publication']): Promise<void> {
  await db.updateTable('bulletin_listing').set({ publication }).where('bulletin_id', '=', bulletinId).execute();
}
