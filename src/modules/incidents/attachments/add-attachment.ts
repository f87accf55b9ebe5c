import type { Config } from '#src/config/config';
import type { DatabaseHandle, DbOrTx, Dialect, Tx } from '#src/db/database';
import type { RequestContext } from '#src/core/context';
import type { Locale } from '#src/core/i18n/i18n';
import type { CommentVisibility, Incident, IncidentAttachment } from '#src/modules/incidents/incidents.types';
import type { StoredContent } from '#src/modules/incidents/attachments/attachment-store';
import { AppError } from '#src/core/errors';
import { can } from '#src/core/access';
import { newId } from '#src/core/ids';
import { createTranslator } from '#src/core/i18n/i18n';
import { findIncident, insertAttachment, listAttachments } from '#src/modules/incidents/incidents.repository';
import { incidentViewerOf } from '#src/modules/incidents/incidents.visibility';
import { FieldErrors } from '#src/modules/incidents/incidents.validation';
import { auditIncident, loadForHandling } from '#src/modules/incidents/use-cases/incident-support';
import { incidentAttachmentsMessages } from '#src/modules/incidents/attachments/attachments.messages';
import { attachmentLimits, normaliseMediaType, sanitiseFileName, storeAttachmentContent } from '#src/modules/incidents/attachments/attachment-store';

/**
 * Adding evidence to an incident. The file is written to the content-addressed store BEFORE the transaction that
 * records its row and audit event: a database transaction cannot cover a file system write, and the other order would
 * leave rows pointing at missing files. When the transaction fails, the file stays on disk unreferenced. That is
 * harmless: it is named by its SHA-256, the same content uploaded again reuses it, and it is never served unless a row
 * points at it (every download starts from a row the reader may see).
 */

/** A file as uploaded: its name and media type as the client gave them (sanitised here) and its bytes. */
export interface AttachmentInput {
  fileName: string | undefined;
  mediaType: string | undefined;
  content: Buffer;
}

/** A handler's upload also says who may see it: `internal` (the CERT only) or `shared` (the reporter too). */
export interface HandlerAttachmentInput extends AttachmentInput {
  visibility: string | undefined;
}

/** An attachment received by e-mail (the shape the e-mail parser gives; its name and type are sanitised again here). */
export interface EmailAttachmentInput {
  filename: string;
  contentType: string;
  content: Buffer;
}

/** The 413 answered for a file over {@link attachmentLimits.maxBytes}, naming the field and the limit in the reader's language. */
export function attachmentTooLargeError(locale: Locale): AppError {
  const { t } = createTranslator(incidentAttachmentsMessages, locale, 'UTC');
  const max = t('incidents.attachments.size_limit', { mb: Math.floor(attachmentLimits.maxBytes / (1024 * 1024)) });
  return new AppError('payload_too_large', [{ field: 'file', message: 'too_large', params: { max } }]);
}

/** The 400 answered when an incident already holds {@link attachmentLimits.perIncident} attachments. */
export function tooManyAttachmentsError(locale: Locale): AppError {
  const { t } = createTranslator(incidentAttachmentsMessages, locale, 'UTC');
  return AppError.field('file', 'too_large', { max: t('incidents.attachments.count_limit', { count: attachmentLimits.perIncident }) });
}

/** Checks the bytes (present, not empty, within the size limit) and adds problems with other fields to `errors`. */
function checkContent(errors: FieldErrors, content: Buffer, locale: Locale): void {
  if (!Buffer.isBuffer(content) || content.length === 0) errors.add('file', 'required');
  else if (content.length > attachmentLimits.maxBytes) throw attachmentTooLargeError(locale);
}

function checkVisibility(errors: FieldErrors, visibility: string | undefined): CommentVisibility {
  if (visibility === 'internal' || visibility === 'shared') return visibility;
  errors.add('visibility', visibility === undefined || visibility === '' ? 'required' : 'invalid_choice');
  return 'internal';
}

async function ensureRoom(db: DbOrTx, incidentId: string, locale: Locale): Promise<number> {
  const count = (await listAttachments(db, incidentId, false)).length;
  if (count >= attachmentLimits.perIncident) throw tooManyAttachmentsError(locale);
  return count;
}

async function uploaderLabel(trx: Tx, ctx: RequestContext): Promise<string> {
  if (ctx.actor.userId === null) return ctx.actor.label;
  const user = await trx.selectFrom('user_account').select('display_name').where('id', '=', ctx.actor.userId).executeTakeFirst();
  return user?.display_name ?? ctx.actor.label;
}

interface AttachmentRecord {
  fileName: string | undefined;
  mediaType: string | undefined;
  visibility: CommentVisibility;
  uploaderLabel: string;
  uploadedBy: string | null;
}

