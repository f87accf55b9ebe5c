import type { Config } from '#src/config/config';
import type { DatabaseHandle, Tx } from '#src/db/database';
import type { RequestContext } from '#src/core/context';
import type { CommentSource, CommentVisibility, Incident, IncidentComment } from '#src/modules/incidents/incidents.types';
import { AppError } from '#src/core/errors';
import { can } from '#src/core/access';
import { hashToken, newId } from '#src/core/ids';
import { createTranslator } from '#src/core/i18n/i18n';
import { queueEmail } from '#src/modules/notifications/mailer';
import { findIncident, findIncidentByTrackingHash, insertComment, updateIncident } from '#src/modules/incidents/incidents.repository';
import { incidentViewerOf } from '#src/modules/incidents/incidents.visibility';
import { incidentsMessages } from '#src/modules/incidents/incidents.messages';
import { FieldErrors, incidentLimits, requiredText } from '#src/modules/incidents/incidents.validation';
import { auditIncident, loadForHandling, refreshDeadlines } from '#src/modules/incidents/use-cases/incident-support';

function checkBody(body: string | undefined): string {
  const errors = new FieldErrors();
  const text = requiredText(errors, 'body', body, incidentLimits.comment);
  errors.failIfAny();
  return text;
}

/**
 * A handler's comment: `internal` (the CERT only) or `shared` (the reporter sees it in the portal or on the tracking
 * page and receives it by e-mail, in their language, with the reference in the subject so that replies thread). The
 * first shared comment is the CERT's first response (it completes that service level). Audited `incident.commented`.
 * `notify: false` records a shared comment without e-mail (demonstration data).
 */
export async function commentAsHandler(database: DatabaseHandle, config: Config, ctx: RequestContext, id: string, visibility: string, body: string | undefined, options: { notify?: boolean } = {}): Promise<IncidentComment> {
  return database.db.transaction().execute(async (trx) => {
    const before = await loadForHandling(trx, ctx, id, null);
    if (visibility !== 'internal' && visibility !== 'shared') throw AppError.field('visibility', 'invalid_choice');
    const text = checkBody(body);
    const now = ctx.clock.now();
    const author = ctx.actor.userId === null ? undefined : await trx.selectFrom('user_account').select('display_name').where('id', '=', ctx.actor.userId).executeTakeFirst();
    const comment: IncidentComment = { id: newId(), incidentId: id, visibility, source: 'console', authorUserId: ctx.actor.userId, authorLabel: author?.display_name ?? ctx.actor.label, body: text, createdAt: now };
    await insertComment(trx, comment);
    let after: Incident = { ...before, updatedAt: now, version: before.version + 1 };
    if (visibility === 'shared') {
      after.firstResponseAt ??= now;
      if (options.notify !== false) await queueSharedComment(trx, config, ctx, before, comment);
    }
    if (!(await updateIncident(trx, after, before.version))) throw new AppError('version_conflict');
    after = await refreshDeadlines(trx, config, after, now);
    await auditIncident(trx, database.dialect, ctx, 'incident.commented', before, after, { commentId: comment.id, visibility });
    return comment;
  });
}

async function queueSharedComment(trx: Tx, config: Config, ctx: RequestContext, incident: Incident, comment: IncidentComment): Promise<void> {
  if (incident.reporter.email === null) return;
  const { t } = createTranslator(incidentsMessages, incident.reporter.locale, config.timezone);
  const params = { reference: incident.reference, title: incident.title };
  const text = [t('incidents.email.comment.body', { ...params, body: comment.body }), t('incidents.email.reply_hint', params), t('incidents.email.signature', { site: config.siteName })].join('\n\n');
  await queueEmail(trx, ctx.clock, { purpose: 'incident.comment', to: incident.reporter.email, subject: t('incidents.email.comment.subject', params), text });
}

/** Records a reporter's message (always shared) on an incident already loaded, and audits it. */
async function addReporterComment(trx: Tx, database: DatabaseHandle, ctx: RequestContext, incident: Incident, source: CommentSource, authorLabel: string, body: string): Promise<IncidentComment> {
  const now = ctx.clock.now();
  const comment: IncidentComment = { id: newId(), incidentId: incident.id, visibility: 'shared' satisfies CommentVisibility, source, authorUserId: ctx.actor.userId, authorLabel, body, createdAt: now };
  await insertComment(trx, comment);
  const after: Incident = { ...incident, updatedAt: now, version: incident.version + 1 };
  if (!(await updateIncident(trx, after, incident.version))) throw new AppError('version_conflict');
  await auditIncident(trx, database.dialect, ctx, 'incident.reporter_commented', incident, after, { commentId: comment.id, source });
  return comment;
}

/**
 * A constituent's answer in the portal on an incident they may see (their organisation's): shared with the CERT.
 * Anyone else gets 404.
 */
export async function commentAsConstituent(database: DatabaseHandle, ctx: RequestContext, id: string, body: string | undefined): Promise<IncidentComment> {
  if (!can(ctx.actor, 'incidents:report')) throw new AppError('not_found');
  return database.db.transaction().execute(async (trx) => {
    const incident = await findIncident(trx, incidentViewerOf(ctx.actor), id);
    if (!incident) throw new AppError('not_found');
    const author = ctx.actor.userId === null ? undefined : await trx.selectFrom('user_account').select('display_name').where('id', '=', ctx.actor.userId).executeTakeFirst();
    return addReporterComment(trx, database, ctx, incident, 'portal', author?.display_name ?? ctx.actor.label, checkBody(body));
  });
}

/** A public reporter's answer through their tracking link; an unknown token is 404. */
export async function commentByTrackingToken(database: DatabaseHandle, ctx: RequestContext, token: string, body: string | undefined): Promise<{ incident: Incident; comment: IncidentComment }> {
  return database.db.transaction().execute(async (trx) => {
    const incident = await findIncidentByTrackingHash(trx, hashToken(token));
    if (!incident) throw new AppError('not_found');
    const { t } = createTranslator(incidentsMessages, incident.reporter.locale, 'UTC');
    const comment = await addReporterComment(trx, database, ctx, incident, 'tracking', incident.reporter.name ?? t('incidents.author.reporter'), checkBody(body));
    return { incident, comment };
  });
}

/** A reply by e-mail threaded on the reference in its subject: recorded when it comes from the reporter's address. */
export async function commentByEmail(trx: Tx, database: DatabaseHandle, ctx: RequestContext, incident: Incident, sender: { address: string; name: string | null }, body: string): Promise<IncidentComment> {
  return addReporterComment(trx, database, ctx, incident, 'email', sender.name ?? sender.address, body.trim() === '' ? '(…)' : body.slice(0, incidentLimits.comment));
}

