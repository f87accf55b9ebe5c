import { Type, type Static, type TSchema } from '@sinclair/typebox';
import type { AuditEvent } from '#src/modules/audit/audit.types';
import type { Incident, IncidentAttachment, IncidentComment, IncidentIndicator, IncidentSummary, IncidentTask } from '#src/modules/incidents/incidents.types';
import type { DeadlineView, HandlerIncidentView, ReporterIncidentView } from '#src/modules/incidents/use-cases/get-incident';
import type { LookupAnswer } from '#src/modules/incidents/use-cases/incident-indicators';
import { PageQuery } from '#src/core/pagination';
import { tlpLevels } from '#src/modules/bulletins/bulletins.types';
import { indicatorTypes } from '#src/modules/indicators/indicators';
import { commentVisibilities, incidentChannels, incidentStatuses, papLevels, triStates } from '#src/modules/incidents/incidents.types';
import { incidentLimits } from '#src/modules/incidents/incidents.validation';
import { indicatorBatchLimit } from '#src/modules/incidents/use-cases/incident-indicators';
import { queueSorts } from '#src/modules/incidents/incidents.repository';

const literals = <T extends string>(values: readonly T[], description?: string) => Type.Union(values.map((v) => Type.Literal(v)), description ? { description } : {});
const Nullable = <T extends TSchema>(schema: T) => Type.Union([schema, Type.Null()]);
const Short = (max: number, description?: string) => Type.String({ maxLength: max, ...(description ? { description } : {}) });

const Status = literals(incidentStatuses, 'new → triage → in_progress → resolved → closed; closed → triage reopens.');
const Channel = literals(incidentChannels);
const TlpSchema = literals(tlpLevels, 'TLP 2.0 label (lower case): red, amber+strict, amber, green, clear.');
const PapSchema = literals(papLevels, 'PAP label (lower case): red, amber, green, clear.');
const TriStateSchema = literals(triStates);
const Visibility = literals(commentVisibilities, 'internal: the CERT only; shared: the reporter sees it (portal, tracking page, e-mail).');
const IndicatorTypeSchema = literals(indicatorTypes);
const Version = Type.Integer({ minimum: 1, description: 'The version you read (optimistic locking): a stale one is answered 409.' });
const DateTime = Type.String({ format: 'date-time' });
const NullableDateTime = Nullable(DateTime);
const NullableString = Nullable(Type.String());
const DateInput = (description: string) => Nullable(Short(40, `${description} ISO 8601 (UTC when no offset is given); null or "" clears it.`));

// ---- Requests -----------------------------------------------------------------------------------------------------

/** The path of one incident. */
export const IncidentParams = Type.Object({ id: Short(64) });
/** The path of one indicator of an incident. */
export const IncidentIndicatorParams = Type.Object({ id: Short(64), indicatorId: Short(64) });

/** A report through the API: the reporter is the token's (or session's) user and, for constituents, their organisation. */
export const ReportIncidentBody = Type.Object(
  {
    title: Short(incidentLimits.title * 2),
    description: Short(incidentLimits.description * 2),
    detectedAt: Type.Optional(Short(40, 'When the incident was detected (ISO 8601).')),
    awareAt: Type.Optional(Short(40, 'When the organisation became aware of it (ISO 8601): the NIS2 clock starts then.')),
    tlp: Type.Optional(TlpSchema),
    organisationId: Type.Optional(Short(64, 'Staff only: the organisation concerned. Constituents always report for their own.')),
    classCode: Type.Optional(Short(60, 'The reporter’s guess of the RSIT class (`fraud`).')),
    typeCode: Type.Optional(Short(120, 'The reporter’s guess of the RSIT type (`fraud.phishing`).')),
    locale: Type.Optional(literals(['fr', 'ar', 'en'] as const)),
  },
  { additionalProperties: false },
);
export type ReportIncidentBody = Static<typeof ReportIncidentBody>;

const ImpactInput = Type.Object(
  {
    services: Type.Optional(Short(incidentLimits.text * 2)),
    users: Type.Optional(Short(incidentLimits.text * 2)),
    duration: Type.Optional(Short(incidentLimits.text * 2)),
    financial: Type.Optional(Short(incidentLimits.text * 2)),
    outlook: Type.Optional(Short(incidentLimits.text * 2)),
  },
  { additionalProperties: false },
);

const ClassificationInput = Type.Object(
  { classCode: Short(60, 'A code of the `rsit_class` vocabulary.'), typeCode: Type.Optional(Nullable(Short(120, 'A code of the `rsit_type` vocabulary of that class (`fraud.phishing`).'))) },
  { additionalProperties: false },
);

