import type { RequestContext } from '#src/core/context';
import type { FieldError } from '#src/core/errors';
import type { SubscriptionFilters } from '#src/modules/notifications/subscriptions.types';
import type { SubscriptionServices } from '#src/modules/notifications/use-cases/subscription-services';
import type { SubscriptionFormInput } from '#src/modules/notifications/subscriptions.validation';
import { AppError } from '#src/core/errors';
import { recordAudit } from '#src/core/audit';
import { createTranslator } from '#src/core/i18n/i18n';
import { hashToken, newId, randomToken } from '#src/core/ids';
import { queueEmail } from '#src/modules/notifications/mailer';
import { CONFIRMATION_TTL_MS, encodeFilters, filtersAuditState, manageTokenFor } from '#src/modules/notifications/subscriptions.types';
import { checkEmail, validateFilters } from '#src/modules/notifications/subscriptions.validation';
import { findSubscriptionByEmail, insertSubscription, restartSubscription, setConfirmationToken } from '#src/modules/notifications/subscriptions.repository';
import { isUniqueViolation } from '#src/modules/identity/users.repository';

/** The public subscription form: an address and its filters. */
export type SubscriptionRequest = SubscriptionFormInput & { email: string };

/** The link that confirms a subscription (or a change of filters) with these filters. */
export function confirmationLink(publicUrl: string, token: string, filters: SubscriptionFilters): string {
  return `${publicUrl}/subscribe/confirm?token=${token}&f=${encodeFilters(filters)}&lang=${filters.language}`;
}

/**
 * Double opt-in. Validates the form, then e-mails the address a single-use confirmation link (valid 48 hours,
 * stored as its SHA-256). Nothing is sent to the address until it is confirmed. The caller answers the same
 * whatever the address's state, so the form does not reveal who subscribes:
 * - a new, pending or unsubscribed address is (back to) pending with these filters and gets a confirmation link;
 * - an active subscription keeps its filters and gets a link that applies the new ones only when clicked, so
 *   nobody can change another person's subscription by typing their address.
 * Audited (`subscription.requested` / `subscription.change_requested`), without the address.
 */
export async function requestSubscription(services: SubscriptionServices, ctx: RequestContext, input: SubscriptionRequest): Promise<void> {
  const { database } = services;
  const emailErrors: FieldError[] = [];
  let email = '';
  try {
    email = checkEmail(input.email);
  } catch (error) {
    if (!(error instanceof AppError)) throw error;
    emailErrors.push(...error.fields);
  }
  const filters = await validateFilters(database.db, input, emailErrors);
  try {
    await issueConfirmation(services, ctx, email, filters);
  } catch (error) {
    // Two submissions for a new address at the same moment: the second finds the first's row on a new attempt.
    if (!isUniqueViolation(error)) throw error;
    await issueConfirmation(services, ctx, email, filters);
  }
}

async function issueConfirmation(services: SubscriptionServices, ctx: RequestContext, email: string, filters: SubscriptionFilters): Promise<void> {
  const { database, config, catalogue } = services;
  const now = ctx.clock.now();
  const expiresAt = new Date(now.getTime() + CONFIRMATION_TTL_MS);
  const token = randomToken(32);
  const confirmHash = hashToken(token);
  const t = createTranslator(catalogue, filters.language, config.timezone).t;
  const link = confirmationLink(config.publicUrl, token, filters);
  const params = { site: config.siteName, link, hours: 48 };
  await database.db.transaction().execute(async (trx) => {
    const existing = await findSubscriptionByEmail(trx, email);
    if (existing && existing.status === 'active') {
      await setConfirmationToken(trx, existing.id, confirmHash, expiresAt, now);
      const manage = `${config.publicUrl}/subscribe/manage?token=${manageTokenFor(config.secret, existing.id)}&lang=${existing.filters.language}`;
      await queueEmail(trx, ctx.clock, {
        purpose: 'subscription_change',
        to: existing.email,
        subject: t('subscriptions.email.change.subject', params),
        text: [t('subscriptions.email.change.intro', params), '', link, '', t('subscriptions.email.expiry', params), '', t('subscriptions.email.change.ignore', params), '', t('subscriptions.email.manage', params), manage, '', t('subscriptions.email.signature', params)].join('\n'),
      });
      await recordAudit(trx, database.dialect, ctx, {
        action: 'subscription.change_requested',
        entityType: 'subscription',
        entityId: existing.id,
        before: { status: existing.status, filters: filtersAuditState(existing.filters) },
        after: { status: existing.status, requested: filtersAuditState(filters), confirmExpiresAt: expiresAt.toISOString() },
      });
      return;
    }
    let id: string;
    if (existing) {
      id = existing.id;
      await restartSubscription(trx, id, email, filters, confirmHash, expiresAt, now);
    } else {
      id = newId();
      await insertSubscription(trx, { id, email, filters, confirmHash, confirmExpiresAt: expiresAt, manageHash: hashToken(manageTokenFor(config.secret, id)), now });
    }
    await queueEmail(trx, ctx.clock, {
      purpose: 'subscription_confirm',
      to: email,
      subject: t('subscriptions.email.confirm.subject', params),
      text: [t('subscriptions.email.confirm.intro', params), '', link, '', t('subscriptions.email.expiry', params), '', t('subscriptions.email.confirm.ignore', params), '', t('subscriptions.email.signature', params)].join('\n'),
    });
    await recordAudit(trx, database.dialect, ctx, {
      action: 'subscription.requested',
      entityType: 'subscription',
      entityId: id,
      before: existing ? { status: existing.status, filters: filtersAuditState(existing.filters) } : undefined,
      after: { status: 'pending', filters: filtersAuditState(filters), confirmExpiresAt: expiresAt.toISOString() },
    });
  });
}
