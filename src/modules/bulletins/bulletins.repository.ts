import { sql, type Selectable } from 'kysely';
import type { DbOrTx, Dialect } from '#src/db/database';
import type { Cursor } from '#src/core/pagination';
import type { BulletinCommentTable, BulletinRevisionTable, BulletinTable } from '#src/modules/bulletins/bulletins.tables';
import type {
  Bulletin,
  BulletinComment,
  BulletinContent,
  BulletinKind,
  BulletinRevision,
  PublicationState,
  WorkflowState,
} from '#src/modules/bulletins/bulletins.types';
import { emptyContent } from '#src/modules/bulletins/bulletins.types';
import { fromDbTime, fromDbTimeOrNull, toDbTime } from '#src/core/time';

type BulletinRow = Selectable<BulletinTable>;

/** Parses a stored BulletinContent, filling fields that older rows may lack so readers never meet `undefined`. */
export function parseContent(json: string, kind: BulletinKind): BulletinContent {
  const value = JSON.parse(json) as Partial<BulletinContent>;
  const base = emptyContent(value.kind ?? kind, value.originalLanguage ?? 'fr');
  return { ...base, ...value, texts: value.texts ?? base.texts };
}

function toBulletin(row: BulletinRow, aliases: string[]): Bulletin {
  const kind = row.kind as BulletinKind;
  return {
    id: row.id,
    kind,
    reference: row.reference,
    slug: row.slug,
    aliases,
    state: row.state as WorkflowState,
    publication: row.publication as PublicationState,
    draft: parseContent(row.draft, kind),
    publishedRevision: Number(row.published_revision),
    changeSummary: row.change_summary,
    authorId: row.author_id,
    submittedBy: row.submitted_by,
    approvedBy: row.approved_by,
    approvedAt: fromDbTimeOrNull(row.approved_at),
    scheduledAt: fromDbTimeOrNull(row.scheduled_at),
    firstPublishedAt: fromDbTimeOrNull(row.first_published_at),
    lastPublishedAt: fromDbTimeOrNull(row.last_published_at),
    closedAt: fromDbTimeOrNull(row.closed_at),
    withdrawnAt: fromDbTimeOrNull(row.withdrawn_at),
    withdrawalReason: row.withdrawal_reason,
    createdAt: fromDbTime(row.created_at),
    updatedAt: fromDbTime(row.updated_at),
    version: Number(row.version),
  };
}

const timeOrNull = (d: Date | null): string | null => (d === null ? null : toDbTime(d));

function toRow(b: Bulletin): BulletinRow {
  return {
    id: b.id,
    kind: b.kind,
    reference: b.reference,
    slug: b.slug,
    state: b.state,
    publication: b.publication,
    draft: JSON.stringify(b.draft),
    published_revision: b.publishedRevision,
    change_summary: b.changeSummary,
    author_id: b.authorId,
    submitted_by: b.submittedBy,
    approved_by: b.approvedBy,
    approved_at: timeOrNull(b.approvedAt),
    scheduled_at: timeOrNull(b.scheduledAt),
    first_published_at: timeOrNull(b.firstPublishedAt),
    last_published_at: timeOrNull(b.lastPublishedAt),
    closed_at: timeOrNull(b.closedAt),
    withdrawn_at: timeOrNull(b.withdrawnAt),
    withdrawal_reason: b.withdrawalReason,
    created_at: toDbTime(b.createdAt),
    updated_at: toDbTime(b.updatedAt),
    version: b.version,
  };
}

async function aliasesOf(db: DbOrTx, bulletinId: string): Promise<string[]> {
  const rows = await db.selectFrom('bulletin_alias').select('alias').where('bulletin_id', '=', bulletinId).orderBy('alias').execute();
  return rows.map((r) => r.alias);
}

/**
 * One bulletin by id, or null. With `lock` (inside a transaction) the row is locked on PostgreSQL so two
 * transitions of the same bulletin serialise; SQLite serialises writers by itself.
 */
export async function findBulletinById(db: DbOrTx, id: string, lock?: Dialect): Promise<Bulletin | null> {
  let query = db.selectFrom('bulletin').selectAll().where('id', '=', id);
  if (lock === 'postgres') query = query.forUpdate();
  const row = await query.executeTakeFirst();
  return row ? toBulletin(row, await aliasesOf(db, id)) : null;
}

/** Inserts a new bulletin and its aliases. */
export async function insertBulletin(db: DbOrTx, bulletin: Bulletin): Promise<void> {
  await db.insertInto('bulletin').values(toRow(bulletin)).execute();
  if (bulletin.aliases.length > 0) {
    await db.insertInto('bulletin_alias').values(bulletin.aliases.map((alias) => ({ alias, bulletin_id: bulletin.id }))).execute();
  }
}

/**
 * Writes `after` over the stored bulletin when its version is still `expectedVersion` (optimistic lock).
 * Returns false when someone else changed it first: the caller answers version_conflict.
 */
