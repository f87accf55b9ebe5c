import type { Locale } from '#src/core/i18n/i18n';

/**
 * The vocabularies Ribat knows. Their terms are data (seeded, then edited by administrators); the list of
 * vocabularies itself is code because each one is referenced by the records that use it. A later issue adds
 * one by appending an entry here, a seed in src/db/seeds/ and the two message keys.
 */
export const vocabularyNames = ['sector', 'criticality', 'risk', 'rsit_class', 'rsit_type', 'incident_severity', 'incident_disposition'] as const;
export type VocabularyName = (typeof vocabularyNames)[number];

/** True when `value` names a known vocabulary. */
export function isVocabularyName(value: string): value is VocabularyName {
  return (vocabularyNames as readonly string[]).includes(value);
}

/** The message keys of a vocabulary's title and description. */
export function vocabularyMessageKeys(name: VocabularyName): { title: string; description: string } {
  return { title: `taxonomies.vocabulary.${name}.title`, description: `taxonomies.vocabulary.${name}.description` };
}

/** A label in each interface language. */
export interface TermLabels {
  fr: string;
  ar: string;
  en: string;
}

/** One term of a vocabulary. A retired term stays valid on existing records but is not offered for new ones. */
export interface VocabularyTerm {
  id: string;
  vocabulary: VocabularyName;
  code: string;
  labels: TermLabels;
  position: number;
  retiredAt: Date | null;
  createdAt: Date;
  updatedAt: Date;
  version: number;
}

/** A vocabulary with how many terms it holds. */
export interface VocabularySummary {
  name: VocabularyName;
  termCount: number;
  retiredCount: number;
}

/** The term's label in `locale`, falling back to French. */
export function termLabel(term: Pick<VocabularyTerm, 'labels'>, locale: Locale): string {
  return term.labels[locale] || term.labels.fr;
}

/** The label of `code` among `terms` in `locale`, or the code itself when the term is unknown. */
export function labelOfCode(terms: readonly VocabularyTerm[], code: string, locale: Locale): string {
  const term = terms.find((t) => t.code === code);
  return term ? termLabel(term, locale) : code;
}

/** Terms codes: lower-case letters, digits, hyphens and dots (RSIT types are `class.type`), 2 to 60 characters. */
export const TERM_CODE_PATTERN = /^[a-z0-9][a-z0-9.-]{0,58}[a-z0-9]$/;
/** Longest label. */
export const MAX_LABEL_LENGTH = 200;
/** Largest position value. */
export const MAX_POSITION = 100_000;

/** The JSON form of a term in the API. */
export interface VocabularyTermJson {
  vocabulary: string;
  code: string;
  labels: TermLabels;
  position: number;
  retired: boolean;
  retiredAt: string | null;
  createdAt: string;
  updatedAt: string;
  version: number;
}

/** Serialises a term for the API (and for idempotent replays). */
export function toTermJson(term: VocabularyTerm): VocabularyTermJson {
  return {
    vocabulary: term.vocabulary,
    code: term.code,
    labels: { ...term.labels },
    position: term.position,
    retired: term.retiredAt !== null,
    retiredAt: term.retiredAt ? term.retiredAt.toISOString() : null,
    createdAt: term.createdAt.toISOString(),
    updatedAt: term.updatedAt.toISOString(),
    version: term.version,
  };
}

/** What a term looked like, for the audit trail. */
export function termAuditState(term: VocabularyTerm): Record<string, unknown> {
  return { vocabulary: term.vocabulary, code: term.code, labels: term.labels, position: term.position, retired: term.retiredAt !== null, version: term.version };
}
