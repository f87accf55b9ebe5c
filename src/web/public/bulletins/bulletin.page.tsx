import type { PageContext } from '#src/web/page-context';
import type { VocabularyTerm } from '#src/modules/taxonomies/taxonomies.types';
import type { PublicBulletin } from '#src/modules/bulletins/listing.repository';
import type { BulletinCve } from '#src/modules/bulletins/bulletins.types';
import type { AlternateLink } from '#src/web/layout';
import type { Translator } from '#src/core/i18n/i18n';
import { PublicPage } from '#src/web/layout';
import { Notice } from '#src/web/components/form';
import { availableLanguages, referenceSlug, textIn } from '#src/modules/bulletins/bulletins.types';
import { labelOfCode } from '#src/modules/taxonomies/taxonomies.types';
import { EXTERNAL_LINK_REL, isSafeLinkUrl, renderMarkdown } from '#src/modules/bulletins/markdown';
import { parseCvssVector } from '#src/modules/vulnerabilities/cvss';
import { defang } from '#src/modules/indicators/indicators';
import { directionOf } from '#src/core/i18n/i18n';
import { CriticalityBadge, TlpBadge } from '#src/web/public/bulletins/bulletin-components';

/** Native names of the bulletin languages, for the per-bulletin language switch. */
const nativeNames = { fr: 'Français', ar: 'العربية', en: 'English' } as const;

interface BulletinPageProps {
  page: PageContext;
  bulletin: PublicBulletin;
  criticalities: readonly VocabularyTerm[];
  risks: readonly VocabularyTerm[];
  /** Offer the PDF link (only when the system Chromium is configured). */
  pdfAvailable: boolean;
  alternates: AlternateLink[];
}

function CvssCell({ vector, i18n }: { vector: string | null; i18n: Translator }) {
  if (vector === null || vector === '') return <td>—</td>;
  const parsed = parseCvssVector(vector);
  if (!parsed.ok) {
    return (
      <td>
        <code dir="ltr">{vector}</code>
      </td>
    );
  }
  return (
    <td>
      <strong class={`cvss cvss--${parsed.scoreSeverity}`}>
        {`${parsed.score.toFixed(1)} (${i18n.t(`bulletins.public.severity.${parsed.scoreSeverity}`)})`}
      </strong>
      <br />
      <code class="cvss-vector" dir="ltr">
        {parsed.vector}
      </code>
    </td>
  );
}

function CveTable({ cves, i18n }: { cves: readonly BulletinCve[]; i18n: Translator }) {
  const t = i18n.t;
  return (
    <div class="table-wrap">
      <table class="table">
        <thead>
          <tr>
            <th scope="col">{t('bulletins.public.cve.id')}</th>
            <th scope="col">{t('bulletins.public.cve.cvss31')}</th>
            <th scope="col">{t('bulletins.public.cve.cvss40')}</th>
            <th scope="col">{t('bulletins.public.cve.cwe')}</th>
            <th scope="col">{t('bulletins.public.cve.exploited')}</th>
          </tr>
        </thead>
        <tbody>
          {cves.map((cve) => (
            <tr>
              <th scope="row">
                <a href={`https://www.cve.org/CVERecord?id=${encodeURIComponent(cve.id)}`} rel={EXTERNAL_LINK_REL} dir="ltr">
                  {cve.id}
                </a>
              </th>
              <CvssCell vector={cve.cvss31} i18n={i18n} />
              <CvssCell vector={cve.cvss40} i18n={i18n} />
              <td dir="ltr">{cve.cwe ?? '—'}</td>
              <td>{cve.exploited ? <strong class="exploited">{t('bulletins.public.cve.exploitedYes')}</strong> : t('bulletins.public.cve.exploitedNo')}</td>
            </tr>
          ))}
        </tbody>
      </table>
    </div>
  );
}

function Markdown({ source }: { source: string }) {
  // renderMarkdown sanitises (no raw HTML, no script, no event handler, no javascript: URL).
  return <div class="prose" dangerouslySetInnerHTML={{ __html: renderMarkdown(source) }} />;
}

/**
 * A published bulletin, maCERT-style: identification, criticality and TLP, risks, affected systems, CVEs with
 * CVSS scores, assessment, solution, workarounds, indicators (defanged), references, related bulletins and the
 * revision history. Shown in the interface language when translated, otherwise in the original with a notice.
 * Print-ready (see the print rules of ribat.css); the same document is printed to PDF.
 */
