import type { Config } from '#src/config/config';
import type { DatabaseHandle } from '#src/db/database';
import type { RequestContext } from '#src/core/context';
import type { Actor, Role } from '#src/core/access';
import { newId } from '#src/core/ids';
import { fixedClock } from '#src/core/time';
import { reportIncident } from '#src/modules/incidents/use-cases/report-incident';
import { editIncident } from '#src/modules/incidents/use-cases/update-incident';
import { assignIncident, changeIncidentStatus } from '#src/modules/incidents/use-cases/change-incident-status';
import { commentAsHandler } from '#src/modules/incidents/use-cases/comment-on-incident';
import { addIndicators } from '#src/modules/incidents/use-cases/incident-indicators';

/** A scenario of the demo year: what happened, how it is classified, how bad, and what it leaves behind. */
interface Scenario {
  weight: number;
  classCode: string;
  typeCode: string;
  severities: string[];
  fr: string;
  description: string;
  channel: 'portal' | 'public' | 'email' | 'api';
  indicators: (n: number) => string[];
  dispositions: string[];
}

const ip = (n: number, block: 0 | 1 | 2): string => `${['192.0.2', '198.51.100', '203.0.113'][block]}.${(n * 37) % 250 + 2}`;

const scenarios: readonly Scenario[] = [
  { weight: 30, classCode: 'fraud', typeCode: 'fraud.phishing', severities: ['limite', 'modere'], fr: 'Campagne d’hameçonnage usurpant {org}', description: 'Des courriels imitant {org} invitent à « vérifier son compte » sur un faux site.', channel: 'public', indicators: (n) => [`https://verification-compte-${n}.example/login`, `alerte-${n}@phish.example`, ip(n, 2)], dispositions: ['confirmed', 'confirmed', 'duplicate'] },
  { weight: 14, classCode: 'malicious-code', typeCode: 'malicious-code.infected-system', severities: ['modere', 'grave'], fr: 'Poste infecté par un voleur d’identifiants chez {org}', description: 'L’EDR signale un logiciel malveillant qui exfiltre les mots de passe enregistrés.', channel: 'portal', indicators: (n) => [`${(n * 7919).toString(16).padStart(8, '0')}${'a1b2c3d4e5f60718293a4b5c6d7e8f90'.slice(8)}${'0'.repeat(32)}`, ip(n, 1), `update-service-${n}.example`], dispositions: ['confirmed'] },
  { weight: 10, classCode: 'intrusion-attempts', typeCode: 'intrusion-attempts.brute-force', severities: ['limite'], fr: 'Attaque par force brute sur le VPN de {org}', description: 'Des milliers de tentatives de connexion en quelques heures sur la passerelle VPN.', channel: 'api', indicators: (n) => [ip(n, 0), ip(n + 1, 0)], dispositions: ['confirmed', 'false-positive'] },
  { weight: 9, classCode: 'intrusions', typeCode: 'intrusions.application-compromise', severities: ['grave', 'modere'], fr: 'Défiguration du portail web de {org}', description: 'La page d’accueil a été remplacée ; une vulnérabilité du CMS est suspectée.', channel: 'email', indicators: (n) => [ip(n, 2), 'CVE-2024-4577'], dispositions: ['confirmed'] },
  { weight: 8, classCode: 'availability', typeCode: 'availability.ddos', severities: ['modere', 'grave', 'tres-grave'], fr: 'Déni de service distribué contre {org}', description: 'Saturation des services exposés pendant plusieurs heures.', channel: 'portal', indicators: (n) => [ip(n, 1), ip(n + 3, 1), `AS6${String(4500 + (n % 90))}`], dispositions: ['confirmed'] },
  { weight: 7, classCode: 'information-content-security', typeCode: 'information-content-security.data-leak', severities: ['grave', 'tres-grave'], fr: 'Fuite de données personnelles liées à {org}', description: 'Un extrait de base de données est proposé sur un forum.', channel: 'email', indicators: (n) => [`https://forum-fuites-${n}.example/thread/${n}`], dispositions: ['confirmed', 'out-of-scope'] },
  { weight: 6, classCode: 'malicious-code', typeCode: 'malicious-code.c2-server', severities: ['grave'], fr: 'Rançongiciel sur des serveurs de {org}', description: 'Fichiers chiffrés et note de rançon ; sauvegardes en cours de vérification.', channel: 'portal', indicators: (n) => [ip(n, 2), `c2-${n}.example`, `readme_${n}.txt`], dispositions: ['confirmed'] },
  { weight: 6, classCode: 'vulnerable', typeCode: 'vulnerable.vulnerable-system', severities: ['limite', 'modere'], fr: 'Équipement vulnérable exposé chez {org}', description: 'Un pare-feu exposé sur Internet n’a pas reçu le correctif d’une vulnérabilité exploitée.', channel: 'api', indicators: (n) => [ip(n, 0), 'CVE-2024-3400'], dispositions: ['confirmed', 'no-response'] },
  { weight: 5, classCode: 'fraud', typeCode: 'fraud.masquerade', severities: ['modere'], fr: 'Usurpation de l’identité de {org} sur les réseaux sociaux', description: 'Un faux compte promet des aides et collecte des données bancaires.', channel: 'public', indicators: (n) => [`https://faux-compte-${n}.example/`], dispositions: ['confirmed', 'out-of-scope'] },
  { weight: 3, classCode: 'test', typeCode: 'test.test', severities: ['limite'], fr: 'Test de la procédure de déclaration ({org})', description: 'Exercice : déclaration de test.', channel: 'portal', indicators: () => [], dispositions: ['test'] },
];

