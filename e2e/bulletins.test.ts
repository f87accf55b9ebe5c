/**
 * Issue #3's walk-through in a real browser: an author writes a bulletin in the console editor (the CVSS score
 * appears as the vector is typed, errors sit on their field), saves and submits it; a reviewer approves and
 * publishes it; the public sees it in the list, the search, its page (French and, right to left, Arabic with the
 * missing-translation notice) and the RSS feed, all without JavaScript too. Every page is checked by axe-core.
 * Staff MFA is turned off for this server (RIBAT_MFA_REQUIRED_FOR_STAFF=false): enrolment is covered by
 * first-admin.test.ts.
 */
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import type { Browser } from 'playwright-core';
import { artifactPath, launchBrowser, openPage, startRibat, type GuardedPage, type RunningRibat } from './harness';

const author = { email: 'redaction@cert.example.ma', name: 'Khadija Sebti', password: 'une phrase de passe assez longue 2026' };
const reviewer = { email: 'relecture@cert.example.ma', name: 'Yassine Haddad', password: 'another long review passphrase 2026' };
const title = 'Vulnérabilité critique dans Exemplar Gateway';
const vector = 'CVSS:3.1/AV:N/AC:L/PR:N/UI:N/S:U/C:H/I:H/A:H';

let server: RunningRibat;
let browser: Browser;
let bulletinPath = '';
let publicPath = '';

beforeAll(async () => {
  server = await startRibat({ env: { RIBAT_MFA_REQUIRED_FOR_STAFF: 'false' } });
  // The first start prints a set-up link; the CLI can create staff directly.
  await server.cli(['user', 'create', '--email', author.email, '--name', author.name, '--role', 'author', '--password-stdin'], author.password);
  await server.cli(['user', 'create', '--email', reviewer.email, '--name', reviewer.name, '--role', 'reviewer', '--password-stdin'], reviewer.password);
  browser = await launchBrowser();
});
afterAll(async () => {
  await browser?.close();
  await server?.stop();
});

async function submitIn(g: GuardedPage, selector: string): Promise<void> {
  await Promise.all([g.page.waitForNavigation(), g.page.locator(selector).first().click()]);
}

async function signIn(g: GuardedPage, who: { email: string; password: string }): Promise<void> {
  await g.visit('/login');
  await g.page.fill('input[name="email"]', who.email);
  await g.page.fill('input[name="password"]', who.password);
  await submitIn(g, 'main form[method="post"] button[type="submit"]');
  await g.check('after sign-in');
}

