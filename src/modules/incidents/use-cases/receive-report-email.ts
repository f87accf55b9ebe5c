import { createHash } from 'node:crypto';
import type { Config } from '#src/config/config';
import type { DatabaseHandle } from '#src/db/database';
import type { ReferencePattern } from '#src/modules/bulletins/reference';
import type { ParsedReportEmail } from '#src/modules/incidents/email/parse-report-email';
import { systemContext } from '#src/core/context';
import { AppError } from '#src/core/errors';
import { systemClock, type Clock } from '#src/core/time';
import { parseReportEmail } from '#src/modules/incidents/email/parse-report-email';
import { findIncidentByReference, isInboundEmailKnown, recordInboundEmail } from '#src/modules/incidents/incidents.repository';
import { reportIncident } from '#src/modules/incidents/use-cases/report-incident';
import { commentByEmail } from '#src/modules/incidents/use-cases/comment-on-incident';
import { addEmailAttachments } from '#src/modules/incidents/attachments/add-attachment';

/** Limits of the e-mail channel. */
export const emailIntakeLimits = { maxAttachmentBytes: 25 * 1024 * 1024, maxAttachments: 20 } as const;

/** A regular expression that finds a reference of the incident pattern in a subject (`[INC-2026-00042]`). */
export function referenceRegex(pattern: ReferencePattern): RegExp {
  const source = pattern.parts
    .map((part) => {
      switch (part.type) {
        case 'literal':
          return part.text.replace(/[.*+?^${}()|[\]\\]/g, '\\$&');
        case 'date':
          return `\\d{${part.token.length}}`;
        case 'counter':
          return `\\d{${Math.max(1, part.width)},}`;
        case 'kind':
          return '[A-Z0-9]+';
      }
    })
    .join('');
  return new RegExp(source);
}

/** What became of a received message. */
export type EmailIntakeOutcome =
  | { outcome: 'reported'; reference: string }
  | { outcome: 'commented'; reference: string }
  | { outcome: 'duplicate' }
  | { outcome: 'refused'; reason: string };

/** The key under which a message is remembered: its Message-ID, or the hash of its bytes when it has none. */
function messageKey(parsed: ParsedReportEmail, raw: Buffer): string {
  return parsed.messageId !== null ? `mid:${parsed.messageId.slice(0, 500)}` : `sha256:${createHash('sha256').update(raw).digest('hex')}`;
}

/**
 * Takes one received e-mail (the SMTP listener's `onMessage`): a reply whose subject carries the reference of an
 * incident and whose sender is that incident's reporter becomes a shared comment on it (threading); anything else
 * becomes a new report (channel `email`, the sender as reporter, subject as title, text as description), acknowledged
 * with its reference unless the message is automatic (no mail loops). Attachments are kept as evidence. A message is
 * taken once (Message-ID, else its hash), so a sender's retry after a lost answer does not duplicate it.
 */
export async function receiveReportEmail(database: DatabaseHandle, config: Config, raw: Buffer, envelope: { mailFrom: string | null }, clock: Clock = systemClock): Promise<EmailIntakeOutcome> {
  const parsed = await parseReportEmail(raw, {
    maxAttachmentBytes: emailIntakeLimits.maxAttachmentBytes,
    maxAttachments: emailIntakeLimits.maxAttachments,
    referencePattern: referenceRegex(config.incidentReferencePattern),
    envelopeMailFrom: envelope.mailFrom,
  });
  if ('error' in parsed) return { outcome: 'refused', reason: `${parsed.error}: ${parsed.detail}` };
  const key = messageKey(parsed, raw);
  if (await isInboundEmailKnown(database.db, key)) return { outcome: 'duplicate' };
  const ctx = { ...systemContext('email-intake', clock) };
  const receivedAt = clock.now();

  if (parsed.referenceInSubject !== null) {
    const incident = await findIncidentByReference(database.db, { kind: 'handler' }, parsed.referenceInSubject);
    // Only the reporter's own address threads onto a report: anyone else quoting a reference opens a new one.
    if (incident && incident.reporter.email !== null && incident.reporter.email === parsed.from.address) {
      const done = await database.db.transaction().execute(async (trx) => {
        if (!(await recordInboundEmail(trx, { messageKey: key, incidentId: incident.id, commentId: null, sender: parsed.from.address, subject: parsed.subject, receivedAt }))) return false;
        const comment = await commentByEmail(trx, database, ctx, incident, parsed.from, parsed.text);
        await trx.updateTable('incident_inbound_email').set({ comment_id: comment.id }).where('message_key', '=', key).execute();
        await addEmailAttachments(trx, database, config, ctx, incident, parsed.attachments, parsed.from.name ?? parsed.from.address);
        return true;
      });
      return done ? { outcome: 'commented', reference: incident.reference } : { outcome: 'duplicate' };
    }
  }

  const title = parsed.subject.trim() === '' ? '(no subject)' : parsed.subject;
  const description = parsed.text.trim() === '' ? '(no text)' : parsed.text;
  let reported: Awaited<ReturnType<typeof reportIncident>>;
  try {
    reported = await reportIncident(
      database,
      config,
      ctx,
      'email',
      { title: title.slice(0, 200), description: description.slice(0, 20_000), reporterName: parsed.from.name?.slice(0, 200) ?? undefined, reporterEmail: parsed.from.address },
      {
        acknowledge: !parsed.isAutoReply,
        within: async (trx, created) => {
          await recordInboundEmail(trx, { messageKey: key, incidentId: created.id, commentId: null, sender: parsed.from.address, subject: parsed.subject, receivedAt });
          await addEmailAttachments(trx, database, config, ctx, created, parsed.attachments, parsed.from.name ?? parsed.from.address);
        },
      },
    );
  } catch (err) {
    // A message the report form would refuse (an address it cannot use) is refused for good, not retried.
    if (err instanceof AppError && err.code === 'validation_failed') return { outcome: 'refused', reason: err.fields.map((f) => `${f.field}: ${f.message}`).join(', ') };
    throw err;
  }
  return { outcome: 'reported', reference: reported.incident.reference };
}
