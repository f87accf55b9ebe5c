/**
 * The public bulletin site: list and filters, full-text search (accents, Arabic diacritics), bulletin pages
 * (sections, language fallback, withdrawn and closed notices, aliases), JSON, feeds, sitemap, HTTP caching and
 * page weight. Bulletins are written, reviewed and published through the real use cases.
 */
import { readFileSync } from 'node:fs';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { xml2js, type Element } from 'xml-js';
import type { LightMyRequestResponse } from 'fastify';
import { buildTestApp } from '../helpers/app';
import { buildUser, loginAs } from '../helpers/factories';
import { buildPublishedBulletin, bulletinInput, type BuiltBulletin } from '../helpers/bulletin-factories';
import { saveBulletin } from '#src/modules/bulletins/use-cases/save-bulletin';
import { submitBulletin } from '#src/modules/bulletins/use-cases/submit-bulletin';
import { approveBulletin } from '#src/modules/bulletins/use-cases/approve-bulletin';
import { publishBulletin } from '#src/modules/bulletins/use-cases/publish-bulletin';
import { withdrawBulletin } from '#src/modules/bulletins/use-cases/withdraw-bulletin';
import { closeBulletin } from '#src/modules/bulletins/use-cases/close-bulletin';

const t = await buildTestApp();
afterAll(() => t.close());

const CVSS = 'CVSS:3.1/AV:N/AC:L/PR:N/UI:N/S:U/C:H/I:H/A:H';

let linux: BuiltBulletin; // French + English, critical, CVE exploited, alias, two revisions
let mail: BuiltBulletin; // Arabic original alert with harakat
let note: BuiltBulletin; // note with indicators
let withdrawn: BuiltBulletin;
let closed: BuiltBulletin;

