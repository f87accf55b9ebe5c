import { PostgresAdapter, sql, type Selectable, type SqlBool } from 'kysely';
import type { DbOrTx } from '#src/db/database';
import type { IndicatorType } from '#src/modules/indicators/indicators';
import type { Tlp } from '#src/modules/bulletins/bulletins.types';
import type { IncidentTable } from '#src/modules/incidents/incidents.tables';
import type {
  Classification,
  CommentSource,
  CommentVisibility,
  Incident,
  IncidentAttachment,
  IncidentChannel,
  IncidentComment,
  IncidentDeadline,
  IncidentImpact,
  IncidentIndicator,
  IncidentPriority,
  IncidentStatus,
  IncidentSummary,
  IncidentTask,
  Pap,
  TriState,
} from '#src/modules/incidents/incidents.types';
import type { IncidentViewer } from '#src/modules/incidents/incidents.visibility';
import type { Locale } from '#src/core/i18n/i18n';
import { emptyImpact } from '#src/modules/incidents/incidents.types';
import { incidentVisibleTo } from '#src/modules/incidents/incidents.visibility';
import { fromDbTime, fromDbTimeOrNull, toDbTime } from '#src/core/time';
import { decodeCursor, toPage, type Page } from '#src/core/pagination';
import { AppError } from '#src/core/errors';
import { permissions } from '#src/core/access';
import { foldForSearch, searchTerms } from '#src/modules/bulletins/search-text';

// ---- Mapping --------------------------------------------------------------------------------------------------

function parseJson<T>(text: string, fallback: T): T {
  try {
    return JSON.parse(text) as T;
  } catch {
    return fallback;
  }
}

const dbOrNull = (d: Date | null): string | null => (d === null ? null : toDbTime(d));

function toIncident(row: Selectable<IncidentTable>, classifications: Classification[], affected: string[]): Incident {
  return {
    id: row.id,
    reference: row.reference,
    title: row.title,
    description: row.description,
    status: row.status as IncidentStatus,
    channel: row.channel as IncidentChannel,
    organisationId: row.organisation_id,
    reporter: { userId: row.reporter_user_id, name: row.reporter_name, email: row.reporter_email, phone: row.reporter_phone, locale: row.reporter_locale as Locale },
    severity: row.severity,
    priority: Number(row.priority) as IncidentPriority,
    tlp: row.tlp as Tlp,
    pap: row.pap as Pap,
    suspectedMalicious: row.suspected_malicious as TriState,
    crossBorder: row.cross_border as TriState,
    impact: { ...emptyImpact, ...parseJson<Partial<IncidentImpact>>(row.impact, {}) },
    rootCause: row.root_cause,
    mitigation: row.mitigation,
    detectedAt: fromDbTimeOrNull(row.detected_at),
    awareAt: fromDbTimeOrNull(row.aware_at),
    reportedAt: fromDbTime(row.reported_at),
    firstResponseAt: fromDbTimeOrNull(row.first_response_at),
    triagedAt: fromDbTimeOrNull(row.triaged_at),
    resolvedAt: fromDbTimeOrNull(row.resolved_at),
    closedAt: fromDbTimeOrNull(row.closed_at),
    disposition: row.disposition,
    assigneeId: row.assignee_id,
    mergedIntoId: row.merged_into_id,
    regulationProfiles: parseJson<string[]>(row.regulation_profiles, []),
    nextDueAt: fromDbTimeOrNull(row.next_due_at),
    classifications,
    affectedOrganisationIds: affected,
    createdBy: row.created_by,
    createdAt: fromDbTime(row.created_at),
    updatedAt: fromDbTime(row.updated_at),
    version: Number(row.version),
  };
}

/** The folded text the queue's search matches: reference, title, description, reporter. */
export function incidentSearchText(incident: Pick<Incident, 'reference' | 'title' | 'description' | 'reporter'>): string {
  return foldForSearch([incident.reference, incident.title, incident.description, incident.reporter.name ?? '', incident.reporter.email ?? ''].join(' ')).slice(0, 20_000);
}

function toRow(incident: Incident): Omit<Selectable<IncidentTable>, 'version'> {
  return {
    id: incident.id,
    reference: incident.reference,
    title: incident.title,
    description: incident.description,
    status: incident.status,
    channel: incident.channel,
    organisation_id: incident.organisationId,
    reporter_user_id: incident.reporter.userId,
    reporter_name: incident.reporter.name,
    reporter_email: incident.reporter.email,
    reporter_phone: incident.reporter.phone,
    reporter_locale: incident.reporter.locale,
    tracking_token_hash: null,
    severity: incident.severity,
    priority: incident.priority,
    tlp: incident.tlp,
    pap: incident.pap,
    suspected_malicious: incident.suspectedMalicious,
    cross_border: incident.crossBorder,
    impact: JSON.stringify(incident.impact),
    root_cause: incident.rootCause,
    mitigation: incident.mitigation,
    detected_at: dbOrNull(incident.detectedAt),
    aware_at: dbOrNull(incident.awareAt),
    reported_at: toDbTime(incident.reportedAt),
    first_response_at: dbOrNull(incident.firstResponseAt),
    triaged_at: dbOrNull(incident.triagedAt),
    resolved_at: dbOrNull(incident.resolvedAt),
    closed_at: dbOrNull(incident.closedAt),
    disposition: incident.disposition,
    assignee_id: incident.assigneeId,
    merged_into_id: incident.mergedIntoId,
    regulation_profiles: JSON.stringify(incident.regulationProfiles),
    next_due_at: dbOrNull(incident.nextDueAt),
    search_text: incidentSearchText(incident),
    created_by: incident.createdBy,
    created_at: toDbTime(incident.createdAt),
    updated_at: toDbTime(incident.updatedAt),
  };
}

