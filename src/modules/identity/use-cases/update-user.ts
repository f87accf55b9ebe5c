import type { RequestContext } from '#src/core/context';
import type { FieldError } from '#src/core/errors';
import type { User } from '#src/modules/identity/users.types';
import type { UsersDeps } from '#src/modules/identity/use-cases/user-input';
import { AppError } from '#src/core/errors';
import { recordAudit } from '#src/core/audit';
import { auditSnapshot } from '#src/modules/identity/users.types';
import { checkRoleAssignment } from '#src/modules/identity/users.policy';
import {
  countOtherActiveAdmins,
  findUserById,
  lockAdministratorChanges,
  replaceUserRoles,
  updateUserFields,
} from '#src/modules/identity/users.repository';
import { checkOrganisationExists, readDisplayName, readRoles } from '#src/modules/identity/use-cases/user-input';

/** The fields an administrator may change; omitted ones keep their value. `version` is the one last read. */
export interface UpdateUserInput {
  displayName?: string;
  roles?: readonly string[];
  organisationId?: string | null;
  version: number;
}

function sameRoles(a: readonly string[], b: readonly string[]): boolean {
  return a.length === b.length && a.every((r) => b.includes(r));
}

/**
 * Changes the display name, roles and organisation of an account the actor may manage, with optimistic
 * locking: if the account changed since `version` was read, nothing is written and the answer is
 * `version_conflict`. An account outside the actor's scope is not found.
 */
export async function updateUser(deps: UsersDeps, ctx: RequestContext, userId: string, input: UpdateUserInput): Promise<User> {
  const { database } = deps;
  const { actor } = ctx;
  return database.db.transaction().execute(async (trx) => {
    await lockAdministratorChanges(trx, database.dialect);
    const current = await findUserById(trx, actor, userId);
    if (!current) throw new AppError('not_found');
    if (current.version !== input.version) throw new AppError('version_conflict');

    const errors: FieldError[] = [];
    const displayName = input.displayName === undefined ? current.displayName : readDisplayName(input.displayName, errors);
    const roles = input.roles === undefined ? current.roles : readRoles(input.roles, errors);
    const organisationId = input.organisationId === undefined ? (current.organisation?.id ?? null) : input.organisationId;
    if (!errors.some((e) => e.field === 'roles')) {
      const otherActiveAdmins = current.roles.includes('admin') ? await countOtherActiveAdmins(trx, current.id) : 0;
      errors.push(...checkRoleAssignment(actor, { roles, organisationId }, { userId: current.id, roles: current.roles, status: current.status, otherActiveAdmins }));
    }
    if (organisationId !== (current.organisation?.id ?? null)) await checkOrganisationExists(trx, organisationId, errors);
    if (errors.length > 0) throw new AppError('validation_failed', errors);

    const rolesChanged = !sameRoles(roles, current.roles);
    if (!rolesChanged && displayName === current.displayName && organisationId === (current.organisation?.id ?? null)) return current;

    const now = ctx.clock.now();
    if (!(await updateUserFields(trx, current.id, input.version, { displayName, organisationId }, now))) throw new AppError('version_conflict');
    if (rolesChanged) await replaceUserRoles(trx, current.id, roles);
    const updated = await findUserById(trx, actor, current.id);
    if (!updated) throw new AppError('not_found');
    await recordAudit(trx, database.dialect, ctx, { action: 'user.updated', entityType: 'user', entityId: current.id, before: auditSnapshot(current), after: auditSnapshot(updated) });
    return updated;
  });
}
