import { readFileSync } from 'node:fs';
import { createHash } from 'node:crypto';
import type { FastifyInstance } from 'fastify';
import { fontFilePath, fontFiles } from '#src/web/assets/fonts';

const assetDir = new URL('../web/assets/', import.meta.url);

interface Asset {
  body: Buffer;
  type: string;
  etag: string;
}

function load(file: string, type: string): Asset {
  const body = readFileSync(new URL(file, assetDir));
  return { body, type, etag: `"${createHash('sha256').update(body).digest('base64url').slice(0, 22)}"` };
}

/** Serves our own stylesheet, script, icon and the self-hosted fonts; nothing comes from another host. */
export function registerAssets(app: FastifyInstance): void {
  const assets = new Map<string, Asset>([
    ['ribat.css', load('ribat.css', 'text/css; charset=utf-8')],
    ['fonts.css', load('fonts.css', 'text/css; charset=utf-8')],
    ['ribat.js', load('ribat.js', 'text/javascript; charset=utf-8')],
    ['favicon.svg', load('favicon.svg', 'image/svg+xml')],
  ]);
  for (const file of fontFiles) {
    const location = fontFilePath(file);
    if (location === null) throw new Error(`Font file missing: ${file}`);
    const body = readFileSync(location);
    assets.set(`fonts/${file}`, { body, type: 'font/woff2', etag: `"${createHash('sha256').update(body).digest('base64url').slice(0, 22)}"` });
  }
  app.get('/assets/*', { config: { access: 'public' }, schema: { hide: true } }, async (request, reply) => {
    const name = (request.params as { '*': string })['*'];
    const asset = assets.get(name);
    if (!asset) return reply.callNotFound();
    reply.header('etag', asset.etag);
    reply.header('cache-control', name.startsWith('fonts/') ? 'public, max-age=31536000, immutable' : 'public, max-age=3600');
    if (request.headers['if-none-match'] === asset.etag) return reply.status(304).send();
    return reply.type(asset.type).send(asset.body);
  });
}