export async function writeBulletin(db: DbOrTx, after: Bulletin, expectedVersion: number): Promise<boolean> {
  const { id: _id, created_at: _created, author_id: _author, ...values } = toRow(after);
  const result = await db.updateTable('bulletin').set(values).where('id', '=', after.id).where('version', '=', expectedVersion).executeTakeFirst();
  return Number(result.numUpdatedRows) === 1;
}

/** The aliases among `aliases` already used as an alias or as a reference. */
export async function findTakenReferences(db: DbOrTx, aliases: readonly string[]): Promise<string[]> {
  if (aliases.length === 0) return [];
  const asAlias = await db.selectFrom('bulletin_alias').select('alias').where('alias', 'in', aliases).execute();
  const asReference = await db.selectFrom('bulletin').select('reference').where('reference', 'in', aliases).execute();
  return [...asAlias.map((r) => r.alias), ...asReference.map((r) => r.reference ?? '')];
}

/** The references (or aliases) among `references` that name a bulletin published at least once. */
export async function findPublishedReferences(db: DbOrTx, references: readonly string[]): Promise<Set<string>> {
  if (references.length === 0) return new Set();
  const direct = await db.selectFrom('bulletin').select('reference').where('reference', 'in', references).where('published_revision', '>', 0).execute();
  const aliased = await db
    .selectFrom('bulletin_alias')
    .innerJoin('bulletin', 'bulletin.id', 'bulletin_alias.bulletin_id')
    .select('bulletin_alias.alias')
    .where('bulletin_alias.alias', 'in', references)
    .where('bulletin.published_revision', '>', 0)
    .execute();
  return new Set([...direct.map((r) => r.reference ?? ''), ...aliased.map((r) => r.alias)]);
}

// ---- Revisions ------------------------------------------------------------------------------------------------

function toRevision(row: Selectable<BulletinRevisionTable>, kind: BulletinKind): BulletinRevision {
  return {
    id: row.id,
    bulletinId: row.bulletin_id,
    number: Number(row.number),
    publishedAt: fromDbTime(row.published_at),
    publishedBy: row.published_by,
    approvedBy: row.approved_by,
    changeSummary: row.change_summary,
    content: parseContent(row.content, kind),
  };
}

/** Inserts a published revision; a revision is never updated afterwards. */
export async function insertRevision(db: DbOrTx, revision: BulletinRevision): Promise<void> {
  await db
    .insertInto('bulletin_revision')
    .values({
      id: revision.id,
      bulletin_id: revision.bulletinId,
      number: revision.number,
      published_at: toDbTime(revision.publishedAt),
      published_by: revision.publishedBy,
      approved_by: revision.approvedBy,
      change_summary: revision.changeSummary,
      content: JSON.stringify(revision.content),
    })
    .execute();
}

/** The published revisions of a bulletin, newest first. */
export async function findRevisions(db: DbOrTx, bulletinId: string, kind: BulletinKind): Promise<BulletinRevision[]> {
  const rows = await db.selectFrom('bulletin_revision').selectAll().where('bulletin_id', '=', bulletinId).orderBy('number', 'desc').execute();
  return rows.map((r) => toRevision(r, kind));
}

/** One revision by id with its bulletin's kind, or null. */
export async function findRevisionById(db: DbOrTx, revisionId: string): Promise<BulletinRevision | null> {
  const row = await db
    .selectFrom('bulletin_revision')
    .innerJoin('bulletin', 'bulletin.id', 'bulletin_revision.bulletin_id')
    .selectAll('bulletin_revision')
    .select('bulletin.kind')
    .where('bulletin_revision.id', '=', revisionId)
    .executeTakeFirst();
  return row ? toRevision(row, row.kind as BulletinKind) : null;
}

// ---- Comments -------------------------------------------------------------------------------------------------

/** Inserts a review comment. */
export async function insertComment(db: DbOrTx, comment: Omit<BulletinComment, 'authorName'>): Promise<void> {
  const row: Selectable<BulletinCommentTable> = {
    id: comment.id,
    bulletin_id: comment.bulletinId,
    author_id: comment.authorId,
    kind: comment.kind,
    body: comment.body,
    created_at: toDbTime(comment.createdAt),
  };
  await db.insertInto('bulletin_comment').values(row).execute();
}

/** The comments of a bulletin, oldest first, with their authors' display names. */
export async function findComments(db: DbOrTx, bulletinId: string): Promise<BulletinComment[]> {
  const rows = await db
    .selectFrom('bulletin_comment')
    .innerJoin('user_account', 'user_account.id', 'bulletin_comment.author_id')
    .selectAll('bulletin_comment')
    .select('user_account.display_name')
    .where('bulletin_comment.bulletin_id', '=', bulletinId)
    .orderBy('bulletin_comment.created_at')
    .orderBy('bulletin_comment.id')
    .execute();
  return rows.map((r) => ({
    id: r.id,
    bulletinId: r.bulletin_id,
    authorId: r.author_id,
    authorName: r.display_name,
    kind: r.kind as BulletinComment['kind'],
    body: r.body,
    createdAt: fromDbTime(r.created_at),
  }));
}