// ---- Incidents ------------------------------------------------------------------------------------------------

/** Inserts a new incident with its classifications and affected organisations; `trackingTokenHash` for public reports. */
export async function insertIncident(db: DbOrTx, incident: Incident, trackingTokenHash: string | null): Promise<void> {
  await db.insertInto('incident').values({ ...toRow(incident), tracking_token_hash: trackingTokenHash, version: incident.version }).execute();
  await writeClassifications(db, incident.id, incident.classifications);
  await writeAffectedOrganisations(db, incident.id, incident.affectedOrganisationIds);
}

/** Writes an incident if its stored version is still `expectedVersion` (optimistic locking); false when it is not. */
export async function updateIncident(db: DbOrTx, incident: Incident, expectedVersion: number): Promise<boolean> {
  const { tracking_token_hash: _keep, id: _id, created_at: _created, ...row } = toRow(incident);
  const result = await db
    .updateTable('incident')
    .set({ ...row, version: incident.version })
    .where('id', '=', incident.id)
    .where('version', '=', expectedVersion)
    .executeTakeFirst();
  if (Number(result.numUpdatedRows) !== 1) return false;
  await writeClassifications(db, incident.id, incident.classifications);
  await writeAffectedOrganisations(db, incident.id, incident.affectedOrganisationIds);
  return true;
}

async function writeClassifications(db: DbOrTx, incidentId: string, classifications: Classification[]): Promise<void> {
  await db.deleteFrom('incident_classification').where('incident_id', '=', incidentId).execute();
  if (classifications.length === 0) return;
  await db
    .insertInto('incident_classification')
    .values(classifications.map((c, position) => ({ incident_id: incidentId, class_code: c.classCode, type_code: c.typeCode ?? '', position })))
    .execute();
}

async function writeAffectedOrganisations(db: DbOrTx, incidentId: string, organisationIds: string[]): Promise<void> {
  await db.deleteFrom('incident_organisation').where('incident_id', '=', incidentId).execute();
  const unique = [...new Set(organisationIds)];
  if (unique.length === 0) return;
  await db
    .insertInto('incident_organisation')
    .values(unique.map((organisationId) => ({ incident_id: incidentId, organisation_id: organisationId })))
    .execute();
}

async function loadIncidents(db: DbOrTx, rows: Selectable<IncidentTable>[]): Promise<Incident[]> {
  if (rows.length === 0) return [];
  const ids = rows.map((r) => r.id);
  const [classes, affected] = await Promise.all([
    db.selectFrom('incident_classification').selectAll().where('incident_id', 'in', ids).orderBy('position').execute(),
    db.selectFrom('incident_organisation').selectAll().where('incident_id', 'in', ids).execute(),
  ]);
  return rows.map((row) =>
    toIncident(
      row,
      classes.filter((c) => c.incident_id === row.id).map((c) => ({ classCode: c.class_code, typeCode: c.type_code === '' ? null : c.type_code })),
      affected.filter((a) => a.incident_id === row.id).map((a) => a.organisation_id),
    ),
  );
}

/** An incident the viewer may see, or null (never tells whether it exists otherwise). */
export async function findIncident(db: DbOrTx, viewer: IncidentViewer, id: string): Promise<Incident | null> {
  const row = await db.selectFrom('incident').selectAll().where('id', '=', id).where(incidentVisibleTo(viewer)).executeTakeFirst();
  return row ? ((await loadIncidents(db, [row]))[0] ?? null) : null;
}

/** An incident by reference, as the viewer may see it, or null. */
export async function findIncidentByReference(db: DbOrTx, viewer: IncidentViewer, reference: string): Promise<Incident | null> {
  const row = await db.selectFrom('incident').selectAll().where('reference', '=', reference).where(incidentVisibleTo(viewer)).executeTakeFirst();
  return row ? ((await loadIncidents(db, [row]))[0] ?? null) : null;
}

/** The incident a public reporter's tracking token opens (by the token's hash), or null. */
export async function findIncidentByTrackingHash(db: DbOrTx, tokenHash: string): Promise<Incident | null> {
  const row = await db.selectFrom('incident').selectAll().where('tracking_token_hash', '=', tokenHash).executeTakeFirst();
  return row ? ((await loadIncidents(db, [row]))[0] ?? null) : null;
}

/** Locks and reads an incident for a change (no visibility rule: the use case checks the actor first). */
export async function findIncidentForUpdate(db: DbOrTx, id: string): Promise<Incident | null> {
  const row = await db.selectFrom('incident').selectAll().where('id', '=', id).executeTakeFirst();
  return row ? ((await loadIncidents(db, [row]))[0] ?? null) : null;
}

