import { defineConfig } from 'vitest/config';
import { fileURLToPath } from 'node:url';

/** Real-world corpus tests (shared/corpus, outside the repository): run by `npm run test:corpus` and CI. */
export default defineConfig({
  resolve: { alias: { '#src': fileURLToPath(new URL('./src', import.meta.url)) } },
  esbuild: { jsx: 'automatic', jsxImportSource: 'preact' },
  test: {
    globalSetup: ['test/helpers/global-setup.ts'],
    include: ['test/corpus/**/*.test.ts'],
    testTimeout: 300_000,
    hookTimeout: 120_000,
    pool: 'forks',
    poolOptions: { forks: { singleFork: true } },
    fileParallelism: false,
    // One module cache for every file (the CSAF validator compiles its schemas once): see vitest.config.ts.
    isolate: false,
  },
});
