#!/usr/bin/env node
// Runs the compiled CLI (dist/, made by `npm run build`): what production runs. In a
// development checkout without a build it runs the TypeScript sources through tsx, a
// development dependency that a production install (`npm prune --omit=dev`) does not have.
import { existsSync } from 'node:fs';
import { fileURLToPath } from 'node:url';

const compiled = fileURLToPath(new URL('../dist/cli.js', import.meta.url));
if (existsSync(compiled)) {
  await import(compiled);
} else {
  let register;
  try {
    ({ register } = await import('tsx/esm/api'));
  } catch {
    console.error(
      'azure-user-sync: dist/ is missing. Build it first: npm ci && npm run build (see the README, "Production").',
    );
    process.exit(1);
  }
  register();
  await import(new URL('../src/cli.ts', import.meta.url).href);
}