// ---- Queue ----------------------------------------------------------------------------------------------------

/** Sort orders of the queue. */
export const queueSorts = ['reported_desc', 'reported_asc', 'priority', 'due', 'updated_desc'] as const;
export type QueueSort = (typeof queueSorts)[number];

/** Filters of the analyst queue (all optional; `overdue` compares open deadlines with `now`). */
export interface QueueFilters {
  statuses?: IncidentStatus[];
  severities?: string[];
  classCode?: string;
  organisationId?: string;
  sector?: string;
  /** A user id, or `none` for unassigned incidents. */
  assigneeId?: string;
  overdue?: boolean;
  open?: boolean;
  channel?: IncidentChannel;
  q?: string;
  reportedFrom?: Date;
  reportedTo?: Date;
  sort?: QueueSort;
}

function sortKeyOf(row: { reported_at: string | Date; updated_at: string | Date; priority: number; next_due_at: string | Date | null }, sort: QueueSort): string | number | null {
  switch (sort) {
    case 'reported_desc':
    case 'reported_asc':
      return toDbTime(fromDbTime(row.reported_at));
    case 'updated_desc':
      return toDbTime(fromDbTime(row.updated_at));
    case 'priority':
      return `${row.priority}|${toDbTime(fromDbTime(row.reported_at))}`;
    case 'due':
      return row.next_due_at === null ? null : toDbTime(fromDbTime(row.next_due_at));
  }
}

const isDbTime = (v: unknown): boolean => typeof v === 'string' && /^\d{4}-\d{2}-\d{2}T\d{2}:\d{2}:\d{2}(\.\d+)?Z$/.test(v) && !Number.isNaN(Date.parse(v));

/** A forged cursor whose key does not fit the sort is refused before it reaches SQL. */
function isCursorKeyValid(k: string | number | null, sort: QueueSort): boolean {
  switch (sort) {
    case 'reported_desc':
    case 'reported_asc':
    case 'updated_desc':
      return isDbTime(k);
    case 'priority': {
      const [p, at] = String(k).split('|');
      return typeof k === 'string' && /^[1-4]$/.test(p ?? '') && isDbTime(at);
    }
    case 'due':
      return k === null || isDbTime(k);
  }
}

/** Above this many trigram matches the queue scans in its sort order instead (matches are then dense enough). */
const TRIGRAM_CANDIDATE_CAP = 1000;

/**
 * SQLite: the incidents whose search text contains the query's most selective-looking term (its longest, at least
 * three characters), from the FTS5 trigram index, when there are fewer than TRIGRAM_CANDIDATE_CAP; null when the
 * index cannot narrow the search (no usable term, too many matches, or PostgreSQL, whose planner uses the pg_trgm
 * index by itself). The caller still applies every term with LIKE, so the result is exactly the same either way.
 */
async function trigramCandidates(db: DbOrTx, terms: string[]): Promise<string[] | null> {
  if (db.getExecutor().adapter instanceof PostgresAdapter) return null;
  const term = [...terms].sort((a, b) => b.length - a.length)[0];
  if (term === undefined || [...term].length < 3) return null;
  const rows = await db
    .selectFrom('incident_search')
    .select('incident_search.incident_id')
    .where('incident_search.seq', 'in', (eb) => eb.selectFrom('incident_fts').select('incident_fts.rowid').where(sql<SqlBool>`incident_fts.search_text like ${`%${term}%`}`).limit(TRIGRAM_CANDIDATE_CAP))
    .execute();
  return rows.length >= TRIGRAM_CANDIDATE_CAP ? null : rows.map((r) => r.incident_id);
}

/**
 * A page of the queue as the viewer may see it, filtered and sorted, with cursor pagination (keyset: stable under
 * inserts, index-friendly). Each row carries its organisation, assignee and RSIT classes for display.
 */