beforeAll(async () => {
  linux = await buildPublishedBulletin(t, {
    criticality: 'critical',
    risks: ['privilege-escalation', 'remote-code-execution'],
    texts: {
      fr: { title: 'Élévation de privilèges dans le noyau Linux', summary: 'Une vulnérabilité permet une élévation de privilèges.', description: 'Le **noyau** est vulnérable.', solution: 'Mettre à jour.', workarounds: 'Désactiver le module.' },
      en: { title: 'Privilege escalation in the Linux kernel', summary: 'A vulnerability allows privilege escalation.' },
    },
    affected: [{ vendor: 'Linux Foundation', product: 'Kernel', versions: '< 6.8.2' }],
    cves: [{ id: 'CVE-2024-1086', cvss31: CVSS, exploited: true, cwe: 'CWE-416' }],
    references: [{ title: 'Kernel advisory', url: 'https://kernel.example.org/advisory' }],
    aliases: ['63492304/25'],
    publishedAt: new Date('2025-01-10T09:00:00Z'),
  });
  // A second revision with a change summary: saved by the author, reviewed again and republished.
  const v2 = await saveBulletin(
    t.database,
    linux.authorCtx,
    linux.bulletin.id,
    {
      content: bulletinInput({
        criticality: 'critical',
        risks: ['privilege-escalation', 'remote-code-execution'],
        texts: {
          fr: { title: 'Élévation de privilèges dans le noyau Linux', summary: 'Une vulnérabilité permet une élévation de privilèges.', description: 'Le **noyau** est vulnérable.', solution: 'Mettre à jour.', workarounds: 'Désactiver le module.' },
          en: { title: 'Privilege escalation in the Linux kernel', summary: 'A vulnerability allows privilege escalation.' },
        },
        affected: [{ vendor: 'Linux Foundation', product: 'Kernel', versions: '< 6.8.2' }],
        cves: [{ id: 'CVE-2024-1086', cvss31: CVSS, exploited: true, cwe: 'CWE-416' }],
        references: [{ title: 'Kernel advisory', url: 'https://kernel.example.org/advisory' }],
      }),
      changeSummary: 'Exploitation active constatée',
    },
    linux.bulletin.version,
  );
  const submitted = await submitBulletin(t.database, linux.authorCtx, v2.id, v2.version);
  const approved = await approveBulletin(t.database, linux.reviewerCtx, submitted.id, submitted.version);
  linux = { ...linux, bulletin: await publishBulletin(t.database, t.config, linux.reviewerCtx, approved.id, approved.version) };

  mail = await buildPublishedBulletin(t, {
    kind: 'alert',
    originalLanguage: 'ar',
    criticality: 'high',
    texts: { ar: { title: 'ثَغْرَةٌ خَطِيرَةٌ فِي خَادِمِ البَرِيدِ', summary: 'يَجِبُ تَحْدِيثُ الخَادِمِ فَوْرًا.', description: 'تُسْتَغَلُّ هَذِهِ الثَّغْرَةُ حَالِيًّا.' } },
    affected: [{ vendor: 'Mailsoft', product: 'Mail Server', versions: '9.x' }],
    cves: [{ id: 'CVE-2024-2222' }],
    publishedAt: new Date('2025-02-10T09:00:00Z'),
  });
  note = await buildPublishedBulletin(t, {
    kind: 'note',
    criticality: 'low',
    texts: { fr: { title: 'Note sur le rançongiciel Zorro', summary: 'Indicateurs du groupe Zorro.' } },
    indicators: [
      { type: 'domain', value: 'evil-zorro.example', comment: 'C2' },
      { type: 'ipv4', value: '203.0.113.45', comment: '' },
    ],
    publishedAt: new Date('2025-03-10T09:00:00Z'),
  });
  withdrawn = await buildPublishedBulletin(t, { texts: { fr: { title: 'Bulletin retiré Quokka' } }, publishedAt: new Date('2025-03-12T09:00:00Z') });
  withdrawn = { ...withdrawn, bulletin: await withdrawBulletin(t.database, t.config, withdrawn.reviewerCtx, withdrawn.bulletin.id, withdrawn.bulletin.version, 'Publié par erreur') };
  closed = await buildPublishedBulletin(t, { kind: 'alert', criticality: 'moderate', texts: { fr: { title: 'Alerte close Wombat' } }, publishedAt: new Date('2025-03-14T09:00:00Z') });
  closed = { ...closed, bulletin: await closeBulletin(t.database, t.config, closed.reviewerCtx, closed.bulletin.id, closed.bulletin.version) };
});

function slugOf(b: BuiltBulletin): string {
  const slug = b.bulletin.slug;
  if (slug === null) throw new Error('not published');
  return slug;
}
function refOf(b: BuiltBulletin): string {
  return b.bulletin.reference ?? '';
}
const get = (url: string, headers: Record<string, string> = {}) => t.app.inject({ method: 'GET', url, headers });

/** The references listed in the results of a list page, in order. */
function listed(res: LightMyRequestResponse): string[] {
  return [...res.body.matchAll(/<a href="\/bulletins\/([^"?.]+)">/g)].map((m) => m[1] ?? '');
}

function parseXml(body: string): Element {
  return xml2js(body, { compact: false }) as Element;
}
function children(el: Element | undefined, name: string): Element[] {
  return (el?.elements ?? []).filter((e) => e.name === name);
}
function textOf(el: Element | undefined): string {
  return (el?.elements ?? []).map((e) => String(e.text ?? e.cdata ?? '')).join('');
}

