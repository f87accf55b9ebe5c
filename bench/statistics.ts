/**
 * Statistics benchmark (issue 6, point 7): BENCH_STATS_INCIDENTS incidents (500,000) over three calendar years and
 * BENCH_STATS_BULLETINS bulletins (20,000) in the real, migrated schema (with their classifications, deadlines, CVEs,
 * products and some subscribers), then, for the last complete year, each over BENCH_STATS_ITERATIONS (20) individually
 * timed runs:
 *  - the staff dashboard (`assembleDashboard`: every figure of the year and of the year before, computed live);
 *  - the public annual report (`buildPublicReport`: the TLP:CLEAR dashboard with small counts suppressed);
 *  - the headline (`computeHeadline`, staff scope);
 * each next to a baseline measured in the same run, on the same database: the same figures computed by loading the
 * rows (incidents, classifications, deadlines, bulletins of the two years) with plain SELECTs and aggregating them in
 * JavaScript. Before timing, the baseline's figures are compared with the database's, figure by figure: the benchmark
 * stops if a single one differs. Target: under 1 second (printed as information, never asserted). The dataset size and
 * the peak memory are printed with the figures.
 */
import { performance } from 'node:perf_hooks';
import { sql, type Insertable } from 'kysely';
import { v7 } from 'uuid';
import type { DatabaseHandle, Db } from '#src/db/database';
import type { IncidentClassificationTable, IncidentDeadlineTable, IncidentTable } from '#src/modules/incidents/incidents.tables';
import type { BulletinCveTable, BulletinListingTable, BulletinProductTable, BulletinTable } from '#src/modules/bulletins/bulletins.tables';
import type { SubscriptionTable } from '#src/modules/notifications/subscriptions.tables';
import type { Dashboard, FigureKey, StatsPeriod, StatsScope } from '#src/modules/statistics/statistics.types';
import type { PeriodStep } from '#src/modules/statistics/statistics.periods';
import { runSeeds } from '#src/db/seeds/seed';
import { sectorSeed } from '#src/db/seeds/sectors';
import { fromDbTime, systemClock } from '#src/core/time';
import { systemContext } from '#src/core/context';
import { loadConfig, type Config } from '#src/config/config';
import { organisationCategories } from '#src/modules/constituents/constituents.types';
import { figureKeys } from '#src/modules/statistics/statistics.types';
import { CRITICAL, SERVICE_LEVEL_PROFILE, TOP_LIMIT, untreatedDispositions } from '#src/modules/statistics/statistics.definitions';
import { backlogSteps, localDateOf, monthSteps, previousPeriod, stepsUntil, yearPeriod } from '#src/modules/statistics/statistics.periods';
import { assembleDashboard } from '#src/modules/statistics/use-cases/compute-dashboard';
import { buildPublicReport } from '#src/modules/statistics/use-cases/public-report';
import { computeHeadline } from '#src/modules/statistics/use-cases/compute-headline';
import { dbTime, insertBatches, onPostgresSchema, onSqliteFile, peakRss, rowsPerStatement, seeded, sizeOf, weighted, zipf, type Line } from './support';


const INCIDENTS = Number(process.env.BENCH_STATS_INCIDENTS ?? 500_000);
const BULLETINS = Number(process.env.BENCH_STATS_BULLETINS ?? 20_000);
const ITERATIONS = Math.max(5, Number(process.env.BENCH_STATS_ITERATIONS ?? 20));
/** The baseline takes seconds a run: fewer runs. */
const BASELINE_ITERATIONS = Math.max(3, Math.ceil(ITERATIONS / 4));
const TARGET_MS = 1000;
/** Incidents generated (and inserted in one transaction) at a time, so memory stays bounded whatever the size. */
const CHUNK = 10_000;
const HOUR = 3_600_000;
const DAY = 24 * HOUR;

const CLASS_WEIGHTS = [
  ['fraud', 25], ['malicious-code', 15], ['information-gathering', 14], ['intrusion-attempts', 12], ['intrusions', 10], ['availability', 8],
  ['vulnerable', 7], ['information-content-security', 5], ['abusive-content', 2], ['other', 1.5], ['test', 0.5],
] as const;
const DISPOSITIONS = [['confirmed', 70], ['false-positive', 12], ['duplicate', 8], ['out-of-scope', 5], ['no-response', 4], ['test', 1]] as const;
const TLPS = [['clear', 10], ['green', 30], ['amber', 50], ['amber+strict', 7], ['red', 3]] as const;

// ---- Seeding -----------------------------------------------------------------------------------------------------

/** What the seeding reports. */
interface Seeded {
  seconds: number;
  /** The last complete calendar year (the dashboard's), in the CERT's time zone. */
  year: number;
  classifications: number;
  deadlines: number;
  listings: number;
}

/**
 * Writes the dataset directly with multi-row inserts, a transaction per chunk of CHUNK incidents: going through the
 * use cases (reference counter, deadline computation, audit chain) would take hours at this size, and only the
 * resulting rows matter to the statistics. The incident's primary class is written with the row, as the triggers of
 * migration 0006 would set it (they then find nothing to change); the deadlines get their incident's TLP and
 * disposition from those triggers.
 */