export async function listIncidentQueue(db: DbOrTx, viewer: IncidentViewer, filters: QueueFilters, page: { limit: number; cursor?: string }, now: Date): Promise<Page<IncidentSummary>> {
  const sort = filters.sort ?? 'reported_desc';
  const cursor = decodeCursor(page.cursor);
  if (cursor && !isCursorKeyValid(cursor.k, sort)) throw AppError.field('cursor', 'invalid');
  let query = db
    .selectFrom('incident')
    .leftJoin('organisation', 'organisation.id', 'incident.organisation_id')
    .leftJoin('user_account', 'user_account.id', 'incident.assignee_id')
    .select([
      'incident.id',
      'incident.reference',
      'incident.title',
      'incident.status',
      'incident.channel',
      'incident.severity',
      'incident.priority',
      'incident.tlp',
      'incident.organisation_id',
      'incident.assignee_id',
      'incident.reported_at',
      'incident.updated_at',
      'incident.next_due_at',
      'organisation.name_fr as organisation_name',
      'user_account.display_name as assignee_name',
    ])
    .where(incidentVisibleTo(viewer));
  if (filters.statuses && filters.statuses.length > 0) query = query.where('incident.status', 'in', filters.statuses);
  // Literal, not bound: the partial indexes on open incidents apply only then on SQLite.
  const isOpen = sql<SqlBool>`incident.status not in ('resolved', 'closed')`;
  if (filters.open === true) query = query.where(isOpen);
  if (filters.severities && filters.severities.length > 0) query = query.where('incident.severity', 'in', filters.severities);
  if (filters.organisationId !== undefined) query = query.where('incident.organisation_id', '=', filters.organisationId);
  if (filters.sector !== undefined) query = query.where('organisation.sector_code', '=', filters.sector);
  if (filters.assigneeId === 'none') query = query.where('incident.assignee_id', 'is', null);
  else if (filters.assigneeId !== undefined) query = query.where('incident.assignee_id', '=', filters.assigneeId);
  if (filters.channel !== undefined) query = query.where('incident.channel', '=', filters.channel);
  if (filters.overdue === true) query = query.where('incident.next_due_at', '<', toDbTime(now)).where(isOpen);
  if (filters.reportedFrom !== undefined) query = query.where('incident.reported_at', '>=', toDbTime(filters.reportedFrom));
  if (filters.reportedTo !== undefined) query = query.where('incident.reported_at', '<', toDbTime(filters.reportedTo));
  if (filters.classCode !== undefined) {
    const classCode = filters.classCode;
    query = query.where((eb) =>
      eb.exists(eb.selectFrom('incident_classification').select('incident_classification.incident_id').whereRef('incident_classification.incident_id', '=', 'incident.id').where('incident_classification.class_code', '=', classCode)),
    );
  }
  const terms = searchTerms(filters.q ?? '')
    .map((term) => term.replace(/[%_\\]/g, ''))
    .filter((term) => term !== '');
  for (const term of terms) query = query.where('incident.search_text', 'like', `%${term}%`);
  const candidates = await trigramCandidates(db, terms);
  if (candidates !== null) {
    if (candidates.length === 0) return { items: [], nextCursor: null };
    query = query.where('incident.id', 'in', candidates);
  }

  // Keyset pagination on (sort key, id).
  switch (sort) {
    case 'reported_desc':
      if (cursor) query = query.where((eb) => eb.or([eb('incident.reported_at', '<', String(cursor.k)), eb.and([eb('incident.reported_at', '=', String(cursor.k)), eb('incident.id', '<', cursor.id)])]));
      query = query.orderBy('incident.reported_at', 'desc').orderBy('incident.id', 'desc');
      break;
    case 'reported_asc':
      if (cursor) query = query.where((eb) => eb.or([eb('incident.reported_at', '>', String(cursor.k)), eb.and([eb('incident.reported_at', '=', String(cursor.k)), eb('incident.id', '>', cursor.id)])]));
      query = query.orderBy('incident.reported_at', 'asc').orderBy('incident.id', 'asc');
      break;
    case 'updated_desc':
      if (cursor) query = query.where((eb) => eb.or([eb('incident.updated_at', '<', String(cursor.k)), eb.and([eb('incident.updated_at', '=', String(cursor.k)), eb('incident.id', '<', cursor.id)])]));
      query = query.orderBy('incident.updated_at', 'desc').orderBy('incident.id', 'desc');
      break;
    case 'priority': {
      if (cursor) {
        const [p, at] = String(cursor.k).split('|');
        const priority = Number(p);
        query = query.where((eb) =>
          eb.or([
            eb('incident.priority', '>', priority),
            eb.and([eb('incident.priority', '=', priority), eb('incident.reported_at', '<', String(at))]),
            eb.and([eb('incident.priority', '=', priority), eb('incident.reported_at', '=', String(at)), eb('incident.id', '<', cursor.id)]),
          ]),
        );
      }
      query = query.orderBy('incident.priority', 'asc').orderBy('incident.reported_at', 'desc').orderBy('incident.id', 'desc');
      break;
    }
    case 'due': {
      // Incidents with a deadline first (soonest first), then those without, by id.
      if (cursor) {
        query =
          cursor.k === null
            ? query.where('incident.next_due_at', 'is', null).where('incident.id', '>', cursor.id)
            : query.where((eb) =>
                eb.or([
                  eb('incident.next_due_at', '>', String(cursor.k)),
                  eb.and([eb('incident.next_due_at', '=', String(cursor.k)), eb('incident.id', '>', cursor.id)]),
                  eb('incident.next_due_at', 'is', null),
                ]),
              );
      }
      // Overdue incidents all have a due time: no need for the nulls-last key (which no index can serve).
      if (filters.overdue !== true) query = query.orderBy(sql`case when incident.next_due_at is null then 1 else 0 end`);
      query = query.orderBy('incident.next_due_at', 'asc').orderBy('incident.id', 'asc');
      break;
    }
  }
  const rows = await query.limit(page.limit + 1).execute();
  const ids = rows.map((r) => r.id);
  const classes = ids.length === 0 ? [] : await db.selectFrom('incident_classification').select(['incident_id', 'class_code']).where('incident_id', 'in', ids).orderBy('position').execute();
  const items: (IncidentSummary & { sortRow: (typeof rows)[number] })[] = rows.map((r) => ({
    id: r.id,
    reference: r.reference,
    title: r.title,
    status: r.status as IncidentStatus,
    channel: r.channel as IncidentChannel,
    severity: r.severity,
    priority: Number(r.priority) as IncidentPriority,
    tlp: r.tlp as Tlp,
    organisationId: r.organisation_id,
    organisationName: r.organisation_name,
    assigneeId: r.assignee_id,
    assigneeName: r.assignee_name,
    classCodes: [...new Set(classes.filter((c) => c.incident_id === r.id).map((c) => c.class_code))],
    reportedAt: fromDbTime(r.reported_at),
    updatedAt: fromDbTime(r.updated_at),
    nextDueAt: fromDbTimeOrNull(r.next_due_at),
    sortRow: r,
  }));
  const result = toPage(items, page.limit, (last) => ({ k: sortKeyOf({ ...last.sortRow, priority: Number(last.sortRow.priority) }, sort), id: last.id }));
  return { items: result.items.map(({ sortRow: _s, ...item }) => item), nextCursor: result.nextCursor };
}

