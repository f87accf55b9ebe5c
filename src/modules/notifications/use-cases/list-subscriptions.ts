import type { RequestContext } from '#src/core/context';
import type { DatabaseHandle } from '#src/db/database';
import type { Subscription, SubscriptionStatus } from '#src/modules/notifications/subscriptions.types';
import type { RegistryEntry } from '#src/modules/notifications/subscriptions.repository';
import { can } from '#src/core/access';
import { AppError } from '#src/core/errors';
import { decodeCursor, toPage, type Page } from '#src/core/pagination';
import { countSubscriptionsByStatus, describeRegistryIds, findSubscriptions } from '#src/modules/notifications/subscriptions.repository';

/** A page of subscribers with their filters spelled out, and the number in each state. */
export interface SubscriptionList {
  page: Page<Subscription & { products: RegistryEntry[] }>;
  counts: Record<SubscriptionStatus, number>;
}

/** Subscribers, newest first, optionally of one state, for holders of `subscriptions:manage`. */
export async function listSubscriptions(database: DatabaseHandle, ctx: RequestContext, input: { status?: SubscriptionStatus; limit?: number; cursor?: string }): Promise<SubscriptionList> {
  if (!can(ctx.actor, 'subscriptions:manage')) throw new AppError('forbidden');
  const cursor = decodeCursor(input.cursor);
  const limit = input.limit ?? 50;
  const rows = await findSubscriptions(database.db, input.status ? { status: input.status } : {}, { limit, beforeId: cursor?.id ?? null });
  const withProducts = await Promise.all(rows.map(async (s) => ({ ...s, products: await describeRegistryIds(database.db, s.filters.vendorIds, s.filters.productIds) })));
  return { page: toPage(withProducts, limit, (last) => ({ k: null, id: last.id })), counts: await countSubscriptionsByStatus(database.db) };
}