/** The triage edit: every field optional (absent ones keep their value), with the version read. */
export const EditIncidentBody = Type.Object(
  {
    version: Version,
    title: Type.Optional(Short(incidentLimits.title * 2)),
    description: Type.Optional(Short(incidentLimits.description * 2)),
    severity: Type.Optional(Nullable(Short(60, 'A code of the `incident_severity` vocabulary; null clears it.'))),
    priority: Type.Optional(Type.Integer({ minimum: 1, maximum: 4, description: '1 is the most urgent.' })),
    tlp: Type.Optional(TlpSchema),
    pap: Type.Optional(PapSchema),
    suspectedMalicious: Type.Optional(TriStateSchema),
    crossBorder: Type.Optional(TriStateSchema),
    impact: Type.Optional(ImpactInput),
    rootCause: Type.Optional(Short(incidentLimits.text * 2)),
    mitigation: Type.Optional(Short(incidentLimits.text * 2)),
    detectedAt: Type.Optional(DateInput('Detection time.')),
    awareAt: Type.Optional(DateInput('Awareness time.')),
    classifications: Type.Optional(Type.Array(ClassificationInput, { maxItems: incidentLimits.classifications, description: 'RSIT class/type pairs (replace the current ones).' })),
    organisationId: Type.Optional(Nullable(Short(64, 'The organisation concerned; null detaches it.'))),
    affectedOrganisationIds: Type.Optional(Type.Array(Short(64), { maxItems: incidentLimits.organisations })),
    regulationProfiles: Type.Optional(Type.Array(Short(60), { maxItems: 10, description: 'Regulation profiles (`nis2`, `ma-05-20`…).' })),
  },
  { additionalProperties: false },
);
export type EditIncidentBody = Static<typeof EditIncidentBody>;

/** A status change; closing needs a disposition. */
export const StatusBody = Type.Object(
  { version: Version, status: Status, disposition: Type.Optional(Short(60, 'Closing only: a code of the `incident_disposition` vocabulary.')) },
  { additionalProperties: false },
);

/** An assignment (null unassigns). */
export const AssignBody = Type.Object({ version: Version, assigneeId: Nullable(Short(64, 'A handler (admin, coordinator or analyst).')) }, { additionalProperties: false });

/** A comment; constituents' comments are always shared. */
export const CommentBody = Type.Object(
  { body: Short(incidentLimits.comment * 2), visibility: Type.Optional(Visibility) },
  { additionalProperties: false, description: 'Handlers: `visibility` defaults to internal. Constituents: always shared (the field is ignored).' },
);

/** Indicators to add (typed, or detected from the value; defanged values accepted). */
export const IndicatorsBody = Type.Object(
  {
    indicators: Type.Array(
      Type.Object({ type: Type.Optional(IndicatorTypeSchema), value: Short(3000), comment: Type.Optional(Short(incidentLimits.name * 2)) }, { additionalProperties: false }),
      { minItems: 1, maxItems: indicatorBatchLimit },
    ),
  },
  { additionalProperties: false },
);

/** A task. */
export const TaskBody = Type.Object(
  { title: Short(incidentLimits.taskTitle * 2), ownerId: Type.Optional(Short(64, 'A handler.')), dueAt: Type.Optional(Short(40, '`YYYY-MM-DD` (end of that day, UTC) or a date-time.')) },
  { additionalProperties: false },
);

/** A merge into another incident, named by its reference. */
export const MergeBody = Type.Object({ version: Version, reference: Short(100, 'The reference of the incident to merge into.') }, { additionalProperties: false });

/** A bulk lookup: up to 1,000 values (defanged accepted). */
export const LookupBody = Type.Object(
  { values: Type.Array(Short(3000), { minItems: 1, maxItems: indicatorBatchLimit, description: 'IPs, CIDRs, domains, URLs, addresses, hashes, file names, CVEs, AS numbers.' }) },
  { additionalProperties: false },
);

