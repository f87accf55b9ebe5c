/**
 * Issue #2's walk-through in a real browser: the one-time set-up link creates the first administrator, who
 * signs in, is made to enrol TOTP (the code is computed here from the secret the page shows), keeps the
 * recovery codes, creates an organisation and a user in it, switches the console to Arabic (right to left),
 * signs out and is sent back to the sign-in page. Every page on the way is checked by axe-core.
 */
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import type { Browser } from 'playwright-core';
import * as OTPAuth from 'otpauth';
import { artifactPath, launchBrowser, openPage, startRibat, type GuardedPage, type RunningRibat } from './harness';

const admin = { email: 'admin@cert.example.ma', name: 'Amina Admin', password: 'a long and unusual passphrase 2025' };
const organisation = { fr: 'Agence Nationale des Ports Test', ar: 'الوكالة الوطنية للموانئ', en: 'National Ports Agency Test', acronym: 'ANPT' };
const member = { email: 'salma@anpt.example.ma', name: 'Salma Bennani' };

let server: RunningRibat;
let browser: Browser;
let g: GuardedPage;
beforeAll(async () => {
  server = await startRibat();
  browser = await launchBrowser();
  g = await openPage(browser, server.baseUrl);
});
afterAll(async () => {
  await g?.close();
  await browser?.close();
  await server?.stop();
});

/** Submits the form holding `selector`'s element and waits for the next page. */
async function submit(selector = 'main form[method="post"] button[type="submit"]'): Promise<void> {
  await Promise.all([g.page.waitForNavigation(), g.page.locator(selector).first().click()]);
}

function path(): string {
  return new URL(g.page.url()).pathname;
}

/** The error summary of the page, if any, to explain an unexpected re-rendered form. */
async function errorSummary(): Promise<string> {
  const summary = g.page.locator('.error-summary');
  return (await summary.count()) > 0 ? await summary.first().innerText() : '(no error summary)';
}