async function seedStatistics(database: DatabaseHandle, config: Config, now: number): Promise<Seeded> {
  const { db } = database;
  const random = seeded(20_260_607);
  const started = performance.now();
  const year = localDateOf(new Date(now), config.timezone).year - 1;
  const start = yearPeriod(year - 2, config.timezone).from.getTime();
  const span = yearPeriod(year, config.timezone).to.getTime() - start;
  const stamp = dbTime(start - 30 * DAY);

  // 200 organisations over the seeded sectors and the four categories; a few large ones report most.
  const organisations = Array.from({ length: 200 }, (_, i) => ({ id: v7(), category: organisationCategories[i % organisationCategories.length] ?? 'other', sector: sectorSeed[(i * 7) % sectorSeed.length]?.code ?? 'other' }));
  await db
    .insertInto('organisation')
    .values(organisations.map((o, i) => ({ id: o.id, name_fr: `Organisation ${i + 1}`, name_ar: `هيئة ${i + 1}`, name_en: `Organisation ${i + 1}`, acronym: `ORG-${i + 1}`, category: o.category, sector_code: o.sector, status: 'active', email_domains: '[]', ip_ranges: '[]', created_at: stamp, updated_at: stamp })))
    .execute();
  const organisationRank = zipf(organisations.length, 0.9);
  const authorId = v7();
  await db.insertInto('user_account').values({ id: authorId, email: 'author@bench-statistics.example', display_name: 'Auteur', password_hash: null, locale: 'fr', status: 'active', organisation_id: null, created_at: stamp, updated_at: stamp }).execute();

  const incidentPer = rowsPerStatement(database, 42);
  const classPer = rowsPerStatement(database, 4);
  const deadlinePer = rowsPerStatement(database, 7);
  let classifications = 0;
  let deadlines = 0;
  const yearCounters = new Map<number, number>();
  for (let first = 0; first < INCIDENTS; first += CHUNK) {
    const incidents: (Insertable<IncidentTable> & { primary_class_code: string })[] = [];
    const classRows: Insertable<IncidentClassificationTable>[] = [];
    const deadlineRows: Insertable<IncidentDeadlineTable>[] = [];
    for (let i = first; i < Math.min(INCIDENTS, first + CHUNK); i++) {
      // Reported over the three years in order, with volume growing over time.
      const reported = Math.floor(start + span * ((i + random()) / INCIDENTS) ** 0.85);
      const age = now - reported;
      const reportedYear = new Date(reported).getUTCFullYear();
      const counter = (yearCounters.get(reportedYear) ?? 0) + 1;
      yearCounters.set(reportedYear, counter);
      const id = v7({ msecs: reported });
      const isOpen = random() < (age < 30 * DAY ? 0.7 : age < 180 * DAY ? 0.25 : 0.04);
      const status = isOpen ? weighted(random, [['new', 20], ['triage', 25], ['in_progress', 55]]) : random() < 0.03 ? 'resolved' : 'closed';
      const channel = weighted(random, [['portal', 35], ['email', 30], ['public', 15], ['api', 10], ['staff', 10]]);
      const organisation = channel === 'public' && random() < 0.6 ? null : (organisations[organisationRank(random)] ?? null);
      const classCode = weighted(random, CLASS_WEIGHTS);
      const severity = status === 'new' && random() < 0.7 ? null : weighted(random, [['tres-grave', 2], ['grave', 10], ['modere', 38], ['limite', 50]]);
      const awareAt = reported - Math.floor(random() * DAY);
      const firstResponse = status === 'new' ? null : reported + 600_000 + Math.floor(random() * random() * 30 * HOUR);
      const triaged = firstResponse === null || status === 'triage' ? null : firstResponse + Math.floor(random() * random() * 3 * DAY);
      const resolved = status === 'resolved' || status === 'closed' ? Math.min(now - 60_000, (triaged ?? reported) + HOUR + Math.floor(random() * random() * 40 * DAY)) : null;
      const closed = status === 'closed' && resolved !== null ? Math.min(now - 60_000, resolved + Math.floor(random() * 3 * DAY)) : null;
      const disposition = status === 'closed' ? weighted(random, DISPOSITIONS) : null;
      // Law 05-20 applies to administrations and operators of vital infrastructures.
      const isRegulated = organisation !== null && (organisation.category === 'administration' || organisation.category === 'vital-infrastructure');
      const due: { key: string; profile: string; stage: string; dueAt: number; completedAt: number | null }[] = [
        { key: 'cert-sla.first-response', profile: 'cert-sla', stage: 'first-response', dueAt: reported + DAY, completedAt: firstResponse },
        { key: 'cert-sla.triage', profile: 'cert-sla', stage: 'triage', dueAt: reported + 2 * DAY, completedAt: triaged },
      ];
      if (isRegulated) {
        due.push(
          { key: 'ma-05-20.declaration', profile: 'ma-05-20', stage: 'declaration', dueAt: awareAt + DAY, completedAt: random() < 0.85 ? Math.min(now - 60_000, awareAt + HOUR + Math.floor(random() * 40 * HOUR)) : null },
          { key: 'ma-05-20.follow-up', profile: 'ma-05-20', stage: 'follow-up', dueAt: awareAt + 3 * DAY, completedAt: random() < 0.7 ? Math.min(now - 60_000, awareAt + DAY + Math.floor(random() * 100 * HOUR)) : null },
        );
      }
      const openDue = due.filter((d) => d.completedAt === null).map((d) => d.dueAt);
      const reference = `INC-${reportedYear}-${String(counter).padStart(6, '0')}`;
      incidents.push({
        id,
        reference,
        title: `Incident ${reference}`,
        description: `Signalement ${reference} : activité suspecte constatée et journaux joints pour analyse.`,
        status,
        channel,
        organisation_id: organisation?.id ?? null,
        reporter_user_id: null,
        reporter_name: null,
        reporter_email: channel === 'staff' ? null : `r${i}@example.org`,
        reporter_phone: null,
        tracking_token_hash: null,
        severity,
        tlp: weighted(random, TLPS),
        pap: 'amber',
        detected_at: dbTime(awareAt - Math.floor(random() * DAY)),
        aware_at: dbTime(awareAt),
        reported_at: dbTime(reported),
        first_response_at: firstResponse === null ? null : dbTime(firstResponse),
        triaged_at: triaged === null ? null : dbTime(triaged),
        resolved_at: resolved === null ? null : dbTime(resolved),
        closed_at: closed === null ? null : dbTime(closed),
        disposition,
        assignee_id: null,
        merged_into_id: null,
        regulation_profiles: isRegulated ? '["ma-05-20"]' : '[]',
        next_due_at: isOpen && openDue.length > 0 ? dbTime(Math.min(...openDue)) : null,
        search_text: reference.toLowerCase(),
        created_by: null,
        created_at: dbTime(reported),
        updated_at: dbTime(Math.max(reported, closed ?? resolved ?? triaged ?? firstResponse ?? reported)),
        primary_class_code: classCode,
      });
      classRows.push({ incident_id: id, class_code: classCode, type_code: '', position: 0 });
      if (random() < 0.2) {
        const second = weighted(random, CLASS_WEIGHTS);
        if (second !== classCode) classRows.push({ incident_id: id, class_code: second, type_code: '', position: 1 });
      }
      for (const d of due) deadlineRows.push({ incident_id: id, key: d.key, profile: d.profile, stage: d.stage, due_at: dbTime(d.dueAt), completed_at: d.completedAt === null ? null : dbTime(d.completedAt), updated_at: dbTime(reported) });
    }
    await db.transaction().execute(async (trx) => {
      await insertBatches(incidents, incidentPer, (part) => trx.insertInto('incident').values(part).execute());
      await insertBatches(classRows, classPer, (part) => trx.insertInto('incident_classification').values(part).execute());
      await insertBatches(deadlineRows, deadlinePer, (part) => trx.insertInto('incident_deadline').values(part).execute());
    });
    classifications += classRows.length;
    deadlines += deadlineRows.length;
    const done = Math.min(INCIDENTS, first + CHUNK);
    if (done % 100_000 === 0 || done === INCIDENTS) process.stdout.write(`  … ${done} incidents (${((performance.now() - started) / 1000).toFixed(0)} s)\n`);
  }

  // The registry: 600 vendors, 3,000 products; bulletins name a few of them (popular ones more often) and a few CVEs.
  const vendors = Array.from({ length: 600 }, (_, i) => ({ id: v7(), key: `vendor-${String(i).padStart(4, '0')}` }));
  await insertBatches(vendors, 500, (part) => db.insertInto('product_vendor').values(part.map((v) => ({ id: v.id, name: v.key.replace('vendor-', 'Vendor '), name_key: v.key, created_at: stamp }))).execute());
  const products = vendors.flatMap((v) => Array.from({ length: 5 }, (_, j) => ({ id: v7(), vendorId: v.id, key: `${v.key.replace('vendor-', 'product-')}-${j}` })));
  await insertBatches(products, 500, (part) => db.insertInto('product').values(part.map((p) => ({ id: p.id, vendor_id: p.vendorId, name: p.key.replace('product-', 'Product '), name_key: p.key, cpe: null, purl: null, created_at: stamp }))).execute());
  const productRank = zipf(products.length, 0.8);
  const cveRank = zipf(30_000, 0.5);
  let listings = 0;
  for (let first = 0; first < BULLETINS; first += CHUNK) {
    const bulletins: Insertable<BulletinTable>[] = [];
    const listingRows: Insertable<BulletinListingTable>[] = [];
    const cves: Insertable<BulletinCveTable>[] = [];
    const named: Insertable<BulletinProductTable>[] = [];
    for (let i = first; i < Math.min(BULLETINS, first + CHUNK); i++) {
      const id = v7();
      const published = Math.floor(start + span * ((i + random()) / BULLETINS));
      const kind = weighted(random, [['bulletin', 60], ['alert', 15], ['note', 25]]);
      const criticality = weighted(random, [['critical', 10], ['high', 30], ['moderate', 40], ['low', 20]]);
      const tlp = weighted(random, [['clear', 85], ['green', 5], ['amber', 10]]);
      const publication = random() < 0.02 ? 'withdrawn' : 'published';
      const reference = `CERT-${new Date(published).getUTCFullYear()}-${String(i).padStart(5, '0')}`;
      const time = dbTime(published);
      bulletins.push({ id, kind, reference, slug: reference.toLowerCase(), state: 'published', publication, draft: '{}', author_id: authorId, first_published_at: time, last_published_at: time, created_at: time, updated_at: time });
      for (const language of ['fr', 'ar', 'en']) {
        if (language !== 'fr' && random() < 0.5) continue;
        listingRows.push({ bulletin_id: id, language, is_original: language === 'fr' ? 1 : 0, reference, slug: reference.toLowerCase(), kind, criticality, tlp, publication, revision: 1, title: `Bulletin ${reference}`, summary: 'Vulnérabilités corrigées.', search_text: `bulletin ${reference.toLowerCase()}`, first_published_at: time, last_published_at: time });
      }
      const cveIds = new Set(Array.from({ length: Math.floor(random() * 4) }, () => cveRank(random)));
      for (const n of cveIds) cves.push({ bulletin_id: id, cve_id: `CVE-${2020 + (n % 7)}-${String(1000 + n)}`, exploited: 0 });
      const productIds = new Set(Array.from({ length: 1 + Math.floor(random() * 3) }, () => productRank(random)));
      for (const k of productIds) {
        const product = products[k];
        if (product) named.push({ bulletin_id: id, product_id: product.id, vendor_id: product.vendorId });
      }
    }
    await db.transaction().execute(async (trx) => {
      await insertBatches(bulletins, rowsPerStatement(database, 14), (part) => trx.insertInto('bulletin').values(part).execute());
      await insertBatches(listingRows, rowsPerStatement(database, 15), (part) => trx.insertInto('bulletin_listing').values(part).execute());
      await insertBatches(cves, rowsPerStatement(database, 3), (part) => trx.insertInto('bulletin_cve').values(part).execute());
      await insertBatches(named, rowsPerStatement(database, 3), (part) => trx.insertInto('bulletin_product').values(part).execute());
    });
    listings += listingRows.length;
  }

  // 5,000 subscribers: most confirmed, some unsubscribed since, some never confirmed.
  const subscriptions: Insertable<SubscriptionTable>[] = Array.from({ length: 5000 }, (_, i) => {
    const created = start + Math.floor(random() * span);
    const status = weighted(random, [['active', 70], ['unsubscribed', 20], ['pending', 10]]);
    const confirmed = status === 'pending' ? null : created + Math.floor(random() * DAY);
    const unsubscribed = status === 'unsubscribed' && confirmed !== null ? confirmed + Math.floor(random() * (start + span - confirmed)) : null;
    return {
      id: v7(),
      email: `abonne${i}@example.org`,
      email_key: `abonne${i}@example.org`,
      language: 'fr',
      kinds: '[]',
      min_criticality: null,
      vendor_ids: '[]',
      product_ids: '[]',
      status,
      confirm_token_hash: null,
      confirm_expires_at: null,
      manage_token_hash: `manage-${i}`,
      created_at: dbTime(created),
      confirmed_at: confirmed === null ? null : dbTime(confirmed),
      unsubscribed_at: unsubscribed === null ? null : dbTime(unsubscribed),
      updated_at: dbTime(unsubscribed ?? confirmed ?? created),
    };
  });
  await insertBatches(subscriptions, rowsPerStatement(database, 16), (part) => db.insertInto('subscription').values(part).execute());
  return { seconds: (performance.now() - started) / 1000, year, classifications, deadlines, listings };
}