/** The queue's filters, as query parameters. */
export const QueueFilterQuery = Type.Object({
  status: Type.Optional(Type.Array(Short(40), { maxItems: 10, description: 'Repeat or comma-separate: new, triage, in_progress, resolved, closed.' })),
  severity: Type.Optional(Type.Array(Short(60), { maxItems: 10, description: 'Handlers only: severity codes.' })),
  class: Type.Optional(Short(60, 'Handlers only: an RSIT class code.')),
  organisation: Type.Optional(Short(64)),
  sector: Type.Optional(Short(60)),
  assignee: Type.Optional(Short(64, 'Handlers only: `me`, `none` or a user id.')),
  overdue: Type.Optional(Short(5, 'Handlers only: `1` for incidents past a deadline.')),
  open: Type.Optional(Short(5, '`1` for open incidents only.')),
  channel: Type.Optional(Short(20)),
  q: Type.Optional(Short(200, 'Words searched in the reference, title, description and reporter.')),
  from: Type.Optional(Short(40, 'Reported on or after (date or date-time).')),
  to: Type.Optional(Short(40, 'Reported before (a date includes that day).')),
  sort: Type.Optional(literals(queueSorts, 'Handlers: any; constituents: reported_desc, reported_asc or updated_desc.')),
});
export type QueueFilterQuery = Static<typeof QueueFilterQuery>;

/** The list's query: filters and a page. */
export const IncidentListQuery = Type.Composite([PageQuery, QueueFilterQuery]);

/** The export format of one incident. */
export const exportFormats = ['misp', 'stix', 'csv'] as const;
export type ExportFormat = (typeof exportFormats)[number];
export const ExportQuery = Type.Object({ format: literals(exportFormats, 'misp: MISP event JSON; stix: STIX 2.1 bundle; csv: the indicators as CSV.') });

// ---- Responses ----------------------------------------------------------------------------------------------------

const ClassificationSchema = Type.Object({ classCode: Type.String(), typeCode: NullableString });
const ImpactSchema = Type.Object({ services: Type.String(), users: Type.String(), duration: Type.String(), financial: Type.String(), outlook: Type.String() });

/** An incident as handlers see it through the API. */
export const IncidentSchema = Type.Object({
  id: Type.String(),
  reference: Type.String(),
  title: Type.String(),
  description: Type.String(),
  status: Status,
  channel: Channel,
  organisationId: NullableString,
  reporter: Type.Object({ userId: NullableString, name: NullableString, email: NullableString, phone: NullableString, locale: Type.String() }),
  severity: NullableString,
  priority: Type.Integer({ minimum: 1, maximum: 4 }),
  tlp: TlpSchema,
  pap: PapSchema,
  suspectedMalicious: TriStateSchema,
  crossBorder: TriStateSchema,
  impact: ImpactSchema,
  rootCause: Type.String(),
  mitigation: Type.String(),
  detectedAt: NullableDateTime,
  awareAt: NullableDateTime,
  reportedAt: DateTime,
  firstResponseAt: NullableDateTime,
  triagedAt: NullableDateTime,
  resolvedAt: NullableDateTime,
  closedAt: NullableDateTime,
  disposition: NullableString,
  assigneeId: NullableString,
  mergedIntoId: NullableString,
  regulationProfiles: Type.Array(Type.String()),
  nextDueAt: NullableDateTime,
  classifications: Type.Array(ClassificationSchema),
  affectedOrganisationIds: Type.Array(Type.String()),
  createdAt: DateTime,
  updatedAt: DateTime,
  version: Type.Integer({ minimum: 1 }),
});
export type IncidentJson = Static<typeof IncidentSchema>;

/** An incident as its reporter and their organisation see it: no triage, assignee, deadlines or internal data. */
export const ReporterIncidentSchema = Type.Object({
  id: Type.String(),
  reference: Type.String(),
  title: Type.String(),
  description: Type.String(),
  status: Status,
  channel: Channel,
  organisationId: NullableString,
  tlp: TlpSchema,
  reportedAt: DateTime,
  updatedAt: DateTime,
  closedAt: NullableDateTime,
  disposition: NullableString,
  mergedIntoReference: NullableString,
});
export type ReporterIncidentJson = Static<typeof ReporterIncidentSchema>;

/** A comment as handlers see it. */
export const CommentSchema = Type.Object({
  id: Type.String(),
  visibility: Visibility,
  source: Type.String(),
  authorUserId: NullableString,
  authorLabel: Type.String(),
  body: Type.String(),
  createdAt: DateTime,
});
/** A (shared) comment as reporters see it. */
export const ReporterCommentSchema = Type.Object({ id: Type.String(), source: Type.String(), authorLabel: Type.String(), body: Type.String(), createdAt: DateTime });

export const TaskSchema = Type.Object({ id: Type.String(), title: Type.String(), ownerId: NullableString, dueAt: NullableDateTime, doneAt: NullableDateTime, createdAt: DateTime, version: Type.Integer() });

