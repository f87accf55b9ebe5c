/**
 * Pieces shared by the bulletin console pages: badges (always a text label, never colour alone), the read-only
 * view of a content, CVSS scores and the accessible rendering of a diff.
 */
import type { Translator } from '#src/core/i18n/i18n';
import type { VocabularyTerm } from '#src/modules/taxonomies/taxonomies.types';
import type { BulletinContent, BulletinLanguage, PublicationState, WorkflowState } from '#src/modules/bulletins/bulletins.types';
import type { BulletinDiff, DiffPart, ListEntryDiff, SetDiff } from '#src/modules/bulletins/diff';
import type { IndicatorType } from '#src/modules/indicators/indicators';
import { labelOfCode } from '#src/modules/taxonomies/taxonomies.types';
import { bulletinLanguages } from '#src/modules/bulletins/bulletins.types';
import { renderMarkdown } from '#src/modules/bulletins/markdown';
import { parseCvssVector } from '#src/modules/vulnerabilities/cvss';
import { defang } from '#src/modules/indicators/indicators';
import { isEmptyDiff, textFields } from '#src/modules/bulletins/diff';

/** TLP labels are never translated (FIRST TLP 2.0). */
export const tlpLabel = (tlp: string): string => `TLP:${tlp.toUpperCase()}`;

/** Indicator type names: technical notations, the same in every language. */
export const indicatorLabels: Record<IndicatorType, string> = {
  ipv4: 'IPv4',
  ipv6: 'IPv6',
  cidr: 'CIDR',
  domain: 'Domain / نطاق',
  url: 'URL',
  email: 'E-mail',
  md5: 'MD5',
  sha1: 'SHA-1',
  sha256: 'SHA-256',
  sha512: 'SHA-512',
  filename: 'File / ملف',
  cve: 'CVE',
  asn: 'ASN',
};

/** The TLP badge: FIRST colour plus the label as text. */
export function TlpBadge({ tlp }: { tlp: string }) {
  return <span class={`tlp tlp--${tlp.replace('+', '-')}`}>{tlpLabel(tlp)}</span>;
}

/** The workflow state as a badge with its name. */
export function StateBadge({ i18n, state }: { i18n: Translator; state: WorkflowState }) {
  return <span class={`badge badge--state-${state}`}>{i18n.t(`bulletins.state.${state}`)}</span>;
}

/** The publication state as a badge with its name. */
export function PublicationBadge({ i18n, publication }: { i18n: Translator; publication: PublicationState }) {
  return <span class={`badge badge--publication-${publication}`}>{i18n.t(`bulletins.publication.${publication}`)}</span>;
}

/** The criticality label (from the vocabulary) in its colour. */
export function CriticalityBadge({ i18n, code, terms }: { i18n: Translator; code: string; terms: readonly VocabularyTerm[] }) {
  if (code === '') return <span class="muted">{i18n.t('bulletins.none')}</span>;
  return <span class={`badge crit--${code}`}>{labelOfCode(terms, code, i18n.locale)}</span>;
}

/** "9.8 critical" for a vector, or a dash when it does not parse. */
export function cvssText(i18n: Translator, vector: string | null): string {
  if (!vector) return '';
  const parsed = parseCvssVector(vector);
  if (!parsed.ok) return i18n.t('bulletins.cvss.invalid');
  return i18n.t('bulletins.cvss.score', { score: parsed.score.toFixed(1), severity: i18n.t(`bulletins.severity.${parsed.scoreSeverity}`) });
}

const dirOf = (l: BulletinLanguage): 'rtl' | 'ltr' => (l === 'ar' ? 'rtl' : 'ltr');

/** Sanitised Markdown (renderMarkdown strips scripts, handlers and unsafe URLs). */
export function Markdown({ source }: { source: string }) {
  if (source.trim() === '') return null;
  return <div class="prose" dangerouslySetInnerHTML={{ __html: renderMarkdown(source) }} />;
}

