import type { Config } from '#src/config/config';
import type { DatabaseHandle, Tx } from '#src/db/database';
import type { RequestContext } from '#src/core/context';
import type { Locale } from '#src/core/i18n/i18n';
import type { Incident, IncidentChannel } from '#src/modules/incidents/incidents.types';
import { AppError } from '#src/core/errors';
import { can, isConstituentRole } from '#src/core/access';
import { hashToken, newId, randomToken } from '#src/core/ids';
import { createTranslator, isLocale } from '#src/core/i18n/i18n';
import { queueEmail } from '#src/modules/notifications/mailer';
import { findTerms } from '#src/modules/taxonomies/taxonomies.repository';
import { emptyImpact } from '#src/modules/incidents/incidents.types';
import { insertIncident } from '#src/modules/incidents/incidents.repository';
import { incidentsMessages } from '#src/modules/incidents/incidents.messages';
import { FieldErrors, checkClassifications, checkTlp, incidentLimits, optionalDate, optionalEmail, optionalText, requiredText } from '#src/modules/incidents/incidents.validation';
import { allocateIncidentReference, auditIncident, refreshDeadlines } from '#src/modules/incidents/use-cases/incident-support';

/** What a reporter gives, whatever the channel (strings as typed; the use case validates them). */
export interface ReportInput {
  title?: string;
  description?: string;
  detectedAt?: string;
  awareAt?: string;
  tlp?: string;
  /** Staff only: the organisation concerned. Constituents always report for their own organisation. */
  organisationId?: string;
  reporterName?: string;
  reporterEmail?: string;
  reporterPhone?: string;
  /** The reporter's guess of the RSIT class and type (`fraud`, `fraud.phishing`). */
  classCode?: string;
  typeCode?: string;
  locale?: string;
}

/** The outcome: the incident, and for reporters without an account the tracking token (only ever shown once). */
export interface ReportResult {
  incident: Incident;
  trackingToken: string | null;
}

/** Options of the e-mail channel: the acknowledgement is not sent to automatic replies (mail loops). */
export interface ReportOptions {
  acknowledge?: boolean;
  /** More work to do in the same transaction once the incident is written (the e-mail channel's bookkeeping). */
  within?: (trx: Tx, incident: Incident) => Promise<void>;
}

/** The URL of a public reporter's tracking page. */
export function trackingUrl(config: Config, token: string): string {
  return `${config.publicUrl}/report/track/${token}`;
}

/**
 * Takes in a report from any channel as a new incident (status `new`): validates it, allocates its reference,
 * records who reported (the signed-in person and their organisation, or a name and address for the public form
 * and e-mail), applies the organisation's regulation profiles (vital infrastructures and administrations), computes
 * the deadlines, queues the acknowledgement with the reference (and the private tracking link for reporters without
 * an account) and audits `incident.reported`, all in one transaction.
 */
