/**
 * Incident benchmarks (issue 5, point 11): BENCH_INCIDENTS incidents (500,000) and BENCH_INDICATORS indicators
 * (5 million) in the real, migrated schema, then, each over BENCH_ITERATIONS (≥ 200) individually timed runs:
 *  - the queue's first page (`listIncidentQueue`, joins and sort) for eight filters vs a plain
 *    `select id from incident where … limit 50` of the same filter (no joins, no sort); target p95 100 ms;
 *  - an exact indicator lookup (`lookupIndicators`, one value, hits and misses) vs a primary-key lookup of an
 *    incident; target p95 10 ms;
 *  - a 1,000-value bulk lookup (half hits) through `lookupIndicators` and through the `bulkLookup` use case (text
 *    parsing included) vs 1,000 single lookups in a loop; target 200 ms.
 * Targets are printed as information ("met"/"missed"), never asserted. The dataset size and the peak memory are
 * printed with the figures.
 */
import { createHash } from 'node:crypto';
import { performance } from 'node:perf_hooks';
import { sql, type Insertable } from 'kysely';
import { v7 } from 'uuid';
import type { DatabaseHandle, Db } from '#src/db/database';
import type { IncidentClassificationTable, IncidentIndicatorTable, IncidentTable } from '#src/modules/incidents/incidents.tables';
import type { IncidentStatus } from '#src/modules/incidents/incidents.types';
import type { IndicatorType } from '#src/modules/indicators/indicators';
import type { QueueFilters } from '#src/modules/incidents/incidents.repository';
import { sectorSeed } from '#src/db/seeds/sectors';
import { systemContext } from '#src/core/context';
import { organisationCategories } from '#src/modules/constituents/constituents.types';
import { detectIndicatorType, normaliseIndicator } from '#src/modules/indicators/indicators';
import { incidentSearchText, listIncidentQueue, lookupIndicators } from '#src/modules/incidents/incidents.repository';
import { bulkLookup } from '#src/modules/incidents/use-cases/incident-indicators';
import { searchTerms } from '#src/modules/bulletins/search-text';
import { dbTime, insertBatches, onSqliteFile, peakRss, pick, rowsPerStatement, seeded, sizeOf, weighted, zipf, type Line } from './support';


const INCIDENTS = Number(process.env.BENCH_INCIDENTS ?? 500_000);
const INDICATORS = Number(process.env.BENCH_INDICATORS ?? 5_000_000);
const ITERATIONS = Math.max(200, Number(process.env.BENCH_ITERATIONS ?? 200));
const TARGETS = { queue: 100, lookup: 10, bulk: 200 } as const;
/** Incidents generated (and inserted in one transaction) at a time, so memory stays bounded whatever the size. */
const CHUNK = 10_000;
const YEARS = 5;
const DAY = 86_400_000;
const HANDLER = { kind: 'handler' } as const;

// ---- Indicator values, already in the normalised form the application stores ----------------------------------

const PREFIXES = ['secure', 'login', 'update', 'account', 'verify', 'portal', 'cdn', 'mail', 'pay', 'track', 'cloud', 'web', 'auth', 'docs'];
const BRANDS = ['atlas', 'poste', 'bank', 'impots', 'sante', 'gov', 'dhl', 'netflix', 'office', 'wafa', 'cnss', 'douane', 'amazon', 'livraison'];
const TLDS = ['com', 'net', 'org', 'info', 'xyz', 'top', 'online', 'site', 'ma', 'fr', 'ru', 'cn', 'io', 'shop'];
const URL_PATHS = ['wp-admin', 'login', 'secure', 'verify', 'includes', 'upload', 'cgi-bin', 'paiement', 'track', 'api/v1'];
const FREE_MAIL = ['gmail.com', 'outlook.com', 'yahoo.fr', 'hotmail.com', 'proton.me', 'menara.ma'];
const FIRST = ['youssef', 'fatima', 'mohamed', 'khadija', 'omar', 'salma', 'karim', 'nadia', 'hamza', 'imane', 'amine', 'sara', 'jean', 'marie'];
const LAST = ['alaoui', 'bennani', 'tazi', 'idrissi', 'elfassi', 'berrada', 'chraibi', 'amrani', 'naciri', 'lahlou', 'martin', 'dubois'];

/** A 32-bit scramble (an odd multiplier is a bijection modulo 2^32), so counters give spread-out, distinct values. */
function scramble(k: number, salt: number): number {
  let x = Math.imul(k ^ salt, 0x9e3779b1) >>> 0;
  x ^= x >>> 16;
  return Math.imul(x, 0x85ebca6b) >>> 0;
}

/**
 * Value number `k` of a type in namespace `salt`: `salt` 1 for unique values, 2 for the shared (hot) pool, 3 for
 * values that are stored nowhere (misses). Misses can never collide with stored values: their IPv4 addresses are in
 * 198.18.0.0/15 (RFC 2544, never generated otherwise) and their other values carry a `zz` marker.
 */
