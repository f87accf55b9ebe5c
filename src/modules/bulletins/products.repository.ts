import { sql } from 'kysely';
import type { DbOrTx } from '#src/db/database';
import type { Product } from '#src/modules/bulletins/bulletins.types';
import { newId } from '#src/core/ids';
import { toDbTime } from '#src/core/time';
import { foldForSearch } from '#src/modules/bulletins/search-text';

// The shared registry of vendors and products. Each name is stored as typed the first time and keyed by its folded
// form (`foldForSearch`: case, accents, punctuation and spacing ignored), so "Fortinet", "FORTINET" and "fortinet "
// are one vendor, and every bulletin about FortiOS points at the same product.

/** The registry key of a vendor or product name: folded; empty when the name has no letter or digit. */
export function nameKey(name: string): string {
  return foldForSearch(name);
}

// CPE 2.3 formatted string binding (NISTIR 7695 §6.2): "cpe:2.3:" then part (a, o, h, * or -) and ten more
// components separated by unescaped colons; a component is `*`, `-` or a run of allowed characters where
// punctuation other than `-`, `.` and `_` is backslash-escaped (`?` and `*` may appear unescaped as wildcards).
const CPE_COMPONENT = String.raw`(?:\*|-|[?*]{0,1}(?:[A-Za-z0-9._\-]|\\[\\*?!"#$%&'()+,/:;<=>@\[\]^\x60{|}~])+[?*]{0,1})`;
const CPE_23 = new RegExp(`^cpe:2\\.3:[aoh*\\-](?::${CPE_COMPONENT}){10}$`);

/** True when `value` is a CPE 2.3 formatted string (`cpe:2.3:a:vendor:product:version:*:*:*:*:*:*:*`). */
export function isValidCpe23(value: string): boolean {
  return value.length <= 500 && CPE_23.test(value);
}

// Package URL (purl spec): pkg:type/namespace/name@version?qualifiers#subpath; type is ASCII letters, digits, '.',
// '+' or '-' and does not start with a digit; no whitespace anywhere.
const PURL = /^pkg:[A-Za-z.+-][A-Za-z0-9.+-]*\/(?:[^\s/?#@]+\/)*[^\s/?#@]+(?:@[^\s?#]+)?(?:\?[^\s#]*)?(?:#\S*)?$/;

/** True when `value` is a package URL (`pkg:npm/%40angular/core@17.0.0`). */
export function isValidPurl(value: string): boolean {
  return value.length <= 500 && PURL.test(value);
}

/** Finds a vendor by its folded name or creates it; returns its id and stored spelling. */
export async function upsertVendor(db: DbOrTx, name: string, now: Date): Promise<{ id: string; name: string }> {
  const key = nameKey(name);
  const existing = await db.selectFrom('product_vendor').select(['id', 'name']).where('name_key', '=', key).executeTakeFirst();
  if (existing) return existing;
  await db
    .insertInto('product_vendor')
    .values({ id: newId(), name: name.trim(), name_key: key, created_at: toDbTime(now) })
    .onConflict((oc) => oc.column('name_key').doNothing())
    .execute();
  return db.selectFrom('product_vendor').select(['id', 'name']).where('name_key', '=', key).executeTakeFirstOrThrow();
}

/**
 * Finds a product of a vendor by its folded name or creates it. A CPE or purl given for a product that has none yet
 * is recorded; one that differs from the recorded one is kept on the bulletin only (the registry keeps the first).
 */
export async function upsertProduct(db: DbOrTx, vendor: { id: string; name: string }, name: string, identifiers: { cpe: string | null; purl: string | null }, now: Date): Promise<Product> {
  const key = nameKey(name);
  const find = () => db.selectFrom('product').selectAll().where('vendor_id', '=', vendor.id).where('name_key', '=', key).executeTakeFirst();
  let row = await find();
  if (!row) {
    await db
      .insertInto('product')
      .values({ id: newId(), vendor_id: vendor.id, name: name.trim(), name_key: key, cpe: identifiers.cpe, purl: identifiers.purl, created_at: toDbTime(now) })
      .onConflict((oc) => oc.columns(['vendor_id', 'name_key']).doNothing())
      .execute();
    row = await find();
    if (!row) throw new Error('product upsert lost its row');
  } else if ((row.cpe === null && identifiers.cpe !== null) || (row.purl === null && identifiers.purl !== null)) {
    const cpe = row.cpe ?? identifiers.cpe;
    const purl = row.purl ?? identifiers.purl;
    await db.updateTable('product').set({ cpe, purl }).where('id', '=', row.id).execute();
    row = { ...row, cpe, purl };
  }
  return { id: row.id, vendorId: vendor.id, vendor: vendor.name, name: row.name, cpe: row.cpe, purl: row.purl };
}

/** One product with its vendor, or null. */
export async function findProductById(db: DbOrTx, id: string): Promise<Product | null> {
  const row = await db
    .selectFrom('product')
    .innerJoin('product_vendor', 'product_vendor.id', 'product.vendor_id')
    .select(['product.id', 'product.vendor_id', 'product_vendor.name as vendor', 'product.name', 'product.cpe', 'product.purl'])
    .where('product.id', '=', id)
    .executeTakeFirst();
  return row ? { id: row.id, vendorId: row.vendor_id, vendor: row.vendor, name: row.name, cpe: row.cpe, purl: row.purl } : null;
}

function escapeLike(text: string): string {
  return text.replace(/[\\%_]/g, (c) => `\\${c}`);
}

/**
 * Products whose name or vendor matches the folded query: names starting with it first, then names containing it,
 * alphabetically within each group. Every word of the query must match the vendor or the product.
 */
export async function findProductSuggestions(db: DbOrTx, q: string, limit: number): Promise<Product[]> {
  const words = nameKey(q).split(' ').filter((w) => w !== '').slice(0, 6);
  if (words.length === 0) return [];
  const combined = sql<string>`(product_vendor.name_key || ' ' || product.name_key)`;
  let query = db
    .selectFrom('product')
    .innerJoin('product_vendor', 'product_vendor.id', 'product.vendor_id')
    .select(['product.id', 'product.vendor_id', 'product_vendor.name as vendor', 'product.name', 'product.cpe', 'product.purl']);
  for (const word of words) {
    query = query.where(sql<boolean>`${combined} like ${`%${escapeLike(word)}%`} escape '\\'`);
  }
  const first = `${escapeLike(words[0] ?? '')}%`;
  const rows = await query
    .orderBy(sql`case when product.name_key like ${first} escape '\\' or product_vendor.name_key like ${first} escape '\\' then 0 else 1 end`)
    .orderBy('product_vendor.name_key')
    .orderBy('product.name_key')
    .limit(limit)
    .execute();
  return rows.map((row) => ({ id: row.id, vendorId: row.vendor_id, vendor: row.vendor, name: row.name, cpe: row.cpe, purl: row.purl }));
}
