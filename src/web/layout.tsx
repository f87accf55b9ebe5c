import type { ComponentChildren } from 'preact';
import type { PageContext } from '#src/web/page-context';
import { withLang } from '#src/web/page-context';
import { locales } from '#src/core/i18n/i18n';

const languageNames = { fr: 'Français', ar: 'العربية', en: 'English' } as const;

export interface AlternateLink {
  href: string;
  type: string;
  title: string;
}

interface LayoutProps {
  page: PageContext;
  title: string;
  children: ComponentChildren;
  alternates?: AlternateLink[];
  /** Pages that should not be indexed (console, account, sign-in). */
  noindex?: boolean;
}

/** The HTML document shared by every page: language and direction, header, navigation, footer. */
export function Layout({ page, title, children, alternates = [], noindex = false }: LayoutProps) {
  const { i18n } = page;
  const t = i18n.t;
  return (
    <html lang={i18n.locale} dir={i18n.dir}>
      <head>
        <meta charSet="utf-8" />
        <meta name="viewport" content="width=device-width, initial-scale=1" />
        <title>{`${title} · ${page.siteName}`}</title>
        {noindex ? <meta name="robots" content="noindex" /> : null}
        <link rel="stylesheet" href="/assets/fonts.css" />
        <link rel="stylesheet" href="/assets/ribat.css" />
        <link rel="icon" href="/assets/favicon.svg" type="image/svg+xml" />
        {alternates.map((a) => (
          <link rel="alternate" type={a.type} href={a.href} title={a.title} />
        ))}
        <script src="/assets/ribat.js" defer />
      </head>
      <body>
        <a class="skip-link" href="#main">
          {t('site.skip')}
        </a>
        <header class="site-header">
          <div class="container">
            <a class="site-header__brand" href="/">
              <strong>{page.siteName}</strong> <span class="muted">{t('site.tagline')}</span>
            </a>
            <nav class="site-header__nav" aria-label={t('site.nav.label')}>
              <ul>
                <li>
                  <a href="/">{t('site.nav.home')}</a>
                </li>
                <li>
                  <a href="/bulletins">{t('site.nav.bulletins')}</a>
                </li>
                <li>
                  <a href="/report">{t('site.nav.report')}</a>
                </li>
                <li>
                  <a href="/stats">{t('site.nav.stats')}</a>
                </li>
                {page.user && page.can('console:view') ? (
                  <li>
                    <a href="/console">{t('site.nav.console')}</a>
                  </li>
                ) : null}
                {page.user && page.user.organisationId !== null ? (
                  <li>
                    <a href="/organisation">{t('site.nav.organisation')}</a>
                  </li>
                ) : null}
                {page.user && page.can('incidents:follow') ? (
                  <li>
                    <a href="/portal/incidents">{t('portal.nav.incidents')}</a>
                  </li>
                ) : null}
                {page.user ? (
                  <li>
                    <a href="/account">{t('site.nav.account')}</a>
                  </li>
                ) : (
                  <li>
                    <a href="/login">{t('site.nav.signin')}</a>
                  </li>
                )}
                {page.user ? (
                  <li>
                    <form method="post" action="/logout" class="inline-form">
                      <input type="hidden" name="_csrf" value={page.csrfToken} />
                      <button type="submit" class="button--link">
                        {t('site.nav.signout')}
                      </button>
                    </form>
                  </li>
                ) : null}
              </ul>
            </nav>
            <nav class="lang-switch" aria-label={t('site.language')}>
              <ul>
                {locales.map((l) => (
                  <li>
                    {l === i18n.locale ? (
                      <span aria-current="true" lang={l}>
                        {languageNames[l]}
                      </span>
                    ) : (
                      <a href={withLang(page.path, l)} lang={l} hrefLang={l}>
                        {languageNames[l]}
                      </a>
                    )}
                  </li>
                ))}
              </ul>
            </nav>
          </div>
        </header>
        {children}
        <footer class="site-footer">
          <div class="container">
            <ul>
              <li>
                <a href="/.well-known/security.txt">{t('site.footer.security')}</a>
              </li>
              <li>
                <a href="/api/docs">{t('site.footer.api')}</a>
              </li>
              <li>
                <a href="/subscribe">{t('site.footer.subscribe')}</a>
              </li>
            </ul>
            <p class="muted">{t('site.footer.about')}</p>
          </div>
        </footer>
      </body>
    </html>
  );
}

/** One column of public content. */
export function PublicPage(props: LayoutProps) {
  return (
    <Layout {...props}>
      <main id="main" class="container" tabIndex={-1}>
        {props.children}
      </main>
    </Layout>
  );
}

interface ConsolePageProps extends LayoutProps {
  /** The console section to highlight in the side navigation. */
  section: string;
}

/** The console: a side navigation of what the user may open, and the main area. */
export function ConsolePage(props: ConsolePageProps) {
  const { page, section } = props;
  const t = page.i18n.t;
  const items: { key: string; href: string; label: string; show: boolean }[] = [
    { key: 'dashboard', href: '/console', label: t('console.nav.dashboard'), show: page.can('console:view') },
    { key: 'bulletins', href: '/console/bulletins', label: t('console.nav.bulletins'), show: page.can('bulletins:read') },
    { key: 'incidents', href: '/console/incidents', label: t('incidents.console.nav'), show: page.can('incidents:read') },
    { key: 'statistics', href: '/console/statistics', label: t('statsConsole.nav'), show: page.can('statistics:read') },
    { key: 'csaf-imports', href: '/console/csaf/imports', label: t('csaf.nav.imports'), show: page.can('bulletins:read') },
    { key: 'csaf-sources', href: '/console/csaf/sources', label: t('csaf.nav.sources'), show: page.can('csaf-sources:manage') },
    { key: 'users', href: '/console/users', label: t('console.nav.users'), show: page.can('users:manage') },
    { key: 'organisations', href: '/console/organisations', label: t('console.nav.organisations'), show: page.can('organisations:read') },
    { key: 'vocabularies', href: '/console/vocabularies', label: t('console.nav.vocabularies'), show: page.can('vocabularies:manage') },
    { key: 'audit', href: '/console/audit', label: t('console.nav.audit'), show: page.can('audit:read') },
    { key: 'subscriptions', href: '/console/subscriptions', label: t('console.nav.subscriptions'), show: page.can('subscriptions:manage') },
    { key: 'outbox', href: '/console/outbox', label: t('console.nav.outbox'), show: page.can('outbox:read') },
    { key: 'jobs', href: '/console/jobs', label: t('console.nav.jobs'), show: page.can('outbox:read') },
  ];
  return (
    <Layout {...props} noindex>
      <div class="container console-layout">
        <nav class="console-nav" aria-label={t('console.nav.label')}>
          <ul>
            {items
              .filter((i) => i.show)
              .map((i) => (
                <li>
                  <a href={i.href} aria-current={i.key === section ? 'page' : undefined}>
                    {i.label}
                  </a>
                </li>
              ))}
          </ul>
        </nav>
        <main id="main" class="console-main" tabIndex={-1}>
          {props.children}
        </main>
      </div>
    </Layout>
  );
}