/** A small deterministic generator (mulberry32): the demo year is the same on every machine. */
function prng(seed: number): () => number {
  let a = seed >>> 0;
  return () => {
    a = (a + 0x6d2b79f5) >>> 0;
    let x = a;
    x = Math.imul(x ^ (x >>> 15), x | 1);
    x ^= x + Math.imul(x ^ (x >>> 7), x | 61);
    return ((x ^ (x >>> 14)) >>> 0) / 4_294_967_296;
  };
}

function pick<T>(random: () => number, items: readonly T[]): T {
  const item = items[Math.floor(random() * items.length) % items.length];
  if (item === undefined) throw new Error('pick: empty list');
  return item;
}

function actorContext(actor: Actor, at: Date): RequestContext {
  return { actor, requestId: newId(), locale: 'fr', clock: fixedClock(at), ip: null };
}

/**
 * Creates a realistic year of incidents (150 by default, the order of magnitude maCERT reports) across the demo
 * organisations, through the same use cases as the console: reports by portal, public form, e-mail and API spread over
 * the twelve months before `now`, triaged with RSIT pairs and severities, assigned to the demo analysts, commented,
 * given indicators (documentation addresses and `.example` domains only), and most of them closed with a disposition.
 * Does nothing when incidents already exist. Returns how many were created.
 */