/** Inserts the row of stored content and audits `incident.attachment_added`, in the caller's transaction. */
async function recordAttachment(trx: Tx, dialect: Dialect, ctx: RequestContext, incident: Incident, stored: StoredContent, record: AttachmentRecord): Promise<IncidentAttachment> {
  const attachment: IncidentAttachment = {
    id: newId(),
    incidentId: incident.id,
    visibility: record.visibility,
    fileName: sanitiseFileName(record.fileName),
    mediaType: normaliseMediaType(record.mediaType),
    size: stored.size,
    sha256: stored.sha256,
    uploaderLabel: record.uploaderLabel,
    createdAt: ctx.clock.now(),
  };
  await insertAttachment(trx, attachment, null, record.uploadedBy);
  await auditIncident(trx, dialect, ctx, 'incident.attachment_added', null, incident, {
    attachment: { id: attachment.id, fileName: attachment.fileName, mediaType: attachment.mediaType, size: attachment.size, sha256: attachment.sha256, visibility: attachment.visibility },
  });
  return attachment;
}

/**
 * A handler's evidence (permission `incidents:handle`): `internal` or `shared` with the reporter. The name is
 * sanitised, the media type kept only when on the allow-list, the size limited; the file is stored by its SHA-256
 * (once, whatever the number of uploads), then the row and the audit event are written in one transaction.
 * 404 for anyone else or an incident that does not exist; 413 over the size limit; 400 naming `file` or `visibility`.
 */
export async function addAttachment(database: DatabaseHandle, config: Config, ctx: RequestContext, incidentId: string, input: HandlerAttachmentInput): Promise<IncidentAttachment> {
  if (!can(ctx.actor, 'incidents:handle')) throw new AppError('not_found');
  if (!(await findIncident(database.db, incidentViewerOf(ctx.actor), incidentId))) throw new AppError('not_found');
  const errors = new FieldErrors();
  checkContent(errors, input.content, ctx.locale);
  const visibility = checkVisibility(errors, input.visibility);
  errors.failIfAny();
  await ensureRoom(database.db, incidentId, ctx.locale);
  const stored = await storeAttachmentContent(config, input.content);
  return database.db.transaction().execute(async (trx) => {
    const incident = await loadForHandling(trx, ctx, incidentId, null);
    await ensureRoom(trx, incidentId, ctx.locale);
    return recordAttachment(trx, database.dialect, ctx, incident, stored, { fileName: input.fileName, mediaType: input.mediaType, visibility, uploaderLabel: await uploaderLabel(trx, ctx), uploadedBy: ctx.actor.userId });
  });
}

/**
 * A constituent's evidence on an incident they may see (permission `incidents:report` and the visibility rule):
 * always shared (the reporter's side gave it). Same checks and storage as {@link addAttachment}; 404 otherwise.
 */
export async function addReporterAttachment(database: DatabaseHandle, config: Config, ctx: RequestContext, incidentId: string, input: AttachmentInput): Promise<IncidentAttachment> {
  if (!can(ctx.actor, 'incidents:report')) throw new AppError('not_found');
  const viewer = incidentViewerOf(ctx.actor);
  if (!(await findIncident(database.db, viewer, incidentId))) throw new AppError('not_found');
  const errors = new FieldErrors();
  checkContent(errors, input.content, ctx.locale);
  errors.failIfAny();
  await ensureRoom(database.db, incidentId, ctx.locale);
  const stored = await storeAttachmentContent(config, input.content);
  return database.db.transaction().execute(async (trx) => {
    const incident = await findIncident(trx, viewer, incidentId);
    if (!incident) throw new AppError('not_found');
    await ensureRoom(trx, incidentId, ctx.locale);
    return recordAttachment(trx, database.dialect, ctx, incident, stored, { fileName: input.fileName, mediaType: input.mediaType, visibility: 'shared', uploaderLabel: await uploaderLabel(trx, ctx), uploadedBy: ctx.actor.userId });
  });
}

/**
 * The attachments of a report e-mail, on an incident the e-mail channel has already loaded, in its transaction: kept
 * as shared evidence labelled with the sender. A message is never refused for its attachments: empty ones, ones over
 * the size limit and those beyond the per-incident limit are skipped. Each file is stored before its row is written
 * (see the note at the top of this file). Returns the attachments recorded.
 */
export async function addEmailAttachments(
  trx: Tx,
  database: DatabaseHandle,
  config: Config,
  ctx: RequestContext,
  incident: Incident,
  attachments: readonly EmailAttachmentInput[],
  senderLabel: string,
): Promise<IncidentAttachment[]> {
  if (attachments.length === 0) return [];
  let count = (await listAttachments(trx, incident.id, false)).length;
  const recorded: IncidentAttachment[] = [];
  for (const file of attachments) {
    if (count >= attachmentLimits.perIncident) break;
    if (!Buffer.isBuffer(file.content) || file.content.length === 0 || file.content.length > attachmentLimits.maxBytes) continue;
    const stored = await storeAttachmentContent(config, file.content);
    recorded.push(await recordAttachment(trx, database.dialect, ctx, incident, stored, { fileName: file.filename, mediaType: file.contentType, visibility: 'shared', uploaderLabel: senderLabel, uploadedBy: null }));
    count += 1;
  }
  return recorded;
}
