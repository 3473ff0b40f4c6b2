import { defineConfig } from 'vitest/config';

export default defineConfig({
  test: {
    include: [
      'src/**/*.test.ts',
      'test/**/*.test.ts',
      'web/src/**/*.test.ts',
      'web/e2e/**/*.test.ts',
    ],
    testTimeout: 60_000,
    hookTimeout: 60_000,
    pool: 'forks',
    // Two cores on CI machines: more workers only add contention.
    maxWorkers: 2,
    setupFiles: ['test/setup.ts'],
    // Builds the panel once for the browser tests (see the file for why not per test file).
    globalSetup: ['web/e2e/global-setup.ts'],
  },
});