// ---- Four eyes ------------------------------------------------------------------------------------------------

/**
 * Everyone who wrote the current working copy: the actors of `bulletin.created` and `bulletin.saved` events of
 * this bulletin since its last publication, read from the audit trail (which nobody can rewrite unnoticed).
 */
export async function findWorkingCopyEditors(db: DbOrTx, bulletinId: string): Promise<Set<string>> {
  const lastPublication = await db
    .selectFrom('audit_event')
    .select((eb) => eb.fn.max('seq').as('seq'))
    .where('entity_type', '=', 'bulletin')
    .where('entity_id', '=', bulletinId)
    .where('action', '=', 'bulletin.published')
    .executeTakeFirst();
  const since = Number(lastPublication?.seq ?? 0);
  const rows = await db
    .selectFrom('audit_event')
    .select('actor_id')
    .distinct()
    .where('entity_type', '=', 'bulletin')
    .where('entity_id', '=', bulletinId)
    .where('action', 'in', ['bulletin.created', 'bulletin.saved'])
    .where('seq', '>', since)
    .execute();
  return new Set(rows.map((r) => r.actor_id).filter((id): id is string => id !== null));
}

// ---- Reference counters ---------------------------------------------------------------------------------------

/**
 * Takes the next value of a reference counter inside the caller's (publishing) transaction. The upsert locks the
 * counter row until commit, so concurrent publications wait for each other (no reuse), and a rolled-back
 * publication releases its value with the row (no gap).
 */
export async function nextCounterValue(db: DbOrTx, sequenceKey: string): Promise<number> {
  const row = await sql<{ last_value: number | string }>`
    insert into reference_counter (sequence_key, last_value) values (${sequenceKey}, 1)
    on conflict (sequence_key) do update set last_value = reference_counter.last_value + 1
    returning last_value`.execute(db);
  const value = row.rows[0]?.last_value;
  if (value === undefined) throw new Error('reference counter upsert returned nothing');
  return Number(value);
}

/** True when a reference (or alias) is already used, e.g. by an imported legacy bulletin. */
export async function isReferenceTaken(db: DbOrTx, reference: string): Promise<boolean> {
  return (await findTakenReferences(db, [reference])).length > 0;
}

// ---- Console list ---------------------------------------------------------------------------------------------

/** Criteria of the console list (already validated). */
export interface BulletinListCriteria {
  state?: WorkflowState | undefined;
  publication?: PublicationState | undefined;
  kind?: BulletinKind | undefined;
  q?: string | undefined;
  authorId?: string | undefined;
}

/** A row of the console list: the bulletin and its author's display name. */
export interface BulletinListRow {
  bulletin: Bulletin;
  authorName: string;
}

/** Escapes LIKE wildcards so a search for '50%' looks for those characters. */
function likePattern(q: string): string {
  return `%${q.toLowerCase().replace(/[\\%_]/g, (c) => `\\${c}`)}%`;
}

/** Bulletins, most recently updated first (then id), `limit` rows after the cursor. */
export async function findBulletinPage(db: DbOrTx, criteria: BulletinListCriteria, after: Cursor | null, limit: number): Promise<BulletinListRow[]> {
  let query = db
    .selectFrom('bulletin')
    .innerJoin('user_account', 'user_account.id', 'bulletin.author_id')
    .selectAll('bulletin')
    .select('user_account.display_name as author_name');
  if (criteria.state) query = query.where('bulletin.state', '=', criteria.state);
  if (criteria.publication) query = query.where('bulletin.publication', '=', criteria.publication);
  if (criteria.kind) query = query.where('bulletin.kind', '=', criteria.kind);
  if (criteria.authorId) query = query.where('bulletin.author_id', '=', criteria.authorId);
  if (criteria.q) {
    const pattern = likePattern(criteria.q);
    query = query.where((eb) =>
      eb.or([
        eb(sql`lower(bulletin.draft)`, 'like', sql`${pattern} escape '\\'`),
        eb(sql`lower(coalesce(bulletin.reference, ''))`, 'like', sql`${pattern} escape '\\'`),
      ]),
    );
  }
  if (after) {
    const k = String(after.k ?? '');
    query = query.where((eb) => eb.or([eb('bulletin.updated_at', '<', k), eb.and([eb('bulletin.updated_at', '=', k), eb('bulletin.id', '<', after.id)])]));
  }
  const rows = await query.orderBy('bulletin.updated_at', 'desc').orderBy('bulletin.id', 'desc').limit(limit).execute();
  const out: BulletinListRow[] = [];
  for (const row of rows) {
    const { author_name, ...bulletinRow } = row;
    out.push({ bulletin: toBulletin(bulletinRow, []), authorName: author_name });
  }
  return out;
}
