import type { Selectable } from 'kysely';
import type { DbOrTx } from '#src/db/database';
import type { VocabularyTermTable } from '#src/modules/taxonomies/taxonomies.tables';
import type { Cursor } from '#src/core/pagination';
import type { TermLabels, VocabularyName, VocabularyTerm } from '#src/modules/taxonomies/taxonomies.types';
import { fromDbTime, fromDbTimeOrNull, toDbTime } from '#src/core/time';

type TermRow = Selectable<VocabularyTermTable>;

function toTerm(row: TermRow): VocabularyTerm {
  return {
    id: row.id,
    vocabulary: row.vocabulary as VocabularyName,
    code: row.code,
    labels: { fr: row.label_fr, ar: row.label_ar, en: row.label_en },
    position: Number(row.position),
    retiredAt: fromDbTimeOrNull(row.retired_at),
    createdAt: fromDbTime(row.created_at),
    updatedAt: fromDbTime(row.updated_at),
    version: Number(row.version),
  };
}

export interface FindTermsOptions {
  includeRetired: boolean;
  /** Keyset position: the last term of the previous page (position, then id). */
  after?: Cursor | null;
  /** Rows to fetch (callers ask for one more than a page to know whether another follows). */
  limit?: number;
}

/** Terms of a vocabulary in display order (position, then id). */
export async function findTerms(db: DbOrTx, vocabulary: VocabularyName, options: FindTermsOptions): Promise<VocabularyTerm[]> {
  let query = db.selectFrom('vocabulary_term').selectAll().where('vocabulary', '=', vocabulary);
  if (!options.includeRetired) query = query.where('retired_at', 'is', null);
  const after = options.after;
  if (after) {
    const position = Number(after.k);
    query = query.where((eb) => eb.or([eb('position', '>', position), eb.and([eb('position', '=', position), eb('id', '>', after.id)])]));
  }
  query = query.orderBy('position').orderBy('id');
  if (options.limit !== undefined) query = query.limit(options.limit);
  const rows = await query.execute();
  return rows.map(toTerm);
}

/** One term by its code, retired or not; undefined when absent. */
export async function findTermByCode(db: DbOrTx, vocabulary: VocabularyName, code: string): Promise<VocabularyTerm | undefined> {
  const row = await db.selectFrom('vocabulary_term').selectAll().where('vocabulary', '=', vocabulary).where('code', '=', code).executeTakeFirst();
  return row ? toTerm(row) : undefined;
}

/** Term counts of each vocabulary that has terms. */
export async function countTermsByVocabulary(db: DbOrTx): Promise<{ vocabulary: string; termCount: number; retiredCount: number }[]> {
  const rows = await db
    .selectFrom('vocabulary_term')
    .select((eb) => ['vocabulary', eb.fn.countAll<number>().as('total'), eb.fn.count<number>('retired_at').as('retired')])
    .groupBy('vocabulary')
    .execute();
  return rows.map((r) => ({ vocabulary: r.vocabulary, termCount: Number(r.total), retiredCount: Number(r.retired) }));
}

/** The next free position at the end of a vocabulary. */
export async function nextTermPosition(db: DbOrTx, vocabulary: VocabularyName): Promise<number> {
  const row = await db
    .selectFrom('vocabulary_term')
    .select((eb) => eb.fn.max<number | null>('position').as('max'))
    .where('vocabulary', '=', vocabulary)
    .executeTakeFirst();
  const max = row?.max;
  return max === null || max === undefined ? 0 : Number(max) + 1;
}

/** Inserts a new term. */
export async function insertTerm(db: DbOrTx, term: VocabularyTerm): Promise<void> {
  await db
    .insertInto('vocabulary_term')
    .values({
      id: term.id,
      vocabulary: term.vocabulary,
      code: term.code,
      label_fr: term.labels.fr,
      label_ar: term.labels.ar,
      label_en: term.labels.en,
      position: term.position,
      retired_at: term.retiredAt ? toDbTime(term.retiredAt) : null,
      created_at: toDbTime(term.createdAt),
      updated_at: toDbTime(term.updatedAt),
      version: term.version,
    })
    .execute();
}

export interface TermChanges {
  labels: TermLabels;
  position: number;
  retiredAt: Date | null;
  updatedAt: Date;
}

/**
 * Writes a term's labels, position and retirement if its version is still `expectedVersion`, and bumps the
 * version. Returns false when someone else changed it first (optimistic locking).
 */
export async function updateTerm(db: DbOrTx, id: string, expectedVersion: number, changes: TermChanges): Promise<boolean> {
  const result = await db
    .updateTable('vocabulary_term')
    .set((eb) => ({
      label_fr: changes.labels.fr,
      label_ar: changes.labels.ar,
      label_en: changes.labels.en,
      position: changes.position,
      retired_at: changes.retiredAt ? toDbTime(changes.retiredAt) : null,
      updated_at: toDbTime(changes.updatedAt),
      version: eb('version', '+', 1),
    }))
    .where('id', '=', id)
    .where('version', '=', expectedVersion)
    .executeTakeFirst();
  return Number(result.numUpdatedRows) === 1;
}
