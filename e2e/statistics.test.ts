/**
 * Issue #6's browser test: the public annual report in Arabic, right to left, with the computed headline and charts
 * drawn on the server, each followed by its data table; the same page works without JavaScript. Data: `ribat demo`
 * (a year of incidents, about half of them cleared for publication, and ten published bulletins). Every page is
 * checked by axe-core and for requests to other hosts and CSP violations.
 */
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import type { Browser } from 'playwright-core';
import { launchBrowser, openPage, startRibat, type RunningRibat } from './harness';

let server: RunningRibat;
let browser: Browser;
const year = new Date().getUTCFullYear();

beforeAll(async () => {
  server = await startRibat({ env: { RIBAT_MFA_REQUIRED_FOR_STAFF: 'false' } });
  await server.cli(['demo']);
  browser = await launchBrowser();
});
afterAll(async () => {
  await browser?.close();
  await server?.stop();
});

describe('public annual report', () => {
  it('shows the headline and the charts right to left in Arabic, each with its data table', async () => {
    const g = await openPage(browser, server.baseUrl);
    try {
      await g.visit(`/stats/${year}?lang=ar`);
      const page = g.page;
      expect(await page.locator('html').getAttribute('dir')).toBe('rtl');
      expect(await page.locator('html').getAttribute('lang')).toBe('ar');
      // The headline: an Arabic sentence with the year and the computed figures (Latin digits, as Moroccan statistics use).
      const headline = (await page.locator('.stat-headline__sentence').textContent()) ?? '';
      expect(headline).toContain(String(year));
      expect(headline).toMatch(/حادث|حوادث/);
      expect(headline).toMatch(/نشر/);
      // Charts: server-drawn SVG images with an accessible name, each followed by a table of the same data.
      const figures = page.locator('figure.chart');
      expect(await figures.count()).toBeGreaterThanOrEqual(4);
      for (let i = 0; i < (await figures.count()); i++) {
        const figure = figures.nth(i);
        await expect.poll(() => figure.locator('svg[role="img"]').count()).toBe(1);
        expect(await figure.locator('table tbody tr').count()).toBeGreaterThan(0);
        const named = await figure.locator('svg[role="img"]').evaluate((svg) => {
          const id = svg.getAttribute('aria-labelledby') ?? '';
          return id !== '' && (document.getElementById(id.split(' ')[0] ?? '')?.textContent ?? '').trim().length > 0;
        });
        expect(named).toBe(true);
      }
      // Right to left: in the month-by-month chart the first month is drawn to the right of the last one, and the
      // table's first column (the month) is on the right.
      // The first line chart of the page is the month-by-month one.
      const chart = page.locator('figure.chart--line').first();
      const positions = await chart.evaluate((figure) => {
        const rows = Array.from(figure.querySelectorAll('tbody th[scope="row"]')).map((th) => (th.textContent ?? '').trim());
        const texts = Array.from(figure.querySelectorAll('svg text'));
        const x = (label: string | undefined): number | null => {
          const node = texts.find((t) => (t.textContent ?? '').trim() === label);
          return node ? node.getBoundingClientRect().x : null;
        };
        const headers = Array.from(figure.querySelectorAll('thead th')).map((th) => th.getBoundingClientRect().x);
        return { first: x(rows[0]), last: x(rows[rows.length - 1]), rows: rows.length, headerFirst: headers[0] ?? 0, headerLast: headers[headers.length - 1] ?? 0 };
      });
      expect(positions.rows).toBeGreaterThan(1);
      expect(positions.first).not.toBeNull();
      expect(positions.last).not.toBeNull();
      expect(positions.first ?? 0).toBeGreaterThan(positions.last ?? 0);
      expect(positions.headerFirst).toBeGreaterThan(positions.headerLast);
      // Each figure's definition is shown beside it.
      expect(await page.locator('.stat-definition').count()).toBeGreaterThanOrEqual(4);
      // The JSON of the same figures is linked, and its headline matches the page's.
      const json = (await (await page.request.get(`/stats/${year}.json`)).json()) as { headline: { sentences: { ar: string } } | null; scope: string };
      expect(json.scope).toBe('public');
      expect(json.headline?.sentences.ar).toBe(headline.trim());
    } finally {
      await g.close();
    }
  });

  it('works without JavaScript: the same headline, charts and tables', async () => {
    const g = await openPage(browser, server.baseUrl, { javaScriptEnabled: false });
    try {
      await g.visit(`/stats/${year}?lang=ar`);
      expect(await g.page.locator('html').getAttribute('dir')).toBe('rtl');
      expect(((await g.page.locator('.stat-headline__sentence').textContent()) ?? '').length).toBeGreaterThan(10);
      expect(await g.page.locator('figure.chart svg[role="img"]').count()).toBeGreaterThanOrEqual(4);
      expect(await g.page.locator('figure.chart table').count()).toBe(await g.page.locator('figure.chart').count());
    } finally {
      await g.close();
    }
  });
});
