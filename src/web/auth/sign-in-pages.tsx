import type { PageContext } from '#src/web/page-context';
import type { FormErrors } from '#src/web/components/form';
import { PublicPage } from '#src/web/layout';
import { CsrfField, ErrorSummary, Notice, TextField } from '#src/web/components/form';

/** Notices the sign-in page can show after another flow sent the user there. */
export type LoginNotice = 'reset' | 'setup';

/** The sign-in form: e-mail and password, a link to reset a forgotten password. */
export function LoginPage({ page, email, next, errors, notice }: { page: PageContext; email: string; next: string | null; errors: FormErrors; notice: LoginNotice | null }) {
  const t = page.i18n.t;
  const labels = { email: t('identity.email.label'), password: t('identity.password.label') };
  return (
    <PublicPage page={page} title={t('identity.login.title')} noindex>
      <h1>{t('identity.login.title')}</h1>
      <p class="lead">{t('identity.login.lead')}</p>
      {notice ? <Notice kind="success">{t(`identity.login.done.${notice}`)}</Notice> : null}
      <ErrorSummary i18n={page.i18n} errors={errors} labels={labels} />
      <form method="post" action="/login" class="form" noValidate>
        <CsrfField token={page.csrfToken} />
        {next ? <input type="hidden" name="next" value={next} /> : null}
        <TextField name="email" label={labels.email} type="email" value={email} autocomplete="username" required errors={errors} maxLength={320} dir="ltr" />
        <TextField name="password" label={labels.password} type="password" autocomplete="current-password" required errors={errors} maxLength={4096} />
        <p>
          <button type="submit" class="button">
            {t('identity.login.submit')}
          </button>
        </p>
      </form>
      <p>
        <a href="/password/forgot">{t('identity.login.forgot')}</a>
      </p>
    </PublicPage>
  );
}

/** The second sign-in step: a TOTP code, or (folded away) a recovery code; and a way out. */
export function MfaPage({ page, next, errors }: { page: PageContext; next: string | null; errors: FormErrors }) {
  const t = page.i18n.t;
  const labels = { code: t('identity.mfa.code'), recovery_code: t('identity.mfa.recovery.label') };
  return (
    <PublicPage page={page} title={t('identity.mfa.title')} noindex>
      <h1>{t('identity.mfa.title')}</h1>
      <ErrorSummary i18n={page.i18n} errors={errors} labels={labels} />
      <p class="lead">{t('identity.mfa.lead')}</p>
      <form method="post" action="/login/mfa" class="form" noValidate>
        <CsrfField token={page.csrfToken} />
        {next ? <input type="hidden" name="next" value={next} /> : null}
        <TextField name="code" label={labels.code} hint={t('identity.mfa.code_hint')} autocomplete="one-time-code" inputMode="numeric" maxLength={7} errors={errors} dir="ltr" />
        <p>
          <button type="submit" class="button">
            {t('identity.mfa.submit')}
          </button>
        </p>
      </form>
      <details open={errors.recovery_code !== undefined}>
        <summary>{t('identity.mfa.recovery.summary')}</summary>
        <form method="post" action="/login/mfa" class="form" noValidate>
          <CsrfField token={page.csrfToken} />
          {next ? <input type="hidden" name="next" value={next} /> : null}
          <TextField name="recovery_code" label={labels.recovery_code} hint={t('identity.mfa.recovery.hint')} autocomplete="off" maxLength={20} errors={errors} dir="ltr" />
          <p>
            <button type="submit" class="button button--secondary">
              {t('identity.mfa.recovery.submit')}
            </button>
          </p>
        </form>
      </details>
      <form method="post" action="/logout" class="inline-form">
        <CsrfField token={page.csrfToken} />
        <button type="submit" class="button--link">
          {t('identity.mfa.cancel')}
        </button>
      </form>
    </PublicPage>
  );
}
