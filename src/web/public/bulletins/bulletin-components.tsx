import type { Translator } from '#src/core/i18n/i18n';
import type { VocabularyTerm } from '#src/modules/taxonomies/taxonomies.types';
import type { ListingItem } from '#src/modules/bulletins/listing.repository';
import type { Tlp } from '#src/modules/bulletins/bulletins.types';
import type { AlternateLink } from '#src/web/layout';
import { labelOfCode } from '#src/modules/taxonomies/taxonomies.types';
import { directionOf } from '#src/core/i18n/i18n';

/** The label of a TLP level as FIRST writes it (never translated). */
export function tlpLabel(tlp: Tlp): string {
  return `TLP:${tlp.toUpperCase()}`;
}

/** TLP in FIRST's colours, with its label as text (colour is never the only signal). */
export function TlpBadge({ tlp }: { tlp: Tlp }) {
  return <span class={`tlp tlp--${tlp.replace('+', '-')}`}>{tlpLabel(tlp)}</span>;
}

/** Criticality with its colour and its label; codes are vocabulary codes (lower-case letters, digits, hyphens). */
export function CriticalityBadge({ code, terms, i18n }: { code: string; terms: readonly VocabularyTerm[]; i18n: Translator }) {
  if (code === '') return null;
  const label = labelOfCode(terms, code, i18n.locale);
  return (
    <span class={`badge crit crit--${code}`} title={i18n.t('bulletins.public.criticality')}>
      {label}
    </span>
  );
}

/** The feeds of the public site, advertised with `<link rel="alternate">` on the home page and the list. */
export function feedAlternates(i18n: Translator, siteName: string, criticalCode: string | null): AlternateLink[] {
  const language = `language=${i18n.locale}`;
  const title = (what: string) => i18n.t('bulletins.public.feed.title', { site: siteName, what });
  const links: AlternateLink[] = [
    { href: `/feeds/bulletins.rss?${language}`, type: 'application/rss+xml', title: title(i18n.t('bulletins.public.feed.all')) },
    { href: `/feeds/bulletins.atom?${language}`, type: 'application/atom+xml', title: title(i18n.t('bulletins.public.feed.all')) },
    { href: `/feeds/bulletins.rss?${language}&kind=alert`, type: 'application/rss+xml', title: title(i18n.t('bulletins.public.feed.alerts')) },
  ];
  if (criticalCode) links.push({ href: `/feeds/bulletins.rss?${language}&criticality=${encodeURIComponent(criticalCode)}`, type: 'application/rss+xml', title: title(i18n.t('bulletins.public.feed.critical')) });
  return links;
}

/** Visible links to the same feeds (for people who do not know about `<link rel="alternate">`). */
export function FeedLinks({ alternates, i18n }: { alternates: AlternateLink[]; i18n: Translator }) {
  return (
    <section class="feed-links" aria-labelledby="feeds-title">
      <h2 id="feeds-title">{i18n.t('bulletins.public.feeds')}</h2>
      <p>{i18n.t('bulletins.public.feeds.lead')}</p>
      <ul>
        {alternates.map((a) => (
          <li>
            <a href={a.href} type={a.type}>
              {`${a.title} (${a.type.includes('atom') ? 'Atom' : 'RSS'})`}
            </a>
          </li>
        ))}
      </ul>
      <p>
        <a class="button" href="/subscribe">
          {i18n.t('bulletins.public.subscribe')}
        </a>
      </p>
    </section>
  );
}

const SUMMARY_MAX = 280;

function shorten(text: string): string {
  return text.length <= SUMMARY_MAX ? text : `${text.slice(0, SUMMARY_MAX - 1).trimEnd()}…`;
}

/** A list of bulletins (home page, list page): badges, title, reference and date, summary. */
export function BulletinList({ items, i18n, criticalities, headingLevel = 3 }: { items: readonly ListingItem[]; i18n: Translator; criticalities: readonly VocabularyTerm[]; headingLevel?: 2 | 3 }) {
  const Heading = headingLevel === 2 ? 'h2' : 'h3';
  return (
    <ol class="bulletin-list">
      {items.map((item) => {
        const foreign = item.language !== i18n.locale;
        return (
          <li class="bulletin-item">
            <p class="bulletin-item__badges">
              <span class="badge">{i18n.t(`bulletins.public.kind.${item.kind}`)}</span> <CriticalityBadge code={item.criticality} terms={criticalities} i18n={i18n} />
              {item.tlp !== 'clear' ? <> <TlpBadge tlp={item.tlp} /></> : null}
              {item.publication === 'closed' ? <> <span class="badge">{i18n.t('bulletins.public.closedBadge')}</span></> : null}
            </p>
            <Heading class="bulletin-item__title" lang={foreign ? item.language : undefined} dir={foreign ? directionOf(item.language) : undefined}>
              <a href={`/bulletins/${item.slug}`}>{item.title}</a>
            </Heading>
            <p class="bulletin-item__meta muted">
              <span dir="ltr">{item.reference}</span> · <time dateTime={item.firstPublishedAt.toISOString()}>{i18n.formatDate(item.firstPublishedAt)}</time>
              {foreign ? ` · ${i18n.t('bulletins.public.inLanguage', { language: i18n.t(`bulletins.public.lang.${item.language}`) })}` : ''}
            </p>
            {item.summary !== '' ? (
              <p lang={foreign ? item.language : undefined} dir={foreign ? directionOf(item.language) : undefined}>
                {shorten(item.summary)}
              </p>
            ) : null}
          </li>
        );
      })}
    </ol>
  );
}
