import { sql, type ExpressionBuilder, type Selectable } from 'kysely';
import type { DbOrTx } from '#src/db/database';
import type { Database } from '#src/db/schema';
import type { Cursor } from '#src/core/pagination';
import type { Locale } from '#src/core/i18n/i18n';
import type { OrganisationTable } from '#src/modules/constituents/constituents.tables';
import type { OrganisationScope } from '#src/modules/constituents/constituents.policy';
import type {
  Organisation,
  OrganisationCategory,
  OrganisationStatus,
  OrganisationSummary,
  SecurityContact,
} from '#src/modules/constituents/constituents.types';
import type { OrganisationFields } from '#src/modules/constituents/constituents.validation';
import { newId } from '#src/core/ids';
import { fromDbTime, toDbTime } from '#src/core/time';

type OrganisationRow = Selectable<OrganisationTable> & { user_count: number | string | null };

/** Filters of the organisation list; absent means any. */
export interface OrganisationFilters {
  /** Matched against the three names, the acronym and the e-mail domains, case-insensitively. */
  q?: string | undefined;
  category?: OrganisationCategory | undefined;
  sector?: string | undefined;
  status?: OrganisationStatus | undefined;
}

/** List order: creation (id, UUIDv7) for the API, or the name in one language for people. */
export type OrganisationOrder = { by: 'id' } | { by: 'name'; locale: Locale };

const nameColumn = { fr: 'name_fr', ar: 'name_ar', en: 'name_en' } as const;

function parseList(json: string): string[] {
  const value = JSON.parse(json) as unknown;
  return Array.isArray(value) ? value.filter((v): v is string => typeof v === 'string') : [];
}

function toSummary(row: OrganisationRow): OrganisationSummary {
  return {
    id: row.id,
    names: { fr: row.name_fr, ar: row.name_ar, en: row.name_en },
    acronym: row.acronym,
    category: row.category as OrganisationCategory,
    sectorCode: row.sector_code,
    status: row.status,
    userCount: Number(row.user_count ?? 0),
  };
}

function toOrganisation(row: OrganisationRow, contacts: SecurityContact[]): Organisation {
  return {
    ...toSummary(row),
    emailDomains: parseList(row.email_domains),
    ipRanges: parseList(row.ip_ranges),
    contacts,
    createdAt: fromDbTime(row.created_at),
    updatedAt: fromDbTime(row.updated_at),
    version: Number(row.version),
  };
}

function userCount(eb: ExpressionBuilder<Database, 'organisation'>) {
  return eb
    .selectFrom('user_account')
    .select((sub) => sub.fn.countAll<number>().as('n'))
    .whereRef('user_account.organisation_id', '=', 'organisation.id')
    .as('user_count');
}

/** Escapes LIKE wildcards so a search for '50%' looks for those characters. */
function likePattern(q: string): string {
  return `%${q.toLowerCase().replace(/[\\%_]/g, (c) => `\\${c}`)}%`;
}

/**
 * A page of organisations the scope allows, with their contacts, filtered and ordered, fetching `limit` rows
 * after the cursor.
 * The constituent restriction is part of the SQL, so no caller can forget it.
 */
export async function findOrganisations(
  db: DbOrTx,
  scope: OrganisationScope,
  filters: OrganisationFilters,
  order: OrganisationOrder,
  after: Cursor | null,
  limit: number,
): Promise<Organisation[]> {
  if (scope.kind === 'none') return [];
  let query = db.selectFrom('organisation').selectAll('organisation').select((eb) => userCount(eb));
  if (scope.kind === 'own') query = query.where('organisation.id', '=', scope.organisationId);
  if (filters.category) query = query.where('category', '=', filters.category);
  if (filters.sector) query = query.where('sector_code', '=', filters.sector);
  if (filters.status) query = query.where('status', '=', filters.status);
  const q = filters.q?.trim();
  if (q) {
    const pattern = likePattern(q);
    query = query.where((eb) =>
      eb.or(
        (['name_fr', 'name_ar', 'name_en', 'acronym', 'email_domains'] as const).map(
          (col) => sql<boolean>`lower(${eb.ref(`organisation.${col}`)}) like ${pattern} escape '\\'`,
        ),
      ),
    );
  }
  if (order.by === 'id') {
    if (after) query = query.where('organisation.id', '>', after.id);
    query = query.orderBy('organisation.id');
  } else {
    const col = nameColumn[order.locale];
    if (after) {
      const k = String(after.k ?? '');
      query = query.where((eb) => eb.or([eb(col, '>', k), eb.and([eb(col, '=', k), eb('organisation.id', '>', after.id)])]));
    }
    query = query.orderBy(col).orderBy('organisation.id');
  }
  const rows = (await query.limit(limit).execute()) as OrganisationRow[];
  const contacts = await findContacts(db, rows.map((r) => r.id));
  return rows.map((row) => toOrganisation(row, contacts.get(row.id) ?? []));
}

