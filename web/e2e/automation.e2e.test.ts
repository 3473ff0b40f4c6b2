/**
 * The automation screens end to end (issue 15): API tokens (created in the panel, then used
 * by a script over real HTTP), administrators (add with a one-time password, remove, change
 * one's own password) and the audit log with its filters. Takes the README's screenshots.
 */
import type { Page } from 'playwright-core';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { createAdmin } from '../../src/auth/admins.ts';
import type { SyncEnv } from '../../test/helpers/sync-env.ts';
import { chromiumAvailable, screenshot, startPanel, type PanelHarness } from './harness.ts';

const ORG = 'Contoso Retail';
const ADMIN_EMAIL = 'it.admin@contoso.example';
const NEW_PASSWORD = 'a much longer passphrase';

describe.skipIf(!chromiumAvailable())('automation screens in a browser', () => {
  let h: PanelHarness;
  let env: SyncEnv;
  let page: Page;
  let base: string;

  beforeAll(async () => {
    h = await startPanel({ emulatorUsers: 30 });
    ({ env, page, base } = h);
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
    await page.goto(`${base}/tokens`);
    await page.getByLabel('Email').fill(ADMIN_EMAIL);
    await page.getByLabel('Password').fill(env.adminPassword);
    await page.getByRole('button', { name: 'Sign in' }).click();
    await page.getByRole('heading', { name: 'API tokens' }).waitFor();
  });

  afterAll(async () => {
    await h?.close();
  });

  it('creates a token shown once, which a script then uses, and revokes another', async () => {
    const create = async (name: string, scope: 'read' | 'read-write') => {
      await page.getByLabel('Name').fill(name);
      await page.getByLabel('Scope').selectOption(scope);
      await page.getByRole('button', { name: 'Create token' }).click();
      await page.getByTestId('new-token').getByText(name).waitFor();
      return (await page.getByTestId('new-token-value').textContent()) ?? '';
    };
    const readOnly = await create('Monitoring (read only)', 'read');
    const value = await create('Nightly sync script', 'read-write');
    expect(value).toMatch(/^aus_/);
    expect(readOnly).not.toBe(value);

    // The script: start a synchronisation with the token, over real HTTP.
    const started = await fetch(`${base}/api/v1/integrations/${env.integrationId}/sync`, {
      method: 'POST',
      headers: { authorization: `Bearer ${value}`, 'content-type': 'application/json' },
      body: JSON.stringify({ full: true }),
    });
    expect(started.status).toBe(202);
    const refused = await fetch(`${base}/api/v1/units`, {
      method: 'POST',
      headers: { authorization: `Bearer ${readOnly}`, 'content-type': 'application/json' },
      body: JSON.stringify({ name: 'Nope' }),
    });
    expect(refused.status).toBe(403);

    await page.reload();
    const row = page.getByRole('row', { name: /Nightly sync script/ });
    await expect(row.textContent()).resolves.toMatch(/from 127\.0\.0\.1/);
    await page.getByRole('button', { name: 'Revoke Monitoring (read only)' }).click();
    await page.getByRole('button', { name: 'Yes, revoke' }).click();
    await page
      .getByRole('row', { name: /Monitoring/ })
      .getByText(/Revoked/)
      .waitFor();
    // The value is never shown again after a reload.
    expect(await page.content()).not.toContain(value);
    await screenshot(page, 'tokens', true);
    const after = await fetch(`${base}/api/v1/units`, {
      headers: { authorization: `Bearer ${readOnly}` },
    });
    expect(after.status).toBe(401);
  });

  it('adds an administrator with a one-time password, removes one, and changes the own password', async () => {
    await page.getByTestId('nav-admins').click();
    await page.getByRole('heading', { name: 'Administrators' }).waitFor();
    for (const email of ['shift.lead@contoso.example', 'auditor@contoso.example']) {
      await page.getByLabel('Add an administrator').fill(email);
      await page.getByRole('button', { name: 'Add administrator' }).click();
      await page.getByTestId('new-admin').getByText(email).waitFor();
    }
    const oneTime = (await page.getByTestId('one-time-password').textContent()) ?? '';
    expect(oneTime.length).toBeGreaterThanOrEqual(20);
    const signIn = await fetch(`${base}/api/v1/auth/login`, {
      method: 'POST',
      headers: { 'content-type': 'application/json' },
      body: JSON.stringify({ email: 'auditor@contoso.example', password: oneTime }),
    });
    expect(signIn.status).toBe(200);
    await screenshot(page, 'admins', true);

    await page.getByRole('button', { name: 'Remove shift.lead@contoso.example' }).click();
    await page.getByRole('button', { name: 'Yes, remove' }).click();
    await page.getByRole('row', { name: /shift\.lead/ }).waitFor({ state: 'detached' });

    await page.getByLabel('Current password').fill('not my password');
    await page.getByLabel('New password').fill(NEW_PASSWORD);
    await page.getByRole('button', { name: 'Change password' }).click();
    await expect(page.getByTestId('password-result').textContent()).resolves.toMatch(/wrong/i);
    await page.getByLabel('Current password').fill(env.adminPassword);
    await page.getByRole('button', { name: 'Change password' }).click();
    await page
      .getByTestId('password-result')
      .getByText(/Password changed/)
      .waitFor();
    // Still signed in here: only the other sessions ended.
    await page.reload();
    await page.getByRole('heading', { name: 'Administrators' }).waitFor();
  });

  it('shows the audit log and filters it by action and by who', async () => {
    await page.getByTestId('nav-audit').click();
    const table = page.getByTestId('audit-table');
    await table.waitFor();
    const text = (await table.textContent()) ?? '';
    for (const action of [
      'auth.login',
      'token.created',
      'token.revoked',
      'sync.started',
      'admin.added',
      'admin.removed',
      'auth.password-changed',
    ]) {
      expect(text).toContain(action);
    }
    expect(text).toContain('Nightly sync script');
    expect(text).not.toContain(env.adminPassword);
    await screenshot(page, 'audit', true);

    await page.getByLabel('Action').fill('token.');
    await page.getByRole('button', { name: 'Filter' }).click();
    await expect
      .poll(async () =>
        (await table.locator('tbody tr td.mono').allTextContents()).filter(
          (t) => !/^[\d.:]*$/.test(t),
        ),
      )
      .toEqual(['token.revoked', 'token.created', 'token.created']);

    await page.getByLabel('Action').fill('');
    await page.getByLabel('Who').fill('Nightly sync script');
    await page.getByRole('button', { name: 'Filter' }).click();
    await expect
      .poll(async () => (await table.locator('tbody tr').allTextContents()).length)
      .toBe(1);
    await expect(table.textContent()).resolves.toContain('sync.started');
  });
});
