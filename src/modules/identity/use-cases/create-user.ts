import type { RequestContext } from '#src/core/context';
import type { FieldError } from '#src/core/errors';
import type { User } from '#src/modules/identity/users.types';
import type { UsersDeps } from '#src/modules/identity/use-cases/user-input';
import { AppError } from '#src/core/errors';
import { recordAudit } from '#src/core/audit';
import { newId } from '#src/core/ids';
import { withIdempotency } from '#src/core/idempotency';
import { checkPassword } from '#src/modules/identity/password-policy';
import { hashPassword } from '#src/modules/identity/password';
import { checkRoleAssignment, userScope } from '#src/modules/identity/users.policy';
import { findUserById, insertUser, isEmailTaken, isUniqueViolation } from '#src/modules/identity/users.repository';
import { sendInvitation } from '#src/modules/identity/use-cases/resend-invitation';
import { checkOrganisationExists, readDisplayName, readEmail, readLocale, readRoles } from '#src/modules/identity/use-cases/user-input';

/** What an administrator (or an organisation manager, or the CLI) submits to create an account. */
export interface CreateUserInput {
  email: string;
  displayName: string;
  roles: readonly string[];
  /** Null for CERT staff; an organisation manager's users always get the manager's organisation. */
  organisationId: string | null;
  locale: string | null;
  /** A password chosen by the operator (CLI only); without one the user is invited by e-mail. */
  password?: string | null;
}

export interface CreateUserResult {
  user: User;
  /** The activation link e-mailed to the user (null when a password was set, or on an idempotent replay). */
  activationUrl: string | null;
  /** True when an earlier request with the same idempotency key already created the user. */
  replayed: boolean;
}

/**
 * Creates an account with its roles, without a password: the user receives a one-time activation link by
 * e-mail (queued in the same transaction as the account and its `user.created` audit row). With an
 * idempotency key, a retry returns the account created the first time.
 */
export async function createUser(deps: UsersDeps, ctx: RequestContext, input: CreateUserInput, options: { idempotencyKey?: string | null } = {}): Promise<CreateUserResult> {
  const { database } = deps;
  const { actor } = ctx;
  const scope = userScope(actor);
  if (scope.kind === 'none') throw new AppError('forbidden');

  const errors: FieldError[] = [];
  const email = readEmail(input.email, errors);
  const displayName = readDisplayName(input.displayName, errors);
  const roles = readRoles(input.roles, errors);
  const locale = readLocale(input.locale, errors);
  // An organisation manager's new users belong to the manager's organisation unless they ask otherwise.
  const organisationId = input.organisationId ?? (scope.kind === 'organisation' ? scope.organisationId : null);
  if (!errors.some((e) => e.field === 'roles')) errors.push(...checkRoleAssignment(actor, { roles, organisationId }));
  await checkOrganisationExists(database.db, organisationId, errors);
  const password = input.password ?? null;
  if (password !== null) {
    const problem = checkPassword(password, { email, displayName });
    if (problem) errors.push({ field: 'password', message: problem });
  }
  // With an idempotency key the address may be taken by the very request being retried: checked in the work.
  const key = options.idempotencyKey ?? null;
  if (key === null && !errors.some((e) => e.field === 'email') && (await isEmailTaken(database.db, email))) errors.push({ field: 'email', message: 'email_taken' });
  if (errors.length > 0) throw new AppError('validation_failed', errors);

  const passwordHash = password === null ? null : await hashPassword(password);
  const id = newId();
  let activationUrl: string | null = null;
  const request = { email, displayName, roles: [...roles].sort(), organisationId, locale, withPassword: password !== null };
  let result;
  try {
    result = await withIdempotency<{ id: string }>(
      database.db,
      { actorKey: actor.userId ?? `system:${actor.label}`, key, scope: 'POST /api/v1/users', request, clock: ctx.clock },
      async (trx) => {
        if (await isEmailTaken(trx, email)) throw AppError.field('email', 'email_taken');
        await insertUser(trx, { id, email, displayName, locale, organisationId, passwordHash, roles, now: ctx.clock.now() });
        await recordAudit(trx, database.dialect, ctx, {
          action: 'user.created',
          entityType: 'user',
          entityId: id,
          after: { email, displayName, roles: [...roles].sort(), organisationId, status: 'active', locale, invited: passwordHash === null },
        });
        if (passwordHash === null) activationUrl = await sendInvitation(trx, deps, ctx, { id, email, displayName, locale });
        return { status: 201, body: { id } };
      },
    );
  } catch (err) {
    // Another request created the same address between our check and our insert.
    if (isUniqueViolation(err)) throw AppError.field('email', 'email_taken');
    throw err;
  }
  const user = await findUserById(database.db, actor, result.body.id);
  if (!user) throw new AppError('not_found');
  return { user, activationUrl: result.replayed ? null : activationUrl, replayed: result.replayed };
}