describe('the list of bulletins', () => {
  it('shows published bulletins newest first and leaves withdrawn ones out', async () => {
    const res = await get('/bulletins');
    expect(res.statusCode).toBe(200);
    expect(listed(res)).toEqual([slugOf(closed), slugOf(note), slugOf(mail), slugOf(linux)]);
    expect(res.body).not.toContain('Quokka');
  });

  it('filters by kind, criticality, vendor, product, CVE, dates and language', async () => {
    expect(listed(await get('/bulletins?kind=alert'))).toEqual([slugOf(closed), slugOf(mail)]);
    expect(listed(await get('/bulletins?criticality=critical'))).toEqual([slugOf(linux)]);
    expect(listed(await get('/bulletins?vendor=linux'))).toEqual([slugOf(linux)]);
    expect(listed(await get('/bulletins?product=mail%20serv'))).toEqual([slugOf(mail)]);
    expect(listed(await get('/bulletins?cve=cve-2024-1086'))).toEqual([slugOf(linux)]);
    expect(listed(await get('/bulletins?from=2025-02-01&to=2025-03-10'))).toEqual([slugOf(note), slugOf(mail)]);
    const english = await get('/bulletins?language=en');
    expect(listed(english)).toEqual([slugOf(linux)]);
    expect(english.body).toContain('Privilege escalation in the Linux kernel');
  });

  it('shows each bulletin in the interface language when translated, in its original otherwise', async () => {
    const res = await get('/bulletins?lang=en');
    expect(res.body).toContain('Privilege escalation in the Linux kernel');
    expect(res.body).toContain('Note sur le rançongiciel Zorro');
    expect(res.body).toMatch(/<h3 class="bulletin-item__title" lang="fr" dir="ltr">/);
  });

  it('refuses an impossible date with a message next to the field', async () => {
    const res = await get('/bulletins?from=2025-02-31');
    expect(res.statusCode).toBe(400);
    expect(res.body).toContain('field__error');
  });

  it('refuses a forged cursor (pagination itself is exercised through the JSON index)', async () => {
    const res = await get('/bulletins?cursor=not-a-cursor');
    expect(res.statusCode).toBe(400);
  });
});

describe('full-text search', () => {
  it('ignores accents: "elevation" finds "Élévation"', async () => {
    expect(listed(await get('/bulletins?q=elevation'))).toEqual([slugOf(linux)]);
    expect(listed(await get('/bulletins?q=%C3%89L%C3%89VATION%20privil'))).toEqual([slugOf(linux)]);
  });

  it('ignores Arabic diacritics: a query without harakat finds text written with them', async () => {
    expect(listed(await get(`/bulletins?q=${encodeURIComponent('ثغرة')}`))).toEqual([slugOf(mail)]);
    expect(listed(await get(`/bulletins?q=${encodeURIComponent('خادم البريد')}`))).toEqual([slugOf(mail)]);
  });

  it('matches word prefixes, every word, and CVE identifiers and references', async () => {
    expect(listed(await get('/bulletins?q=rancon'))).toEqual([slugOf(note)]);
    expect(listed(await get('/bulletins?q=zorro%20linux'))).toEqual([]);
    expect(listed(await get('/bulletins?q=CVE-2024-1086'))).toEqual([slugOf(linux)]);
    expect(listed(await get(`/bulletins?q=${encodeURIComponent(refOf(note))}`))).toEqual([slugOf(note)]);
  });

  it('never finds a withdrawn bulletin', async () => {
    expect(listed(await get('/bulletins?q=quokka'))).toEqual([]);
  });

  it('treats search syntax as plain words', async () => {
    const res = await get(`/bulletins?q=${encodeURIComponent('"noyau*" ( -- \' : & | ! <-> )')}`);
    expect(res.statusCode).toBe(200);
    expect(listed(res)).toEqual([slugOf(linux)]);
  });
});