export async function reportIncident(database: DatabaseHandle, config: Config, ctx: RequestContext, channel: IncidentChannel, input: ReportInput, options: ReportOptions = {}): Promise<ReportResult> {
  const actor = ctx.actor;
  const isAccountChannel = channel === 'portal' || channel === 'api' || channel === 'staff';
  if (isAccountChannel && !can(actor, 'incidents:report')) throw new AppError('not_found');
  if (channel === 'staff' && !can(actor, 'incidents:handle')) throw new AppError('not_found');
  const now = ctx.clock.now();
  return database.db.transaction().execute(async (trx) => {
    const errors = new FieldErrors();
    const title = requiredText(errors, 'title', input.title, incidentLimits.title);
    const description = requiredText(errors, 'description', input.description, incidentLimits.description);
    const detectedAt = optionalDate(errors, 'detectedAt', input.detectedAt, now);
    const awareAt = optionalDate(errors, 'awareAt', input.awareAt, now);
    const tlp = checkTlp(errors, 'tlp', input.tlp, 'amber');
    const locale: Locale = input.locale !== undefined && isLocale(input.locale) ? input.locale : ctx.locale;

    let reporter = { userId: null as string | null, name: null as string | null, email: null as string | null, phone: null as string | null, locale };
    let organisationId: string | null = null;
    if (isAccountChannel) {
      const user = actor.userId === null ? undefined : await trx.selectFrom('user_account').select(['id', 'email', 'display_name', 'locale']).where('id', '=', actor.userId).executeTakeFirst();
      if (!user) throw new AppError('not_found');
      reporter = { userId: user.id, name: user.display_name, email: user.email, phone: null, locale: isLocale(user.locale) ? user.locale : locale };
      if (actor.roles.some(isConstituentRole)) organisationId = actor.organisationId;
      else if (input.organisationId !== undefined && input.organisationId !== '') {
        const org = await trx.selectFrom('organisation').select('id').where('id', '=', input.organisationId).executeTakeFirst();
        if (!org) errors.add('organisationId', 'invalid_choice');
        else organisationId = org.id;
      }
    } else {
      const name = optionalText(errors, 'reporterName', input.reporterName, incidentLimits.name);
      const email = optionalEmail(errors, 'reporterEmail', input.reporterEmail);
      if (email === null && !errors.errors.some((e) => e.field === 'reporterEmail')) errors.add('reporterEmail', 'required');
      const phone = optionalText(errors, 'reporterPhone', input.reporterPhone, incidentLimits.phone);
      reporter = { userId: null, name: name === '' ? null : name, email, phone: phone === '' ? null : phone, locale };
    }

    const [classes, types] = await Promise.all([findTerms(trx, 'rsit_class', { includeRetired: false }), findTerms(trx, 'rsit_type', { includeRetired: false })]);
    const classCode = input.classCode ?? (input.typeCode ? input.typeCode.split('.')[0] : undefined);
    const classifications = checkClassifications(errors, classCode ? [{ classCode, typeCode: input.typeCode ?? null }] : [], classes, types, []);
    errors.failIfAny();

    const category = organisationId === null ? null : ((await trx.selectFrom('organisation').select('category').where('id', '=', organisationId).executeTakeFirst())?.category ?? null);
    const regulationProfiles = category === 'vital-infrastructure' || category === 'administration' ? [...config.incidentDefaultProfiles] : [];
    const trackingToken = reporter.userId === null ? randomToken(32) : null;
    const incident: Incident = {
      id: newId(),
      reference: await allocateIncidentReference(trx, config, now),
      title,
      description,
      status: 'new',
      channel,
      organisationId,
      reporter,
      severity: null,
      priority: 3,
      tlp,
      pap: 'amber',
      suspectedMalicious: 'unknown',
      crossBorder: 'unknown',
      impact: { ...emptyImpact },
      rootCause: '',
      mitigation: '',
      detectedAt,
      awareAt: awareAt ?? (channel === 'portal' || channel === 'api' ? detectedAt : null),
      reportedAt: now,
      firstResponseAt: null,
      triagedAt: null,
      resolvedAt: null,
      closedAt: null,
      disposition: null,
      assigneeId: null,
      mergedIntoId: null,
      regulationProfiles,
      nextDueAt: null,
      classifications,
      affectedOrganisationIds: [],
      createdBy: actor.userId,
      createdAt: now,
      updatedAt: now,
      version: 1,
    };
    await insertIncident(trx, incident, trackingToken === null ? null : hashToken(trackingToken));
    const withDeadlines = await refreshDeadlines(trx, config, incident, now);
    if (options.acknowledge !== false && reporter.email !== null) await queueAcknowledgement(trx, config, ctx, withDeadlines, trackingToken);
    await auditIncident(trx, database.dialect, ctx, 'incident.reported', null, withDeadlines);
    if (options.within) await options.within(trx, withDeadlines);
    return { incident: withDeadlines, trackingToken };
  });
}

/** The acknowledgement e-mail, in the reporter's language, with the reference in the subject (replies thread on it). */
async function queueAcknowledgement(trx: Tx, config: Config, ctx: RequestContext, incident: Incident, trackingToken: string | null): Promise<void> {
  const { t } = createTranslator(incidentsMessages, incident.reporter.locale, config.timezone);
  const params = { reference: incident.reference, title: incident.title };
  const follow = trackingToken !== null ? t('incidents.email.ack.tracking', { url: trackingUrl(config, trackingToken) }) : t('incidents.email.ack.portal', { url: `${config.publicUrl}/portal/incidents/${incident.id}` });
  const text = [t('incidents.email.ack.body', params), follow, t('incidents.email.reply_hint', params), t('incidents.email.signature', { site: config.siteName })].join('\n\n');
  await queueEmail(trx, ctx.clock, { purpose: 'incident.ack', to: incident.reporter.email ?? '', subject: t('incidents.email.ack.subject', params), text });
}
