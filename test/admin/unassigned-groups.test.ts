import { afterEach, expect, it } from 'vitest';
import type { GroupUsersView, UnassignedGroupsView } from '../../src/http/unassigned-schemas.ts';
import { describeEachDialect } from '../helpers/databases.ts';
import { createSyncEnv, type SyncEnv } from '../helpers/sync-env.ts';

/** Issue 13: the Unassigned tab grouped by cause, and the one-click fixes it offers. */
describeEachDialect('unassigned users grouped by reason', (dialect) => {
  let env: SyncEnv;
  afterEach(async () => env?.close());

  async function setup(): Promise<SyncEnv> {
    env = await createSyncEnv(dialect, {
      units: ['Sales', 'Warehouse', 'warehouse'],
      userTypes: ['Employee'],
    });
    const t = env.emulator.tenant;
    let n = 0;
    const add = (count: number, department: string | null, jobTitle: string | null) => {
      for (let i = 0; i < count; i++) {
        n++;
        t.addUser({
          givenName: `P${n}`,
          surname: 'Q',
          mail: `p${n}@contoso.test`,
          department,
          jobTitle,
        });
      }
    };
    add(4, 'Marketing', 'Employee');
    add(3, 'Sales', 'Intern');
    add(2, 'Warehouse', 'Employee');
    add(2, null, 'Employee');
    add(1, 'Sales, Support', 'Employee');
    add(1, 'Sales', null);
    add(5, 'Sales', 'Employee');
    await env.run({ full: true });
    expect(
      (
        await env.api('POST', '/users', {
          firstName: 'Pat',
          lastName: 'Local',
          email: 'pat@local.test',
        })
      ).status,
    ).toBe(201);
    return env;
  }

  async function groups(): Promise<UnassignedGroupsView> {
    const res = await env.api('GET', '/users/unassigned-groups');
    expect(res.status).toBe(200);
    return res.body as UnassignedGroupsView;
  }

  it('groups every unassigned user by cause, largest first, with the fix', async () => {
    await setup();
    const g = await groups();
    expect(g.totalUsers).toBe(14);
    expect(g.groups.map((x) => [x.kind, x.users, x.label])).toEqual([
      ['no-unit', 4, 'department “Marketing” — no unit has this name'],
      ['no-user-type', 3, 'jobTitle “Intern” — no user type has this name'],
      ['ambiguous-unit', 2, '2 units are named “Warehouse” (department): rename all but one'],
      ['unit-empty', 2, 'department is empty (fix it in Entra ID)'],
      ['platform', 1, 'created in the platform: give them a membership by hand'],
      ['several-units', 1, 'department “Sales, Support” names several units (fix it in Entra ID)'],
      ['user-type-empty', 1, 'jobTitle is empty (fix it in Entra ID)'],
    ]);
    expect(g.groups[0]?.action).toEqual({ type: 'create-unit', name: 'Marketing' });
    expect(g.groups[1]?.action).toEqual({ type: 'create-user-type', name: 'Intern' });
    expect(g.groups[2]?.action).toBeNull();
    // The counts equal the Unassigned list.
    const list = await env.api('GET', '/users?assignment=unassigned&limit=500');
    expect((list.body as { items: unknown[] }).items).toHaveLength(g.totalUsers);
  });

  it('pages through the users of one group', async () => {
    await setup();
    const key = (await groups()).groups[0]?.key ?? '';
    const url = (cursor?: string) =>
      `/users/unassigned-groups/users?key=${encodeURIComponent(key)}&limit=3${cursor ? `&cursor=${cursor}` : ''}`;
    const first = (await env.api('GET', url())).body as GroupUsersView;
    expect(first.items).toHaveLength(3);
    expect(first.nextCursor).not.toBeNull();
    const second = (await env.api('GET', url(first.nextCursor ?? ''))).body as GroupUsersView;
    expect(second.items).toHaveLength(1);
    expect(second.nextCursor).toBeNull();
    const emails = [...first.items, ...second.items].map((u) => u.email).sort();
    expect(emails).toEqual([
      'p1@contoso.test',
      'p2@contoso.test',
      'p3@contoso.test',
      'p4@contoso.test',
    ]);
  });

  it('creating the missing unit and user type places their users without a sync', async () => {
    await setup();
    expect((await env.api('POST', '/units', { name: 'Marketing' })).status).toBe(201);
    expect((await env.api('POST', '/user-types', { name: 'Intern' })).status).toBe(201);
    // The settings reconcile queued by the change (no Graph request).
    await env.idle();
    const g = await groups();
    expect(g.groups.map((x) => x.kind)).not.toContain('no-unit');
    expect(g.groups.map((x) => x.kind)).not.toContain('no-user-type');
    expect(g.totalUsers).toBe(7);
  });

  it('honours the list filters: the groups add up to the filtered Unassigned list', async () => {
    await setup();
    // Two unassigned users get a manual membership without a user type in Sales: still
    // unassigned, and now members of that unit.
    const sales = env.units.get('Sales') ?? '';
    const marketing = (await env.api('GET', '/users?assignment=unassigned&search=marketing'))
      .body as { items: { id: string }[] };
    const members = [
      ...(
        (await env.api('GET', '/users?assignment=unassigned&email=p1@contoso.test')).body as {
          items: { id: string }[];
        }
      ).items,
      ...(
        (await env.api('GET', '/users?assignment=unassigned&email=p12@contoso.test')).body as {
          items: { id: string }[];
        }
      ).items,
    ];
    expect(marketing.items).toHaveLength(0); // the search key is names and email, not department
    expect(members).toHaveLength(2);
    for (const m of members) {
      const put = await env.api('PUT', `/users/${m.id}/memberships/${sales}`, { userTypeIds: [] });
      expect(put.status).toBe(200);
    }
    const filters: [string, number][] = [
      [`integrationId=${env.integrationId}`, 13],
      [`unitId=${sales}`, 2],
      ['search=P1', 5], // p1, p10…p13 (p14… are assigned)
      [`search=p1&unitId=${sales}`, 2],
      ['search=nobody-has-this', 0],
    ];
    for (const [params, expected] of filters) {
      const res = await env.api('GET', `/users/unassigned-groups?${params}`);
      expect(res.status).toBe(200);
      const g = res.body as UnassignedGroupsView;
      const list = (await env.api('GET', `/users?assignment=unassigned&limit=500&${params}`))
        .body as { items: { id: string }[] };
      const counts = (await env.api('GET', `/users/counts?${params}`)).body as {
        unassigned: number;
      };
      const listed = new Set(list.items.map((u) => u.id));
      expect({ params, total: g.totalUsers }).toEqual({ params, total: expected });
      expect({ params, list: listed.size, counts: counts.unassigned }).toEqual({
        params,
        list: expected,
        counts: expected,
      });
      expect(g.groups.reduce((n, x) => n + x.users, 0)).toBe(expected);
      // Each group's users, under the same filters, are exactly its count, all in the list.
      for (const group of g.groups) {
        const page = (
          await env.api(
            'GET',
            `/users/unassigned-groups/users?key=${encodeURIComponent(group.key)}&limit=200&${params}`,
          )
        ).body as GroupUsersView;
        expect(page.items).toHaveLength(group.users);
        for (const u of page.items) expect(listed.has(u.id)).toBe(true);
      }
    }
    // Without a filter the platform user's group is there; filtered by integration it is not.
    const byIntegration = (
      await env.api('GET', `/users/unassigned-groups?integrationId=${env.integrationId}`)
    ).body as UnassignedGroupsView;
    expect(byIntegration.groups.map((x) => x.kind)).not.toContain('platform');
    expect((await groups()).groups.map((x) => x.kind)).toContain('platform');
  });

  it('refuses a malformed filter with a 400 naming it', async () => {
    await setup();
    const res = await env.api('GET', '/users/unassigned-groups?unitId=not-a-uuid');
    expect(res.status).toBe(400);
    expect(JSON.stringify(res.body)).toContain('unitId');
  });
});