describe('a bulletin page', () => {
  it('shows the maCERT sections: reference, dates, criticality and TLP as text, risks, systems, CVEs with CVSS, texts, references, history', async () => {
    const res = await get(`/bulletins/${slugOf(linux)}`);
    expect(res.statusCode).toBe(200);
    const body = res.body;
    expect(body).toContain(refOf(linux));
    expect(body).toContain('63492304/25');
    expect(body).toContain('Critique');
    expect(body).toContain('TLP:CLEAR');
    expect(body).toContain('Élévation de privilèges</li>');
    expect(body).toContain('Linux Foundation');
    expect(body).toContain('&lt; 6.8.2');
    expect(body).toContain('9.8 (critique)');
    expect(body).toContain('Exploitée activement');
    expect(body).toContain('CWE-416');
    expect(body).toContain('<strong>noyau</strong>');
    expect(body).toContain('Désactiver le module.');
    expect(body).toContain('href="https://kernel.example.org/advisory"');
    expect(body).toContain('Exploitation active constatée');
    expect(body).toMatch(/Version 2,/);
    expect(body).toContain(`href="/bulletins/${slugOf(linux)}?lang=en"`);
    expect(body).not.toContain('<script>');
  });

  it('shows a translation in its language, and the original with a notice when the translation is missing', async () => {
    const en = await get(`/bulletins/${slugOf(linux)}?lang=en`);
    expect(en.body).toContain('Privilege escalation in the Linux kernel');
    expect(en.body).not.toContain('not available in');
    const ar = await get(`/bulletins/${slugOf(linux)}?lang=ar`);
    expect(ar.body).toContain('<html lang="ar" dir="rtl">');
    expect(ar.body).toContain('هذه النشرة غير متوفرة باللغة');
    expect(ar.body).toMatch(/<h1 id="bulletin-title" lang="fr" dir="ltr">Élévation de privilèges/);
  });

  it('shows indicators of a note defanged', async () => {
    const body = (await get(`/bulletins/${slugOf(note)}`)).body;
    expect(body).toContain('evil-zorro[.]example');
    expect(body).toContain('203.0.113[.]45');
    expect(body).not.toContain('evil-zorro.example');
  });

  it('keeps a withdrawn bulletin at its address with a notice and the reason', async () => {
    const res = await get(`/bulletins/${slugOf(withdrawn)}`);
    expect(res.statusCode).toBe(200);
    expect(res.body).toContain('Ce bulletin a été retiré le');
    expect(res.body).toContain('Publié par erreur');
  });

  it('marks a closed alert', async () => {
    const res = await get(`/bulletins/${slugOf(closed)}`);
    expect(res.body).toContain('Cette alerte est close depuis le');
  });

  it('redirects a legacy alias and a reference typed as is to the canonical address', async () => {
    const alias = await get('/bulletins/63492304_25');
    expect(alias.statusCode).toBe(301);
    expect(alias.headers.location).toBe(`/bulletins/${slugOf(linux)}`);
    const reference = await get(`/bulletins/${encodeURIComponent(refOf(linux))}.json`);
    expect(reference.statusCode).toBe(301);
    expect(reference.headers.location).toBe(`/bulletins/${slugOf(linux)}.json`);
  });

  it('answers 404 for an unknown slug', async () => {
    expect((await get('/bulletins/ribat-1999-bul-9999')).statusCode).toBe(404);
    expect((await get('/bulletins/ribat-1999-bul-9999.json')).statusCode).toBe(404);
  });
});

