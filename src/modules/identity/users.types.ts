import type { Role } from '#src/core/access';
import type { Locale } from '#src/core/i18n/i18n';

/** Whether an account may sign in. */
export type UserStatus = 'active' | 'disabled';

export const userStatuses: readonly UserStatus[] = ['active', 'disabled'];

/** An organisation as the user screens show it: its names in the three languages and its acronym. */
export interface OrganisationRef {
  id: string;
  acronym: string | null;
  names: Record<Locale, string>;
}

/**
 * A user account as administrators see it. Never carries the password hash, the MFA secret or the failed
 * sign-in count: those stay in the repository.
 */
export interface User {
  id: string;
  email: string;
  displayName: string;
  roles: Role[];
  organisation: OrganisationRef | null;
  locale: Locale | null;
  status: UserStatus;
  hasMfa: boolean;
  /** True once the user has chosen a password (through the activation link or the CLI). */
  isActivated: boolean;
  lastLoginAt: Date | null;
  createdAt: Date;
  updatedAt: Date;
  /** Optimistic-locking counter, bumped by every change. */
  version: number;
}

/** Filters of the user list; every one optional. */
export interface UserFilter {
  /** Substring of the name or the e-mail address, case-insensitive. */
  q?: string;
  role?: Role;
  organisationId?: string;
  status?: UserStatus;
}

/** What an audit row records of a user: the administrable fields, never a secret. */
export interface UserAuditSnapshot {
  email: string;
  displayName: string;
  roles: Role[];
  organisationId: string | null;
  status: UserStatus;
  locale: Locale | null;
}

/** The audit snapshot of a user (sorted roles so that before/after compare cleanly). */
export function auditSnapshot(user: User): UserAuditSnapshot {
  return {
    email: user.email,
    displayName: user.displayName,
    roles: [...user.roles].sort(),
    organisationId: user.organisation?.id ?? null,
    status: user.status,
    locale: user.locale,
  };
}

/** The name of an organisation in a language. */
export function organisationName(org: OrganisationRef, locale: Locale): string {
  return org.names[locale];
}
