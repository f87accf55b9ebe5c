import { Type, type Static } from '@sinclair/typebox';
import type { Role } from '#src/core/access';
import type { Locale } from '#src/core/i18n/i18n';
import type { User, UserStatus } from '#src/modules/identity/users.types';
import { allRoles } from '#src/core/access';
import { locales } from '#src/core/i18n/i18n';
import { PageOf, PageQuery } from '#src/core/pagination';
import { userStatuses } from '#src/modules/identity/users.types';

/** A role name. */
export const RoleSchema = Type.Unsafe<Role>({ type: 'string', enum: [...allRoles], description: 'A staff role or an organisation role.' });
/** An interface language. */
export const LocaleSchema = Type.Unsafe<Locale>({ type: 'string', enum: [...locales] });
/** An account status. */
export const UserStatusSchema = Type.Unsafe<UserStatus>({ type: 'string', enum: [...userStatuses] });

const Nullable = <T extends import('@sinclair/typebox').TSchema>(schema: T) => Type.Union([schema, Type.Null()]);

/** A user as the API returns it: no password hash, MFA secret or failed sign-in count, ever. */
export const UserResponse = Type.Object(
  {
    id: Type.String({ format: 'uuid' }),
    email: Type.String(),
    displayName: Type.String(),
    roles: Type.Array(RoleSchema),
    organisation: Nullable(
      Type.Object({
        id: Type.String(),
        acronym: Nullable(Type.String()),
        name: Type.Object({ fr: Type.String(), ar: Type.String(), en: Type.String() }),
      }),
    ),
    locale: Nullable(LocaleSchema),
    status: UserStatusSchema,
    hasMfa: Type.Boolean(),
    activated: Type.Boolean({ description: 'True once the user has chosen a password.' }),
    lastLoginAt: Nullable(Type.String({ format: 'date-time' })),
    createdAt: Type.String({ format: 'date-time' }),
    updatedAt: Type.String({ format: 'date-time' }),
    version: Type.Integer({ description: 'Send it back in PATCH: a changed version means someone else edited the user.' }),
  },
);
export type UserResponse = Static<typeof UserResponse>;

/** The one serialiser of a user for the API. */
export function serialiseUser(user: User): UserResponse {
  return {
    id: user.id,
    email: user.email,
    displayName: user.displayName,
    roles: user.roles,
    organisation: user.organisation === null ? null : { id: user.organisation.id, acronym: user.organisation.acronym, name: user.organisation.names },
    locale: user.locale,
    status: user.status,
    hasMfa: user.hasMfa,
    activated: user.isActivated,
    lastLoginAt: user.lastLoginAt === null ? null : user.lastLoginAt.toISOString(),
    createdAt: user.createdAt.toISOString(),
    updatedAt: user.updatedAt.toISOString(),
    version: user.version,
  };
}

export const UserPage = PageOf(UserResponse);

/** Filters and pagination of GET /api/v1/users. */
export const UserListQuery = Type.Object({
  ...PageQuery.properties,
  q: Type.Optional(Type.String({ maxLength: 200, description: 'Part of the name or e-mail address (case-insensitive).' })),
  role: Type.Optional(RoleSchema),
  organisationId: Type.Optional(Type.String({ maxLength: 100 })),
  status: Type.Optional(UserStatusSchema),
});
export type UserListQuery = Static<typeof UserListQuery>;

export const UserIdParams = Type.Object({ id: Type.String({ maxLength: 100 }) });
export type UserIdParams = Static<typeof UserIdParams>;

/** Body of POST /api/v1/users: the user is invited by e-mail to choose a password. */
export const CreateUserBody = Type.Object(
  {
    email: Type.String({ maxLength: 254 }),
    displayName: Type.String({ maxLength: 200 }),
    roles: Type.Array(RoleSchema, { minItems: 1, maxItems: allRoles.length, uniqueItems: true }),
    organisationId: Type.Optional(Nullable(Type.String({ maxLength: 100 }))),
    locale: Type.Optional(Nullable(LocaleSchema)),
  },
  { additionalProperties: false },
);
export type CreateUserBody = Static<typeof CreateUserBody>;

/** Body of PATCH /api/v1/users/:id: the fields to change and the version last read. */
export const UpdateUserBody = Type.Object(
  {
    displayName: Type.Optional(Type.String({ maxLength: 200 })),
    roles: Type.Optional(Type.Array(RoleSchema, { minItems: 1, maxItems: allRoles.length, uniqueItems: true })),
    organisationId: Type.Optional(Nullable(Type.String({ maxLength: 100 }))),
    version: Type.Integer({ minimum: 1 }),
  },
  { additionalProperties: false },
);
export type UpdateUserBody = Static<typeof UpdateUserBody>;

export const IdempotencyHeaders = Type.Object({
  'idempotency-key': Type.Optional(Type.String({ maxLength: 200, description: 'A retry with the same key and body returns the first answer.' })),
});
