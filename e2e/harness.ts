/**
 * Browser-test harness: starts the real server (`node bin/ribat.js serve`) on a free port with a fresh data
 * folder, drives Debian's Chromium through playwright-core (never a downloaded browser), and checks every page
 * a test visits: no serious or critical axe-core violation, no request to another host, no CSP violation.
 */
import { spawn, type ChildProcessByStdio } from 'node:child_process';
import { mkdirSync, mkdtempSync, rmSync } from 'node:fs';
import { createServer } from 'node:net';
import os from 'node:os';
import path from 'node:path';
import type { Readable } from 'node:stream';
import { fileURLToPath } from 'node:url';
import { chromium, type Browser, type BrowserContext, type BrowserContextOptions, type Page } from 'playwright-core';
import { AxeBuilder } from '@axe-core/playwright';

const repoRoot = fileURLToPath(new URL('..', import.meta.url));

/** Where screenshots go (gitignored). */
export const artifactsDir = path.join(repoRoot, 'e2e', 'artifacts');

/** The flags Chromium needs here: root without a sandbox, headless, and no calls home on a closed network. */
export const chromiumArgs = ['--no-sandbox', '--headless', '--disable-gpu', '--disable-background-networking', '--disable-component-update', '--disable-sync', '--no-first-run', '--disable-quic'];

async function freePort(): Promise<number> {
  return new Promise((resolve, reject) => {
    const server = createServer();
    server.once('error', reject);
    server.listen(0, '127.0.0.1', () => {
      const address = server.address();
      const port = typeof address === 'object' && address ? address.port : 0;
      server.close(() => resolve(port));
    });
  });
}

export interface RunningRibat {
  baseUrl: string;
  /** The one-time set-up link printed on the first start (null when an administrator already exists). */
  setupLink: string | null;
  /** Everything the server printed, for failure messages. */
  output(): string;
  /** Runs `ribat <args>` on the same data folder (standard input optional); resolves with its output, rejects on failure. */
  cli(args: string[], stdin?: string): Promise<string>;
  stop(): Promise<void>;
}

/** Settings a test adds to the server's environment (e.g. RIBAT_MFA_REQUIRED_FOR_STAFF=false). */
export interface StartOptions {
  env?: Record<string, string>;
}

/** Starts `ribat serve` on SQLite in a temporary folder and waits until /readyz answers and the start banner is out. */
export async function startRibat(options: StartOptions = {}): Promise<RunningRibat> {
  const port = await freePort();
  const dataDir = mkdtempSync(path.join(os.tmpdir(), 'ribat-e2e-'));
  const baseUrl = `http://127.0.0.1:${port}`;
  const env = {
    PATH: process.env.PATH ?? '',
    HOME: process.env.HOME ?? dataDir,
    RIBAT_DATA_DIR: dataDir,
    RIBAT_PORT: String(port),
    RIBAT_PUBLIC_URL: baseUrl,
    RIBAT_HOST: '127.0.0.1',
    RIBAT_JOBS_POLL_MS: '200',
    RIBAT_LOG_LEVEL: 'warn',
    ...options.env,
  };
  const child: ChildProcessByStdio<null, Readable, Readable> = spawn(process.execPath, ['bin/ribat.js', 'serve'], {
    cwd: repoRoot,
    env,
    stdio: ['ignore', 'pipe', 'pipe'],
  });
  let out = '';
  child.stdout.on('data', (chunk: Buffer) => (out += chunk.toString('utf8')));
  child.stderr.on('data', (chunk: Buffer) => (out += chunk.toString('utf8')));
  const exited = new Promise<number | null>((resolve) => child.once('exit', (code) => resolve(code)));

  const deadline = Date.now() + 60_000;
  let ready = false;
  while (!ready) {
    if (child.exitCode !== null) throw new Error(`ribat serve exited with ${child.exitCode}:\n${out}`);
    if (Date.now() > deadline) {
      child.kill('SIGKILL');
      throw new Error(`ribat serve was not ready within 60 s:\n${out}`);
    }
    try {
      const res = await fetch(`${baseUrl}/readyz`);
      ready = res.status === 200 && out.includes('Ribat is serving');
    } catch {
      // not listening yet
    }
    if (!ready) await new Promise((r) => setTimeout(r, 100));
  }
  // On a fresh data folder the set-up link is printed right after the banner.
  const linkPattern = /(http:\/\/127\.0\.0\.1:\d+\/setup\/[A-Za-z0-9_-]+)/;
  const linkDeadline = Date.now() + 10_000;
  while (!linkPattern.test(out) && Date.now() < linkDeadline) await new Promise((r) => setTimeout(r, 50));
  const setupLink = linkPattern.exec(out)?.[1] ?? null;
  return {
    baseUrl,
    setupLink,
    output: () => out,
    cli: (args, stdin) =>
      new Promise((resolve, reject) => {
        const run = spawn(process.execPath, ['bin/ribat.js', ...args], { cwd: repoRoot, env, stdio: ['pipe', 'pipe', 'pipe'] });
        let text = '';
        run.stdout.on('data', (chunk: Buffer) => (text += chunk.toString('utf8')));
        run.stderr.on('data', (chunk: Buffer) => (text += chunk.toString('utf8')));
        run.stdin.end(stdin ?? '');
        run.once('exit', (code) => (code === 0 ? resolve(text) : reject(new Error(`ribat ${args.join(' ')} exited with ${code}:\n${text}`))));
      }),
    async stop() {
      if (child.exitCode === null) {
        child.kill('SIGTERM');
        const timer = setTimeout(() => child.kill('SIGKILL'), 10_000);
        await exited;
        clearTimeout(timer);
      }
      rmSync(dataDir, { recursive: true, force: true });
    },
  };
}

