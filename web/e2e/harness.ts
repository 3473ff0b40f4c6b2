/**
 * What the panel's browser tests share: the Chromium check, one real app (built panel +
 * API + sync service with in-process dispatch) listening on 127.0.0.1, the Graph emulator
 * behind it, one browser page, and screenshots.
 */
import { existsSync, mkdirSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { fileURLToPath } from 'node:url';
import { chromium, type Browser, type Page } from 'playwright-core';
import { createSyncEnv, type SyncEnv, type SyncEnvOptions } from '../../test/helpers/sync-env.ts';

export const CHROMIUM = process.env.CHROMIUM_PATH ?? '/usr/bin/chromium';

/**
 * True when Chromium is installed. In CI a missing browser is an error (the suite must not
 * pass by skipping); elsewhere the suite is skipped with a notice on stderr.
 */
export function chromiumAvailable(): boolean {
  if (existsSync(CHROMIUM)) return true;
  const ci = process.env.CI;
  if (ci !== undefined && ci !== '' && ci !== 'false' && ci !== '0') {
    throw new Error(`Chromium is required in CI for the panel tests but ${CHROMIUM} is missing`);
  }
  console.warn(
    `[panel e2e] skipped: no Chromium at ${CHROMIUM} (install Debian's chromium or set CHROMIUM_PATH)`,
  );
  return false;
}

/** Screenshots are the README's: same size on every machine. */
export const VIEWPORT = { width: 1366, height: 768 };

/**
 * Where screenshots go: docs/screenshots with UPDATE_SCREENSHOTS=1 (then commit them),
 * otherwise a temporary folder, so an ordinary test run leaves the working tree clean.
 */
export const SCREENSHOT_DIR =
  process.env.UPDATE_SCREENSHOTS === '1'
    ? fileURLToPath(new URL('../../docs/screenshots', import.meta.url))
    : join(tmpdir(), 'azure-user-sync-panel-screenshots');

/** A running panel: the sync environment, its URL and a signed-out browser page. */
export interface PanelHarness {
  env: SyncEnv;
  base: string;
  browser: Browser;
  page: Page;
  /** Keeps the next dispatched run queued until the returned function is called. */
  holdNextRun(): () => void;
  close(): Promise<void>;
}

/**
 * Starts the environment (web/dist is built once per test run by web/e2e/global-setup.ts:
 * registerPanel serves it only if present when the app is built) with runs dispatched in-process, listens on a free port and opens
 * Chromium at 1366×768 in UTC (so dates on screen equal the API's UTC dates).
 */
export async function startPanel(options: SyncEnvOptions): Promise<PanelHarness> {
  const env = await createSyncEnv('sqlite', options);
  // A real clock: dates and run durations on screen read like a real day's, not the
  // helper's frozen 2026-01-05 09:00.
  env.clock.now = () => new Date();
  // Runs execute in this process. A test may hold the next one back to see the page
  // while the run is still queued, then release it and watch the page follow.
  let gate: Promise<void> | null = null;
  env.sync.setDispatcher({
    dispatch: async ({ runId }) => {
      const wait = gate ?? Promise.resolve();
      gate = null;
      void wait.then(() => env.sync.execute(runId));
    },
  });
  const holdNextRun = (): (() => void) => {
    let release = (): void => {};
    gate = new Promise<void>((resolve) => {
      release = resolve;
    });
    return () => release();
  };
  const base = await env.app.listen({ host: '127.0.0.1', port: 0 });
  const browser = await chromium.launch({
    executablePath: CHROMIUM,
    args: [
      '--headless',
      '--no-sandbox',
      '--disable-gpu',
      '--disable-background-networking',
      '--disable-component-update',
      '--no-first-run',
    ],
  });
  const context = await browser.newContext({
    viewport: VIEWPORT,
    timezoneId: 'UTC',
    locale: 'en-GB',
    reducedMotion: 'reduce',
  });
  const page = await context.newPage();
  // Waits are on UI state; a state that never comes should fail fast, not after 30 s.
  page.setDefaultTimeout(10_000);
  mkdirSync(SCREENSHOT_DIR, { recursive: true });
  return {
    env,
    base,
    browser,
    page,
    holdNextRun,
    async close() {
      await browser.close();
      await env.close();
    },
  };
}

/**
 * Saves the visible viewport (not the full page: small PNGs) as `<name>.png`; `top`
 * scrolls to the top of the page first (focus moves may have scrolled it).
 */
export async function screenshot(page: Page, name: string, top = false): Promise<void> {
  // Keep the hover, caret and focus ring of the last click out of the picture.
  await page.mouse.move(0, 0);
  await page.evaluate((scrollTop) => {
    const active = document.activeElement;
    if (active instanceof HTMLElement) active.blur();
    if (scrollTop) window.scrollTo(0, 0);
  }, top);
  await page.screenshot({ path: join(SCREENSHOT_DIR, `${name}.png`), caret: 'hide' });
}
