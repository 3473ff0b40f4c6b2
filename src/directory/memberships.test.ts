import { afterAll, beforeAll, beforeEach, expect, it } from 'vitest';
import {
  createTestDatabase,
  describeEachDialect,
  type TestDatabase,
} from '../../test/helpers/databases.ts';
import { errorOf } from '../../test/helpers/errors.ts';
import { refreshAssigned } from './assignment.ts';
import { deleteManualMembership, loadMemberships, setManualMembership } from './memberships.ts';
import { createOrganization } from './organizations.ts';
import { createUnit } from './units.ts';
import { getUserWithMemberships } from './user-details.ts';
import { createUserType } from './user-types.ts';
import { createUser, findUser } from './users.ts';

const now = new Date('2026-01-10T10:00:00.000Z');

describeEachDialect('memberships and assigned', (dialect) => {
  let tdb: TestDatabase;
  let orgId: string;
  beforeAll(async () => {
    tdb = await createTestDatabase(dialect);
  });
  afterAll(async () => tdb.drop());
  beforeEach(async () => {
    orgId = (await createOrganization(tdb.db, `org-${Math.random()}`, now)).id;
  });

  async function fixture() {
    const store = await createUnit(tdb.db, orgId, { name: 'Store' }, now);
    const office = await createUnit(tdb.db, orgId, { name: 'Office' }, now);
    const employee = await createUserType(tdb.db, orgId, { name: 'Employee' }, now);
    const manager = await createUserType(tdb.db, orgId, { name: 'Manager' }, now);
    const user = await createUser(
      tdb.db,
      orgId,
      { firstName: 'A', lastName: 'B', email: `${Math.random()}@x.test` },
      now,
    );
    return { store, office, employee, manager, user };
  }

  it('holds several units with different user types; assigned follows the types', async () => {
    const f = await fixture();
    // A membership without types does not make the user assigned.
    await setManualMembership(
      tdb.db,
      orgId,
      { userId: f.user.id, unitId: f.store.id, userTypeIds: [] },
      now,
    );
    expect((await findUser(tdb.db, orgId, f.user.id))?.assigned).toBe(false);

    await setManualMembership(
      tdb.db,
      orgId,
      { userId: f.user.id, unitId: f.store.id, userTypeIds: [f.employee.id, f.employee.id] },
      now,
    );
    await setManualMembership(
      tdb.db,
      orgId,
      { userId: f.user.id, unitId: f.office.id, userTypeIds: [f.manager.id] },
      now,
    );
    const u = await getUserWithMemberships(tdb.db, orgId, f.user.id);
    expect(u.assigned).toBe(true);
    expect(u.memberships).toHaveLength(2);
    expect(u.memberships).toEqual(
      expect.arrayContaining([
        { unitId: f.store.id, userTypeIds: [f.employee.id], managedBy: null },
        { unitId: f.office.id, userTypeIds: [f.manager.id], managedBy: null },
      ]),
    );

    // Replacing the types keeps one membership per unit.
    await setManualMembership(
      tdb.db,
      orgId,
      { userId: f.user.id, unitId: f.store.id, userTypeIds: [f.employee.id, f.manager.id] },
      now,
    );
    const rows = await tdb.db
      .selectFrom('memberships')
      .select('id')
      .where('user_id', '=', f.user.id)
      .execute();
    expect(rows).toHaveLength(2);

    await deleteManualMembership(tdb.db, orgId, { userId: f.user.id, unitId: f.store.id });
    expect((await findUser(tdb.db, orgId, f.user.id))?.assigned).toBe(true);
    await deleteManualMembership(tdb.db, orgId, { userId: f.user.id, unitId: f.office.id });
    expect((await findUser(tdb.db, orgId, f.user.id))?.assigned).toBe(false);
    expect(
      (
        await errorOf(
          deleteManualMembership(tdb.db, orgId, { userId: f.user.id, unitId: f.office.id }),
        )
      ).status,
    ).toBe(404);
  });

  it('refuses to change or delete a membership managed by an integration', async () => {
    const f = await fixture();
    const id = crypto.randomUUID();
    await tdb.db
      .insertInto('memberships')
      .values({
        id,
        user_id: f.user.id,
        unit_id: f.store.id,
        managed_by: 'integration-1',
        created_at: now.toISOString(),
      })
      .execute();
    await tdb.db
      .insertInto('membership_user_types')
      .values({ membership_id: id, user_type_id: f.employee.id })
      .execute();

    const put = await errorOf(
      setManualMembership(
        tdb.db,
        orgId,
        { userId: f.user.id, unitId: f.store.id, userTypeIds: [] },
        now,
      ),
    );
    expect([put.status, put.code]).toEqual([409, 'membership_managed']);
    const del = await errorOf(
      deleteManualMembership(tdb.db, orgId, { userId: f.user.id, unitId: f.store.id }),
    );
    expect([del.status, del.code]).toEqual([409, 'membership_managed']);
    const types = await tdb.db
      .selectFrom('membership_user_types')
      .select('user_type_id')
      .where('membership_id', '=', id)
      .execute();
    expect(types).toEqual([{ user_type_id: f.employee.id }]);
  });

  it('rejects units, user types and users of another organisation', async () => {
    const f = await fixture();
    const other = (await createOrganization(tdb.db, `o-${Math.random()}`, now)).id;
    const foreignUnit = await createUnit(tdb.db, other, { name: 'F' }, now);
    const foreignType = await createUserType(tdb.db, other, { name: 'F' }, now);
    const foreignUser = await createUser(
      tdb.db,
      other,
      { firstName: 'F', lastName: 'F', email: 'f@x.test' },
      now,
    );
    expect(
      (
        await errorOf(
          setManualMembership(
            tdb.db,
            orgId,
            { userId: f.user.id, unitId: foreignUnit.id, userTypeIds: [] },
            now,
          ),
        )
      ).status,
    ).toBe(404);
    const typeErr = await errorOf(
      setManualMembership(
        tdb.db,
        orgId,
        { userId: f.user.id, unitId: f.store.id, userTypeIds: [foreignType.id] },
        now,
      ),
    );
    expect(typeErr.status).toBe(400);
    expect(JSON.stringify(typeErr.details)).toContain('userTypeIds');
    expect(
      (
        await errorOf(
          setManualMembership(
            tdb.db,
            orgId,
            { userId: foreignUser.id, unitId: f.store.id, userTypeIds: [] },
            now,
          ),
        )
      ).status,
    ).toBe(404);
    expect((await loadMemberships(tdb.db, [f.user.id])).get(f.user.id)).toEqual([]);
  });

  it('refreshAssigned recomputes many users in chunks, both ways', async () => {
    const f = await fixture();
    const at = now.toISOString();
    const ids = Array.from({ length: 1100 }, () => crypto.randomUUID());
    for (let i = 0; i < ids.length; i += 200) {
      await tdb.db
        .insertInto('users')
        .values(
          ids.slice(i, i + 200).map((id, j) => ({
            id,
            org_id: orgId,
            first_name: 'B',
            last_name: 'B',
            email: `bulk${i + j}@x.test`,
            status: 'active' as const,
            deactivated_at: null,
            deactivation_reason: null,
            purge_after: null,
            source_integration_id: null,
            source_external_id: null,
            assigned: 1,
            created_at: at,
            updated_at: at,
          })),
        )
        .execute();
    }
    // Give every other user a typed membership directly, as the sync engine would.
    const typed = ids.filter((_, i) => i % 2 === 0);
    for (let i = 0; i < typed.length; i += 200) {
      const part = typed.slice(i, i + 200).map((userId) => ({
        id: crypto.randomUUID(),
        user_id: userId,
        unit_id: f.store.id,
        managed_by: 'int',
        created_at: at,
      }));
      await tdb.db.insertInto('memberships').values(part).execute();
      await tdb.db
        .insertInto('membership_user_types')
        .values(part.map((m) => ({ membership_id: m.id, user_type_id: f.employee.id })))
        .execute();
    }
    await refreshAssigned(tdb.db, ids);
    const counts = await tdb.db
      .selectFrom('users')
      .select(['assigned'])
      .select((eb) => eb.fn.countAll<number>().as('n'))
      .where('org_id', '=', orgId)
      .where('id', 'in', ids.slice(0, 500))
      .groupBy('assigned')
      .orderBy('assigned')
      .execute();
    expect(counts.map((c) => [c.assigned, Number(c.n)])).toEqual([
      [0, 250],
      [1, 250],
    ]);
    const all = await tdb.db
      .selectFrom('users')
      .select((eb) => eb.fn.sum<number>('assigned').as('s'))
      .where('org_id', '=', orgId)
      .executeTakeFirstOrThrow();
    expect(Number(all.s)).toBe(550);
  });
});
