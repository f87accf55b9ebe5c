/**
 * The public pages in a real browser, in French, Arabic and English: accessible (axe-core), self-contained
 * (no request leaves the server, no CSP violation), right to left in Arabic with the Arabic font, keyboard
 * first (the skip link), and working without JavaScript.
 */
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import type { Browser } from 'playwright-core';
import { launchBrowser, openPage, startRibat, type GuardedPage, type RunningRibat } from './harness';

const pages = ['/', '/bulletins', '/report', '/stats', '/api/docs', '/login'];

let server: RunningRibat;
let browser: Browser;
beforeAll(async () => {
  server = await startRibat();
  browser = await launchBrowser();
});
afterAll(async () => {
  await browser?.close();
  await server?.stop();
});

describe.each(['fr', 'ar', 'en'] as const)('public pages in %s', (lang) => {
  let guarded: GuardedPage;
  beforeAll(async () => {
    guarded = await openPage(browser, server.baseUrl);
  });
  afterAll(async () => {
    await guarded.close();
  });

  it.each(pages)('%s is accessible, self-contained and in the right language and direction', async (path) => {
    await guarded.visit(`${path}?lang=${lang}`);
    const { page } = guarded;
    expect(await page.getAttribute('html', 'lang')).toBe(lang);
    expect(await page.getAttribute('html', 'dir')).toBe(lang === 'ar' ? 'rtl' : 'ltr');
    const direction = await page.evaluate(() => {
      const main = document.querySelector('main');
      return main ? getComputedStyle(main).direction : null;
    });
    expect(direction).toBe(lang === 'ar' ? 'rtl' : 'ltr');
  });

  it('puts the skip link first in the keyboard order', async () => {
    await guarded.visit(`/?lang=${lang}`);
    await guarded.page.keyboard.press('Tab');
    const focused = await guarded.page.evaluate(() => ({ cls: document.activeElement?.className ?? '', href: document.activeElement?.getAttribute('href') ?? '' }));
    expect(focused.cls).toContain('skip-link');
    expect(focused.href).toBe('#main');
  });

  if (lang === 'ar') {
    it('loads the self-hosted Arabic font face', async () => {
      await guarded.visit('/?lang=ar');
      const font = await guarded.page.evaluate(async () => {
        await document.fonts.load('16px "Noto Sans Arabic"', 'مرحبا');
        await document.fonts.ready;
        const faces: FontFace[] = [];
        document.fonts.forEach((f) => {
          if (f.family.replace(/["']/g, '') === 'Noto Sans Arabic') faces.push(f);
        });
        return { check: document.fonts.check('16px "Noto Sans Arabic"', 'مرحبا'), loaded: faces.some((f) => f.status === 'loaded'), faces: faces.length };
      });
      expect(font.faces).toBeGreaterThan(0);
      expect(font.loaded).toBe(true);
      expect(font.check).toBe(true);
    });
  }
});

describe('without JavaScript', () => {
  it.each(['/', '/login', '/?lang=ar'])('%s renders fully', async (path) => {
    const guarded = await openPage(browser, server.baseUrl, { javaScriptEnabled: false });
    try {
      await guarded.visit(path);
      expect(await guarded.page.locator('h1').count()).toBeGreaterThan(0);
      if (path === '/login') {
        expect(await guarded.page.locator('form[method="post"] input[name="email"]').count()).toBe(1);
        expect(await guarded.page.locator('form[method="post"] input[name="password"]').count()).toBe(1);
      }
    } finally {
      await guarded.close();
    }
  });
});
