import type { PageContext } from '#src/web/page-context';
import type { FormErrors } from '#src/web/components/form';
import { PublicPage } from '#src/web/layout';
import { CsrfField, ErrorSummary, TextField } from '#src/web/components/form';

/** The public page where an invited user chooses their first password. */
export function ActivationPage({ page, email, action, errors }: { page: PageContext; email: string; action: string; errors: FormErrors }) {
  const { i18n } = page;
  const t = i18n.t;
  const labels = { password: t('users.activate.password'), confirmation: t('users.activate.confirmation') };
  return (
    <PublicPage page={page} title={t('users.activate.title')} noindex>
      <h1>{t('users.activate.title')}</h1>
      <p class="lead">{t('users.activate.lead', { email })}</p>
      <ErrorSummary i18n={i18n} errors={errors} labels={labels} />
      <form method="post" action={action} class="form" noValidate>
        <CsrfField token={page.csrfToken} />
        {/* Lets password managers file the new password under the right account. */}
        <input type="hidden" name="username" autoComplete="username" value={email} />
        <TextField name="password" type="password" label={labels.password} hint={t('users.activate.password.hint')} errors={errors} required autocomplete="new-password" />
        <TextField name="confirmation" type="password" label={labels.confirmation} errors={errors} required autocomplete="new-password" />
        <p>
          <button type="submit" class="button">
            {t('users.activate.submit')}
          </button>
        </p>
      </form>
    </PublicPage>
  );
}

/** Shown (status 404) for an unknown, expired or already used activation link. */
export function ActivationInvalidPage({ page }: { page: PageContext }) {
  const t = page.i18n.t;
  return (
    <PublicPage page={page} title={t('users.activate.invalid.title')} noindex>
      <h1>{t('users.activate.invalid.title')}</h1>
      <p>{t('users.activate.invalid.body')}</p>
      <p>
        <a href="/login">{t('users.activate.invalid.login')}</a>
      </p>
    </PublicPage>
  );
}