/** Security-officer contacts of several organisations in one query, in their order. */
async function findContacts(db: DbOrTx, organisationIds: readonly string[]): Promise<Map<string, SecurityContact[]>> {
  const out = new Map<string, SecurityContact[]>();
  if (organisationIds.length === 0) return out;
  const rows = await db
    .selectFrom('organisation_contact')
    .select(['organisation_id', 'name', 'email', 'phone'])
    .where('organisation_id', 'in', organisationIds)
    .where('kind', '=', 'security_officer')
    .orderBy('organisation_id')
    .orderBy('position')
    .orderBy('id')
    .execute();
  for (const row of rows) {
    const list = out.get(row.organisation_id) ?? [];
    list.push({ name: row.name, email: row.email, phone: row.phone });
    out.set(row.organisation_id, list);
  }
  return out;
}

/** The sort key of a summary in `order`, for the next page's cursor. */
export function sortKeyOf(org: OrganisationSummary, order: OrganisationOrder): string | null {
  return order.by === 'id' ? null : org.names[order.locale];
}

/** One organisation with its contacts, or undefined when absent or outside the scope. */
export async function findOrganisationById(db: DbOrTx, scope: OrganisationScope, id: string): Promise<Organisation | undefined> {
  if (scope.kind === 'none') return undefined;
  if (scope.kind === 'own' && scope.organisationId !== id) return undefined;
  const row = await db
    .selectFrom('organisation')
    .selectAll('organisation')
    .select((eb) => userCount(eb))
    .where('organisation.id', '=', id)
    .executeTakeFirst();
  if (!row) return undefined;
  const contacts = await findContacts(db, [id]);
  return toOrganisation(row, contacts.get(id) ?? []);
}

/** True when another organisation already uses this acronym. */
export async function isAcronymTaken(db: DbOrTx, acronym: string, exceptId: string | null): Promise<boolean> {
  let query = db.selectFrom('organisation').select('id').where(sql<string>`upper(acronym)`, '=', acronym.toUpperCase());
  if (exceptId) query = query.where('id', '!=', exceptId);
  return (await query.limit(1).executeTakeFirst()) !== undefined;
}

async function writeContacts(db: DbOrTx, organisationId: string, contacts: readonly SecurityContact[]): Promise<void> {
  await db.deleteFrom('organisation_contact').where('organisation_id', '=', organisationId).execute();
  if (contacts.length === 0) return;
  await db
    .insertInto('organisation_contact')
    .values(contacts.map((c, position) => ({ id: newId(), organisation_id: organisationId, kind: 'security_officer' as const, name: c.name, email: c.email, phone: c.phone, position })))
    .execute();
}

/** Inserts an organisation and its contacts. */
export async function insertOrganisation(db: DbOrTx, org: Organisation): Promise<void> {
  await db
    .insertInto('organisation')
    .values({
      id: org.id,
      name_fr: org.names.fr,
      name_ar: org.names.ar,
      name_en: org.names.en,
      acronym: org.acronym,
      category: org.category,
      sector_code: org.sectorCode,
      status: org.status,
      email_domains: JSON.stringify(org.emailDomains),
      ip_ranges: JSON.stringify(org.ipRanges),
      created_at: toDbTime(org.createdAt),
      updated_at: toDbTime(org.updatedAt),
      version: org.version,
    })
    .execute();
  await writeContacts(db, org.id, org.contacts);
}

/**
 * Writes an organisation's fields and status if its version is still `expectedVersion`, bumping the version,
 * and replaces its contacts. Returns false when someone else changed it first (optimistic locking).
 */
export async function updateOrganisation(
  db: DbOrTx,
  id: string,
  expectedVersion: number,
  fields: OrganisationFields,
  status: OrganisationStatus,
  updatedAt: Date,
): Promise<boolean> {
  const result = await db
    .updateTable('organisation')
    .set((eb) => ({
      name_fr: fields.names.fr,
      name_ar: fields.names.ar,
      name_en: fields.names.en,
      acronym: fields.acronym,
      category: fields.category,
      sector_code: fields.sectorCode,
      status,
      email_domains: JSON.stringify(fields.emailDomains),
      ip_ranges: JSON.stringify(fields.ipRanges),
      updated_at: toDbTime(updatedAt),
      version: eb('version', '+', 1),
    }))
    .where('id', '=', id)
    .where('version', '=', expectedVersion)
    .executeTakeFirst();
  if (Number(result.numUpdatedRows) !== 1) return false;
  await writeContacts(db, id, fields.contacts);
  return true;
}
