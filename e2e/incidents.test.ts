/**
 * Issue #5's walk-through in a real browser, against `ribat serve` with its job runner sending e-mail to a real SMTP
 * server: a citizen reports a phishing e-mail on the public form (and gets the acknowledgement with a private tracking
 * link); an analyst triages it (fraud / phishing), pastes text to extract indicators and confirms them, assigns it to
 * herself, writes a shared comment that reaches the reporter by e-mail and on the tracking page, and closes it with a
 * disposition; a member of another organisation cannot see it. Every page is checked by axe-core, and for requests to
 * other hosts and CSP violations. Staff MFA is off for this server (enrolment is covered by first-admin.test.ts).
 */
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import type { Browser } from 'playwright-core';
import { launchBrowser, openPage, startRibat, type GuardedPage, type RunningRibat } from './harness';
import { startMailbox, type Mailbox } from '../test/helpers/smtp-mailbox';

const analyst = { email: 'analyste@cert.example.ma', name: 'Mehdi Zniber', password: 'une longue phrase de passe pour le triage 2026' };
const outsider = { email: 'soc@autre.example.ma', name: 'SOC Autre', password: 'another long member passphrase 2026' };
const citizen = 'citoyenne@example.org';
const title = 'Faux courriel de la banque demandant mes codes';

let server: RunningRibat;
let browser: Browser;
let mailbox: Mailbox;
let incidentPath = '';
let trackingPath = '';
let reference = '';