function indicatorValue(type: BenchType, k: number, salt: 1 | 2 | 3): string {
  const h = scramble(k, salt * 0x51ed27);
  const tag = salt === 3 ? 'zz' : salt === 2 ? 'h' : 'u';
  const domain = (): string => `${PREFIXES[h % PREFIXES.length]}-${BRANDS[(h >>> 4) % BRANDS.length]}-${tag}${k.toString(36)}.${TLDS[(h >>> 8) % TLDS.length]}`;
  switch (type) {
    case 'ipv4': {
      if (salt === 3) return `198.${18 + (k >>> 16) % 2}.${(k >>> 8) & 255}.${k & 255}`;
      // Bijective on the 32-bit scramble; first octets outside 1–223 and 198.18/15 are moved (rare, harmless
      // accidental sharing).
      let a = h >>> 24;
      let b = (h >>> 16) & 255;
      if (a === 0 || a >= 224) a = 1 + (a % 223);
      if (a === 198 && (b & 0xfe) === 18) b ^= 0x40;
      return `${a}.${b}.${(h >>> 8) & 255}.${h & 255}`;
    }
    case 'domain':
      return domain();
    case 'url':
      return `${h & 1 ? 'https' : 'http'}://${domain()}/${URL_PATHS[(h >>> 12) % URL_PATHS.length]}/${(h >>> 3).toString(36)}.php${h & 2 ? `?id=${h % 9973}` : ''}`;
    case 'sha256':
      return createHash('sha256').update(`${salt}:${k}`).digest('hex');
    case 'email':
      return `${FIRST[h % FIRST.length]}.${LAST[(h >>> 5) % LAST.length]}.${tag}${k.toString(36)}@${h & 4 ? FREE_MAIL[(h >>> 9) % FREE_MAIL.length] : domain()}`;
  }
}

const benchTypes = ['ipv4', 'domain', 'url', 'sha256', 'email'] as const satisfies readonly IndicatorType[];
type BenchType = (typeof benchTypes)[number];

/** Indicator types by the incident's main class: DDoS reports carry addresses, phishing URLs and domains, malware hashes. */
function typeMixOf(classCode: string): readonly (readonly [BenchType, number])[] {
  switch (classCode) {
    case 'availability':
    case 'information-gathering':
    case 'intrusion-attempts':
      return [['ipv4', 90], ['domain', 5], ['url', 5]];
    case 'fraud':
    case 'abusive-content':
      return [['url', 35], ['domain', 30], ['email', 20], ['ipv4', 15]];
    case 'malicious-code':
      return [['sha256', 45], ['ipv4', 30], ['domain', 15], ['url', 10]];
    default:
      return [['ipv4', 60], ['domain', 15], ['url', 10], ['sha256', 8], ['email', 7]];
  }
}

// ---- Incident texts ----------------------------------------------------------------------------------------------