/**
 * Open incidents that may be duplicates of `incident`: the same reporter (account or e-mail) with a title sharing
 * at least half of its words, within 30 days, or sharing an indicator. At most 10, newest first.
 */
export async function findDuplicateCandidates(db: DbOrTx, viewer: IncidentViewer, incident: Incident): Promise<{ id: string; reference: string; title: string; reason: 'reporter' | 'indicator' }[]> {
  const since = toDbTime(new Date(incident.reportedAt.getTime() - 30 * 86_400_000));
  const words = searchTerms(incident.title, 8).filter((w) => w.length >= 3);
  const out = new Map<string, { id: string; reference: string; title: string; reason: 'reporter' | 'indicator' }>();
  if (incident.reporter.userId !== null || incident.reporter.email !== null) {
    const candidates = await db
      .selectFrom('incident')
      .select(['id', 'reference', 'title', 'search_text'])
      .where(incidentVisibleTo(viewer))
      .where('id', '!=', incident.id)
      .where('merged_into_id', 'is', null)
      .where('reported_at', '>=', since)
      .where((eb) => (incident.reporter.userId !== null ? eb('reporter_user_id', '=', incident.reporter.userId) : eb('reporter_email', '=', incident.reporter.email ?? '')))
      .orderBy('reported_at', 'desc')
      .limit(50)
      .execute();
    for (const c of candidates) {
      const shared = words.filter((w) => c.search_text.includes(w)).length;
      if (words.length === 0 || shared * 2 >= words.length) out.set(c.id, { id: c.id, reference: c.reference, title: c.title, reason: 'reporter' });
    }
  }
  const byIndicator = await db
    .selectFrom('incident_indicator as mine')
    .innerJoin('incident_indicator as other', (j) => j.onRef('other.value', '=', 'mine.value').onRef('other.type', '=', 'mine.type'))
    .innerJoin('incident', 'incident.id', 'other.incident_id')
    .select(['incident.id', 'incident.reference', 'incident.title'])
    .where('mine.incident_id', '=', incident.id)
    .where('other.incident_id', '!=', incident.id)
    .where('incident.merged_into_id', 'is', null)
    .where(incidentVisibleTo(viewer))
    .orderBy('incident.reported_at', 'desc')
    .limit(10)
    .execute();
  for (const c of byIndicator) if (!out.has(c.id)) out.set(c.id, { id: c.id, reference: c.reference, title: c.title, reason: 'indicator' });
  return [...out.values()].slice(0, 10);
}

// ---- Comments, tasks, indicators, attachments, deadlines, links, views -------------------------------------

function toComment(r: { id: string; incident_id: string; visibility: string; source: string; author_user_id: string | null; author_label: string; body: string; created_at: string | Date }): IncidentComment {
  return {
    id: r.id,
    incidentId: r.incident_id,
    visibility: r.visibility as CommentVisibility,
    source: r.source as CommentSource,
    authorUserId: r.author_user_id,
    authorLabel: r.author_label,
    body: r.body,
    createdAt: fromDbTime(r.created_at),
  };
}

export async function insertComment(db: DbOrTx, comment: IncidentComment): Promise<void> {
  await db
    .insertInto('incident_comment')
    .values({
      id: comment.id,
      incident_id: comment.incidentId,
      visibility: comment.visibility,
      source: comment.source,
      author_user_id: comment.authorUserId,
      author_label: comment.authorLabel,
      body: comment.body,
      created_at: toDbTime(comment.createdAt),
    })
    .execute();
}

/** Comments of an incident, oldest first; `sharedOnly` for reporters and constituents. */
export async function listComments(db: DbOrTx, incidentId: string, sharedOnly: boolean): Promise<IncidentComment[]> {
  let query = db.selectFrom('incident_comment').selectAll().where('incident_id', '=', incidentId);
  if (sharedOnly) query = query.where('visibility', '=', 'shared');
  return (await query.orderBy('created_at').orderBy('id').execute()).map(toComment);
}

