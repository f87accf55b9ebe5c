/**
 * Incident factories: a complete, valid incident made through the real use cases (reportIncident, editIncident,
 * addIndicators, assignIncident, changeIncidentStatus), with the organisation and people it needs created on the way.
 */
import type { Config } from '#src/config/config';
import type { DatabaseHandle } from '#src/db/database';
import type { RequestContext } from '#src/core/context';
import type { Clock } from '#src/core/time';
import type { Locale } from '#src/core/i18n/i18n';
import type { Tlp } from '#src/modules/bulletins/bulletins.types';
import type { Incident, IncidentChannel, IncidentStatus } from '#src/modules/incidents/incidents.types';
import type { IncidentEdit } from '#src/modules/incidents/use-cases/update-incident';
import { fixedClock } from '#src/core/time';
import { incidentTransitions } from '#src/modules/incidents/incidents.types';
import { findIncidentForUpdate } from '#src/modules/incidents/incidents.repository';
import { reportIncident } from '#src/modules/incidents/use-cases/report-incident';
import { editIncident } from '#src/modules/incidents/use-cases/update-incident';
import { addIndicators } from '#src/modules/incidents/use-cases/incident-indicators';
import { assignIncident, changeIncidentStatus } from '#src/modules/incidents/use-cases/change-incident-status';
import { buildOrganisation, buildUser, type OrganisationFixture, type UserFixture } from './factories';
import { contextFor } from './bulletin-factories';

/** What the incident factories need from a test: a database, the configuration and the test clock. */
export interface IncidentTestEnv {
  database: DatabaseHandle;
  config: Config;
  clock: Clock;
}

/** Anything a test may want to set; everything else gets a complete, valid default. */
export interface IncidentOverrides {
  /** Where the report came in: `portal` (an organisation member, the default), `api`, `staff` (a handler), `public` or `email`. */
  channel?: IncidentChannel;
  title?: string;
  description?: string;
  tlp?: Tlp;
  /** The reporter's guess of the RSIT class and type (`fraud`, `fraud.phishing`). */
  classCode?: string;
  typeCode?: string;
  detectedAt?: Date;
  awareAt?: Date;
  /** When the report arrived (the reporting context's clock is fixed at it); now by default. */
  reportedAt?: Date;
  /**
   * The organisation concerned: the reporter's for `portal`/`api` (a new one by default), the one chosen by the
   * handler for `staff` (a new one by default). `null` for none (staff, public and e-mail reports).
   */
  organisation?: OrganisationFixture | null;
  /** The reporting user for `portal`/`api` (an org member of `organisation` by default) or `staff` (the handler by default). */
  reporter?: UserFixture;
  /** Public and e-mail reports: who reported (an address is required there). */
  reporterEmail?: string;
  reporterName?: string;
  locale?: Locale;
  /** Triage fields a handler sets after the report (the incident then moves to `triage`). */
  triage?: IncidentEdit;
  /** Indicators a handler adds (defanged values accepted, as in the console). */
  indicators?: { type?: string; value: string; comment?: string }[];
  /** A handler the incident is assigned to. */
  assignee?: UserFixture;
  /** The status to move to through the workflow (closing uses `disposition`, `confirmed` by default). */
  status?: IncidentStatus;
  disposition?: string;
  /** The handler who triages, assigns and moves the incident (a new analyst by default). */
  handler?: UserFixture;
}

/** An incident built through the real use cases, with the people and contexts that made it. */
export interface BuiltIncident {
  /** The incident as stored after every step. */
  incident: Incident;
  organisation: OrganisationFixture | null;
  /** The reporting user (null for public and e-mail reports). */
  reporter: UserFixture | null;
  reporterCtx: RequestContext | null;
  handler: UserFixture;
  handlerCtx: RequestContext;
  /** The public reporter's tracking token (public and e-mail reports only). */
  trackingToken: string | null;
}

let counter = 0;

/** A CERT analyst (role `analyst`: `incidents:read` and `incidents:handle`). */
export async function buildHandler(t: IncidentTestEnv, options: { displayName?: string; roles?: UserFixture['roles'] } = {}): Promise<UserFixture> {
  return buildUser(t.database, { roles: options.roles ?? ['analyst'], ...(options.displayName ? { displayName: options.displayName } : {}) });
}

/** The incident as stored now (no visibility rule: for assertions). */
export async function storedIncident(t: IncidentTestEnv, id: string): Promise<Incident> {
  const incident = await findIncidentForUpdate(t.database.db, id);
  if (!incident) throw new Error(`incident ${id} not found`);
  return incident;
}

