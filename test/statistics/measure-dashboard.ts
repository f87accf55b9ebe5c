/**
 * Rough timing of a year's dashboard, query by query (not a test: prints, asserts nothing). Generates `incidents`
 * incidents over three years and `bulletins` bulletins straight into a fresh database file, then times
 * assembleDashboard for 2026 in both scopes and each repository query on its own, to see where the time goes. The
 * benchmark (`npm run bench`, bench/statistics.ts) is the reference measurement; this is the quick diagnostic.
 *
 *   node --import tsx test/statistics/measure-dashboard.ts [incidents=5000] [bulletins=1000]
 *
 * With STATS_MEASURE_DIR=<dir>, the database is kept there and reused by the next run (generation is slow at 500k).
 * With STATS_MEASURE_PG=postgres://…, PostgreSQL instead, in the schema STATS_MEASURE_SCHEMA (default
 * `stats_measure`, created and kept; the data is generated in SQL with generate_series when the schema is empty, then
 * vacuumed: the statistics read index-only, which needs the visibility map autovacuum would otherwise set later).
 */
import { existsSync, mkdtempSync, rmSync } from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { performance } from 'node:perf_hooks';
import { sql } from 'kysely';
import { openDatabase, type Db } from '#src/db/database';
import { migrateToLatest } from '#src/db/migrator';
import { runSeeds } from '#src/db/seeds/seed';
import { systemClock, toDbTime } from '#src/core/time';
import { newId } from '#src/core/ids';
import { yearPeriod, previousPeriod } from '#src/modules/statistics/statistics.periods';
import { assembleDashboard } from '#src/modules/statistics/use-cases/compute-dashboard';
import * as repo from '#src/modules/statistics/statistics.repository';

const incidentCount = Number(process.argv[2] ?? 5000);
const bulletinCount = Number(process.argv[3] ?? 1000);
const HOUR = 3600_000;
const start = Date.parse('2024-01-01T00:00:00Z');
const span = Date.parse('2027-01-01T00:00:00Z') - start;

let seed = 42;
/** Deterministic pseudo-random numbers (mulberry32). */
function random(): number {
  seed = (seed + 0x6d2b79f5) | 0;
  let x = Math.imul(seed ^ (seed >>> 15), 1 | seed);
  x = (x + Math.imul(x ^ (x >>> 7), 61 | x)) ^ x;
  return ((x ^ (x >>> 14)) >>> 0) / 4294967296;
}
const pick = <T>(list: readonly T[]): T => list[Math.floor(random() * list.length)];
const time = (ms: number): string => toDbTime(new Date(ms));

async function main(): Promise<void> {
  const pgUrl = process.env.STATS_MEASURE_PG;
  if (pgUrl !== undefined) {
    const schema = process.env.STATS_MEASURE_SCHEMA ?? 'stats_measure';
    const admin = openDatabase({ databaseUrl: pgUrl, sqliteDir: ':memory:' });
    await sql`create schema if not exists ${sql.id(schema)}`.execute(admin.db);
    await admin.close();
    const database = openDatabase({ databaseUrl: pgUrl, sqliteDir: ':memory:', pgSchema: schema, pgPoolSize: 4 });
    try {
      await migrateToLatest(database.db);
      await runSeeds(database, systemClock);
      const existing = await database.db.selectFrom('incident').select((eb) => eb.fn.countAll<number>().as('n')).executeTakeFirst();
      if (Number(existing?.n ?? 0) === 0) await generatePostgres(database.db);
      await measure(database.db);
    } finally {
      await database.close();
    }
    return;
  }
  const kept = process.env.STATS_MEASURE_DIR;
  const dir = kept ?? mkdtempSync(path.join(os.tmpdir(), 'ribat-stats-measure-'));
  const reuse = kept !== undefined && existsSync(path.join(kept, 'ribat.sqlite'));
  const database = openDatabase({ databaseUrl: null, sqliteDir: dir });
  try {
    await migrateToLatest(database.db);
    await runSeeds(database, systemClock);
    const db = database.db;
    if (!reuse) await generate(db);
    await measure(db);
  } finally {
    await database.close();
    if (kept === undefined) rmSync(dir, { recursive: true, force: true });
  }
}

