/**
 * A small populated installation for the generic suites: an administrator, two organisations each with a
 * manager and a member, an API token, a contact, an audit event; and the rule that picks a real record for a
 * route's path parameter (`/users/:id` → a user of organisation A).
 */
import type { RegisteredRoute } from '#src/app';
import { recordAudit } from '#src/core/audit';
import { systemContext } from '#src/core/context';
import { hashToken, newId, randomToken } from '#src/core/ids';
import { toDbTime } from '#src/core/time';
import { sessionPublicId } from '#src/modules/identity/account.types';
import { buildOrganisation, buildUser, loginAs, type OrganisationFixture, type UserFixture } from '../helpers/factories';
import type { TestApp } from '../helpers/app';
import { buildPublishedBulletin, contextFor } from '../helpers/bulletin-factories';
import { reportIncident } from '#src/modules/incidents/use-cases/report-incident';
import { addIndicators } from '#src/modules/incidents/use-cases/incident-indicators';
import { addIncidentTask } from '#src/modules/incidents/use-cases/incident-tasks';
import { addAttachment } from '#src/modules/incidents/attachments/add-attachment';
import { listQueueViews, saveQueueView } from '#src/modules/incidents/use-cases/list-incidents';
import { paramNames, routeSchemas, sampleFromSchema, segmentBefore } from './route-harness';

export interface World {
  admin: UserFixture;
  orgA: OrganisationFixture;
  orgB: OrganisationFixture;
  managerA: UserFixture;
  memberA: UserFixture;
  managerB: UserFixture;
  memberB: UserFixture;
  /** An API token owned by memberA (scope read). */
  tokenA: { id: string; secret: string };
  /** The public id of a live session of memberA. */
  sessionA: string;
  /** A security contact of organisation A. */
  contactA: string;
  /** A seeded vocabulary term. */
  term: { vocabulary: string; code: string };
  /** The sequence number of an existing audit event. */
  auditSeq: number;
  /** A published TLP:CLEAR bulletin (its id for `/bulletins/:id`, its slug for public addresses). */
  bulletin: { id: string; slug: string; reference: string };
  /** An incident reported by memberA (TLP:AMBER) with an indicator and a task; a public report and its tracking token. */
  incident: { id: string; indicatorId: string; taskId: string; attachmentId: string; publicId: string; trackingToken: string; viewId: string };
}

/** Populates the test database with the records every generic suite points its requests at. */
export async function buildWorld(t: TestApp): Promise<World> {
  const { database } = t;
  const orgA = await buildOrganisation(database);
  const orgB = await buildOrganisation(database);
  const admin = await buildUser(database, { roles: ['admin'] });
  const managerA = await buildUser(database, { roles: ['org_manager'], organisationId: orgA.id });
  const memberA = await buildUser(database, { roles: ['org_member'], organisationId: orgA.id });
  const managerB = await buildUser(database, { roles: ['org_manager'], organisationId: orgB.id });
  const memberB = await buildUser(database, { roles: ['org_member'], organisationId: orgB.id });

  const tokenA = await buildApiToken(t, memberA, ['read']);
  const sessionA = sessionPublicId((await loginAs(t, memberA)).sessionId);
  const contactA = newId();
  await database.db.insertInto('organisation_contact').values({ id: contactA, organisation_id: orgA.id, kind: 'security_officer', name: 'Officer A', email: 'officer@a.example.ma', phone: null }).execute();

  const term = await database.db.selectFrom('vocabulary_term').select(['vocabulary', 'code']).orderBy('vocabulary').orderBy('code').executeTakeFirstOrThrow();
  await database.db.transaction().execute(async (trx) => {
    await recordAudit(trx, database.dialect, systemContext('test', t.clock), { action: 'test.probe', entityType: 'organisation', entityId: orgA.id, after: { probe: true } });
  });
  const last = await database.db.selectFrom('audit_event').select('seq').orderBy('seq', 'desc').executeTakeFirstOrThrow();
  const published = (await buildPublishedBulletin(t)).bulletin;
  const bulletin = { id: published.id, slug: published.slug ?? '', reference: published.reference ?? '' };
  const incident = await buildWorldIncident(t, admin, memberA);
  return { admin, orgA, orgB, managerA, memberA, managerB, memberB, tokenA, sessionA, contactA, term, auditSeq: Number(last.seq), bulletin, incident };
}

