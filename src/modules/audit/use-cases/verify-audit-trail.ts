import type { RequestContext } from '#src/core/context';
import type { DatabaseHandle } from '#src/db/database';
import type { AuditChainReport } from '#src/modules/audit/audit.types';
import { can } from '#src/core/access';
import { AppError } from '#src/core/errors';
import { verifyAuditChain } from '#src/core/audit';

/** Recomputes the whole hash chain and reports every modified, inserted or deleted event. */
export async function verifyAuditTrail(database: DatabaseHandle, ctx: RequestContext, onProgress?: (checked: number) => void): Promise<AuditChainReport> {
  if (!can(ctx.actor, 'audit:read')) throw new AppError('forbidden');
  const result = await verifyAuditChain(database.db, onProgress);
  return { ...result, isIntact: result.problems.length === 0 };
}
