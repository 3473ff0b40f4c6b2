/**
 * The administrator's view end to end (issue 13): the Unassigned tab grouped by cause with
 * its one-click fixes, the users list's filters and CSV export, the field preview of a new
 * and of a synced integration, the user page's explanation, and axe on every one of these
 * screens. Takes the README's screenshots.
 */
import type { Page } from 'playwright-core';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { createAdmin } from '../../src/auth/admins.ts';
import type { FieldPreviewView } from '../../src/http/preview-schemas.ts';
import type { UnassignedGroupsView } from '../../src/http/unassigned-schemas.ts';
import { parseCsv } from '../../test/helpers/csv.ts';
import type { SyncEnv } from '../../test/helpers/sync-env.ts';
import { seriousViolations } from './axe.ts';
import { chromiumAvailable, screenshot, startPanel, type PanelHarness } from './harness.ts';

const ORG = 'Contoso Retail';
const ADMIN_EMAIL = 'it.admin@contoso.example';

interface ApiUser {
  id: string;
  email: string;
  assigned: boolean;
  memberships: { unitId: string; userTypeIds: string[]; managedBy: string | null }[];
}

describe.skipIf(!chromiumAvailable())("administrator's view in a browser", () => {
  let h: PanelHarness;
  let env: SyncEnv;
  let page: Page;
  let base: string;

  beforeAll(async () => {
    h = await startPanel({
      units: ['Operations', 'Sales', 'Retail', 'Warehouse', 'Finance'],
      userTypes: ['Employee', 'Manager', 'Cashier'],
    });
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
    // A second "Warehouse" (a store's own): that name no longer picks one unit.
    const retail = env.units.get('Retail');
    expect((await env.api('POST', '/units', { name: 'Warehouse', parentId: retail })).status).toBe(
      201,
    );
    await env.idle();
    const t = env.emulator.tenant;
    const names = [
      'Olivia',
      'Noah',
      'Amara',
      'Liam',
      'Sofia',
      'Mateo',
      'Chloé',
      'Yusuf',
      'Ines',
      'Kenji',
    ];
    let n = 0;
    const add = (count: number, department: string | null, jobTitle: string | null) => {
      for (let i = 0; i < count; i++) {
        const given = names[n % names.length] ?? 'Alex';
        const surname = `Nguyễn${n}`;
        n++;
        t.addUser({
          givenName: given,
          surname,
          mail: `${given.normalize('NFD').replace(/\p{M}/gu, '').toLowerCase()}.${n}@contoso.example`,
          department,
          jobTitle,
          city: 'Leeds',
        });
      }
    };
    add(8, 'Operations', 'Employee');
    add(4, 'Sales', 'Manager');
    add(6, 'Marketing', 'Employee');
    add(3, 'Sales', 'Intern');
    add(2, 'Warehouse', 'Cashier');
    add(2, null, 'Employee');
    add(1, 'Sales, Finance', 'Employee');
    await env.run({ full: true });
    await page.goto(`${base}/users?tab=unassigned`);
    await page.getByLabel('Email').fill(ADMIN_EMAIL);
    await page.getByLabel('Password').fill(env.adminPassword);
    await page.getByRole('button', { name: 'Sign in' }).click();
    await page.getByTestId('unassigned-groups').waitFor();
  });

  afterAll(async () => {
    await h?.close();
  });

  async function expectAccessible(): Promise<void> {
    expect(await seriousViolations(page)).toEqual([]);
  }

  async function groupsFromApi(): Promise<UnassignedGroupsView> {
    return (await env.api('GET', '/users/unassigned-groups')).body as UnassignedGroupsView;
  }

  it('groups the Unassigned tab by cause with the counts of the API', async () => {
    const api = await groupsFromApi();
    const items = page.getByTestId('unassigned-group');
    await items.first().waitFor();
    expect(await items.count()).toBe(api.groups.length);
    const shown = await items.evaluateAll((els) =>
      els.map((el) => [
        el.querySelector('[data-testid="group-count"]')?.textContent ?? '',
        el.querySelector('.group-label')?.textContent ?? '',
      ]),
    );
    expect(shown).toEqual(
      api.groups.map((g) => [g.users === 1 ? '1 user' : `${g.users} users`, g.label]),
    );
    expect(api.groups.map((g) => g.kind)).toEqual([
      'no-unit',
      'no-user-type',
      'ambiguous-unit',
      'unit-empty',
      'several-units',
    ]);
    // The tab's total is the API's.
    await expect(page.getByTestId('tab-count-unassigned').textContent()).resolves.toBe(
      String(api.totalUsers),
    );
    // A group expands to its users.
    const first = items.first();
    await first.getByRole('button', { name: 'Show users' }).click();
    await expect(first.getByTestId('group-users').locator('li').count()).resolves.toBe(6);
    await first.getByRole('button', { name: 'Hide users' }).click();
    await expectAccessible();
    await screenshot(page, 'users-unassigned-groups', true);
  });

  it('"Create unit" from a group places its users without a manual sync', async () => {
    const runsBefore = (
      (await env.api('GET', `/integrations/${env.integrationId}/runs`)).body as {
        items: { trigger: string }[];
      }
    ).items;
    const group = page.getByTestId('unassigned-group').filter({ hasText: 'Marketing' });
    await group.getByRole('button', { name: 'Create unit “Marketing”…' }).click();
    await page.getByLabel('Where in the unit tree').selectOption({ label: 'Operations' });
    await expectAccessible();
    await screenshot(page, 'users-unassigned-create-unit', true);
    await group.getByRole('button', { name: 'Create “Marketing”' }).click();
    await page.getByTestId('group-fixed').waitFor({ timeout: 20_000 });
    expect(
      await page.getByTestId('unassigned-group').filter({ hasText: 'Marketing' }).count(),
    ).toBe(0);
    const units = (await env.api('GET', '/units')).body as {
      id: string;
      name: string;
      parentId: string | null;
    }[];
    const marketing = units.find((u) => u.name === 'Marketing');
    expect(marketing?.parentId).toBe(env.units.get('Operations'));
    const placed = (await env.api('GET', `/users?unitId=${marketing?.id}&limit=50`)).body as {
      items: ApiUser[];
    };
    expect(placed.items).toHaveLength(6);
    expect(placed.items.every((u) => u.assigned)).toBe(true);
    // Only the settings reconcile ran: nobody pressed Initiate synchronisation.
    const runsAfter = (
      (await env.api('GET', `/integrations/${env.integrationId}/runs`)).body as {
        items: { trigger: string }[];
      }
    ).items;
    const added = runsAfter.slice(0, runsAfter.length - runsBefore.length);
    expect(added.map((r) => r.trigger)).toEqual(['settings']);
    expect((await groupsFromApi()).totalUsers).toBe(8);
  });

  it('filters the users list, keeps the filters in the URL and exports them as CSV', async () => {
    await page.getByRole('tab', { name: 'All' }).click();
    await page.getByTestId('users-table').waitFor();
    await page.getByLabel('Unit', { exact: true }).selectOption({ label: 'Sales' });
    await page.getByLabel('User type', { exact: true }).selectOption({ label: 'Manager' });
    await page.waitForFunction(
      () => document.querySelectorAll('[data-testid="users-table"] tbody tr').length === 4,
    );
    const url = new URL(page.url());
    expect(url.searchParams.get('unit')).toBe(env.units.get('Sales'));
    expect(url.searchParams.get('type')).toBe(env.userTypes.get('Manager'));
    await expect(page.getByTestId('tab-count-all').textContent()).resolves.toBe('4');
    await expect(
      page.getByTestId('users-table').getByTestId('cell-units').first().textContent(),
    ).resolves.toBe('Sales (synced)');
    await expectAccessible();
    await screenshot(page, 'users-filters', true);

    // The export is the filtered list: fetched as the browser would, parsed and compared.
    const href = (await page.getByTestId('export-csv').getAttribute('href')) ?? '';
    const csv = await page.evaluate(async (u) => (await fetch(u)).text(), href);
    const rows = parseCsv(csv);
    const api = (
      await env.api(
        'GET',
        `/users?unitId=${env.units.get('Sales')}&userTypeId=${env.userTypes.get('Manager')}&limit=100`,
      )
    ).body as { items: ApiUser[] };
    expect(rows[0]?.[3]).toBe('email');
    expect(
      rows
        .slice(1)
        .map((r) => r[3])
        .sort(),
    ).toEqual(api.items.map((u) => u.email).sort());
    expect(
      rows.slice(1).every((r) => r[6] === 'Sales' && r[7] === 'Manager' && r[9] === 'Entra'),
    ).toBe(true);

    // Accent-insensitive search, kept in the URL across a reload.
    await page.getByRole('button', { name: 'Clear filters' }).click();
    await page.getByLabel('Search users by name or email').fill('CHLOE nguyen16');
    await page.getByRole('button', { name: 'Search' }).click();
    await page.waitForFunction(
      () => document.querySelectorAll('[data-testid="users-table"] tbody tr').length === 1,
    );
    await page.reload();
    await page
      .getByTestId('users-table')
      .getByRole('link', { name: /Chloé Nguyễn16/ })
      .waitFor();
    expect(new URL(page.url()).searchParams.get('search')).toBe('CHLOE nguyen16');
  });

  it("explains an unassigned user's placement on the user page", async () => {
    const api = await groupsFromApi();
    const intern = api.groups.find((g) => g.kind === 'no-user-type');
    const users = (
      await env.api(
        'GET',
        `/users/unassigned-groups/users?key=${encodeURIComponent(intern?.key ?? '')}`,
      )
    ).body as { items: ApiUser[] };
    await page.goto(`${base}/users/${users.items[0]?.id}`);
    const panel = page.getByTestId('sync-explanation');
    await panel.waitFor();
    await expect(panel.textContent()).resolves.toContain('no user type named: Intern');
    await expect(panel.textContent()).resolves.toContain('Sales');
    await expectAccessible();
  });

  it('previews the fields of a synced integration from the mirror and recommends the best', async () => {
    await page.goto(`${base}/integrations/${env.integrationId}`);
    await page.getByRole('button', { name: 'Preview field values' }).click();
    await expect(page.getByTestId('field-preview-source').textContent()).resolves.toMatch(
      /^From the last synchronisation: 26 users\.$/,
    );
    const unitRows = page.getByTestId('preview-unit-values').locator('tbody tr');
    await expect(unitRows.first().textContent()).resolves.toMatch(
      /^Operations8✓ matches one unit$/,
    );
    await expect(page.getByTestId('field-preview-recommendation').textContent()).resolves.toMatch(
      /Your choice matches best/,
    );
    await expectAccessible();
    // The picture starts at the panel's heading.
    await page.getByTestId('field-preview').evaluate((el) => el.scrollIntoView());
    await screenshot(page, 'integration-field-preview');
  });

  it('previews the fields of a new integration from a Graph sample', async () => {
    const app = env.emulator.tenant.addApp();
    const created = await env.api('POST', '/integrations', {
      name: 'Second tenant (not synced yet)',
      applicationId: app.clientId,
      tenantId: env.emulator.tenant.id,
      secret: app.secret,
      unitField: 'city',
      userTypeField: 'jobTitle',
    });
    expect(created.status).toBe(201);
    const id = (created.body as { id: string }).id;
    await page.goto(`${base}/integrations/${id}`);
    await page.getByRole('button', { name: 'Preview field values' }).click();
    await expect(page.getByTestId('field-preview-source').textContent()).resolves.toBe(
      'From all 26 users read from Entra ID.',
    );
    const api = (
      await env.api('POST', `/integrations/${id}/field-preview`, {
        unitField: 'city',
        userTypeField: 'jobTitle',
      })
    ).body as FieldPreviewView;
    expect(api.source).toBe('graph-sample');
    // city matches no unit; department (now with Marketing) matches best: the panel offers it.
    const rec = page.getByTestId('field-preview-recommendation');
    await expect(rec.textContent()).resolves.toMatch(/Better match: unit field department/);
    await rec.getByRole('button', { name: 'Use these fields' }).click();
    await expect(page.getByLabel('Unit field').inputValue()).resolves.toBe('department');
    await expectAccessible();
  });

  it('groups the users found by a search by cause, with the counts of the filtered API', async () => {
    await page.goto(`${base}/users?tab=unassigned`);
    await page.getByTestId('unassigned-groups').waitFor();
    // A search lists the people found; By cause then groups just them.
    await page.getByLabel('Search users by name or email').fill('nguyen1');
    await page.getByRole('button', { name: 'Search' }).click();
    await page.getByTestId('users-table').waitFor();
    await page.getByRole('button', { name: 'By cause' }).click();
    const api = (await env.api('GET', '/users/unassigned-groups?search=nguyen1'))
      .body as UnassignedGroupsView;
    const all = await groupsFromApi();
    expect(api.totalUsers).toBeGreaterThan(0);
    expect(api.totalUsers).toBeLessThan(all.totalUsers);
    const items = page.getByTestId('unassigned-group');
    await page.waitForFunction(
      (n) => document.querySelectorAll('[data-testid="unassigned-group"]').length === n,
      api.groups.length,
    );
    const shown = await items.evaluateAll((els) =>
      els.map((el) => el.querySelector('[data-testid="group-count"]')?.textContent ?? ''),
    );
    expect(shown).toEqual(api.groups.map((g) => (g.users === 1 ? '1 user' : `${g.users} users`)));
    await expect(page.getByTestId('tab-count-unassigned').textContent()).resolves.toBe(
      String(api.totalUsers),
    );
    // A group's users are the ones the search found.
    const first = items.first();
    await first.getByRole('button', { name: 'Show users' }).click();
    const names = first.getByTestId('group-users').getByRole('link');
    await names.first().waitFor();
    expect(await names.count()).toBe(api.groups[0]?.users);
    await expectAccessible();
    await screenshot(page, 'users-unassigned-groups-search', true);
  });
});
