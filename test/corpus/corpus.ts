/**
 * Access to the shared real-world corpus (outside the repository, `../shared/corpus` or $RIBAT_CORPUS).
 * A missing corpus is an error, never a skip: CI must not pass by running nothing.
 */
import { createReadStream, existsSync } from 'node:fs';
import path from 'node:path';
import { createInterface } from 'node:readline';
import { fileURLToPath } from 'node:url';
import { createGunzip } from 'node:zlib';

const repoRoot = fileURLToPath(new URL('../..', import.meta.url));

/** The corpus folder: $RIBAT_CORPUS, else `../shared/corpus` next to the repository. */
export const corpusDir = path.resolve(repoRoot, process.env.RIBAT_CORPUS ?? '../shared/corpus');

/** The path of a corpus file; throws a clear error when the corpus or the file is missing. */
export function corpusFile(relative: string): string {
  if (!existsSync(corpusDir)) {
    throw new Error(`The real-world corpus folder is missing: ${corpusDir}. Set RIBAT_CORPUS to its location (CI lays shared/ next to the repository).`);
  }
  const file = path.join(corpusDir, relative);
  if (!existsSync(file)) throw new Error(`Corpus file missing: ${file}`);
  return file;
}

/** Streams the first `limit` JSON records of a gzipped JSON-lines file, without reading the rest. */
export async function readJsonLines(file: string, limit: number): Promise<unknown[]> {
  const gunzip = createGunzip();
  const input = createReadStream(file).pipe(gunzip);
  const lines = createInterface({ input, crlfDelay: Infinity });
  const out: unknown[] = [];
  try {
    for await (const line of lines) {
      if (line.trim() === '') continue;
      out.push(JSON.parse(line) as unknown);
      if (out.length >= limit) break;
    }
  } finally {
    lines.close();
    input.destroy();
  }
  return out;
}

/** The id and the English descriptions of a CVE JSON 5 record. */
export function cveSummary(record: unknown): { id: string; descriptions: string[] } {
  const r = record as { cveMetadata?: { cveId?: string }; containers?: { cna?: { descriptions?: { lang?: string; value?: string }[] } } };
  const id = r.cveMetadata?.cveId ?? 'unknown';
  const descriptions = (r.containers?.cna?.descriptions ?? []).filter((d) => (d.lang ?? '').toLowerCase().startsWith('en') && typeof d.value === 'string').map((d) => d.value ?? '');
  return { id, descriptions };
}