/** An indicator (normalised, not defanged: the API is for tools). */
export const IndicatorSchema = Type.Object({ id: Type.String(), type: IndicatorTypeSchema, value: Type.String(), comment: Type.String(), createdAt: DateTime });
export const IndicatorList = Type.Object({ items: Type.Array(IndicatorSchema) });

const IncidentRef = Type.Object({ id: Type.String(), reference: Type.String(), title: Type.String() });
const HandlerIndicatorSchema = Type.Composite([IndicatorSchema, Type.Object({ seenIn: Type.Array(IncidentRef, { description: 'Other incidents holding the same indicator.' }) })]);
const AttachmentSchema = Type.Object({ id: Type.String(), visibility: Visibility, fileName: Type.String(), mediaType: Type.String(), size: Type.Integer(), sha256: Type.String(), uploaderLabel: Type.String(), createdAt: DateTime });
const ReporterAttachmentSchema = Type.Object({ id: Type.String(), fileName: Type.String(), mediaType: Type.String(), size: Type.Integer(), sha256: Type.String(), createdAt: DateTime });
const DeadlineSchema = Type.Object({ key: Type.String(), profile: Type.String(), stage: Type.String(), dueAt: NullableDateTime, completedAt: NullableDateTime, state: Type.String() });
const TimelineSchema = Type.Object({ seq: Type.Integer(), occurredAt: DateTime, actorLabel: Type.String(), action: Type.String() });

/** One incident with everything handlers see. */
export const HandlerDetailSchema = Type.Object({
  view: Type.Literal('handler'),
  incident: IncidentSchema,
  comments: Type.Array(CommentSchema),
  tasks: Type.Array(TaskSchema),
  indicators: Type.Array(HandlerIndicatorSchema),
  attachments: Type.Array(AttachmentSchema),
  deadlines: Type.Array(DeadlineSchema),
  links: Type.Array(Type.Object({ id: Type.String(), reference: Type.String(), title: Type.String(), status: Status })),
  duplicates: Type.Array(Type.Object({ id: Type.String(), reference: Type.String(), title: Type.String(), reason: Type.String() })),
  mergedInto: Nullable(Type.Object({ id: Type.String(), reference: Type.String() })),
  timeline: Type.Array(TimelineSchema),
});

/** One incident as its reporter's organisation sees it: shared comments and attachments only. */
export const ReporterDetailSchema = Type.Object({
  view: Type.Literal('reporter'),
  incident: ReporterIncidentSchema,
  comments: Type.Array(ReporterCommentSchema),
  attachments: Type.Array(ReporterAttachmentSchema),
  indicators: Type.Array(IndicatorSchema),
});

/** GET /incidents/{id}: the handler's or the reporter's view, told apart by `view`. */
export const IncidentDetailSchema = Type.Union([HandlerDetailSchema, ReporterDetailSchema]);

/** The answer to a report: the incident as the reporter may see it (handlers get the full incident). */
export const ReportedSchema = Type.Union([Type.Object({ view: Type.Literal('handler'), incident: IncidentSchema }), Type.Object({ view: Type.Literal('reporter'), incident: ReporterIncidentSchema })]);
export type ReportedJson = Static<typeof ReportedSchema>;

/** A queue row as handlers see it. */
export const HandlerSummarySchema = Type.Object({
  id: Type.String(),
  reference: Type.String(),
  title: Type.String(),
  status: Status,
  channel: Channel,
  severity: NullableString,
  priority: Type.Integer(),
  tlp: TlpSchema,
  organisationId: NullableString,
  organisationName: NullableString,
  assigneeId: NullableString,
  assigneeName: NullableString,
  classCodes: Type.Array(Type.String()),
  reportedAt: DateTime,
  updatedAt: DateTime,
  nextDueAt: NullableDateTime,
});
/** A list row as constituents see it. */
export const ReporterSummarySchema = Type.Object({
  id: Type.String(),
  reference: Type.String(),
  title: Type.String(),
  status: Status,
  channel: Channel,
  tlp: TlpSchema,
  organisationId: NullableString,
  reportedAt: DateTime,
  updatedAt: DateTime,
});

/** A page of the list, told apart by `view` (handlers' queue or constituents' list). */
export const IncidentPageSchema = Type.Union([
  Type.Object({ view: Type.Literal('handler'), items: Type.Array(HandlerSummarySchema), nextCursor: NullableString }),
  Type.Object({ view: Type.Literal('reporter'), items: Type.Array(ReporterSummarySchema), nextCursor: NullableString }),
]);