// ---- Baseline: load the rows, aggregate in JavaScript ---------------------------------------------------------

/** A dashboard reduced to its numbers, keyed by figure, period and category (zero categories left out). */
type Figures = Map<string, number | string | null>;

const standings = ['met', 'late', 'overdue', 'pending'] as const;

/** The numbers of a dashboard, in the form the baseline computes them. */
function figuresOf(dashboard: Dashboard): Figures {
  const out: Figures = new Map();
  for (const [period, set] of [['current', dashboard.current], ['previous', dashboard.previous]] as const) {
    for (const key of figureKeys) {
      const figure = set[key];
      const p = `${key}.${period}`;
      switch (figure.kind) {
        case 'count':
          out.set(p, figure.value);
          for (const [dimension, rows] of Object.entries(figure.breakdowns)) for (const r of rows) if (r.value !== 0) out.set(`${p}.${dimension}.${r.code ?? '-'}`, r.value);
          break;
        case 'series':
          for (const point of figure.points) out.set(`${p}.${point.label}`, point.value);
          break;
        case 'duration':
          out.set(`${p}.count`, figure.count);
          out.set(`${p}.median`, figure.medianSeconds);
          out.set(`${p}.p90`, figure.p90Seconds);
          break;
        case 'compliance':
          for (const s of standings) if (figure.total[s] !== 0) out.set(`${p}.${s}`, figure.total[s]);
          for (const row of figure.rows) for (const s of standings) if (row.counts[s] !== 0) out.set(`${p}.${row.code}.${s}`, row.counts[s]);
          break;
        case 'ranking':
          figure.rows.forEach((r, i) => out.set(`${p}.${i + 1}`, `${r.code ?? ''}=${String(r.value)}`));
          break;
      }
    }
  }
  return out;
}