describe('a bulletin from the editor to the public site', () => {
  it('the author writes it: live CVSS score, an error on its field, then saved and submitted', async () => {
    const g = await openPage(browser, server.baseUrl, { locale: 'fr-FR' });
    try {
      await signIn(g, author);
      await g.visit('/console/bulletins/new');
      await g.page.check('input[name="kind"][value="bulletin"]');
      await g.page.selectOption('select[name="originalLanguage"]', 'fr');
      await submitIn(g, 'main form[action="/console/bulletins/new"] button[type="submit"]');
      await g.check('editor');
      expect(new URL(g.page.url()).pathname).toMatch(/^\/console\/bulletins\/[0-9a-f-]+\/edit$/);
      bulletinPath = new URL(g.page.url()).pathname.replace(/\/edit$/, '');

      await g.page.fill('[name="texts.fr.title"]', title);
      await g.page.fill('[name="texts.fr.summary"]', "Une injection de commande permet l'exécution de code à distance sans authentification.");
      await g.page.fill('[name="texts.fr.description"]', "La passerelle **Exemplar** ne filtre pas un paramètre de l'interface d'administration.");
      await g.page.fill('[name="texts.fr.solution"]', 'Mettre à jour vers la version 4.2.1.');
      await g.page.selectOption('select[name="criticality"]', 'critical');
      await g.page.check('input[name="risks"][value="remote-code-execution"]');
      await g.page.fill('[name="affected.0.vendor"]', 'Exemplar');
      await g.page.fill('[name="affected.0.product"]', 'Gateway');
      await g.page.fill('[name="affected.0.versions"]', '< 4.2.1');
      // A malformed CVE first: the error must come back on that field.
      await g.page.fill('[name="cves.0.id"]', 'CVE-26-1');
      await g.page.fill('[name="cves.0.cvss31"]', vector);
      // The score is computed in the page as the vector is typed (progressive enhancement).
      await expect.poll(async () => g.page.locator('output.cvss-score').first().innerText(), { timeout: 10_000 }).toContain('9.8');
      await submitIn(g, 'button[name="_action"][value="save"]:not(.visually-hidden)');
      await g.check('editor with an error');
      const summary = await g.page.locator('.error-summary').first().innerText();
      expect(summary.length).toBeGreaterThan(0);
      const errorLink = g.page.locator('.error-summary a[href*="cves"]');
      expect(await errorLink.count()).toBeGreaterThan(0);

      await g.page.fill('[name="cves.0.id"]', 'CVE-2026-12345');
      await g.page.fill('[name="changeSummary"]', '').catch(() => undefined);
      await submitIn(g, 'button[name="_action"][value="submit"]');
      await g.check('after submitting');
      await g.visit(bulletinPath);
      const body = await g.page.locator('main').innerText();
      expect(body).toContain(title);
      await g.page.screenshot({ path: artifactPath('bulletin-in-review.png'), fullPage: true });
    } finally {
      await g.close();
    }
  });

  it('the reviewer approves and publishes it', async () => {
    const g = await openPage(browser, server.baseUrl, { locale: 'fr-FR' });
    g.page.on('dialog', (dialog) => void dialog.accept());
    try {
      await signIn(g, reviewer);
      await g.visit(bulletinPath);
      await submitIn(g, `form[action="${bulletinPath}/approve"] button[type="submit"]`);
      await g.check('approved');
      await submitIn(g, `form[action="${bulletinPath}/publish"] button[type="submit"]`);
      await g.check('published');
      const body = await g.page.locator('main').innerText();
      expect(body).toMatch(/RIBAT-\d{4}-BUL-0001/);
    } finally {
      await g.close();
    }
  });

  it('the public finds it in the list, the search and the feed, and reads it in French', async () => {
    const g = await openPage(browser, server.baseUrl, { locale: 'fr-FR' });
    try {
      await g.visit('/bulletins?q=vulnerabilite+exemplar');
      const link = g.page.locator(`main a:has-text("${title}")`).first();
      expect(await link.count()).toBe(1);
      publicPath = (await link.getAttribute('href')) ?? '';
      expect(publicPath).toMatch(/^\/bulletins\/ribat-\d{4}-bul-0001/);
      await g.visit(publicPath);
      const main = await g.page.locator('main').innerText();
      expect(main).toContain('CVE-2026-12345');
      expect(main).toContain('9.8');
      expect(main).toContain('Exemplar');
      const feed = await g.page.request.get('/feeds/bulletins.rss');
      expect(feed.status()).toBe(200);
      expect(await feed.text()).toContain(title);
    } finally {
      await g.close();
    }
  });

  it('reads it right to left in Arabic, with the notice that the translation is missing', async () => {
    const g = await openPage(browser, server.baseUrl, { locale: 'ar-MA' });
    try {
      await g.visit(`${publicPath}?lang=ar`);
      expect(await g.page.getAttribute('html', 'dir')).toBe('rtl');
      const direction = await g.page.evaluate(() => getComputedStyle(document.querySelector('main') as Element).direction);
      expect(direction).toBe('rtl');
      expect(await g.page.locator('main').innerText()).toContain(title);
      expect(await g.page.locator('main [lang="fr"]').count()).toBeGreaterThan(0);
      await g.page.screenshot({ path: artifactPath('bulletin-ar.png'), fullPage: true });
    } finally {
      await g.close();
    }
  });

  it('works without JavaScript', async () => {
    const g = await openPage(browser, server.baseUrl, { javaScriptEnabled: false, locale: 'fr-FR' });
    try {
      await g.visit('/bulletins?kind=bulletin&criticality=critical');
      expect(await g.page.locator(`main a:has-text("${title}")`).count()).toBe(1);
      await g.visit(publicPath);
      expect(await g.page.locator('h1').innerText()).toContain(title);
    } finally {
      await g.close();
    }
  });
});
