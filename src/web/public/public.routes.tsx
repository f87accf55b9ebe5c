import type { App } from '#src/plugins/types';
import type { AppServices } from '#src/app';
import { PublicPage } from '#src/web/layout';
import { pageContext } from '#src/web/page-context';

/** The public site: home, bulletins, incident reporting and figures (filled by their modules). */
export function publicRoutes(app: App, services: AppServices): void {
  const { config } = services;
  const contact = config.securityContact;
  const contactHref = /^(mailto:|https?:)/.test(contact) ? contact : `mailto:${contact}`;
  const contactText = contact.replace(/^mailto:/, '');
  const apiAlternate = { href: '/api/openapi.json', type: 'application/vnd.oai.openapi+json', title: 'OpenAPI' };

  app.get('/', { config: { access: 'public' }, schema: { hide: true } }, async (request, reply) => {
    const page = pageContext(request, config.siteName);
    const t = page.i18n.t;
    return reply.page(
      <PublicPage page={page} title={t('home.title')} alternates={[apiAlternate]}>
        <h1>{config.siteName}</h1>
        <p class="lead">{t('home.lead')}</p>
        <section aria-labelledby="latest">
          <h2 id="latest">{t('home.latest')}</h2>
          <p class="muted">{t('bulletins.empty')}</p>
          <p>
            <a href="/bulletins">{t('bulletins.title')}</a>
          </p>
        </section>
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
  });

  app.get('/bulletins', { config: { access: 'public' }, schema: { hide: true } }, async (request, reply) => {
    const page = pageContext(request, config.siteName);
    const t = page.i18n.t;
    return reply.page(
      <PublicPage page={page} title={t('bulletins.title')}>
        <h1>{t('bulletins.title')}</h1>
        <p class="lead">{t('bulletins.lead')}</p>
        <p class="muted">{t('bulletins.empty')}</p>
      </PublicPage>,
    );
  });

  app.get('/report', { config: { access: 'public' }, schema: { hide: true } }, async (request, reply) => {
    const page = pageContext(request, config.siteName);
    const t = page.i18n.t;
    return reply.page(
      <PublicPage page={page} title={t('report.title')}>
        <h1>{t('report.title')}</h1>
        <p class="lead">{t('report.lead')}</p>
        <p>{t('report.how')}</p>
        <dl class="summary-list">
          <dt>{t('report.contact')}</dt>
          <dd>
            <a href={contactHref}>{contactText}</a>
          </dd>
        </dl>
        <p>
          {t('report.constituents')} <a href="/login">{t('site.nav.signin')}</a>
        </p>
      </PublicPage>,
    );
  });

  app.get('/stats', { config: { access: 'public' }, schema: { hide: true } }, async (request, reply) => {
    const page = pageContext(request, config.siteName);
    const t = page.i18n.t;
    return reply.page(
      <PublicPage page={page} title={t('stats.title')}>
        <h1>{t('stats.title')}</h1>
        <p class="lead">{t('stats.lead')}</p>
        <p class="muted">{t('stats.empty')}</p>
      </PublicPage>,
    );
  });
}
