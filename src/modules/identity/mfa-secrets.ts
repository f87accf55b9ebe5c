import { createSecretBox, PENDING_MFA_TTL_MS } from '#src/modules/identity/secret-box';

// Each sealed value is bound to its purpose and its user: a pending enrolment of one user can neither be
// replayed by another nor pass for a stored secret.
const storedPurpose = (userId: string): string => `mfa-secret:${userId}`;
const pendingPurpose = (userId: string): string => `mfa-enrolment:${userId}`;

/** Seals a confirmed TOTP secret for storage in user_account.mfa_secret (never stored in clear). */
export function sealMfaSecret(installationSecret: string, userId: string, totpSecret: string): string {
  return createSecretBox(installationSecret).seal(storedPurpose(userId), totpSecret);
}

/** Opens a stored TOTP secret; null when it cannot be opened (installation secret changed, or tampering). */
export function openMfaSecret(installationSecret: string, userId: string, sealed: string, now: Date): string | null {
  return createSecretBox(installationSecret).open(storedPurpose(userId), sealed, now);
}

/** Seals a not-yet-confirmed TOTP secret for the enrolment form's hidden field, valid 15 minutes. */
export function sealPendingEnrolment(installationSecret: string, userId: string, totpSecret: string, now: Date): string {
  return createSecretBox(installationSecret).seal(pendingPurpose(userId), totpSecret, { expiresAt: new Date(now.getTime() + PENDING_MFA_TTL_MS) });
}

/** Opens the enrolment form's hidden field; null when expired, tampered with or sealed for another user. */
export function openPendingEnrolment(installationSecret: string, userId: string, sealed: string, now: Date): string | null {
  return createSecretBox(installationSecret).open(pendingPurpose(userId), sealed, now);
}