async function generate(db: Db): Promise<void> {
  {
    const orgs = Array.from({ length: 200 }, (_, i) => ({ id: newId(), sector: pick(['energy', 'health', 'banking-finance', 'public-administration', 'telecommunications']), category: pick(['administration', 'vital-infrastructure', 'private-company', 'other']), i }));
    const now = time(Date.now());
    await db
      .insertInto('organisation')
      .values(orgs.map((o) => ({ id: o.id, name_fr: `Org ${o.i}`, name_ar: `هيئة ${o.i}`, name_en: `Org ${o.i}`, acronym: null, category: o.category, sector_code: o.sector, status: 'active', email_domains: '[]', ip_ranges: '[]', created_at: now, updated_at: now })))
      .execute();

    const t0 = performance.now();
    const classes = ['fraud', 'malicious-code', 'intrusions', 'availability', 'vulnerable', 'information-gathering'];
    for (let done = 0; done < incidentCount; ) {
      const batch = Math.min(500, incidentCount - done);
      await db.transaction().execute(async (trx) => {
        const incidents = [];
        const classifications = [];
        const deadlines = [];
        for (let k = 0; k < batch; k++) {
          const n = done + k;
          const id = newId();
          const reported = start + Math.floor(random() * span);
          const closedAfter = random() < 0.9 ? reported + Math.floor(random() * 30 * 24 * HOUR) : null;
          const disposition = closedAfter === null ? null : pick(['confirmed', 'confirmed', 'confirmed', 'false-positive', 'duplicate', 'test', 'out-of-scope', 'no-response']);
          const firstResponse = random() < 0.85 ? reported + Math.floor(random() * 48 * HOUR) : null;
          const triaged = reported + Math.floor(random() * 24 * HOUR);
          const org = random() < 0.8 ? pick(orgs) : null;
          incidents.push({
            id,
            reference: `INC-${String(n)}`,
            title: `Incident ${String(n)}`,
            description: 'Lorem ipsum dolor sit amet, '.repeat(20),
            status: closedAfter === null ? pick(['new', 'triage', 'in_progress']) : 'closed',
            channel: pick(['portal', 'public', 'api', 'email', 'staff']),
            organisation_id: org?.id ?? null,
            reporter_user_id: null,
            reporter_name: null,
            reporter_email: `r${String(n)}@example.org`,
            reporter_phone: null,
            tracking_token_hash: null,
            severity: random() < 0.8 ? pick(['tres-grave', 'grave', 'modere', 'limite']) : null,
            tlp: pick(['clear', 'clear', 'green', 'amber']),
            pap: 'amber',
            reported_at: time(reported),
            first_response_at: firstResponse === null ? null : time(firstResponse),
            triaged_at: time(triaged),
            resolved_at: closedAfter === null ? null : time(closedAfter),
            closed_at: closedAfter === null ? null : time(closedAfter),
            disposition,
            assignee_id: null,
            merged_into_id: null,
            next_due_at: null,
            search_text: `incident ${String(n)}`,
            created_by: null,
            created_at: time(reported),
            updated_at: time(reported),
          });
          classifications.push({ incident_id: id, class_code: pick(classes), type_code: '', position: 0 });
          deadlines.push(
            { incident_id: id, key: 'cert-sla.first-response', profile: 'cert-sla', stage: 'first-response', due_at: time(reported + 24 * HOUR), completed_at: firstResponse === null ? null : time(firstResponse), updated_at: now },
            { incident_id: id, key: 'cert-sla.triage', profile: 'cert-sla', stage: 'triage', due_at: time(reported + 20 * HOUR), completed_at: time(triaged), updated_at: now },
          );
        }
        await trx.insertInto('incident').values(incidents).execute();
        await trx.insertInto('incident_classification').values(classifications).execute();
        await trx.insertInto('incident_deadline').values(deadlines).execute();
      });
      done += batch;
    }
    const authorId = newId();
    await db
      .insertInto('user_account')
      .values({ id: authorId, email: 'author@example.ma', display_name: 'Author', password_hash: 'x', locale: null, status: 'active', organisation_id: null, mfa_secret: null, mfa_enabled_at: null, mfa_last_step: null, locked_until: null, last_login_at: null, password_changed_at: now, created_at: now, updated_at: now })
      .execute();
    const vendors = Array.from({ length: 300 }, (_, i) => ({ id: newId(), name: `Vendor ${String(i)}`, name_key: `vendor ${String(i)}`, created_at: now }));
    await db.insertInto('product_vendor').values(vendors).execute();
    const products = vendors.flatMap((v, i) => [0, 1, 2].map((j) => ({ id: newId(), vendor_id: v.id, name: `Product ${String(i)}-${String(j)}`, name_key: `product ${String(i)}-${String(j)}`, cpe: null, purl: null, created_at: now })));
    for (let i = 0; i < products.length; i += 300) await db.insertInto('product').values(products.slice(i, i + 300)).execute();
    for (let done = 0; done < bulletinCount; ) {
      const batch = Math.min(200, bulletinCount - done);
      await db.transaction().execute(async (trx) => {
        for (let k = 0; k < batch; k++) {
          const n = done + k;
          const id = newId();
          const published = time(start + Math.floor(random() * span));
          const kind = pick(['bulletin', 'bulletin', 'alert', 'note']);
          await trx
            .insertInto('bulletin')
            .values({ id, kind, reference: `B-${String(n)}`, slug: `b-${String(n)}`, state: 'published', publication: 'published', draft: '{}', author_id: authorId, first_published_at: published, last_published_at: published, created_at: published, updated_at: published })
            .execute();
          await trx
            .insertInto('bulletin_listing')
            .values({ bulletin_id: id, language: 'fr', is_original: 1, reference: `B-${String(n)}`, slug: `b-${String(n)}`, kind, criticality: pick(['critical', 'high', 'moderate', 'low']), tlp: pick(['clear', 'clear', 'amber']), publication: 'published', revision: 1, title: 't', summary: 's', search_text: 't', first_published_at: published, last_published_at: published })
            .execute();
          await trx.insertInto('bulletin_cve').values([{ bulletin_id: id, cve_id: `CVE-2026-${String(Math.floor(random() * 5000))}`, exploited: 0 }]).onConflict((oc) => oc.doNothing()).execute();
          const product = pick(products);
          await trx.insertInto('bulletin_product').values({ bulletin_id: id, product_id: product.id, vendor_id: product.vendor_id }).execute();
        }
      });
      done += batch;
    }
    await sql`analyze`.execute(db);
    console.log(`generated ${String(incidentCount)} incidents and ${String(bulletinCount)} bulletins in ${(performance.now() - t0).toFixed(0)} ms`);
  }
}

