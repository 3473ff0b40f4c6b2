import { afterAll, beforeAll, beforeEach, expect, it } from 'vitest';
import {
  createTestDatabase,
  describeEachDialect,
  type TestDatabase,
} from '../../test/helpers/databases.ts';
import { errorOf } from '../../test/helpers/errors.ts';
import type { DirectoryHooks } from './hooks.ts';
import { setManualMembership } from './memberships.ts';
import { createOrganization } from './organizations.ts';
import { purgeDeactivatedUsers } from './purge.ts';
import { createUnit } from './units.ts';
import { getUserWithMemberships } from './user-details.ts';
import { createUserType } from './user-types.ts';
import { createUser, deactivateUser, findUser, reactivateUser, updateUser } from './users.ts';

const now = new Date('2026-01-10T10:00:00.000Z');
const day = 86_400_000;

describeEachDialect('users repository', (dialect) => {
  let tdb: TestDatabase;
  let orgId: string;
  beforeAll(async () => {
    tdb = await createTestDatabase(dialect);
  });
  afterAll(async () => tdb.drop());
  beforeEach(async () => {
    orgId = (await createOrganization(tdb.db, `org-${Math.random()}`, now)).id;
  });

  it('creates an active unassigned user with a lower-case email', async () => {
    const u = await createUser(
      tdb.db,
      orgId,
      { firstName: ' Ada ', lastName: 'Lovelace', email: ' Ada@Example.COM ' },
      now,
    );
    expect(u).toMatchObject({
      firstName: 'Ada',
      lastName: 'Lovelace',
      email: 'ada@example.com',
      status: 'active',
      assigned: false,
      source: null,
      deactivatedAt: null,
      purgeAfter: null,
      createdAt: now.toISOString(),
    });
  });

  it('refuses a second user with the same email in any case (409 email_taken)', async () => {
    await createUser(tdb.db, orgId, { firstName: 'A', lastName: 'B', email: 'same@x.test' }, now);
    const err = await errorOf(
      createUser(tdb.db, orgId, { firstName: 'C', lastName: 'D', email: 'SAME@x.test' }, now),
    );
    expect([err.status, err.code]).toEqual([409, 'email_taken']);
    const b = await createUser(
      tdb.db,
      orgId,
      { firstName: 'C', lastName: 'D', email: 'other@x.test' },
      now,
    );
    expect(
      (await errorOf(updateUser(tdb.db, orgId, b.id, { email: 'Same@X.test' }, now))).code,
    ).toBe('email_taken');
    // Same email in another organisation is fine.
    const other = (await createOrganization(tdb.db, `o-${Math.random()}`, now)).id;
    await createUser(tdb.db, other, { firstName: 'A', lastName: 'B', email: 'same@x.test' }, now);
  });

  it('updates names and email', async () => {
    const u = await createUser(
      tdb.db,
      orgId,
      { firstName: 'A', lastName: 'B', email: 'a@x.test' },
      now,
    );
    const later = new Date(now.getTime() + 1000);
    const v = await updateUser(
      tdb.db,
      orgId,
      u.id,
      { firstName: 'Anna', email: 'ANNA@x.test' },
      later,
    );
    expect(v).toMatchObject({
      firstName: 'Anna',
      lastName: 'B',
      email: 'anna@x.test',
      updatedAt: later.toISOString(),
    });
  });

  it('calls afterUserCreated inside the transaction, and rolls the user back when it throws', async () => {
    const seen: string[] = [];
    const hooks: DirectoryHooks = {
      async afterUserCreated(db, user) {
        // The hook sees the inserted row through the transaction handle.
        const row = await db
          .selectFrom('users')
          .select('email')
          .where('id', '=', user.id)
          .executeTakeFirst();
        seen.push(`${user.orgId}:${row?.email}`);
        await db
          .updateTable('users')
          .set({ source_integration_id: 'int-1', source_external_id: 'ext-1' })
          .where('id', '=', user.id)
          .execute();
      },
    };
    const u = await createUser(
      tdb.db,
      orgId,
      { firstName: 'A', lastName: 'B', email: 'Hook@x.test' },
      now,
      hooks,
    );
    expect(seen).toEqual([`${orgId}:hook@x.test`]);
    expect(u.source).toEqual({ integrationId: 'int-1', externalId: 'ext-1' });

    const failing: DirectoryHooks = {
      async afterUserCreated() {
        throw new Error('boom');
      },
    };
    await expect(
      createUser(
        tdb.db,
        orgId,
        { firstName: 'A', lastName: 'B', email: 'rolled@x.test' },
        now,
        failing,
      ),
    ).rejects.toThrow('boom');
    const row = await tdb.db
      .selectFrom('users')
      .select('id')
      .where('email', '=', 'rolled@x.test')
      .executeTakeFirst();
    expect(row).toBeUndefined();
  });

  it('deactivates with a purge date after retention, keeps memberships, reactivates', async () => {
    const unit = await createUnit(tdb.db, orgId, { name: 'U' }, now);
    const t = await createUserType(tdb.db, orgId, { name: 'T' }, now);
    const u = await createUser(
      tdb.db,
      orgId,
      { firstName: 'A', lastName: 'B', email: 'd@x.test' },
      now,
    );
    await setManualMembership(
      tdb.db,
      orgId,
      { userId: u.id, unitId: unit.id, userTypeIds: [t.id] },
      now,
    );

    const d = await deactivateUser(tdb.db, orgId, u.id, { now, retentionDays: 30 });
    expect(d).toMatchObject({
      status: 'deactivated',
      deactivationReason: 'admin',
      deactivatedAt: now.toISOString(),
      purgeAfter: new Date(now.getTime() + 30 * day).toISOString(),
    });
    // A second deactivation keeps the original dates.
    const again = await deactivateUser(tdb.db, orgId, u.id, {
      now: new Date(now.getTime() + day),
      retentionDays: 30,
    });
    expect(again.purgeAfter).toBe(d.purgeAfter);

    const r = await reactivateUser(tdb.db, orgId, u.id, new Date(now.getTime() + 2 * day));
    expect(r).toMatchObject({
      status: 'active',
      deactivatedAt: null,
      deactivationReason: null,
      purgeAfter: null,
    });
    const full = await getUserWithMemberships(tdb.db, orgId, u.id);
    expect(full.memberships).toEqual([{ unitId: unit.id, userTypeIds: [t.id], managedBy: null }]);
    expect(full.assigned).toBe(true);
  });

  it('purges only users whose retention ended, with their memberships', async () => {
    const unit = await createUnit(tdb.db, orgId, { name: 'U' }, now);
    const t = await createUserType(tdb.db, orgId, { name: 'T' }, now);
    const old = await createUser(
      tdb.db,
      orgId,
      { firstName: 'O', lastName: 'O', email: 'old@x.test' },
      now,
    );
    const recent = await createUser(
      tdb.db,
      orgId,
      { firstName: 'R', lastName: 'R', email: 'recent@x.test' },
      now,
    );
    const active = await createUser(
      tdb.db,
      orgId,
      { firstName: 'A', lastName: 'A', email: 'active@x.test' },
      now,
    );
    await setManualMembership(
      tdb.db,
      orgId,
      { userId: old.id, unitId: unit.id, userTypeIds: [t.id] },
      now,
    );
    await deactivateUser(tdb.db, orgId, old.id, { now, retentionDays: 90 });
    await deactivateUser(tdb.db, orgId, recent.id, {
      now: new Date(now.getTime() + 10 * day),
      retentionDays: 90,
    });

    // Day 89: nobody is due yet.
    expect(await purgeDeactivatedUsers(tdb.db, new Date(now.getTime() + 89 * day))).toBe(0);
    // Day 91: the first one is due.
    expect(await purgeDeactivatedUsers(tdb.db, new Date(now.getTime() + 91 * day))).toBe(1);
    expect(await findUser(tdb.db, orgId, old.id)).toBeUndefined();
    expect(await findUser(tdb.db, orgId, recent.id)).toBeDefined();
    expect(await findUser(tdb.db, orgId, active.id)).toBeDefined();
    const memberships = await tdb.db
      .selectFrom('memberships')
      .select('id')
      .where('user_id', '=', old.id)
      .execute();
    expect(memberships).toEqual([]);
  });

  it('purges more users than one chunk', async () => {
    const at = now.toISOString();
    const rows = Array.from({ length: 1203 }, (_, i) => ({
      id: `00000000-0000-4000-8000-${String(i).padStart(12, '0')}`,
      org_id: orgId,
      first_name: 'P',
      last_name: 'P',
      email: `p${i}@bulk.test`,
      status: 'deactivated' as const,
      deactivated_at: at,
      deactivation_reason: 'admin' as const,
      purge_after: at,
      source_integration_id: null,
      source_external_id: null,
      assigned: 0,
      created_at: at,
      updated_at: at,
    }));
    for (let i = 0; i < rows.length; i += 200) {
      await tdb.db
        .insertInto('users')
        .values(rows.slice(i, i + 200))
        .execute();
    }
    expect(await purgeDeactivatedUsers(tdb.db, new Date(now.getTime() + 1))).toBe(1203);
  });
});
