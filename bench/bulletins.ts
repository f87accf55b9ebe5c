/**
 * Bulletin benchmarks: a database holding BENCH_BULLETINS published bulletins (written, approved and published
 * through the real use cases, like `ribat demo`), then
 *  - full-text search through the index (FTS5 on SQLite, tsvector on PostgreSQL) vs a LIKE scan of the same
 *    folded text (the baseline an index must beat);
 *  - the public list page, a bulletin page, the RSS feed and a 304 revalidation vs the bare /healthz route.
 */
import { performance } from 'node:perf_hooks';
import { sql } from 'kysely';
import type { DatabaseHandle } from '#src/db/database';
import type { Config } from '#src/config/config';
import type { App } from '#src/plugins/types';
import { demoBulletins, type DemoBulletin } from '#src/modules/system/demo-bulletins';
import { publishDemoBulletins } from '#src/modules/system/publish-demo-bulletins';
import { createUser } from '#src/modules/identity/use-cases/create-user';
import { systemContext } from '#src/core/context';
import { findPublicBulletins } from '#src/modules/bulletins/listing.repository';
import { publicViewer } from '#src/modules/bulletins/visibility';
import { foldForSearch } from '#src/modules/bulletins/search-text';
import type { Line } from './support';

const BULLETINS = Number(process.env.BENCH_BULLETINS ?? 1000);
const QUERIES = Number(process.env.BENCH_SEARCHES ?? 300);
const WORDS = ['fortios', 'privileges', 'authentification', 'openssh', 'citrix', 'injection', 'ثغرة', 'log4j', 'memoire', 'passerelle'];


async function timed(work: () => Promise<unknown>): Promise<number> {
  const start = performance.now();
  await work();
  return performance.now() - start;
}

/** Variations of the built-in demonstration bulletins, one day apart, each with a distinct title. */
function syntheticBulletins(count: number): DemoBulletin[] {
  const start = Date.parse('2020-01-01T08:00:00Z');
  return Array.from({ length: count }, (_, i) => {
    const base = demoBulletins[i % demoBulletins.length];
    const texts = Object.fromEntries(Object.entries(base.texts).map(([lang, text]) => [lang, text ? { ...text, title: `${text.title} — ${i + 1}` } : text]));
    return { ...base, key: `${base.key}-${i}`, date: new Date(start + i * 86_400_000).toISOString(), texts };
  });
}

/** Fills the database with published bulletins; returns the seconds it took (the publishing rate is a figure too). */
export async function seedBulletins(database: DatabaseHandle, config: Config): Promise<number> {
  const ctx = systemContext('bench');
  const deps = { database, config };
  for (const [email, roles] of [['author@bench.example', ['author']], ['reviewer@bench.example', ['reviewer']]] as const) {
    await createUser(deps, ctx, { email, displayName: email, roles: [...roles], organisationId: null, locale: 'fr', password: 'bench passphrase 2026 long' });
  }
  const ms = await timed(() => publishDemoBulletins(database, config, { authorEmail: 'author@bench.example', reviewerEmail: 'reviewer@bench.example' }, syntheticBulletins(BULLETINS)));
  return ms;
}

/** Search through the full-text index vs a LIKE scan of the same folded text. */
export async function benchSearch(label: string, database: DatabaseHandle, line: Line): Promise<void> {
  const { db } = database;
  const like = await timed(async () => {
    for (let i = 0; i < QUERIES; i++) {
      const word = foldForSearch(WORDS[i % WORDS.length]);
      await db
        .selectFrom('bulletin_listing')
        .select(['bulletin_id', 'title'])
        .where('publication', '=', 'published')
        .where('tlp', '=', 'clear')
        .where(sql<boolean>`search_text like ${`%${word}%`}`)
        .orderBy('first_published_at', 'desc')
        .limit(20)
        .execute();
    }
  });
  const indexed = await timed(async () => {
    for (let i = 0; i < QUERIES; i++) {
      await findPublicBulletins(db, database.dialect, publicViewer, { q: WORDS[i % WORDS.length] }, null, null, 20);
    }
  });
  line(`[${label}] search ×${QUERIES} (${BULLETINS} bulletins)`, indexed, 'LIKE scan', like, QUERIES, 'queries');
}

/** Public pages and feeds over HTTP (inject) vs /healthz. */
export async function benchPublicPages(app: App, requests: number, line: Line): Promise<void> {
  for (let i = 0; i < 50; i++) await app.inject({ method: 'GET', url: '/bulletins' });
  const baseline = await timed(async () => {
    for (let i = 0; i < requests; i++) await app.inject({ method: 'GET', url: '/healthz' });
  });
  const first = await app.inject({ method: 'GET', url: '/bulletins/index.json' });
  const slug = (JSON.parse(first.body) as { items: { url: string }[] }).items[0]?.url.split('/').pop() ?? '';
  const cases: [string, string][] = [
    ['/bulletins (first page)', '/bulletins'],
    ['/bulletins?q=fortios', '/bulletins?q=fortios'],
    ['/bulletins/{slug}', `/bulletins/${slug}`],
    ['/feeds/bulletins.rss', '/feeds/bulletins.rss'],
  ];
  for (const [label, url] of cases) {
    const ms = await timed(async () => {
      for (let i = 0; i < requests; i++) await app.inject({ method: 'GET', url });
    });
    line(`[bulletins] ${label} ×${requests}`, ms, '/healthz', baseline, requests, 'req');
  }
  const feed = await app.inject({ method: 'GET', url: '/feeds/bulletins.rss' });
  const etag = String(feed.headers.etag);
  const revalidate = await timed(async () => {
    for (let i = 0; i < requests; i++) await app.inject({ method: 'GET', url: '/feeds/bulletins.rss', headers: { 'if-none-match': etag } });
  });
  line(`[bulletins] feed revalidation (304) ×${requests}`, revalidate, '/healthz', baseline, requests, 'req');
  const page = await app.inject({ method: 'GET', url: `/bulletins/${slug}` });
  console.log(`[bulletins] sizes: list ${(await app.inject({ method: 'GET', url: '/bulletins' })).body.length} B, bulletin ${page.body.length} B, feed ${feed.body.length} B`);
}
