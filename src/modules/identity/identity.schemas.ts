import { Type } from '@sinclair/typebox';

/** `?next=` (checked by safeNext before use) on the sign-in pages, plus the notice to show after a redirect. */
export const SignInQuery = Type.Object({
  next: Type.Optional(Type.String({ maxLength: 2000 })),
  done: Type.Optional(Type.String({ maxLength: 20 })),
});

/** `?next=` on the MFA pages. */
export const NextQuery = Type.Object({
  next: Type.Optional(Type.String({ maxLength: 2000 })),
});

/** The MFA management page's notice after a redirect. */
export const MfaManageQuery = Type.Object({
  done: Type.Optional(Type.String({ maxLength: 20 })),
});

/** A one-time link's token in the path (reset, set-up); its shape is checked again before any lookup. */
export const TokenParams = Type.Object({
  token: Type.String({ minLength: 1, maxLength: 200 }),
});
