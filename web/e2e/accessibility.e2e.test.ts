/**
 * Accessibility of every screen of the panel (issue 13): axe-core inside Chromium finds no
 * serious or critical violation on any route of web/src/lib/routes.ts, in the states an
 * administrator sees (lists with rows, a form with errors, a test result, a finished run);
 * and the main flows work by keyboard alone: sign in, skip to content, the main navigation,
 * the users tabs with arrow keys, a group of the Unassigned tab, a user's page, a new unit.
 */
import type { Locator, Page } from 'playwright-core';
import { afterAll, beforeAll, describe, expect, it, vi } from 'vitest';
import { matchRoute, type Route } from '../src/lib/routes.ts';
import type { SyncEnv } from '../../test/helpers/sync-env.ts';
import { seriousViolations } from './axe.ts';
import { chromiumAvailable, startPanel, type PanelHarness } from './harness.ts';

/** The name createSyncEnv gives its integration. */
const INTEGRATION = 'Entra';
/** Setting up and walking every screen takes a minute alone, several on a loaded machine. */
const SUITE_TIMEOUT = 300_000;
/** Generous: the suite shares two cores with everything else in `npm test`. */
const SCREEN_TIMEOUT = 30_000;

describe.skipIf(!chromiumAvailable())('accessibility of every screen', () => {
  let h: PanelHarness;
  let env: SyncEnv;
  let page: Page;
  let base: string;
  let runId = '';
  let userId = '';
  /** The routes visited, checked at the end against every kind of route the panel has. */
  const visited = new Set<Route['name']>();

  beforeAll(async () => {
    h = await startPanel({
      emulatorUsers: 30,
      units: ['Operations', 'Sales', 'Retail'],
      userTypes: ['Employee', 'Manager'],
    });
    ({ env, page, base } = h);
    const t = env.emulator.tenant;
    // Unassigned for two reasons, so the grouped tab has groups to show.
    t.addUser({
      givenName: 'Ada',
      surname: 'Lind',
      mail: 'ada.lind@contoso.example',
      department: 'Marketing',
      jobTitle: 'Employee',
    });
    t.addUser({
      givenName: 'Bo',
      surname: 'Berg',
      mail: 'bo.berg@contoso.example',
      department: 'Sales',
      jobTitle: 'Intern',
    });
    t.addUser({
      givenName: 'Cy',
      surname: 'Dahl',
      mail: 'cy.dahl@contoso.example',
      department: 'Sales',
      jobTitle: 'Employee',
    });
    // The harness executes dispatched runs in the background: wait for this one to end.
    runId = (await env.run({ full: true })).id;
    await vi.waitFor(
      async () => {
        const run = (await env.api('GET', `/runs/${runId}`)).body as { status: string };
        expect(run.status).toBe('succeeded');
      },
      { timeout: 120_000, interval: 250 },
    );
    await env.idle();
    // One deactivated user (created in the platform), so the Deactivated tab has a row.
    const local = await env.api('POST', '/users', {
      firstName: 'Dee',
      lastName: 'Parted',
      email: 'dee.parted@contoso.example',
    });
    const localId = (local.body as { id: string }).id;
    const deactivated = await env.api('POST', `/users/${localId}/deactivate`);
    expect({ status: deactivated.status, body: deactivated.body }).toMatchObject({ status: 200 });
    const users = (await env.api('GET', '/users?email=ada.lind@contoso.example')).body as {
      items: { id: string }[];
    };
    userId = users.items[0]?.id ?? '';
    expect(userId).not.toBe('');
    expect(
      (
        await env.api('POST', '/tokens', {
          name: 'Nightly export',
          scope: 'read',
          expiresInDays: 30,
        })
      ).status,
    ).toBe(201);
  }, SUITE_TIMEOUT);

  afterAll(async () => {
    await h?.close();
  });

  const firstRow = () => page.getByTestId('users-table').locator('tbody tr').first();

  /** Opens a path, waits until `ready` shows, and runs axe on the screen as it is. */
  async function check(path: string, ready: Locator): Promise<void> {
    await page.goto(`${base}${path}`);
    await ready.waitFor({ timeout: SCREEN_TIMEOUT });
    visited.add(matchRoute(new URL(page.url()).pathname).name);
    expect({ path, violations: await seriousViolations(page) }).toEqual({ path, violations: [] });
  }

  it(
    'signs in with the keyboard alone, and the sign-in screen passes axe',
    async () => {
      await page.goto(`${base}/users`);
      const email = page.getByLabel('Email');
      await email.waitFor({ timeout: SCREEN_TIMEOUT });
      visited.add('sign-in');
      expect(await seriousViolations(page)).toEqual([]);
      await tabTo(page, email);
      await page.keyboard.type(env.adminEmail);
      await page.keyboard.press('Tab');
      expect(await isFocused(page.getByLabel('Password'))).toBe(true);
      await page.keyboard.type(env.adminPassword);
      await page.keyboard.press('Enter');
      // Back on the page asked for.
      await page.getByRole('tab', { name: /^All/ }).waitFor({ timeout: SCREEN_TIMEOUT });
      expect(new URL(page.url()).pathname).toBe('/users');
    },
    SUITE_TIMEOUT,
  );

  it(
    'passes axe on every screen',
    async () => {
      const heading = (name: string | RegExp) => page.getByRole('heading', { level: 1, name });
      await check('/', page.getByRole('link', { name: INTEGRATION }));
      await check('/integrations/new', heading(/New Azure User Sync integration/));
      // The new form with its errors shown (Save with nothing filled in).
      await page.getByRole('button', { name: 'Save', exact: true }).click();
      await page.locator('[aria-invalid="true"]').first().waitFor();
      expect(await seriousViolations(page)).toEqual([]);

      await check(`/integrations/${env.integrationId}`, heading(INTEGRATION));
      await page.getByRole('button', { name: 'Test connection' }).click();
      await page.getByTestId('test-result').waitFor({ timeout: SCREEN_TIMEOUT });
      await page.getByTestId('field-preview').waitFor({ timeout: SCREEN_TIMEOUT });
      expect(await seriousViolations(page)).toEqual([]);

      await check(
        `/runs/${runId}`,
        page.getByTestId('run-status').filter({ hasText: 'succeeded' }),
      );
      await check('/users', firstRow());
      await check('/users?tab=unassigned', page.getByTestId('unassigned-group').first());
      await page.getByRole('button', { name: 'Each user' }).click();
      await firstRow().waitFor();
      expect(await seriousViolations(page)).toEqual([]);
      await check('/users?tab=deactivated', firstRow());
      await check(`/users/${userId}`, page.getByTestId('sync-explanation'));
      await check('/units', page.getByTestId('unit-row').first());
      await check('/user-types', page.getByTestId('user-type-row').first());
      await check('/tokens', page.getByRole('cell', { name: 'Nightly export', exact: true }));
      await check('/admins', heading(/Administrators/));
      await check('/audit', heading(/Audit log/));
      await check('/no-such-page', heading(/not found/i));

      // Every kind of screen the router knows was visited.
      const all: Route['name'][] = [
        'sign-in',
        'integrations',
        'integration-new',
        'integration',
        'run',
        'users',
        'user',
        'units',
        'user-types',
        'tokens',
        'admins',
        'audit',
        'not-found',
      ];
      expect([...visited].sort()).toEqual([...all].sort());
    },
    SUITE_TIMEOUT,
  );

  it(
    'works by keyboard: skip link, navigation, user tabs, a group, a user, a new unit',
    async () => {
      await page.goto(`${base}/`);
      await page.getByRole('link', { name: INTEGRATION }).waitFor({ timeout: SCREEN_TIMEOUT });
      // The skip link is the first stop of the page (reached backwards from wherever the focus
      // starts) and moves the focus to the main content.
      const skip = page.getByRole('link', { name: 'Skip to content' });
      await tabTo(page, skip, { backwards: true });
      await page.keyboard.press('Enter');
      expect(await page.evaluate(() => document.activeElement?.closest('#main') !== null)).toBe(
        true,
      );

      // Main navigation: Users.
      await tabTo(page, page.getByTestId('nav-users'), { backwards: true });
      await page.keyboard.press('Enter');
      const all = page.getByRole('tab', { name: /^All/ });
      await all.waitFor({ timeout: SCREEN_TIMEOUT });
      await tabTo(page, page.getByRole('tab', { selected: true }));
      // Arrow keys move between the tabs (and select them).
      await page.keyboard.press('ArrowRight');
      const unassigned = page.getByRole('tab', { name: /^Unassigned/ });
      await expect
        .poll(() => unassigned.getAttribute('aria-selected'), { timeout: SCREEN_TIMEOUT })
        .toBe('true');
      expect(await isFocused(unassigned)).toBe(true);

      // A group opens with the keyboard and shows its users.
      const group = page.getByTestId('unassigned-group').first();
      await group.waitFor({ timeout: SCREEN_TIMEOUT });
      await tabTo(page, group.getByRole('button', { name: 'Show users' }));
      await page.keyboard.press('Enter');
      const firstUser = group.getByTestId('group-users').getByRole('link').first();
      await firstUser.waitFor({ timeout: SCREEN_TIMEOUT });

      // Enter on a user's link opens the user's page.
      await tabTo(page, firstUser);
      await page.keyboard.press('Enter');
      await page.getByTestId('sync-explanation').waitFor({ timeout: SCREEN_TIMEOUT });
      expect(new URL(page.url()).pathname).toMatch(/^\/users\/[0-9a-f-]{36}$/);

      // A new unit, typed and submitted with Enter.
      await tabTo(page, page.getByTestId('nav-units'), { backwards: true });
      await page.keyboard.press('Enter');
      const name = page.getByLabel('Name', { exact: true });
      await name.waitFor({ timeout: SCREEN_TIMEOUT });
      await tabTo(page, name);
      await page.keyboard.type('Marketing');
      await page.keyboard.press('Enter');
      // A new unit that places users asks first (issue 17's impact before commit): the dialog
      // focuses Cancel, so the keyboard goes back to its confirm button.
      const created = page.getByText('Unit “Marketing” created.');
      const confirm = page.getByRole('button', { name: /^Create( anyway)?$/ });
      await created.or(confirm).first().waitFor({ timeout: SCREEN_TIMEOUT });
      if (await confirm.isVisible()) {
        await tabTo(page, confirm, { backwards: true });
        await page.keyboard.press('Enter');
      }
      await created.waitFor({ timeout: SCREEN_TIMEOUT });
      const units = (await env.api('GET', '/units')).body as { name: string }[];
      expect(units.map((u) => u.name)).toContain('Marketing');
    },
    SUITE_TIMEOUT,
  );
});

async function isFocused(target: Locator): Promise<boolean> {
  return target.evaluate((el) => el === document.activeElement);
}

/** Presses Tab (or Shift+Tab) until `target` has the focus; fails after 60 presses. */
async function tabTo(
  page: Page,
  target: Locator,
  options: { backwards?: boolean } = {},
): Promise<void> {
  await target.waitFor({ timeout: SCREEN_TIMEOUT });
  for (let i = 0; i < 60; i++) {
    if (await isFocused(target)) return;
    await page.keyboard.press(options.backwards ? 'Shift+Tab' : 'Tab');
  }
  throw new Error(`Tab never reached ${String(target)}`);
}