describe('JSON', () => {
  it('describes a bulletin with CERT-FR-like fields and computed CVSS scores', async () => {
    const res = await get(`/bulletins/${slugOf(linux)}.json`);
    expect(res.statusCode).toBe(200);
    expect(res.headers['content-type']).toContain('application/json');
    const doc = res.json<Record<string, unknown>>();
    expect(doc).toMatchObject({
      reference: refOf(linux),
      url: `http://localhost:8080/bulletins/${slugOf(linux)}`,
      kind: 'bulletin',
      status: 'published',
      tlp: 'CLEAR',
      criticality: { code: 'critical', label: 'Critique' },
      language: 'fr',
      original_language: 'fr',
      available_languages: ['fr', 'en'],
      title: 'Élévation de privilèges dans le noyau Linux',
      risks: [
        { code: 'privilege-escalation', description: 'Élévation de privilèges' },
        { code: 'remote-code-execution', description: 'Exécution de code arbitraire à distance' },
      ],
      affected_systems: [{ description: 'Linux Foundation Kernel < 6.8.2', product: { name: 'Kernel', vendor: { name: 'Linux Foundation', scada: false } }, versions: '< 6.8.2' }],
      cves: [{ name: 'CVE-2024-1086', exploited: true, cwe: 'CWE-416', cvss_v3_1: { score: 9.8, severity: 'critical', vector: CVSS }, cvss_v4_0: null }],
      vendor_advisories: [{ title: 'Kernel advisory', url: 'https://kernel.example.org/advisory' }],
      aliases: ['63492304/25'],
      revision: 2,
    });
    expect(doc.content).toContain('## Solution');
    expect(doc.revisions).toEqual([
      expect.objectContaining({ revision: 1 }),
      expect.objectContaining({ revision: 2, description: 'Exploitation active constatée' }),
    ]);
    const en = (await get(`/bulletins/${slugOf(linux)}.json?language=en`)).json<{ title: string; language: string; risks: { description: string }[] }>();
    expect(en.title).toBe('Privilege escalation in the Linux kernel');
    expect(en.risks[0]?.description).toBe('Privilege escalation');
  });

  it('lists public bulletins in an index, paginated, without withdrawn ones', async () => {
    const all = (await get('/bulletins/index.json')).json<{ items: { reference: string; json_url: string }[]; next: string | null }>();
    expect(all.items.map((i) => i.reference)).toEqual([refOf(closed), refOf(note), refOf(mail), refOf(linux)]);
    expect(all.next).toBeNull();
    const first = (await get('/bulletins/index.json?limit=3')).json<{ items: { reference: string }[]; next: string }>();
    expect(first.items).toHaveLength(3);
    const second = (await get(first.next.replace('http://localhost:8080', ''))).json<{ items: { reference: string }[]; next: string | null }>();
    expect(second.items.map((i) => i.reference)).toEqual([refOf(linux)]);
    expect(second.next).toBeNull();
    const english = (await get('/bulletins/index.json?language=en')).json<{ items: { title: string; json_url: string }[] }>();
    expect(english.items).toEqual([expect.objectContaining({ title: 'Privilege escalation in the Linux kernel', json_url: `http://localhost:8080/bulletins/${slugOf(linux)}.json?language=en` })]);
  });
});

