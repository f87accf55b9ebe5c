import type { PageContext } from '#src/web/page-context';
import type { FormErrors } from '#src/web/components/form';
import { PublicPage } from '#src/web/layout';
import { CsrfField, ErrorSummary, Notice, TextField } from '#src/web/components/form';

/** Groups a base32 key in blocks of four, as authenticator apps accept it with or without spaces. */
function groupKey(secret: string): string {
  return secret.replace(/(.{4})(?=.)/g, '$1 ');
}

interface MfaSetupPageProps {
  page: PageContext;
  /** True when the user's role requires MFA and they cannot go further without it. */
  required: boolean;
  qrSvg: string;
  secret: string;
  pending: string;
  next: string | null;
  errors: FormErrors;
}

/** Enrolment: install an app, scan the QR code (or type the key), confirm with a first code. */
export function MfaSetupPage({ page, required, qrSvg, secret, pending, next, errors }: MfaSetupPageProps) {
  const t = page.i18n.t;
  const labels = { code: t('identity.mfa.code') };
  return (
    <PublicPage page={page} title={t('identity.mfa.setup.title')} noindex>
      <h1>{t('identity.mfa.setup.title')}</h1>
      {required ? <Notice kind="info">{t('identity.mfa.setup.required')}</Notice> : null}
      <ErrorSummary i18n={page.i18n} errors={errors} labels={labels} />
      <ol>
        <li>
          <p>{t('identity.mfa.setup.step1')}</p>
        </li>
        <li>
          <p>{t('identity.mfa.setup.step2')}</p>
          {/* The SVG is produced on the server by the qrcode library from our own otpauth URI, not from user input. */}
          <div class="qr" role="img" aria-label={t('identity.mfa.setup.qr_label')} dangerouslySetInnerHTML={{ __html: qrSvg }} />
          <p>{t('identity.mfa.setup.manual')}</p>
          <code class="token-once" dir="ltr">
            {groupKey(secret)}
          </code>
        </li>
        <li>
          <p>{t('identity.mfa.setup.step3')}</p>
          <form method="post" action="/account/mfa/setup" class="form" noValidate>
            <CsrfField token={page.csrfToken} />
            <input type="hidden" name="pending" value={pending} />
            {next ? <input type="hidden" name="next" value={next} /> : null}
            <TextField name="code" label={labels.code} hint={t('identity.mfa.code_hint')} autocomplete="one-time-code" inputMode="numeric" maxLength={7} required errors={errors} dir="ltr" />
            <p>
              <button type="submit" class="button">
                {t('identity.mfa.setup.submit')}
              </button>
            </p>
          </form>
        </li>
      </ol>
      <p class="muted">{t('identity.mfa.setup.expires')}</p>
    </PublicPage>
  );
}

/** Recovery codes, shown once, right after enrolment or regeneration. */
export function RecoveryCodesPage({ page, codes, reason, continueHref }: { page: PageContext; codes: readonly string[]; reason: 'enabled' | 'regenerated'; continueHref: string }) {
  const t = page.i18n.t;
  return (
    <PublicPage page={page} title={t('identity.codes.title')} noindex>
      <Notice kind="success">{t(`identity.codes.${reason}`)}</Notice>
      <h1>{t('identity.codes.title')}</h1>
      <p>{t('identity.codes.store')}</p>
      <ul class="codes" aria-label={t('identity.codes.list_label')}>
        {codes.map((code) => (
          <li>
            <code>{code}</code>
          </li>
        ))}
      </ul>
      <p>
        <a class="button" href={continueHref}>
          {t('identity.codes.continue')}
        </a>
      </p>
    </PublicPage>
  );
}

interface MfaManagePageProps {
  page: PageContext;
  enabledAt: Date | null;
  remainingRecoveryCodes: number;
  canDisable: boolean;
  errors: FormErrors;
  notice: 'disabled' | null;
}

/** Status of the user's second factor, with recovery-code regeneration and (where allowed) turning it off. */
export function MfaManagePage({ page, enabledAt, remainingRecoveryCodes, canDisable, errors, notice }: MfaManagePageProps) {
  const t = page.i18n.t;
  const labels = { password: t('identity.mfa.manage.disable.password') };
  return (
    <PublicPage page={page} title={t('identity.mfa.manage.title')} noindex>
      {notice ? <Notice kind="success">{t(`identity.mfa.manage.done.${notice}`)}</Notice> : null}
      <ErrorSummary i18n={page.i18n} errors={errors} labels={labels} />
      <h1>{t('identity.mfa.manage.title')}</h1>
      <dl class="summary-list">
        <dt>{t('identity.mfa.manage.status')}</dt>
        <dd>
          <span class={enabledAt ? 'badge status--active' : 'badge status--disabled'}>{enabledAt ? t('identity.mfa.manage.on') : t('identity.mfa.manage.off')}</span>
        </dd>
        {enabledAt ? (
          <>
            <dt>{t('identity.mfa.manage.since')}</dt>
            <dd>{page.i18n.formatDateTime(enabledAt)}</dd>
            <dt>{t('identity.mfa.manage.remaining')}</dt>
            <dd>{page.i18n.formatNumber(remainingRecoveryCodes)}</dd>
          </>
        ) : null}
      </dl>
      {enabledAt === null ? (
        <>
          <p>{t('identity.mfa.manage.off_body')}</p>
          <p>
            <a class="button" href="/account/mfa/setup">
              {t('identity.mfa.manage.enable')}
            </a>
          </p>
        </>
      ) : (
        <>
          {remainingRecoveryCodes <= 3 ? <Notice kind="warning">{t('identity.mfa.manage.remaining_low')}</Notice> : null}
          <section aria-labelledby="regenerate">
            <h2 id="regenerate">{t('identity.mfa.manage.regenerate.title')}</h2>
            <p>{t('identity.mfa.manage.regenerate.body')}</p>
            <form method="post" action="/account/mfa/recovery-codes">
              <CsrfField token={page.csrfToken} />
              <button type="submit" class="button button--secondary">
                {t('identity.mfa.manage.regenerate.submit')}
              </button>
            </form>
          </section>
          <section aria-labelledby="disable">
            <h2 id="disable">{t('identity.mfa.manage.disable.title')}</h2>
            {canDisable ? (
              <form method="post" action="/account/mfa/disable" class="form" noValidate>
                <CsrfField token={page.csrfToken} />
                <p>{t('identity.mfa.manage.disable.body')}</p>
                <TextField name="password" label={labels.password} type="password" autocomplete="current-password" required errors={errors} maxLength={4096} />
                <p>
                  <button type="submit" class="button button--danger">
                    {t('identity.mfa.manage.disable.submit')}
                  </button>
                </p>
              </form>
            ) : (
              <p>{t('identity.mfa.manage.disable.staff')}</p>
            )}
          </section>
        </>
      )}
      <p>
        <a href="/account">{t('identity.mfa.manage.back')}</a>
      </p>
    </PublicPage>
  );
}
