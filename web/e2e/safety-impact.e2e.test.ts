/**
 * Issue 17 in a browser, the rest of it: a unit move and a unit delete show their impact
 * first, and the counts shown equal those of the run that follows; the run history pages back
 * through older runs; a run waiting out Microsoft's throttling says so; confirmations after
 * adding a membership, saving user types, creating a user type and reactivating; times with
 * their zone; and every screen reads each of its API resources once per load.
 * The tests run in order on one server and one page.
 */
import type { Page } from 'playwright-core';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import type { ChangeRow } from '../../src/sync/apply.ts';
import type { RunChange } from '../../src/sync/changes-repo.ts';
import { addToImpact, noImpact } from '../../src/sync/impact.ts';
import type { Run } from '../../src/sync/run-record.ts';
import { createRun, transitionRun } from '../../src/sync/runs-repo.ts';
import type { SyncEnv } from '../../test/helpers/sync-env.ts';
import { impactSentence } from '../src/lib/impact.ts';
import { chromiumAvailable, screenshot, startPanel, type PanelHarness } from './harness.ts';

describe.skipIf(!chromiumAvailable())(
  'impact, run history and hints (issue 17) in a browser',
  () => {
    let h: PanelHarness;
    let env: SyncEnv;
    let page: Page;
    let base: string;

    beforeAll(async () => {
      h = await startPanel({
        units: ['Sales', 'Support'],
        userTypes: ['Employee', 'Manager'],
        unassignmentThreshold: 0,
      });
      ({ env, page, base } = h);
      const t = env.emulator.tenant;
      for (const [given, surname, department] of [
        ['Mary', 'Martinez', 'Sales'],
        ['Jon', 'Lefèvre', 'Sales'],
        ['Ada', 'Byron', 'Sales'],
        ['Bo', 'Chen', 'Support'],
      ] as const) {
        t.addUser({
          givenName: given,
          surname,
          mail: `${given}.${surname}@contoso.example`.toLowerCase(),
          department,
          jobTitle: 'Employee',
        });
      }
      await page.goto(`${base}/units`);
      // The first page of a freshly built panel on a loaded machine: more than the default 10 s.
      await page.getByLabel('Email').fill(env.adminEmail, { timeout: 30_000 });
      await page.getByLabel('Password').fill(env.adminPassword);
      await page.getByRole('button', { name: 'Sign in' }).click();
      await page.getByTestId('unit-tree').waitFor({ timeout: 30_000 });
    }, 120_000);

    afterAll(async () => {
      await h?.close();
    });

    async function latestRun(): Promise<Run> {
      const res = await env.api('GET', `/integrations/${env.integrationId}/runs?limit=1`);
      const run = (res.body as { items: Run[] }).items[0];
      if (!run) throw new Error('no run');
      return run;
    }

    /** Starts a synchronisation through the API and waits for its end. */
    async function syncNow(): Promise<Run> {
      await noActiveRun();
      const started = await env.api('POST', `/integrations/${env.integrationId}/sync`, {});
      expect(started.status).toBe(202);
      const runId = (started.body as { runId: string }).runId;
      await expect
        .poll(async () => ((await env.api('GET', `/runs/${runId}`)).body as Run).status, {
          timeout: 30_000,
        })
        .toMatch(/^(succeeded|failed|held)$/);
      return (await env.api('GET', `/runs/${runId}`)).body as Run;
    }

    /** Waits until the integration has no queued or running run. */
    async function noActiveRun(): Promise<void> {
      await expect
        .poll(
          async () => {
            const res = await env.api('GET', `/integrations/${env.integrationId}/runs?limit=5`);
            const items = (res.body as { items: Run[] }).items;
            return items.some((r) => r.status === 'queued' || r.status === 'running');
          },
          { timeout: 30_000 },
        )
        .toBe(false);
    }

    /** The sentence the impact dialog would show for what `run` did, read from its change log. */
    async function sentenceOfRun(run: Run): Promise<string> {
      const res = await env.api('GET', `/runs/${run.id}/changes?limit=500`);
      const rows = (res.body as { items: RunChange[] }).items.map((c): ChangeRow => ({
        ...c,
        details: c.details as ChangeRow['details'],
      }));
      const impact = noImpact();
      addToImpact(impact, rows);
      return impactSentence({ ...impact, duplicateName: null });
    }

    it('synchronises the tenant first (through the API: the harness runs dispatched runs)', async () => {
      const run = await syncNow();
      expect(run).toMatchObject({ status: 'succeeded', counts: { created: 4 } });
    });

    it('a unit move says first that it changes no one, and the next run agrees', async () => {
      const stores = await env.api('POST', '/units', { name: 'Stores' });
      expect(stores.status).toBe(201);
      await page.reload();
      const support = page.getByTestId('unit-row').filter({ hasText: 'Support' });
      await support.getByRole('button', { name: 'Move Support' }).click();
      await page.getByLabel('Parent', { exact: true }).selectOption({ label: 'Stores' });
      await support.getByRole('button', { name: 'Move', exact: true }).click();
      const impact = page.getByTestId('impact');
      await expect(impact.innerText()).resolves.toContain('Move Support under Stores?');
      const shown = (await impact.getByTestId('impact-sentence').innerText()).trim();
      expect(shown).toBe('This will move 0 users, unassign 0 users and deactivate 0 users.');
      // Nothing moved yet.
      const before = (await env.api('GET', '/units')).body as { name: string; parentId: unknown }[];
      expect(before.find((u) => u.name === 'Support')?.parentId).toBeNull();
      await screenshot(page, 'impact-unit-move');
      await impact.getByRole('button', { name: 'Yes, move' }).click();
      await page.getByTestId('impact').waitFor({ state: 'detached' });
      const after = (await env.api('GET', '/units')).body as { name: string; parentId: unknown }[];
      expect(after.find((u) => u.name === 'Support')?.parentId).toBe(
        after.find((u) => u.name === 'Stores') && (stores.body as { id: string }).id,
      );
      // The run that follows (matching reads names, not the tree: nothing to reconcile).
      const run = await syncNow();
      expect(run.status).toBe('succeeded');
      expect(await sentenceOfRun(run)).toBe(shown);
    });

    it('deleting a unit says first whom it places, and the settings run that follows agrees', async () => {
      // A second unit named like Sales (under Stores): Sales' users cannot be placed in either.
      const dup = await env.api('POST', '/units', {
        name: 'SALES',
        parentId: ((await env.api('GET', '/units')).body as { id: string; name: string }[]).find(
          (u) => u.name === 'Stores',
        )?.id,
      });
      expect(dup.status).toBe(201);
      // The reconcile the new unit queues (no Graph request) unassigns Sales' users.
      await expect
        .poll(async () => (await latestRun()).trigger, { timeout: 20_000 })
        .toBe('settings');
      await noActiveRun();
      await page.reload();
      const row = page.getByTestId('unit-row').filter({
        has: page.getByRole('button', { name: 'Delete SALES', exact: true }),
      });
      await row.getByRole('button', { name: 'Delete SALES', exact: true }).click();
      const impact = page.getByTestId('impact');
      await expect(impact.innerText()).resolves.toContain('Delete SALES?');
      const shown = (await impact.getByTestId('impact-sentence').innerText()).trim();
      expect(shown).toBe(
        'This will move 0 users, unassign 0 users, place 3 users who have no unit now and deactivate 0 users.',
      );
      await screenshot(page, 'impact-unit-delete');
      const settingsRunsBefore = (await latestRun()).id;
      await impact.getByRole('button', { name: 'Yes, delete' }).click();
      await page.getByTestId('impact').waitFor({ state: 'detached' });
      await expect
        .poll(async () => (await latestRun()).id, { timeout: 20_000 })
        .not.toBe(settingsRunsBefore);
      await noActiveRun();
      const run = await latestRun();
      expect(run).toMatchObject({ trigger: 'settings', status: 'succeeded' });
      expect(await sentenceOfRun(run)).toBe(shown);

      // A unit with members: the refusal, with what to do, at once instead of a question.
      const sales = page.getByTestId('unit-row').filter({
        has: page.getByRole('button', { name: 'Delete Sales', exact: true }),
      });
      await sales.getByRole('button', { name: 'Delete Sales', exact: true }).click();
      await sales.getByRole('alert').filter({ hasText: 'follow Entra' }).waitFor();
      expect(await page.getByTestId('impact').count()).toBe(0);
    });

    it('an exclusion rule shows whom it would deactivate before saving, held by the threshold being saved', async () => {
      await page.goto(`${base}/integrations/${env.integrationId}`);
      await page.getByRole('button', { name: 'Add rule' }).click();
      await page.getByLabel('Rule 1 field').selectOption('department');
      await page.getByLabel('Rule 1 operator').selectOption('endsWith');
      await page.getByLabel('Rule 1 value').fill('s');
      await page.getByRole('button', { name: 'Save', exact: true }).click();
      const impact = page.getByTestId('impact');
      const sentence = 'This will move 0 users, unassign 0 users and deactivate 3 users.';
      await expect(impact.getByTestId('impact-sentence').innerText()).resolves.toBe(sentence);
      // The stored deletion threshold (500) would not hold the run…
      await expect(impact.innerText()).resolves.not.toMatch(/would be held/);
      await impact.getByRole('button', { name: 'Cancel' }).click();
      // …the threshold of 2 saved with the rule would.
      await page.getByLabel('Deletion threshold').fill('2');
      await page.getByRole('button', { name: 'Save', exact: true }).click();
      await expect(impact.innerText()).resolves.toMatch(/The next run would be held/);
      await screenshot(page, 'impact-exclusion-rule');
      await impact.getByRole('button', { name: 'Cancel' }).click();
      const saved = (await env.api('GET', `/integrations/${env.integrationId}`)).body as {
        exclusionRules: unknown[];
        deletionThreshold: number;
      };
      expect(saved).toMatchObject({ exclusionRules: [], deletionThreshold: 500 });
    });

    it('pages through the run history back to the 90-day retention', async () => {
      const now = Date.now();
      for (let i = 1; i <= 45; i++) {
        const at = new Date(now - i * 86_400_000).toISOString();
        const run = await createRun(
          env.db.db,
          {
            integrationId: env.integrationId,
            orgId: env.orgId,
            trigger: 'schedule',
            mode: 'incremental',
            dryRun: false,
          },
          at,
        );
        await transitionRun(env.db.db, run.id, 'running', { now: at });
        await transitionRun(env.db.db, run.id, 'succeeded', { now: at });
      }
      const total = (
        (await env.api('GET', `/integrations/${env.integrationId}/runs?limit=200`)).body as {
          items: Run[];
        }
      ).items.length;
      expect(total).toBeGreaterThan(45);
      await page.goto(`${base}/integrations/${env.integrationId}`);
      const rows = page.getByTestId('run-history').locator('tbody tr');
      await expect.poll(() => rows.count(), { timeout: 20_000 }).toBe(20);
      const pager = page.getByRole('navigation', { name: 'Run history pages' });
      const seen = new Set<string>();
      const collect = async () => {
        for (const href of await rows
          .locator('a')
          .evaluateAll((as) => as.map((a) => a.getAttribute('href') ?? ''))) {
          seen.add(href);
        }
      };
      await collect();
      const firstHref = () => rows.first().locator('a').getAttribute('href');
      for (let p = 2; p <= Math.ceil(total / 20); p++) {
        // The page on screen stays until the next one has arrived: wait for its rows.
        const before = await firstHref();
        await pager.getByRole('button', { name: 'Next' }).click();
        await pager.getByText(`Page ${p}`).waitFor();
        await expect.poll(firstHref, { timeout: 20_000 }).not.toBe(before);
        await collect();
      }
      expect(seen.size).toBe(total);
      await expect(pager.getByRole('button', { name: 'Next' }).isDisabled()).resolves.toBe(true);
      await page.getByTestId('runs-retention').waitFor();
      // The oldest run, 45 days ago, in one date format with its time zone.
      await expect(rows.last().innerText()).resolves.toMatch(/\d{4}-\d{2}-\d{2} \d{2}:\d{2} UTC/);
      await screenshot(page, 'run-history-paged');
      await pager.getByRole('button', { name: 'Previous' }).click();
      await pager.getByText(`Page ${Math.ceil(total / 20) - 1}`).waitFor();
    });

    it('a run waiting out Microsoft Graph throttling says so, then ends', async () => {
      // Long enough to load the run page on a loaded machine while Microsoft is still awaited.
      env.emulator.faults.script({ kind: '429', method: 'GET', retryAfter: 12, times: 1 });
      const started = await env.api('POST', `/integrations/${env.integrationId}/sync`, {});
      expect(started.status).toBe(202);
      const runId = (started.body as { runId: string }).runId;
      await page.goto(`${base}/runs/${runId}`);
      const hint = page.getByTestId('run-waiting');
      await expect(hint.textContent({ timeout: 12_000 })).resolves.toMatch(
        /^Waiting for Microsoft Graph: throttled, retrying in \d+ s\.$/,
      );
      await screenshot(page, 'run-throttled');
      await page
        .getByTestId('run-status')
        .filter({ hasText: /^succeeded/ })
        .waitFor({ timeout: 30_000 });
      expect(await hint.count()).toBe(0);
    });

    it('says so after adding a membership, saving user types, creating a user type and reactivating', async () => {
      const mary = (
        (await env.api('GET', '/users?email=mary.martinez%40contoso.example')).body as {
          items: { id: string }[];
        }
      ).items[0];
      if (!mary) throw new Error('no Mary');
      await page.goto(`${base}/users/${mary.id}`);
      const supportId = (
        (await env.api('GET', '/units')).body as { id: string; name: string }[]
      ).find((u) => u.name === 'Support')?.id;
      await page.getByLabel('Unit', { exact: true }).selectOption(supportId ?? '');
      const add = page.getByRole('form', { name: 'Add membership' });
      await add.getByLabel('Manager').check();
      await add.getByRole('button', { name: 'Add membership' }).click();
      const notice = page.getByTestId('memberships-notice');
      await expect(notice.filter({ hasText: /\S/ }).textContent()).resolves.toBe(
        '✓ Added to Stores › Support as Manager.',
      );
      const manual = page.getByTestId('membership').filter({ hasText: 'manual' });
      await manual.getByLabel('Employee').check();
      await manual.getByRole('button', { name: 'Save user types' }).click();
      await expect
        .poll(() => notice.textContent(), { timeout: 20_000 })
        .toBe('✓ User types in Stores › Support saved.');
      await screenshot(page, 'membership-saved');

      await page.goto(`${base}/user-types`);
      await page.getByRole('textbox', { name: 'New user type' }).fill('Auditor');
      await page.getByRole('button', { name: 'Create user type' }).click();
      await expect(page.getByTestId('user-type-created').textContent()).resolves.toBe(
        '✓ User type “Auditor” created.',
      );

      expect((await env.api('POST', `/users/${mary.id}/deactivate`, {})).status).toBe(200);
      await page.goto(`${base}/users?tab=deactivated`);
      await page.getByRole('button', { name: 'Reactivate Mary Martinez' }).click();
      await page.getByRole('button', { name: 'Yes, reactivate' }).click();
      await expect(page.getByTestId('reactivated-note').textContent()).resolves.toBe(
        '✓ Mary Martinez reactivated: back under All.',
      );
    });

    it('every screen reads each of its API resources once per load', async () => {
      const run = await latestRun();
      const mary = (
        (await env.api('GET', '/users?email=mary.martinez%40contoso.example')).body as {
          items: { id: string }[];
        }
      ).items[0];
      const screens: [string, string][] = [
        ['integrations', '/integrations'],
        ['integration', `/integrations/${env.integrationId}`],
        ['run', `/runs/${run.id}`],
        ['users', '/users'],
        ['unassigned', '/users?tab=unassigned'],
        ['deactivated', '/users?tab=deactivated'],
        ['user', `/users/${mary?.id ?? ''}`],
        ['units', '/units'],
        ['user types', '/user-types'],
      ];
      const twice: string[] = [];
      for (const [name, path] of screens) {
        const requests: string[] = [];
        const listener = (r: { url(): string; method(): string }) => {
          const url = new URL(r.url());
          if (url.pathname.startsWith('/api/'))
            requests.push(`${r.method()} ${url.pathname}${url.search}`);
        };
        page.on('request', listener);
        await page.goto(`${base}${path}`);
        await page.locator('main h1').first().waitFor();
        await page.waitForLoadState('networkidle');
        page.off('request', listener);
        expect(requests.length, name).toBeGreaterThan(0);
        const counts = new Map<string, number>();
        for (const r of requests) counts.set(r, (counts.get(r) ?? 0) + 1);
        for (const [r, n] of counts) if (n > 1) twice.push(`${name}: ${r} ×${n}`);
      }
      expect(twice).toEqual([]);
    });

    it('the changed screens fit a 390 px wide phone', async () => {
      await page.setViewportSize({ width: 390, height: 844 });
      try {
        const screens: [string, string][] = [
          ['phone-unit-move', '/units'],
          ['phone-user-types', '/user-types'],
          ['phone-integration-history', `/integrations/${env.integrationId}`],
        ];
        const wide: string[] = [];
        for (const [name, path] of screens) {
          await page.goto(`${base}${path}`);
          await page.locator('main h1').first().waitFor({ timeout: 30_000 });
          await page.waitForLoadState('networkidle');
          if (name === 'phone-unit-move') {
            await page.getByRole('button', { name: 'Move Sales', exact: true }).click();
            await page.getByLabel('Parent', { exact: true }).selectOption({ label: 'Stores' });
            await page
              .getByTestId('unit-row')
              .filter({ hasText: 'Sales' })
              .getByRole('button', { name: 'Move', exact: true })
              .click();
            await page.getByTestId('impact').waitFor();
          }
          if (name === 'phone-integration-history') {
            await page.getByTestId('run-history').scrollIntoViewIfNeeded();
          }
          const width = await page.evaluate(() => document.documentElement.scrollWidth);
          if (width > 390) wide.push(`${name}: ${width}px`);
          await screenshot(page, name);
        }
        expect(wide).toEqual([]);
      } finally {
        await page.setViewportSize({ width: 1366, height: 768 });
      }
    });
  },
);
