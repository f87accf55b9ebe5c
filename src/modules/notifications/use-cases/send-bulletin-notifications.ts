import type { JobDeps } from '#src/jobs';
import type { BulletinContent } from '#src/modules/bulletins/bulletins.types';
import type { TermLabels } from '#src/modules/taxonomies/taxonomies.types';
import type { Subscription } from '#src/modules/notifications/subscriptions.types';
import type { BulletinRecipient } from '#src/modules/notifications/bulletin-email';
import { isLocale } from '#src/core/i18n/i18n';
import { newId } from '#src/core/ids';
import { catalogue } from '#src/web/catalogue';
import { queueEmail } from '#src/modules/notifications/mailer';
import { buildBulletinEmail } from '#src/modules/notifications/bulletin-email';
import { manageTokenFor } from '#src/modules/notifications/subscriptions.types';
import { findTerms } from '#src/modules/taxonomies/taxonomies.repository';
import {
  claimDelivery,
  findActiveSubscriptions,
  findActiveUsers,
  findProductVendors,
  findPublicationState,
  findRevisionToSend,
  findSecurityOfficers,
  setDeliveryEmail,
  type RevisionToSend,
} from '#src/modules/notifications/subscriptions.repository';

/** What a send run did: e-mails queued now, recipients already served by an earlier run, and why it stopped early. */
export interface SendSummary {
  queued: number;
  alreadySent: number;
  recipients: number;
  stopped: null | 'missing' | 'withdrawn' | 'superseded';
}

/** The recipient key of an address: one e-mail per address per revision, whoever it is for. */
export function recipientKey(email: string): string {
  return `email:${email.trim().toLowerCase()}`;
}

/** True when a subscriber's filters select this revision. */
export function subscriptionMatches(s: Subscription, content: BulletinContent, criticalityRank: ReadonlyMap<string, number>, vendorOf: ReadonlyMap<string, string>): boolean {
  const f = s.filters;
  if (f.kinds.length > 0 && !f.kinds.includes(content.kind)) return false;
  if (f.minCriticality !== null) {
    const wanted = criticalityRank.get(f.minCriticality);
    const actual = criticalityRank.get(content.criticality);
    // Position 0 is the most critical: a bulletin matches at the wanted level and above. A level missing from
    // the vocabulary on either side does not exclude anything (better one e-mail too many than one missed).
    if (wanted !== undefined && actual !== undefined && actual > wanted) return false;
  }
  if (f.vendorIds.length > 0 || f.productIds.length > 0) {
    const hit = content.affected.some((a) => f.productIds.includes(a.productId) || f.vendorIds.includes(vendorOf.get(a.productId) ?? ''));
    if (!hit) return false;
  }
  return true;
}

/**
 * Everyone a revision goes to, one entry per lower-cased address, in a stable order (by key):
 * - TLP:CLEAR and GREEN: the security officers of every active organisation; AMBER and AMBER+STRICT: those of the
 *   revision's recipient organisations (still active); RED: only the named users (still active), nobody else;
 * - public subscribers whose filters match, for TLP:CLEAR only.
 * An address that is both an officer (or named) and a subscriber gets the officer's e-mail, once.
 */
