import { spawn } from 'node:child_process';
import { mkdtemp, readFile, rm, writeFile } from 'node:fs/promises';
import { createHash } from 'node:crypto';
import os from 'node:os';
import path from 'node:path';

/** How long Chromium may take to print one page before it is killed. */
const PRINT_TIMEOUT_MS = 30_000;
/** Printed documents kept in memory, by hash of the HTML (a revision's PDF is asked for many times). */
const CACHE_SIZE = 32;

const cache = new Map<string, Buffer>();
// One Chromium at a time: a burst of PDF requests queues instead of starting a browser per request.
let queue: Promise<unknown> = Promise.resolve();

/** Why printing failed (logged; the visitor gets a 503). */
export class PdfError extends Error {
  constructor(message: string) {
    super(message);
    this.name = 'PdfError';
  }
}

function runChromium(chromiumPath: string, htmlFile: string, pdfFile: string, profileDir: string): Promise<void> {
  return new Promise((resolve, reject) => {
    const child = spawn(
      chromiumPath,
      [
        '--headless',
        '--no-sandbox',
        '--disable-gpu',
        '--disable-background-networking',
        '--no-first-run',
        '--disable-extensions',
        '--disable-sync',
        '--mute-audio',
        // No network at all: every host name resolves to nothing, so the document cannot fetch anything.
        '--host-resolver-rules=MAP * ~NOTFOUND',
        '--no-pdf-header-footer',
        `--user-data-dir=${profileDir}`,
        `--print-to-pdf=${pdfFile}`,
        `file://${htmlFile}`,
      ],
      { stdio: ['ignore', 'ignore', 'pipe'] },
    );
    let stderr = '';
    child.stderr.on('data', (chunk: Buffer) => {
      if (stderr.length < 4000) stderr += chunk.toString('utf8');
    });
    const timer = setTimeout(() => child.kill('SIGKILL'), PRINT_TIMEOUT_MS);
    child.on('error', (err) => {
      clearTimeout(timer);
      reject(new PdfError(`cannot start Chromium: ${err.message}`));
    });
    child.on('close', (code, signal) => {
      clearTimeout(timer);
      if (code === 0) resolve();
      else reject(new PdfError(`Chromium exited with ${signal ?? String(code)}: ${stderr.slice(0, 500)}`));
    });
  });
}

async function print(chromiumPath: string, html: string): Promise<Buffer> {
  const dir = await mkdtemp(path.join(os.tmpdir(), 'ribat-pdf-'));
  try {
    const htmlFile = path.join(dir, 'bulletin.html');
    const pdfFile = path.join(dir, 'bulletin.pdf');
    await writeFile(htmlFile, html, 'utf8');
    await runChromium(chromiumPath, htmlFile, pdfFile, path.join(dir, 'profile'));
    const pdf = await readFile(pdfFile);
    if (pdf.subarray(0, 5).toString('latin1') !== '%PDF-') throw new PdfError('Chromium did not write a PDF');
    return pdf;
  } finally {
    await rm(dir, { recursive: true, force: true });
  }
}

/**
 * Prints a self-contained HTML document (styles inlined, fonts as file:// URLs) to PDF with the system Chromium,
 * headless and without network. Identical documents are printed once and served from memory afterwards.
 */
export async function renderPdf(chromiumPath: string, html: string): Promise<Buffer> {
  const key = createHash('sha256').update(html).digest('hex');
  const cached = cache.get(key);
  if (cached) return cached;
  const job = queue.then(() => print(chromiumPath, html));
  queue = job.catch(() => undefined);
  const pdf = await job;
  cache.set(key, pdf);
  if (cache.size > CACHE_SIZE) {
    const oldest = cache.keys().next().value;
    if (oldest !== undefined) cache.delete(oldest);
  }
  return pdf;
}
