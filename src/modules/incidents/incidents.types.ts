import type { IndicatorType } from '#src/modules/indicators/indicators';
import type { Locale } from '#src/core/i18n/i18n';
import type { Tlp } from '#src/modules/bulletins/bulletins.types';

/** The incident state machine (behaviour, so code): new → triage → in progress → resolved → closed, and reopen. */
export const incidentStatuses = ['new', 'triage', 'in_progress', 'resolved', 'closed'] as const;
export type IncidentStatus = (typeof incidentStatuses)[number];

/** Statuses an incident may move to from each status (closing needs a disposition; reopening goes to triage). */
export const incidentTransitions: Readonly<Record<IncidentStatus, readonly IncidentStatus[]>> = {
  new: ['triage', 'in_progress', 'closed'],
  triage: ['in_progress', 'resolved', 'closed'],
  in_progress: ['triage', 'resolved', 'closed'],
  resolved: ['in_progress', 'closed'],
  closed: ['triage'],
};

/** True when the status is open (counts in the backlog and has running deadlines). */
export function isOpenStatus(status: IncidentStatus): boolean {
  return status !== 'resolved' && status !== 'closed';
}

/** Where a report came in. */
export const incidentChannels = ['portal', 'public', 'api', 'email', 'staff'] as const;
export type IncidentChannel = (typeof incidentChannels)[number];

/** PAP (Permissible Actions Protocol): what the recipient may do with the information. */
export const papLevels = ['clear', 'green', 'amber', 'red'] as const;
export type Pap = (typeof papLevels)[number];

/** Yes / no / unknown answers (suspected malicious, cross-border). */
export const triStates = ['yes', 'no', 'unknown'] as const;
export type TriState = (typeof triStates)[number];

/** Handling priority, 1 (most urgent) to 4: separate from severity (impact). */
export type IncidentPriority = 1 | 2 | 3 | 4;
export const incidentPriorities: readonly IncidentPriority[] = [1, 2, 3, 4];

/** One RSIT class/type pair; `type` is the vocabulary code `class.type`, or null when only the class is known. */
export interface Classification {
  classCode: string;
  typeCode: string | null;
}

/** The impact of an incident as DOMAIN.md §3 lists it; every part optional free text. */
export interface IncidentImpact {
  services: string;
  users: string;
  duration: string;
  financial: string;
  outlook: string;
}

export const emptyImpact: IncidentImpact = { services: '', users: '', duration: '', financial: '', outlook: '' };

/** Who reported: a signed-in person, or someone outside (public form, e-mail) known by name and address. */
export interface IncidentReporter {
  userId: string | null;
  name: string | null;
  email: string | null;
  phone: string | null;
  locale: Locale;
}

/** An incident as the domain sees it (never a database row). */
export interface Incident {
  id: string;
  reference: string;
  title: string;
  description: string;
  status: IncidentStatus;
  channel: IncidentChannel;
  organisationId: string | null;
  reporter: IncidentReporter;
  severity: string | null;
  priority: IncidentPriority;
  tlp: Tlp;
  pap: Pap;
  suspectedMalicious: TriState;
  crossBorder: TriState;
  impact: IncidentImpact;
  rootCause: string;
  mitigation: string;
  detectedAt: Date | null;
  awareAt: Date | null;
  reportedAt: Date;
  firstResponseAt: Date | null;
  triagedAt: Date | null;
  resolvedAt: Date | null;
  closedAt: Date | null;
  disposition: string | null;
  assigneeId: string | null;
  mergedIntoId: string | null;
  regulationProfiles: string[];
  nextDueAt: Date | null;
  classifications: Classification[];
  affectedOrganisationIds: string[];
  createdBy: string | null;
  createdAt: Date;
  updatedAt: Date;
  version: number;
}

export const commentVisibilities = ['internal', 'shared'] as const;
export type CommentVisibility = (typeof commentVisibilities)[number];

/** Where a comment was written. */
export type CommentSource = 'console' | 'portal' | 'tracking' | 'email' | 'api';

export interface IncidentComment {
  id: string;
  incidentId: string;
  visibility: CommentVisibility;
  source: CommentSource;
  authorUserId: string | null;
  authorLabel: string;
  body: string;
  createdAt: Date;
}

export interface IncidentTask {
  id: string;
  incidentId: string;
  title: string;
  ownerId: string | null;
  dueAt: Date | null;
  doneAt: Date | null;
  createdAt: Date;
  version: number;
}

export interface IncidentIndicator {
  id: string;
  incidentId: string;
  type: IndicatorType;
  value: string;
  comment: string;
  createdAt: Date;
}

export interface IncidentAttachment {
  id: string;
  incidentId: string;
  visibility: CommentVisibility;
  fileName: string;
  mediaType: string;
  size: number;
  sha256: string;
  uploaderLabel: string;
  createdAt: Date;
}

export interface IncidentDeadline {
  key: string;
  profile: string;
  stage: string;
  dueAt: Date | null;
  completedAt: Date | null;
}

/** A row of the analyst queue. */
export interface IncidentSummary {
  id: string;
  reference: string;
  title: string;
  status: IncidentStatus;
  channel: IncidentChannel;
  severity: string | null;
  priority: IncidentPriority;
  tlp: Tlp;
  organisationId: string | null;
  organisationName: string | null;
  assigneeId: string | null;
  assigneeName: string | null;
  classCodes: string[];
  reportedAt: Date;
  updatedAt: Date;
  nextDueAt: Date | null;
}