/** A read-only view of a bulletin's content: every language, then the structured parts. */
export function ContentView({ i18n, content, criticalities, risks, headingLevel = 2 }: { i18n: Translator; content: BulletinContent; criticalities: readonly VocabularyTerm[]; risks: readonly VocabularyTerm[]; headingLevel?: 2 | 3 }) {
  const t = i18n.t;
  const H = headingLevel === 2 ? 'h2' : 'h3';
  const Sub = headingLevel === 2 ? 'h3' : 'h4';
  const languages = [content.originalLanguage, ...bulletinLanguages.filter((l) => l !== content.originalLanguage && content.texts[l])];
  return (
    <div class="bulletin-content">
      <dl class="summary-list">
        <div>
          <dt>{t('bulletins.field.criticality')}</dt>
          <dd>
            <CriticalityBadge i18n={i18n} code={content.criticality} terms={criticalities} />
          </dd>
        </div>
        <div>
          <dt>{t('bulletins.field.tlp')}</dt>
          <dd>
            <TlpBadge tlp={content.tlp} />
          </dd>
        </div>
        <div>
          <dt>{t('bulletins.field.risks')}</dt>
          <dd>{content.risks.length === 0 ? t('bulletins.none') : content.risks.map((r) => labelOfCode(risks, r, i18n.locale)).join(' · ')}</dd>
        </div>
      </dl>
      {languages.map((l) => {
        const text = content.texts[l];
        if (!text) return null;
        return (
          <section class="bulletin-language" lang={l} dir={dirOf(l)} aria-label={t(`bulletins.language.${l}`)}>
            <H>
              {text.title || t('bulletins.untitled')} <span class="muted">({t(`bulletins.language.${l}`)})</span>
            </H>
            {text.summary ? <p class="lead">{text.summary}</p> : null}
            {text.description ? (
              <>
                <Sub>{t('bulletins.field.description')}</Sub>
                <Markdown source={text.description} />
              </>
            ) : null}
            {text.solution ? (
              <>
                <Sub>{t('bulletins.field.solution')}</Sub>
                <Markdown source={text.solution} />
              </>
            ) : null}
            {text.workarounds ? (
              <>
                <Sub>{t('bulletins.field.workarounds')}</Sub>
                <Markdown source={text.workarounds} />
              </>
            ) : null}
          </section>
        );
      })}
      {content.affected.length > 0 ? (
        <>
          <H>{t('bulletins.field.affected')}</H>
          <div class="table-wrap">
            <table class="table">
              <thead>
                <tr>
                  <th scope="col">{t('bulletins.field.vendor')}</th>
                  <th scope="col">{t('bulletins.field.product')}</th>
                  <th scope="col">{t('bulletins.field.versions')}</th>
                  <th scope="col">{t('bulletins.field.cpe')}</th>
                </tr>
              </thead>
              <tbody>
                {content.affected.map((a) => (
                  <tr>
                    <td>{a.vendor}</td>
                    <td>{a.product}</td>
                    <td dir="ltr">{a.versions}</td>
                    <td dir="ltr">
                      {a.cpe ? <code>{a.cpe}</code> : null} {a.purl ? <code>{a.purl}</code> : null}
                    </td>
                  </tr>
                ))}
              </tbody>
            </table>
          </div>
        </>
      ) : null}
      {content.cves.length > 0 ? (
        <>
          <H>{t('bulletins.field.cves')}</H>
          <div class="table-wrap">
            <table class="table">
              <thead>
                <tr>
                  <th scope="col">{t('bulletins.field.cve_id')}</th>
                  <th scope="col">{t('bulletins.field.cvss31')}</th>
                  <th scope="col">{t('bulletins.field.cvss40')}</th>
                  <th scope="col">{t('bulletins.field.cwe')}</th>
                  <th scope="col">{t('bulletins.field.exploited')}</th>
                </tr>
              </thead>
              <tbody>
                {content.cves.map((c) => (
                  <tr>
                    <td dir="ltr">{c.id}</td>
                    <td>{c.cvss31 ? <span class="cvss-score">{cvssText(i18n, c.cvss31)}</span> : ''}</td>
                    <td>{c.cvss40 ? <span class="cvss-score">{cvssText(i18n, c.cvss40)}</span> : ''}</td>
                    <td dir="ltr">{c.cwe ?? ''}</td>
                    <td>{c.exploited ? <strong>{t('bulletins.yes')}</strong> : t('bulletins.no')}</td>
                  </tr>
                ))}
              </tbody>
            </table>
          </div>
        </>
      ) : null}
      {content.references.length > 0 ? (
        <>
          <H>{t('bulletins.field.references')}</H>
          <ul>
            {content.references.map((r) => (
              <li>
                <a href={r.url} rel="noopener noreferrer nofollow">
                  {r.title || r.url}
                </a>
              </li>
            ))}
          </ul>
        </>
      ) : null}
      {content.relations.length > 0 ? (
        <>
          <H>{t('bulletins.field.relations')}</H>
          <ul>
            {content.relations.map((r) => (
              <li>
                {t(`bulletins.relation.${r.type}`)} <span dir="ltr">{r.reference}</span>
              </li>
            ))}
          </ul>
        </>
      ) : null}
      {content.indicators.length > 0 ? (
        <>
          <H>{t('bulletins.field.indicators')}</H>
          <div class="table-wrap">
            <table class="table">
              <thead>
                <tr>
                  <th scope="col">{t('bulletins.field.indicator_type')}</th>
                  <th scope="col">{t('bulletins.field.indicator_value')}</th>
                  <th scope="col">{t('bulletins.field.indicator_comment')}</th>
                </tr>
              </thead>
              <tbody>
                {content.indicators.map((i) => (
                  <tr>
                    <td>{indicatorLabels[i.type]}</td>
                    <td dir="ltr">
                      <code>{defang(i.type, i.value)}</code>
                    </td>
                    <td>{i.comment}</td>
                  </tr>
                ))}
              </tbody>
            </table>
          </div>
        </>
      ) : null}
    </div>
  );
}

