import type { DatabaseHandle } from '#src/db/database';
import type { RequestContext } from '#src/core/context';
import type { FieldError } from '#src/core/errors';
import type { ActivationTarget } from '#src/modules/identity/users.repository';
import { AppError } from '#src/core/errors';
import { recordAudit } from '#src/core/audit';
import { checkPassword } from '#src/modules/identity/password-policy';
import { hashPassword } from '#src/modules/identity/password';
import { consumeOneTimeToken, findOneTimeToken } from '#src/modules/identity/one-time-token';
import { findActivationTarget, setInitialPassword } from '#src/modules/identity/users.repository';

/**
 * Resolves an activation link to the account it activates. An unknown, expired or used token, or one whose
 * account is disabled or already has a password, is not found.
 */
export async function findActivation(database: DatabaseHandle, ctx: RequestContext, token: string): Promise<{ tokenId: string; account: ActivationTarget }> {
  const found = await findOneTimeToken(database.db, 'activation', token, ctx.clock.now());
  if (!found || found.userId === null) throw new AppError('not_found');
  const account = await findActivationTarget(database.db, found.userId);
  if (!account || account.status !== 'active' || account.isActivated) throw new AppError('not_found');
  return { tokenId: found.id, account };
}

/**
 * Sets the first password of an invited account: checks it against the password policy and its
 * confirmation, then consumes the token (once, even under concurrent use), stores the hash and writes the
 * `user.activated` audit row in one transaction.
 */
export async function activateAccount(database: DatabaseHandle, ctx: RequestContext, token: string, password: string, confirmation: string): Promise<ActivationTarget> {
  const { tokenId, account } = await findActivation(database, ctx, token);
  const errors: FieldError[] = [];
  const problem = checkPassword(password, { email: account.email, displayName: account.displayName });
  if (problem) errors.push({ field: 'password', message: problem });
  else if (password !== confirmation) errors.push({ field: 'confirmation', message: 'password_mismatch' });
  if (errors.length > 0) throw new AppError('validation_failed', errors);

  const passwordHash = await hashPassword(password);
  // The user acts for themselves here: the audit row names them rather than "anonymous".
  const asUser: RequestContext = { ...ctx, actor: { kind: 'user', userId: account.id, label: account.email, roles: [], organisationId: null, scopes: null } };
  await database.db.transaction().execute(async (trx) => {
    const now = ctx.clock.now();
    if (!(await consumeOneTimeToken(trx, tokenId, now))) throw new AppError('not_found');
    if (!(await setInitialPassword(trx, account.id, passwordHash, now))) throw new AppError('not_found');
    await recordAudit(trx, database.dialect, asUser, { action: 'user.activated', entityType: 'user', entityId: account.id, after: { email: account.email, activated: true } });
  });
  return account;
}