export async function insertTask(db: DbOrTx, task: IncidentTask, createdBy: string | null): Promise<void> {
  await db
    .insertInto('incident_task')
    .values({ id: task.id, incident_id: task.incidentId, title: task.title, owner_id: task.ownerId, due_at: dbOrNull(task.dueAt), done_at: dbOrNull(task.doneAt), created_by: createdBy, created_at: toDbTime(task.createdAt), updated_at: toDbTime(task.createdAt), version: task.version })
    .execute();
}

export async function listTasks(db: DbOrTx, incidentId: string): Promise<IncidentTask[]> {
  const rows = await db.selectFrom('incident_task').selectAll().where('incident_id', '=', incidentId).orderBy('created_at').orderBy('id').execute();
  return rows.map((r) => ({ id: r.id, incidentId: r.incident_id, title: r.title, ownerId: r.owner_id, dueAt: fromDbTimeOrNull(r.due_at), doneAt: fromDbTimeOrNull(r.done_at), createdAt: fromDbTime(r.created_at), version: Number(r.version) }));
}

/** Marks a task done (or not done); false when the task is not on that incident or its version moved. */
export async function setTaskDone(db: DbOrTx, incidentId: string, taskId: string, doneAt: Date | null, expectedVersion: number, now: Date): Promise<boolean> {
  const result = await db
    .updateTable('incident_task')
    .set({ done_at: dbOrNull(doneAt), updated_at: toDbTime(now), version: expectedVersion + 1 })
    .where('id', '=', taskId)
    .where('incident_id', '=', incidentId)
    .where('version', '=', expectedVersion)
    .executeTakeFirst();
  return Number(result.numUpdatedRows) === 1;
}

/** Adds indicators, skipping those already on the incident; returns the ones added. */
export async function insertIndicators(db: DbOrTx, indicators: IncidentIndicator[], createdBy: string | null): Promise<IncidentIndicator[]> {
  const added: IncidentIndicator[] = [];
  for (const i of indicators) {
    const result = await db
      .insertInto('incident_indicator')
      .values({ id: i.id, incident_id: i.incidentId, type: i.type, value: i.value, comment: i.comment, created_by: createdBy, created_at: toDbTime(i.createdAt) })
      .onConflict((oc) => oc.columns(['incident_id', 'type', 'value']).doNothing())
      .executeTakeFirst();
    if (Number(result.numInsertedOrUpdatedRows ?? 0) > 0) added.push(i);
  }
  return added;
}

export async function deleteIndicator(db: DbOrTx, incidentId: string, indicatorId: string): Promise<IncidentIndicator | null> {
  const row = await db.selectFrom('incident_indicator').selectAll().where('id', '=', indicatorId).where('incident_id', '=', incidentId).executeTakeFirst();
  if (!row) return null;
  await db.deleteFrom('incident_indicator').where('id', '=', indicatorId).execute();
  return { id: row.id, incidentId: row.incident_id, type: row.type as IndicatorType, value: row.value, comment: row.comment, createdAt: fromDbTime(row.created_at) };
}

export async function listIndicators(db: DbOrTx, incidentId: string): Promise<IncidentIndicator[]> {
  const rows = await db.selectFrom('incident_indicator').selectAll().where('incident_id', '=', incidentId).orderBy('created_at').orderBy('id').execute();
  return rows.map((r) => ({ id: r.id, incidentId: r.incident_id, type: r.type as IndicatorType, value: r.value, comment: r.comment, createdAt: fromDbTime(r.created_at) }));
}

/** Other incidents (that the viewer may see) holding the same indicators: indicator id → incidents. */
export async function findCorrelations(db: DbOrTx, viewer: IncidentViewer, incidentId: string): Promise<Map<string, { id: string; reference: string; title: string }[]>> {
  const rows = await db
    .selectFrom('incident_indicator as mine')
    .innerJoin('incident_indicator as other', (j) => j.onRef('other.value', '=', 'mine.value').onRef('other.type', '=', 'mine.type'))
    .innerJoin('incident', 'incident.id', 'other.incident_id')
    .select(['mine.id as indicator_id', 'incident.id', 'incident.reference', 'incident.title'])
    .where('mine.incident_id', '=', incidentId)
    .where('other.incident_id', '!=', incidentId)
    .where(incidentVisibleTo(viewer))
    .orderBy('incident.reported_at', 'desc')
    .limit(500)
    .execute();
  const out = new Map<string, { id: string; reference: string; title: string }[]>();
  for (const r of rows) out.set(r.indicator_id, [...(out.get(r.indicator_id) ?? []), { id: r.id, reference: r.reference, title: r.title }]);
  return out;
}

/** How many incidents a lookup lists per value (the most recently created first). */
const LOOKUP_INCIDENTS_PER_VALUE = 20;

/**
 * Exact lookup of many normalised values at once (bulk lookup): for each (type, value), the incidents visible to
 * the viewer that hold it, at most LOOKUP_INCIDENTS_PER_VALUE per value, the most recently created first (ids are
 * UUIDv7). The cut is made in SQL (a window per value), so a value shared by thousands of incidents costs an index
 * range, not thousands of joined rows; handlers skip the visibility join entirely. Values are looked up in chunks so
 * a 1,000-value query stays within the databases' parameter limits.
 */
