import type { Locale } from '#src/core/i18n/i18n';
import type { BulletinKind } from '#src/modules/bulletins/reference';
import type { IndicatorType } from '#src/modules/indicators/indicators';

export type { BulletinKind } from '#src/modules/bulletins/reference';

/** The three kinds, in display order. */
export const bulletinKinds = ['bulletin', 'alert', 'note'] as const satisfies readonly BulletinKind[];

/** Languages a bulletin can be written in: the interface languages. */
export const bulletinLanguages = ['fr', 'ar', 'en'] as const satisfies readonly Locale[];
export type BulletinLanguage = (typeof bulletinLanguages)[number];

/**
 * Traffic Light Protocol 2.0 labels. Above CLEAR a bulletin is shown only to entitled, signed-in people:
 * GREEN every constituent, AMBER and AMBER+STRICT the chosen recipient organisations, RED named people.
 */
export const tlpLevels = ['clear', 'green', 'amber', 'amber+strict', 'red'] as const;
export type Tlp = (typeof tlpLevels)[number];

/**
 * Where the working copy stands in the editorial workflow (behavioural, hence code):
 * draft → in_review → approved → (scheduled) → published; a published bulletin that is edited goes back to draft
 * for its next revision while the last published revision stays public.
 */
export const workflowStates = ['draft', 'in_review', 'approved', 'scheduled', 'published'] as const;
export type WorkflowState = (typeof workflowStates)[number];

/**
 * What the public sees: nothing yet, the latest published revision, the same marked closed (alerts: the
 * exploitation episode is over) or withdrawn (kept at its address with a notice, out of lists and feeds).
 */
export const publicationStates = ['unpublished', 'published', 'closed', 'withdrawn'] as const;
export type PublicationState = (typeof publicationStates)[number];

/** The texts of one language. Markdown fields are rendered with `renderMarkdown` (sanitised). */
export interface BulletinText {
  title: string;
  summary: string;
  /** Markdown: the assessment of the vulnerabilities or the threat. */
  description: string;
  /** Markdown: fixes. */
  solution: string;
  /** Markdown: temporary mitigations. */
  workarounds: string;
}

/** One affected system, linked to the shared product registry (`productId`) and spelled as the registry does. */
export interface AffectedProduct {
  productId: string;
  vendor: string;
  product: string;
  /** Free text: "< 17.4.2", "7.0 to 7.2.10", "all versions". */
  versions: string;
  /** CPE 2.3 formatted string, optional. */
  cpe: string | null;
  /** Package URL, optional. */
  purl: string | null;
}

/** One CVE with optional scores. Scores are computed from the vectors (ae-cvss-calculator), never stored. */
export interface BulletinCve {
  id: string;
  cvss31: string | null;
  cvss40: string | null;
  cwe: string | null;
  exploited: boolean;
}

/** A link to a vendor advisory or other source. */
export interface BulletinReferenceLink {
  title: string;
  url: string;
}

/** Relations to earlier bulletins, by their public reference. */
export const relationTypes = ['follows', 'supersedes'] as const;
export type RelationType = (typeof relationTypes)[number];
export interface BulletinRelation {
  type: RelationType;
  reference: string;
}

/** An indicator of compromise carried by a note, normalised by `normaliseIndicator`. */
export interface BulletinIndicator {
  type: IndicatorType;
  value: string;
  comment: string;
}

/**
 * Everything a revision says. The same shape is the working copy (`bulletin.draft`) and the frozen snapshot of
 * each published revision (`bulletin_revision.content`). Version-neutral: CSAF documents are derived from it.
 */
export interface BulletinContent {
  kind: BulletinKind;
  originalLanguage: BulletinLanguage;
  /** The original language is always present; others are translations. */
  texts: Partial<Record<BulletinLanguage, BulletinText>>;
  /** Code in the `criticality` vocabulary. */
  criticality: string;
  /** Codes in the `risk` vocabulary. */
  risks: string[];
  affected: AffectedProduct[];
  cves: BulletinCve[];
  references: BulletinReferenceLink[];
  relations: BulletinRelation[];
  indicators: BulletinIndicator[];
  tlp: Tlp;
  /** AMBER and AMBER+STRICT: the recipient organisations. */
  recipientOrganisationIds: string[];
  /** RED: the named recipients (user ids). */
  recipientUserIds: string[];
}

