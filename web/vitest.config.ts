import { fileURLToPath } from 'node:url';
import { defineConfig } from 'vitest/config';

// The panel's pure logic tests: `npx vitest run --config web/vitest.config.ts`.
export default defineConfig({
  root: fileURLToPath(new URL('..', import.meta.url)),
  test: {
    include: ['web/src/**/*.test.ts'],
    maxWorkers: 1,
  },
});
