/**
 * The admin panel end to end (issue 6): the built SPA served by the real app, driven by
 * Chromium, talking to the real API over HTTP, synchronising from the Graph emulator.
 * The tests run in order and share one browser and one server: each one continues where
 * the previous one left the administrator. They also take the README's screenshots.
 */
import type { Page } from 'playwright-core';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { createAdmin } from '../../src/auth/admins.ts';
import type { EmulatedUser } from '../../src/emulator/types.ts';
import type { SyncEnv } from '../../test/helpers/sync-env.ts';
import { chromiumAvailable, screenshot, startPanel, type PanelHarness } from './harness.ts';

const WRONG_SECRET_MESSAGE = "The secret is wrong: paste the secret's Value, not its ID";
const LONG_FIRST = 'Maximiliana Alexandra Sophia';
const LONG_LAST = 'Konstantinopoulou-Vanderbilt-Montgomery';
const DAY_MS = 86_400_000;
const ORG = 'Contoso Retail';
const ADMIN_EMAIL = 'it.admin@contoso.example';

interface ApiUser {
  id: string;
  status: string;
  deactivatedAt: string | null;
  purgeAfter: string | null;
  memberships: { unitId: string; userTypeIds: string[]; managedBy: string | null }[];
}

describe.skipIf(!chromiumAvailable())('admin panel in a browser', () => {
  let h: PanelHarness;
  let env: SyncEnv;
  let page: Page;
  let base: string;
  /** Entra users with known roles in the story. */
  let leaver: EmulatedUser;
  let unmatched: EmulatedUser;
  let longNamed: EmulatedUser;
  /** The integration created through the form. */
  let integrationId = '';
  let lastRunId = '';

  beforeAll(async () => {
    h = await startPanel({
      emulatorUsers: 150,
      units: ['Operations', 'Sales', 'Retail', 'Customer Service', 'Logistics', 'Finance'],
      userTypes: ['Employee', 'Manager', 'Cashier', 'Shift Supervisor', 'Store Manager'],
      // A little latency per Graph call, as over a real network.
      emulator: { latencyMs: 40 },
    });
    ({ env, page, base } = h);
    // The screenshots show who is signed in: a plausible organisation and administrator.
    await env.db.db
      .updateTable('organizations')
      .set({ name: ORG })
      .where('id', '=', env.orgId)
      .execute();
    await createAdmin(
      env.db.db,
      { org: ORG, email: ADMIN_EMAIL, password: env.adminPassword },
      { scrypt: { N: 1024, r: 8, p: 1 } },
    );
    // The helper's ready-made integration is replaced by one created in the form.
    expect((await env.api('DELETE', `/integrations/${env.integrationId}`)).status).toBe(204);
    const tenant = env.emulator.tenant;
    leaver = tenant.addUser({
      givenName: 'Amelia',
      surname: 'Hart',
      mail: 'amelia.hart@contoso.example',
      department: 'Operations',
      jobTitle: 'Employee',
    });
    unmatched = tenant.addUser({
      givenName: 'Priya',
      surname: 'Raman',
      mail: 'priya.raman@contoso.example',
      department: 'Skunkworks Lab',
      jobTitle: 'Researcher',
    });
    longNamed = tenant.addUser({
      givenName: LONG_FIRST,
      surname: LONG_LAST,
      mail: 'maximiliana.konstantinopoulou-vanderbilt-montgomery@contoso-international-holdings.example',
      department: 'Operations',
      jobTitle: 'Manager',
    });
    // A nested unit with a long name, and a second, disabled integration whose secret
    // expires soon: both must read well on screen.
    const retail = env.units.get('Retail');
    for (const name of [
      'Store 12 — Kensington High Street',
      'Store 31 — Manchester Arndale, including the concession counters on the lower ground floor and the click-and-collect point',
    ]) {
      expect((await env.api('POST', '/units', { name, parentId: retail })).status).toBe(201);
    }
    const soon = new Date(Date.now() + 12 * DAY_MS).toISOString().slice(0, 10);
    const app = tenant.addApp();
    const second = await env.api('POST', '/integrations', {
      name: 'Fabrikam Entra ID — European subsidiaries and franchise partners (staging tenant)',
      applicationId: app.clientId,
      tenantId: tenant.id,
      secret: app.secret,
      secretExpiresAt: soon,
      unitField: 'department',
      userTypeField: 'jobTitle',
      enabled: false,
    });
    expect(second.status).toBe(201);
  });

  afterAll(async () => {
    await h?.close();
  });

  /** Opens the integration's page and runs Initiate synchronisation to its end. */
  async function synchronise(): Promise<void> {
    await page.goto(`${base}/integrations/${integrationId}`);
    await page.getByRole('button', { name: 'Initiate synchronisation' }).click();
    await page.waitForURL(
      (url) => url.pathname.startsWith('/runs/') && url.pathname !== `/runs/${lastRunId}`,
    );
    lastRunId = new URL(page.url()).pathname.split('/').pop() ?? '';
    await page.getByRole('progressbar', { name: 'Run progress' }).waitFor();
    await runEnded('succeeded');
  }

  /** Waits until the run page shows a finished run, then checks how it ended. */
  async function runEnded(expected: 'succeeded' | 'failed' | 'held'): Promise<void> {
    const status = page.getByTestId('run-status');
    await status.filter({ hasText: /^(succeeded|failed|held)/ }).waitFor({ timeout: 30_000 });
    const actual = await status.textContent();
    // On a mismatch, say why the run ended as it did (its error as the page shows it).
    const why = actual === expected ? '' : await page.locator('main').innerText();
    expect({ status: actual, page: why }).toEqual({ status: expected, page: '' });
  }

  async function apiUser(id: string): Promise<ApiUser> {
    return (await env.api('GET', `/users/${id}`)).body as ApiUser;
  }

  /** The platform user linked to an Entra user. */
  async function platformUserOf(entra: EmulatedUser): Promise<ApiUser> {
    const row = await env.db.db
      .selectFrom('users')
      .select('id')
      .where('email', '=', entra.mail ?? '')
      .executeTakeFirstOrThrow();
    return apiUser(row.id);
  }

  async function searchUsers(
    tab: 'All' | 'Unassigned' | 'Deactivated',
    text: string,
  ): Promise<void> {
    await page.getByRole('tab', { name: tab }).click();
    await page.getByLabel('Search users').fill(text);
    await page.getByRole('button', { name: 'Search', exact: true }).click();
  }

  it('sends a visitor to sign-in, refuses a wrong password, then returns to the page asked for', async () => {
    await page.goto(`${base}/users`);
    await page.getByLabel('Email').waitFor();
    await screenshot(page, 'sign-in');
    await page.getByLabel('Email').fill(ADMIN_EMAIL);
    await page.getByLabel('Password').fill('not the password');
    await page.getByRole('button', { name: 'Sign in' }).click();
    await expect(page.getByTestId('sign-in-error').textContent()).resolves.toMatch(/wrong/i);
    await page.getByLabel('Password').fill(env.adminPassword);
    await page.getByRole('button', { name: 'Sign in' }).click();
    await page.getByRole('tab', { name: 'All' }).waitFor();
    expect(new URL(page.url()).pathname).toBe('/users');
  });

  it('creates an integration: refuses the same field for unit and user type, saves once fixed', async () => {
    const tenant = env.emulator.tenant;
    await page.getByTestId('nav-integrations').click();
    await page.getByTestId('new-integration').click();
    await page.getByLabel('Name').fill('Contoso Entra ID');
    await page.getByLabel('Application ID').fill(tenant.defaultApp.clientId);
    await page.getByLabel('Tenant ID').fill(tenant.id);
    // The secret's ID instead of its value: the classic mistake Test connection explains.
    await page.getByLabel('Secret', { exact: true }).fill('5f1c2a9e-0d4b-4c1e-9b7a-3e8f6d2c1a0b');
    await page.getByLabel('Unit field').selectOption('department');
    await page.getByLabel('User type field').selectOption('department');
    const error = page.locator('#integration-user-type-field-error');
    await expect(error.textContent()).resolves.toMatch(/must differ/);
    await page.getByRole('button', { name: 'Save' }).click();
    await expect(error.textContent()).resolves.toMatch(/must differ/);
    await expect(page.getByLabel('User type field').getAttribute('aria-invalid')).resolves.toBe(
      'true',
    );
    await screenshot(page, 'integration-form', true);
    // Nothing was saved while the form was invalid.
    expect((await env.api('GET', '/integrations')).body as unknown[]).toHaveLength(1);

    await page.getByLabel('User type field').selectOption('jobTitle');
    expect(await error.count()).toBe(0);
    await page.getByRole('button', { name: 'Save' }).click();
    await page.getByTestId('form-notice').filter({ hasText: 'Integration created' }).waitFor();
    integrationId = new URL(page.url()).pathname.split('/').pop() ?? '';
    const saved = (await env.api('GET', `/integrations/${integrationId}`)).body as Record<
      string,
      unknown
    >;
    expect(saved).toMatchObject({
      name: 'Contoso Entra ID',
      unitField: 'department',
      userTypeField: 'jobTitle',
      secretSet: true,
    });
  });

  it('Test connection with a wrong secret says what to do; the right secret passes', async () => {
    // As an administrator scrolls: just far enough to see the buttons at the bottom.
    const testButton = page.getByRole('button', { name: 'Test connection' });
    await testButton.evaluate((el) => el.scrollIntoView({ block: 'end' }));
    await testButton.click();
    const result = page.getByTestId('test-result');
    await result.waitFor();
    await expect(result.locator('h3').textContent()).resolves.toBe('Connection failed');
    await expect(result.textContent()).resolves.toContain(WRONG_SECRET_MESSAGE);
    // The panel brings the result into view itself: it appears below the visible part.
    await page.waitForFunction(() => {
      const rect = document.querySelector('[data-testid="test-result"]')?.getBoundingClientRect();
      return rect !== undefined && rect.top >= 0 && rect.bottom <= window.innerHeight + 1; // subpixel layout
    });
    await screenshot(page, 'test-connection');

    await page.getByRole('button', { name: 'Replace' }).click();
    await page.getByLabel('Secret', { exact: true }).fill(env.emulator.tenant.defaultApp.secret);
    await page.getByRole('button', { name: 'Save' }).click();
    await page.getByTestId('saved-note').filter({ hasText: 'Saved.' }).waitFor();
    await page.getByTestId('secret-status').waitFor();
    await page.getByRole('button', { name: 'Test connection' }).click();
    await result.filter({ hasText: 'Connection works' }).waitFor();
  });

  it('initiates a synchronisation: progress bar, then the counts and the changes', async () => {
    const release = h.holdNextRun();
    await page.getByRole('button', { name: 'Initiate synchronisation' }).click();
    await page.waitForURL((url) => url.pathname.startsWith('/runs/'));
    lastRunId = new URL(page.url()).pathname.split('/').pop() ?? '';
    const bar = page.getByRole('progressbar', { name: 'Run progress' });
    await page.getByTestId('run-status').filter({ hasText: 'queued' }).waitFor();
    await expect(bar.getAttribute('aria-valuetext')).resolves.toBe('Waiting to start…');
    // The page polls: once the run is let go it follows it to the end without a reload.
    release();
    await runEnded('succeeded');
    await expect(bar.getAttribute('aria-valuetext')).resolves.toMatch(
      /^\d+ users read, \d+ pages?$/,
    );
    const usersRead = Number(await page.getByRole('progressbar').getAttribute('aria-valuenow'));
    expect(usersRead).toBeGreaterThanOrEqual(150);
    expect(Number(await page.getByTestId('count-created').textContent())).toBeGreaterThan(100);
    expect(Number(await page.getByTestId('count-unassigned').textContent())).toBeGreaterThan(0);
    await page.getByTestId('run-changes').waitFor();
    await page.getByTestId('run-counts').scrollIntoViewIfNeeded();
    await screenshot(page, 'run');

    await page.getByTestId('nav-integrations').click();
    await page.getByTestId('integrations-table').getByText('succeeded').waitFor();
    await screenshot(page, 'integrations');
  });

  it('after an Entra-side delete and a run, Unassigned and Deactivated show the right users', async () => {
    env.emulator.tenant.softDeleteUser(leaver.id);
    await synchronise();
    expect(Number(await page.getByTestId('count-deactivated').textContent())).toBe(1);

    await page.getByTestId('nav-users').click();
    await page.getByTestId('users-table').waitFor();
    await screenshot(page, 'users');

    await searchUsers('Unassigned', 'Raman');
    const table = page.getByTestId('users-table');
    await table.getByRole('row', { name: /Priya Raman/ }).waitFor();
    await searchUsers('Unassigned', 'Hart');
    await page.getByText('No users match “Hart”.').waitFor();

    await searchUsers('Deactivated', '');
    const row = table.getByRole('row', { name: /Amelia Hart/ });
    await row.waitFor();
    const stored = await platformUserOf(leaver);
    expect(stored.status).toBe('deactivated');
    const deactivatedAt = Date.parse(stored.deactivatedAt ?? '');
    expect(Date.parse(stored.purgeAfter ?? '') - deactivatedAt).toBe(90 * DAY_MS);
    // The browser runs in UTC: the purge date on screen is the API's UTC date.
    await expect(row.locator('td').nth(3).textContent()).resolves.toBe(
      stored.purgeAfter?.slice(0, 10),
    );
    expect(await table.getByRole('row', { name: /Priya Raman/ }).count()).toBe(0);
    await screenshot(page, 'users-deactivated');
  });

  it('reactivates a user from the Deactivated tab', async () => {
    const table = page.getByTestId('users-table');
    await table.getByRole('button', { name: 'Reactivate Amelia Hart' }).click();
    // Asked first, with a warning: Entra still has her deleted (issue 17).
    await expect(page.getByTestId('reactivate-warning').textContent()).resolves.toMatch(
      /deactivate them again/,
    );
    await table.getByRole('button', { name: 'Yes, reactivate' }).click();
    await page.getByText('No users here.').waitFor();
    expect((await platformUserOf(leaver)).status).toBe('active');
    expect(unmatched.id).not.toBe(leaver.id);
  });

  it('keeps a membership added in the panel through the next run, while the sync moves its own', async () => {
    await searchUsers('All', LONG_LAST);
    const link = page.getByTestId('users-table').getByRole('link', { name: new RegExp(LONG_LAST) });
    await link.waitFor();
    await screenshot(page, 'users-search');
    await link.click();
    const managed = page.getByTestId('membership').filter({ hasText: 'managed by integration' });
    await expect(managed.locator('strong').textContent()).resolves.toBe('Operations');

    const add = page.getByRole('form', { name: 'Add membership' });
    await add.getByLabel('Unit', { exact: true }).selectOption(env.units.get('Sales') ?? '');
    await add.getByLabel('Manager', { exact: true }).check();
    await add.getByRole('button', { name: 'Add membership' }).click();
    const manual = page.getByTestId('membership').filter({ hasText: 'manual' });
    await manual.waitFor();
    await expect(manual.locator('strong').textContent()).resolves.toBe('Sales');
    await screenshot(page, 'user');
    const userId = new URL(page.url()).pathname.split('/').pop() ?? '';

    // Entra moves the user to Retail; the sync moves only the membership it manages.
    env.emulator.tenant.updateUser(longNamed.id, { department: 'Retail' });
    await synchronise();
    expect(Number(await page.getByTestId('count-updated').textContent())).toBeGreaterThanOrEqual(1);

    await page.goto(`${base}/users/${userId}`);
    await expect(managed.locator('strong').textContent()).resolves.toBe('Retail');
    // The explanation (SPEC §5.15) shows the Entra value the unit came from.
    const why = page.getByTestId('sync-explanation');
    await expect(why.textContent()).resolves.toMatch(/department.*"?Retail"?.*matched/s);
    await expect(manual.locator('strong').textContent()).resolves.toBe('Sales');
    await expect(manual.getByLabel('Manager', { exact: true }).isChecked()).resolves.toBe(true);
    const after = await apiUser(userId);
    expect(after.memberships).toEqual(
      expect.arrayContaining([
        {
          unitId: env.units.get('Sales'),
          userTypeIds: [env.userTypes.get('Manager')],
          managedBy: null,
        },
        expect.objectContaining({ unitId: env.units.get('Retail'), managedBy: integrationId }),
      ]),
    );
    expect(after.memberships).toHaveLength(2);
  });

  it('shows the unit tree and the user types', async () => {
    await page.getByTestId('nav-units').click();
    await page.getByTitle('Store 12 — Kensington High Street').waitFor();
    await screenshot(page, 'units');
    await page.getByTestId('nav-user-types').click();
    await page.getByText('Shift Supervisor').waitFor();
    await screenshot(page, 'user-types');
  });
});