export function BulletinPage({ page, bulletin, criticalities, risks, pdfAvailable, alternates }: BulletinPageProps) {
  const { i18n } = page;
  const t = i18n.t;
  const content = bulletin.content;
  const shown = textIn(content, i18n.locale);
  const text = shown.text;
  const languages = availableLanguages(content);
  const foreign = shown.language !== i18n.locale;
  const langAttrs = foreign ? { lang: shown.language, dir: directionOf(shown.language) } : {};
  const languageName = (l: string) => t(`bulletins.public.lang.${l}`);
  return (
    <PublicPage page={page} title={`${bulletin.reference} · ${text.title}`} alternates={alternates}>
      <article class="bulletin" aria-labelledby="bulletin-title">
        <p class="bulletin__kind">
          <span class="badge">{t(`bulletins.public.kind.${bulletin.kind}`)}</span> <CriticalityBadge code={content.criticality} terms={criticalities} i18n={i18n} /> <TlpBadge tlp={content.tlp} />
        </p>
        <h1 id="bulletin-title" {...langAttrs}>
          {text.title}
        </h1>

        {shown.isFallback ? (
          <Notice kind="info">
            <p>{t('bulletins.public.fallback', { language: languageName(i18n.locale), original: languageName(shown.language) })}</p>
          </Notice>
        ) : null}
        {bulletin.publication === 'withdrawn' ? (
          <Notice kind="warning">
            <p>{t('bulletins.public.withdrawn', { date: i18n.formatDate(bulletin.withdrawnAt ?? bulletin.lastPublishedAt) })}</p>
            {bulletin.withdrawalReason ? <p dir="auto">{t('bulletins.public.withdrawnReason', { reason: bulletin.withdrawalReason })}</p> : null}
          </Notice>
        ) : null}
        {bulletin.publication === 'closed' ? (
          <Notice kind="info">
            <p>{t('bulletins.public.closed', { date: i18n.formatDate(bulletin.closedAt ?? bulletin.lastPublishedAt) })}</p>
          </Notice>
        ) : null}
        {content.tlp !== 'clear' ? (
          <Notice kind="warning">
            <p>{t('bulletins.public.restricted', { tlp: `TLP:${content.tlp.toUpperCase()}` })}</p>
          </Notice>
        ) : null}

        <dl class="summary-list bulletin__facts">
          <dt>{t('bulletins.public.reference')}</dt>
          <dd dir="ltr" class="bulletin__reference">
            {bulletin.reference}
          </dd>
          {bulletin.aliases.length > 0 ? (
            <>
              <dt>{t('bulletins.public.aliases')}</dt>
              <dd dir="ltr">{bulletin.aliases.join(', ')}</dd>
            </>
          ) : null}
          <dt>{t('bulletins.public.kindLabel')}</dt>
          <dd>{t(`bulletins.public.kind.${bulletin.kind}`)}</dd>
          <dt>{t('bulletins.public.criticality')}</dt>
          <dd>{content.criticality !== '' ? labelOfCode(criticalities, content.criticality, i18n.locale) : '—'}</dd>
          <dt>{t('bulletins.public.tlp')}</dt>
          <dd>
            <TlpBadge tlp={content.tlp} />
          </dd>
          <dt>{t('bulletins.public.firstPublished')}</dt>
          <dd>
            <time dateTime={bulletin.firstPublishedAt.toISOString()}>{i18n.formatDate(bulletin.firstPublishedAt)}</time>
          </dd>
          <dt>{t('bulletins.public.lastUpdated')}</dt>
          <dd>
            <time dateTime={bulletin.lastPublishedAt.toISOString()}>{i18n.formatDate(bulletin.lastPublishedAt)}</time>
          </dd>
          <dt>{t('bulletins.public.revision')}</dt>
          <dd>{bulletin.revision}</dd>
        </dl>

        {languages.length > 1 ? (
          <nav class="bulletin__languages" aria-label={t('bulletins.public.languages')}>
            <ul>
              {languages.map((l) =>
                l === shown.language ? (
                  <li>
                    <span aria-current="true" lang={l}>
                      {nativeNames[l]}
                    </span>
                  </li>
                ) : (
                  <li>
                    <a href={`/bulletins/${bulletin.slug}?lang=${l}`} lang={l} hrefLang={l}>
                      {nativeNames[l]}
                    </a>
                  </li>
                ),
              )}
            </ul>
          </nav>
        ) : null}

        <div {...langAttrs}>
          {text.summary !== '' ? <p class="lead">{text.summary}</p> : null}
        </div>

        {content.risks.length > 0 ? (
          <section aria-labelledby="risks">
            <h2 id="risks">{t('bulletins.public.risks')}</h2>
            <ul>
              {content.risks.map((code) => (
                <li>{labelOfCode(risks, code, i18n.locale)}</li>
              ))}
            </ul>
          </section>
        ) : null}

        {content.affected.length > 0 ? (
          <section aria-labelledby="affected">
            <h2 id="affected">{t('bulletins.public.affected')}</h2>
            <div class="table-wrap">
              <table class="table">
                <thead>
                  <tr>
                    <th scope="col">{t('bulletins.public.affected.vendor')}</th>
                    <th scope="col">{t('bulletins.public.affected.product')}</th>
                    <th scope="col">{t('bulletins.public.affected.versions')}</th>
                  </tr>
                </thead>
                <tbody>
                  {content.affected.map((a) => (
                    <tr>
                      <td>
                        <a href={`/bulletins?vendor=${encodeURIComponent(a.vendor)}`}>{a.vendor}</a>
                      </td>
                      <td>
                        <a href={`/bulletins?vendor=${encodeURIComponent(a.vendor)}&product=${encodeURIComponent(a.product)}`}>{a.product}</a>
                        {a.cpe ? (
                          <>
                            <br />
                            <code class="cpe" dir="ltr">
                              {a.cpe}
                            </code>
                          </>
                        ) : null}
                      </td>
                      {/* "< 6.8.2" has no strong character: without an explicit direction it would read "6.8.2 <" in Arabic. */}
                      <td dir={/[\u0590-\u08ff]/.test(a.versions) ? 'rtl' : 'ltr'}>{a.versions}</td>
                    </tr>
                  ))}
                </tbody>
              </table>
            </div>
          </section>
        ) : null}

        {content.cves.length > 0 ? (
          <section aria-labelledby="cves">
            <h2 id="cves">{t('bulletins.public.cves')}</h2>
            <CveTable cves={content.cves} i18n={i18n} />
          </section>
        ) : null}

        <div {...langAttrs}>
          {(['description', 'solution', 'workarounds'] as const).map((part) =>
            text[part].trim() !== '' ? (
              <section aria-labelledby={part}>
                <h2 id={part}>{t(`bulletins.public.${part}`)}</h2>
                <Markdown source={text[part]} />
              </section>
            ) : null,
          )}
        </div>

        {content.indicators.length > 0 ? (
          <section aria-labelledby="indicators">
            <h2 id="indicators">{t('bulletins.public.indicators')}</h2>
            <p class="muted">{t('bulletins.public.indicators.defanged')}</p>
            <div class="table-wrap">
              <table class="table">
                <thead>
                  <tr>
                    <th scope="col">{t('bulletins.public.indicator.type')}</th>
                    <th scope="col">{t('bulletins.public.indicator.value')}</th>
                    <th scope="col">{t('bulletins.public.indicator.comment')}</th>
                  </tr>
                </thead>
                <tbody>
                  {content.indicators.map((ioc) => (
                    <tr>
                      <td dir="ltr">{ioc.type}</td>
                      <td>
                        <code class="ioc" dir="ltr">
                          {defang(ioc.type, ioc.value)}
                        </code>
                      </td>
                      <td dir="auto">{ioc.comment}</td>
                    </tr>
                  ))}
                </tbody>
              </table>
            </div>
          </section>
        ) : null}

        {content.references.length > 0 ? (
          <section aria-labelledby="references">
            <h2 id="references">{t('bulletins.public.references')}</h2>
            <ul class="bulletin__references">
              {content.references.map((r) => (
                <li>{isSafeLinkUrl(r.url) ? <a href={r.url} rel={EXTERNAL_LINK_REL}>{r.title || r.url}</a> : <span dir="auto">{r.title || r.url}</span>}</li>
              ))}
            </ul>
          </section>
        ) : null}

        {content.relations.length > 0 ? (
          <section aria-labelledby="relations">
            <h2 id="relations">{t('bulletins.public.relations')}</h2>
            <ul>
              {content.relations.map((r) => (
                <li>
                  {t(`bulletins.public.relation.${r.type}`)}{' '}
                  <a href={`/bulletins/${referenceSlug(r.reference)}`} dir="ltr">
                    {r.reference}
                  </a>
                </li>
              ))}
            </ul>
          </section>
        ) : null}

        <section aria-labelledby="history">
          <h2 id="history">{t('bulletins.public.history')}</h2>
          <ol class="bulletin__history" reversed>
            {bulletin.revisions.map((r) => (
              <li>
                <strong>{t('bulletins.public.history.item', { number: r.number, date: i18n.formatDate(r.publishedAt) })}</strong>
                {r.changeSummary !== '' ? <> : <span dir="auto">{r.changeSummary}</span></> : null}
              </li>
            ))}
          </ol>
        </section>

        <section aria-labelledby="downloads" class="bulletin__downloads">
          <h2 id="downloads">{t('bulletins.public.downloads')}</h2>
          <ul>
            <li>
              <a href={`/bulletins/${bulletin.slug}.json`} type="application/json">
                {t('bulletins.public.json')}
              </a>
            </li>
            {pdfAvailable ? (
              <li>
                <a href={`/bulletins/${bulletin.slug}.pdf?lang=${i18n.locale}`} type="application/pdf">
                  {t('bulletins.public.pdf')}
                </a>
              </li>
            ) : null}
          </ul>
        </section>
      </article>
    </PublicPage>
  );
}