/** The answers of a bulk lookup, in the order of the values sent. */
export const LookupResultSchema = Type.Object({
  items: Type.Array(
    Type.Object({
      input: Type.String(),
      type: Nullable(IndicatorTypeSchema),
      value: NullableString,
      error: Nullable(Type.Literal('invalid')),
      incidents: Type.Array(Type.Object({ id: Type.String(), reference: Type.String(), title: Type.String(), status: Status })),
    }),
  ),
});

// ---- Serialisers --------------------------------------------------------------------------------------------------

const iso = (d: Date | null): string | null => (d === null ? null : d.toISOString());

/** The API form of an incident for handlers (dates as ISO 8601). */
export function toIncidentJson(i: Incident): IncidentJson {
  return {
    id: i.id,
    reference: i.reference,
    title: i.title,
    description: i.description,
    status: i.status,
    channel: i.channel,
    organisationId: i.organisationId,
    reporter: { userId: i.reporter.userId, name: i.reporter.name, email: i.reporter.email, phone: i.reporter.phone, locale: i.reporter.locale },
    severity: i.severity,
    priority: i.priority,
    tlp: i.tlp,
    pap: i.pap,
    suspectedMalicious: i.suspectedMalicious,
    crossBorder: i.crossBorder,
    impact: { ...i.impact },
    rootCause: i.rootCause,
    mitigation: i.mitigation,
    detectedAt: iso(i.detectedAt),
    awareAt: iso(i.awareAt),
    reportedAt: i.reportedAt.toISOString(),
    firstResponseAt: iso(i.firstResponseAt),
    triagedAt: iso(i.triagedAt),
    resolvedAt: iso(i.resolvedAt),
    closedAt: iso(i.closedAt),
    disposition: i.disposition,
    assigneeId: i.assigneeId,
    mergedIntoId: i.mergedIntoId,
    regulationProfiles: [...i.regulationProfiles],
    nextDueAt: iso(i.nextDueAt),
    classifications: i.classifications.map((c) => ({ classCode: c.classCode, typeCode: c.typeCode })),
    affectedOrganisationIds: [...i.affectedOrganisationIds],
    createdAt: i.createdAt.toISOString(),
    updatedAt: i.updatedAt.toISOString(),
    version: i.version,
  };
}

/** The API form of an incident for its reporter's organisation: only the fields the reporter view carries. */
export function toReporterIncidentJson(i: ReporterIncidentView['incident']): ReporterIncidentJson {
  return {
    id: i.id,
    reference: i.reference,
    title: i.title,
    description: i.description,
    status: i.status,
    channel: i.channel,
    organisationId: i.organisationId,
    tlp: i.tlp,
    reportedAt: i.reportedAt.toISOString(),
    updatedAt: i.updatedAt.toISOString(),
    closedAt: iso(i.closedAt),
    disposition: i.disposition,
    mergedIntoReference: i.mergedIntoReference,
  };
}

/** The reporter's view of a freshly reported incident (nothing merged yet). */
export function reporterPartOf(i: Incident, mergedIntoReference: string | null = null): ReporterIncidentView['incident'] {
  return {
    id: i.id,
    reference: i.reference,
    title: i.title,
    description: i.description,
    status: i.status,
    reportedAt: i.reportedAt,
    updatedAt: i.updatedAt,
    closedAt: i.closedAt,
    tlp: i.tlp,
    channel: i.channel,
    organisationId: i.organisationId,
    disposition: i.disposition,
    mergedIntoReference,
  };
}

/** The API form of a comment for handlers. */
export function toCommentJson(c: IncidentComment): Static<typeof CommentSchema> {
  return { id: c.id, visibility: c.visibility, source: c.source, authorUserId: c.authorUserId, authorLabel: c.authorLabel, body: c.body, createdAt: c.createdAt.toISOString() };
}

/** The API form of a shared comment for reporters (no internal user ids). */
export function toReporterCommentJson(c: IncidentComment): Static<typeof ReporterCommentSchema> {
  return { id: c.id, source: c.source, authorLabel: c.authorLabel, body: c.body, createdAt: c.createdAt.toISOString() };
}

/** The API form of a task. */
export function toTaskJson(t: IncidentTask): Static<typeof TaskSchema> {
  return { id: t.id, title: t.title, ownerId: t.ownerId, dueAt: iso(t.dueAt), doneAt: iso(t.doneAt), createdAt: t.createdAt.toISOString(), version: t.version };
}

