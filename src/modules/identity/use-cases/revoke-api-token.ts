import type { DatabaseHandle } from '#src/db/database';
import type { RequestContext } from '#src/core/context';
import type { ApiToken } from '#src/modules/identity/account.types';
import { AppError } from '#src/core/errors';
import { recordAudit } from '#src/core/audit';
import { isId } from '#src/core/ids';
import { requireOwnAccount, requireWriteAccess } from '#src/modules/identity/account.policy';
import { findApiToken, revokeApiToken as markRevoked } from '#src/modules/identity/account.repository';
import { tokenStatus } from '#src/modules/identity/account.types';

/**
 * Revokes one of the signed-in user's API tokens at once (the next request with it gets 401), audited as
 * `api_token.revoked`. Another user's token, or an unknown id, is not found. Revoking a revoked token
 * changes nothing and is not an error, so a retry is harmless.
 */
export async function revokeApiToken(database: DatabaseHandle, ctx: RequestContext, tokenId: string): Promise<ApiToken> {
  const userId = requireOwnAccount(ctx);
  requireWriteAccess(ctx.actor);
  if (!isId(tokenId)) throw new AppError('not_found');
  return database.db.transaction().execute(async (trx) => {
    const token = await findApiToken(trx, userId, tokenId);
    if (!token) throw new AppError('not_found');
    const now = ctx.clock.now();
    if (!(await markRevoked(trx, userId, tokenId, now))) return token;
    await recordAudit(trx, database.dialect, ctx, {
      action: 'api_token.revoked',
      entityType: 'api_token',
      entityId: token.id,
      before: { name: token.name, prefix: token.prefix, status: tokenStatus(token, now) },
      after: { name: token.name, prefix: token.prefix, status: 'revoked' },
    });
    return { ...token, revokedAt: now };
  });
}
