import type { Generated } from 'kysely';
import type { DbTime } from '#src/db/core.tables';

/** An incident; a report taken in by any channel is an incident in status `new`. */
export interface IncidentTable {
  id: string;
  reference: string;
  title: string;
  description: string;
  status: string;
  channel: string;
  organisation_id: string | null;
  reporter_user_id: string | null;
  reporter_name: string | null;
  reporter_email: string | null;
  reporter_phone: string | null;
  reporter_locale: Generated<string>;
  /** SHA-256 of the public reporter's tracking token (the token itself is only in the link sent to them). */
  tracking_token_hash: string | null;
  severity: string | null;
  priority: Generated<number>;
  tlp: string;
  pap: string;
  suspected_malicious: Generated<string>;
  cross_border: Generated<string>;
  /** JSON object: services, users, duration, financial, outlook. */
  impact: Generated<string>;
  root_cause: Generated<string>;
  mitigation: Generated<string>;
  detected_at: DbTime | null;
  aware_at: DbTime | null;
  reported_at: DbTime;
  first_response_at: DbTime | null;
  triaged_at: DbTime | null;
  resolved_at: DbTime | null;
  closed_at: DbTime | null;
  disposition: string | null;
  assignee_id: string | null;
  merged_into_id: string | null;
  /** JSON array of regulation profile codes. */
  regulation_profiles: Generated<string>;
  /** The earliest open deadline, kept with the incident so queues can sort and filter on it. */
  next_due_at: DbTime | null;
  /** Folded reference, title, description and reporter: what the queue's search matches. */
  search_text: Generated<string>;
  created_by: string | null;
  created_at: DbTime;
  updated_at: DbTime;
  version: Generated<number>;
}

export interface IncidentClassificationTable {
  incident_id: string;
  class_code: string;
  /** '' when only the class is known. */
  type_code: Generated<string>;
  position: Generated<number>;
}

export interface IncidentOrganisationTable {
  incident_id: string;
  organisation_id: string;
}

export interface IncidentLinkTable {
  incident_id: string;
  other_id: string;
  created_by: string | null;
  created_at: DbTime;
}

export interface IncidentCommentTable {
  id: string;
  incident_id: string;
  visibility: string;
  source: string;
  author_user_id: string | null;
  author_label: string;
  body: string;
  created_at: DbTime;
}

export interface IncidentTaskTable {
  id: string;
  incident_id: string;
  title: string;
  owner_id: string | null;
  due_at: DbTime | null;
  done_at: DbTime | null;
  created_by: string | null;
  created_at: DbTime;
  updated_at: DbTime;
  version: Generated<number>;
}

export interface IncidentIndicatorTable {
  id: string;
  incident_id: string;
  type: string;
  value: string;
  comment: Generated<string>;
  created_by: string | null;
  created_at: DbTime;
}

export interface IncidentAttachmentTable {
  id: string;
  incident_id: string;
  comment_id: string | null;
  visibility: string;
  file_name: string;
  media_type: string;
  size: number;
  sha256: string;
  uploaded_by: string | null;
  uploader_label: string;
  created_at: DbTime;
}

export interface IncidentDeadlineTable {
  incident_id: string;
  key: string;
  profile: string;
  stage: string;
  due_at: DbTime | null;
  completed_at: DbTime | null;
  /** JSON array of the reminder leads (minutes before due) already sent. */
  reminders_sent: Generated<string>;
  updated_at: DbTime;
}

export interface IncidentInboundEmailTable {
  /** The Message-ID, or a hash of the message when it has none. */
  message_key: string;
  incident_id: string;
  comment_id: string | null;
  sender: string;
  subject: string;
  received_at: DbTime;
}

export interface IncidentSavedViewTable {
  id: string;
  user_id: string;
  name: string;
  /** The queue's query string (filters and sort). */
  query: string;
  created_at: DbTime;
}

/** SQLite only: one row per incident holding its search text, the external content of `incident_fts` (triggers). */
export interface IncidentSearchTable {
  seq: Generated<number>;
  incident_id: string;
  search_text: string;
}

/** SQLite only: the FTS5 trigram index over `incident_search` (PostgreSQL indexes incident.search_text with pg_trgm). */
export interface IncidentFtsTable {
  rowid: Generated<number>;
  search_text: string;
}