/** The same kind of data as {@link generate}, in a few INSERT … SELECT over generate_series (PostgreSQL). */
async function generatePostgres(db: Db): Promise<void> {
  const t0 = performance.now();
  await sql`insert into organisation (id, name_fr, name_ar, name_en, acronym, category, sector_code, status, email_domains, ip_ranges, created_at, updated_at)
    select 'org-' || g, 'Org ' || g, 'هيئة ' || g, 'Org ' || g, null, (array['administration', 'vital-infrastructure', 'private-company', 'other'])[1 + g % 4],
      (array['energy', 'health', 'banking-finance', 'public-administration', 'telecommunications'])[1 + g % 5], 'active', '[]', '[]', now(), now()
    from generate_series(1, 200) g`.execute(db);
  await sql`insert into incident (id, reference, title, description, status, channel, organisation_id, reporter_email, severity, tlp, pap, reported_at, first_response_at,
      triaged_at, resolved_at, closed_at, disposition, search_text, created_at, updated_at)
    select 'inc-' || lpad(g::text, 8, '0'), 'INC-' || g, 'Incident ' || g, repeat('Lorem ipsum dolor sit amet, ', 20),
      case when r_closed < 0.9 then 'closed' else (array['new', 'triage', 'in_progress'])[1 + g % 3] end,
      (array['portal', 'public', 'api', 'email', 'staff'])[1 + floor(r_channel * 5)::int],
      case when g % 5 = 0 then null else 'org-' || (1 + g % 200) end, 'r' || g || '@example.org',
      case when r_sev < 0.2 then null else (array['tres-grave', 'grave', 'modere', 'limite'])[1 + floor(r_sev * 4.999)::int] end,
      (array['clear', 'clear', 'green', 'amber'])[1 + g % 4], 'amber', reported,
      case when r_fr < 0.85 then reported + r_fr * interval '48 hours' end, reported + r_tr * interval '24 hours',
      case when r_closed < 0.9 then reported + r_closed * interval '33 days' end, case when r_closed < 0.9 then reported + r_closed * interval '33 days' end,
      case when r_closed < 0.9 then (array['confirmed', 'confirmed', 'confirmed', 'false-positive', 'duplicate', 'test', 'out-of-scope', 'no-response'])[1 + g % 8] end,
      'incident ' || g, reported, reported
    from (select g, timestamptz '2024-01-01 00:00:00+00' + random() * interval '3 years' as reported, random() as r_closed, random() as r_channel, random() as r_sev,
      random() as r_fr, random() as r_tr from generate_series(1, ${incidentCount}) g) s`.execute(db);
  await sql`insert into incident_classification (incident_id, class_code, type_code, position)
    select id, (array['fraud', 'malicious-code', 'intrusions', 'availability', 'vulnerable', 'information-gathering'])[1 + abs(hashtext(id)) % 6], '', 0 from incident`.execute(db);
  await sql`insert into incident_deadline (incident_id, key, profile, stage, due_at, completed_at, updated_at)
    select id, 'cert-sla.first-response', 'cert-sla', 'first-response', reported_at + interval '24 hours', first_response_at, now() from incident
    union all select id, 'cert-sla.triage', 'cert-sla', 'triage', reported_at + interval '20 hours', triaged_at, now() from incident`.execute(db);
  await sql`insert into user_account (id, email, display_name, password_hash, status, password_changed_at, created_at, updated_at)
    values ('author-1', 'author@example.ma', 'Author', 'x', 'active', now(), now(), now())`.execute(db);
  await sql`insert into product_vendor (id, name, name_key, created_at) select 'v-' || g, 'Vendor ' || g, 'vendor ' || g, now() from generate_series(1, 300) g`.execute(db);
  await sql`insert into product (id, vendor_id, name, name_key, created_at) select 'p-' || g || '-' || j, 'v-' || g, 'Product ' || g || '-' || j, 'product ' || g || '-' || j, now()
    from generate_series(1, 300) g, generate_series(0, 2) j`.execute(db);
  await sql`insert into bulletin (id, kind, reference, slug, state, publication, draft, author_id, first_published_at, last_published_at, created_at, updated_at)
    select 'b-' || g, (array['bulletin', 'bulletin', 'alert', 'note'])[1 + g % 4], 'B-' || g, 'b-' || g, 'published', 'published', '{}', 'author-1', p, p, p, p
    from (select g, timestamptz '2024-01-01 00:00:00+00' + random() * interval '3 years' as p from generate_series(1, ${bulletinCount}) g) s`.execute(db);
  await sql`insert into bulletin_listing (bulletin_id, language, is_original, reference, slug, kind, criticality, tlp, publication, revision, title, summary, search_text, first_published_at, last_published_at)
    select id, 'fr', 1, reference, slug, kind, (array['critical', 'high', 'moderate', 'low'])[1 + abs(hashtext(id)) % 4], (array['clear', 'clear', 'amber'])[1 + abs(hashtext(id || 't')) % 3],
      'published', 1, 't', 's', 't', first_published_at, last_published_at from bulletin`.execute(db);
  await sql`insert into bulletin_cve (bulletin_id, cve_id, exploited) select id, 'CVE-2026-' || (abs(hashtext(id)) % 5000), 0 from bulletin`.execute(db);
  await sql`insert into bulletin_product (bulletin_id, product_id, vendor_id)
    select id, 'p-' || (1 + abs(hashtext(id)) % 300) || '-' || (abs(hashtext(id || 'p')) % 3), 'v-' || (1 + abs(hashtext(id)) % 300) from bulletin`.execute(db);
  await sql`vacuum (analyze) incident, incident_classification, incident_deadline, organisation, bulletin, bulletin_listing, bulletin_cve, bulletin_product, product, product_vendor`.execute(db);
  console.log(`generated ${String(incidentCount)} incidents and ${String(bulletinCount)} bulletins in PostgreSQL in ${(performance.now() - t0).toFixed(0)} ms`);
}

