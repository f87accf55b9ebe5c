import { describe, expect, it } from 'vitest';
import { checkNewPassword, isPlausibleEmail } from '#src/modules/identity/identity.validation';

describe('identity validation', () => {
  it('accepts ordinary addresses and refuses malformed ones', () => {
    expect(isPlausibleEmail('nadia@cert.gov.ma')).toBe(true);
    expect(isPlausibleEmail('nadia@localhost')).toBe(false);
    expect(isPlausibleEmail('nadia cert@gov.ma')).toBe(false);
    expect(isPlausibleEmail('a@b@c.ma')).toBe(false);
  });

  it('names the password field for policy errors and the confirmation for a mismatch', () => {
    expect(checkNewPassword('short', 'short', {})).toEqual([{ field: 'password', message: 'password_too_short' }]);
    expect(checkNewPassword('password1234', 'password1234', {})).toEqual([{ field: 'password', message: 'password_common' }]);
    expect(checkNewPassword('orange-tramway-sous-la-pluie', 'orange-tramway', {})).toEqual([{ field: 'password_confirmation', message: 'password_mismatch' }]);
    expect(checkNewPassword('orange-tramway-sous-la-pluie', '', {})).toEqual([{ field: 'password_confirmation', message: 'required' }]);
    expect(checkNewPassword('orange-tramway-sous-la-pluie', 'orange-tramway-sous-la-pluie', {})).toEqual([]);
  });
});