describe('feeds and sitemap', () => {
  it('serve RSS 2.0 with every public bulletin, newest first, and no withdrawn one', async () => {
    const res = await get('/feeds/bulletins.rss');
    expect(res.statusCode).toBe(200);
    expect(res.headers['content-type']).toContain('application/rss+xml');
    const channel = children(children(parseXml(res.body), 'rss')[0], 'channel')[0];
    const items = children(channel, 'item');
    expect(items.map((i) => textOf(children(i, 'link')[0]))).toEqual([closed, note, mail, linux].map((b) => `http://localhost:8080/bulletins/${slugOf(b)}`));
    expect(textOf(children(items[3], 'title')[0])).toBe(`[${refOf(linux)}] Élévation de privilèges dans le noyau Linux`);
  });

  it('serve Atom per kind, per criticality and per language', async () => {
    const alerts = parseXml((await get('/feeds/bulletins.atom?kind=alert')).body);
    const entries = children(children(alerts, 'feed')[0], 'entry');
    expect(entries.map((e) => textOf(children(e, 'id')[0]))).toEqual([closed, mail].map((b) => `http://localhost:8080/bulletins/${slugOf(b)}`));
    const critical = children(children(parseXml((await get('/feeds/bulletins.rss?criticality=critical')).body), 'rss')[0], 'channel')[0];
    expect(children(critical, 'item')).toHaveLength(1);
    const english = children(children(parseXml((await get('/feeds/bulletins.rss?language=en')).body), 'rss')[0], 'channel')[0];
    expect(textOf(children(english, 'language')[0])).toBe('en');
    const titles = children(english, 'item').map((i) => textOf(children(i, 'title')[0]));
    expect(titles).toContain(`[${refOf(linux)}] Privilege escalation in the Linux kernel`);
    expect(titles).toContain(`[${refOf(note)}] Note sur le rançongiciel Zorro`);
  });

  it('show a new publication at once, although rendered feeds are kept in memory', async () => {
    const other = await buildTestApp();
    try {
      await buildPublishedBulletin(other, { texts: { fr: { title: 'Premier bulletin Ibis' } } });
      const before = await other.app.inject({ method: 'GET', url: '/feeds/bulletins.rss' });
      expect(before.body).toContain('Premier bulletin Ibis');
      const again = await other.app.inject({ method: 'GET', url: '/feeds/bulletins.rss', headers: { 'if-none-match': String(before.headers.etag) } });
      expect(again.statusCode).toBe(304);
      // Same instant (the test clock does not move): the cache key must still change.
      await buildPublishedBulletin(other, { texts: { fr: { title: 'Second bulletin Héron' } } });
      const after = await other.app.inject({ method: 'GET', url: '/feeds/bulletins.rss', headers: { 'if-none-match': String(before.headers.etag) } });
      expect(after.statusCode).toBe(200);
      expect(after.body).toContain('Second bulletin Héron');
    } finally {
      await other.close();
    }
  });

  it('are advertised with <link rel="alternate"> on the home page and the list', async () => {
    for (const url of ['/', '/bulletins']) {
      const body = (await get(url)).body;
      expect(body).toMatch(/<link rel="alternate" type="application\/rss\+xml" href="\/feeds\/bulletins\.rss\?language=fr"/);
      expect(body).toMatch(/<link rel="alternate" type="application\/atom\+xml" href="\/feeds\/bulletins\.atom\?language=fr"/);
    }
  });

  it('list public bulletin pages in the sitemap, translations included', async () => {
    const res = await get('/sitemap.xml');
    expect(res.statusCode).toBe(200);
    const locs = children(children(parseXml(res.body), 'urlset')[0], 'url').map((u) => textOf(children(u, 'loc')[0]));
    expect(locs).toContain(`http://localhost:8080/bulletins/${slugOf(linux)}`);
    expect(locs).toContain(`http://localhost:8080/bulletins/${slugOf(linux)}?lang=en`);
    expect(locs).toContain(`http://localhost:8080/bulletins/${slugOf(mail)}`);
    expect(locs.some((l) => l.includes(slugOf(withdrawn)))).toBe(false);
  });
});

describe('the home page', () => {
  it('shows the latest bulletins, the critical ones and the open alerts', async () => {
    const body = (await get('/')).body;
    expect(body).toContain('Derniers bulletins');
    expect(body).toContain('Bulletins critiques');
    expect(body).toContain('Alertes en cours');
    expect(body).toContain(`href="/bulletins/${slugOf(linux)}"`);
    expect(body).toContain(`href="/bulletins/${slugOf(mail)}"`);
    expect(body).not.toContain('Quokka');
  });
});

