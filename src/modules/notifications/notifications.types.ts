/** Delivery states of an e-mail (see EmailMessageTable). */
export const emailStatuses = ['queued', 'sent', 'kept', 'failed'] as const;
export type EmailStatus = (typeof emailStatuses)[number];

/** States of a background job. */
export const jobStatuses = ['pending', 'running', 'done', 'dead'] as const;
export type JobStatus = (typeof jobStatuses)[number];

/** An e-mail recorded for delivery, as the outbox shows it. */
export interface EmailMessage {
  id: string;
  purpose: string;
  to: string;
  subject: string;
  text: string;
  /** The HTML alternative, never rendered as HTML in Ribat's pages. */
  html: string | null;
  headers: Record<string, string>;
  status: EmailStatus;
  attempts: number;
  lastError: string | null;
  createdAt: Date;
  sentAt: Date | null;
}

/** Criteria of the outbox list. */
export interface EmailFilter {
  status?: EmailStatus;
  /** Part of the recipient address, case-insensitive. */
  recipient?: string;
}

/** A background job as the console shows it (the payload stays internal). */
export interface JobView {
  id: string;
  kind: string;
  version: number;
  status: JobStatus;
  attempts: number;
  maxAttempts: number;
  runAt: Date;
  lastError: string | null;
  createdAt: Date;
  finishedAt: Date | null;
}

/** Counts per state, every state present (0 when none). */
export type StatusCounts<S extends string> = Record<S, number>;

/** The paths whose last segment is a one-time secret (activation, password reset, first-administrator setup). */
const ONE_TIME_LINK = /(\/(?:activate|password\/reset|setup)\/)[A-Za-z0-9_-]{16,}/g;

/** Subscription links (confirm, manage, one-click unsubscribe): the secret is the `token` query parameter. */
const SUBSCRIPTION_LINK = /(\/subscribe\/(?:confirm|manage|unsubscribe)\?token=)[A-Za-z0-9_-]{16,}/g;

/** Replaces the secret of every one-time link in an e-mail body with a mark, leaving the rest readable. */
export function redactOneTimeLinks(body: string): string {
  return body.replace(ONE_TIME_LINK, '$1[redacted]').replace(SUBSCRIPTION_LINK, '$1[redacted]');
}
