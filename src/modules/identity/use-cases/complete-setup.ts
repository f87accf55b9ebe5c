import type { RequestContext } from '#src/core/context';
import type { IdentityServices } from '#src/modules/identity/identity.types';
import type { FieldError } from '#src/core/errors';
import { AppError } from '#src/core/errors';
import { recordAudit } from '#src/core/audit';
import { systemActor } from '#src/core/access';
import { newId } from '#src/core/ids';
import { consumeOneTimeToken, findOneTimeToken } from '#src/modules/identity/one-time-token';
import { hashPassword } from '#src/modules/identity/password';
import { checkNewPassword, isPlausibleEmail } from '#src/modules/identity/identity.validation';
import { hasActiveAdministrator, isEmailTaken, normaliseEmail } from '#src/modules/identity/identity.repository';
import { insertUser, lockAdministratorChanges } from '#src/modules/identity/users.repository';

/** The first administrator, as typed in the set-up form. */
export interface CompleteSetupInput {
  token: string;
  email: string;
  displayName: string;
  password: string;
  confirmation: string;
}

/** Checks that a set-up link is still usable: a valid link while no active administrator exists, else not_found. */
export async function findSetupLink(services: IdentityServices, ctx: RequestContext, token: string): Promise<{ tokenId: string }> {
  const { database } = services;
  const found = await findOneTimeToken(database.db, 'setup', token, ctx.clock.now());
  if (!found || (await hasActiveAdministrator(database.db))) throw new AppError('not_found');
  return { tokenId: found.id };
}

/**
 * Creates the first administrator through the one-time set-up link printed at first start. The link is used
 * up in the same transaction, and only while no active administrator exists, so it works exactly once.
 */
export async function completeSetup(services: IdentityServices, ctx: RequestContext, input: CompleteSetupInput): Promise<{ userId: string }> {
  const { database } = services;
  const { tokenId } = await findSetupLink(services, ctx, input.token);
  const email = normaliseEmail(input.email);
  const displayName = input.displayName.trim();
  const errors: FieldError[] = [];
  if (email === '') errors.push({ field: 'email', message: 'required' });
  else if (!isPlausibleEmail(email)) errors.push({ field: 'email', message: 'invalid_email' });
  if (displayName === '') errors.push({ field: 'display_name', message: 'required' });
  else if (displayName.length > 200) errors.push({ field: 'display_name', message: 'too_long', params: { max: 200 } });
  errors.push(...checkNewPassword(input.password, input.confirmation, { email, displayName }));
  if (errors.length > 0) throw new AppError('validation_failed', errors);

  const passwordHash = await hashPassword(input.password);
  const now = ctx.clock.now();
  const userId = newId();
  // The set-up link, not a user, creates this account: the audit trail says so.
  const setupCtx: RequestContext = { ...ctx, actor: systemActor('setup') };
  await database.db.transaction().execute(async (trx) => {
    // Serialise with any other administrator change, so two set-up links used at once create one admin.
    await lockAdministratorChanges(trx, database.dialect);
    if (await hasActiveAdministrator(trx)) throw new AppError('not_found');
    if (await isEmailTaken(trx, email)) throw AppError.field('email', 'email_taken');
    if (!(await consumeOneTimeToken(trx, tokenId, now))) throw new AppError('not_found');
    await insertUser(trx, { id: userId, email, displayName, passwordHash, locale: ctx.locale, organisationId: null, roles: ['admin'], now });
    await recordAudit(trx, database.dialect, setupCtx, {
      action: 'user.created',
      entityType: 'user',
      entityId: userId,
      after: { email, displayName, roles: ['admin'], status: 'active', organisationId: null, locale: ctx.locale },
    });
  });
  return { userId };
}
