import { describe, expect, it } from 'vitest';
import { destinationAfterSignIn, safeNext, withNext } from '#src/modules/identity/redirects';

describe('safeNext (open-redirect protection)', () => {
  it.each(['/console', '/account/mfa?x=1#top', '/bulletins/2025-001', '/'])('keeps the relative path %j', (v) => {
    expect(safeNext(v)).toBe(v);
  });

  it.each([
    '//evil.example',
    '//evil.example/path',
    '/\\evil.example',
    '/\t/evil.example',
    '/\n/evil.example',
    'https://evil.example',
    'javascript:alert(1)',
    'evil.example',
    '',
    '\\\\evil.example',
    '/x\\@evil.example',
  ])('refuses %j', (v) => {
    expect(safeNext(v)).toBeNull();
  });

  it('refuses non-strings and overlong values', () => {
    expect(safeNext(undefined)).toBeNull();
    expect(safeNext(['/a'])).toBeNull();
    expect(safeNext(`/${'a'.repeat(2000)}`)).toBeNull();
  });
});

describe('destinationAfterSignIn', () => {
  it('sends a user with MFA to the code step, carrying next', () => {
    expect(destinationAfterSignIn('mfa-pending', ['analyst'], '/console/users')).toBe('/login/mfa?next=%2Fconsole%2Fusers');
  });
  it('sends staff without MFA to enrolment', () => {
    expect(destinationAfterSignIn('mfa-setup-required', ['admin'], null)).toBe('/account/mfa/setup');
  });
  it('sends a fully signed-in user to next, else the console for staff and the account for constituents', () => {
    expect(destinationAfterSignIn('full', ['analyst'], '/x')).toBe('/x');
    expect(destinationAfterSignIn('full', ['analyst'], null)).toBe('/console');
    expect(destinationAfterSignIn('full', ['org_member'], null)).toBe('/account');
    expect(withNext('/a', null)).toBe('/a');
  });
});