describe('first administrator, from the set-up link to the Arabic console', () => {
  it('prints a one-time set-up link on the first start', () => {
    expect(server.setupLink, server.output()).toMatch(/\/setup\/[A-Za-z0-9_-]{20,}$/);
  });

  it('creates the first administrator through the set-up link', async () => {
    await g.visit(server.setupLink ?? '');
    await g.page.fill('input[name="email"]', admin.email);
    await g.page.fill('input[name="display_name"]', admin.name);
    await g.page.fill('input[name="password"]', admin.password);
    await g.page.fill('input[name="password_confirmation"]', admin.password);
    await submit();
    await g.check('after set-up');
    expect(path()).toBe('/login');
  });

  it('signs in and is made to enrol two-factor authentication', async () => {
    await g.page.fill('input[name="email"]', admin.email);
    await g.page.fill('input[name="password"]', admin.password);
    await submit();
    await g.check('MFA enrolment');
    expect(path()).toBe('/account/mfa/setup');
  });

  it('confirms TOTP with a code computed from the manual-entry secret and sees the recovery codes', async () => {
    const secret = (await g.page.locator('code.token-once').first().innerText()).replace(/\s+/g, '');
    expect(secret).toMatch(/^[A-Z2-7]{16,}$/);
    const totp = new OTPAuth.TOTP({ secret: OTPAuth.Secret.fromBase32(secret), digits: 6, period: 30, algorithm: 'SHA1' });
    await g.page.fill('input[name="code"]', totp.generate());
    await submit();
    await g.check('recovery codes');
    const codes = await g.page.locator('ul.codes code').allInnerTexts();
    expect(codes.length).toBeGreaterThanOrEqual(8);
    expect(new Set(codes).size).toBe(codes.length);
  });

  it('opens the console', async () => {
    await g.visit('/console');
    expect(path()).toBe('/console');
    expect(await g.page.locator('h1').count()).toBeGreaterThan(0);
  });

  it('creates an organisation by filling the form', async () => {
    await g.visit('/console/organisations/new');
    await g.page.fill('input[name="name_fr"]', organisation.fr);
    await g.page.fill('input[name="name_ar"]', organisation.ar);
    await g.page.fill('input[name="name_en"]', organisation.en);
    await g.page.fill('input[name="acronym"]', organisation.acronym);
    await g.page.fill('input[name="contact_0_name"]', 'Youssef Alaoui');
    await g.page.fill('input[name="contact_0_email"]', 'rssi@anpt.example.ma');
    for (const select of ['category', 'sector']) {
      const value = await g.page.locator(`select[name="${select}"] option:not([value=""])`).first().getAttribute('value');
      await g.page.selectOption(`select[name="${select}"]`, value ?? '');
    }
    await submit();
    await g.check('organisation created');
    expect(path(), await errorSummary()).toMatch(/^\/console\/organisations\/[0-9a-f-]{36}$/);
    expect(await g.page.locator('main').innerText()).toContain(organisation.fr);
  });

  it('creates a user in that organisation', async () => {
    await g.visit('/console/users/new');
    await g.page.fill('input[name="email"]', member.email);
    await g.page.fill('input[name="displayName"]', member.name);
    await g.page.check('input[name="roles"][value="org_member"]');
    const option = g.page.locator('select[name="organisationId"] option', { hasText: `(${organisation.acronym})` }).first();
    await g.page.selectOption('select[name="organisationId"]', (await option.getAttribute('value')) ?? '');
    await submit();
    await g.check('user created');
    expect(path(), await errorSummary()).toMatch(/^\/console\/users\/[0-9a-f-]{36}$/);
    expect(await g.page.locator('main').innerText()).toContain(member.email);
  });

  it('switches the console to Arabic with the language link: right to left, mirrored', async () => {
    await g.visit('/console');
    await Promise.all([g.page.waitForNavigation(), g.page.locator('nav.lang-switch a[hreflang="ar"]').click()]);
    await g.check('Arabic console');
    expect(await g.page.getAttribute('html', 'dir')).toBe('rtl');
    expect(await g.page.getAttribute('html', 'lang')).toBe('ar');
    expect(await g.page.evaluate(() => getComputedStyle(document.body).direction)).toBe('rtl');
    await g.page.setViewportSize({ width: 1280, height: 900 });
    await g.page.screenshot({ path: artifactPath('console-ar.png'), fullPage: true });
    await g.visit('/console/organisations');
    await g.page.screenshot({ path: artifactPath('console-organisations-ar.png'), fullPage: true });
  });

  it('shows the sign-out control legibly in the header (text contrast of at least 4.5:1)', async () => {
    // axe-core leaves text whose colour equals its background out of the contrast rule, so measure it here.
    const ratio = await g.page.evaluate(() => {
      const button = document.querySelector('form[action="/logout"] button');
      const header = document.querySelector('header.site-header');
      if (!button || !header) return 0;
      const rgb = (css: string): number[] => (css.match(/\d+(\.\d+)?/g) ?? []).slice(0, 3).map(Number);
      const luminance = (css: string): number => {
        const [r = 0, g = 0, b = 0] = rgb(css).map((v) => {
          const c = v / 255;
          return c <= 0.03928 ? c / 12.92 : ((c + 0.055) / 1.055) ** 2.4;
        });
        return 0.2126 * r + 0.7152 * g + 0.0722 * b;
      };
      let bg = getComputedStyle(button).backgroundColor;
      if (bg === 'rgba(0, 0, 0, 0)' || bg === 'transparent') bg = getComputedStyle(header).backgroundColor;
      const [l1, l2] = [luminance(getComputedStyle(button).color), luminance(bg)].sort((a, b) => b - a);
      return ((l1 ?? 0) + 0.05) / ((l2 ?? 0) + 0.05);
    });
    expect(ratio, 'contrast of the header sign-out button text against the header background').toBeGreaterThanOrEqual(4.5);
  });

  it('signs out, after which the console sends the browser to the sign-in page', async () => {
    await submit('form[action="/logout"] button[type="submit"]');
    await g.check('signed out');
    await g.visit('/console');
    expect(path()).toBe('/login');
  });
});
