import type { PageContext } from '#src/web/page-context';
import type { FormErrors } from '#src/web/components/form';
import { PublicPage } from '#src/web/layout';
import { CsrfField, ErrorSummary, TextField } from '#src/web/components/form';

/** Asks for the e-mail address of the account whose password was forgotten. */
export function ForgotPasswordPage({ page, email, errors }: { page: PageContext; email: string; errors: FormErrors }) {
  const t = page.i18n.t;
  const labels = { email: t('identity.email.label') };
  return (
    <PublicPage page={page} title={t('identity.forgot.title')} noindex>
      <h1>{t('identity.forgot.title')}</h1>
      <ErrorSummary i18n={page.i18n} errors={errors} labels={labels} />
      <p class="lead">{t('identity.forgot.lead')}</p>
      <form method="post" action="/password/forgot" class="form" noValidate>
        <CsrfField token={page.csrfToken} />
        <TextField name="email" label={labels.email} type="email" value={email} autocomplete="username" required errors={errors} maxLength={320} dir="ltr" />
        <p>
          <button type="submit" class="button">
            {t('identity.forgot.submit')}
          </button>
        </p>
      </form>
      <p>
        <a href="/login">{t('identity.forgot.back')}</a>
      </p>
    </PublicPage>
  );
}

/** The same answer whether or not the address has an account. */
export function ForgotPasswordSentPage({ page, email }: { page: PageContext; email: string }) {
  const t = page.i18n.t;
  return (
    <PublicPage page={page} title={t('identity.forgot.sent.title')} noindex>
      <h1>{t('identity.forgot.sent.title')}</h1>
      <p class="lead">{t('identity.forgot.sent.body', { email })}</p>
      <p>{t('identity.forgot.sent.spam')}</p>
      <p>
        <a href="/login">{t('identity.forgot.back')}</a>
      </p>
    </PublicPage>
  );
}

/** The new-password form reached through a reset link. */
export function ResetPasswordPage({ page, token, email, errors }: { page: PageContext; token: string; email: string; errors: FormErrors }) {
  const t = page.i18n.t;
  const labels = { password: t('identity.password.new'), password_confirmation: t('identity.password.confirm') };
  return (
    <PublicPage page={page} title={t('identity.reset.title')} noindex>
      <h1>{t('identity.reset.title')}</h1>
      <ErrorSummary i18n={page.i18n} errors={errors} labels={labels} />
      <p class="lead">{t('identity.reset.lead', { email })}</p>
      <form method="post" action={`/password/reset/${encodeURIComponent(token)}`} class="form" noValidate>
        <CsrfField token={page.csrfToken} />
        {/* Lets password managers attach the new password to the right account. */}
        <input type="hidden" name="username" value={email} autoComplete="username" />
        <TextField name="password" label={labels.password} hint={t('identity.password.hint')} type="password" autocomplete="new-password" required errors={errors} maxLength={4096} />
        <TextField name="password_confirmation" label={labels.password_confirmation} type="password" autocomplete="new-password" required errors={errors} maxLength={4096} />
        <p>{t('identity.reset.sessions')}</p>
        <p>
          <button type="submit" class="button">
            {t('identity.reset.submit')}
          </button>
        </p>
      </form>
    </PublicPage>
  );
}

/** A reset or set-up link that is unknown, used or expired (answered 404). */
export function InvalidLinkPage({ page, kind }: { page: PageContext; kind: 'reset' | 'setup' }) {
  const t = page.i18n.t;
  return (
    <PublicPage page={page} title={t('identity.link.invalid.title')} noindex>
      <h1>{t('identity.link.invalid.title')}</h1>
      <p class="lead">{t('identity.link.invalid.body')}</p>
      {kind === 'reset' ? (
        <p>
          <a class="button" href="/password/forgot">
            {t('identity.link.invalid.reset')}
          </a>
        </p>
      ) : (
        <>
          <p>{t('identity.link.invalid.setup')}</p>
          <p>
            <a href="/login">{t('identity.login.title')}</a>
          </p>
        </>
      )}
    </PublicPage>
  );
}