/** The shortest sequence of statuses leading from `from` to `to` through the workflow (empty when already there). */
export function workflowPath(from: IncidentStatus, to: IncidentStatus): IncidentStatus[] {
  const previous = new Map<IncidentStatus, IncidentStatus>();
  const queue: IncidentStatus[] = [from];
  const seen = new Set<IncidentStatus>([from]);
  while (queue.length > 0) {
    const current = queue.shift() as IncidentStatus;
    if (current === to) break;
    for (const next of incidentTransitions[current]) {
      if (seen.has(next)) continue;
      seen.add(next);
      previous.set(next, current);
      queue.push(next);
    }
  }
  const path: IncidentStatus[] = [];
  for (let s: IncidentStatus | undefined = to; s !== undefined && s !== from; s = previous.get(s)) path.unshift(s);
  return path;
}

/** Moves an incident through the workflow to `status` as `ctx` (closing with `disposition`); returns it as stored. */
export async function moveIncidentTo(t: IncidentTestEnv, ctx: RequestContext, incident: Incident, status: IncidentStatus, disposition = 'confirmed'): Promise<Incident> {
  let current = incident;
  for (const step of workflowPath(current.status, status)) {
    current = await changeIncidentStatus(t.database, t.config, ctx, current.id, current.version, step, step === 'closed' ? disposition : undefined);
  }
  return current;
}

/**
 * A reported incident (status `new` unless `triage` or `status` say otherwise) with its organisation and reporter,
 * made through reportIncident on the given channel; then triaged, given indicators, assigned and moved as asked.
 */
export async function buildIncident(t: IncidentTestEnv, overrides: IncidentOverrides = {}): Promise<BuiltIncident> {
  const n = ++counter;
  const channel = overrides.channel ?? 'portal';
  const handler = overrides.handler ?? (await buildHandler(t));
  const handlerCtx = contextFor(handler, t.clock);
  const isAccount = channel === 'portal' || channel === 'api' || channel === 'staff';

  let organisation: OrganisationFixture | null = overrides.organisation === undefined ? (channel === 'public' || channel === 'email' ? null : await buildOrganisation(t.database)) : overrides.organisation;
  let reporter: UserFixture | null = null;
  if (channel === 'staff') reporter = overrides.reporter ?? handler;
  else if (isAccount) {
    reporter = overrides.reporter ?? (await buildUser(t.database, { roles: ['org_member'], organisationId: organisation?.id ?? null }));
    // A constituent always reports for their own organisation.
    if (reporter.organisationId !== null && organisation?.id !== reporter.organisationId) organisation = { id: reporter.organisationId, nameFr: '' };
  }
  const reportClock = overrides.reportedAt ? fixedClock(overrides.reportedAt) : t.clock;
  const reporterCtx = reporter ? { ...contextFor(reporter, reportClock), locale: overrides.locale ?? 'fr' } : null;
  const ctx: RequestContext = reporterCtx ?? { actor: { kind: 'anonymous', userId: null, label: 'anonymous', roles: [], organisationId: null, scopes: null }, requestId: `test-${n}`, locale: overrides.locale ?? 'fr', clock: reportClock, ip: '127.0.0.1' };

  const { incident: reported, trackingToken } = await reportIncident(t.database, t.config, ctx, channel, {
    title: overrides.title ?? `Hameçonnage visant la messagerie ${n}`,
    description: overrides.description ?? `Des courriels frauduleux imitent la page de connexion de la messagerie (${n}).`,
    ...(overrides.tlp ? { tlp: overrides.tlp } : {}),
    ...(overrides.classCode ? { classCode: overrides.classCode } : {}),
    ...(overrides.typeCode ? { typeCode: overrides.typeCode } : {}),
    ...(overrides.detectedAt ? { detectedAt: overrides.detectedAt.toISOString() } : {}),
    ...(overrides.awareAt ? { awareAt: overrides.awareAt.toISOString() } : {}),
    ...(channel === 'staff' && organisation ? { organisationId: organisation.id } : {}),
    ...(isAccount ? {} : { reporterEmail: overrides.reporterEmail ?? `citizen${n}@example.org`, reporterName: overrides.reporterName ?? `Citoyen ${n}` }),
    ...(overrides.locale ? { locale: overrides.locale } : {}),
  });

  let incident = reported;
  if (overrides.triage) incident = await editIncident(t.database, t.config, handlerCtx, incident.id, incident.version, overrides.triage);
  if (overrides.indicators && overrides.indicators.length > 0) {
    await addIndicators(t.database, handlerCtx, incident.id, overrides.indicators);
    incident = await storedIncident(t, incident.id);
  }
  if (overrides.assignee) incident = await assignIncident(t.database, t.config, handlerCtx, incident.id, incident.version, overrides.assignee.id);
  if (overrides.status) incident = await moveIncidentTo(t, handlerCtx, incident, overrides.status, overrides.disposition);
  return { incident: await storedIncident(t, incident.id), organisation, reporter, reporterCtx, handler, handlerCtx, trackingToken };
}
