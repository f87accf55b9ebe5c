import type { Role } from '#src/core/access';
import { isStaffRole } from '#src/core/access';

/** True when a user with these roles may turn MFA off: never staff while the installation requires MFA for staff. */
export function canDisableMfa(roles: readonly Role[], mfaRequiredForStaff: boolean): boolean {
  return !(mfaRequiredForStaff && roles.some(isStaffRole));
}