const CLASS_WEIGHTS = [
  ['fraud', 25], ['malicious-code', 15], ['information-gathering', 14], ['intrusion-attempts', 12], ['intrusions', 10], ['availability', 8],
  ['vulnerable', 7], ['information-content-security', 5], ['abusive-content', 2], ['other', 1.5], ['test', 0.5],
] as const;
const TYPES_OF: Readonly<Record<string, readonly string[]>> = {
  fraud: ['phishing', 'masquerade', 'unauthorised-use-of-resources'],
  'malicious-code': ['infected-system', 'c2-server', 'malware-distribution'],
  'information-gathering': ['scanner', 'social-engineering'],
  'intrusion-attempts': ['brute-force', 'exploit', 'ids-alert'],
  intrusions: ['system-compromise', 'unprivileged-account-compromise', 'application-compromise'],
  availability: ['ddos', 'dos', 'outage'],
  vulnerable: ['vulnerable-system', 'potentially-unwanted-accessible', 'weak-crypto'],
  'information-content-security': ['data-leak', 'unauthorised-information-access'],
  'abusive-content': ['spam', 'harmful-speech'],
  other: ['undetermined', 'other'],
  test: ['test'],
};
const TITLES: Readonly<Record<string, readonly string[]>> = {
  fraud: ['Hameçonnage usurpant {brand}', 'Campagne de phishing visant les clients de {brand}', 'Faux site de paiement {brand}', 'محاولة تصيد احتيالي تستهدف {brand}'],
  'malicious-code': ['Rançongiciel {malware} sur le serveur {host}', 'Infection par {malware} détectée', 'Serveur de commande {malware} hébergé localement'],
  'information-gathering': ['Balayage de ports depuis un hébergeur étranger', 'Scan massif du service {service}'],
  'intrusion-attempts': ['Force brute sur {service}', "Tentative d'exploitation de {cve}", 'محاولة استغلال ثغرة {cve}'],
  intrusions: ['Compromission du serveur {host}', 'Compte administrateur compromis ({service})', 'Webshell découvert sur {host}'],
  availability: ['Déni de service distribué contre {service}', 'Indisponibilité du portail {brand}', 'هجوم حجب الخدمة على {service}'],
  vulnerable: ['Service {service} exposé sur Internet', 'Serveur vulnérable à {cve}'],
  'information-content-security': ['Fuite de données clients {brand}', 'Accès non autorisé à la messagerie de {brand}'],
  'abusive-content': ['Spam massif usurpant {brand}', 'Contenu haineux publié sur le site {brand}'],
  other: ['Signalement à qualifier', 'Comportement suspect du poste {host}'],
  test: ['Test de la chaîne de signalement'],
};
const MALWARE = ['LockBit', 'Emotet', 'QakBot', 'AgentTesla', 'RedLine', 'Mirai', 'BlackCat', 'AsyncRAT', 'Akira', 'Formbook'];
const SERVICES = ['VPN', 'OWA', 'RDP', 'SSH', 'messagerie', 'portail citoyen', 'API de paiement', 'DNS', 'site institutionnel', 'ERP'];
const CVES = ['CVE-2023-4966', 'CVE-2024-3400', 'CVE-2021-44228', 'CVE-2023-20198', 'CVE-2024-21762', 'CVE-2023-34362', 'CVE-2024-1709'];
const PRODUCTS = ['FortiGate', 'Exchange', 'Citrix NetScaler', 'GlobalProtect', 'WordPress', 'Confluence', 'Ivanti Connect Secure', 'MOVEit'];
const CITIES = ['Casablanca', 'Rabat', 'Tanger', 'Fès', 'Marrakech', 'Agadir', 'Oujda', 'Kénitra', 'Meknès', 'Laâyoune'];
const SENTENCES = [
  "L'équipe de {org} a constaté une activité anormale sur {product} à {city}.",
  'Plusieurs utilisateurs ont reçu des messages frauduleux renvoyant vers un site imitant {brand}.',
  'Les journaux montrent des connexions répétées depuis des adresses étrangères vers le {service}.',
  'Le prestataire a isolé le poste concerné et collecté les journaux des dernières 48 heures.',
  'Aucune exfiltration de données n’a été confirmée à ce stade ; l’analyse se poursuit.',
  'Le service {service} a été interrompu pendant environ {hours} heures.',
  'Les indicateurs ci-joints proviennent de la passerelle de messagerie et du pare-feu.',
  'The attacker exploited {cve} on an unpatched {product} appliance.',
  'تم رصد نشاط مشبوه على خوادم {org} في {city}.',
];

function fill(template: string, random: () => number, org: string): string {
  return template.replace(/\{(\w+)\}/g, (_, key: string) => {
    switch (key) {
      case 'brand':
        return pick(random, ['Banque Atlas', 'Barid Al-Maghrib', 'la DGI', 'la CNSS', 'Maroc Télécom', 'la Douane', 'Royal Air Maroc', 'Wafa Assurance']);
      case 'malware':
        return pick(random, MALWARE);
      case 'service':
        return pick(random, SERVICES);
      case 'cve':
        return pick(random, CVES);
      case 'product':
        return pick(random, PRODUCTS);
      case 'city':
        return pick(random, CITIES);
      case 'host':
        return `SRV-${Math.floor(random() * 900 + 100)}`;
      case 'hours':
        return String(Math.floor(random() * 47) + 1);
      case 'org':
        return org;
      default:
        return key;
    }
  });
}

// ---- Seeding -----------------------------------------------------------------------------------------------------

/** What the seeding keeps for the measurements: samples only, so memory does not grow with the dataset. */
interface Seeded {
  seconds: number;
  organisations: { id: string; sector: string }[];
  analystIds: string[];
  /** A uniform sample of stored indicators (each stored row equally likely, so shared values appear as often as they are used). */
  indicatorSample: { type: BenchType; value: string }[];
  /** The most shared values, with how many incidents hold each. */
  hottest: { type: BenchType; value: string; incidents: number }[];
  /** Values held by more than one incident. */
  sharedValues: number;
  incidentSample: { id: string; reference: string }[];
  classRows: number;
  indicatorRows: number;
}

/**
 * Writes the dataset directly with multi-row inserts, a transaction per chunk of CHUNK incidents: going through the
 * use cases (reference counter, deadlines, audit chain, one statement per indicator) would take hours at this size,
 * and only the resulting rows matter to the queries measured. Values are checked against the application's own
 * normalisation and type detection before anything is written.
 */
