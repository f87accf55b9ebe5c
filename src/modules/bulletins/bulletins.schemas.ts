import { Type, type Static } from '@sinclair/typebox';
import type { Bulletin, BulletinComment, BulletinRevision, Product } from '#src/modules/bulletins/bulletins.types';
import type { ConsoleBulletinSummary } from '#src/modules/bulletins/use-cases/list-console-bulletins';
import { PageOf, PageQuery } from '#src/core/pagination';
import { bulletinKinds, bulletinLanguages, publicationStates, relationTypes, tlpLevels, workflowStates } from '#src/modules/bulletins/bulletins.types';
import { indicatorTypes } from '#src/modules/indicators/indicators';
import { bulletinLimits } from '#src/modules/bulletins/bulletins.validation';

const literals = <T extends string>(values: readonly T[], description?: string) => Type.Union(values.map((v) => Type.Literal(v)), description ? { description } : {});

const Kind = literals(bulletinKinds, 'bulletin (vulnerabilities), alert (active exploitation; closed when over) or note (threat, with indicators).');
const Language = literals(bulletinLanguages);
const TlpSchema = literals(tlpLevels, 'TLP 2.0 label: clear is public; green every constituent; amber/amber+strict the recipient organisations; red the named recipients.');
const State = literals(workflowStates);
const Publication = literals(publicationStates);
const Version = Type.Integer({ minimum: 1, description: 'The version you read (optimistic locking): a stale one is answered 409.' });
const DateTime = Type.String({ format: 'date-time' });
const NullableDateTime = Type.Union([DateTime, Type.Null()]);
const NullableString = Type.Union([Type.String(), Type.Null()]);

// ---- Content (what authors send) --------------------------------------------------------------------------------

const TextInput = Type.Object(
  {
    title: Type.Optional(Type.String({ maxLength: bulletinLimits.title * 2 })),
    summary: Type.Optional(Type.String({ maxLength: bulletinLimits.summary * 2 })),
    description: Type.Optional(Type.String({ maxLength: bulletinLimits.markdown, description: 'Markdown (rendered sanitised).' })),
    solution: Type.Optional(Type.String({ maxLength: bulletinLimits.markdown, description: 'Markdown.' })),
    workarounds: Type.Optional(Type.String({ maxLength: bulletinLimits.markdown, description: 'Markdown.' })),
  },
  { additionalProperties: false },
);

const Short = (max: number, description?: string) => Type.String({ maxLength: max, ...(description ? { description } : {}) });

const AffectedInput = Type.Object(
  {
    productId: Type.Optional(Short(64, 'A product of the registry (GET /api/v1/products), when picked from the suggestions.')),
    vendor: Short(bulletinLimits.name),
    product: Short(bulletinLimits.name),
    versions: Short(bulletinLimits.versions, 'Free text: "< 17.4.2", "7.0 to 7.2.10".'),
    cpe: Type.Optional(Short(500, 'CPE 2.3 formatted string.')),
    purl: Type.Optional(Short(500, 'Package URL.')),
  },
  { additionalProperties: false },
);

const CveInput = Type.Object(
  {
    id: Short(40, 'CVE id; normalised (CVE-YYYY-NNNN).'),
    cvss31: Type.Optional(Type.Union([Short(200, 'CVSS 3.1 vector (3.0 and 2.0 are refused).'), Type.Null()])),
    cvss40: Type.Optional(Type.Union([Short(300, 'CVSS 4.0 vector.'), Type.Null()])),
    cwe: Type.Optional(Type.Union([Short(20, 'CWE id (CWE-79).'), Type.Null()])),
    exploited: Type.Optional(Type.Boolean()),
  },
  { additionalProperties: false },
);

const LinkInput = Type.Object({ title: Short(bulletinLimits.linkTitle), url: Short(bulletinLimits.url, 'http(s) only.') }, { additionalProperties: false });
const RelationInput = Type.Object({ type: literals(relationTypes), reference: Short(100, 'The reference (or legacy alias) of a published bulletin.') }, { additionalProperties: false });
const IndicatorInput = Type.Object({ type: literals(indicatorTypes), value: Short(3000), comment: Type.Optional(Short(bulletinLimits.comment)) }, { additionalProperties: false });
const Ids = (description: string) => Type.Array(Short(64), { maxItems: bulletinLimits.recipients, description });

