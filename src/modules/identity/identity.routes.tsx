import type { FastifyReply, FastifyRequest } from 'fastify';
import type { App, AuthUser } from '#src/plugins/types';
import type { AppServices } from '#src/app';
import type { Config } from '#src/config/config';
import type { FormErrors } from '#src/web/components/form';
import { AppError } from '#src/core/errors';
import { SESSION_COOKIE } from '#src/plugins/auth';
import { FormBodySchema, readForm } from '#src/web/forms';
import { pageContext } from '#src/web/page-context';
import { translateFieldErrors } from '#src/web/components/form';
import { LoginPage, MfaPage, type LoginNotice } from '#src/web/auth/sign-in-pages';
import { MfaManagePage, MfaSetupPage, RecoveryCodesPage } from '#src/web/auth/mfa-pages';
import { ForgotPasswordPage, ForgotPasswordSentPage, InvalidLinkPage, ResetPasswordPage } from '#src/web/auth/password-pages';
import { SetupPage } from '#src/web/auth/setup-page';
import { MfaManageQuery, NextQuery, SignInQuery, TokenParams } from '#src/modules/identity/identity.schemas';
import { destinationAfterSignIn, homeFor, safeNext, withNext } from '#src/modules/identity/redirects';
import { signIn } from '#src/modules/identity/use-cases/sign-in';
import { verifyMfa } from '#src/modules/identity/use-cases/verify-mfa';
import { startMfaEnrolment } from '#src/modules/identity/use-cases/start-mfa-enrolment';
import { confirmMfaEnrolment } from '#src/modules/identity/use-cases/confirm-mfa-enrolment';
import { getMfaStatus } from '#src/modules/identity/use-cases/get-mfa-status';
import { regenerateRecoveryCodes } from '#src/modules/identity/use-cases/regenerate-recovery-codes';
import { disableMfa } from '#src/modules/identity/use-cases/disable-mfa';
import { signOut } from '#src/modules/identity/use-cases/sign-out';
import { requestPasswordReset } from '#src/modules/identity/use-cases/request-password-reset';
import { findPasswordResetLink, resetPassword } from '#src/modules/identity/use-cases/reset-password';
import { completeSetup, findSetupLink } from '#src/modules/identity/use-cases/complete-setup';

/** The field errors of a refused form, or null when the error is of another kind (and must propagate). */
function formErrorsOf(request: FastifyRequest, error: unknown): FormErrors | null {
  return error instanceof AppError && error.code === 'validation_failed' ? translateFieldErrors(request.i18n, error.fields) : null;
}

function isNotFound(error: unknown): boolean {
  return error instanceof AppError && error.code === 'not_found';
}

/** The browser session of this request (the access rule has already required one). */
function sessionOf(request: FastifyRequest): { sessionId: string; user: AuthUser; stage: 'full' | 'mfa-pending' | 'mfa-setup-required' } {
  const auth = request.auth;
  if (auth.kind !== 'session') throw new AppError('unauthenticated');
  return auth;
}

function userAgentOf(request: FastifyRequest): string | null {
  return request.headers['user-agent'] ?? null;
}

/**
 * The session cookie: httpOnly (no script can read it), SameSite=Lax (not sent on cross-site POSTs), Secure
 * when Ribat is served over https, and without Max-Age, so it ends with the browser session; the server
 * enforces the session's own lifetime and idle timeout.
 */
function setSessionCookie(reply: FastifyReply, config: Config, token: string): void {
  reply.setCookie(SESSION_COOKIE, token, { path: '/', httpOnly: true, sameSite: 'lax', secure: config.publicUrl.startsWith('https:') });
}

function loginNotice(value: string | undefined): LoginNotice | null {
  return value === 'reset' || value === 'setup' ? value : null;
}