async function seedIncidents(database: DatabaseHandle, now: number): Promise<Seeded> {
  const { db } = database;
  const random = seeded(20_260_511);
  const started = performance.now();
  const stamp = dbTime(now - YEARS * 365 * DAY - 30 * DAY);

  // ~50 organisations across the seeded sectors (a few large ones report most), 20 analysts, 3 members per organisation.
  const organisations = Array.from({ length: 50 }, (_, i) => ({ id: v7(), sector: sectorSeed[i % sectorSeed.length]?.code ?? 'other', name: `Organisation ${i + 1}` }));
  await db
    .insertInto('organisation')
    .values(
      organisations.map((o, i) => ({
        id: o.id,
        name_fr: `${o.name} (banc d'essai)`,
        name_ar: `هيئة ${i + 1}`,
        name_en: o.name,
        acronym: `BENCH-${i + 1}`,
        category: organisationCategories[i % organisationCategories.length] ?? 'other',
        sector_code: o.sector,
        status: 'active',
        email_domains: JSON.stringify([`org${i + 1}.bench.example.ma`]),
        ip_ranges: '[]',
        created_at: stamp,
        updated_at: stamp,
      })),
    )
    .execute();
  const users = [
    ...Array.from({ length: 20 }, (_, i) => ({ id: v7(), email: `analyst${i + 1}@bench-incidents.example`, name: `Analyste ${i + 1}`, organisationId: null as string | null, role: 'analyst' })),
    ...organisations.flatMap((o, i) =>
      Array.from({ length: 3 }, (_, j) => ({ id: v7(), email: `member${j + 1}@org${i + 1}.bench.example.ma`, name: `Membre ${j + 1} de ${o.name}`, organisationId: o.id, role: 'org_member' })),
    ),
  ];
  await db
    .insertInto('user_account')
    .values(users.map((u) => ({ id: u.id, email: u.email, display_name: u.name, password_hash: null, locale: 'fr', status: 'active', organisation_id: u.organisationId, created_at: stamp, updated_at: stamp })))
    .execute();
  await db
    .insertInto('user_role')
    .values(users.map((u) => ({ user_id: u.id, role: u.role })))
    .execute();
  const analysts = users.filter((u) => u.role === 'analyst');
  const membersOf = new Map(organisations.map((o) => [o.id, users.filter((u) => u.organisationId === o.id)]));
  const organisationRank = zipf(organisations.length, 0.9);
  const analystRank = zipf(analysts.length, 0.6);

  // The shared pool: values seen in many incidents (a scanner, a C2 server, a phishing kit's domain), Zipf-distributed.
  const hotCount = Math.max(1000, Math.floor(INDICATORS / 100));
  const hotTypes: BenchType[] = Array.from({ length: hotCount }, () => weighted(random, [['ipv4', 50], ['domain', 20], ['url', 15], ['sha256', 10], ['email', 5]]));
  const hotValues = hotTypes.map((type, k) => indicatorValue(type, k, 2));
  const hotUses = new Uint32Array(hotCount);
  const hotRank = zipf(hotCount, 0.6);
  const hotShare = 0.1;
  for (let k = 0; k < hotCount; k++) checkValue(hotTypes[k] ?? 'ipv4', hotValues[k] ?? '');

  const counters: Record<BenchType, number> = { ipv4: 0, domain: 0, url: 0, sha256: 0, email: 0 };
  const indicatorSample: { type: BenchType; value: string }[] = [];
  const incidentSample: { id: string; reference: string }[] = [];
  const sampleSize = 20_000;
  let indicatorsLeft = INDICATORS;
  let indicatorRows = 0;
  let classRows = 0;
  const yearCounters = new Map<number, number>();
  const span = YEARS * 365 * DAY;
  const start = now - span;

  const incidentPer = rowsPerStatement(database, 41);
  const classPer = rowsPerStatement(database, 4);
  const indicatorPer = rowsPerStatement(database, 7);

  for (let first = 0; first < INCIDENTS; first += CHUNK) {
    const incidents: Insertable<IncidentTable>[] = [];
    const classifications: Insertable<IncidentClassificationTable>[] = [];
    const indicators: Insertable<IncidentIndicatorTable>[] = [];
    for (let i = first; i < Math.min(INCIDENTS, first + CHUNK); i++) {
      // Reported times over five years in order, with volume growing over time; ids are UUIDv7 of that time, as the
      // application would have allocated them.
      const reported = Math.floor(start + span * ((i + random()) / INCIDENTS) ** 0.85);
      const age = now - reported;
      const year = new Date(reported).getUTCFullYear();
      const counter = (yearCounters.get(year) ?? 0) + 1;
      yearCounters.set(year, counter);
      const id = v7({ msecs: reported });
      const reference = `INC-${year}-${String(counter).padStart(5, '0')}`;
      const isOpen = random() < (age < 30 * DAY ? 0.7 : age < 180 * DAY ? 0.25 : 0.05);
      const status: IncidentStatus = isOpen ? weighted(random, [['new', 20], ['triage', 25], ['in_progress', 55]]) : random() < 0.03 ? 'resolved' : 'closed';
      const channel = weighted(random, [['portal', 35], ['email', 30], ['public', 15], ['api', 10], ['staff', 10]]);
      const organisation = channel === 'public' && random() < 0.6 ? null : (organisations[organisationRank(random)] ?? null);
      const member = organisation === null ? null : pick(random, membersOf.get(organisation.id) ?? []);
      const reporterUser = channel === 'portal' || channel === 'api' ? member : null;
      const external = `${pick(random, FIRST)}.${pick(random, LAST)}${Math.floor(random() * 1000)}@${pick(random, FREE_MAIL)}`;
      const reporterEmail = reporterUser?.email ?? (channel === 'staff' ? null : external);
      const reporterName = reporterUser?.name ?? (reporterEmail === null ? null : reporterEmail.split('@')[0]?.replace('.', ' ') ?? null);
      const classCode = weighted(random, CLASS_WEIGHTS);
      const severity = status === 'new' && random() < 0.7 ? null : weighted(random, [['tres-grave', 2], ['grave', 10], ['modere', 38], ['limite', 50]]);
      const priority = severity === 'tres-grave' ? 1 : severity === 'grave' ? weighted(random, [[1, 30], [2, 70]]) : weighted(random, [[1, 2], [2, 13], [3, 55], [4, 30]]);
      const assignee = status === 'new' || (status === 'triage' && random() < 0.5) ? null : (analysts[analystRank(random)] ?? null);
      const firstResponse = status === 'new' ? null : reported + Math.floor(random() * 8 * 3_600_000) + 600_000;
      const triaged = firstResponse === null || status === 'triage' ? null : firstResponse + Math.floor(random() * 2 * DAY);
      const resolved = status === 'resolved' || status === 'closed' ? Math.min(now - 60_000, (triaged ?? reported) + Math.floor(random() * 30 * DAY) + 3_600_000) : null;
      const closed = status === 'closed' && resolved !== null ? Math.min(now - 60_000, resolved + Math.floor(random() * 3 * DAY)) : null;
      // Open incidents carry their earliest open deadline; the older stale ones are overdue.
      const nextDue = isOpen ? reported + weighted(random, [[4 * 3_600_000, 30], [DAY, 30], [3 * DAY, 25], [30 * DAY, 15]]) : null;
      const updated = Math.max(reported, firstResponse ?? 0, triaged ?? 0, closed ?? resolved ?? 0);
      const organisationName = organisation?.name ?? 'un particulier';
      const title = fill(pick(random, TITLES[classCode] ?? ['Incident']), random, organisationName);
      const description = Array.from({ length: 2 + Math.floor(random() * 3) }, () => fill(pick(random, SENTENCES), random, organisationName)).join(' ');
      const disposition = status === 'closed' ? weighted(random, [['confirmed', 70], ['false-positive', 12], ['duplicate', 8], ['out-of-scope', 5], ['no-response', 4], ['test', 1]]) : null;
      incidents.push({
        id,
        reference,
        title,
        description,
        status,
        channel,
        organisation_id: organisation?.id ?? null,
        reporter_user_id: reporterUser?.id ?? null,
        reporter_name: reporterName,
        reporter_email: reporterEmail,
        reporter_phone: null,
        reporter_locale: 'fr',
        tracking_token_hash: reporterUser === null && reporterEmail !== null ? createHash('sha256').update(`token:${id}`).digest('hex') : null,
        severity,
        priority,
        tlp: weighted(random, [['clear', 10], ['green', 30], ['amber', 50], ['amber+strict', 7], ['red', 3]]),
        pap: weighted(random, [['clear', 5], ['green', 25], ['amber', 60], ['red', 10]]),
        suspected_malicious: weighted(random, [['yes', 60], ['no', 10], ['unknown', 30]]),
        cross_border: weighted(random, [['yes', 10], ['no', 50], ['unknown', 40]]),
        impact: '{}',
        root_cause: '',
        mitigation: '',
        detected_at: dbTime(reported - Math.floor(random() * 3 * DAY)),
        aware_at: dbTime(reported - Math.floor(random() * DAY)),
        reported_at: dbTime(reported),
        first_response_at: firstResponse === null ? null : dbTime(firstResponse),
        triaged_at: triaged === null ? null : dbTime(triaged),
        resolved_at: resolved === null ? null : dbTime(resolved),
        closed_at: closed === null ? null : dbTime(closed),
        disposition,
        assignee_id: assignee?.id ?? null,
        merged_into_id: null,
        regulation_profiles: '[]',
        next_due_at: nextDue === null ? null : dbTime(nextDue),
        search_text: incidentSearchText({ reference, title, description, reporter: { userId: reporterUser?.id ?? null, name: reporterName, email: reporterEmail, phone: null, locale: 'fr' } }),
        created_by: channel === 'staff' ? (analysts[analystRank(random)]?.id ?? null) : null,
        created_at: dbTime(reported),
        updated_at: dbTime(updated),
        version: 1 + Math.floor(random() * 6),
      });
      if (incidentSample.length < 5000) incidentSample.push({ id, reference });
      else if (random() < 5000 / (i + 1)) incidentSample[Math.floor(random() * 5000)] = { id, reference };

      // One or two RSIT classifications.
      const classes = [classCode];
      if (random() < 0.2) {
        const second = weighted(random, CLASS_WEIGHTS);
        if (second !== classCode) classes.push(second);
      }
      classes.forEach((code, position) => {
        classifications.push({ incident_id: id, class_code: code, type_code: status === 'new' && random() < 0.5 ? '' : `${code}.${pick(random, TYPES_OF[code] ?? ['other'])}`, position });
      });

      // Indicators: most incidents have a few, some have hundreds (a DDoS, a mass phishing); the mean follows what is left.
      const mean = indicatorsLeft / (INCIDENTS - i);
      const count = i === INCIDENTS - 1 ? indicatorsLeft : Math.min(indicatorsLeft, random() < 0.02 ? Math.floor(mean * (10 + random() * 20)) : Math.floor(-Math.log(1 - random()) * mean * 0.6));
      const seen = new Set<string>();
      const mix = typeMixOf(classCode);
      for (let j = 0; j < count; j++) {
        let type: BenchType;
        let value: string;
        let hot = -1;
        if (random() < hotShare) {
          hot = hotRank(random);
          type = hotTypes[hot] ?? 'ipv4';
          value = hotValues[hot] ?? '';
        } else {
          type = weighted(random, mix);
          value = indicatorValue(type, counters[type]++, 1);
          if (indicatorRows < 2000) checkValue(type, value);
        }
        if (seen.has(`${type}:${value}`)) continue;
        seen.add(`${type}:${value}`);
        if (hot >= 0) hotUses[hot] = (hotUses[hot] ?? 0) + 1;
        const createdAt = reported + 60_000 + j * 1000;
        indicators.push({ id: v7({ msecs: createdAt }), incident_id: id, type, value, comment: '', created_by: assignee?.id ?? null, created_at: dbTime(createdAt) });
        indicatorRows++;
        if (indicatorSample.length < sampleSize) indicatorSample.push({ type, value });
        else if (random() < sampleSize / indicatorRows) indicatorSample[Math.floor(random() * sampleSize)] = { type, value };
      }
      indicatorsLeft -= count;
    }
    await db.transaction().execute(async (trx) => {
      await insertBatches(incidents, incidentPer, (part) => trx.insertInto('incident').values(part).execute());
      await insertBatches(classifications, classPer, (part) => trx.insertInto('incident_classification').values(part).execute());
      await insertBatches(indicators, indicatorPer, (part) => trx.insertInto('incident_indicator').values(part).execute());
    });
    classRows += classifications.length;
    const done = Math.min(INCIDENTS, first + CHUNK);
    if (done % 100_000 === 0 || done === INCIDENTS) process.stdout.write(`  … ${done} incidents, ${indicatorRows} indicators (${((performance.now() - started) / 1000).toFixed(0)} s)\n`);
  }
  const order = [...hotUses.keys()].sort((a, b) => (hotUses[b] ?? 0) - (hotUses[a] ?? 0));
  return {
    seconds: (performance.now() - started) / 1000,
    organisations,
    analystIds: analysts.map((a) => a.id),
    indicatorSample,
    hottest: order.slice(0, 10).map((k) => ({ type: hotTypes[k] ?? 'ipv4', value: hotValues[k] ?? '', incidents: hotUses[k] ?? 0 })),
    sharedValues: hotUses.filter((n) => n > 1).length,
    incidentSample,
    classRows,
    indicatorRows,
  };
}

