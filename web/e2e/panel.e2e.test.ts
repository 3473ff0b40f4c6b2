/**
 * The admin panel end to end: the built SPA served by the real app, driven by Chromium,
 * talking to the real API over HTTP, synchronising from the Graph emulator.
 */
import { existsSync } from 'node:fs';
import { fileURLToPath } from 'node:url';
import { chromium, type Browser, type Page } from 'playwright-core';
import { build } from 'vite';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { createAdmin } from '../../src/auth/admins.ts';
import { createSyncEnv, type SyncEnv } from '../../test/helpers/sync-env.ts';

const CHROMIUM = process.env.CHROMIUM_PATH ?? '/usr/bin/chromium';
const haveChromium = existsSync(CHROMIUM);
if (!haveChromium && process.env.CI === 'true') {
  throw new Error(`Chromium is required in CI for the panel tests but ${CHROMIUM} is missing`);
}

const EMAIL = 'panel-admin@example.com';
const PASSWORD = 'panel password 1';

describe.skipIf(!haveChromium)('admin panel in a browser', () => {
  let env: SyncEnv;
  let browser: Browser;
  let page: Page;
  let base: string;

  beforeAll(async () => {
    // registerPanel serves web/dist only if it exists when the app is built.
    await build({
      configFile: fileURLToPath(new URL('../vite.config.ts', import.meta.url)),
      logLevel: 'silent',
    });
    env = await createSyncEnv('sqlite', {
      emulatorUsers: 150,
      units: ['Operations', 'Sales', 'Retail'],
      userTypes: ['Employee', 'Manager'],
    });
    env.sync.setDispatcher({
      dispatch: async ({ runId }) => {
        setTimeout(() => void env.sync.execute(runId), 0);
      },
    });
    const org = await env.db.db
      .selectFrom('organizations')
      .select('name')
      .where('id', '=', env.orgId)
      .executeTakeFirstOrThrow();
    await createAdmin(
      env.db.db,
      { org: org.name, email: EMAIL, password: PASSWORD },
      { scrypt: { N: 1024, r: 8, p: 1 } },
    );
    base = await env.app.listen({ host: '127.0.0.1', port: 0 });
    browser = await chromium.launch({
      executablePath: CHROMIUM,
      args: ['--headless', '--no-sandbox', '--disable-gpu', '--no-first-run'],
    });
    page = await browser.newPage({ viewport: { width: 1366, height: 768 } });
  });

  afterAll(async () => {
    await browser?.close();
    await env?.close();
  });

  it('sends a visitor to sign-in, refuses a wrong password, then returns to the page asked for', async () => {
    await page.goto(`${base}/users`);
    await page.getByLabel('Email').fill(EMAIL);
    await page.getByLabel('Password').fill('not the password');
    await page.getByRole('button', { name: 'Sign in' }).click();
    await expect(page.getByTestId('sign-in-error').textContent()).resolves.toMatch(/wrong/i);
    await page.getByLabel('Password').fill(PASSWORD);
    await page.getByRole('button', { name: 'Sign in' }).click();
    await page.getByRole('tab', { name: 'All' }).waitFor();
    expect(new URL(page.url()).pathname).toBe('/users');
  });

  it('flags equal unit and user type fields before saving', async () => {
    await page.getByTestId('nav-integrations').click();
    await page.getByRole('link', { name: 'Entra' }).click();
    await page.getByLabel('User type field').selectOption('department');
    const error = page.locator('#integration-user-type-field-error');
    await expect(error.textContent()).resolves.toMatch(/must differ/);
    await page.getByLabel('User type field').selectOption('jobTitle');
    expect(await error.count()).toBe(0);
  });

  it('initiates a synchronisation and shows the run finish with its counts and changes', async () => {
    await page.getByRole('button', { name: 'Initiate synchronisation' }).click();
    await page.getByRole('progressbar').waitFor();
    expect(new URL(page.url()).pathname).toMatch(/^\/runs\//);
    await page.getByText('succeeded', { exact: true }).first().waitFor({ timeout: 30_000 });
    const usersRead = Number(await page.getByRole('progressbar').getAttribute('aria-valuenow'));
    expect(usersRead).toBeGreaterThan(100);
    expect(Number(await page.getByTestId('count-created').textContent())).toBeGreaterThan(0);
    await page.getByTestId('run-changes').waitFor();
  });

  it('lists unassigned users and opens one with its Entra source', async () => {
    await page.getByTestId('nav-users').click();
    await page.getByRole('tab', { name: 'Unassigned' }).click();
    await page.getByTestId('users-table').waitFor();
    expect(await page.getByTestId('users-table').getByText('Unassigned').count()).toBeGreaterThan(
      0,
    );
    await page.getByTestId('users-table').getByRole('link').first().click();
    await page.getByTestId('user-source').waitFor();
    await expect(page.getByTestId('managed-by').textContent()).resolves.toContain('Entra');
  });
});