/** Runs of a text diff as <ins>/<del>, each announced by a visually hidden label so colour is never the only cue. */
export function DiffText({ i18n, parts }: { i18n: Translator; parts: readonly DiffPart[] }) {
  return (
    <div class="diff-text">
      {parts.map((p) =>
        p.type === 'same' ? (
          <span>{p.text}</span>
        ) : p.type === 'added' ? (
          <ins>
            <span class="visually-hidden">{`[${i18n.t('bulletins.diff.added')}] `}</span>
            {p.text}
          </ins>
        ) : (
          <del>
            <span class="visually-hidden">{`[${i18n.t('bulletins.diff.removed')}] `}</span>
            {p.text}
          </del>
        ),
      )}
    </div>
  );
}

function ChangeLabel({ i18n, change }: { i18n: Translator; change: 'added' | 'removed' | 'changed' }) {
  return <span class={`diff-label diff-label--${change}`}>{i18n.t(`bulletins.diff.${change}`)}</span>;
}

function SetDiffRows({ i18n, label, diff, name }: { i18n: Translator; label: string; diff: SetDiff; name: (code: string) => string }) {
  if (diff.added.length === 0 && diff.removed.length === 0) return null;
  return (
    <>
      {diff.added.map((c) => (
        <tr>
          <th scope="row">{label}</th>
          <td>
            <ChangeLabel i18n={i18n} change="added" />
          </td>
          <td>
            <ins>{name(c)}</ins>
          </td>
        </tr>
      ))}
      {diff.removed.map((c) => (
        <tr>
          <th scope="row">{label}</th>
          <td>
            <ChangeLabel i18n={i18n} change="removed" />
          </td>
          <td>
            <del>{name(c)}</del>
          </td>
        </tr>
      ))}
    </>
  );
}

function ListDiffRows<T>({ i18n, label, entries, show }: { i18n: Translator; label: string; entries: readonly ListEntryDiff<T>[]; show: (item: T) => string }) {
  return (
    <>
      {entries.map((e) => (
        <tr>
          <th scope="row">{label}</th>
          <td>
            <ChangeLabel i18n={i18n} change={e.change} />
          </td>
          <td dir="auto">
            {e.change === 'changed' && e.before !== null && e.after !== null ? (
              <>
                <del>
                  <span class="visually-hidden">{`[${i18n.t('bulletins.diff.removed')}] `}</span>
                  {show(e.before)}
                </del>{' '}
                <ins>
                  <span class="visually-hidden">{`[${i18n.t('bulletins.diff.added')}] `}</span>
                  {show(e.after)}
                </ins>
              </>
            ) : e.change === 'added' && e.after !== null ? (
              <ins>{show(e.after)}</ins>
            ) : e.before !== null ? (
              <del>{show(e.before)}</del>
            ) : null}
          </td>
        </tr>
      ))}
    </>
  );
}

/** Labels the diff view needs for codes: vocabulary terms and recipients. */
export interface DiffNames {
  criticalities: readonly VocabularyTerm[];
  risks: readonly VocabularyTerm[];
  organisation: (id: string) => string;
  user: (id: string) => string;
}

