import { sql } from 'kysely';
import type { Actor, Role } from '#src/core/access';
import type { DbOrTx, Dialect, Tx } from '#src/db/database';
import type { DbTime } from '#src/db/core.tables';
import type { Page } from '#src/core/pagination';
import type { OrganisationRef, User, UserFilter, UserStatus } from '#src/modules/identity/users.types';
import { isRole } from '#src/core/access';
import { isLocale } from '#src/core/i18n/i18n';
import { decodeCursor, toPage } from '#src/core/pagination';
import { fromDbTime, fromDbTimeOrNull, toDbTime } from '#src/core/time';
import { userScope } from '#src/modules/identity/users.policy';

/** The columns of a user as administrators see it: the password hash and MFA secret are never selected. */
function selectUsers(db: DbOrTx) {
  return db
    .selectFrom('user_account')
    .leftJoin('organisation', 'organisation.id', 'user_account.organisation_id')
    .select([
      'user_account.id',
      'user_account.email',
      'user_account.display_name',
      'user_account.locale',
      'user_account.status',
      'user_account.organisation_id',
      'user_account.mfa_enabled_at',
      'user_account.last_login_at',
      'user_account.created_at',
      'user_account.updated_at',
      'user_account.version',
      'organisation.acronym as org_acronym',
      'organisation.name_fr as org_name_fr',
      'organisation.name_ar as org_name_ar',
      'organisation.name_en as org_name_en',
      sql<number>`case when user_account.password_hash is null then 0 else 1 end`.as('activated'),
    ]);
}

/** The user query restricted IN SQL to the accounts the actor may see (see `userScope`). */
function selectScopedUsers(db: DbOrTx, actor: Actor) {
  let query = selectUsers(db);
  const scope = userScope(actor);
  switch (scope.kind) {
    case 'all':
      break;
    case 'organisation':
      query = query.where('user_account.organisation_id', '=', scope.organisationId);
      break;
    case 'none':
      query = query.where(sql<boolean>`1 = 0`);
      break;
  }
  return query;
}

interface UserRow {
  id: string;
  email: string;
  display_name: string;
  locale: string | null;
  status: UserStatus;
  organisation_id: string | null;
  mfa_enabled_at: DbTime | null;
  last_login_at: DbTime | null;
  created_at: DbTime;
  updated_at: DbTime;
  version: number;
  org_acronym: string | null;
  org_name_fr: string | null;
  org_name_ar: string | null;
  org_name_en: string | null;
  activated: number | string;
}

function toUser(row: UserRow, roles: Role[]): User {
  return {
    id: row.id,
    email: row.email,
    displayName: row.display_name,
    roles,
    organisation:
      row.organisation_id === null
        ? null
        : { id: row.organisation_id, acronym: row.org_acronym, names: { fr: row.org_name_fr ?? '', ar: row.org_name_ar ?? '', en: row.org_name_en ?? '' } },
    locale: isLocale(row.locale) ? row.locale : null,
    status: row.status,
    hasMfa: row.mfa_enabled_at !== null,
    isActivated: Number(row.activated) === 1,
    lastLoginAt: fromDbTimeOrNull(row.last_login_at),
    createdAt: fromDbTime(row.created_at),
    updatedAt: fromDbTime(row.updated_at),
    version: Number(row.version),
  };
}

/** Loads the roles of several users at once, sorted in the canonical role order. */
async function rolesOf(db: DbOrTx, userIds: string[]): Promise<Map<string, Role[]>> {
  const out = new Map<string, Role[]>(userIds.map((id) => [id, []]));
  if (userIds.length === 0) return out;
  const rows = await db.selectFrom('user_role').select(['user_id', 'role']).where('user_id', 'in', userIds).execute();
  for (const row of rows) if (isRole(row.role)) out.get(row.user_id)?.push(row.role);
  const order = ['admin', 'coordinator', 'analyst', 'author', 'reviewer', 'director', 'org_manager', 'org_member'];
  for (const roles of out.values()) roles.sort((a, b) => order.indexOf(a) - order.indexOf(b));
  return out;
}

/** Escapes LIKE wildcards with '!' (an escape character both SQLite and PostgreSQL accept as written). */
function likePattern(text: string): string {
  return `%${text.toLowerCase().replace(/[!%_]/g, (c) => `!${c}`)}%`;
}

/**
 * Lists the users the actor may see, newest first, with the filters applied in SQL; keyset pagination on the
 * (time-ordered) id.
 */