/** Sign-in, MFA, sign-out, password reset and first-administrator set-up pages. */
export function identityRoutes(app: App, services: AppServices): void {
  const { config } = services;
  const loginRateLimit = { max: config.loginRateLimitPerMinute, timeWindow: 60_000 };
  const formRateLimit = { max: config.formRateLimitPerMinute, timeWindow: 60_000 };
  const page = (request: FastifyRequest) => pageContext(request, config.siteName);

  // --- Sign-in -------------------------------------------------------------------------------------------

  app.get('/login', { config: { access: 'public' }, schema: { hide: true, querystring: SignInQuery } }, async (request, reply) => {
    const next = safeNext(request.query.next);
    const auth = request.auth;
    if (auth.kind === 'session') return reply.redirect(destinationAfterSignIn(auth.stage, auth.user.roles, next), 303);
    return reply.page(<LoginPage page={page(request)} email="" next={next} errors={{}} notice={loginNotice(request.query.done)} />);
  });

  app.post(
    '/login',
    { config: { access: 'public', rateLimit: loginRateLimit }, schema: { hide: true, body: FormBodySchema } },
    async (request, reply) => {
      const form = readForm(request.body);
      const next = safeNext(form.str('next'));
      const current = request.auth.kind === 'session' ? request.auth.sessionId : null;
      try {
        const session = await signIn(services, request.ctx, { email: form.str('email'), password: form.raw('password'), userAgent: userAgentOf(request), currentSessionId: current });
        setSessionCookie(reply, config, session.cookieToken);
        return reply.redirect(destinationAfterSignIn(session.stage, session.roles, next), 303);
      } catch (error) {
        const errors = formErrorsOf(request, error);
        if (!errors) throw error;
        return reply.page(<LoginPage page={page(request)} email={form.str('email')} next={next} errors={errors} notice={null} />, 400);
      }
    },
  );

  app.get('/login/mfa', { config: { access: 'mfa-step' }, schema: { hide: true, querystring: NextQuery } }, async (request, reply) => {
    const session = sessionOf(request);
    const next = safeNext(request.query.next);
    if (session.stage !== 'mfa-pending') return reply.redirect(destinationAfterSignIn(session.stage, session.user.roles, next), 303);
    return reply.page(<MfaPage page={page(request)} next={next} errors={{}} />);
  });

  app.post(
    '/login/mfa',
    { config: { access: 'mfa-step', rateLimit: loginRateLimit }, schema: { hide: true, body: FormBodySchema } },
    async (request, reply) => {
      const session = sessionOf(request);
      const form = readForm(request.body);
      const next = safeNext(form.str('next'));
      if (session.stage !== 'mfa-pending') return reply.redirect(destinationAfterSignIn(session.stage, session.user.roles, next), 303);
      try {
        const opened = await verifyMfa(services, request.ctx, {
          sessionId: session.sessionId,
          userId: session.user.id,
          code: form.str('code'),
          recoveryCode: form.str('recovery_code'),
          userAgent: userAgentOf(request),
        });
        setSessionCookie(reply, config, opened.cookieToken);
        return reply.redirect(destinationAfterSignIn('full', opened.roles, next), 303);
      } catch (error) {
        const errors = formErrorsOf(request, error);
        if (!errors) throw error;
        return reply.page(<MfaPage page={page(request)} next={next} errors={errors} />, 400);
      }
    },
  );

  app.post('/logout', { config: { access: 'mfa-step' }, schema: { hide: true, body: FormBodySchema } }, async (request, reply) => {
    const session = sessionOf(request);
    await signOut(services, request.ctx, session.sessionId);
    reply.clearCookie(SESSION_COOKIE, { path: '/' });
    return reply.redirect('/', 303);
  });

  // --- MFA enrolment and management ----------------------------------------------------------------------

  app.get('/account/mfa/setup', { config: { access: 'mfa-step' }, schema: { hide: true, querystring: NextQuery } }, async (request, reply) => {
    const session = sessionOf(request);
    const next = safeNext(request.query.next);
    if (session.stage === 'mfa-pending') return reply.redirect(withNext('/login/mfa', next), 303);
    if (session.user.hasMfa) return reply.redirect('/account/mfa', 303);
    const enrolment = await startMfaEnrolment(services, request.ctx, session.user.id);
    return reply.header('cache-control', 'no-store').page(
      <MfaSetupPage page={page(request)} required={session.stage === 'mfa-setup-required'} qrSvg={enrolment.qrSvg} secret={enrolment.secret} pending={enrolment.pending} next={next} errors={{}} />,
    );
  });

  app.post(
    '/account/mfa/setup',
    { config: { access: 'mfa-step', rateLimit: loginRateLimit }, schema: { hide: true, body: FormBodySchema } },
    async (request, reply) => {
      const session = sessionOf(request);
      const form = readForm(request.body);
      const next = safeNext(form.str('next'));
      if (session.stage === 'mfa-pending') return reply.redirect(withNext('/login/mfa', next), 303);
      if (session.user.hasMfa) return reply.redirect('/account/mfa', 303);
      try {
        const confirmed = await confirmMfaEnrolment(services, request.ctx, {
          sessionId: session.sessionId,
          userId: session.user.id,
          pending: form.str('pending'),
          code: form.str('code'),
          userAgent: userAgentOf(request),
        });
        setSessionCookie(reply, config, confirmed.cookieToken);
        const continueHref = next ?? (session.stage === 'mfa-setup-required' ? homeFor(session.user.roles) : '/account/mfa');
        return reply.header('cache-control', 'no-store').page(<RecoveryCodesPage page={page(request)} codes={confirmed.recoveryCodes} reason="enabled" continueHref={continueHref} />);
      } catch (error) {
        if (error instanceof AppError && error.code === 'conflict') return reply.redirect('/account/mfa', 303);
        const errors = formErrorsOf(request, error);
        if (!errors) throw error;
        // Shown again with the same pending secret while it is valid (the user has probably scanned it), else a new one.
        const enrolment = await startMfaEnrolment(services, request.ctx, session.user.id, form.str('pending'));
        return reply
          .header('cache-control', 'no-store')
          .page(<MfaSetupPage page={page(request)} required={session.stage === 'mfa-setup-required'} qrSvg={enrolment.qrSvg} secret={enrolment.secret} pending={enrolment.pending} next={next} errors={errors} />, 400);
      }
    },
  );

  app.get('/account/mfa', { config: { access: 'signed-in' }, schema: { hide: true, querystring: MfaManageQuery } }, async (request, reply) => {
    const session = sessionOf(request);
    const status = await getMfaStatus(services, request.ctx, session.user.id);
    const notice = request.query.done === 'disabled' ? 'disabled' : null;
    return reply.page(<MfaManagePage page={page(request)} enabledAt={status.enabledAt} remainingRecoveryCodes={status.remainingRecoveryCodes} canDisable={status.canDisable} errors={{}} notice={notice} />);
  });

  app.post('/account/mfa/recovery-codes', { config: { access: 'signed-in' }, schema: { hide: true, body: FormBodySchema } }, async (request, reply) => {
    const session = sessionOf(request);
    try {
      const codes = await regenerateRecoveryCodes(services, request.ctx, session.user.id);
      return reply.header('cache-control', 'no-store').page(<RecoveryCodesPage page={page(request)} codes={codes} reason="regenerated" continueHref="/account/mfa" />);
    } catch (error) {
      if (error instanceof AppError && error.code === 'conflict') return reply.redirect('/account/mfa', 303);
      throw error;
    }
  });

  app.post(
    '/account/mfa/disable',
    { config: { access: 'signed-in', rateLimit: formRateLimit }, schema: { hide: true, body: FormBodySchema } },
    async (request, reply) => {
      const session = sessionOf(request);
      const form = readForm(request.body);
      try {
        await disableMfa(services, request.ctx, { userId: session.user.id, password: form.raw('password') });
        return reply.redirect('/account/mfa?done=disabled', 303);
      } catch (error) {
        if (error instanceof AppError && error.code === 'conflict') return reply.redirect('/account/mfa', 303);
        const errors = formErrorsOf(request, error);
        if (!errors) throw error;
        const status = await getMfaStatus(services, request.ctx, session.user.id);
        return reply.page(<MfaManagePage page={page(request)} enabledAt={status.enabledAt} remainingRecoveryCodes={status.remainingRecoveryCodes} canDisable={status.canDisable} errors={errors} notice={null} />, 400);
      }
    },
  );

  // --- Password reset ------------------------------------------------------------------------------------

  app.get('/password/forgot', { config: { access: 'public' }, schema: { hide: true } }, async (request, reply) => {
    return reply.page(<ForgotPasswordPage page={page(request)} email="" errors={{}} />);
  });

  app.post(
    '/password/forgot',
    { config: { access: 'public', rateLimit: formRateLimit }, schema: { hide: true, body: FormBodySchema } },
    async (request, reply) => {
      const form = readForm(request.body);
      try {
        await requestPasswordReset(services, request.ctx, { email: form.str('email') });
      } catch (error) {
        const errors = formErrorsOf(request, error);
        if (!errors) throw error;
        return reply.page(<ForgotPasswordPage page={page(request)} email={form.str('email')} errors={errors} />, 400);
      }
      return reply.page(<ForgotPasswordSentPage page={page(request)} email={form.str('email')} />);
    },
  );

  app.get('/password/reset/:token', { config: { access: 'public' }, schema: { hide: true, params: TokenParams } }, async (request, reply) => {
    reply.header('cache-control', 'no-store');
    try {
      const { user } = await findPasswordResetLink(services, request.ctx, request.params.token);
      return reply.page(<ResetPasswordPage page={page(request)} token={request.params.token} email={user.email} errors={{}} />);
    } catch (error) {
      if (isNotFound(error)) return reply.page(<InvalidLinkPage page={page(request)} kind="reset" />, 404);
      throw error;
    }
  });

  app.post(
    '/password/reset/:token',
    { config: { access: 'public', rateLimit: formRateLimit }, schema: { hide: true, params: TokenParams, body: FormBodySchema } },
    async (request, reply) => {
      reply.header('cache-control', 'no-store');
      const form = readForm(request.body);
      const token = request.params.token;
      try {
        await resetPassword(services, request.ctx, { token, password: form.raw('password'), confirmation: form.raw('password_confirmation') });
        // The browser's own session, if any, was revoked with the others.
        reply.clearCookie(SESSION_COOKIE, { path: '/' });
        return reply.redirect('/login?done=reset', 303);
      } catch (error) {
        if (isNotFound(error)) return reply.page(<InvalidLinkPage page={page(request)} kind="reset" />, 404);
        const errors = formErrorsOf(request, error);
        if (!errors) throw error;
        const { user } = await findPasswordResetLink(services, request.ctx, token);
        return reply.page(<ResetPasswordPage page={page(request)} token={token} email={user.email} errors={errors} />, 400);
      }
    },
  );

  // --- First administrator -------------------------------------------------------------------------------

  app.get('/setup/:token', { config: { access: 'public' }, schema: { hide: true, params: TokenParams } }, async (request, reply) => {
    reply.header('cache-control', 'no-store');
    try {
      await findSetupLink(services, request.ctx, request.params.token);
      return reply.page(<SetupPage page={page(request)} token={request.params.token} email="" displayName="" errors={{}} />);
    } catch (error) {
      if (isNotFound(error)) return reply.page(<InvalidLinkPage page={page(request)} kind="setup" />, 404);
      throw error;
    }
  });

  app.post(
    '/setup/:token',
    { config: { access: 'public', rateLimit: formRateLimit }, schema: { hide: true, params: TokenParams, body: FormBodySchema } },
    async (request, reply) => {
      reply.header('cache-control', 'no-store');
      const form = readForm(request.body);
      const token = request.params.token;
      try {
        await completeSetup(services, request.ctx, {
          token,
          email: form.str('email'),
          displayName: form.str('display_name'),
          password: form.raw('password'),
          confirmation: form.raw('password_confirmation'),
        });
        return reply.redirect('/login?done=setup', 303);
      } catch (error) {
        if (isNotFound(error)) return reply.page(<InvalidLinkPage page={page(request)} kind="setup" />, 404);
        const errors = formErrorsOf(request, error);
        if (!errors) throw error;
        return reply.page(<SetupPage page={page(request)} token={token} email={form.str('email')} displayName={form.str('display_name')} errors={errors} />, 400);
      }
    },
  );
}