/** The working copy as sent by the API: every part optional (absent parts keep their current value on update). */
export const ContentInput = Type.Object(
  {
    texts: Type.Optional(Type.Object({ fr: Type.Optional(TextInput), ar: Type.Optional(TextInput), en: Type.Optional(TextInput) }, { additionalProperties: false })),
    criticality: Type.Optional(Short(60, 'A code of the `criticality` vocabulary.')),
    risks: Type.Optional(Type.Array(Short(60), { maxItems: bulletinLimits.risks, description: 'Codes of the `risk` vocabulary.' })),
    affected: Type.Optional(Type.Array(AffectedInput, { maxItems: bulletinLimits.affected })),
    cves: Type.Optional(Type.Array(CveInput, { maxItems: bulletinLimits.cves })),
    references: Type.Optional(Type.Array(LinkInput, { maxItems: bulletinLimits.references })),
    relations: Type.Optional(Type.Array(RelationInput, { maxItems: bulletinLimits.relations })),
    indicators: Type.Optional(Type.Array(IndicatorInput, { maxItems: bulletinLimits.indicators })),
    tlp: Type.Optional(TlpSchema),
    recipientOrganisationIds: Type.Optional(Ids('AMBER / AMBER+STRICT: recipient organisations (active).')),
    recipientUserIds: Type.Optional(Ids('RED: named recipients (user ids).')),
  },
  { additionalProperties: false },
);
export type ContentInput = Static<typeof ContentInput>;

/** Body of a creation. */
export const CreateBulletinBody = Type.Object(
  {
    kind: Kind,
    originalLanguage: Language,
    content: Type.Optional(ContentInput),
    aliases: Type.Optional(Type.Array(Short(100), { maxItems: 20, description: 'Legacy references (imports), unique.' })),
  },
  { additionalProperties: false },
);

/** Body of an update: the parts of the working copy to replace, the change summary and the version read. */
export const UpdateBulletinBody = Type.Object(
  {
    content: Type.Optional(ContentInput),
    changeSummary: Type.Optional(Short(bulletinLimits.changeSummary * 2, 'What this revision changes (required from revision 2 on, at submission).')),
    version: Version,
  },
  { additionalProperties: false },
);

export const VersionBody = Type.Object({ version: Version }, { additionalProperties: false });
export const RequestChangesBody = Type.Object({ version: Version, comment: Short(bulletinLimits.comment * 2) }, { additionalProperties: false });
export const ApproveBody = Type.Object({ version: Version, comment: Type.Optional(Short(bulletinLimits.comment * 2)) }, { additionalProperties: false });
export const PublishBody = Type.Object(
  { version: Version, at: Type.Optional(Type.String({ format: 'date-time', maxLength: 40, description: 'Schedules the publication at this time (future) instead of publishing now.' })) },
  { additionalProperties: false },
);
export const WithdrawBody = Type.Object({ version: Version, reason: Short(bulletinLimits.reason * 2, 'Shown with the withdrawal notice.') }, { additionalProperties: false });
export const CommentBody = Type.Object({ body: Short(bulletinLimits.comment * 2) }, { additionalProperties: false });

export const BulletinParams = Type.Object({ id: Type.String({ maxLength: 64 }) });

export const BulletinListQuery = Type.Composite([
  PageQuery,
  Type.Object({
    state: Type.Optional(State),
    publication: Type.Optional(Publication),
    kind: Type.Optional(Kind),
    q: Type.Optional(Type.String({ maxLength: 200, description: 'Text searched in the working copy and the reference.' })),
  }),
]);

export const ProductQuery = Type.Object({
  q: Type.String({ maxLength: 200, description: 'Part of a vendor or product name (case and accents ignored).' }),
  limit: Type.Optional(Type.Integer({ minimum: 1, maximum: 50, default: 10 })),
});

// ---- Responses ---------------------------------------------------------------------------------------------------

const TextSchema = Type.Object({ title: Type.String(), summary: Type.String(), description: Type.String(), solution: Type.String(), workarounds: Type.String() });

/** The working copy or a revision's frozen content. */
export const ContentSchema = Type.Object({
  kind: Kind,
  originalLanguage: Language,
  texts: Type.Object({ fr: Type.Optional(TextSchema), ar: Type.Optional(TextSchema), en: Type.Optional(TextSchema) }),
  criticality: Type.String(),
  risks: Type.Array(Type.String()),
  affected: Type.Array(Type.Object({ productId: Type.String(), vendor: Type.String(), product: Type.String(), versions: Type.String(), cpe: NullableString, purl: NullableString })),
  cves: Type.Array(Type.Object({ id: Type.String(), cvss31: NullableString, cvss40: NullableString, cwe: NullableString, exploited: Type.Boolean() })),
  references: Type.Array(Type.Object({ title: Type.String(), url: Type.String() })),
  relations: Type.Array(Type.Object({ type: Type.String(), reference: Type.String() })),
  indicators: Type.Array(Type.Object({ type: Type.String(), value: Type.String(), comment: Type.String() })),
  tlp: TlpSchema,
  recipientOrganisationIds: Type.Array(Type.String()),
  recipientUserIds: Type.Array(Type.String()),
});

