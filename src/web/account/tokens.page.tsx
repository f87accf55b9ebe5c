import type { PageContext } from '#src/web/page-context';
import type { FormErrors } from '#src/web/components/form';
import type { TokenScope } from '#src/core/access';
import type { ApiToken } from '#src/modules/identity/account.types';
import { CheckboxGroup, CsrfField, ErrorSummary, Notice, Pagination, TextField } from '#src/web/components/form';
import { AccountLayout } from '#src/web/account/account-layout';
import { TOKEN_EXPIRY_DEFAULT_DAYS, TOKEN_NAME_MAX, tokenStatus } from '#src/modules/identity/account.types';

/** What the creation form shows: defaults, or what the user typed when it was refused. */
export interface TokenFormState {
  name: string;
  scopes: string[];
  expiresInDays: string;
}

export interface AccountTokensProps {
  page: PageContext;
  now: Date;
  tokens: ApiToken[];
  nextHref: string | null;
  isFirstPage: boolean;
  /** The scopes this user may choose. */
  grantable: readonly TokenScope[];
  /** Right after a creation: the token and its text, displayed this once. */
  created?: { token: ApiToken; secret: string } | null;
  notice?: string | null;
  form?: TokenFormState;
  errors?: FormErrors;
}

const statusClass = { active: 'status--active', expired: 'status--suspended', revoked: 'status--disabled' } as const;

/** `/account/tokens`: the user's API tokens, the creation form, and a new token shown once. */
export function AccountTokensPage({ page, now, tokens, nextHref, isFirstPage, grantable, created = null, notice = null, form, errors = {} }: AccountTokensProps) {
  const { i18n } = page;
  const t = i18n.t;
  const values = form ?? { name: '', scopes: ['read'], expiresInDays: String(TOKEN_EXPIRY_DEFAULT_DAYS) };
  const labels: Record<string, string> = {
    name: t('account.tokens.name'),
    scopes: t('account.tokens.scopes'),
    expiresInDays: t('account.tokens.expires_days'),
  };
  return (
    <AccountLayout page={page} title={t('account.tokens.title')} section="tokens">
      <h1>{t('account.tokens.title')}</h1>
      <ErrorSummary i18n={i18n} errors={errors} labels={labels} />
      {created ? (
        <section class="notice notice--success" aria-labelledby="new-token" role="status">
          <h2 id="new-token">{t('account.tokens.created_heading', { name: created.token.name })}</h2>
          <p>
            <strong>{t('account.tokens.created_warning')}</strong>
          </p>
          <code class="token-once" id="token-value">
            {created.secret}
          </code>
          <button type="button" class="button button--secondary" data-copy="token-value" hidden>
            {t('account.tokens.copy')}
          </button>
          <p>{t('account.tokens.created_expires', { date: i18n.formatDateTime(created.token.expiresAt) })}</p>
        </section>
      ) : null}
      {notice ? (
        <Notice kind="success">
          <p>{notice}</p>
        </Notice>
      ) : null}
      <p class="lead">{t('account.tokens.lead')}</p>
      <p>
        <a href="/api/docs">{t('account.tokens.docs')}</a>
      </p>

      <section aria-labelledby="token-list">
        <h2 id="token-list">{t('account.tokens.list_heading')}</h2>
        {tokens.length === 0 && isFirstPage ? (
          <p class="muted">{t('account.tokens.empty')}</p>
        ) : (
          <div class="table-wrap">
            <table class="table">
              <thead>
                <tr>
                  <th scope="col">{t('account.tokens.col.name')}</th>
                  <th scope="col">{t('account.tokens.col.prefix')}</th>
                  <th scope="col">{t('account.tokens.col.scopes')}</th>
                  <th scope="col">{t('account.tokens.col.created')}</th>
                  <th scope="col">{t('account.tokens.col.expires')}</th>
                  <th scope="col">{t('account.tokens.col.last_used')}</th>
                  <th scope="col">{t('account.tokens.col.status')}</th>
                  <th scope="col">{t('account.tokens.col.actions')}</th>
                </tr>
              </thead>
              <tbody>
                {tokens.map((token) => {
                  const status = tokenStatus(token, now);
                  return (
                    <tr>
                      <th scope="row">{token.name}</th>
                      <td>
                        <code dir="ltr">{`${token.prefix}…`}</code>
                      </td>
                      <td>
                        {token.scopes.map((s) => (
                          <span class="badge" title={t(`account.scope.${s}`)}>
                            {s}
                          </span>
                        ))}
                      </td>
                      <td>{i18n.formatDateTime(token.createdAt)}</td>
                      <td>{i18n.formatDateTime(token.expiresAt)}</td>
                      <td>{token.lastUsedAt ? i18n.formatDateTime(token.lastUsedAt) : t('account.tokens.never_used')}</td>
                      <td>
                        <span class={statusClass[status]}>{t(`account.tokens.status.${status}`)}</span>
                      </td>
                      <td>
                        {status === 'active' ? (
                          <form method="post" action={`/account/tokens/${token.id}/revoke`} class="inline-form" data-confirm={t('account.tokens.revoke_confirm')}>
                            <CsrfField token={page.csrfToken} />
                            <button type="submit" class="button--link">
                              {t('account.tokens.revoke')}
                              <span class="visually-hidden"> {token.name}</span>
                            </button>
                          </form>
                        ) : null}
                      </td>
                    </tr>
                  );
                })}
              </tbody>
            </table>
          </div>
        )}
        <Pagination i18n={i18n} nextHref={nextHref} isFirst={isFirstPage} />
      </section>

      <section aria-labelledby="create-token">
        <h2 id="create-token">{t('account.tokens.create_heading')}</h2>
        <form method="post" action="/account/tokens" class="form" novalidate>
          <CsrfField token={page.csrfToken} />
          <TextField name="name" label={labels.name ?? ''} hint={t('account.tokens.name_hint')} errors={errors} value={values.name} maxLength={TOKEN_NAME_MAX} autocomplete="off" required />
          <CheckboxGroup name="scopes" legend={labels.scopes ?? ''} options={grantable.map((s) => ({ value: s, label: t(`account.scope.${s}`) }))} values={values.scopes} errors={errors} />
          <TextField name="expiresInDays" type="number" inputMode="numeric" label={labels.expiresInDays ?? ''} hint={t('account.tokens.expires_days_hint')} errors={errors} value={values.expiresInDays} required />
          <button type="submit" class="button">
            {t('account.tokens.submit')}
          </button>
        </form>
      </section>
    </AccountLayout>
  );
}
