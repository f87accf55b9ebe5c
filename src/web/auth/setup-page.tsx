import type { PageContext } from '#src/web/page-context';
import type { FormErrors } from '#src/web/components/form';
import { PublicPage } from '#src/web/layout';
import { CsrfField, ErrorSummary, TextField } from '#src/web/components/form';

/** First start: the form that creates the first administrator through the one-time set-up link. */
export function SetupPage({ page, token, email, displayName, errors }: { page: PageContext; token: string; email: string; displayName: string; errors: FormErrors }) {
  const t = page.i18n.t;
  const labels = {
    email: t('identity.email.label'),
    display_name: t('identity.setup.display_name'),
    password: t('identity.password.label'),
    password_confirmation: t('identity.password.confirm'),
  };
  return (
    <PublicPage page={page} title={t('identity.setup.title')} noindex>
      <h1>{t('identity.setup.title')}</h1>
      <ErrorSummary i18n={page.i18n} errors={errors} labels={labels} />
      <p class="lead">{t('identity.setup.lead')}</p>
      <form method="post" action={`/setup/${encodeURIComponent(token)}`} class="form" noValidate>
        <CsrfField token={page.csrfToken} />
        <TextField name="email" label={labels.email} type="email" value={email} autocomplete="username" required errors={errors} maxLength={320} dir="ltr" />
        <TextField name="display_name" label={labels.display_name} value={displayName} autocomplete="name" required errors={errors} maxLength={200} dir="auto" />
        <TextField name="password" label={labels.password} hint={t('identity.password.hint')} type="password" autocomplete="new-password" required errors={errors} maxLength={4096} />
        <TextField name="password_confirmation" label={labels.password_confirmation} type="password" autocomplete="new-password" required errors={errors} maxLength={4096} />
        <p class="muted">{t('identity.setup.mfa_note')}</p>
        <p>
          <button type="submit" class="button">
            {t('identity.setup.submit')}
          </button>
        </p>
      </form>
    </PublicPage>
  );
}
