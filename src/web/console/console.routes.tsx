import type { App } from '#src/plugins/types';
import type { AppServices } from '#src/app';
import { pageContext } from '#src/web/page-context';
import { getConsoleOverview } from '#src/modules/system/use-cases/get-console-overview';
import { DashboardPage } from '#src/web/console/dashboard';

/** The console home (`/console`): an overview drawn from the database, for the CERT's staff. */
export function consoleRoutes(app: App, services: AppServices): void {
  const { database, config } = services;
  app.get('/console', { config: { access: { permission: 'console:view' } }, schema: { hide: true } }, async (request, reply) => {
    const overview = await getConsoleOverview(database, request.ctx);
    return reply.page(<DashboardPage page={pageContext(request, config.siteName)} overview={overview} />);
  });
}
