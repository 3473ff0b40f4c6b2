/**
 * Issue 16 in a browser: the integration form's "Near-real-time updates" checkbox is saved,
 * and the integration page says whether notifications are active. This server has no public
 * https URL, so the page must say that near-real-time is not available (and why) instead of
 * pretending; the active case is covered by test/sync/near-real-time.test.ts and
 * web/src/lib/near-real-time.test.ts.
 */
import type { Page } from 'playwright-core';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import type { SyncEnv } from '../../test/helpers/sync-env.ts';
import { chromiumAvailable, startPanel, type PanelHarness } from './harness.ts';

describe.skipIf(!chromiumAvailable())('near-real-time updates in a browser', () => {
  let h: PanelHarness;
  let env: SyncEnv;
  let page: Page;
  let base: string;

  beforeAll(async () => {
    h = await startPanel({ units: ['Sales'], userTypes: ['Employee'] });
    ({ env, page, base } = h);
  }, 120_000);

  afterAll(async () => {
    await h?.close();
  });

  async function stored(): Promise<{ nearRealTime: boolean; state: string | undefined }> {
    const body = (await env.api('GET', `/integrations/${env.integrationId}`)).body as {
      nearRealTime: boolean;
      nearRealTimeStatus: { state: string } | null;
    };
    return { nearRealTime: body.nearRealTime, state: body.nearRealTimeStatus?.state };
  }

  it('saves the setting and says it is not available without a public https URL', async () => {
    await page.goto(`${base}/integrations/${env.integrationId}`);
    await page.getByLabel('Email').fill(env.adminEmail);
    await page.getByLabel('Password').fill(env.adminPassword);
    await page.getByRole('button', { name: 'Sign in' }).click();

    const box = page.getByLabel('Near-real-time updates');
    await box.waitFor({ timeout: 30_000 });
    expect(await box.isChecked()).toBe(false);
    expect(await page.getByTestId('near-real-time').count()).toBe(0);

    await box.check();
    await page.getByRole('button', { name: 'Save' }).click();
    await page.getByTestId('saved-note').filter({ hasText: 'Saved' }).waitFor({ timeout: 30_000 });
    expect(await stored()).toEqual({ nearRealTime: true, state: 'unavailable' });
    const line = page.getByTestId('near-real-time');
    await line.waitFor({ timeout: 30_000 });
    expect(await line.textContent()).toMatch(/^Near-real-time: not available\. .*PUBLIC_URL/);

    await box.uncheck();
    await page.getByRole('button', { name: 'Save' }).click();
    await expect.poll(async () => (await stored()).nearRealTime, { timeout: 30_000 }).toBe(false);
    await expect
      .poll(() => page.getByTestId('near-real-time').count(), { timeout: 30_000 })
      .toBe(0);
  }, 120_000);
});
