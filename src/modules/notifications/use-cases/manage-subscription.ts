import type { RequestContext } from '#src/core/context';
import type { DbOrTx } from '#src/db/database';
import type { Subscription } from '#src/modules/notifications/subscriptions.types';
import type { SubscriptionServices } from '#src/modules/notifications/use-cases/subscription-services';
import type { SubscriptionFormInput } from '#src/modules/notifications/subscriptions.validation';
import { AppError } from '#src/core/errors';
import { recordAudit } from '#src/core/audit';
import { hashToken } from '#src/core/ids';
import { filtersAuditState, isTokenShaped } from '#src/modules/notifications/subscriptions.types';
import { findSubscriptionByManageHash, markUnsubscribed, updateSubscriptionFilters } from '#src/modules/notifications/subscriptions.repository';
import { validateFilters } from '#src/modules/notifications/subscriptions.validation';

/**
 * The subscription a manage or unsubscribe link designates; not_found for anything else. The link's secret is
 * the only credential: whoever holds it received a Ribat e-mail at that address.
 */
async function bySecret(db: DbOrTx, token: string | undefined): Promise<Subscription> {
  if (!isTokenShaped(token)) throw new AppError('not_found');
  const subscription = await findSubscriptionByManageHash(db, hashToken(token));
  if (!subscription) throw new AppError('not_found');
  return subscription;
}

/** The subscription of a manage link (any state: an unsubscribed one is shown as such). */
export async function getManagedSubscription(services: SubscriptionServices, _ctx: RequestContext, token: string | undefined): Promise<Subscription> {
  return bySecret(services.database.db, token);
}

/**
 * Replaces the filters of an active subscription from its manage page, without a further confirmation (the
 * link already proves the address). A subscription that is not active answers `conflict`. Audited.
 */
export async function updateManagedSubscription(services: SubscriptionServices, ctx: RequestContext, token: string | undefined, input: SubscriptionFormInput): Promise<Subscription> {
  const { database } = services;
  const current = await bySecret(database.db, token);
  if (current.status !== 'active') throw new AppError('conflict', [], 'subscription_not_active');
  const filters = await validateFilters(database.db, input);
  return database.db.transaction().execute(async (trx) => {
    const before = await bySecret(trx, token);
    if (before.status !== 'active') throw new AppError('conflict', [], 'subscription_not_active');
    const now = ctx.clock.now();
    await updateSubscriptionFilters(trx, before.id, filters, now);
    await recordAudit(trx, database.dialect, ctx, {
      action: 'subscription.updated',
      entityType: 'subscription',
      entityId: before.id,
      before: { filters: filtersAuditState(before.filters) },
      after: { filters: filtersAuditState(filters) },
    });
    return { ...before, filters, updatedAt: now };
  });
}

/**
 * Unsubscribes the subscription of a manage/unsubscribe link (the manage page's button and RFC 8058 one-click
 * POSTs). Idempotent: a second click changes nothing and is not audited again. not_found for an unknown link.
 */
export async function unsubscribeByToken(services: SubscriptionServices, ctx: RequestContext, token: string | undefined): Promise<Subscription> {
  const { database } = services;
  return database.db.transaction().execute(async (trx) => {
    const before = await bySecret(trx, token);
    const now = ctx.clock.now();
    if (!(await markUnsubscribed(trx, before.id, now))) return before;
    await recordAudit(trx, database.dialect, ctx, {
      action: 'subscription.unsubscribed',
      entityType: 'subscription',
      entityId: before.id,
      before: { status: before.status },
      after: { status: 'unsubscribed' },
    });
    return { ...before, status: 'unsubscribed', unsubscribedAt: now, updatedAt: now };
  });
}
