import { Type, type Static } from '@sinclair/typebox';
import type { FastifyReply, FastifyRequest } from 'fastify';
import type { App } from '#src/plugins/types';
import type { AppServices } from '#src/app';
import type { BulletinKind, BulletinLanguage } from '#src/modules/bulletins/bulletins.types';
import type { ListingFilters, PublicBulletin } from '#src/modules/bulletins/listing.repository';
import type { FeedFormat } from '#src/modules/bulletins/feeds';
import type { FormErrors } from '#src/web/components/form';
import type { ListFilterValues } from '#src/web/public/bulletins/list.page';
import { AppError } from '#src/core/errors';
import { createTranslator } from '#src/core/i18n/i18n';
import { decodeCursor, encodeCursor } from '#src/core/pagination';
import { bulletinKinds, bulletinLanguages } from '#src/modules/bulletins/bulletins.types';
import { findLastPublicChange, findPublicBulletinBySlug, findPublicBulletins, findSitemapEntries, listingCursor } from '#src/modules/bulletins/listing.repository';
import { publicViewer, viewerOf } from '#src/modules/bulletins/visibility';
import { feedMediaType, renderFeed } from '#src/modules/bulletins/feeds';
import { selfContained, sendPrintedPdf } from '#src/web/print';
import { findTerms } from '#src/modules/taxonomies/taxonomies.repository';
import { labelOfCode } from '#src/modules/taxonomies/taxonomies.types';
import { renderDocument } from '#src/web/render';
import { pageContext } from '#src/web/page-context';
import { RenderCache, sendCacheable } from '#src/web/public/bulletins/http-cache';
import { BulletinListPage } from '#src/web/public/bulletins/list.page';
import { BulletinPage } from '#src/web/public/bulletins/bulletin.page';
import { feedAlternates } from '#src/web/public/bulletins/bulletin-components';
import { toBulletinJson, toIndexEntryJson } from '#src/web/public/bulletins/bulletin-json';

const PER_PAGE = 20;
const FEED_ITEMS = 50;
const SITEMAP_MAX = 50_000;
/** Pages vary with the session (header, TLP) and with the negotiated language. */
const PAGE_VARY = 'Cookie, Accept-Language';

const LanguageUnion = Type.Union([...bulletinLanguages.map((l) => Type.Literal(l))]);
const KindUnion = Type.Union([...bulletinKinds.map((k) => Type.Literal(k))]);
const CriticalityCode = Type.String({ maxLength: 60, pattern: '^[a-z0-9-]*$' });

const ListQuery = Type.Object({
  q: Type.Optional(Type.String({ maxLength: 200 })),
  kind: Type.Optional(Type.Union([KindUnion, Type.Literal('')])),
  criticality: Type.Optional(CriticalityCode),
  vendor: Type.Optional(Type.String({ maxLength: 100 })),
  product: Type.Optional(Type.String({ maxLength: 100 })),
  cve: Type.Optional(Type.String({ maxLength: 30 })),
  from: Type.Optional(Type.String({ maxLength: 30 })),
  to: Type.Optional(Type.String({ maxLength: 30 })),
  language: Type.Optional(Type.Union([LanguageUnion, Type.Literal('')])),
  cursor: Type.Optional(Type.String({ maxLength: 500 })),
});
const IndexQuery = Type.Object({
  language: Type.Optional(LanguageUnion),
  kind: Type.Optional(KindUnion),
  limit: Type.Optional(Type.Integer({ minimum: 1, maximum: 500, default: 100 })),
  cursor: Type.Optional(Type.String({ maxLength: 500 })),
});
const FeedQuery = Type.Object({
  language: Type.Optional(LanguageUnion),
  kind: Type.Optional(KindUnion),
  criticality: Type.Optional(CriticalityCode),
});
const SlugParams = Type.Object({ slug: Type.String({ minLength: 1, maxLength: 200 }) });
const JsonQuery = Type.Object({ language: Type.Optional(LanguageUnion) });

/** The offset of `timeZone` from UTC at `date`, in milliseconds. */
function zoneOffset(date: Date, timeZone: string): number {
  const parts = new Intl.DateTimeFormat('en-US', { timeZone, hourCycle: 'h23', year: 'numeric', month: '2-digit', day: '2-digit', hour: '2-digit', minute: '2-digit', second: '2-digit' }).formatToParts(date);
  const get = (type: string) => Number(parts.find((p) => p.type === type)?.value ?? 0);
  return Date.UTC(get('year'), get('month') - 1, get('day'), get('hour'), get('minute'), get('second')) - date.getTime();
}

