import type { RequestContext } from '#src/core/context';
import type { IdentityServices } from '#src/modules/identity/identity.types';
import { AppError } from '#src/core/errors';
import { findMfaState } from '#src/modules/identity/identity.repository';
import { generateTotpSecret, totpUri } from '#src/modules/identity/totp';
import { openPendingEnrolment, sealPendingEnrolment } from '#src/modules/identity/mfa-secrets';
import { renderQrSvg } from '#src/modules/identity/qr-code';

/** What the enrolment page shows: the QR code, the secret for manual entry, and the sealed secret for the form. */
export interface MfaEnrolment {
  /** The TOTP secret sealed for the hidden form field (expires after 15 minutes). */
  pending: string;
  /** The base32 secret, for typing into an authenticator by hand. */
  secret: string;
  /** Inline SVG of the otpauth:// URI, rendered on the server. */
  qrSvg: string;
}

/**
 * Prepares an MFA enrolment for the signed-in user without writing anything: a new secret (or the one still
 * pending in `pending`, when the form is shown again after a wrong code), sealed for the hidden field.
 */
export async function startMfaEnrolment(services: IdentityServices, ctx: RequestContext, userId: string, pending?: string): Promise<MfaEnrolment> {
  const { database, config } = services;
  const state = await findMfaState(database.db, userId);
  if (!state) throw new AppError('not_found');
  if (state.enabledAt !== null) throw new AppError('conflict');
  const now = ctx.clock.now();
  const reused = pending ? openPendingEnrolment(config.secret, userId, pending, now) : null;
  const secret = reused ?? generateTotpSecret();
  const sealed = reused !== null && pending ? pending : sealPendingEnrolment(config.secret, userId, secret, now);
  return { pending: sealed, secret, qrSvg: await renderQrSvg(totpUri(secret, config.siteName, state.email)) };
}
