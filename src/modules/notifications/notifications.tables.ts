import type { Generated } from 'kysely';
import type { DbTime } from '#src/db/core.tables';

export interface EmailMessageTable {
  id: string;
  purpose: string;
  to_address: string;
  subject: string;
  text_body: string;
  html_body: string | null;
  /** JSON object of extra headers (List-Unsubscribe, …). */
  headers: string;
  /** queued: waiting for the job; sent: accepted by SMTP; kept: no SMTP configured, readable in the outbox; failed: gave up. */
  status: 'queued' | 'sent' | 'kept' | 'failed';
  attempts: Generated<number>;
  last_error: string | null;
  created_at: DbTime;
  sent_at: DbTime | null;
}