export async function findUsers(db: DbOrTx, actor: Actor, filter: UserFilter, page: { limit: number; cursor?: string | undefined }): Promise<Page<User>> {
  const cursor = decodeCursor(page.cursor);
  let query = selectScopedUsers(db, actor);
  if (filter.q !== undefined && filter.q !== '') {
    const pattern = likePattern(filter.q);
    query = query.where(sql<boolean>`(lower(user_account.email) like ${pattern} escape '!' or lower(user_account.display_name) like ${pattern} escape '!')`);
  }
  if (filter.role !== undefined) {
    const role = filter.role;
    query = query.where((eb) =>
      eb.exists(eb.selectFrom('user_role').select('user_role.user_id').whereRef('user_role.user_id', '=', 'user_account.id').where('user_role.role', '=', role)),
    );
  }
  if (filter.organisationId !== undefined) query = query.where('user_account.organisation_id', '=', filter.organisationId);
  if (filter.status !== undefined) query = query.where('user_account.status', '=', filter.status);
  if (cursor) query = query.where('user_account.id', '<', cursor.id);
  const rows = await query.orderBy('user_account.id', 'desc').limit(page.limit + 1).execute();
  const roles = await rolesOf(db, rows.map((r) => r.id));
  const users = rows.map((r) => toUser(r, roles.get(r.id) ?? []));
  return toPage(users, page.limit, (last) => ({ k: null, id: last.id }));
}

/** One user, if the actor may see it; null otherwise (callers answer 404 either way). */
export async function findUserById(db: DbOrTx, actor: Actor, id: string): Promise<User | null> {
  const row = await selectScopedUsers(db, actor).where('user_account.id', '=', id).executeTakeFirst();
  if (!row) return null;
  const roles = await rolesOf(db, [row.id]);
  return toUser(row, roles.get(row.id) ?? []);
}

/** One user by e-mail address, if the actor may see it. */
export async function findUserByEmail(db: DbOrTx, actor: Actor, email: string): Promise<User | null> {
  const row = await selectScopedUsers(db, actor).where('user_account.email', '=', email).executeTakeFirst();
  if (!row) return null;
  const roles = await rolesOf(db, [row.id]);
  return toUser(row, roles.get(row.id) ?? []);
}

/** True when any account, visible or not, already uses the address (addresses are unique installation-wide). */
export async function isEmailTaken(db: DbOrTx, email: string): Promise<boolean> {
  const row = await db.selectFrom('user_account').select('id').where('email', '=', email).executeTakeFirst();
  return row !== undefined;
}

/** True for a unique-constraint violation on either database (a concurrent insert of the same address). */
export function isUniqueViolation(err: unknown): boolean {
  if (!err || typeof err !== 'object') return false;
  const code = (err as { code?: unknown }).code;
  return code === '23505' || code === 'SQLITE_CONSTRAINT_UNIQUE' || code === 'SQLITE_CONSTRAINT_PRIMARYKEY';
}

/** A new account's columns. */
export interface NewUserRow {
  id: string;
  email: string;
  displayName: string;
  locale: string | null;
  organisationId: string | null;
  passwordHash: string | null;
  roles: readonly Role[];
  now: Date;
}

/** Inserts an active account and its roles. */
export async function insertUser(trx: Tx, user: NewUserRow): Promise<void> {
  const now = toDbTime(user.now);
  await trx
    .insertInto('user_account')
    .values({
      id: user.id,
      email: user.email,
      display_name: user.displayName,
      password_hash: user.passwordHash,
      locale: user.locale,
      status: 'active',
      organisation_id: user.organisationId,
      mfa_secret: null,
      mfa_enabled_at: null,
      mfa_last_step: null,
      locked_until: null,
      last_login_at: null,
      password_changed_at: user.passwordHash === null ? null : now,
      created_at: now,
      updated_at: now,
    })
    .execute();
  if (user.roles.length > 0) {
    await trx
      .insertInto('user_role')
      .values(user.roles.map((role) => ({ user_id: user.id, role })))
      .execute();
  }
}

/**
 * Updates the administrable fields of an account if its version is still `expectedVersion`, bumping it;
 * returns false when someone changed the account meanwhile (optimistic locking).
 */
export async function updateUserFields(
  trx: Tx,
  id: string,
  expectedVersion: number,
  fields: { displayName: string; organisationId: string | null },
  now: Date,
): Promise<boolean> {
  const result = await trx
    .updateTable('user_account')
    .set((eb) => ({ display_name: fields.displayName, organisation_id: fields.organisationId, updated_at: toDbTime(now), version: eb('version', '+', 1) }))
    .where('id', '=', id)
    .where('version', '=', expectedVersion)
    .executeTakeFirst();
  return Number(result.numUpdatedRows) === 1;
}

/** Replaces the roles of an account. */
export async function replaceUserRoles(trx: Tx, userId: string, roles: readonly Role[]): Promise<void> {
  await trx.deleteFrom('user_role').where('user_id', '=', userId).execute();
  if (roles.length > 0) {
    await trx
      .insertInto('user_role')
      .values(roles.map((role) => ({ user_id: userId, role })))
      .execute();
  }
}

/** Sets the status of an account, bumping its version. */
export async function setUserStatus(trx: Tx, userId: string, status: UserStatus, now: Date): Promise<void> {
  await trx
    .updateTable('user_account')
    .set((eb) => ({ status, updated_at: toDbTime(now), version: eb('version', '+', 1) }))
    .where('id', '=', userId)
    .execute();
}

/** Revokes every live session of a user; returns how many. */
export async function revokeUserSessions(trx: Tx, userId: string, now: Date): Promise<number> {
  const result = await trx.updateTable('session').set({ revoked_at: toDbTime(now) }).where('user_id', '=', userId).where('revoked_at', 'is', null).executeTakeFirst();
  return Number(result.numUpdatedRows);
}