describe('HTTP caching', () => {
  const cacheCases: [string, () => string][] = [['page', () => `/bulletins/${slugOf(linux)}`], ['list', () => '/bulletins?kind=alert'], ['JSON', () => `/bulletins/${slugOf(linux)}.json`], ['index', () => '/bulletins/index.json'], ['RSS', () => '/feeds/bulletins.rss'], ['Atom', () => '/feeds/bulletins.atom'], ['sitemap', () => '/sitemap.xml'], ['home', () => '/']];
  it.each(cacheCases)(
    '%s: strong ETag and Last-Modified, 304 on If-None-Match and If-Modified-Since, public for five minutes',
    async (_label, url) => {
      const first = await get(url(), { 'accept-language': 'fr' });
      expect(first.statusCode).toBe(200);
      const etag = String(first.headers.etag);
      expect(etag).toMatch(/^"[A-Za-z0-9_-]{20,}"$/);
      expect(first.headers['cache-control']).toBe('public, max-age=300');
      const lastModified = String(first.headers['last-modified']);
      expect(Number.isNaN(Date.parse(lastModified))).toBe(false);
      const again = await get(url(), { 'accept-language': 'fr', 'if-none-match': etag });
      expect(again.statusCode).toBe(304);
      expect(again.body).toBe('');
      const since = await get(url(), { 'accept-language': 'fr', 'if-modified-since': lastModified });
      expect(since.statusCode).toBe(304);
      const stale = await get(url(), { 'accept-language': 'fr', 'if-none-match': '"something-else"' });
      expect(stale.statusCode).toBe(200);
      expect(stale.headers.etag).toBe(etag);
    },
  );

  it('mints no cookie on feeds, JSON and the sitemap, so shared caches can keep them', async () => {
    for (const url of ['/feeds/bulletins.rss', '/feeds/bulletins.atom', '/bulletins/index.json', `/bulletins/${slugOf(linux)}.json`, '/sitemap.xml']) {
      const res = await get(url, {});
      expect(res.statusCode, url).toBe(200);
      expect(res.headers['set-cookie'], url).toBeUndefined();
    }
    // Pages with forms still get their CSRF cookie.
    expect(String((await get('/bulletins', {})).headers['set-cookie'])).toContain('ribat_csrf=');
  });

  it('answers private, no-store to a signed-in viewer', async () => {
    const member = await buildUser(t.database, { roles: ['org_member'] });
    const session = await loginAs(t, member);
    const cookie = Object.entries(session.cookies).map(([k, v]) => `${k}=${v}`).join('; ');
    for (const url of ['/', '/bulletins', `/bulletins/${slugOf(linux)}`, `/bulletins/${slugOf(linux)}.json`, '/bulletins/index.json']) {
      const res = await get(url, { cookie });
      expect(res.statusCode, url).toBe(200);
      expect(res.headers['cache-control'], url).toBe('private, no-store');
    }
  });
});

describe('page weight', () => {
  const css = readFileSync(new URL('../../src/web/assets/ribat.css', import.meta.url)).length + readFileSync(new URL('../../src/web/assets/fonts.css', import.meta.url)).length;
  const weightCases: [string, () => string][] = [['home', () => '/'], ['list', () => '/bulletins'], ['bulletin', () => `/bulletins/${slugOf(linux)}`], ['note', () => `/bulletins/${slugOf(note)}`], ['Arabic bulletin', () => `/bulletins/${slugOf(mail)}?lang=ar`]];
  it.each(weightCases)(
    '%s: HTML and CSS stay under 60 KB, with nothing loaded from another host',
    async (_label, url) => {
      const res = await get(url());
      expect(res.rawPayload.length + css).toBeLessThan(60 * 1024);
      expect(res.body).not.toMatch(/<(?:link|script|img)\b[^>]*(?:href|src)="(?:https?:)?\/\//);
    },
  );
});

describe('PDF', () => {
  it.runIf(t.config.chromiumPath !== null)('prints a bulletin with the system Chromium', async () => {
    const page = await get(`/bulletins/${slugOf(linux)}`);
    expect(page.body).toContain(`/bulletins/${slugOf(linux)}.pdf`);
    const res = await get(`/bulletins/${slugOf(linux)}.pdf`);
    expect(res.statusCode).toBe(200);
    expect(res.headers['content-type']).toBe('application/pdf');
    expect(res.rawPayload.subarray(0, 5).toString('latin1')).toBe('%PDF-');
    const cached = await get(`/bulletins/${slugOf(linux)}.pdf`, { 'if-none-match': String(res.headers.etag) });
    expect(cached.statusCode).toBe(304);
  }, 60_000);

  it('is neither offered nor served without Chromium', async () => {
    const other = await buildTestApp({ RIBAT_CHROMIUM_PATH: 'none' });
    try {
      const built = await buildPublishedBulletin(other, {});
      const slug = built.bulletin.slug ?? '';
      const page = await other.app.inject({ method: 'GET', url: `/bulletins/${slug}` });
      expect(page.statusCode).toBe(200);
      expect(page.body).not.toContain('.pdf');
      expect((await other.app.inject({ method: 'GET', url: `/bulletins/${slug}.pdf` })).statusCode).toBe(404);
    } finally {
      await other.close();
    }
  });
});
