import type { DatabaseHandle } from '#src/db/database';
import type { RequestContext } from '#src/core/context';
import type { Page } from '#src/core/pagination';
import type { OrganisationRef, User, UserFilter } from '#src/modules/identity/users.types';
import { AppError } from '#src/core/errors';
import { normaliseEmail } from '#src/core/validation';
import { findAssignableOrganisations, findUserByEmail, findUserById, findUsers } from '#src/modules/identity/users.repository';

/** The users the actor may see, filtered and paginated in SQL. */
export async function listUsers(database: DatabaseHandle, ctx: RequestContext, filter: UserFilter, page: { limit: number; cursor?: string | undefined }): Promise<Page<User>> {
  return findUsers(database.db, ctx.actor, filter, page);
}

/** One user the actor may see; anything else is not found (never "forbidden", which would reveal it exists). */
export async function getUser(database: DatabaseHandle, ctx: RequestContext, userId: string): Promise<User> {
  const user = await findUserById(database.db, ctx.actor, userId);
  if (!user) throw new AppError('not_found');
  return user;
}

/** One user by e-mail address, within the actor's scope (the CLI addresses users this way). */
export async function getUserByEmail(database: DatabaseHandle, ctx: RequestContext, email: string): Promise<User> {
  const user = await findUserByEmail(database.db, ctx.actor, normaliseEmail(email));
  if (!user) throw new AppError('not_found');
  return user;
}

/** The organisations the actor may place users in (for the forms' organisation list). */
export async function listAssignableOrganisations(database: DatabaseHandle, ctx: RequestContext): Promise<OrganisationRef[]> {
  return findAssignableOrganisations(database.db, ctx.actor);
}
