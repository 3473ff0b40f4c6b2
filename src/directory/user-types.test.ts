import { afterAll, beforeAll, beforeEach, expect, it } from 'vitest';
import {
  createTestDatabase,
  describeEachDialect,
  type TestDatabase,
} from '../../test/helpers/databases.ts';
import { errorOf } from '../../test/helpers/errors.ts';
import { setManualMembership } from './memberships.ts';
import { createOrganization } from './organizations.ts';
import { createUnit } from './units.ts';
import { createUserType, deleteUserType, listUserTypes, renameUserType } from './user-types.ts';
import { createUser } from './users.ts';

const now = new Date('2026-01-10T10:00:00.000Z');

describeEachDialect('user types repository', (dialect) => {
  let tdb: TestDatabase;
  let orgId: string;
  beforeAll(async () => {
    tdb = await createTestDatabase(dialect);
  });
  afterAll(async () => tdb.drop());
  beforeEach(async () => {
    orgId = (await createOrganization(tdb.db, `org-${Math.random()}`, now)).id;
  });

  it('keeps names unique per organisation, case-insensitively', async () => {
    await createUserType(tdb.db, orgId, { name: 'Manager' }, now);
    const err = await errorOf(createUserType(tdb.db, orgId, { name: ' MANAGER ' }, now));
    expect([err.status, err.code]).toEqual([409, 'name_taken']);
    // Another organisation may use the same name.
    const other = (await createOrganization(tdb.db, `o-${Math.random()}`, now)).id;
    await createUserType(tdb.db, other, { name: 'manager' }, now);
    expect((await listUserTypes(tdb.db, orgId)).map((t) => t.name)).toEqual(['Manager']);
  });

  it('renames, refusing a name another type has', async () => {
    const a = await createUserType(tdb.db, orgId, { name: 'Employee' }, now);
    await createUserType(tdb.db, orgId, { name: 'Manager' }, now);
    expect((await errorOf(renameUserType(tdb.db, orgId, a.id, { name: 'manager' }))).code).toBe(
      'name_taken',
    );
    // Changing only the case of its own name is allowed.
    expect((await renameUserType(tdb.db, orgId, a.id, { name: 'EMPLOYEE' })).name).toBe('EMPLOYEE');
  });

  it('refuses to delete a type used by a membership, then deletes it', async () => {
    const t = await createUserType(tdb.db, orgId, { name: 'Cashier' }, now);
    const unit = await createUnit(tdb.db, orgId, { name: 'Store' }, now);
    const user = await createUser(
      tdb.db,
      orgId,
      { firstName: 'A', lastName: 'B', email: 'c@x.test' },
      now,
    );
    await setManualMembership(
      tdb.db,
      orgId,
      { userId: user.id, unitId: unit.id, userTypeIds: [t.id] },
      now,
    );
    const err = await errorOf(deleteUserType(tdb.db, orgId, t.id));
    expect([err.status, err.code]).toEqual([409, 'user_type_in_use']);
    await setManualMembership(
      tdb.db,
      orgId,
      { userId: user.id, unitId: unit.id, userTypeIds: [] },
      now,
    );
    await deleteUserType(tdb.db, orgId, t.id);
    expect(await listUserTypes(tdb.db, orgId)).toEqual([]);
  });

  it('answers 404 for another organisation’s type', async () => {
    const other = (await createOrganization(tdb.db, `o-${Math.random()}`, now)).id;
    const t = await createUserType(tdb.db, other, { name: 'X' }, now);
    expect((await errorOf(deleteUserType(tdb.db, orgId, t.id))).status).toBe(404);
    expect(await listUserTypes(tdb.db, other)).toHaveLength(1);
  });
});
