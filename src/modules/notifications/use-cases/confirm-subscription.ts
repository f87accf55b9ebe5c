import type { RequestContext } from '#src/core/context';
import type { DbOrTx } from '#src/db/database';
import type { Subscription, SubscriptionFilters } from '#src/modules/notifications/subscriptions.types';
import type { SubscriptionServices } from '#src/modules/notifications/use-cases/subscription-services';
import { AppError } from '#src/core/errors';
import { recordAudit } from '#src/core/audit';
import { hashToken } from '#src/core/ids';
import { decodeFilters, filtersAuditState, isTokenShaped, manageTokenFor } from '#src/modules/notifications/subscriptions.types';
import { activateSubscription, findSubscriptionByConfirmHash } from '#src/modules/notifications/subscriptions.repository';
import { filtersStillValid } from '#src/modules/notifications/subscriptions.validation';

/** A valid confirmation link: the subscription and the filters the link applies. */
export interface PendingConfirmation {
  subscription: Subscription;
  filters: SubscriptionFilters;
  /** True when the link changes the filters of an active subscription (rather than starting one). */
  isChange: boolean;
}

async function findConfirmationIn(db: DbOrTx, ctx: RequestContext, token: string | undefined, encoded: string | undefined): Promise<PendingConfirmation & { hash: string }> {
  if (!isTokenShaped(token)) throw new AppError('not_found');
  const hash = hashToken(token);
  const subscription = await findSubscriptionByConfirmHash(db, hash, ctx.clock.now());
  if (!subscription) throw new AppError('not_found');
  const filters = encoded === undefined || encoded === '' ? (subscription.status === 'pending' ? subscription.filters : null) : decodeFilters(encoded);
  if (!filters || !(await filtersStillValid(db, filters))) throw new AppError('not_found');
  return { subscription, filters, isChange: subscription.status === 'active', hash };
}

/**
 * What a confirmation link would do, for the page that asks for the click (a GET never confirms: mail scanners
 * open links). not_found for an unknown, used or expired link.
 */
export async function findConfirmation(services: SubscriptionServices, ctx: RequestContext, token: string | undefined, encoded: string | undefined): Promise<PendingConfirmation> {
  const { hash: _hash, ...found } = await findConfirmationIn(services.database.db, ctx, token, encoded);
  return found;
}

/**
 * Confirms a subscription (pending → active) or a change of filters, burning the single-use token in the same
 * transaction as the audit event (`subscription.confirmed`). Returns the secret of the manage link.
 */
export async function confirmSubscription(services: SubscriptionServices, ctx: RequestContext, token: string | undefined, encoded: string | undefined): Promise<{ subscription: Subscription; manageToken: string }> {
  const { database, config } = services;
  return database.db.transaction().execute(async (trx) => {
    const found = await findConfirmationIn(trx, ctx, token, encoded);
    const now = ctx.clock.now();
    const before = found.subscription;
    const confirmedAt = before.status === 'active' && before.confirmedAt ? before.confirmedAt : now;
    if (!(await activateSubscription(trx, before.id, found.hash, found.filters, now, confirmedAt))) throw new AppError('not_found');
    await recordAudit(trx, database.dialect, ctx, {
      action: 'subscription.confirmed',
      entityType: 'subscription',
      entityId: before.id,
      before: { status: before.status, filters: filtersAuditState(before.filters) },
      after: { status: 'active', filters: filtersAuditState(found.filters) },
    });
    return {
      subscription: { ...before, status: 'active', filters: found.filters, confirmedAt, confirmExpiresAt: null, updatedAt: now },
      manageToken: manageTokenFor(config.secret, before.id),
    };
  });
}
