import type { PageContext } from '#src/web/page-context';
import type { FormErrors } from '#src/web/components/form';
import type { Translator } from '#src/core/i18n/i18n';
import type { SubscriptionFilters } from '#src/modules/notifications/subscriptions.types';
import type { RegistryEntry } from '#src/modules/notifications/subscriptions.repository';
import { PublicPage } from '#src/web/layout';
import { CheckboxGroup, CsrfField, ErrorSummary, Notice, SelectField, TextArea, TextField } from '#src/web/components/form';
import { bulletinKinds } from '#src/modules/bulletins/bulletins.types';
import { locales } from '#src/core/i18n/i18n';

/** The values the subscription form shows (as typed, or as stored). */
export interface SubscriptionFormValues {
  email: string;
  kinds: string[];
  minCriticality: string;
  /** One vendor or product per line. */
  products: string;
  language: string;
}

/** A criticality level offered as a minimum. */
export interface CriticalityOption {
  value: string;
  label: string;
}

const languageNames = { fr: 'Français', ar: 'العربية', en: 'English' } as const;

function filterLabels(t: Translator['t']): Record<string, string> {
  return {
    email: t('subscriptions.form.email'),
    kinds: t('subscriptions.form.kinds'),
    min_criticality: t('subscriptions.form.min_criticality'),
    products: t('subscriptions.form.products'),
    language: t('subscriptions.form.language'),
  };
}

/** The filter fields shared by the subscribe and manage forms. */
function FilterFields({ page, values, errors, criticality }: { page: PageContext; values: SubscriptionFormValues; errors: FormErrors; criticality: CriticalityOption[] }) {
  const t = page.i18n.t;
  const labels = filterLabels(t);
  return (
    <>
      <CheckboxGroup name="kinds" legend={`${labels.kinds} — ${t('subscriptions.form.kinds_hint')}`} options={bulletinKinds.map((k) => ({ value: k, label: t(`subscriptions.kind.${k}`) }))} values={values.kinds} errors={errors} />
      <SelectField name="min_criticality" label={labels.min_criticality ?? ''} hint={t('subscriptions.form.min_criticality_hint')} value={values.minCriticality} includeEmpty={t('subscriptions.form.any_criticality')} options={criticality} errors={errors} />
      <TextArea name="products" label={labels.products ?? ''} hint={t('subscriptions.form.products_hint')} value={values.products} rows={4} errors={errors} dir="auto" />
      <SelectField name="language" label={labels.language ?? ''} value={values.language} options={locales.map((l) => ({ value: l, label: languageNames[l] }))} errors={errors} required />
    </>
  );
}

/** `GET /subscribe`: the public subscription form (double opt-in). */
export function SubscribePage({ page, values, errors, criticality }: { page: PageContext; values: SubscriptionFormValues; errors: FormErrors; criticality: CriticalityOption[] }) {
  const t = page.i18n.t;
  return (
    <PublicPage page={page} title={t('subscriptions.title')}>
      <h1>{t('subscriptions.title')}</h1>
      <ErrorSummary i18n={page.i18n} errors={errors} labels={filterLabels(t)} />
      <p class="lead">{t('subscriptions.lead')}</p>
      <form method="post" action={`/subscribe?lang=${page.i18n.locale}`} class="form" noValidate>
        <CsrfField token={page.csrfToken} />
        <TextField name="email" label={t('subscriptions.form.email')} type="email" value={values.email} autocomplete="email" required errors={errors} maxLength={320} dir="ltr" />
        <FilterFields page={page} values={values} errors={errors} criticality={criticality} />
        {/* Honeypot: hidden from people (and from assistive technologies); a bot that fills it is answered as
            everyone else, and nothing is sent. */}
        <div class="subscribe-hp" aria-hidden="true">
          <label for="f-website">{t('subscriptions.form.honeypot')}</label>
          <input type="text" id="f-website" name="website" value="" tabIndex={-1} autoComplete="off" />
        </div>
        <p class="muted">{t('subscriptions.form.privacy')}</p>
        <p>
          <button type="submit" class="button">
            {t('subscriptions.form.submit')}
          </button>
        </p>
      </form>
    </PublicPage>
  );
}

