import type { ComponentChildren } from 'preact';
import type { PageContext } from '#src/web/page-context';
import { PublicPage } from '#src/web/layout';

/** The sections of the constituent portal, in the order of its side navigation. */
export type PortalSection = 'incidents' | 'new';

/**
 * The constituent portal: a side navigation (their organisation's incidents, a new report, their organisation and
 * account) and the section's content; never indexed.
 */
export function PortalLayout({ page, title, section, children }: { page: PageContext; title: string; section: PortalSection; children: ComponentChildren }) {
  const t = page.i18n.t;
  const items: { key: PortalSection | 'organisation' | 'account'; href: string; label: string; show: boolean }[] = [
    { key: 'incidents', href: '/portal/incidents', label: t('portal.nav.incidents'), show: page.can('incidents:follow') },
    { key: 'new', href: '/portal/incidents/new', label: t('portal.nav.new'), show: page.can('incidents:report') },
    { key: 'organisation', href: '/organisation', label: t('portal.nav.organisation'), show: page.user?.organisationId != null },
    { key: 'account', href: '/account', label: t('portal.nav.account'), show: page.user !== null },
  ];
  return (
    <PublicPage page={page} title={title} noindex>
      <div class="console-layout">
        <nav class="console-nav" aria-label={t('portal.nav.label')}>
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
        <div class="console-main">{children}</div>
      </div>
    </PublicPage>
  );
}
