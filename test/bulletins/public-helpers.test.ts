/** Pure helpers of the public bulletin site: who reads as whom, HTTP validators, feed rendering. */
import { describe, expect, it } from 'vitest';
import type { FastifyRequest } from 'fastify';
import { xml2js, type Element } from 'xml-js';
import { anonymousActor, systemActor, type Actor } from '#src/core/access';
import { isPersonalViewer, viewerOf } from '#src/modules/bulletins/visibility';
import { isNotModified, strongEtag } from '#src/web/public/bulletins/http-cache';
import { renderFeed } from '#src/modules/bulletins/feeds';

const user = (roles: Actor['roles'], organisationId: string | null = null): Actor => ({ kind: 'user', userId: 'u1', label: 'u', roles, organisationId, scopes: null });

describe('viewerOf', () => {
  it('reads anonymous visitors and role-less users as the public (TLP:CLEAR only)', () => {
    expect(viewerOf(anonymousActor)).toEqual({ kind: 'public' });
    expect(viewerOf(user([]))).toEqual({ kind: 'public' });
    expect(isPersonalViewer(viewerOf(anonymousActor))).toBe(false);
  });

  it('reads every staff role and the system as staff (every TLP)', () => {
    for (const role of ['admin', 'coordinator', 'analyst', 'author', 'reviewer'] as const) expect(viewerOf(user([role]))).toEqual({ kind: 'staff' });
    expect(viewerOf(systemActor())).toEqual({ kind: 'staff' });
  });

  it('reads constituents with their user and organisation (for AMBER and RED recipients)', () => {
    expect(viewerOf(user(['org_member'], 'o1'))).toEqual({ kind: 'constituent', userId: 'u1', organisationId: 'o1' });
    expect(isPersonalViewer(viewerOf(user(['org_manager'], 'o1')))).toBe(true);
  });
});

describe('HTTP validators', () => {
  const request = (headers: Record<string, string>) => ({ headers }) as unknown as FastifyRequest;
  const etag = strongEtag('body');
  const modified = new Date('2025-03-01T10:00:00.750Z');

  it('makes a strong ETag from the bytes', () => {
    expect(etag).toMatch(/^"[A-Za-z0-9_-]{32}"$/);
    expect(strongEtag('body')).toBe(etag);
    expect(strongEtag('body ')).not.toBe(etag);
  });

  it('matches If-None-Match by weak comparison, in a list, or *', () => {
    expect(isNotModified(request({ 'if-none-match': etag }), etag, null)).toBe(true);
    expect(isNotModified(request({ 'if-none-match': `W/${etag}` }), etag, null)).toBe(true);
    expect(isNotModified(request({ 'if-none-match': `"other", ${etag}` }), etag, null)).toBe(true);
    expect(isNotModified(request({ 'if-none-match': '*' }), etag, null)).toBe(true);
    expect(isNotModified(request({ 'if-none-match': '"other"' }), etag, null)).toBe(false);
  });

  it('compares If-Modified-Since in whole seconds, and ignores it when If-None-Match is present', () => {
    expect(isNotModified(request({ 'if-modified-since': modified.toUTCString() }), etag, modified)).toBe(true);
    expect(isNotModified(request({ 'if-modified-since': new Date('2025-03-01T09:59:59Z').toUTCString() }), etag, modified)).toBe(false);
    expect(isNotModified(request({ 'if-modified-since': 'yesterday' }), etag, modified)).toBe(false);
    expect(isNotModified(request({ 'if-none-match': '"other"', 'if-modified-since': modified.toUTCString() }), etag, modified)).toBe(false);
  });
});

describe('renderFeed', () => {
  const description = { title: 'Ribat : <tous> & "les" bulletins', description: 'd', selfUrl: 'https://cert.example/feeds/bulletins.rss', pageUrl: 'https://cert.example/bulletins', language: 'fr', updated: new Date('2025-03-01T10:00:00Z'), copyright: 'Ribat' };
  const entries = [{ url: 'https://cert.example/bulletins/a', title: 'A <b>&</b>', summary: 'S & <i>', publishedAt: new Date('2025-02-01T00:00:00Z'), updatedAt: new Date('2025-02-02T00:00:00Z'), categories: ['Alerte'] }];

  it('gives the same bytes for the same data (cacheable), in well-formed XML with the text escaped', () => {
    for (const format of ['rss', 'atom'] as const) {
      const xml = renderFeed(format, description, entries);
      expect(renderFeed(format, description, entries)).toBe(xml);
      const doc = xml2js(xml) as Element;
      expect(doc.elements?.[0]?.name).toBe(format === 'rss' ? 'rss' : 'feed');
      expect(xml).not.toContain('<b>');
    }
  });
});
