import type { RequestContext } from '#src/core/context';
import type { IdentityServices } from '#src/modules/identity/identity.types';
import { recordAudit } from '#src/core/audit';
import { findSessionUserId, revokeSession } from '#src/modules/identity/identity.repository';

/** Ends a browser session (the cookie is cleared by the route) and audits `user.logout` when it was live. */
export async function signOut(services: IdentityServices, ctx: RequestContext, sessionId: string): Promise<void> {
  const { database } = services;
  await database.db.transaction().execute(async (trx) => {
    const userId = await findSessionUserId(trx, sessionId);
    if (userId === null) return;
    if (!(await revokeSession(trx, sessionId, ctx.clock.now()))) return;
    await recordAudit(trx, database.dialect, ctx, { action: 'user.logout', entityType: 'user', entityId: userId });
  });
}