export async function lookupIndicators(db: DbOrTx, viewer: IncidentViewer, values: { type: IndicatorType; value: string }[]): Promise<Map<string, { id: string; reference: string; title: string; status: IncidentStatus }[]>> {
  const out = new Map<string, { id: string; reference: string; title: string; status: IncidentStatus }[]>();
  const unique = [...new Map(values.map((v) => [`${v.type}\u0000${v.value}`, v])).values()];
  for (let i = 0; i < unique.length; i += 400) {
    const chunk = unique.slice(i, i + 400);
    const ranked = db
      .selectFrom('incident_indicator')
      .select([
        'incident_indicator.type',
        'incident_indicator.value',
        'incident_indicator.incident_id',
        sql<number>`row_number() over (partition by incident_indicator.type, incident_indicator.value order by incident_indicator.incident_id desc)`.as('rank'),
      ])
      .where('incident_indicator.value', 'in', [...new Set(chunk.map((v) => v.value))])
      .where((eb) => eb(eb.refTuple('incident_indicator.type', 'incident_indicator.value'), 'in', chunk.map((v) => eb.tuple(v.type, v.value))))
      .$if(viewer.kind !== 'handler', (qb) =>
        qb.where((eb) => eb.exists(eb.selectFrom('incident').select('incident.id').whereRef('incident.id', '=', 'incident_indicator.incident_id').where(incidentVisibleTo(viewer)))),
      );
    const rows = await db
      .selectFrom(ranked.as('ranked'))
      .innerJoin('incident', 'incident.id', 'ranked.incident_id')
      .select(['ranked.type', 'ranked.value', 'incident.id', 'incident.reference', 'incident.title', 'incident.status'])
      .where('ranked.rank', '<=', LOOKUP_INCIDENTS_PER_VALUE)
      .orderBy('ranked.type')
      .orderBy('ranked.value')
      .orderBy('incident.id', 'desc')
      .execute();
    for (const r of rows) {
      const key = `${r.type}\u0000${r.value}`;
      out.set(key, [...(out.get(key) ?? []), { id: r.id, reference: r.reference, title: r.title, status: r.status as IncidentStatus }]);
    }
  }
  return out;
}

export async function insertAttachment(db: DbOrTx, a: IncidentAttachment, commentId: string | null, uploadedBy: string | null): Promise<void> {
  await db
    .insertInto('incident_attachment')
    .values({ id: a.id, incident_id: a.incidentId, comment_id: commentId, visibility: a.visibility, file_name: a.fileName, media_type: a.mediaType, size: a.size, sha256: a.sha256, uploaded_by: uploadedBy, uploader_label: a.uploaderLabel, created_at: toDbTime(a.createdAt) })
    .execute();
}

export async function listAttachments(db: DbOrTx, incidentId: string, sharedOnly: boolean): Promise<IncidentAttachment[]> {
  let query = db.selectFrom('incident_attachment').selectAll().where('incident_id', '=', incidentId);
  if (sharedOnly) query = query.where('visibility', '=', 'shared');
  const rows = await query.orderBy('created_at').orderBy('id').execute();
  return rows.map((r) => ({ id: r.id, incidentId: r.incident_id, visibility: r.visibility as CommentVisibility, fileName: r.file_name, mediaType: r.media_type, size: Number(r.size), sha256: r.sha256, uploaderLabel: r.uploader_label, createdAt: fromDbTime(r.created_at) }));
}

/** Replaces the incident's deadlines (keeping reminders already sent) and returns the earliest open due time. */
export async function writeDeadlines(db: DbOrTx, incidentId: string, deadlines: IncidentDeadline[], now: Date): Promise<Date | null> {
  // Reminders already sent are kept for a deadline whose due time did not move; a moved deadline is reminded again.
  const existing = await db.selectFrom('incident_deadline').select(['key', 'reminders_sent', 'due_at']).where('incident_id', '=', incidentId).execute();
  const sent = new Map(
    existing.filter((e) => deadlines.some((d) => d.key === e.key && (d.dueAt?.getTime() ?? null) === (fromDbTimeOrNull(e.due_at)?.getTime() ?? null))).map((e) => [e.key, e.reminders_sent]),
  );
  await db.deleteFrom('incident_deadline').where('incident_id', '=', incidentId).execute();
  if (deadlines.length > 0) {
    await db
      .insertInto('incident_deadline')
      .values(deadlines.map((d) => ({ incident_id: incidentId, key: d.key, profile: d.profile, stage: d.stage, due_at: dbOrNull(d.dueAt), completed_at: dbOrNull(d.completedAt), reminders_sent: sent.get(d.key) ?? '[]', updated_at: toDbTime(now) })))
      .execute();
  }
  const open = deadlines.filter((d) => d.completedAt === null && d.dueAt !== null).map((d) => d.dueAt?.getTime() ?? 0);
  return open.length === 0 ? null : new Date(Math.min(...open));
}

