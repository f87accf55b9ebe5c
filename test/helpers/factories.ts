import { hash } from '@node-rs/argon2';
import type { DatabaseHandle } from '#src/db/database';
import type { Role } from '#src/core/access';
import { newId, randomToken, hashToken } from '#src/core/ids';
import { toDbTime } from '#src/core/time';
import { csrfTokenFor } from '#src/plugins/auth';
import type { TestApp } from './app';

let counter = 0;
const next = (): number => ++counter;

/** A password that satisfies the policy, shared by factory users. */
export const testPassword = 'correct horse battery staple 42';

export interface OrganisationFixture {
  id: string;
  nameFr: string;
}

/** Inserts an active organisation (sector 'energy', category 'vital-infrastructure'). */
export async function buildOrganisation(database: DatabaseHandle, overrides: Partial<{ nameFr: string; status: 'active' | 'suspended'; category: string; sectorCode: string }> = {}): Promise<OrganisationFixture> {
  const n = next();
  const id = newId();
  const now = toDbTime(new Date());
  const nameFr = overrides.nameFr ?? `Organisation ${n}`;
  await database.db
    .insertInto('organisation')
    .values({
      id,
      name_fr: nameFr,
      name_ar: `هيئة ${n}`,
      name_en: `Organisation ${n}`,
      acronym: `ORG${n}`,
      category: overrides.category ?? 'vital-infrastructure',
      sector_code: overrides.sectorCode ?? 'energy',
      status: overrides.status ?? 'active',
      email_domains: JSON.stringify([`org${n}.example.ma`]),
      ip_ranges: JSON.stringify([`192.0.2.${n % 250}/32`]),
      created_at: now,
      updated_at: now,
    })
    .execute();
  return { id, nameFr };
}

export interface UserFixture {
  id: string;
  email: string;
  password: string;
  roles: Role[];
  organisationId: string | null;
}

const passwordHashCache = new Map<string, string>();

/**
 * Inserts an active user with the given roles. Constituent roles get an organisation (created when not
 * given). `mfaSecret` enrols TOTP.
 */
export async function buildUser(
  database: DatabaseHandle,
  options: { roles?: Role[]; organisationId?: string | null; email?: string; password?: string; mfaSecret?: string; status?: 'active' | 'disabled'; displayName?: string } = {},
): Promise<UserFixture> {
  const n = next();
  const roles = options.roles ?? ['analyst'];
  const needsOrg = roles.some((r) => r === 'org_manager' || r === 'org_member');
  let organisationId = options.organisationId ?? null;
  if (needsOrg && organisationId === null) organisationId = (await buildOrganisation(database)).id;
  const password = options.password ?? testPassword;
  let passwordHash = passwordHashCache.get(password);
  if (!passwordHash) {
    passwordHash = await hash(password, { algorithm: 2 });
    passwordHashCache.set(password, passwordHash);
  }
  const id = newId();
  const now = toDbTime(new Date());
  const email = options.email ?? `user${n}-${randomToken(4).toLowerCase().replace(/[^a-z0-9]/g, 'x')}@example.ma`;
  await database.db
    .insertInto('user_account')
    .values({
      id,
      email,
      display_name: options.displayName ?? `User ${n}`,
      password_hash: passwordHash,
      locale: null,
      status: options.status ?? 'active',
      organisation_id: organisationId,
      mfa_secret: options.mfaSecret ?? null,
      mfa_enabled_at: options.mfaSecret ? now : null,
      mfa_last_step: null,
      locked_until: null,
      last_login_at: null,
      password_changed_at: now,
      created_at: now,
      updated_at: now,
    })
    .execute();
  for (const role of roles) await database.db.insertInto('user_role').values({ user_id: id, role }).execute();
  return { id, email, password, roles, organisationId };
}

/** Cookies and CSRF token of a signed-in browser. */
export interface SignedIn {
  cookies: Record<string, string>;
  csrf: string;
  sessionId: string;
}

/**
 * Signs a user in by creating a fully verified session directly (MFA done), the way the sign-in flow leaves
 * it; tests of the sign-in flow itself go through the real pages.
 */
export async function loginAs(t: TestApp, user: UserFixture): Promise<SignedIn> {
  const token = randomToken(32);
  const now = t.clock.now();
  const sessionId = hashToken(token);
  await t.database.db
    .insertInto('session')
    .values({ id: sessionId, user_id: user.id, created_at: toDbTime(now), last_seen_at: toDbTime(now), expires_at: toDbTime(new Date(now.getTime() + 3600_000)), ip: '127.0.0.1', user_agent: 'test', mfa_verified_at: toDbTime(now), revoked_at: null })
    .execute();
  return { ...anonymousBrowser(t), cookies: { ...anonymousBrowser(t).cookies, ribat_session: token }, sessionId };
}

/** A browser without a session but with a CSRF cookie, for anonymous forms. */
export function anonymousBrowser(t: TestApp): SignedIn {
  const csrfCookie = 'csrf-cookie-for-tests-0123456789abcdef';
  return { cookies: { ribat_csrf: csrfCookie }, csrf: csrfTokenFor(t.config.secret, csrfCookie), sessionId: '' };
}

/** A form body (application/x-www-form-urlencoded) with the CSRF field. */
export function form(fields: Record<string, string | string[]>, csrf: string): { payload: string; headers: Record<string, string> } {
  const params = new URLSearchParams();
  params.append('_csrf', csrf);
  for (const [k, v] of Object.entries(fields)) {
    for (const value of Array.isArray(v) ? v : [v]) params.append(k, value);
  }
  return { payload: params.toString(), headers: { 'content-type': 'application/x-www-form-urlencoded' } };
}

/** Counts rows of every table, to prove that a refused request changed nothing. */
export async function snapshotCounts(database: DatabaseHandle): Promise<Record<string, number>> {
  const tables = ['user_account', 'user_role', 'session', 'api_token', 'organisation', 'organisation_contact', 'vocabulary_term', 'audit_event', 'job', 'email_message', 'one_time_token', 'recovery_code', 'idempotency_record',
    'product_vendor', 'product', 'bulletin', 'bulletin_alias', 'bulletin_revision', 'bulletin_comment', 'reference_counter', 'bulletin_listing', 'bulletin_cve',
    'bulletin_product', 'bulletin_recipient_organisation', 'bulletin_recipient_user', 'subscription', 'bulletin_delivery',
    'csaf_source', 'csaf_import', 'csaf_import_product', 'csaf_import_vulnerability',
    'incident', 'incident_classification', 'incident_organisation', 'incident_link', 'incident_comment', 'incident_task', 'incident_indicator', 'incident_attachment', 'incident_deadline', 'incident_inbound_email', 'incident_saved_view'] as const;
  const out: Record<string, number> = {};
  for (const table of tables) {
    const row = await database.db.selectFrom(table).select((eb) => eb.fn.countAll<number>().as('n')).executeTakeFirstOrThrow();
    out[table] = Number(row.n);
  }
  return out;
}