const time = (value: unknown): number | null => (value === null || value === undefined ? null : fromDbTime(value as string | Date).getTime());
const isTreatable = (disposition: string | null): boolean => disposition === null || !(untreatedDispositions as readonly string[]).includes(disposition);

/** Adds 1 (or `by`) under `key`. */
function bump(out: Figures, key: string, by = 1): void {
  out.set(key, Number(out.get(key) ?? 0) + by);
}

/** The nearest-rank percentile (rank ⌈p·n⌉) of sorted `values`, in seconds. */
function percentile(sorted: readonly number[], numerator: number, denominator: number): number | null {
  if (sorted.length === 0) return null;
  return (sorted[Math.floor((numerator * sorted.length + denominator - 1) / denominator) - 1] ?? 0) / 1000;
}

/**
 * The dashboard's numbers the naive way: plain SELECTs of the rows of the two years (incidents with their primary
 * classification, the deadlines due with their incident's TLP and disposition, the organisations, the bulletins'
 * listings, CVEs and products, the subscriptions), every count, series, percentile and ranking then computed in
 * JavaScript. Written from the definitions, independently of the repository, so it also checks the database's figures.
 */
async function baselineFigures(db: Db, period: StatsPeriod, scope: StatsScope, asOf: Date): Promise<Figures> {
  const previous = previousPeriod(period);
  const tz = period.timeZone;
  const [prevFrom, from, to] = [previous.from.getTime(), period.from.getTime(), period.to.getTime()];
  const periodOf = (t: number | null): 'current' | 'previous' | null => (t === null ? null : t >= from && t < to ? 'current' : t >= prevFrom && t < from ? 'previous' : null);
  const inScope = (tlp: string): boolean => scope === 'staff' || tlp === 'clear';
  const window = new Date(prevFrom).toISOString();
  const [incidents, organisations, deadlines, listings, cves, named, subscriptions] = await Promise.all([
    db
      .selectFrom('incident')
      .leftJoin('incident_classification as c', (join) => join.onRef('c.incident_id', '=', 'incident.id').on('c.position', '=', 0))
      .select(['incident.reported_at', 'incident.first_response_at', 'incident.triaged_at', 'incident.resolved_at', 'incident.closed_at', 'incident.status', 'incident.disposition', 'incident.severity', 'incident.channel', 'incident.tlp', 'incident.organisation_id', 'c.class_code'])
      .where((eb) =>
        eb.or([
          eb('incident.reported_at', '>=', window),
          eb('incident.first_response_at', '>=', window),
          eb('incident.triaged_at', '>=', window),
          eb('incident.resolved_at', '>=', window),
          eb('incident.closed_at', '>=', window),
          eb('incident.status', 'not in', ['resolved', 'closed']),
          eb.and([eb('incident.resolved_at', 'is', null), eb('incident.closed_at', 'is', null)]),
        ]),
      )
      .execute(),
    db.selectFrom('organisation').select(['id', 'sector_code', 'category']).execute(),
    db
      .selectFrom('incident_deadline as d')
      .innerJoin('incident', 'incident.id', 'd.incident_id')
      .select(['d.profile', 'd.key', 'd.due_at', 'd.completed_at', 'incident.disposition', 'incident.tlp'])
      .where('d.due_at', '>=', window)
      .where('d.due_at', '<', period.to.toISOString())
      .execute(),
    db
      .selectFrom('bulletin_listing')
      .select(['bulletin_id', 'kind', 'criticality', 'tlp', 'first_published_at'])
      .where('is_original', '=', 1)
      .where('publication', '!=', 'withdrawn')
      .where('first_published_at', '>=', window)
      .where('first_published_at', '<', period.to.toISOString())
      .execute(),
    db.selectFrom('bulletin_cve').select(['bulletin_id', 'cve_id']).execute(),
    db
      .selectFrom('bulletin_product as bp')
      .innerJoin('product as p', 'p.id', 'bp.product_id')
      .innerJoin('product_vendor as v', 'v.id', 'bp.vendor_id')
      .innerJoin('product_vendor as pv', 'pv.id', 'p.vendor_id')
      .select(['bp.bulletin_id', 'bp.vendor_id', 'bp.product_id', 'v.name_key as vendor_key', 'v.name as vendor_name', 'p.name_key as product_key', 'p.name as product_name', 'pv.name_key as product_vendor_key', 'pv.name as product_vendor_name'])
      .execute(),
    db.selectFrom('subscription').select(['status', 'confirmed_at', 'unsubscribed_at']).execute(),
  ]);

  const out: Figures = new Map();
  const organisationOf = new Map(organisations.map((o) => [o.id, o]));
  const months = { current: stepsUntil(monthSteps(period.from, period.to, tz), asOf, tz, false), previous: stepsUntil(monthSteps(previous.from, previous.to, tz), asOf, tz, false) };
  const backlog = { current: stepsUntil(backlogSteps(period), asOf, tz, true), previous: stepsUntil(backlogSteps(previous), asOf, tz, true) };
  const stepOf = (steps: readonly PeriodStep[], t: number): PeriodStep | undefined => steps.find((s) => t >= s.from.getTime() && t < s.to.getTime());
  const durations: Record<string, number[]> = {};
  for (const key of ['reported', 'treated', 'closed'] as const) for (const p of ['current', 'previous']) out.set(`incidents.${key}.${p}`, 0);
  for (const p of ['current', 'previous'] as const) {
    for (const s of months[p]) for (const key of ['incidents.reported_by_month', 'incidents.treated_by_month', 'bulletins.published_by_month']) out.set(`${key}.${p}.${s.label}`, 0);
    for (const s of backlog[p]) out.set(`incidents.backlog.${p}.${s.label}`, 0);
  }
  const backlogEnds = (['current', 'previous'] as const).flatMap((p) => backlog[p].map((s) => ({ key: `incidents.backlog.${p}.${s.label}`, end: s.to.getTime() })));

  for (const row of incidents) {
    if (!inScope(row.tlp)) continue;
    const reported = time(row.reported_at) ?? 0;
    const organisation = row.organisation_id === null ? undefined : organisationOf.get(row.organisation_id);
    const dims = { rsit_class: row.class_code ?? null, severity: row.severity, sector: organisation?.sector_code ?? null, category: organisation?.category ?? null, channel: row.channel };
    const treatable = isTreatable(row.disposition);
    const reportedIn = periodOf(reported);
    if (reportedIn !== null) {
      bump(out, `incidents.reported.${reportedIn}`);
      for (const [dimension, code] of Object.entries(dims)) bump(out, `incidents.reported.${reportedIn}.${dimension}.${code ?? '-'}`);
      const step = stepOf(months[reportedIn], reported);
      if (step) bump(out, `incidents.reported_by_month.${reportedIn}.${step.label}`);
    }
    const closed = time(row.closed_at);
    const closedIn = periodOf(closed);
    if (closedIn !== null && closed !== null) {
      bump(out, `incidents.closed.${closedIn}`);
      bump(out, `incidents.closed.${closedIn}.disposition.${row.disposition ?? '-'}`);
      if (treatable) {
        bump(out, `incidents.treated.${closedIn}`);
        for (const [dimension, code] of Object.entries(dims)) bump(out, `incidents.treated.${closedIn}.${dimension}.${code ?? '-'}`);
        const step = stepOf(months[closedIn], closed);
        if (step) bump(out, `incidents.treated_by_month.${closedIn}.${step.label}`);
      }
    }
    if (treatable) {
      for (const [metric, at] of [['first_response', row.first_response_at], ['triage', row.triaged_at], ['resolution', row.resolved_at]] as const) {
        const t = time(at);
        const p = periodOf(t);
        if (p !== null && t !== null) (durations[`${metric}.${p}`] ??= []).push(t - reported);
      }
    }
    // Open at the end of each backlog step: reported before it and not resolved or closed before it.
    const hasEnded = row.status === 'resolved' || row.status === 'closed';
    const endedAt = time(row.resolved_at) ?? time(row.closed_at);
    for (const { key, end } of backlogEnds) if (reported < end && !(hasEnded && endedAt !== null && endedAt < end)) bump(out, key);
  }
  for (const metric of ['first_response', 'triage', 'resolution'] as const) {
    const key = metric === 'first_response' ? 'incidents.first_response_time' : metric === 'triage' ? 'incidents.triage_time' : 'incidents.resolution_time';
    for (const p of ['current', 'previous'] as const) {
      const sorted = (durations[`${metric}.${p}`] ?? []).sort((a, b) => a - b);
      out.set(`${key}.${p}.count`, sorted.length);
      out.set(`${key}.${p}.median`, percentile(sorted, 1, 2));
      out.set(`${key}.${p}.p90`, percentile(sorted, 9, 10));
    }
  }

  for (const d of deadlines) {
    if (!inScope(d.tlp) || !isTreatable(d.disposition)) continue;
    const due = time(d.due_at);
    const p = periodOf(due);
    if (p === null || due === null) continue;
    const completed = time(d.completed_at);
    const standing = completed !== null ? (completed <= due ? 'met' : 'late') : due < asOf.getTime() ? 'overdue' : 'pending';
    const figure = d.profile === SERVICE_LEVEL_PROFILE ? 'incidents.service_level_compliance' : 'incidents.legal_deadline_compliance';
    bump(out, `${figure}.${p}.${standing}`);
    bump(out, `${figure}.${p}.${d.key}.${standing}`);
  }

  const listed = new Map<string, 'current' | 'previous'>();
  for (const l of listings) {
    if (!inScope(l.tlp)) continue;
    const published = time(l.first_published_at);
    const p = periodOf(published);
    if (p === null || published === null) continue;
    listed.set(l.bulletin_id, p);
    bump(out, `bulletins.published.${p}`);
    bump(out, `bulletins.published.${p}.kind.${l.kind}`);
    bump(out, `bulletins.published.${p}.criticality.${l.criticality}`);
    if (l.criticality === CRITICAL) {
      bump(out, `bulletins.critical.${p}`);
      bump(out, `bulletins.critical.${p}.kind.${l.kind}`);
    }
    const step = stepOf(months[p], published);
    if (step) bump(out, `bulletins.published_by_month.${p}.${step.label}`);
  }
  for (const p of ['current', 'previous'] as const) {
    out.set(`bulletins.published.${p}`, out.get(`bulletins.published.${p}`) ?? 0);
    out.set(`bulletins.critical.${p}`, out.get(`bulletins.critical.${p}`) ?? 0);
    out.set(`bulletins.cves.${p}`, new Set(cves.filter((c) => listed.get(c.bulletin_id) === p).map((c) => c.cve_id)).size);
    const rank = (entries: { bulletin: string; code: string; name: string }[], key: FigureKey): void => {
      const bulletinsOf = new Map<string, Set<string>>();
      for (const e of entries) if (listed.get(e.bulletin) === p) (bulletinsOf.get(e.code) ?? bulletinsOf.set(e.code, new Set()).get(e.code))?.add(e.bulletin);
      [...bulletinsOf]
        .map(([code, set]) => ({ code, n: set.size }))
        .sort((a, b) => b.n - a.n || (a.code < b.code ? -1 : a.code > b.code ? 1 : 0))
        .slice(0, TOP_LIMIT)
        .forEach((r, i) => out.set(`${key}.${p}.${i + 1}`, `${r.code}=${r.n}`));
    };
    rank(named.map((n) => ({ bulletin: n.bulletin_id, code: n.vendor_key, name: n.vendor_name })), 'bulletins.top_vendors');
    rank(named.map((n) => ({ bulletin: n.bulletin_id, code: `${n.product_vendor_key}/${n.product_key}`, name: `${n.product_vendor_name} ${n.product_name}` })), 'bulletins.top_products');
    const end = p === 'current' ? to : from;
    const [start] = p === 'current' ? [from] : [prevFrom];
    let confirmedAtEnd = 0;
    let newIn = 0;
    for (const s of subscriptions) {
      const confirmed = time(s.confirmed_at);
      if (confirmed === null || (s.status !== 'active' && s.status !== 'unsubscribed')) continue;
      const unsubscribed = time(s.unsubscribed_at);
      if (confirmed < end && (s.status === 'active' || (unsubscribed !== null && unsubscribed >= end))) confirmedAtEnd++;
      if (confirmed >= start && confirmed < end) newIn++;
    }
    out.set(`subscribers.confirmed.${p}`, confirmedAtEnd);
    out.set(`subscribers.new.${p}`, newIn);
  }
  return out;
}

