import Fastify from 'fastify';
import cookie from '@fastify/cookie';
import rateLimit from '@fastify/rate-limit';
import type { TypeBoxTypeProvider } from '@fastify/type-provider-typebox';
import type { VNode } from 'preact';
import type { Config } from '#src/config/config';
import type { DatabaseHandle } from '#src/db/database';
import type { Logger } from '#src/core/logger';
import type { Clock } from '#src/core/time';
import type { Messages } from '#src/core/i18n/i18n';
import type { AccessRule, App } from '#src/plugins/types';
import { newId } from '#src/core/ids';
import { renderDocument } from '#src/web/render';
import { registerInputGuards, registerParsers } from '#src/plugins/parsers';
import { registerSecurityHeaders } from '#src/plugins/security-headers';
import { registerAuth } from '#src/plugins/auth';
import { registerErrorHandlers } from '#src/plugins/errors';
import { registerValidators } from '#src/plugins/validation';
import { registerOpenApi, registerOpenApiRoutes } from '#src/plugins/openapi';
import { registerAssets } from '#src/plugins/assets';
import { systemRoutes } from '#src/modules/system/system.routes';
import { publicRoutes } from '#src/web/public/public.routes';
import { usersRoutes } from '#src/modules/identity/users.routes';
import { auditRoutes } from '#src/modules/audit/audit.routes';
import { notificationsRoutes } from '#src/modules/notifications/notifications.routes';
import { consoleRoutes } from '#src/web/console/console.routes';
import { accountRoutes } from '#src/modules/identity/account.routes';
import { identityRoutes } from '#src/modules/identity/identity.routes';
import { constituentsRoutes } from '#src/modules/constituents/constituents.routes';
import { taxonomiesRoutes } from '#src/modules/taxonomies/taxonomies.routes';
import { bulletinsApiRoutes } from '#src/modules/bulletins/bulletins.api.routes';
import { bulletinsConsoleRoutes } from '#src/modules/bulletins/bulletins.console.routes';
import { bulletinsPublicRoutes } from '#src/web/public/bulletins/bulletins-public.routes';
import { subscriptionsRoutes } from '#src/modules/notifications/subscriptions.routes';
import { csafProviderRoutes } from '#src/modules/csaf/csaf-provider.routes';
import { csafImportRoutes } from '#src/modules/csaf/csaf-import.routes';
import { incidentsConsoleRoutes } from '#src/modules/incidents/incidents.console.routes';
import { incidentsPublicRoutes } from '#src/modules/incidents/incidents.public.routes';
import { incidentsPortalRoutes } from '#src/modules/incidents/incidents.portal.routes';
import { incidentsApiRoutes } from '#src/modules/incidents/incidents.api.routes';
import { incidentsAttachmentRoutes } from '#src/modules/incidents/incidents.attachments.routes';
import { statisticsRoutes } from '#src/modules/statistics/statistics.routes';

/** What the application is built from; tests build it with an in-memory database and a fixed clock. */
export interface AppServices {
  config: Config;
  database: DatabaseHandle;
  logger: Logger;
  clock: Clock;
  catalogue: Messages<string>;
  version: string;
}

/** A module: a function that registers its routes on the app, given the services. */
export type ModuleRegistration = (app: App, services: AppServices) => void | Promise<void>;

/**
 * Every module, in one auditable list. A route registered without an access rule makes the app refuse to
 * start (see the onRoute hook below), so no route can be public by accident.
 */
const modules: readonly ModuleRegistration[] = [
  systemRoutes, publicRoutes, consoleRoutes, auditRoutes, notificationsRoutes, accountRoutes, usersRoutes, identityRoutes, constituentsRoutes, taxonomiesRoutes,
  bulletinsApiRoutes, bulletinsConsoleRoutes, bulletinsPublicRoutes, subscriptionsRoutes,
  csafProviderRoutes, csafImportRoutes,
  incidentsConsoleRoutes, incidentsPublicRoutes, incidentsPortalRoutes, incidentsApiRoutes, incidentsAttachmentRoutes, statisticsRoutes,
];

/** A route as registered, with its access rule: the authorisation suites iterate over this list. */
export interface RegisteredRoute {
  method: string;
  url: string;
  access: AccessRule;
  /** The route's declared schemas (params, querystring, body…), read by the bad-input suite to craft payloads. */
  schema: RouteSchemaInfo | undefined;
}

/** The parts of a route's schema the generic test suites look at (JSON Schema objects, as TypeBox builds them). */
export interface RouteSchemaInfo {
  hide?: boolean;
  params?: unknown;
  querystring?: unknown;
  body?: unknown;
}

declare module 'fastify' {
  interface FastifyInstance {
    ribatRoutes: RegisteredRoute[];
  }
}

/** Refuses a route that declares no access rule, so nothing becomes public by omission. */
export function assertAccessRule(route: { method: string | string[]; url: string; config?: { access?: unknown } }): void {
  if (route.config?.access === undefined) {
    throw new Error(`Route ${String(route.method)} ${route.url} has no access rule (config.access)`);
  }
}

/** Builds the Fastify application: plugins first, then every module explicitly. */
export async function buildApp(services: AppServices): Promise<App> {
  const { config, logger } = services;
  const app = Fastify({
    loggerInstance: logger as unknown as import('fastify').FastifyBaseLogger,
    genReqId: () => newId(),
    requestIdHeader: false,
    bodyLimit: config.bodyLimitBytes,
    trustProxy: config.trustProxy,
    routerOptions: { maxParamLength: 200, ignoreTrailingSlash: false },
  }).withTypeProvider<TypeBoxTypeProvider>();

  const routes: RegisteredRoute[] = [];
  app.decorate('ribatRoutes', routes);
  app.addHook('onRoute', (route) => {
    assertAccessRule(route);
    const methods = Array.isArray(route.method) ? route.method : [route.method];
    for (const method of methods) {
      if (method === 'HEAD') continue;
      routes.push({ method: String(method), url: route.url, access: route.config?.access as AccessRule, schema: route.schema });
    }
  });

  app.decorateReply('page', function (this: import('fastify').FastifyReply, vnode: VNode, status = 200) {
    return this.status(status).type('text/html; charset=utf-8').send(renderDocument(vnode));
  });
  app.addHook('onSend', async (request, reply) => {
    reply.header('x-request-id', request.id);
  });

  registerValidators(app);
  registerParsers(app);
  registerInputGuards(app);
  await app.register(cookie);
  await app.register(rateLimit, { global: false, keyGenerator: (request) => request.ip });
  registerSecurityHeaders(app, { https: config.publicUrl.startsWith('https:') });
  registerAuth(app, { config, database: services.database, clock: services.clock, catalogue: services.catalogue });
  registerErrorHandlers(app, { siteName: config.siteName, publicUrl: config.publicUrl, catalogue: services.catalogue, timezone: config.timezone });
  await registerOpenApi(app, { publicUrl: config.publicUrl, version: services.version });
  registerAssets(app);
  registerOpenApiRoutes(app, config.siteName);

  for (const register of modules) await register(app, services);
  await app.ready();
  return app;
}