/** A bulletin as the API shows it to staff. */
export const BulletinSchema = Type.Object({
  id: Type.String(),
  kind: Kind,
  reference: NullableString,
  slug: NullableString,
  aliases: Type.Array(Type.String()),
  state: State,
  publication: Publication,
  publishedRevision: Type.Integer({ description: 'Number of the last published revision; 0 before the first publication.' }),
  changeSummary: Type.String(),
  authorId: Type.String(),
  submittedBy: NullableString,
  approvedBy: NullableString,
  approvedAt: NullableDateTime,
  scheduledAt: NullableDateTime,
  firstPublishedAt: NullableDateTime,
  lastPublishedAt: NullableDateTime,
  closedAt: NullableDateTime,
  withdrawnAt: NullableDateTime,
  withdrawalReason: NullableString,
  createdAt: DateTime,
  updatedAt: DateTime,
  version: Type.Integer({ minimum: 1 }),
  content: ContentSchema,
});
export type BulletinJson = Static<typeof BulletinSchema>;

const RevisionSchema = Type.Object({
  id: Type.String(),
  number: Type.Integer({ minimum: 1 }),
  publishedAt: DateTime,
  publishedBy: Type.String(),
  approvedBy: Type.String(),
  changeSummary: Type.String(),
});

export const CommentSchema = Type.Object({
  id: Type.String(),
  authorId: Type.String(),
  authorName: Type.String(),
  kind: Type.Union([Type.Literal('comment'), Type.Literal('approval'), Type.Literal('changes_requested')]),
  body: Type.String(),
  createdAt: DateTime,
});

/** One bulletin with its published revisions (newest first) and its review comments. */
export const BulletinDetailSchema = Type.Composite([BulletinSchema, Type.Object({ revisions: Type.Array(RevisionSchema), comments: Type.Array(CommentSchema) })]);

export const BulletinSummarySchema = Type.Object({
  id: Type.String(),
  kind: Kind,
  reference: NullableString,
  slug: NullableString,
  title: Type.String(),
  criticality: Type.String(),
  tlp: Type.String(),
  state: State,
  publication: Publication,
  publishedRevision: Type.Integer(),
  authorId: Type.String(),
  authorName: Type.String(),
  scheduledAt: NullableDateTime,
  lastPublishedAt: NullableDateTime,
  updatedAt: DateTime,
  version: Type.Integer(),
});
export const BulletinPage = PageOf(BulletinSummarySchema);

export const ProductSchema = Type.Object({ id: Type.String(), vendorId: Type.String(), vendor: Type.String(), name: Type.String(), cpe: NullableString, purl: NullableString });
export const ProductList = Type.Object({ items: Type.Array(ProductSchema) });

export const IdempotencyHeaders = Type.Object({ 'idempotency-key': Type.Optional(Type.String({ maxLength: 200, description: 'Makes a retry return the first answer.' })) });

// ---- Serialisers -------------------------------------------------------------------------------------------------

const iso = (d: Date | null): string | null => (d === null ? null : d.toISOString());

/** The API form of a bulletin (dates as ISO 8601). */
export function toBulletinJson(b: Bulletin): BulletinJson {
  return {
    id: b.id,
    kind: b.kind,
    reference: b.reference,
    slug: b.slug,
    aliases: b.aliases,
    state: b.state,
    publication: b.publication,
    publishedRevision: b.publishedRevision,
    changeSummary: b.changeSummary,
    authorId: b.authorId,
    submittedBy: b.submittedBy,
    approvedBy: b.approvedBy,
    approvedAt: iso(b.approvedAt),
    scheduledAt: iso(b.scheduledAt),
    firstPublishedAt: iso(b.firstPublishedAt),
    lastPublishedAt: iso(b.lastPublishedAt),
    closedAt: iso(b.closedAt),
    withdrawnAt: iso(b.withdrawnAt),
    withdrawalReason: b.withdrawalReason,
    createdAt: b.createdAt.toISOString(),
    updatedAt: b.updatedAt.toISOString(),
    version: b.version,
    content: b.draft,
  };
}

/** The API form of a revision (without its content: read it from the public bulletin). */
export function toRevisionJson(r: BulletinRevision): Static<typeof RevisionSchema> {
  return { id: r.id, number: r.number, publishedAt: r.publishedAt.toISOString(), publishedBy: r.publishedBy, approvedBy: r.approvedBy, changeSummary: r.changeSummary };
}

/** The API form of a comment. */
export function toCommentJson(c: BulletinComment): Static<typeof CommentSchema> {
  return { id: c.id, authorId: c.authorId, authorName: c.authorName, kind: c.kind, body: c.body, createdAt: c.createdAt.toISOString() };
}

/** The API form of a console list row. */
export function toSummaryJson(s: ConsoleBulletinSummary): Static<typeof BulletinSummarySchema> {
  return { ...s, scheduledAt: iso(s.scheduledAt), lastPublishedAt: iso(s.lastPublishedAt), updatedAt: s.updatedAt.toISOString() };
}

/** The API form of a registry product. */
export function toProductJson(p: Product): Static<typeof ProductSchema> {
  return { ...p };
}