/** The headline's numbers the naive way: the closed incidents and the listings of the year, counted in JavaScript. */
async function baselineHeadline(db: Db, period: StatsPeriod): Promise<{ treated: number; published: number; critical: number }> {
  const [closed, listings] = await Promise.all([
    db.selectFrom('incident').select(['disposition']).where('closed_at', '>=', period.from.toISOString()).where('closed_at', '<', period.to.toISOString()).execute(),
    db
      .selectFrom('bulletin_listing')
      .select(['criticality'])
      .where('is_original', '=', 1)
      .where('publication', '!=', 'withdrawn')
      .where('first_published_at', '>=', period.from.toISOString())
      .where('first_published_at', '<', period.to.toISOString())
      .execute(),
  ]);
  return { treated: closed.filter((c) => isTreatable(c.disposition)).length, published: listings.length, critical: listings.filter((l) => l.criticality === CRITICAL).length };
}

/** Stops the benchmark when the database and the baseline disagree: a baseline that computes other numbers measures nothing. */
function checkAgreement(label: string, database: Figures, baseline: Figures): number {
  const differences: string[] = [];
  const normalise = (value: number | string | null | undefined): number | string | null => (value === undefined || value === 0 ? null : value);
  for (const key of new Set([...database.keys(), ...baseline.keys()])) {
    const a = normalise(database.get(key));
    const b = normalise(baseline.get(key));
    if (a !== b) differences.push(`${key}: database ${String(a)}, baseline ${String(b)}`);
  }
  if (differences.length > 0) throw new Error(`bench statistics (${label}): the baseline disagrees with the database on ${differences.length} figures:\n  ${differences.slice(0, 20).join('\n  ')}`);
  return database.size;
}

