/**
 * Self-hosted font files (Noto Sans, Noto Sans Arabic) from the @fontsource
 * npm packages. The server serves only `fontFiles` from `fontDirectories`
 * under /assets/fonts/. Keep `fontFiles` in sync with fonts.css.
 */
import { existsSync } from 'node:fs';
import { createRequire } from 'node:module';
import { dirname, join } from 'node:path';

const require = createRequire(import.meta.url);

function filesDirectory(pkg: string): string {
  return join(dirname(require.resolve(`${pkg}/package.json`)), 'files');
}

/** Absolute paths of the @fontsource `files` directories (Latin first, then Arabic). */
export const fontDirectories: readonly string[] = Object.freeze([
  filesDirectory('@fontsource/noto-sans'),
  filesDirectory('@fontsource/noto-sans-arabic'),
]);

/** Exact woff2 file names referenced by fonts.css (served as /assets/fonts/<name>). */
export const fontFiles: readonly string[] = Object.freeze([
  'noto-sans-latin-400-normal.woff2',
  'noto-sans-latin-ext-400-normal.woff2',
  'noto-sans-latin-700-normal.woff2',
  'noto-sans-latin-ext-700-normal.woff2',
  'noto-sans-arabic-arabic-400-normal.woff2',
  'noto-sans-arabic-arabic-700-normal.woff2',
]);

/** The absolute path of one of `fontFiles` in the first of `fontDirectories` holding it; null when none does. */
export function fontFilePath(file: string): string | null {
  const dir = fontDirectories.find((d) => existsSync(join(d, file)));
  return dir === undefined ? null : join(dir, file);
}