/** The whole comparison: texts per language and field, then one table of structured changes. */
export function DiffView({ i18n, diff, names }: { i18n: Translator; diff: BulletinDiff; names: DiffNames }) {
  const t = i18n.t;
  if (isEmptyDiff(diff)) return <p class="muted">{t('bulletins.diff.none')}</p>;
  const scalarValue = (field: string, value: string): string => {
    if (field === 'criticality') return value === '' ? t('bulletins.none') : labelOfCode(names.criticalities, value, i18n.locale);
    if (field === 'tlp') return tlpLabel(value);
    if (field === 'kind') return t(`bulletins.kind.${value}`);
    if (field === 'originalLanguage') return t(`bulletins.language.${value}`);
    return value;
  };
  const hasStructured =
    diff.scalars.length + diff.affected.length + diff.cves.length + diff.references.length + diff.relations.length + diff.indicators.length > 0 ||
    [diff.risks, diff.recipientOrganisationIds, diff.recipientUserIds].some((s) => s.added.length + s.removed.length > 0);
  return (
    <div class="diff">
      {diff.texts.map((d) => (
        <section class="diff-field" lang={d.language} dir={dirOf(d.language)}>
          <h3>
            {t(`bulletins.field.${d.field}`)} <span class="muted">({t(`bulletins.language.${d.language}`)})</span>
          </h3>
          <DiffText i18n={i18n} parts={d.parts} />
        </section>
      ))}
      {hasStructured ? (
        <div class="table-wrap">
          <table class="table diff-table">
            <caption>{t('bulletins.diff.structured')}</caption>
            <thead>
              <tr>
                <th scope="col">{t('bulletins.diff.field')}</th>
                <th scope="col">{t('bulletins.diff.change')}</th>
                <th scope="col">{t('bulletins.diff.values')}</th>
              </tr>
            </thead>
            <tbody>
              {diff.scalars.map((s) => (
                <tr>
                  <th scope="row">{t(`bulletins.field.${s.field === 'originalLanguage' ? 'original_language' : s.field}`)}</th>
                  <td>
                    <ChangeLabel i18n={i18n} change="changed" />
                  </td>
                  <td>
                    <del>
                      <span class="visually-hidden">{`[${t('bulletins.diff.removed')}] `}</span>
                      {scalarValue(s.field, s.before)}
                    </del>{' '}
                    <ins>
                      <span class="visually-hidden">{`[${t('bulletins.diff.added')}] `}</span>
                      {scalarValue(s.field, s.after)}
                    </ins>
                  </td>
                </tr>
              ))}
              <SetDiffRows i18n={i18n} label={t('bulletins.field.risks')} diff={diff.risks} name={(c) => labelOfCode(names.risks, c, i18n.locale)} />
              <ListDiffRows i18n={i18n} label={t('bulletins.field.affected')} entries={diff.affected} show={(a) => [a.vendor, a.product, a.versions, a.cpe, a.purl].filter(Boolean).join(' · ')} />
              <ListDiffRows
                i18n={i18n}
                label={t('bulletins.field.cves')}
                entries={diff.cves}
                show={(c) => [c.id, c.cvss31, c.cvss40, c.cwe, c.exploited ? t('bulletins.field.exploited') : ''].filter(Boolean).join(' · ')}
              />
              <ListDiffRows i18n={i18n} label={t('bulletins.field.references')} entries={diff.references} show={(r) => `${r.title} <${r.url}>`} />
              <ListDiffRows i18n={i18n} label={t('bulletins.field.relations')} entries={diff.relations} show={(r) => `${t(`bulletins.relation.${r.type}`)} ${r.reference}`} />
              <ListDiffRows i18n={i18n} label={t('bulletins.field.indicators')} entries={diff.indicators} show={(r) => `${indicatorLabels[r.type]} ${defang(r.type, r.value)} ${r.comment}`.trim()} />
              <SetDiffRows i18n={i18n} label={t('bulletins.field.recipient_organisations')} diff={diff.recipientOrganisationIds} name={names.organisation} />
              <SetDiffRows i18n={i18n} label={t('bulletins.field.recipient_users')} diff={diff.recipientUserIds} name={names.user} />
            </tbody>
          </table>
        </div>
      ) : null}
    </div>
  );
}

/** The text fields, re-exported for the editor. */
export { textFields };