export async function listDeadlines(db: DbOrTx, incidentId: string): Promise<IncidentDeadline[]> {
  const rows = await db.selectFrom('incident_deadline').selectAll().where('incident_id', '=', incidentId).orderBy('due_at').orderBy('key').execute();
  return rows.map((r) => ({ key: r.key, profile: r.profile, stage: r.stage, dueAt: fromDbTimeOrNull(r.due_at), completedAt: fromDbTimeOrNull(r.completed_at) }));
}

export async function insertLink(db: DbOrTx, incidentId: string, otherId: string, createdBy: string | null, now: Date): Promise<void> {
  for (const [a, b] of [
    [incidentId, otherId],
    [otherId, incidentId],
  ] as const) {
    await db.insertInto('incident_link').values({ incident_id: a, other_id: b, created_by: createdBy, created_at: toDbTime(now) }).onConflict((oc) => oc.columns(['incident_id', 'other_id']).doNothing()).execute();
  }
}

/** Linked incidents the viewer may see. */
export async function listLinks(db: DbOrTx, viewer: IncidentViewer, incidentId: string): Promise<{ id: string; reference: string; title: string; status: IncidentStatus }[]> {
  const rows = await db
    .selectFrom('incident_link')
    .innerJoin('incident', 'incident.id', 'incident_link.other_id')
    .select(['incident.id', 'incident.reference', 'incident.title', 'incident.status'])
    .where('incident_link.incident_id', '=', incidentId)
    .where(incidentVisibleTo(viewer))
    .orderBy('incident.reported_at', 'desc')
    .execute();
  return rows.map((r) => ({ ...r, status: r.status as IncidentStatus }));
}

/** Records a processed inbound message; false when the same message was already taken in. */
export async function recordInboundEmail(db: DbOrTx, row: { messageKey: string; incidentId: string; commentId: string | null; sender: string; subject: string; receivedAt: Date }): Promise<boolean> {
  const result = await db
    .insertInto('incident_inbound_email')
    .values({ message_key: row.messageKey, incident_id: row.incidentId, comment_id: row.commentId, sender: row.sender, subject: row.subject.slice(0, 300), received_at: toDbTime(row.receivedAt) })
    .onConflict((oc) => oc.column('message_key').doNothing())
    .executeTakeFirst();
  return Number(result.numInsertedOrUpdatedRows ?? 0) > 0;
}

export async function isInboundEmailKnown(db: DbOrTx, messageKey: string): Promise<boolean> {
  return (await db.selectFrom('incident_inbound_email').select('message_key').where('message_key', '=', messageKey).executeTakeFirst()) !== undefined;
}

export async function listSavedViews(db: DbOrTx, userId: string): Promise<{ id: string; name: string; query: string }[]> {
  return db.selectFrom('incident_saved_view').select(['id', 'name', 'query']).where('user_id', '=', userId).orderBy('name').execute();
}

/** Saves (or replaces, by name) one of the user's queue views. */
export async function saveView(db: DbOrTx, view: { id: string; userId: string; name: string; query: string; createdAt: Date }): Promise<void> {
  await db
    .insertInto('incident_saved_view')
    .values({ id: view.id, user_id: view.userId, name: view.name, query: view.query, created_at: toDbTime(view.createdAt) })
    .onConflict((oc) => oc.columns(['user_id', 'name']).doUpdateSet({ query: view.query }))
    .execute();
}

export async function deleteView(db: DbOrTx, userId: string, id: string): Promise<boolean> {
  const result = await db.deleteFrom('incident_saved_view').where('id', '=', id).where('user_id', '=', userId).executeTakeFirst();
  return Number(result.numDeletedRows) === 1;
}

/** Stores the earliest open deadline on the incident row (what queues sort and filter on); no version change. */
export async function setNextDueAt(db: DbOrTx, incidentId: string, nextDueAt: Date | null): Promise<void> {
  await db.updateTable('incident').set({ next_due_at: dbOrNull(nextDueAt) }).where('id', '=', incidentId).execute();
}

/** The roles that handle incidents (those holding `incidents:handle`). */
const handlerRoles = permissions['incidents:handle'].roles;

/** The id of an active user who may handle incidents, or null: assignees and task owners must be one. */
export async function findActiveHandlerId(db: DbOrTx, userId: string): Promise<string | null> {
  const row = await db
    .selectFrom('user_account')
    .innerJoin('user_role', 'user_role.user_id', 'user_account.id')
    .select('user_account.id')
    .where('user_account.id', '=', userId)
    .where('user_account.status', '=', 'active')
    .where('user_role.role', 'in', handlerRoles)
    .executeTakeFirst();
  return row?.id ?? null;
}

/** Every active handler (id and name), by name. */
export async function listActiveHandlers(db: DbOrTx): Promise<{ id: string; name: string }[]> {
  const rows = await db
    .selectFrom('user_account')
    .innerJoin('user_role', 'user_role.user_id', 'user_account.id')
    .select(['user_account.id', 'user_account.display_name'])
    .where('user_account.status', '=', 'active')
    .where('user_role.role', 'in', handlerRoles)
    .distinct()
    .orderBy('user_account.display_name')
    .execute();
  return rows.map((r) => ({ id: r.id, name: r.display_name }));
}