/** The same answer for every address, new, pending, active or unsubscribed. */
export function SubscribeSentPage({ page, email }: { page: PageContext; email: string }) {
  const t = page.i18n.t;
  return (
    <PublicPage page={page} title={t('subscriptions.sent.title')} noindex>
      <h1>{t('subscriptions.sent.title')}</h1>
      <p class="lead">{t('subscriptions.sent.body', { email })}</p>
      <p>{t('subscriptions.sent.spam')}</p>
    </PublicPage>
  );
}

/** A summary of filters, spelled out. */
export function FilterSummary({ page, filters, products, criticality }: { page: PageContext; filters: SubscriptionFilters; products: RegistryEntry[]; criticality: CriticalityOption[] }) {
  const t = page.i18n.t;
  const level = filters.minCriticality === null ? t('subscriptions.summary.any_criticality') : t('subscriptions.summary.criticality_at_least', { level: criticality.find((c) => c.value === filters.minCriticality)?.label ?? filters.minCriticality });
  return (
    <dl class="summary-list">
      <dt>{t('subscriptions.form.kinds')}</dt>
      <dd>{filters.kinds.length === 0 ? t('subscriptions.summary.all_kinds') : filters.kinds.map((k) => t(`subscriptions.kind.${k}`)).join(', ')}</dd>
      <dt>{t('subscriptions.form.min_criticality')}</dt>
      <dd>{level}</dd>
      <dt>{t('subscriptions.form.products')}</dt>
      <dd>{products.length === 0 ? t('subscriptions.summary.all_products') : products.map((p) => p.label).join(', ')}</dd>
      <dt>{t('subscriptions.form.language')}</dt>
      <dd>{languageNames[filters.language]}</dd>
    </dl>
  );
}

/** `GET /subscribe/confirm`: what the link confirms, and the button that does it (a GET never confirms). */
export function ConfirmPage(props: { page: PageContext; token: string; encoded: string; isChange: boolean; email: string; filters: SubscriptionFilters; products: RegistryEntry[]; criticality: CriticalityOption[] }) {
  const { page, token, encoded, isChange, email } = props;
  const t = page.i18n.t;
  const title = isChange ? t('subscriptions.confirm.change_title') : t('subscriptions.confirm.title');
  return (
    <PublicPage page={page} title={title} noindex>
      <h1>{title}</h1>
      <p class="lead">{t(isChange ? 'subscriptions.confirm.change_lead' : 'subscriptions.confirm.lead', { email })}</p>
      <FilterSummary page={page} filters={props.filters} products={props.products} criticality={props.criticality} />
      <form method="post" action={`/subscribe/confirm?lang=${page.i18n.locale}`} class="form">
        <CsrfField token={page.csrfToken} />
        <input type="hidden" name="token" value={token} />
        <input type="hidden" name="f" value={encoded} />
        <p>
          <button type="submit" class="button">
            {isChange ? t('subscriptions.confirm.change_submit') : t('subscriptions.confirm.submit')}
          </button>
        </p>
      </form>
    </PublicPage>
  );
}

/** After a confirmation: the subscription is active. */
export function ConfirmedPage({ page, manageHref }: { page: PageContext; manageHref: string }) {
  const t = page.i18n.t;
  return (
    <PublicPage page={page} title={t('subscriptions.confirmed.title')} noindex>
      <h1>{t('subscriptions.confirmed.title')}</h1>
      <p class="lead">{t('subscriptions.confirmed.body')}</p>
      <p>
        <a href={manageHref}>{t('subscriptions.confirmed.manage')}</a>
      </p>
    </PublicPage>
  );
}