// ---- Measuring ---------------------------------------------------------------------------------------------------

interface Stats {
  p50: number;
  p95: number;
  max: number;
  runs: number;
}

/** Times each of `runs` calls on its own, after `warmUp` calls that are not recorded. */
async function timings(runs: number, warmUp: number, work: () => Promise<unknown>): Promise<number[]> {
  for (let i = 0; i < warmUp; i++) await work();
  const out: number[] = [];
  for (let i = 0; i < runs; i++) {
    const start = performance.now();
    await work();
    out.push(performance.now() - start);
  }
  return out;
}

function statsOf(values: number[]): Stats {
  const sorted = [...values].sort((a, b) => a - b);
  const at = (p: number): number => sorted[Math.max(0, Math.ceil(p * sorted.length) - 1)] ?? 0;
  return { p50: at(0.5), p95: at(0.95), max: sorted[sorted.length - 1] ?? 0, runs: sorted.length };
}

const ms = (n: number): string => (n < 10 ? n.toFixed(2) : n.toFixed(1));

/** The figure (p95) next to its baseline's p95 through `line`, then the distribution and the target, for information. */
function report(line: Line, label: string, measured: number[], baselineLabel: string, baseline: number[], target: number | null, unit: string): void {
  const m = statsOf(measured);
  const b = statsOf(baseline);
  line(label, m.p95, baselineLabel, b.p95, 1, unit);
  const verdict = target === null ? '' : `   target ${target} ms: ${m.p95 <= target ? 'met' : 'missed'}`;
  console.log(`      p50 ${ms(m.p50)} / p95 ${ms(m.p95)} / max ${ms(m.max)} ms (${m.runs} runs); baseline p50 ${ms(b.p50)} / p95 ${ms(b.p95)} / max ${ms(b.max)} ms (${b.runs} runs)${verdict}`);
}

