import { defineConfig } from 'vitest/config';
import { fileURLToPath } from 'node:url';

export default defineConfig({
  resolve: { alias: { '#src': fileURLToPath(new URL('./src', import.meta.url)) } },
  esbuild: { jsx: 'automatic', jsxImportSource: 'preact' },
  test: {
    globalSetup: ['test/helpers/global-setup.ts'],
    include: ['src/**/*.test.{ts,tsx}', 'test/**/*.test.{ts,tsx}'],
    exclude: ['test/corpus/**', 'e2e/**', 'node_modules/**'],
    // Generous: the first CSAF validation in a file loads the validator (3 to 13 s on an idle 2-core machine, more
    // when loaded). Hangs are still caught.
    testTimeout: 90_000,
    hookTimeout: 120_000,
    pool: 'forks',
    // Test files share their worker's module cache: the application's module graph (and the CSAF validator's
    // compiled schemas) load once per worker instead of once per file, which cut the suite from ~390 s to ~100 s.
    // Each file still builds its own app and database; module-level state is limited to caches and id counters,
    // so tests must not depend on a counter's exact value across files.
    isolate: false,
    poolOptions: { forks: { maxForks: 2, minForks: 1 } },
  },
});
