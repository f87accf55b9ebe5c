import type { DatabaseHandle } from '#src/db/database';
import type { RequestContext } from '#src/core/context';
import type { Product } from '#src/modules/bulletins/bulletins.types';
import { AppError } from '#src/core/errors';
import { canReadBulletins } from '#src/modules/bulletins/bulletins.policy';
import { findProductSuggestions } from '#src/modules/bulletins/products.repository';

/** Products of the registry matching `q` (vendor or product name, prefix first), for the editor's suggestions. */
export async function suggestProducts(database: DatabaseHandle, ctx: RequestContext, q: string, limit: number): Promise<Product[]> {
  if (!canReadBulletins(ctx.actor)) throw new AppError('not_found');
  return findProductSuggestions(database.db, q.slice(0, 200), Math.min(Math.max(Math.trunc(limit) || 10, 1), 50));
}
