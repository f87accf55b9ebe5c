import { Feed } from 'feed';

/** The two syndication formats served. */
export const feedFormats = ['rss', 'atom'] as const;
export type FeedFormat = (typeof feedFormats)[number];

/** One entry of a feed: a bulletin in one language. */
export interface FeedEntry {
  /** Absolute URL of the bulletin page (also the entry's id). */
  url: string;
  title: string;
  summary: string;
  publishedAt: Date;
  updatedAt: Date;
  /** Kind and criticality labels. */
  categories: string[];
}

/** What a feed says about itself. */
export interface FeedDescription {
  title: string;
  description: string;
  /** Absolute URL of this feed (Atom id and `rel="self"`). */
  selfUrl: string;
  /** Absolute URL of the matching HTML list. */
  pageUrl: string;
  /** RSS `language` / Atom `xml:lang` when the feed is in one language. */
  language: string | null;
  /** When the public read model last changed; fixed so the same data always gives the same bytes (ETag). */
  updated: Date;
  copyright: string;
}

/**
 * Plain text as HTML text: the `feed` package declares titles and summaries as HTML (Atom `type="html"`, RSS
 * descriptions), so a title such as "Injection via <img>" must reach the reader as text, never as markup. Escaping
 * `>` also keeps `]]>` out of the CDATA sections the package writes.
 */
function asHtmlText(text: string): string {
  return text.replace(/[&<>"]/g, (c) => ({ '&': '&amp;', '<': '&lt;', '>': '&gt;', '"': '&quot;' })[c] ?? c);
}

/**
 * An RSS 2.0 or Atom 1.0 document of the entries, built with the `feed` package. Nothing in it depends on the
 * time of the request, so two requests over the same data answer the same bytes and feed readers get 304s.
 */
export function renderFeed(format: FeedFormat, description: FeedDescription, entries: readonly FeedEntry[]): string {
  const feed = new Feed({
    id: description.selfUrl,
    title: description.title,
    description: description.description,
    link: description.pageUrl,
    ...(description.language ? { language: description.language } : {}),
    updated: description.updated,
    generator: 'Ribat',
    copyright: description.copyright,
    feedLinks: format === 'rss' ? { rss: description.selfUrl } : { atom: description.selfUrl },
  });
  for (const entry of entries) {
    feed.addItem({
      title: asHtmlText(entry.title),
      id: entry.url,
      guid: entry.url,
      link: entry.url,
      description: asHtmlText(entry.summary),
      date: entry.updatedAt,
      published: entry.publishedAt,
      category: entry.categories.map((name) => ({ name, term: name })),
    });
  }
  return format === 'rss' ? feed.rss2() : feed.atom1();
}

/** The media type of a feed format. */
export function feedMediaType(format: FeedFormat): string {
  return format === 'rss' ? 'application/rss+xml; charset=utf-8' : 'application/atom+xml; charset=utf-8';
}
