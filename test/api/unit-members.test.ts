import { afterEach, expect, it } from 'vitest';
import { describeEachDialect } from '../helpers/databases.ts';
import { createSyncEnv, type SyncEnv } from '../helpers/sync-env.ts';

/**
 * Issue 17: GET /units counts each unit's memberships (and the managed ones), GET /users
 * filters by unit, and deleting a unit with members says what happens to them.
 */
describeEachDialect('units: member counts, users by unit, delete explained', (dialect) => {
  let env: SyncEnv;
  afterEach(async () => env?.close());

  interface UnitRow {
    id: string;
    name: string;
    memberCount: number;
    managedMemberCount: number;
  }

  it('counts members, lists them by unit, and explains a refused delete', async () => {
    env = await createSyncEnv(dialect, { backgroundRuns: true });
    const t = env.emulator.tenant;
    for (const n of ['Ann', 'Bob', 'Cy']) {
      t.addUser({
        givenName: n,
        surname: 'Sales',
        mail: `${n.toLowerCase()}@contoso.test`,
        department: 'Sales',
        jobTitle: 'Employee',
      });
    }
    await env.run({ full: true });
    const units = (await env.api('GET', '/units')).body as UnitRow[];
    const sales = units.find((u) => u.name === 'Sales') as UnitRow;
    const support = units.find((u) => u.name === 'Support') as UnitRow;
    expect(sales).toMatchObject({ memberCount: 3, managedMemberCount: 3 });
    expect(support).toMatchObject({ memberCount: 0, managedMemberCount: 0 });

    // A manual membership in Support for Ann.
    const ann = (
      (await env.api('GET', '/users?email=ann%40contoso.test')).body as { items: { id: string }[] }
    ).items[0];
    if (!ann) throw new Error('no Ann');
    const types = (await env.api('GET', '/user-types')).body as { id: string }[];
    const put = await env.api('PUT', `/users/${ann.id}/memberships/${support.id}`, {
      userTypeIds: [types[0]?.id],
    });
    expect(put.status).toBe(200);
    const after = (await env.api('GET', '/units')).body as UnitRow[];
    expect(after.find((u) => u.id === support.id)).toMatchObject({
      memberCount: 1,
      managedMemberCount: 0,
    });

    const inSupport = (await env.api('GET', `/users?unitId=${support.id}`)).body as {
      items: { id: string }[];
    };
    expect(inSupport.items.map((u) => u.id)).toEqual([ann.id]);
    const inSales = (await env.api('GET', `/users?unitId=${sales.id}&limit=2`)).body as {
      items: unknown[];
      nextCursor: string | null;
    };
    expect(inSales.items).toHaveLength(2);
    expect(inSales.nextCursor).not.toBeNull();

    const refused = await env.api('DELETE', `/units/${sales.id}`);
    expect(refused.status).toBe(409);
    const message = (refused.body as { error: { code: string; message: string } }).error;
    expect(message.code).toBe('unit_has_members');
    expect(message.message).toMatch(/3 are managed by a synchronisation and follow Entra/);
    expect(message.message).toMatch(/cannot be deleted while the mapping still places users here/);
    const manual = await env.api('DELETE', `/units/${support.id}`);
    expect((manual.body as { error: { message: string } }).error.message).toMatch(
      /Remove the 1 added in the platform/,
    );
  });
});
