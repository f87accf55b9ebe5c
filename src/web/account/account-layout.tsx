import type { ComponentChildren } from 'preact';
import type { PageContext } from '#src/web/page-context';
import { PublicPage } from '#src/web/layout';

/** The sections of the account area, in the order of the side navigation. */
export type AccountSection = 'overview' | 'mfa' | 'tokens' | 'sessions';

const sections: readonly { key: AccountSection; href: string; label: string }[] = [
  { key: 'overview', href: '/account', label: 'account.nav.overview' },
  { key: 'mfa', href: '/account/mfa', label: 'account.nav.mfa' },
  { key: 'tokens', href: '/account/tokens', label: 'account.nav.tokens' },
  { key: 'sessions', href: '/account/sessions', label: 'account.nav.sessions' },
];

/** The account area: a side navigation between its sections and the section's content; never indexed. */
export function AccountLayout({ page, title, section, children }: { page: PageContext; title: string; section: AccountSection; children: ComponentChildren }) {
  const t = page.i18n.t;
  return (
    <PublicPage page={page} title={title} noindex>
      <div class="console-layout">
        <nav class="console-nav" aria-label={t('account.nav.label')}>
          <ul>
            {sections.map((s) => (
              <li>
                <a href={s.href} aria-current={s.key === section ? 'page' : undefined}>
                  {t(s.label)}
                </a>
              </li>
            ))}
          </ul>
        </nav>
        <div class="console-main">{children}</div>
      </div>
    </PublicPage>
  );
}
