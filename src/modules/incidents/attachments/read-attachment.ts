import type { Config } from '#src/config/config';
import type { DatabaseHandle } from '#src/db/database';
import type { RequestContext } from '#src/core/context';
import type { IncidentAttachment } from '#src/modules/incidents/incidents.types';
import { AppError } from '#src/core/errors';
import { hashToken } from '#src/core/ids';
import { findIncident, findIncidentByTrackingHash, listAttachments } from '#src/modules/incidents/incidents.repository';
import { incidentViewerOf, isHandler } from '#src/modules/incidents/incidents.visibility';
import { readAttachmentContent } from '#src/modules/incidents/attachments/attachment-store';

/** An attachment with its bytes, verified against its SHA-256, ready to be sent as a download. */
export interface AttachmentDownload {
  attachment: IncidentAttachment;
  content: Buffer;
}

/** The tracking tokens handed to public reporters (the format getIncidentByTrackingToken accepts). */
const TRACKING_TOKEN = /^[A-Za-z0-9_-]{20,100}$/;

async function download(config: Config, attachments: IncidentAttachment[], attachmentId: string): Promise<AttachmentDownload> {
  const attachment = attachments.find((a) => a.id === attachmentId);
  if (!attachment) throw new AppError('not_found');
  return { attachment, content: await readAttachmentContent(config, attachment.sha256, attachment.size) };
}

/**
 * One attachment of an incident, as the actor may see it: handlers any attachment of any incident; constituents the
 * shared attachments of the incidents the visibility rule shows them. Everything else, internal attachments included,
 * is 404 exactly as for an attachment that does not exist.
 */
export async function readAttachment(database: DatabaseHandle, config: Config, ctx: RequestContext, incidentId: string, attachmentId: string): Promise<AttachmentDownload> {
  const viewer = incidentViewerOf(ctx.actor);
  const incident = await findIncident(database.db, viewer, incidentId);
  if (!incident) throw new AppError('not_found');
  return download(config, await listAttachments(database.db, incident.id, !isHandler(viewer)), attachmentId);
}

/** A shared attachment of a public reporter's own report, through their tracking link; anything else is 404. */
export async function readAttachmentByTrackingToken(database: DatabaseHandle, config: Config, token: string, attachmentId: string): Promise<AttachmentDownload> {
  if (!TRACKING_TOKEN.test(token)) throw new AppError('not_found');
  const incident = await findIncidentByTrackingHash(database.db, hashToken(token));
  if (!incident) throw new AppError('not_found');
  return download(config, await listAttachments(database.db, incident.id, true), attachmentId);
}
