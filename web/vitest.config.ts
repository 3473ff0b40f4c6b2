import { fileURLToPath } from 'node:url';
import { defineConfig } from 'vitest/config';

// The panel's tests (pure logic and the browser suite):
// `npx vitest run --config web/vitest.config.ts`.
export default defineConfig({
  root: fileURLToPath(new URL('..', import.meta.url)),
  test: {
    include: ['web/src/**/*.test.ts', 'web/e2e/**/*.test.ts'],
    testTimeout: 60_000,
    hookTimeout: 60_000,
    pool: 'forks',
    maxWorkers: 1,
    setupFiles: ['test/setup.ts'],
  },
});