/** Refuses to benchmark values the application would not store as they are (normalised form and detected type). */
function checkValue(type: BenchType, value: string): void {
  const normalised = normaliseIndicator(type, value);
  if (!normalised.ok || normalised.value !== value || detectIndicatorType(value) !== type) {
    throw new Error(`bench generator: ${type} ${value} is not in the stored form (${JSON.stringify(normalised)}, detected ${detectIndicatorType(value)})`);
  }
}

// ---- Measuring ---------------------------------------------------------------------------------------------------

interface Stats {
  p50: number;
  p95: number;
  max: number;
  runs: number;
}

/** Times each of `runs` calls on its own, after a short warm-up (not recorded). */
async function timings(runs: number, work: (i: number) => Promise<unknown>): Promise<number[]> {
  for (let i = 0; i < Math.min(10, runs); i++) await work(runs + i);
  const out: number[] = [];
  for (let i = 0; i < runs; i++) {
    const start = performance.now();
    await work(i);
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
function report(line: Line, label: string, measured: number[], baselineLabel: string, baseline: number[], target: number | null, unit = 'query'): void {
  const m = statsOf(measured);
  const b = statsOf(baseline);
  line(label, m.p95, baselineLabel, b.p95, 1, unit);
  const verdict = target === null ? '' : `   target ${target} ms: ${m.p95 <= target ? 'met' : 'missed'}`;
  console.log(`      p50 ${ms(m.p50)} / p95 ${ms(m.p95)} / max ${ms(m.max)} ms (${m.runs} runs); baseline p50 ${ms(b.p50)} / p95 ${ms(b.p95)} / max ${ms(b.max)} ms${verdict}`);
}

/** The queue's filter as a bare `select id … limit 50`: the same conditions without the joins, the labels and the sort. */
function plainQueue(db: Db, f: QueueFilters, now: Date): Promise<unknown> {
  let query = db.selectFrom('incident').select('incident.id');
  if (f.statuses && f.statuses.length > 0) query = query.where('incident.status', 'in', f.statuses);
  if (f.open === true) query = query.where('incident.status', 'not in', ['resolved', 'closed']);
  if (f.severities && f.severities.length > 0) query = query.where('incident.severity', 'in', f.severities);
  if (f.organisationId !== undefined) query = query.where('incident.organisation_id', '=', f.organisationId);
  if (f.sector !== undefined) {
    const sector = f.sector;
    query = query.where('incident.organisation_id', 'in', (eb) => eb.selectFrom('organisation').select('organisation.id').where('organisation.sector_code', '=', sector));
  }
  if (f.assigneeId === 'none') query = query.where('incident.assignee_id', 'is', null);
  else if (f.assigneeId !== undefined) query = query.where('incident.assignee_id', '=', f.assigneeId);
  if (f.overdue === true) query = query.where('incident.next_due_at', '<', now.toISOString()).where('incident.status', 'not in', ['resolved', 'closed']);
  if (f.classCode !== undefined) {
    const classCode = f.classCode;
    query = query.where('incident.id', 'in', (eb) => eb.selectFrom('incident_classification').select('incident_classification.incident_id').where('incident_classification.class_code', '=', classCode));
  }
  for (const term of searchTerms(f.q ?? '')) query = query.where('incident.search_text', 'like', `%${term.replace(/[%_\\]/g, '')}%`);
  return query.limit(50).execute();
}

/** Runs the measurements on a seeded database. */
async function measure(label: string, database: DatabaseHandle, data: Seeded, now: Date, line: Line): Promise<void> {
  const { db } = database;
  const random = seeded(7);
  const tag = `[${label}] incidents`;

  // Queue: the first page for eight filters, each against its plain select.
  const classes = CLASS_WEIGHTS.map(([code]) => code);
  const sectors = [...new Set(data.organisations.map((o) => o.sector))];
  const words = ['lockbit', 'vpn', 'rançongiciel', 'casablanca', 'exchange'];
  const cases: { name: string; filters: (i: number) => QueueFilters }[] = [
    { name: 'open, by priority', filters: () => ({ open: true, sort: 'priority' }) },
    { name: 'closed + severity', filters: (i) => ({ statuses: ['closed'], severities: [(['tres-grave', 'grave', 'modere', 'limite'] as const)[i % 4]] }) },
    { name: 'organisation', filters: (i) => ({ organisationId: data.organisations[i % data.organisations.length]?.id ?? '' }) },
    { name: 'sector', filters: (i) => ({ sector: sectors[i % sectors.length] ?? 'other' }) },
    { name: 'assignee', filters: (i) => ({ assigneeId: data.analystIds[i % data.analystIds.length] ?? 'none' }) },
    { name: 'RSIT class', filters: (i) => ({ classCode: classes[i % classes.length] ?? 'fraud' }) },
    { name: 'overdue, by due date', filters: () => ({ overdue: true, sort: 'due' }) },
    { name: 'q (word or reference)', filters: (i) => ({ q: i % 3 === 2 ? (data.incidentSample[i % data.incidentSample.length]?.reference ?? 'x') : (words[i % words.length] ?? 'vpn') }) },
  ];
  const allQueue: number[] = [];
  const allPlain: number[] = [];
  for (const c of cases) {
    const queue = await timings(ITERATIONS, (i) => listIncidentQueue(db, HANDLER, c.filters(i), { limit: 50 }, now));
    const plain = await timings(ITERATIONS, (i) => plainQueue(db, c.filters(i), now));
    allQueue.push(...queue);
    allPlain.push(...plain);
    report(line, `${tag}: queue page, ${c.name}`, queue, 'plain select', plain, TARGETS.queue, 'page');
  }
  report(line, `${tag}: queue page, all filters`, allQueue, 'plain select', allPlain, TARGETS.queue, 'page');

  // Exact lookup of one value: stored values (shared ones as often as they are stored) and misses.
  const sample = data.indicatorSample;
  const missOf = (i: number): { type: BenchType; value: string } => {
    const type = benchTypes[i % benchTypes.length] ?? 'ipv4';
    return { type, value: indicatorValue(type, i, 3) };
  };
  const pk = await timings(ITERATIONS, () =>
    db.selectFrom('incident').select(['id', 'reference', 'title', 'status']).where('id', '=', data.incidentSample[Math.floor(random() * data.incidentSample.length)]?.id ?? '').executeTakeFirst(),
  );
  const hits = await timings(ITERATIONS, () => lookupIndicators(db, HANDLER, [pick(random, sample)]));
  const misses = await timings(ITERATIONS, (i) => lookupIndicators(db, HANDLER, [missOf(i)]));
  report(line, `${tag}: exact lookup, stored values`, hits, 'incident by id', pk, TARGETS.lookup);
  report(line, `${tag}: exact lookup, misses`, misses, 'incident by id', pk, TARGETS.lookup);
  report(line, `${tag}: exact lookup, all`, [...hits, ...misses], 'incident by id', pk, TARGETS.lookup);
  const hottest = data.hottest;
  const hot = await timings(ITERATIONS, (i) => lookupIndicators(db, HANDLER, [hottest[i % hottest.length] ?? { type: 'ipv4', value: '192.0.2.1' }]));
  report(line, `${tag}: exact lookup, 10 most shared values`, hot, 'incident by id', pk, TARGETS.lookup);
  console.log(`      (the most shared values are held by ${hottest.map((h) => h.incidents).join(', ')} incidents)`);

  // Bulk lookup of 1,000 values, half stored, half not.
  const batchOf = (i: number): { type: BenchType; value: string }[] => {
    const values = new Map<string, { type: BenchType; value: string }>();
    const r = seeded(1000 + i);
    while (values.size < 500) {
      const v = pick(r, sample);
      values.set(v.value, v);
    }
    for (let j = 0; values.size < 1000; j++) {
      const v = missOf(i * 1000 + j);
      values.set(v.value, v);
    }
    return [...values.values()];
  };
  const bulk = await timings(ITERATIONS, (i) => lookupIndicators(db, HANDLER, batchOf(i)));
  const loop = await timings(ITERATIONS, async (i) => {
    for (const v of batchOf(i)) await lookupIndicators(db, HANDLER, [v]);
  });
  report(line, `${tag}: bulk lookup of 1,000 values`, bulk, '1,000 single lookups', loop, TARGETS.bulk, 'batch');
  // The use case: text (one value a line, every tenth defanged) split, typed, normalised, looked up and answered.
  const ctx = systemContext('bench');
  const textOf = (i: number): string =>
    batchOf(i)
      .map((v, j) => (j % 10 === 0 ? v.value.replace(/\.(?=[^.]*$)/, '[.]').replace(/^http/, 'hxxp') : v.value))
      .join('\n');
  const useCase = await timings(ITERATIONS, async (i) => {
    const answers = await bulkLookup(database, ctx, textOf(i));
    if (answers.length !== 1000 || answers.some((a) => a.error !== null)) throw new Error(`bench: bulkLookup answered ${answers.length} values, ${answers.filter((a) => a.error !== null).length} invalid`);
  });
  report(line, `${tag}: bulkLookup use case (1,000 lines)`, useCase, '1,000 single lookups', loop, TARGETS.bulk, 'batch');
  console.log(`${tag}: peak RSS ${peakRss()}`);
}

async function seedAndMeasure(label: string, database: DatabaseHandle, line: Line, reopen?: () => Promise<DatabaseHandle>): Promise<void> {
  const now = new Date();
  console.log(`[${label}] incidents: seeding ${INCIDENTS} incidents and ${INDICATORS} indicators with multi-row inserts…`);
  const data = await seedIncidents(database, now.getTime());
  if (database.dialect === 'postgres') await sql`vacuum (analyze) incident, incident_classification, incident_indicator, organisation, user_account`.execute(database.db);
  const measured = reopen ? await reopen() : database;
  try {
    const counted = await measured.db
      .selectNoFrom((eb) => [
        eb.selectFrom('incident').select((e) => e.fn.countAll<number>().as('n')).as('incidents'),
        eb.selectFrom('incident_indicator').select((e) => e.fn.countAll<number>().as('n')).as('indicators'),
        eb.selectFrom('incident').select((e) => e.fn.countAll<number>().as('n')).where('status', 'not in', ['resolved', 'closed']).as('open'),
      ])
      .executeTakeFirstOrThrow();
    console.log(
      `[${label}] incidents: seeded in ${data.seconds.toFixed(1)} s (${(Number(counted.incidents) / data.seconds).toFixed(0)} incidents/s): ${counted.incidents} incidents (${counted.open} open), ${data.classRows} classifications, ${counted.indicators} indicators ` +
        `(${data.sharedValues} values shared by several incidents, up to ${data.hottest[0]?.incidents ?? 0}), ${data.organisations.length} organisations, ${data.analystIds.length} analysts`,
    );
    console.log(`[${label}] incidents: dataset ${await sizeOf(measured, ['incident', 'incident_classification', 'incident_indicator', 'organisation', 'user_account'])}; peak RSS ${peakRss()}`);
    await measure(label, measured, data, now, line);
  } finally {
    if (reopen) await measured.close();
  }
}

/**
 * The incident benchmarks on SQLite: a file database in a temporary directory (removed afterwards unless it is
 * BENCH_INCIDENTS_DIR), seeded with a larger page cache, then closed and reopened with the application's own
 * settings before measuring.
 */
export async function benchIncidentsOnSqlite(line: Line): Promise<void> {
  if (INCIDENTS <= 0) return;
  await onSqliteFile('ribat-bench-incidents-', 'BENCH_INCIDENTS_DIR', (database, reopen) => seedAndMeasure('sqlite', database, line, reopen));
}

/** The incident benchmarks on a migrated and seeded PostgreSQL database (VACUUM ANALYZE after the seeding). */
export async function benchIncidents(label: string, database: DatabaseHandle, line: Line): Promise<void> {
  if (INCIDENTS <= 0) return;
  await seedAndMeasure(label, database, line);
}
