import type { PageContext } from '#src/web/page-context';
import type { UserSession } from '#src/modules/identity/account.types';
import { CsrfField, Notice, Pagination } from '#src/web/components/form';
import { AccountLayout } from '#src/web/account/account-layout';
import { summariseUserAgent } from '#src/modules/identity/account.types';

export interface AccountSessionsProps {
  page: PageContext;
  sessions: UserSession[];
  nextHref: string | null;
  isFirstPage: boolean;
  /** True when the user has at least one live session besides this one. */
  hasOthers: boolean;
  notice?: string | null;
}

/** The browser and system of a session in words, e.g. "Firefox 128 on Windows". */
function describeBrowser(page: PageContext, userAgent: string | null): string {
  const t = page.i18n.t;
  const { browser, os } = summariseUserAgent(userAgent);
  if (browser && os) return t('account.sessions.browser_on', { browser, os });
  return browser ?? os ?? t('account.sessions.unknown_browser');
}

/** `/account/sessions`: the user's signed-in browsers, each closable, and "sign out all other sessions". */
export function AccountSessionsPage({ page, sessions, nextHref, isFirstPage, hasOthers, notice = null }: AccountSessionsProps) {
  const { i18n } = page;
  const t = i18n.t;
  return (
    <AccountLayout page={page} title={t('account.sessions.title')} section="sessions">
      <h1>{t('account.sessions.title')}</h1>
      {notice ? (
        <Notice kind="success">
          <p>{notice}</p>
        </Notice>
      ) : null}
      <p class="lead">{t('account.sessions.lead')}</p>
      <div class="table-wrap">
        <table class="table">
          <thead>
            <tr>
              <th scope="col">{t('account.sessions.col.device')}</th>
              <th scope="col">{t('account.sessions.col.ip')}</th>
              <th scope="col">{t('account.sessions.col.created')}</th>
              <th scope="col">{t('account.sessions.col.last_seen')}</th>
              <th scope="col">{t('account.sessions.col.expires')}</th>
              <th scope="col">{t('account.sessions.col.actions')}</th>
            </tr>
          </thead>
          <tbody>
            {sessions.map((session) => (
              <tr>
                <th scope="row">
                  <span title={session.userAgent ?? undefined}>{describeBrowser(page, session.userAgent)}</span>
                  {session.isCurrent ? (
                    <>
                      {' '}
                      <span class="badge">{t('account.sessions.current')}</span>
                    </>
                  ) : null}
                </th>
                <td>
                  <span dir="ltr">{session.ip ?? t('account.sessions.unknown_ip')}</span>
                </td>
                <td>{i18n.formatDateTime(session.createdAt)}</td>
                <td>{i18n.formatDateTime(session.lastSeenAt)}</td>
                <td>{i18n.formatDateTime(session.expiresAt)}</td>
                <td>
                  {session.isCurrent ? null : (
                    <form method="post" action={`/account/sessions/${session.publicId}/revoke`} class="inline-form" data-confirm={t('account.sessions.revoke_confirm')}>
                      <CsrfField token={page.csrfToken} />
                      <button type="submit" class="button--link">
                        {t('account.sessions.revoke')}
                      </button>
                    </form>
                  )}
                </td>
              </tr>
            ))}
          </tbody>
        </table>
      </div>
      <Pagination i18n={i18n} nextHref={nextHref} isFirst={isFirstPage} />
      {hasOthers ? (
        <form method="post" action="/account/sessions/revoke-others" data-confirm={t('account.sessions.revoke_others_confirm')}>
          <CsrfField token={page.csrfToken} />
          <button type="submit" class="button button--danger">
            {t('account.sessions.revoke_others')}
          </button>
        </form>
      ) : (
        <p class="muted">{t('account.sessions.no_others')}</p>
      )}
    </AccountLayout>
  );
}