/** Revokes every live API token of a user; returns how many. */
export async function revokeUserApiTokens(trx: Tx, userId: string, now: Date): Promise<number> {
  const result = await trx.updateTable('api_token').set({ revoked_at: toDbTime(now) }).where('user_id', '=', userId).where('revoked_at', 'is', null).executeTakeFirst();
  return Number(result.numUpdatedRows);
}

/**
 * Serialises changes that could remove an administrator. On PostgreSQL two transactions could otherwise each
 * see "another admin remains" and demote the last two at once; locking the audit chain head (which the
 * transaction locks anyway to write its audit row) makes them run one after the other. SQLite serialises
 * writers by itself.
 */
export async function lockAdministratorChanges(trx: Tx, dialect: Dialect): Promise<void> {
  if (dialect === 'postgres') {
    await trx.selectFrom('audit_head').select('id').where('id', '=', 1).forUpdate().execute();
  }
}

/** Counts active administrators other than `exceptUserId`. */
export async function countOtherActiveAdmins(db: DbOrTx, exceptUserId: string): Promise<number> {
  const row = await db
    .selectFrom('user_account')
    .innerJoin('user_role', 'user_role.user_id', 'user_account.id')
    .select((eb) => eb.fn.countAll<number>().as('n'))
    .where('user_role.role', '=', 'admin')
    .where('user_account.status', '=', 'active')
    // An invited administrator who never set a password cannot sign in: they do not count.
    .where('user_account.password_hash', 'is not', null)
    .where('user_account.id', '<>', exceptUserId)
    .executeTakeFirstOrThrow();
  return Number(row.n);
}

/** Sets the first password of an account that has none; false when it has one already. */
export async function setInitialPassword(trx: Tx, userId: string, passwordHash: string, now: Date): Promise<boolean> {
  const result = await trx
    .updateTable('user_account')
    .set((eb) => ({ password_hash: passwordHash, password_changed_at: toDbTime(now), updated_at: toDbTime(now), version: eb('version', '+', 1) }))
    .where('id', '=', userId)
    .where('password_hash', 'is', null)
    .where('status', '=', 'active')
    .executeTakeFirst();
  return Number(result.numUpdatedRows) === 1;
}

/** An account as the activation page needs it (unscoped: the token is the authority). */
export interface ActivationTarget {
  id: string;
  email: string;
  displayName: string;
  status: UserStatus;
  isActivated: boolean;
}

/** Loads the account an activation token points to. */
export async function findActivationTarget(db: DbOrTx, userId: string): Promise<ActivationTarget | null> {
  const row = await db
    .selectFrom('user_account')
    .select(['id', 'email', 'display_name', 'status', sql<number>`case when password_hash is null then 0 else 1 end`.as('activated')])
    .where('id', '=', userId)
    .executeTakeFirst();
  if (!row) return null;
  return { id: row.id, email: row.email, displayName: row.display_name, status: row.status, isActivated: Number(row.activated) === 1 };
}

type OrganisationRow = { id: string; acronym: string | null; name_fr: string; name_ar: string; name_en: string };

function toOrganisationRef(row: OrganisationRow): OrganisationRef {
  return { id: row.id, acronym: row.acronym, names: { fr: row.name_fr, ar: row.name_ar, en: row.name_en } };
}

/** An organisation by id, or null. */
export async function findOrganisationRef(db: DbOrTx, id: string): Promise<OrganisationRef | null> {
  const row = await db.selectFrom('organisation').select(['id', 'acronym', 'name_fr', 'name_ar', 'name_en']).where('id', '=', id).executeTakeFirst();
  return row ? toOrganisationRef(row) : null;
}

/** Organisations whose id or acronym (case-insensitive) is `value`, for the CLI's `--org`. */
export async function findOrganisationsByIdOrAcronym(db: DbOrTx, value: string): Promise<OrganisationRef[]> {
  const rows = await db
    .selectFrom('organisation')
    .select(['id', 'acronym', 'name_fr', 'name_ar', 'name_en'])
    .where((eb) => eb.or([eb('id', '=', value), eb(eb.fn('lower', ['acronym']), '=', value.toLowerCase())]))
    .orderBy('id')
    .limit(5)
    .execute();
  return rows.map(toOrganisationRef);
}

/** The organisations an actor may place users in: all of them for administrators, their own for managers. */
export async function findAssignableOrganisations(db: DbOrTx, actor: Actor): Promise<OrganisationRef[]> {
  const scope = userScope(actor);
  let query = db.selectFrom('organisation').select(['id', 'acronym', 'name_fr', 'name_ar', 'name_en']);
  switch (scope.kind) {
    case 'all':
      break;
    case 'organisation':
      query = query.where('id', '=', scope.organisationId);
      break;
    case 'none':
      return [];
  }
  const rows = await query.orderBy('name_fr').orderBy('id').execute();
  return rows.map(toOrganisationRef);
}