export async function resolveRecipients(deps: JobDeps, revision: RevisionToSend, criticalityRank: ReadonlyMap<string, number>): Promise<{ key: string; recipient: BulletinRecipient }[]> {
  const { database, config } = deps;
  const content = revision.content;
  const out = new Map<string, BulletinRecipient>();
  if (content.tlp === 'red') {
    for (const user of await findActiveUsers(database.db, content.recipientUserIds)) {
      const key = recipientKey(user.email);
      // Named people read in their interface language when they chose one (the text falls back to the original).
      if (!out.has(key)) out.set(key, { kind: 'named', email: user.email, language: isLocale(user.locale) ? user.locale : content.originalLanguage, name: user.displayName });
    }
  } else {
    const scope = content.tlp === 'clear' || content.tlp === 'green' ? 'all' : content.recipientOrganisationIds;
    for (const officer of await findSecurityOfficers(database.db, scope)) {
      const key = recipientKey(officer.email);
      // Officers read the original language: organisations have no language of their own, and the original is
      // the complete, authoritative text (a translation may lag behind or be missing).
      const organisationName = officer.organisationNames[content.originalLanguage];
      const existing = out.get(key);
      if (existing?.kind === 'officer') {
        if (!existing.organisations.includes(organisationName)) existing.organisations.push(organisationName);
      } else if (!existing) {
        out.set(key, { kind: 'officer', email: officer.email, language: content.originalLanguage, organisations: [organisationName] });
      }
    }
  }
  if (content.tlp === 'clear') {
    const subscriptions = await findActiveSubscriptions(database.db);
    const vendorOf = await findProductVendors(database.db, content.affected.map((a) => a.productId));
    for (const s of subscriptions) {
      if (!subscriptionMatches(s, content, criticalityRank, vendorOf)) continue;
      const key = recipientKey(s.email);
      if (!out.has(key)) out.set(key, { kind: 'subscriber', email: s.email, language: s.filters.language, manageToken: manageTokenFor(config.secret, s.id) });
    }
  }
  return [...out.entries()].sort(([a], [b]) => (a < b ? -1 : a > b ? 1 : 0)).map(([key, recipient]) => ({ key, recipient }));
}

/**
 * Fans a published revision out to its recipients (the `bulletin.notify` job). Exactly once per recipient even
 * when the process dies mid-run or two runs overlap: each recipient is served in ONE transaction that inserts
 * the `bulletin_delivery` row (unique revision + recipient key) and queues the e-mail (the `email.send` job then
 * delivers it over SMTP, with retries); a recipient whose row exists is skipped. A failure aborts the run after
 * the recipients already committed, and the job's retry serves the rest. Sends nothing for a withdrawn bulletin
 * or a revision superseded by a newer one (that one has its own run), checked again before every e-mail.
 */
export async function sendBulletinNotifications(deps: JobDeps, revisionId: string): Promise<SendSummary> {
  const { database, config, clock } = deps;
  const summary: SendSummary = { queued: 0, alreadySent: 0, recipients: 0, stopped: null };
  const revision = await findRevisionToSend(database.db, revisionId);
  if (!revision) return { ...summary, stopped: 'missing' };
  const stopReason = (state: { publication: string; publishedRevision: number } | null): SendSummary['stopped'] => {
    if (!state) return 'missing';
    if (state.publication === 'withdrawn' || state.publication === 'unpublished') return 'withdrawn';
    if (state.publishedRevision > revision.number) return 'superseded';
    return null;
  };
  const initial = stopReason(revision);
  if (initial) return { ...summary, stopped: initial };

  const terms = await findTerms(database.db, 'criticality', { includeRetired: true });
  const criticalityRank = new Map(terms.map((term) => [term.code, term.position]));
  const labels: TermLabels | null = terms.find((term) => term.code === revision.content.criticality)?.labels ?? null;
  const recipients = await resolveRecipients(deps, revision, criticalityRank);
  summary.recipients = recipients.length;

  for (const { key, recipient } of recipients) {
    const outcome = await database.db.transaction().execute(async (trx) => {
      const stop = stopReason(await findPublicationState(trx, revision.bulletinId));
      if (stop) return stop;
      const deliveryId = newId();
      if (!(await claimDelivery(trx, { id: deliveryId, revisionId: revision.revisionId, recipientKey: key, now: clock.now() }))) return 'already';
      const email = buildBulletinEmail({
        publicUrl: config.publicUrl,
        siteName: config.siteName,
        timezone: config.timezone,
        catalogue,
        reference: revision.reference,
        slug: revision.slug,
        revision: revision.number,
        changeSummary: revision.changeSummary,
        publishedAt: revision.publishedAt,
        content: revision.content,
        criticality: labels,
        recipient,
      });
      const emailId = await queueEmail(trx, clock, email);
      await setDeliveryEmail(trx, deliveryId, emailId);
      return 'queued';
    });
    if (outcome === 'queued') summary.queued++;
    else if (outcome === 'already') summary.alreadySent++;
    else return { ...summary, stopped: outcome };
  }
  return summary;
}