async function measure(db: Db): Promise<void> {
  {
    let t0 = performance.now();
    const period = yearPeriod(2026, 'Africa/Casablanca');
    const prev = previousPeriod(period);
    const asOf = new Date('2027-01-10T00:00:00Z');
    for (const scope of ['staff', 'public'] as const) {
      await assembleDashboard(db, period, scope, asOf); // warm up
      t0 = performance.now();
      const d = await assembleDashboard(db, period, scope, asOf);
      console.log(`assembleDashboard(2026, ${scope}): ${(performance.now() - t0).toFixed(0)} ms (reported ${String(d.current['incidents.reported'].value)}, treated ${String(d.current['incidents.treated'].value)})`);
    }
    const w = { previousFrom: prev.from, from: period.from, to: period.to, scope: 'staff' as const };
    const boundaries = Array.from({ length: 25 }, (_, i) => new Date(prev.from.getTime() + (i * (period.to.getTime() - prev.from.getTime())) / 24));
    const queries: [string, () => Promise<unknown>][] = [
      ['countReportedIncidents', () => repo.countReportedIncidents(db, w, boundaries)],
      ['countClosedIncidents', () => repo.countClosedIncidents(db, w, boundaries)],
      ['measureDurations', () => repo.measureDurations(db, w)],
      ['countDeadlines', () => repo.countDeadlines(db, w, asOf)],
      ['countEndedPerInterval', () => repo.countEndedPerInterval(db, 'staff', boundaries)],
      ['countOpenIncidentsAt', () => repo.countOpenIncidentsAt(db, 'staff', prev.from)],
      ['countPublishedBulletins', () => repo.countPublishedBulletins(db, w)],
      ['countPublishedPerInterval', () => repo.countPublishedPerInterval(db, 'staff', boundaries)],
      ['countDistinctCves', () => repo.countDistinctCves(db, w)],
      ['rankVendors', () => repo.rankVendors(db, w, 10)],
      ['rankProducts', () => repo.rankProducts(db, w, 10)],
      ['countSubscribers', () => repo.countSubscribers(db, w)],
      ['countHeadlineFigures', () => repo.countHeadlineFigures(db, 'staff', period.from, period.to)],
    ];
    for (const [name, run] of queries) {
      t0 = performance.now();
      await run();
      console.log(`  ${name.padEnd(28)} ${(performance.now() - t0).toFixed(1)} ms`);
    }
  }
}

await main();
