import type { Config } from '#src/config/config';
import type { DatabaseHandle } from '#src/db/database';
import type { Messages } from '#src/core/i18n/i18n';
import type { Role } from '#src/core/access';

/** What the identity use cases need from the application: the database, the settings and the messages (for e-mails). */
export interface IdentityServices {
  readonly database: DatabaseHandle;
  readonly config: Config;
  readonly catalogue: Messages<string>;
}

/** A user account's status. */
export type UserStatus = 'active' | 'disabled';

/** A user as sign-in sees it: credentials and lockout state included, never sent to a page or an API. */
export interface LoginCandidate {
  id: string;
  email: string;
  displayName: string;
  passwordHash: string | null;
  status: UserStatus;
  roles: Role[];
  organisationId: string | null;
  locale: string | null;
  failedLoginCount: number;
  lockedUntil: Date | null;
  hasMfa: boolean;
}

/** A user's second factor: the sealed TOTP secret and the last time step accepted (replay protection). */
export interface MfaState {
  userId: string;
  email: string;
  roles: Role[];
  organisationId: string | null;
  sealedSecret: string | null;
  enabledAt: Date | null;
  lastStep: number | null;
  failedLoginCount: number;
  lockedUntil: Date | null;
  passwordHash: string | null;
  remainingRecoveryCodes: number;
}

/** The public face of a user for e-mails and password checks. */
export interface UserContact {
  id: string;
  email: string;
  displayName: string;
  locale: string | null;
  status: UserStatus;
}

/** Where a session stands after a step of signing in (mirrors the auth plugin's stages). */
export type SessionStage = 'full' | 'mfa-pending' | 'mfa-setup-required';

/** A session just opened: the cookie value to hand to the browser (never stored) and who it belongs to. */
export interface OpenedSession {
  cookieToken: string;
  userId: string;
  roles: Role[];
  stage: SessionStage;
}

/** Why a sign-in attempt failed; recorded in the audit trail, never shown (the page says the same thing for all). */
export type LoginFailureReason = 'wrong_password' | 'locked' | 'disabled' | 'wrong_mfa_code';
