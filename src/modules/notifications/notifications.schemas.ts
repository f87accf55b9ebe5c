import { Type, type Static } from '@sinclair/typebox';
import { PageOf, PageQuery } from '#src/core/pagination';
import { emailStatuses, jobStatuses, type EmailMessage } from '#src/modules/notifications/notifications.types';

/** Filters and pagination of the outbox. */
export const EmailQuery = Type.Object({
  ...PageQuery.properties,
  status: Type.Optional(Type.Union(emailStatuses.map((s) => Type.Literal(s)), { description: 'queued, sent, kept (no SMTP configured) or failed' })),
  recipient: Type.Optional(Type.String({ maxLength: 254, description: 'Part of the recipient address, case-insensitive' })),
});
export type EmailQuery = Static<typeof EmailQuery>;

/** Filters and pagination of the job list. */
export const JobQuery = Type.Object({
  ...PageQuery.properties,
  status: Type.Optional(Type.Union(jobStatuses.map((s) => Type.Literal(s)))),
});
export type JobQuery = Static<typeof JobQuery>;

export const EmailIdParams = Type.Object({ id: Type.String({ format: 'uuid' }) });

/** An e-mail in a list (bodies left out). */
export const EmailSummarySchema = Type.Object({
  id: Type.String(),
  purpose: Type.String(),
  to: Type.String(),
  subject: Type.String(),
  status: Type.Union(emailStatuses.map((s) => Type.Literal(s))),
  attempts: Type.Integer(),
  lastError: Type.Union([Type.String(), Type.Null()]),
  createdAt: Type.String({ format: 'date-time' }),
  sentAt: Type.Union([Type.String({ format: 'date-time' }), Type.Null()]),
});

/** One e-mail with its bodies and extra headers. */
export const EmailSchema = Type.Object({
  ...EmailSummarySchema.properties,
  text: Type.String(),
  html: Type.Union([Type.String(), Type.Null()]),
  headers: Type.Record(Type.String(), Type.String()),
});

export const EmailPageSchema = PageOf(EmailSummarySchema);

/** Serialises an e-mail for a list. */
export function serialiseEmailSummary(e: EmailMessage): Static<typeof EmailSummarySchema> {
  return {
    id: e.id,
    purpose: e.purpose,
    to: e.to,
    subject: e.subject,
    status: e.status,
    attempts: e.attempts,
    lastError: e.lastError,
    createdAt: e.createdAt.toISOString(),
    sentAt: e.sentAt ? e.sentAt.toISOString() : null,
  };
}

/** Serialises one e-mail with its bodies. */
export function serialiseEmail(e: EmailMessage): Static<typeof EmailSchema> {
  return { ...serialiseEmailSummary(e), text: e.text, html: e.html, headers: e.headers };
}