export async function createDemoIncidents(database: DatabaseHandle, config: Config, options: { now: Date; count?: number }, progress: (done: number, total: number) => void = () => undefined): Promise<number> {
  const existing = await database.db.selectFrom('incident').select('id').limit(1).executeTakeFirst();
  if (existing) return 0;
  const members = await database.db
    .selectFrom('user_account')
    .innerJoin('user_role', 'user_role.user_id', 'user_account.id')
    .select(['user_account.id', 'user_account.email', 'user_account.organisation_id', 'user_role.role'])
    .where('user_role.role', 'in', ['org_member', 'org_manager'])
    .where('user_account.email', 'like', '%.example')
    .orderBy('user_account.email')
    .execute();
  const analysts = await database.db
    .selectFrom('user_account')
    .innerJoin('user_role', 'user_role.user_id', 'user_account.id')
    .select(['user_account.id', 'user_account.email', 'user_role.role'])
    .where('user_role.role', 'in', ['analyst', 'coordinator'])
    .orderBy('user_account.email')
    .execute();
  if (members.length === 0 || analysts.length === 0) return 0;
  const random = prng(2026);
  const total = options.count ?? 150;
  const weights = scenarios.reduce((sum, s) => sum + s.weight, 0);
  const yearMs = 365 * 86_400_000;
  const start = options.now.getTime() - yearMs;
  let created = 0;
  for (let n = 0; n < total; n += 1) {
    let roll = random() * weights;
    const scenario = scenarios.find((s) => (roll -= s.weight) < 0) ?? scenarios[0];
    if (scenario === undefined) throw new Error('no scenario');
    const reporter = pick(random, members);
    const org = (await database.db.selectFrom('organisation').select(['name_fr']).where('id', '=', reporter.organisation_id ?? '').executeTakeFirst())?.name_fr.replace(/ \(démo\)$/, '') ?? 'une organisation';
    // Spread over the year, a little busier in the last months (more reports as the CERT becomes known).
    const reportedAt = new Date(start + Math.floor(Math.sqrt(random()) * (yearMs - 3 * 86_400_000)));
    const memberActor: Actor = { kind: 'user', userId: reporter.id, label: reporter.email, roles: [reporter.role as Role], organisationId: reporter.organisation_id, scopes: null };
    const analyst = pick(random, analysts.filter((a) => a.role === 'analyst').length > 0 ? analysts.filter((a) => a.role === 'analyst') : analysts);
    const analystActor: Actor = { kind: 'user', userId: analyst.id, label: analyst.email, roles: [analyst.role as Role], organisationId: null, scopes: null };
    const title = scenario.fr.replace('{org}', org);
    const description = scenario.description.replace('{org}', org);
    const detectedAt = new Date(reportedAt.getTime() - Math.floor(random() * 36) * 3_600_000);
    const isPublic = scenario.channel === 'public' || scenario.channel === 'email';
    const { incident } = await reportIncident(
      database,
      config,
      isPublic ? actorContext({ kind: 'system', userId: null, label: 'demo', roles: ['admin'], organisationId: null, scopes: null }, reportedAt) : actorContext(memberActor, reportedAt),
      isPublic ? scenario.channel : scenario.channel === 'api' ? 'api' : 'portal',
      isPublic
        ? { title, description, reporterName: `Déclarant ${n + 1}`, reporterEmail: `declarant${n + 1}@citoyen.example`, detectedAt: detectedAt.toISOString(), locale: n % 4 === 0 ? 'ar' : 'fr' }
        : { title, description, detectedAt: detectedAt.toISOString(), awareAt: detectedAt.toISOString(), tlp: random() < 0.15 ? 'red' : random() < 0.5 ? 'amber' : 'green' },
      { acknowledge: false },
    );
    const isRecent = options.now.getTime() - reportedAt.getTime() < 20 * 86_400_000;
    let at = new Date(reportedAt.getTime() + Math.floor(1 + random() * 20) * 3_600_000);
    let current = await editIncident(database, config, actorContext(analystActor, at), incident.id, incident.version, {
      classifications: [{ classCode: scenario.classCode, typeCode: scenario.typeCode }],
      severity: pick(random, scenario.severities),
      priority: 1 + Math.floor(random() * 4),
      pap: pick(random, ['green', 'amber', 'amber', 'clear']),
      suspectedMalicious: scenario.classCode === 'test' ? 'no' : 'yes',
      crossBorder: random() < 0.2 ? 'yes' : 'unknown',
      // About half the reports are cleared for publication (TLP:CLEAR) at triage, so the public annual report
      // (/stats, TLP:CLEAR aggregates only) has figures to show.
      ...(random() < 0.5 ? { tlp: 'clear' } : {}),
    });
    current = await assignIncident(database, config, actorContext(analystActor, at), incident.id, current.version, analyst.id);
    const values = scenario.indicators(n + 1);
    if (values.length > 0) await addIndicators(database, actorContext(analystActor, at), incident.id, values.map((value) => ({ value })));
    at = new Date(at.getTime() + 2 * 3_600_000);
    // Shared with the reporter (the first response), but no e-mail: demo addresses are not real.
    await commentAsHandler(database, config, actorContext(analystActor, at), incident.id, 'shared', 'Bonjour, nous avons bien pris en compte votre signalement et revenons vers vous rapidement.', { notify: false });
    current = { ...current, version: Number((await database.db.selectFrom('incident').select('version').where('id', '=', incident.id).executeTakeFirstOrThrow()).version) };
    if (!isRecent || random() < 0.3) {
      at = new Date(at.getTime() + Math.floor(1 + random() * 96) * 3_600_000);
      current = await changeIncidentStatus(database, config, actorContext(analystActor, at), incident.id, current.version, 'in_progress');
      at = new Date(at.getTime() + Math.floor(1 + random() * 200) * 3_600_000);
      if (at.getTime() < options.now.getTime()) await changeIncidentStatus(database, config, actorContext(analystActor, at), incident.id, current.version, 'closed', pick(random, scenario.dispositions));
    }
    created += 1;
    progress(created, total);
  }
  return created;
}
