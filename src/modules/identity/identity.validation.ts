import type { FieldError } from '#src/core/errors';
import { checkPassword } from '#src/modules/identity/password-policy';

/** A plausible e-mail address: one '@', no spaces, a dotted domain (deliverability is the mail server's business). */
export function isPlausibleEmail(email: string): boolean {
  return email.length <= 320 && /^[^\s@]{1,64}@[^\s@.]+(\.[^\s@.]+)+$/.test(email);
}

/** Checks a new password and its confirmation against the policy; each error names its field. */
export function checkNewPassword(password: string, confirmation: string, user: { email?: string; displayName?: string }): FieldError[] {
  const errors: FieldError[] = [];
  const policy = checkPassword(password, user);
  if (policy !== null) errors.push({ field: 'password', message: policy });
  if (confirmation === '') errors.push({ field: 'password_confirmation', message: 'required' });
  else if (policy === null && confirmation !== password) errors.push({ field: 'password_confirmation', message: 'password_mismatch' });
  return errors;
}
