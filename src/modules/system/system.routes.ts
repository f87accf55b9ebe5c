import { sql } from 'kysely';
import { Type } from '@sinclair/typebox';
import type { App } from '#src/plugins/types';
import type { AppServices } from '#src/app';

/** Liveness, readiness and security.txt (RFC 9116). */
export function systemRoutes(app: App, services: AppServices): void {
  const { database, config, clock } = services;

  app.get('/healthz', { config: { access: 'public' }, schema: { hide: true, response: { 200: Type.Object({ status: Type.Literal('ok') }) } } }, async () => ({ status: 'ok' as const }));

  app.get('/readyz', { config: { access: 'public' }, schema: { hide: true } }, async (_request, reply) => {
    try {
      await sql`select 1`.execute(database.db);
      const migrations = await sql<{ n: number }>`select count(*) as n from ribat_migration`.execute(database.db);
      return reply.send({ status: 'ready', database: database.dialect, migrations: Number(migrations.rows[0]?.n ?? 0) });
    } catch {
      return reply.status(503).send({ status: 'unavailable' });
    }
  });

  app.get('/.well-known/security.txt', { config: { access: 'public' }, schema: { hide: true } }, async (_request, reply) => {
    const expires = new Date(clock.now().getTime() + 180 * 24 * 3600 * 1000);
    expires.setUTCHours(0, 0, 0, 0);
    const lines = [
      `Contact: ${config.securityContact}`,
      `Expires: ${expires.toISOString()}`,
      'Preferred-Languages: fr, ar, en',
      `Canonical: ${config.publicUrl}/.well-known/security.txt`,
      `Policy: ${config.publicUrl}/report`,
      // CSAF 2.0 requirement 8: where the trusted provider's metadata is (src/modules/csaf/csaf-provider.routes.tsx).
      `CSAF: ${config.publicUrl}/.well-known/csaf/provider-metadata.json`,
    ];
    return reply.type('text/plain; charset=utf-8').header('cache-control', 'public, max-age=3600').send(`${lines.join('\n')}\n`);
  });
}
