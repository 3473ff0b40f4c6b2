/**
 * Vitest global setup: builds the panel into web/dist once, before any test file runs.
 *
 * Every browser test file serves web/dist; when each file built it itself, one file's build
 * (which empties web/dist first) could land while another file's page was loading, and that
 * page found no panel (seen as buttons never appearing under a loaded full suite).
 */
import { fileURLToPath } from 'node:url';
import { build } from 'vite';

export default async function setup(): Promise<void> {
  await buildPanel();
}

/**
 * Builds web/dist as `npm run build:web` does: a production build. Vitest sets NODE_ENV=test,
 * and Vite then bundles React's development build, whose StrictMode runs every effect twice:
 * every screen loaded its data twice in the browser tests, and a demo started after them
 * served that bundle (issue 17). The tests drive what administrators get.
 */
export async function buildPanel(): Promise<void> {
  const nodeEnv = process.env.NODE_ENV;
  process.env.NODE_ENV = 'production';
  try {
    await build({
      configFile: fileURLToPath(new URL('../vite.config.ts', import.meta.url)),
      logLevel: 'silent',
      mode: 'production',
    });
  } finally {
    if (nodeEnv === undefined) delete process.env.NODE_ENV;
    else process.env.NODE_ENV = nodeEnv;
  }
}
