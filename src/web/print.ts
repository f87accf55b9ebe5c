/**
 * Printing a page to PDF: the page's own HTML made self-contained (styles and fonts inlined, links and scripts
 * removed) so that no request may leave the Chromium that prints it. Used by bulletins and the annual report.
 */
import { readFileSync } from 'node:fs';
import type { FastifyReply, FastifyRequest } from 'fastify';
import { AppError } from '#src/core/errors';
import { renderPdf } from '#src/modules/bulletins/pdf';
import { isNotModified, strongEtag } from '#src/web/public/bulletins/http-cache';
import { fontFilePath, fontFiles } from '#src/web/assets/fonts';

const assetDir = new URL('./assets/', import.meta.url);
let inlineStyles: string | null = null;

/** ribat.css and fonts.css inlined, the fonts pointed at their files on disk. */
function stylesForPrint(): string {
  if (inlineStyles !== null) return inlineStyles;
  const css = readFileSync(new URL('ribat.css', assetDir), 'utf8');
  let fonts = readFileSync(new URL('fonts.css', assetDir), 'utf8');
  for (const file of fontFiles) {
    const location = fontFilePath(file);
    if (location !== null) fonts = fonts.replaceAll(`/assets/fonts/${file}`, `file://${location}`);
  }
  inlineStyles = `${fonts}\n${css}`.replace(/<\/style/gi, '<\\/style');
  return inlineStyles;
}

/** Removes external links and scripts from a rendered document and inlines the styles (for printing to PDF). */
export function selfContained(html: string): string {
  return html
    .replace(/<link\b[^>]*>/g, '')
    .replace(/<script\b[^>]*>\s*<\/script>/g, '')
    .replace('</head>', `<style>${stylesForPrint()}</style></head>`);
}

/**
 * Prints a self-contained document with Chromium and sends it inline as `fileName`, with validators computed on the
 * HTML (a conditional request that matches is answered 304 without starting Chromium). A printing failure is logged
 * and answered 503.
 */
export async function sendPrintedPdf(
  request: FastifyRequest,
  reply: FastifyReply,
  options: { chromiumPath: string; html: string; fileName: string; cacheControl: string; vary: string; lastModified: Date | null },
): Promise<FastifyReply> {
  const etag = strongEtag(options.html);
  reply.header('cache-control', options.cacheControl);
  reply.header('vary', options.vary);
  reply.header('etag', etag);
  if (options.lastModified !== null) reply.header('last-modified', options.lastModified.toUTCString());
  if (isNotModified(request, etag, options.lastModified)) return reply.status(304).send();
  let pdf: Buffer;
  try {
    pdf = await renderPdf(options.chromiumPath, options.html);
  } catch (err) {
    request.log.error({ err }, 'PDF printing failed');
    throw new AppError('unavailable');
  }
  reply.header('content-disposition', `inline; filename="${options.fileName}"`);
  return reply.type('application/pdf').send(pdf);
}
