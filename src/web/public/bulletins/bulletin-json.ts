import type { Locale } from '#src/core/i18n/i18n';
import type { VocabularyTerm } from '#src/modules/taxonomies/taxonomies.types';
import type { ListingItem, PublicBulletin } from '#src/modules/bulletins/listing.repository';
import type { BulletinLanguage, BulletinText } from '#src/modules/bulletins/bulletins.types';
import { availableLanguages, referenceSlug, textIn } from '#src/modules/bulletins/bulletins.types';
import { labelOfCode } from '#src/modules/taxonomies/taxonomies.types';
import { parseCvssVector } from '#src/modules/vulnerabilities/cvss';

/** A CVSS vector with its computed score (null when the bulletin gives none). */
export interface CvssJson {
  vector: string;
  score: number;
  base_score: number;
  severity: string;
}

/**
 * The JSON document of one bulletin (`/bulletins/:slug.json`), shaped like CERT-FR's per-item JSON (reference,
 * title, summary, content, risks, affected_systems, cves, vendor_advisories, links, revisions) with Ribat's
 * additions (kind, criticality, TLP, status, languages, CVSS scores, indicators). Documented in docs/PUBLIC-DATA.md.
 */
export interface BulletinJson {
  reference: string;
  url: string;
  kind: string;
  status: string;
  tlp: string;
  criticality: { code: string; label: string } | null;
  language: string;
  original_language: string;
  available_languages: string[];
  title: string;
  summary: string;
  content: string;
  description: string;
  solution: string;
  workarounds: string;
  risks: { code: string; description: string }[];
  affected_systems: { description: string; product: { name: string; vendor: { name: string; scada: boolean } }; versions: string; cpe: string | null; purl: string | null }[];
  cves: { name: string; url: string; cwe: string | null; exploited: boolean; cvss_v3_1: CvssJson | null; cvss_v4_0: CvssJson | null }[];
  vendor_advisories: { title: string; url: string; published_at: null }[];
  links: { relation: string; reference: string; url: string }[];
  indicators: { type: string; value: string; comment: string }[];
  aliases: string[];
  first_published: string;
  last_updated: string;
  closed_at: string | null;
  withdrawn_at: string | null;
  withdrawal_reason: string | null;
  revision: number;
  revisions: { revision: number; revision_date: string; description: string }[];
}

function cvssJson(vector: string | null): CvssJson | null {
  if (vector === null || vector === '') return null;
  const parsed = parseCvssVector(vector);
  if (!parsed.ok) return null;
  return { vector: parsed.vector, score: parsed.score, base_score: parsed.baseScore, severity: parsed.scoreSeverity };
}

const sectionTitles: Record<Locale, { solution: string; workarounds: string }> = {
  fr: { solution: 'Solution', workarounds: 'Mesures de contournement' },
  ar: { solution: 'الحل', workarounds: 'تدابير التخفيف المؤقتة' },
  en: { solution: 'Solution', workarounds: 'Workarounds' },
};

/** The whole text as one Markdown document, as CERT-FR's `content`. */
function fullContent(text: BulletinText, language: BulletinLanguage): string {
  const parts = [text.description.trim()];
  if (text.solution.trim() !== '') parts.push(`## ${sectionTitles[language].solution}\n\n${text.solution.trim()}`);
  if (text.workarounds.trim() !== '') parts.push(`## ${sectionTitles[language].workarounds}\n\n${text.workarounds.trim()}`);
  return parts.filter((p) => p !== '').join('\n\n');
}

/** Serialises a public bulletin in `language` (the original when that translation is missing). */
export function toBulletinJson(bulletin: PublicBulletin, language: BulletinLanguage | null, publicUrl: string, criticalities: readonly VocabularyTerm[], risks: readonly VocabularyTerm[]): BulletinJson {
  const content = bulletin.content;
  const shown = textIn(content, language ?? content.originalLanguage);
  const text = shown.text;
  const labelLocale: Locale = shown.language;
  return {
    reference: bulletin.reference,
    url: `${publicUrl}/bulletins/${bulletin.slug}`,
    kind: bulletin.kind,
    status: bulletin.publication,
    tlp: content.tlp.toUpperCase(),
    criticality: content.criticality !== '' ? { code: content.criticality, label: labelOfCode(criticalities, content.criticality, labelLocale) } : null,
    language: shown.language,
    original_language: content.originalLanguage,
    available_languages: availableLanguages(content),
    title: text.title,
    summary: text.summary,
    content: fullContent(text, shown.language),
    description: text.description,
    solution: text.solution,
    workarounds: text.workarounds,
    risks: content.risks.map((code) => ({ code, description: labelOfCode(risks, code, labelLocale) })),
    affected_systems: content.affected.map((a) => ({
      description: [a.vendor, a.product, a.versions].filter((s) => s.trim() !== '').join(' '),
      product: { name: a.product, vendor: { name: a.vendor, scada: false } },
      versions: a.versions,
      cpe: a.cpe,
      purl: a.purl,
    })),
    cves: content.cves.map((c) => ({
      name: c.id,
      url: `https://www.cve.org/CVERecord?id=${encodeURIComponent(c.id)}`,
      cwe: c.cwe,
      exploited: c.exploited,
      cvss_v3_1: cvssJson(c.cvss31),
      cvss_v4_0: cvssJson(c.cvss40),
    })),
    vendor_advisories: content.references.map((r) => ({ title: r.title, url: r.url, published_at: null })),
    links: content.relations.map((r) => ({ relation: r.type, reference: r.reference, url: `${publicUrl}/bulletins/${referenceSlug(r.reference)}` })),
    indicators: content.indicators.map((i) => ({ type: i.type, value: i.value, comment: i.comment })),
    aliases: bulletin.aliases,
    first_published: bulletin.firstPublishedAt.toISOString(),
    last_updated: bulletin.lastPublishedAt.toISOString(),
    closed_at: bulletin.closedAt?.toISOString() ?? null,
    withdrawn_at: bulletin.withdrawnAt?.toISOString() ?? null,
    withdrawal_reason: bulletin.withdrawalReason,
    revision: bulletin.revision,
    revisions: [...bulletin.revisions].sort((a, b) => a.number - b.number).map((r) => ({ revision: r.number, revision_date: r.publishedAt.toISOString(), description: r.changeSummary })),
  };
}

/** One entry of the JSON index (`/bulletins/index.json`). */
export interface BulletinIndexEntryJson {
  reference: string;
  title: string;
  summary: string;
  kind: string;
  status: string;
  tlp: string;
  criticality: string;
  language: string;
  revision: number;
  first_published: string;
  last_updated: string;
  url: string;
  json_url: string;
}

/** Serialises a listing line for the JSON index. */
export function toIndexEntryJson(item: ListingItem, publicUrl: string): BulletinIndexEntryJson {
  const url = `${publicUrl}/bulletins/${item.slug}`;
  return {
    reference: item.reference,
    title: item.title,
    summary: item.summary,
    kind: item.kind,
    status: item.publication,
    tlp: item.tlp.toUpperCase(),
    criticality: item.criticality,
    language: item.language,
    revision: item.revision,
    first_published: item.firstPublishedAt.toISOString(),
    last_updated: item.lastPublishedAt.toISOString(),
    url,
    json_url: item.isOriginal ? `${url}.json` : `${url}.json?language=${item.language}`,
  };
}