/** `GET /subscribe/manage`: change the filters or unsubscribe, reached by the secret link of every e-mail. */
export function ManagePage(props: { page: PageContext; token: string; email: string; status: 'pending' | 'active' | 'unsubscribed'; values: SubscriptionFormValues; errors: FormErrors; criticality: CriticalityOption[]; notice: 'saved' | null }) {
  const { page, token, email, status, values, errors, criticality, notice } = props;
  const t = page.i18n.t;
  return (
    <PublicPage page={page} title={t('subscriptions.manage.title')} noindex>
      <h1>{t('subscriptions.manage.title')}</h1>
      <ErrorSummary i18n={page.i18n} errors={errors} labels={filterLabels(t)} />
      {notice === 'saved' ? <Notice kind="success">{t('subscriptions.manage.saved')}</Notice> : null}
      <p class="lead">{t('subscriptions.manage.lead', { email })}</p>
      {status === 'active' ? (
        <>
          <form method="post" action={`/subscribe/manage?lang=${page.i18n.locale}`} class="form" noValidate>
            <CsrfField token={page.csrfToken} />
            <input type="hidden" name="token" value={token} />
            <FilterFields page={page} values={values} errors={errors} criticality={criticality} />
            <p>
              <button type="submit" class="button">
                {t('subscriptions.manage.submit')}
              </button>
            </p>
          </form>
          <h2>{t('subscriptions.manage.unsubscribe_title')}</h2>
          <form method="post" action={`/subscribe/unsubscribe?token=${encodeURIComponent(token)}&lang=${page.i18n.locale}`} class="form">
            <CsrfField token={page.csrfToken} />
            <input type="hidden" name="List-Unsubscribe" value="One-Click" />
            <p>
              <button type="submit" class="button button--secondary">
                {t('subscriptions.unsubscribe.submit')}
              </button>
            </p>
          </form>
        </>
      ) : (
        <>
          <p>{status === 'pending' ? t('subscriptions.manage.pending') : t('subscriptions.manage.unsubscribed')}</p>
          <p>
            <a class="button" href="/subscribe">
              {t('subscriptions.manage.subscribe_again')}
            </a>
          </p>
        </>
      )}
    </PublicPage>
  );
}

/** `GET /subscribe/unsubscribe`: the confirmation button (mail clients use the RFC 8058 POST directly). */
export function UnsubscribePage({ page, token, email }: { page: PageContext; token: string; email: string }) {
  const t = page.i18n.t;
  return (
    <PublicPage page={page} title={t('subscriptions.unsubscribe.title')} noindex>
      <h1>{t('subscriptions.unsubscribe.title')}</h1>
      <p class="lead">{t('subscriptions.unsubscribe.lead', { email })}</p>
      <form method="post" action={`/subscribe/unsubscribe?token=${encodeURIComponent(token)}&lang=${page.i18n.locale}`} class="form">
        <input type="hidden" name="List-Unsubscribe" value="One-Click" />
        <p>
          <button type="submit" class="button">
            {t('subscriptions.unsubscribe.submit')}
          </button>
        </p>
      </form>
      <p>
        <a href={`/subscribe/manage?token=${encodeURIComponent(token)}`}>{t('subscriptions.unsubscribe.manage_instead')}</a>
      </p>
    </PublicPage>
  );
}

/** After unsubscribing (by the button or by a mail client's one-click POST). */
export function UnsubscribedPage({ page }: { page: PageContext }) {
  const t = page.i18n.t;
  return (
    <PublicPage page={page} title={t('subscriptions.unsubscribed.title')} noindex>
      <h1>{t('subscriptions.unsubscribed.title')}</h1>
      <p class="lead">{t('subscriptions.unsubscribed.body')}</p>
      <p>
        <a href="/subscribe">{t('subscriptions.manage.subscribe_again')}</a>
      </p>
    </PublicPage>
  );
}

/** A link opened without its secret: where to find the right one. */
export function LinkNeededPage({ page }: { page: PageContext }) {
  const t = page.i18n.t;
  return (
    <PublicPage page={page} title={t('subscriptions.link_needed.title')} noindex>
      <h1>{t('subscriptions.link_needed.title')}</h1>
      <p class="lead">{t('subscriptions.link_needed.body')}</p>
      <p>
        <a href="/subscribe">{t('subscriptions.title')}</a>
      </p>
    </PublicPage>
  );
}

/** An unknown, used or expired link (answered 404). */
export function InvalidLinkPage({ page }: { page: PageContext }) {
  const t = page.i18n.t;
  return (
    <PublicPage page={page} title={t('subscriptions.invalid.title')} noindex>
      <h1>{t('subscriptions.invalid.title')}</h1>
      <p class="lead">{t('subscriptions.invalid.body')}</p>
      <p>
        <a class="button" href="/subscribe">
          {t('subscriptions.title')}
        </a>
      </p>
    </PublicPage>
  );
}
