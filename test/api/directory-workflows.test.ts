import { afterAll, beforeAll, expect, it } from 'vitest';
import type { Clock } from '../../src/clock.ts';
import { purgeDeactivatedUsers } from '../../src/directory/purge.ts';
import { describeEachDialect } from '../helpers/databases.ts';
import { createTestApp, type TestApp } from '../helpers/api.ts';

interface UserBody {
  id: string;
  email: string;
  status: string;
  assigned: boolean;
  deactivatedAt: string | null;
  purgeAfter: string | null;
  source: unknown;
  memberships: Array<{ unitId: string; userTypeIds: string[]; managedBy: string | null }>;
}
interface Page {
  items: UserBody[];
  nextCursor: string | null;
}

const day = 86_400_000;

/** The seed workflows of issue #2, end to end over the API. */
describeEachDialect('API directory workflows', (dialect) => {
  let t: TestApp;
  let token: string;
  let nowMs = Date.parse('2026-02-01T09:00:00.000Z');
  const clock: Clock = { now: () => new Date(nowMs) };

  beforeAll(async () => {
    t = await createTestApp(dialect, { clock, env: { DEACTIVATED_RETENTION_DAYS: '30' } });
    token = await t.login();
  });
  afterAll(async () => t.close());

  const call = async <T = unknown>(
    method: 'GET' | 'POST' | 'PATCH' | 'PUT' | 'DELETE',
    url: string,
    payload?: object,
  ) => {
    const res = await t.app.inject({
      method,
      url: `/api/v1${url}`,
      headers: t.auth(token),
      ...(payload ? { payload } : {}),
    });
    return { status: res.statusCode, body: (res.body ? res.json() : undefined) as T };
  };

  it('builds a unit tree and user types, refusing unsafe deletes', async () => {
    const hq = await call<{ id: string }>('POST', '/units', { name: 'Head Office' });
    expect(hq.status).toBe(201);
    const north = await call<{ id: string; parentId: string }>('POST', '/units', {
      name: 'North',
      parentId: hq.body.id,
    });
    expect(north.body.parentId).toBe(hq.body.id);
    const cycle = await call<{
      error: { code: string; details: { issues: Array<{ field: string }> } };
    }>('PATCH', `/units/${hq.body.id}`, { parentId: north.body.id });
    expect(cycle.status).toBe(400);
    expect(cycle.body.error.details.issues[0]?.field).toBe('parentId');
    const hasChildren = await call<{ error: { code: string } }>('DELETE', `/units/${hq.body.id}`);
    expect([hasChildren.status, hasChildren.body.error.code]).toEqual([409, 'unit_has_children']);
    const moved = await call<{ parentId: string | null; name: string }>(
      'PATCH',
      `/units/${north.body.id}`,
      { parentId: null, name: 'North Region' },
    );
    expect(moved.body).toMatchObject({ parentId: null, name: 'North Region' });

    expect((await call('POST', '/user-types', { name: 'Employee' })).status).toBe(201);
    const dup = await call<{ error: { code: string } }>('POST', '/user-types', {
      name: 'EMPLOYEE',
    });
    expect([dup.status, dup.body.error.code]).toEqual([409, 'name_taken']);
    const list = await call<Array<{ name: string }>>('GET', '/units');
    expect(list.body.map((u) => u.name).sort()).toEqual(['Head Office', 'North Region']);
  });

  it('gives a user manual memberships in several units with different user types', async () => {
    const store = (await call<{ id: string }>('POST', '/units', { name: 'Store 1' })).body;
    const office = (await call<{ id: string }>('POST', '/units', { name: 'Back Office' })).body;
    const cashier = (await call<{ id: string }>('POST', '/user-types', { name: 'Cashier' })).body;
    const manager = (await call<{ id: string }>('POST', '/user-types', { name: 'Manager' })).body;
    const created = await call<UserBody>('POST', '/users', {
      firstName: 'Mia',
      lastName: 'Multi',
      email: 'Mia@Example.com',
    });
    expect(created.status).toBe(201);
    expect(created.body).toMatchObject({
      email: 'mia@example.com',
      status: 'active',
      assigned: false,
      source: null,
      memberships: [],
    });
    const taken = await call<{ error: { code: string } }>('POST', '/users', {
      firstName: 'X',
      lastName: 'Y',
      email: 'MIA@example.com',
    });
    expect([taken.status, taken.body.error.code]).toEqual([409, 'email_taken']);

    const id = created.body.id;
    expect(
      (await call('PUT', `/users/${id}/memberships/${store.id}`, { userTypeIds: [cashier.id] }))
        .status,
    ).toBe(200);
    const both = await call<UserBody>('PUT', `/users/${id}/memberships/${office.id}`, {
      userTypeIds: [manager.id, cashier.id],
    });
    expect(both.body.assigned).toBe(true);
    expect(both.body.memberships).toEqual(
      expect.arrayContaining([
        { unitId: store.id, userTypeIds: [cashier.id], managedBy: null },
        { unitId: office.id, userTypeIds: [cashier.id, manager.id].sort(), managedBy: null },
      ]),
    );
    expect(both.body.memberships).toHaveLength(2);

    const unitInUse = await call<{ error: { code: string } }>('DELETE', `/units/${store.id}`);
    expect([unitInUse.status, unitInUse.body.error.code]).toEqual([409, 'unit_has_members']);
    const typeInUse = await call<{ error: { code: string } }>(
      'DELETE',
      `/user-types/${cashier.id}`,
    );
    expect([typeInUse.status, typeInUse.body.error.code]).toEqual([409, 'user_type_in_use']);

    expect((await call('DELETE', `/users/${id}/memberships/${store.id}`)).status).toBe(204);
    const after = await call<UserBody>('GET', `/users/${id}`);
    expect(after.body.memberships.map((m) => m.unitId)).toEqual([office.id]);

    // A membership managed by an integration cannot be changed through the manual API.
    await t.db
      .updateTable('memberships')
      .set({ managed_by: 'integration-x' })
      .where('user_id', '=', id)
      .execute();
    const managed = await call<{ error: { code: string } }>(
      'PUT',
      `/users/${id}/memberships/${office.id}`,
      { userTypeIds: [] },
    );
    expect([managed.status, managed.body.error.code]).toEqual([409, 'membership_managed']);
    const managedDelete = await call<{ error: { code: string } }>(
      'DELETE',
      `/users/${id}/memberships/${office.id}`,
    );
    expect([managedDelete.status, managedDelete.body.error.code]).toEqual([
      409,
      'membership_managed',
    ]);
  });

  it('lists unassigned users, pages with a cursor, finds by email', async () => {
    for (let i = 0; i < 5; i++) {
      expect(
        (
          await call('POST', '/users', {
            firstName: `Un${i}`,
            lastName: 'Assigned',
            email: `un${i}@example.com`,
          })
        ).status,
      ).toBe(201);
    }
    const first = await call<Page>('GET', '/users?assignment=unassigned&limit=2');
    expect(first.body.items).toHaveLength(2);
    expect(first.body.nextCursor).toEqual(expect.any(String));
    const seen = [...first.body.items];
    let cursor = first.body.nextCursor;
    while (cursor) {
      const next = await call<Page>(
        'GET',
        `/users?assignment=unassigned&limit=2&cursor=${encodeURIComponent(cursor)}`,
      );
      seen.push(...next.body.items);
      cursor = next.body.nextCursor;
    }
    expect(seen.map((u) => u.email).sort()).toEqual([
      'un0@example.com',
      'un1@example.com',
      'un2@example.com',
      'un3@example.com',
      'un4@example.com',
    ]);
    expect(seen.every((u) => !u.assigned && u.status === 'active')).toBe(true);

    const byEmail = await call<Page>('GET', '/users?email=UN3@EXAMPLE.COM');
    expect(byEmail.body.items.map((u) => u.email)).toEqual(['un3@example.com']);
  });

  it('deactivates (listed with purge date), reactivates, and purges after retention', async () => {
    const user = (
      await call<UserBody>('POST', '/users', {
        firstName: 'Dee',
        lastName: 'Active',
        email: 'dee@example.com',
      })
    ).body;
    const deactivated = await call<UserBody>('POST', `/users/${user.id}/deactivate`);
    expect(deactivated.status).toBe(200);
    expect(deactivated.body).toMatchObject({
      status: 'deactivated',
      deactivatedAt: new Date(nowMs).toISOString(),
      purgeAfter: new Date(nowMs + 30 * day).toISOString(),
    });
    const listed = await call<Page>('GET', '/users?status=deactivated');
    expect(listed.body.items.map((u) => [u.id, u.purgeAfter])).toEqual([
      [user.id, new Date(nowMs + 30 * day).toISOString()],
    ]);
    const unassigned = await call<Page>('GET', '/users?assignment=unassigned&limit=500');
    expect(unassigned.body.items.map((u) => u.id)).not.toContain(user.id);

    const reactivated = await call<UserBody>('POST', `/users/${user.id}/reactivate`);
    expect(reactivated.body).toMatchObject({
      status: 'active',
      deactivatedAt: null,
      purgeAfter: null,
    });
    expect((await call<Page>('GET', '/users?status=deactivated')).body.items).toEqual([]);

    // Deactivate again, let 31 days pass, purge.
    await call('POST', `/users/${user.id}/deactivate`);
    nowMs += 29 * day;
    expect(await purgeDeactivatedUsers(t.db, clock.now())).toBe(0);
    nowMs += 2 * day;
    expect(await purgeDeactivatedUsers(t.db, clock.now())).toBe(1);
    // The 12-hour session ended long ago on this clock.
    expect((await call('GET', `/users/${user.id}`)).status).toBe(401);
    token = await t.login();
    const gone = await call<{ error: { code: string } }>('GET', `/users/${user.id}`);
    expect([gone.status, gone.body.error.code]).toEqual([404, 'not_found']);
  });

  it('passes new users to the afterUserCreated hook in the same transaction', async () => {
    const hooked = await createTestApp(dialect, {
      hooks: {
        async afterUserCreated(db, user) {
          await db
            .updateTable('users')
            .set({ source_integration_id: 'int-1', source_external_id: `ext-${user.email}` })
            .where('id', '=', user.id)
            .execute();
        },
      },
    });
    try {
      const tok = await hooked.login();
      const res = await hooked.app.inject({
        method: 'POST',
        url: '/api/v1/users',
        headers: hooked.auth(tok),
        payload: { firstName: 'H', lastName: 'K', email: 'Hook@Example.com' },
      });
      expect(res.statusCode).toBe(201);
      expect((res.json() as UserBody).source).toEqual({
        integrationId: 'int-1',
        externalId: 'ext-hook@example.com',
      });
    } finally {
      await hooked.close();
    }
  });
});
