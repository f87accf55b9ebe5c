import { defineConfig } from 'vitest/config';
import { fileURLToPath } from 'node:url';

/** Browser tests: the real server and the system Chromium, one file at a time in a single worker. */
export default defineConfig({
  resolve: { alias: { '#src': fileURLToPath(new URL('./src', import.meta.url)) } },
  esbuild: { jsx: 'automatic', jsxImportSource: 'preact' },
  test: {
    include: ['e2e/**/*.test.ts'],
    testTimeout: 120_000,
    hookTimeout: 120_000,
    pool: 'forks',
    poolOptions: { forks: { singleFork: true } },
    fileParallelism: false,
    sequence: { concurrent: false },
  },
});