/** Launches the system Chromium (fails with a clear message when it is missing). */
export async function launchBrowser(): Promise<Browser> {
  return chromium.launch({ executablePath: '/usr/bin/chromium', headless: true, args: chromiumArgs });
}

/** A page whose every navigation is checked for accessibility, foreign requests and CSP violations. */
export interface GuardedPage {
  page: Page;
  context: BrowserContext;
  /** Navigates and checks the page. */
  visit(url: string): Promise<void>;
  /** Checks the page the browser is on now (after a click or a form submission). */
  check(label?: string): Promise<void>;
  close(): Promise<void>;
}

/** Opens a context and a page on the server, with the guards attached. */
export async function openPage(browser: Browser, baseUrl: string, options: BrowserContextOptions = {}): Promise<GuardedPage> {
  const context = await browser.newContext({ baseURL: baseUrl, ...options });
  const page = await context.newPage();
  const host = new URL(baseUrl).host;
  const foreign: string[] = [];
  const cspViolations: string[] = [];
  const pageErrors: string[] = [];
  page.on('request', (request) => {
    const url = new URL(request.url());
    if (['data:', 'blob:', 'about:'].includes(url.protocol)) return;
    if (url.host !== host) foreign.push(request.url());
  });
  page.on('console', (message) => {
    const text = message.text();
    if (/Content[- ]Security[- ]Policy|Refused to (load|execute|apply|connect|frame)/i.test(text)) cspViolations.push(text);
  });
  page.on('pageerror', (error) => pageErrors.push(error.message));

  const check = async (label = page.url()): Promise<void> => {
    await page.waitForLoadState('load');
    const problems: string[] = [];
    if (options.javaScriptEnabled !== false) {
      const results = await new AxeBuilder({ page }).analyze();
      for (const v of results.violations) {
        if (v.impact !== 'serious' && v.impact !== 'critical') continue;
        const targets = v.nodes.map((n) => n.target.join(' ')).slice(0, 5).join(' | ');
        const why = (v.nodes[0]?.failureSummary ?? '').replace(/\s+/g, ' ').slice(0, 300);
        problems.push(`axe ${v.impact} ${v.id}: ${v.help} — ${targets} — ${why}`);
      }
    }
    problems.push(...foreign.splice(0).map((u) => `request to another host: ${u}`));
    problems.push(...cspViolations.splice(0).map((m) => `CSP violation: ${m}`));
    problems.push(...pageErrors.splice(0).map((m) => `script error: ${m}`));
    if (problems.length > 0) throw new Error(`${label}:\n  ${problems.join('\n  ')}`);
  };

  return {
    page,
    context,
    async visit(url) {
      const res = await page.goto(url);
      if (!res) throw new Error(`no response for ${url}`);
      await check(url);
    },
    check,
    close: () => context.close(),
  };
}

/** Makes sure the artifacts folder exists and returns the path of a file in it. */
export function artifactPath(name: string): string {
  mkdirSync(artifactsDir, { recursive: true });
  return path.join(artifactsDir, name);
}
