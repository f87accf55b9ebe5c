import type { App } from '#src/plugins/types';
import type { AppServices } from '#src/app';
import { PublicPage } from '#src/web/layout';
import { pageContext } from '#src/web/page-context';
import { renderDocument } from '#src/web/render';
import { viewerOf } from '#src/modules/bulletins/visibility';
import { findLastPublicChange } from '#src/modules/bulletins/listing.repository';
import { sendCacheable } from '#src/web/public/bulletins/http-cache';
import { feedAlternates } from '#src/web/public/bulletins/bulletin-components';
import { HomeBulletinSections, loadHomeBulletins } from '#src/web/public/bulletins/home-bulletins';

/** The public site's home (bulletins, statistics and incident reporting live in their modules). */
export function publicRoutes(app: App, services: AppServices): void {
  const { config } = services;
  const apiAlternate = { href: '/api/openapi.json', type: 'application/vnd.oai.openapi+json', title: 'OpenAPI' };

  app.get('/', { config: { access: 'public' }, schema: { hide: true } }, async (request, reply) => {
    const page = pageContext(request, config.siteName);
    const t = page.i18n.t;
    const bulletins = await loadHomeBulletins(services.database, viewerOf(request.ctx.actor), page.i18n);
    const alternates = [...feedAlternates(page.i18n, config.siteName, bulletins.criticalCode), apiAlternate];
    const html = renderDocument(
      <PublicPage page={page} title={t('home.title')} alternates={alternates}>
        <h1>{config.siteName}</h1>
        <p class="lead">{t('home.lead')}</p>
        <HomeBulletinSections data={bulletins} i18n={page.i18n} />
        <section aria-labelledby="report" class="card">
          <h2 id="report">{t('home.report.title')}</h2>
          <p>{t('home.report.body')}</p>
          <p>
            <a class="button" href="/report">
              {t('home.report.cta')}
            </a>
          </p>
        </section>
      </PublicPage>,
    );
    // Bulletins shown depend on the viewer's TLP entitlements: personal answers are never stored by shared caches.
    return sendCacheable(request, reply, {
      body: html,
      type: 'text/html; charset=utf-8',
      lastModified: await findLastPublicChange(services.database.db),
      personal: request.auth.kind !== 'anonymous',
      vary: 'Cookie, Accept-Language',
    });
  });
}