/** A bulletin as the console sees it: workflow, publication and the working copy. */
export interface Bulletin {
  id: string;
  kind: BulletinKind;
  /** Allocated at first publication; null before. */
  reference: string | null;
  /** URL slug derived from the reference; null before first publication. */
  slug: string | null;
  /** References under which the bulletin was known elsewhere (imported legacy numbers; table bulletin_alias). */
  aliases: string[];
  state: WorkflowState;
  publication: PublicationState;
  /** The working copy. */
  draft: BulletinContent;
  /** Number of the last published revision; 0 before the first publication. */
  publishedRevision: number;
  /** What the next revision changes (required from revision 2 on). */
  changeSummary: string;
  authorId: string;
  submittedBy: string | null;
  approvedBy: string | null;
  approvedAt: Date | null;
  scheduledAt: Date | null;
  firstPublishedAt: Date | null;
  lastPublishedAt: Date | null;
  closedAt: Date | null;
  withdrawnAt: Date | null;
  /** Why it was withdrawn; null unless withdrawn. */
  withdrawalReason: string | null;
  createdAt: Date;
  updatedAt: Date;
  /** Optimistic locking: every save bumps it; a save carrying an older value is refused. */
  version: number;
}

/** One published revision, frozen. */
export interface BulletinRevision {
  id: string;
  bulletinId: string;
  number: number;
  publishedAt: Date;
  publishedBy: string;
  approvedBy: string;
  changeSummary: string;
  content: BulletinContent;
}

/** A review comment (or a decision) on a bulletin. */
export interface BulletinComment {
  id: string;
  bulletinId: string;
  authorId: string;
  authorName: string;
  kind: 'comment' | 'approval' | 'changes_requested';
  body: string;
  createdAt: Date;
}

/** A vendor of the shared product registry. */
export interface Vendor {
  id: string;
  name: string;
}

/** A product of the shared registry: each product is spelled once and reused by every bulletin. */
export interface Product {
  id: string;
  vendorId: string;
  vendor: string;
  name: string;
  cpe: string | null;
  purl: string | null;
}

/** The empty working copy of a new bulletin. */
export function emptyContent(kind: BulletinKind, originalLanguage: BulletinLanguage): BulletinContent {
  return {
    kind,
    originalLanguage,
    texts: { [originalLanguage]: { title: '', summary: '', description: '', solution: '', workarounds: '' } },
    criticality: '',
    risks: [],
    affected: [],
    cves: [],
    references: [],
    relations: [],
    indicators: [],
    tlp: 'clear',
    recipientOrganisationIds: [],
    recipientUserIds: [],
  };
}

/** The text in `language`, or the original's when that translation is missing (with `isFallback`). */
export function textIn(content: BulletinContent, language: BulletinLanguage): { text: BulletinText; language: BulletinLanguage; isFallback: boolean } {
  const own = content.texts[language];
  if (own && own.title.trim() !== '') return { text: own, language, isFallback: false };
  const original = content.texts[content.originalLanguage] ?? { title: '', summary: '', description: '', solution: '', workarounds: '' };
  return { text: original, language: content.originalLanguage, isFallback: language !== content.originalLanguage };
}

/** The languages that have a text (original first). */
export function availableLanguages(content: BulletinContent): BulletinLanguage[] {
  const others = bulletinLanguages.filter((l) => l !== content.originalLanguage && (content.texts[l]?.title.trim() ?? '') !== '');
  return [content.originalLanguage, ...others];
}

/** URL slug of a reference: lower case, runs of other characters than [a-z0-9+-] replaced by `_` (as CSAF file names). */
export function referenceSlug(reference: string): string {
  return reference.toLowerCase().replace(/[^+\-a-z0-9]+/g, '_');
}

/** True when the TLP restricts the bulletin to signed-in, entitled people. */
export function isRestricted(tlp: Tlp): boolean {
  return tlp !== 'clear';
}
