import type { PageContext } from '#src/web/page-context';
import type { FormErrors } from '#src/web/components/form';
import type { AccountProfile } from '#src/modules/identity/account.types';
import { CsrfField, ErrorSummary, Notice, SelectField, TextField } from '#src/web/components/form';
import { AccountLayout } from '#src/web/account/account-layout';
import { DISPLAY_NAME_MAX } from '#src/modules/identity/account.types';

const languageNames = { fr: 'Français', ar: 'العربية', en: 'English' } as const;

/** What the profile form shows: the saved values, or what the user typed when it was refused. */
export interface ProfileFormState {
  displayName: string;
  locale: string;
}

export interface AccountOverviewProps {
  page: PageContext;
  profile: AccountProfile;
  /** A confirmation after a successful change. */
  notice?: string | null;
  profileForm?: ProfileFormState;
  profileErrors?: FormErrors;
  passwordErrors?: FormErrors;
}

/** `/account`: the user's details, the profile form and the password form. */
export function AccountOverviewPage({ page, profile, notice = null, profileForm, profileErrors = {}, passwordErrors = {} }: AccountOverviewProps) {
  const { i18n } = page;
  const t = i18n.t;
  const values = profileForm ?? { displayName: profile.displayName, locale: profile.locale ?? '' };
  const labels: Record<string, string> = {
    displayName: t('account.profile.display_name'),
    locale: t('account.profile.locale'),
    currentPassword: t('account.password.current'),
    newPassword: t('account.password.new'),
    confirmPassword: t('account.password.confirm'),
  };
  const organisation = profile.organisation;
  return (
    <AccountLayout page={page} title={t('account.title')} section="overview">
      <h1>{t('account.title')}</h1>
      <ErrorSummary i18n={i18n} errors={{ ...profileErrors, ...passwordErrors }} labels={labels} />
      {notice ? (
        <Notice kind="success">
          <p>{notice}</p>
        </Notice>
      ) : null}

      <section aria-labelledby="details">
        <h2 id="details">{t('account.overview.heading')}</h2>
        <dl class="summary-list">
          <div>
            <dt>{t('account.overview.name')}</dt>
            <dd>{profile.displayName}</dd>
          </div>
          <div>
            <dt>{t('account.overview.email')}</dt>
            <dd dir="ltr">{profile.email}</dd>
          </div>
          <div>
            <dt>{t('account.overview.roles')}</dt>
            <dd>{profile.roles.length > 0 ? profile.roles.map((r) => t(`account.role.${r}`)).join(', ') : t('account.overview.no_roles')}</dd>
          </div>
          <div>
            <dt>{t('account.overview.organisation')}</dt>
            <dd>
              {organisation
                ? organisation.acronym
                  ? `${organisation.names[i18n.locale]} (${organisation.acronym})`
                  : organisation.names[i18n.locale]
                : t('account.overview.no_organisation')}
            </dd>
          </div>
          <div>
            <dt>{t('account.overview.mfa')}</dt>
            <dd>
              {profile.mfaEnabledAt ? (
                <span class="status--active">{t('account.overview.mfa_on', { date: i18n.formatDate(profile.mfaEnabledAt) })}</span>
              ) : (
                <span class="status--suspended">{t('account.overview.mfa_off')}</span>
              )}{' '}
              <a href="/account/mfa">{profile.mfaEnabledAt ? t('account.overview.mfa_manage') : t('account.overview.mfa_enable')}</a>
            </dd>
          </div>
          <div>
            <dt>{t('account.overview.last_login')}</dt>
            <dd>{profile.lastLoginAt ? i18n.formatDateTime(profile.lastLoginAt) : t('account.overview.never')}</dd>
          </div>
          <div>
            <dt>{t('account.overview.password_changed')}</dt>
            <dd>{profile.passwordChangedAt ? i18n.formatDateTime(profile.passwordChangedAt) : t('account.overview.never')}</dd>
          </div>
        </dl>
      </section>

      <section aria-labelledby="profile">
        <h2 id="profile">{t('account.profile.heading')}</h2>
        <form method="post" action="/account/profile" class="form" novalidate>
          <CsrfField token={page.csrfToken} />
          <TextField name="displayName" label={labels.displayName ?? ''} hint={t('account.profile.display_name_hint')} errors={profileErrors} value={values.displayName} maxLength={DISPLAY_NAME_MAX} autocomplete="name" required />
          <SelectField
            name="locale"
            label={labels.locale ?? ''}
            hint={t('account.profile.locale_hint')}
            errors={profileErrors}
            value={values.locale}
            options={[{ value: '', label: t('account.profile.locale_browser') }, ...(['fr', 'ar', 'en'] as const).map((l) => ({ value: l, label: languageNames[l] }))]}
          />
          <button type="submit" class="button">
            {t('account.profile.submit')}
          </button>
        </form>
      </section>

      <section aria-labelledby="password">
        <h2 id="password">{t('account.password.heading')}</h2>
        <p>{t('account.password.note')}</p>
        <form method="post" action="/account/password" class="form" novalidate>
          <CsrfField token={page.csrfToken} />
          <TextField name="currentPassword" type="password" label={labels.currentPassword ?? ''} errors={passwordErrors} autocomplete="current-password" required />
          <TextField name="newPassword" type="password" label={labels.newPassword ?? ''} hint={t('account.password.new_hint')} errors={passwordErrors} autocomplete="new-password" required />
          <TextField name="confirmPassword" type="password" label={labels.confirmPassword ?? ''} errors={passwordErrors} autocomplete="new-password" required />
          <button type="submit" class="button">
            {t('account.password.submit')}
          </button>
        </form>
      </section>
    </AccountLayout>
  );
}