/** The incidents of the world: one reported in the portal by `member`, one by the public form; a saved view of `admin`. */
async function buildWorldIncident(t: TestApp, admin: UserFixture, member: UserFixture): Promise<World['incident']> {
  const reported = (await reportIncident(t.database, t.config, contextFor(member, t.clock), 'portal', { title: 'World incident', description: 'Probe', tlp: 'amber' })).incident;
  const [indicator] = await addIndicators(t.database, contextFor(admin, t.clock), reported.id, [{ value: '198.51.100.77' }]);
  const task = await addIncidentTask(t.database, contextFor(admin, t.clock), reported.id, { title: 'Probe task' });
  const pub = await reportIncident(t.database, t.config, systemContext('test', t.clock), 'public', { title: 'Public report', description: 'Probe', reporterEmail: 'citizen@example.org' });
  const attachment = await addAttachment(t.database, t.config, contextFor(admin, t.clock), reported.id, { fileName: 'probe.txt', mediaType: 'text/plain', content: Buffer.from('probe evidence'), visibility: 'shared' });
  await saveQueueView(t.database, contextFor(admin, t.clock), 'Probe view', 'open=1');
  const [view] = await listQueueViews(t.database, contextFor(admin, t.clock));
  return { id: reported.id, indicatorId: indicator?.id ?? '', taskId: task.id, attachmentId: attachment.id, publicId: pub.incident.id, trackingToken: pub.trackingToken ?? '', viewId: view?.id ?? '' };
}

/** Inserts a live API token for a user with the given scopes; returns its id and its secret (bearer). */
export async function buildApiToken(t: TestApp, user: UserFixture, scopes: string[]): Promise<{ id: string; secret: string }> {
  const prefix = `ribat_${randomToken(6).replace(/[^A-Za-z0-9]/g, 'x')}`;
  const secret = `${prefix}_${randomToken(32)}`;
  const id = newId();
  const now = t.clock.now();
  await t.database.db
    .insertInto('api_token')
    .values({ id, user_id: user.id, name: 'Probe token', prefix, token_hash: hashToken(secret), scopes: JSON.stringify(scopes), created_at: toDbTime(now), expires_at: toDbTime(new Date(now.getTime() + 30 * 24 * 3600_000)), last_used_at: null, revoked_at: null })
    .execute();
  return { id, secret };
}

/**
 * The value of a path parameter pointing at a real record of organisation A where the URL says which kind of
 * record it is; otherwise a value sampled from the params schema (which then names nothing that exists).
 */
export function realParam(world: World, route: RegisteredRoute, name: string): string {
  const before = segmentBefore(route.url, name);
  if (name === 'vocabulary') return world.term.vocabulary;
  if (name === 'code' && before === ':vocabulary') return world.term.code;
  if (name === 'seq') return String(world.auditSeq);
  switch (before) {
    case 'users':
      return world.memberA.id;
    case 'organisations':
    case 'orgs':
      return world.orgA.id;
    case 'tokens':
      return world.tokenA.id;
    case 'sessions':
      return world.sessionA;
    case 'contacts':
      return world.contactA;
    case 'bulletins':
      return name === 'id' ? world.bulletin.id : world.bulletin.slug;
    case 'incidents':
      return world.incident.id;
    case 'indicators':
      return world.incident.indicatorId;
    case 'tasks':
      return world.incident.taskId;
    case 'attachments':
      return world.incident.attachmentId;
    case 'views':
      return world.incident.viewId;
    case 'track':
      return world.incident.trackingToken;
    default:
      return sampledParam(route, name);
  }
}

/** A schema-valid value for a parameter that names no existing record. */
export function sampledParam(route: RegisteredRoute, name: string): string {
  const schema = routeSchemas(route).params?.properties?.[name];
  const value = sampleFromSchema(schema);
  if (typeof value === 'string' && value !== 'probe') return value;
  if (typeof value === 'number') return String(value + 999_999);
  return name === '*' ? 'probe.txt' : newId();
}

/** True when the route addresses one organisation-scoped record (a user or an organisation) by a parameter. */
export function isOrganisationScopedRecord(route: RegisteredRoute): boolean {
  return paramNames(route.url).some((name) => ['users', 'organisations', 'orgs', 'contacts'].includes(segmentBefore(route.url, name)));
}