beforeAll(async () => {
  mailbox = await startMailbox();
  server = await startRibat({ env: { RIBAT_MFA_REQUIRED_FOR_STAFF: 'false', RIBAT_SMTP_URL: mailbox.url, RIBAT_JOBS_POLL_MS: '200' } });
  await server.cli(['user', 'create', '--email', analyst.email, '--name', analyst.name, '--role', 'analyst', '--password-stdin'], analyst.password);
  await server.cli(['org', 'create', '--name-fr', 'Autre organisation', '--name-ar', 'هيئة أخرى', '--name-en', 'Other organisation', '--category', 'private-company', '--sector', 'digital-services', '--acronym', 'AUTRE', '--contact', 'Officer <officer@autre.example.ma>']);
  await server.cli(['user', 'create', '--email', outsider.email, '--name', outsider.name, '--role', 'org_member', '--org', 'AUTRE', '--password-stdin'], outsider.password);
  browser = await launchBrowser();
});
afterAll(async () => {
  await browser?.close();
  await server?.stop();
  await mailbox?.close();
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

/** Waits until the job runner has delivered a message to `address` whose subject contains `text`. */
async function mailFor(address: string, text: string): Promise<string> {
  await expect
    .poll(
      async () => {
        await mailbox.flush();
        return mailbox.for(address).some((m) => (m.parsed.subject ?? '').includes(text));
      },
      { timeout: 30_000, interval: 250 },
    )
    .toBe(true);
  const mail = mailbox.for(address).filter((m) => (m.parsed.subject ?? '').includes(text)).at(-1);
  return mail?.parsed.text ?? '';
}

describe('an incident from the public form to its closing', () => {
  it('a citizen reports a phishing e-mail without an account and receives the reference and a tracking link', async () => {
    const g = await openPage(browser, server.baseUrl, { locale: 'fr-FR' });
    try {
      await g.visit('/report');
      await g.page.fill('input[name="reporterName"]', 'Citoyenne');
      await g.page.fill('input[name="reporterEmail"]', citizen);
      await g.page.selectOption('select[name="category"]', 'phishing');
      await g.page.fill('input[name="title"]', title);
      await g.page.fill('textarea[name="description"]', 'Le message renvoie vers hxxps://banque-verification[.]example/connexion et vient de 203.0.113[.]77.');
      await submitIn(g, 'main form[method="post"] button[type="submit"]');
      await g.check('report sent');
      const body = await g.page.locator('main').innerText();
      reference = /INC-\d{4}-\d{5}/.exec(body)?.[0] ?? '';
      expect(reference).not.toBe('');
      // The private link is never shown on the page, only e-mailed.
      expect(body).not.toContain('/report/track/');
    } finally {
      await g.close();
    }
    const ack = await mailFor(citizen, reference);
    trackingPath = new URL(/https?:\/\/\S+\/report\/track\/[A-Za-z0-9_-]+/.exec(ack)?.[0] ?? 'http://x/none').pathname;
    expect(trackingPath).toMatch(/^\/report\/track\/[A-Za-z0-9_-]{40,}$/);
  });

  it('an analyst triages it as fraud / phishing, confirms the indicators found in pasted text, and assigns it to herself', async () => {
    const g = await openPage(browser, server.baseUrl, { locale: 'fr-FR' });
    try {
      await signIn(g, analyst);
      await g.visit('/console/incidents');
      await submitIn(g, `main a:has-text("${reference}")`);
      await g.check('incident page');
      incidentPath = new URL(g.page.url()).pathname;
      expect(incidentPath).toMatch(/^\/console\/incidents\/[0-9a-f-]+$/);

      await g.page.selectOption('select[name="classifications.0.class"]', 'fraud');
      await g.page.selectOption('select[name="classifications.0.type"]', 'fraud.phishing');
      await g.page.selectOption('select[name="severity"]', 'limite');
      await submitIn(g, `form[action="${incidentPath}"] button[type="submit"]`);
      await g.check('after triage');
      expect(await g.page.locator('main').innerText()).toContain('Hameçonnage');

      await g.page.fill('textarea[name="text"]', 'Vu dans le courriel : hxxps://banque-verification[.]example/connexion, relais 203.0.113[.]77, expéditeur alerte@banque-verification[.]example');
      await submitIn(g, `form[action="${incidentPath}/indicators/preview"] button[type="submit"]`);
      await g.check('indicator preview');
      expect(await g.page.locator('input[name="indicator"]').count()).toBe(3);
      await submitIn(g, `form[action="${incidentPath}/indicators"] button[type="submit"]`);
      await g.check('indicators added');
      const indicators = await g.page.locator('main').innerText();
      // Shown defanged.
      expect(indicators).toContain('203.0.113[.]77');
      expect(indicators).toContain('hxxps://banque-verification[.]example/connexion');

      await submitIn(g, `form[action="${incidentPath}/assign"] button[name="assigneeId"][value="me"], form[action="${incidentPath}/assign"]:has(input[value="me"]) button[type="submit"]`);
      await g.check('assigned');
      expect(await g.page.locator('main').innerText()).toContain(analyst.name);
    } finally {
      await g.close();
    }
  });

  it('a shared comment reaches the reporter by e-mail and on the tracking page; the analyst closes the incident', async () => {
    const g = await openPage(browser, server.baseUrl, { locale: 'fr-FR' });
    try {
      await signIn(g, analyst);
      await g.visit(incidentPath);
      await g.page.check(`form[action="${incidentPath}/comments"] input[name="visibility"][value="shared"]`);
      await g.page.fill(`form[action="${incidentPath}/comments"] textarea[name="body"]`, 'Merci : le faux site a été signalé à son hébergeur. Ne communiquez pas vos codes.');
      await submitIn(g, `form[action="${incidentPath}/comments"] button[type="submit"]`);
      await g.check('comment added');

      await g.page.selectOption(`form[action="${incidentPath}/status"] select[name="disposition"]`, 'confirmed');
      await submitIn(g, `form[action="${incidentPath}/status"]:has(select[name="disposition"]) button[type="submit"]`);
      await g.check('closed');
      expect(await g.page.locator('main').innerText()).toMatch(/Clos|Clôturé|Fermé/);
    } finally {
      await g.close();
    }
    const message = await mailFor(citizen, 'CERT');
    expect(message).toContain('signalé à son hébergeur');

    const r = await openPage(browser, server.baseUrl, { locale: 'fr-FR', javaScriptEnabled: false });
    try {
      await r.visit(trackingPath);
      const page = await r.page.locator('main').innerText();
      expect(page).toContain(reference);
      expect(page).toContain('signalé à son hébergeur');
    } finally {
      await r.close();
    }
  });

  it('the public form reads right to left in Arabic and works without JavaScript', async () => {
    const g = await openPage(browser, server.baseUrl, { locale: 'ar-MA', javaScriptEnabled: false });
    try {
      await g.visit('/report?lang=ar');
      expect(await g.page.locator('html').getAttribute('dir')).toBe('rtl');
      expect(await g.page.locator('html').getAttribute('lang')).toBe('ar');
      // What the browser accepts but the server refuses: a detection time in the future.
      await g.page.fill('input[name="reporterEmail"]', 'mouwatin@example.org');
      await g.page.fill('input[name="title"]', 'رسالة احتيالية');
      await g.page.fill('textarea[name="description"]', 'وصلتني رسالة تطلب رمزي البنكي.');
      await g.page.fill('input[name="detectedAt"]', '2099-01-01T10:00');
      await submitIn(g, 'main form[method="post"] button[type="submit"]');
      await g.check('refused in Arabic');
      expect(await g.page.inputValue('input[name="title"]')).toBe('رسالة احتيالية');
      // Errors come back on their fields, in Arabic, the typed page still right to left.
      expect(await g.page.locator('html').getAttribute('dir')).toBe('rtl');
      expect(await g.page.locator('.error-summary').count()).toBeGreaterThan(0);
      expect(await g.page.locator('.error-summary').innerText()).toMatch(/[\u0600-\u06FF]/);
    } finally {
      await g.close();
    }
  });

  it('a member of another organisation cannot see it, in the portal or by its address', async () => {
    const g = await openPage(browser, server.baseUrl, { locale: 'fr-FR' });
    try {
      await signIn(g, outsider);
      await g.visit('/portal/incidents');
      expect(await g.page.locator('main').innerText()).not.toContain(reference);
      const direct = await g.page.goto(incidentPath);
      expect(direct?.status()).toBe(404);
      const portalDirect = await g.page.goto(incidentPath.replace('/console/', '/portal/'));
      expect(portalDirect?.status()).toBe(404);
    } finally {
      await g.close();
    }
  });
});
