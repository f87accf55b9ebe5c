import type { RequestContext } from '#src/core/context';
import type { Config } from '#src/config/config';
import type { DatabaseHandle } from '#src/db/database';
import type { Clock } from '#src/core/time';
import type { Bulletin, BulletinCve, BulletinIndicator, BulletinKind, BulletinLanguage, BulletinReferenceLink, BulletinRelation, BulletinText, Tlp } from '#src/modules/bulletins/bulletins.types';
import type { AffectedInput, BulletinInput } from '#src/modules/bulletins/bulletins.validation';
import { fixedClock } from '#src/core/time';
import { newId } from '#src/core/ids';
import { createBulletin } from '#src/modules/bulletins/use-cases/create-bulletin';
import { submitBulletin } from '#src/modules/bulletins/use-cases/submit-bulletin';
import { approveBulletin } from '#src/modules/bulletins/use-cases/approve-bulletin';
import { publishBulletin } from '#src/modules/bulletins/use-cases/publish-bulletin';
import { buildUser, type UserFixture } from './factories';

/** What the bulletin factories need from a test: a database, the configuration and the test clock. */
export interface BulletinTestEnv {
  database: DatabaseHandle;
  config: Config;
  clock: Clock;
}

/** Anything a test may want to set; everything else gets a complete, valid default. */
export interface BulletinOverrides {
  kind?: BulletinKind;
  originalLanguage?: BulletinLanguage;
  tlp?: Tlp;
  criticality?: string;
  risks?: string[];
  /** Texts per language; a language given partially is completed with defaults. */
  texts?: Partial<Record<BulletinLanguage, Partial<BulletinText>>>;
  /** CVEs; entries given partially are completed (`cvss31`, `cvss40`, `cwe` null, `exploited` false). */
  cves?: (Partial<BulletinCve> & { id: string })[];
  affected?: AffectedInput[];
  references?: BulletinReferenceLink[];
  relations?: BulletinRelation[];
  indicators?: BulletinIndicator[];
  recipientOrganisationIds?: string[];
  recipientUserIds?: string[];
  aliases?: string[];
  /** The author (a new `author` user by default). */
  author?: UserFixture;
  /** The reviewer who approves and publishes (a new `reviewer` user by default). */
  reviewer?: UserFixture;
  /** When the publication happens (buildPublishedBulletin): the publishing context's clock is fixed at it. */
  publishedAt?: Date;
}

/** A bulletin built through the real use cases, with the people and contexts that made it. */
export interface BuiltBulletin {
  bulletin: Bulletin;
  author: UserFixture;
  reviewer: UserFixture;
  authorCtx: RequestContext;
  reviewerCtx: RequestContext;
}

let counter = 0;

/** A request context acting as `user` (browser session: no token scopes). */
export function contextFor(user: UserFixture, clock: Clock): RequestContext {
  return {
    actor: { kind: 'user', userId: user.id, label: user.email, roles: user.roles, organisationId: user.organisationId, scopes: null },
    requestId: newId(),
    locale: 'fr',
    clock,
    ip: '127.0.0.1',
  };
}

/** The complete content the factories write, with `overrides` applied. */
export function bulletinInput(overrides: BulletinOverrides = {}, originalLanguage: BulletinLanguage = 'fr'): BulletinInput {
  const n = ++counter;
  const defaults: BulletinText = {
    title: `Vulnérabilités dans Produit ${n}`,
    summary: `De multiples vulnérabilités ont été découvertes dans Produit ${n}.`,
    description: `Un attaquant distant peut exécuter du code arbitraire sur **Produit ${n}**.`,
    solution: 'Appliquer la mise à jour publiée par l’éditeur.',
    workarounds: '',
  };
  const texts: Partial<Record<BulletinLanguage, BulletinText>> = {};
  const given = overrides.texts ?? {};
  if (!given[originalLanguage]) texts[originalLanguage] = defaults;
  for (const [language, text] of Object.entries(given) as [BulletinLanguage, Partial<BulletinText>][]) {
    texts[language] = { ...defaults, ...text };
  }
  const kind = overrides.kind ?? 'bulletin';
  return {
    texts,
    criticality: overrides.criticality ?? 'high',
    risks: overrides.risks ?? ['remote-code-execution'],
    affected: overrides.affected ?? (kind === 'note' ? [] : [{ vendor: `Vendor ${n}`, product: `Produit ${n}`, versions: '< 2.4.1' }]),
    cves: (overrides.cves ?? (kind === 'note' ? [] : [{ id: `CVE-2024-${String(1000 + n)}` }])).map((c) => ({ cvss31: null, cvss40: null, cwe: null, exploited: false, ...c })),
    references: overrides.references ?? [{ title: 'Avis de l’éditeur', url: `https://vendor${n}.example.com/advisory` }],
    relations: overrides.relations ?? [],
    indicators: overrides.indicators ?? [],
    tlp: overrides.tlp ?? 'clear',
    recipientOrganisationIds: overrides.recipientOrganisationIds ?? [],
    recipientUserIds: overrides.recipientUserIds ?? [],
  };
}

/** A complete draft bulletin (state `draft`, never submitted) written by an author through createBulletin/saveBulletin. */
export async function buildBulletin(t: BulletinTestEnv, overrides: BulletinOverrides = {}): Promise<BuiltBulletin> {
  const author = overrides.author ?? (await buildUser(t.database, { roles: ['author'] }));
  const reviewer = overrides.reviewer ?? (await buildUser(t.database, { roles: ['reviewer'] }));
  const authorCtx = contextFor(author, t.clock);
  const reviewerCtx = contextFor(reviewer, t.clock);
  const originalLanguage = overrides.originalLanguage ?? 'fr';
  const bulletin = await createBulletin(t.database, authorCtx, {
    kind: overrides.kind ?? 'bulletin',
    originalLanguage,
    content: bulletinInput(overrides, originalLanguage),
    ...(overrides.aliases ? { aliases: overrides.aliases } : {}),
  });
  return { bulletin, author, reviewer, authorCtx, reviewerCtx };
}

/** A bulletin in review: built, then submitted by its author. */
export async function buildSubmittedBulletin(t: BulletinTestEnv, overrides: BulletinOverrides = {}): Promise<BuiltBulletin> {
  const built = await buildBulletin(t, overrides);
  const bulletin = await submitBulletin(t.database, built.authorCtx, built.bulletin.id, built.bulletin.version);
  return { ...built, bulletin };
}

/** An approved bulletin: submitted by its author, approved by the reviewer. */
export async function buildApprovedBulletin(t: BulletinTestEnv, overrides: BulletinOverrides = {}): Promise<BuiltBulletin> {
  const built = await buildSubmittedBulletin(t, overrides);
  const bulletin = await approveBulletin(t.database, built.reviewerCtx, built.bulletin.id, built.bulletin.version);
  return { ...built, bulletin };
}

/**
 * A published bulletin (revision 1, reference allocated, public listing written, notification queued): written,
 * submitted, approved and published through the real use cases. `publishedAt` fixes the publication time.
 */
export async function buildPublishedBulletin(t: BulletinTestEnv, overrides: BulletinOverrides = {}): Promise<BuiltBulletin> {
  const built = await buildApprovedBulletin(t, overrides);
  const publishCtx = overrides.publishedAt ? { ...built.reviewerCtx, clock: fixedClock(overrides.publishedAt) } : built.reviewerCtx;
  const bulletin = await publishBulletin(t.database, t.config, publishCtx, built.bulletin.id, built.bulletin.version);
  return { ...built, bulletin };
}