/** The API form of an indicator. */
export function toIndicatorJson(i: IncidentIndicator): Static<typeof IndicatorSchema> {
  return { id: i.id, type: i.type, value: i.value, comment: i.comment, createdAt: i.createdAt.toISOString() };
}

function toAttachmentJson(a: IncidentAttachment): Static<typeof AttachmentSchema> {
  return { id: a.id, visibility: a.visibility, fileName: a.fileName, mediaType: a.mediaType, size: a.size, sha256: a.sha256, uploaderLabel: a.uploaderLabel, createdAt: a.createdAt.toISOString() };
}

function toReporterAttachmentJson(a: IncidentAttachment): Static<typeof ReporterAttachmentSchema> {
  return { id: a.id, fileName: a.fileName, mediaType: a.mediaType, size: a.size, sha256: a.sha256, createdAt: a.createdAt.toISOString() };
}

function toDeadlineJson(d: DeadlineView): Static<typeof DeadlineSchema> {
  return { key: d.key, profile: d.profile, stage: d.stage, dueAt: iso(d.dueAt), completedAt: iso(d.completedAt), state: d.state };
}

function toTimelineJson(e: AuditEvent): Static<typeof TimelineSchema> {
  return { seq: e.seq, occurredAt: e.occurredAt.toISOString(), actorLabel: e.actorLabel, action: e.action };
}

/** The API form of an incident's page, as the view the actor is entitled to (handler or reporter). */
export function toIncidentDetailJson(view: HandlerIncidentView | ReporterIncidentView): Static<typeof IncidentDetailSchema> {
  if (view.kind === 'reporter') {
    return {
      view: 'reporter',
      incident: toReporterIncidentJson(view.incident),
      // The use case already keeps shared comments and attachments only; filtering again costs nothing.
      comments: view.comments.filter((c) => c.visibility === 'shared').map(toReporterCommentJson),
      attachments: view.attachments.filter((a) => a.visibility === 'shared').map(toReporterAttachmentJson),
      indicators: view.indicators.map(toIndicatorJson),
    };
  }
  return {
    view: 'handler',
    incident: toIncidentJson(view.incident),
    comments: view.comments.map(toCommentJson),
    tasks: view.tasks.map(toTaskJson),
    indicators: view.indicators.map((i) => ({ ...toIndicatorJson(i), seenIn: i.seenIn.map((s) => ({ id: s.id, reference: s.reference, title: s.title })) })),
    attachments: view.attachments.map(toAttachmentJson),
    deadlines: view.deadlines.map(toDeadlineJson),
    links: view.links.map((l) => ({ id: l.id, reference: l.reference, title: l.title, status: l.status })),
    duplicates: view.duplicates.map((d) => ({ id: d.id, reference: d.reference, title: d.title, reason: d.reason })),
    mergedInto: view.mergedInto === null ? null : { id: view.mergedInto.id, reference: view.mergedInto.reference },
    timeline: view.timeline.map(toTimelineJson),
  };
}

/** A queue row for handlers. */
export function toHandlerSummaryJson(s: IncidentSummary): Static<typeof HandlerSummarySchema> {
  return {
    id: s.id,
    reference: s.reference,
    title: s.title,
    status: s.status,
    channel: s.channel,
    severity: s.severity,
    priority: s.priority,
    tlp: s.tlp,
    organisationId: s.organisationId,
    organisationName: s.organisationName,
    assigneeId: s.assigneeId,
    assigneeName: s.assigneeName,
    classCodes: [...s.classCodes],
    reportedAt: s.reportedAt.toISOString(),
    updatedAt: s.updatedAt.toISOString(),
    nextDueAt: iso(s.nextDueAt),
  };
}

/** A list row for constituents: no severity, priority, assignee, classification or deadline. */
export function toReporterSummaryJson(s: IncidentSummary): Static<typeof ReporterSummarySchema> {
  return { id: s.id, reference: s.reference, title: s.title, status: s.status, channel: s.channel, tlp: s.tlp, organisationId: s.organisationId, reportedAt: s.reportedAt.toISOString(), updatedAt: s.updatedAt.toISOString() };
}

/** The API form of a bulk lookup's answers. */
export function toLookupJson(answers: LookupAnswer[]): Static<typeof LookupResultSchema> {
  return { items: answers.map((a) => ({ input: a.input, type: a.type, value: a.value, error: a.error, incidents: a.incidents.map((i) => ({ id: i.id, reference: i.reference, title: i.title, status: i.status })) })) };
}