/** Midnight of a `YYYY-MM-DD` day in the CERT's time zone (plus `days`), or null when the text is not a date. */
function dayStart(value: string, timeZone: string, days = 0): Date | null {
  const m = /^(\d{4})-(\d{2})-(\d{2})$/.exec(value);
  if (!m) return null;
  const [y, mo, d] = [Number(m[1]), Number(m[2]), Number(m[3])];
  const utc = Date.UTC(y, mo - 1, d + days);
  const check = new Date(Date.UTC(y, mo - 1, d));
  if (check.getUTCFullYear() !== y || check.getUTCMonth() !== mo - 1 || check.getUTCDate() !== d || y < 1990 || y > 9999) return null;
  return new Date(utc - zoneOffset(new Date(utc), timeZone));
}

function escapeXml(text: string): string {
  return text.replace(/[<>&'"]/g, (c) => ({ '<': '&lt;', '>': '&gt;', '&': '&amp;', "'": '&apos;', '"': '&quot;' })[c] ?? c);
}

function latest(...dates: (Date | null)[]): Date {
  return new Date(Math.max(...dates.filter((d): d is Date => d !== null).map((d) => d.getTime())));
}

/** True when the answer depends on who is signed in (never stored by shared caches). */
function isPersonal(request: FastifyRequest): boolean {
  return request.auth.kind !== 'anonymous';
}

/** The public bulletin site: list and search, pages, JSON, feeds, sitemap, PDF. */
export function bulletinsPublicRoutes(app: App, services: AppServices): void {
  const { database, config, catalogue } = services;
  const { db, dialect } = database;

  async function vocabularies() {
    const [criticalities, risks] = await Promise.all([findTerms(db, 'criticality', { includeRetired: true }), findTerms(db, 'risk', { includeRetired: true })]);
    return { criticalities, risks, criticalCode: criticalities.find((c) => c.retiredAt === null)?.code ?? null };
  }

  /** The bulletin behind the slug for this request's viewer; redirects aliases; 404 for anything else. */
  async function lookup(request: FastifyRequest, reply: FastifyReply, slug: string, suffix: string): Promise<PublicBulletin | null> {
    const found = await findPublicBulletinBySlug(db, viewerOf(request.ctx.actor), slug);
    if (found.kind === 'none') throw new AppError('not_found');
    if (found.kind === 'redirect') {
      const query = request.url.includes('?') ? request.url.slice(request.url.indexOf('?')) : '';
      await reply.redirect(`/bulletins/${found.slug}${suffix}${query}`, 301);
      return null;
    }
    return found.bulletin;
  }

  function bulletinLastModified(bulletin: PublicBulletin): Date {
    return latest(bulletin.lastPublishedAt, bulletin.closedAt, bulletin.withdrawnAt);
  }

  // ---- The list and search ------------------------------------------------------------------------------------

  app.get('/bulletins', { config: { access: 'public' }, schema: { hide: true, querystring: ListQuery } }, async (request, reply) => {
    const q = request.query;
    const values: ListFilterValues = {
      q: q.q?.trim() ?? '',
      kind: q.kind ?? '',
      criticality: q.criticality ?? '',
      vendor: q.vendor?.trim() ?? '',
      product: q.product?.trim() ?? '',
      cve: q.cve?.trim() ?? '',
      from: q.from?.trim() ?? '',
      to: q.to?.trim() ?? '',
      language: q.language ?? '',
    };
    const errors: FormErrors = {};
    const from = values.from === '' ? null : dayStart(values.from, config.timezone);
    const before = values.to === '' ? null : dayStart(values.to, config.timezone, 1);
    if (values.from !== '' && from === null) errors.from = request.i18n.t('field.invalid_date');
    if (values.to !== '' && before === null) errors.to = request.i18n.t('field.invalid_date');
    const filters: ListingFilters = {
      q: values.q || undefined,
      kind: (values.kind || undefined) as BulletinKind | undefined,
      criticality: values.criticality || undefined,
      vendor: values.vendor || undefined,
      product: values.product || undefined,
      cve: values.cve || undefined,
      from: from ?? undefined,
      before: before ?? undefined,
      language: (values.language || undefined) as BulletinLanguage | undefined,
    };
    const after = decodeCursor(q.cursor);
    const viewer = viewerOf(request.ctx.actor);
    const rows = await findPublicBulletins(db, dialect, viewer, filters, request.i18n.locale, after, PER_PAGE + 1);
    const items = rows.slice(0, PER_PAGE);
    const last = items[items.length - 1];
    let nextHref: string | null = null;
    if (rows.length > PER_PAGE && last) {
      const params = new URLSearchParams(Object.entries(values).filter(([, v]) => v !== ''));
      params.set('cursor', encodeCursor(listingCursor(last)));
      nextHref = `/bulletins?${params.toString()}`;
    }
    const { criticalities, criticalCode } = await vocabularies();
    const page = pageContext(request, config.siteName);
    const html = renderDocument(
      <BulletinListPage
        page={page}
        filters={values}
        errors={errors}
        items={items}
        criticalities={criticalities}
        nextHref={nextHref}
        isFirst={after === null}
        alternates={feedAlternates(request.i18n, config.siteName, criticalCode)}
      />,
    );
    return sendCacheable(request, reply, {
      body: html,
      type: 'text/html; charset=utf-8',
      lastModified: await findLastPublicChange(db),
      personal: isPersonal(request),
      vary: PAGE_VARY,
      status: Object.keys(errors).length > 0 ? 400 : 200,
    });
  });

  app.get('/bulletins/index.json', { config: { access: 'public', formless: true }, schema: { hide: true, querystring: IndexQuery } }, async (request, reply) => {
    const q = request.query;
    const limit = q.limit ?? 100;
    const after = decodeCursor(q.cursor);
    const rows = await findPublicBulletins(db, dialect, viewerOf(request.ctx.actor), { kind: q.kind, language: q.language }, null, after, limit + 1);
    const items = rows.slice(0, limit);
    const last = items[items.length - 1];
    let next: string | null = null;
    if (rows.length > limit && last) {
      const params = new URLSearchParams();
      if (q.language) params.set('language', q.language);
      if (q.kind) params.set('kind', q.kind);
      params.set('limit', String(limit));
      params.set('cursor', encodeCursor(listingCursor(last)));
      next = `${config.publicUrl}/bulletins/index.json?${params.toString()}`;
    }
    const body = JSON.stringify({ items: items.map((i) => toIndexEntryJson(i, config.publicUrl)), next });
    return sendCacheable(request, reply, { body, type: 'application/json; charset=utf-8', lastModified: await findLastPublicChange(db), personal: isPersonal(request), vary: 'Cookie' });
  });

  // ---- One bulletin -------------------------------------------------------------------------------------------

  app.get('/bulletins/:slug', { config: { access: 'public' }, schema: { hide: true, params: SlugParams } }, async (request, reply) => {
    const bulletin = await lookup(request, reply, request.params.slug, '');
    if (!bulletin) return reply;
    const { criticalities, risks } = await vocabularies();
    const page = pageContext(request, config.siteName);
    const html = renderDocument(
      <BulletinPage
        page={page}
        bulletin={bulletin}
        criticalities={criticalities}
        risks={risks}
        pdfAvailable={config.chromiumPath !== null}
        alternates={[{ href: `/bulletins/${bulletin.slug}.json`, type: 'application/json', title: bulletin.reference }]}
      />,
    );
    return sendCacheable(request, reply, { body: html, type: 'text/html; charset=utf-8', lastModified: bulletinLastModified(bulletin), personal: isPersonal(request), vary: PAGE_VARY });
  });

  app.get('/bulletins/:slug.json', { config: { access: 'public', formless: true }, schema: { hide: true, params: SlugParams, querystring: JsonQuery } }, async (request, reply) => {
    const bulletin = await lookup(request, reply, request.params.slug, '.json');
    if (!bulletin) return reply;
    const { criticalities, risks } = await vocabularies();
    const body = JSON.stringify(toBulletinJson(bulletin, request.query.language ?? null, config.publicUrl, criticalities, risks));
    return sendCacheable(request, reply, { body, type: 'application/json; charset=utf-8', lastModified: bulletinLastModified(bulletin), personal: isPersonal(request), vary: 'Cookie' });
  });

  app.get('/bulletins/:slug.pdf', { config: { access: 'public', formless: true }, schema: { hide: true, params: SlugParams } }, async (request, reply) => {
    const chromiumPath = config.chromiumPath;
    if (chromiumPath === null) throw new AppError('not_found');
    const bulletin = await lookup(request, reply, request.params.slug, '.pdf');
    if (!bulletin) return reply;
    const { criticalities, risks } = await vocabularies();
    // The printed page carries no session-dependent header (sign-out form, CSRF token): only the bulletin.
    // Its path is fixed, so the query string cannot vary the document (and force a new Chromium run per request).
    const page = { ...pageContext(request, config.siteName), path: `/bulletins/${bulletin.slug}`, user: null, csrfToken: '', can: () => false };
    const html = selfContained(renderDocument(<BulletinPage page={page} bulletin={bulletin} criticalities={criticalities} risks={risks} pdfAvailable={false} alternates={[]} />));
    return sendPrintedPdf(request, reply, {
      chromiumPath,
      html,
      fileName: `${bulletin.slug}.pdf`,
      cacheControl: isPersonal(request) ? 'private, no-store' : 'public, max-age=300',
      vary: PAGE_VARY,
      lastModified: bulletinLastModified(bulletin),
    });
  });

  // ---- Feeds and sitemap: public channels, TLP:CLEAR only whoever asks ----------------------------------------

  const feedCache = new RenderCache<{ body: string; lastChange: Date | null }>();

  async function sendFeed(request: FastifyRequest, reply: FastifyReply, format: FeedFormat, q: Static<typeof FeedQuery>) {
    const language = q.language ?? null;
    // Every change Ribat makes (publication, closing, withdrawal, vocabulary edit) appends an audit event in its own
    // transaction, so the audit chain's head is a version number of everything a feed shows.
    const head = await db.selectFrom('audit_head').select('last_seq').where('id', '=', 1).executeTakeFirst();
    const search = new URLSearchParams(Object.entries(q).filter((e): e is [string, string] => typeof e[1] === 'string' && e[1] !== '')).toString();
    const key = `${format}?${search}|${String(head?.last_seq ?? 0)}`;
    const { body, lastChange } = await feedCache.get(key, async () => {
      const lastChange = await findLastPublicChange(db);
      const i18n = createTranslator(catalogue, language ?? 'fr', config.timezone);
      const { criticalities } = await vocabularies();
      const filters: ListingFilters = { kind: q.kind, criticality: q.criticality };
      const items = await findPublicBulletins(db, dialect, publicViewer, filters, language, null, FEED_ITEMS);
      const what = q.kind
        ? i18n.t(`bulletins.public.kind.${q.kind}`)
        : q.criticality
          ? `${i18n.t('bulletins.public.feed.all')} (${labelOfCode(criticalities, q.criticality, i18n.locale)})`
          : i18n.t('bulletins.public.feed.all');
      const body = renderFeed(
        format,
        {
          title: i18n.t('bulletins.public.feed.title', { site: config.siteName, what }),
          description: i18n.t('bulletins.public.feed.description', { site: config.siteName }),
          selfUrl: `${config.publicUrl}/feeds/bulletins.${format}${search ? `?${search}` : ''}`,
          pageUrl: `${config.publicUrl}/bulletins`,
          language,
          updated: lastChange ?? new Date(0),
          copyright: config.siteName,
        },
        items.map((item) => ({
          url: `${config.publicUrl}/bulletins/${item.slug}${language ? `?lang=${language}` : ''}`,
          title: `[${item.reference}] ${item.title}`,
          summary: item.summary,
          publishedAt: item.firstPublishedAt,
          updatedAt: item.lastPublishedAt,
          categories: [i18n.t(`bulletins.public.kind.${item.kind}`), ...(item.criticality ? [labelOfCode(criticalities, item.criticality, i18n.locale)] : [])],
        })),
      );
      return { body, lastChange };
    });
    return sendCacheable(request, reply, { body, type: feedMediaType(format), lastModified: lastChange, personal: false });
  }

  app.get('/feeds/bulletins.rss', { config: { access: 'public', formless: true }, schema: { hide: true, querystring: FeedQuery } }, async (request, reply) => sendFeed(request, reply, 'rss', request.query));
  app.get('/feeds/bulletins.atom', { config: { access: 'public', formless: true }, schema: { hide: true, querystring: FeedQuery } }, async (request, reply) => sendFeed(request, reply, 'atom', request.query));

  app.get('/sitemap.xml', { config: { access: 'public', formless: true }, schema: { hide: true } }, async (request, reply) => {
    const entries = await findSitemapEntries(db, publicViewer, SITEMAP_MAX);
    const urls = [
      `<url><loc>${escapeXml(`${config.publicUrl}/`)}</loc></url>`,
      `<url><loc>${escapeXml(`${config.publicUrl}/bulletins`)}</loc></url>`,
      ...entries.map((e) => {
        const loc = `${config.publicUrl}/bulletins/${e.slug}${e.isOriginal ? '' : `?lang=${e.language}`}`;
        return `<url><loc>${escapeXml(loc)}</loc><lastmod>${e.lastPublishedAt.toISOString()}</lastmod></url>`;
      }),
    ];
    const body = `<?xml version="1.0" encoding="UTF-8"?>\n<urlset xmlns="http://www.sitemaps.org/schemas/sitemap/0.9">\n${urls.join('\n')}\n</urlset>\n`;
    return sendCacheable(request, reply, { body, type: 'application/xml; charset=utf-8', lastModified: await findLastPublicChange(db), personal: false });
  });
}