const benchConfig = (): Config => loadConfig({ RIBAT_SECRET: 'bench-secret-bench-secret-bench-secret-0', RIBAT_DATA_DIR: '/tmp/ribat-bench', RIBAT_LOG_LEVEL: 'silent' }, { createSecret: false });

/** Checks the figures against the baseline, then times the dashboard, the public report and the headline. */
async function measure(label: string, database: DatabaseHandle, config: Config, data: Seeded, now: Date, line: Line): Promise<void> {
  const { db } = database;
  const tag = `[${label}] statistics`;
  const period = yearPeriod(data.year, config.timezone);
  const ctx = systemContext('bench', { now: () => now });

  const counted = await db
    .selectNoFrom((eb) => [
      eb.selectFrom('incident').select((e) => e.fn.countAll<number>().as('n')).as('incidents'),
      eb.selectFrom('incident').select((e) => e.fn.countAll<number>().as('n')).where('reported_at', '>=', previousPeriod(period).from.toISOString()).where('reported_at', '<', period.to.toISOString()).as('window'),
      eb.selectFrom('bulletin').select((e) => e.fn.countAll<number>().as('n')).as('bulletins'),
    ])
    .executeTakeFirstOrThrow();
  console.log(
    `${tag}: seeded in ${data.seconds.toFixed(1)} s: ${counted.incidents} incidents (${counted.window} reported in ${data.year - 1}–${data.year}, the two years a ${data.year} dashboard reads), ` +
      `${data.classifications} classifications, ${data.deadlines} deadlines, ${counted.bulletins} bulletins (${data.listings} listing rows); dataset ${await sizeOf(database, ['incident', 'incident_classification', 'incident_deadline', 'bulletin_listing', 'bulletin_cve', 'bulletin_product'])}; peak RSS ${peakRss()}`,
  );

  // The same numbers both ways, or no benchmark.
  const agreed = [];
  for (const scope of ['staff', 'public'] as const) {
    const dashboard = await assembleDashboard(db, period, scope, now);
    agreed.push(`${checkAgreement(scope, figuresOf(dashboard), await baselineFigures(db, period, scope, now))} ${scope}`);
  }
  const headline = await computeHeadline(database, config, ctx, { year: data.year, scope: 'staff' });
  const naive = await baselineHeadline(db, period);
  if (JSON.stringify(headline.figures) !== JSON.stringify(naive)) throw new Error(`bench statistics: headline ${JSON.stringify(headline.figures)}, baseline ${JSON.stringify(naive)}`);
  console.log(`${tag}: the database and the baseline agree on every figure (${agreed.join(', ')}; headline ${headline.figures.treated}/${headline.figures.published}/${headline.figures.critical})`);

  const dashboard = await timings(ITERATIONS, 3, () => assembleDashboard(db, period, 'staff', now));
  const publicReport = await timings(ITERATIONS, 3, () => buildPublicReport(database, config, ctx, data.year));
  const headlines = await timings(ITERATIONS, 3, () => computeHeadline(database, config, ctx, { year: data.year, scope: 'staff' }));
  console.log(`${tag}: peak RSS ${peakRss()} before the baseline`);
  const baselineStaff = await timings(BASELINE_ITERATIONS, 1, () => baselineFigures(db, period, 'staff', now));
  const baselinePublic = await timings(BASELINE_ITERATIONS, 1, () => baselineFigures(db, period, 'public', now));
  const baselineHeadlines = await timings(ITERATIONS, 3, () => baselineHeadline(db, period));
  report(line, `${tag}: staff dashboard ${data.year}`, dashboard, 'load + JS', baselineStaff, TARGET_MS, 'dashboard');
  report(line, `${tag}: public report ${data.year}`, publicReport, 'load + JS', baselinePublic, TARGET_MS, 'report');
  report(line, `${tag}: headline ${data.year}`, headlines, 'load + JS', baselineHeadlines, TARGET_MS, 'headline');
  console.log(`${tag}: peak RSS ${peakRss()}`);
}

async function seedAndMeasure(label: string, database: DatabaseHandle, line: Line, reopen?: () => Promise<DatabaseHandle>): Promise<void> {
  const now = new Date();
  const config = benchConfig();
  console.log(`[${label}] statistics: seeding ${INCIDENTS} incidents and ${BULLETINS} bulletins with multi-row inserts…`);
  const data = await seedStatistics(database, config, now.getTime());
  if (database.dialect === 'postgres') {
    await sql`vacuum (analyze) incident, incident_classification, incident_deadline, organisation, bulletin, bulletin_listing, bulletin_cve, bulletin_product, product, product_vendor, subscription`.execute(database.db);
  }
  const measured = reopen ? await reopen() : database;
  try {
    await measure(label, measured, config, data, now, line);
  } finally {
    if (reopen) await measured.close();
  }
}

/**
 * The statistics benchmark on SQLite (a file database in a temporary directory, removed afterwards unless it is
 * BENCH_STATS_DIR; seeded with a larger page cache, then reopened with the application's own settings), then on
 * PostgreSQL in a schema of its own when BENCH_PG is set (VACUUM ANALYZE after the seeding, as autovacuum would).
 */
export async function benchStatistics(line: Line): Promise<void> {
  if (INCIDENTS <= 0) return;
  await onSqliteFile('ribat-bench-statistics-', 'BENCH_STATS_DIR', (database, reopen) => seedAndMeasure('sqlite', database, line, reopen));
  const pgUrl = process.env.BENCH_PG;
  if (!pgUrl) return;
  await onPostgresSchema(pgUrl, 'bench_stats_', async (database) => {
    await runSeeds(database, systemClock);
    await seedAndMeasure('postgres', database, line);
  });
}
