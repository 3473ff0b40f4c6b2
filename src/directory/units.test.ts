import { afterAll, beforeAll, beforeEach, describe, expect, it } from 'vitest';
import {
  createTestDatabase,
  describeEachDialect,
  type TestDatabase,
} from '../../test/helpers/databases.ts';
import { AppError } from '../errors.ts';
import { setManualMembership } from './memberships.ts';
import { nameKey } from './name-key.ts';
import { createOrganization } from './organizations.ts';
import { createUnit, deleteUnit, findUnit, listUnits, updateUnit } from './units.ts';
import { createUser } from './users.ts';

const now = new Date('2026-01-10T10:00:00.000Z');

async function expectAppError(p: Promise<unknown>, status: number, code: string) {
  const err = await p.then(
    () => undefined,
    (e: unknown) => e,
  );
  expect(err).toBeInstanceOf(AppError);
  expect((err as AppError).status).toBe(status);
  expect((err as AppError).code).toBe(code);
  return err as AppError;
}

describe('nameKey', () => {
  it('trims, NFC-normalises and lower-cases', () => {
    expect(nameKey('  Store ONE ')).toBe('store one');
    expect(nameKey('Sto\u0308re')).toBe(nameKey('St\u00f6re'));
  });
});

describeEachDialect('units repository', (dialect) => {
  let tdb: TestDatabase;
  let orgId: string;
  beforeAll(async () => {
    tdb = await createTestDatabase(dialect);
  });
  afterAll(async () => tdb.drop());
  beforeEach(async () => {
    orgId = (await createOrganization(tdb.db, `org-${Math.random()}`, now)).id;
  });

  it('creates a tree and lists it with name keys stored', async () => {
    const hq = await createUnit(tdb.db, orgId, { name: ' Head Office ' }, now);
    const north = await createUnit(tdb.db, orgId, { name: 'North', parentId: hq.id }, now);
    expect(hq).toMatchObject({ name: 'Head Office', parentId: null });
    expect(north.parentId).toBe(hq.id);
    const row = await tdb.db
      .selectFrom('units')
      .select('name_key')
      .where('id', '=', hq.id)
      .executeTakeFirstOrThrow();
    expect(row.name_key).toBe('head office');
    expect((await listUnits(tdb.db, orgId)).map((u) => u.name)).toEqual(['Head Office', 'North']);
  });

  it('refuses a parent from another organisation or a missing one', async () => {
    const otherOrg = (await createOrganization(tdb.db, `other-${Math.random()}`, now)).id;
    const foreign = await createUnit(tdb.db, otherOrg, { name: 'Foreign' }, now);
    const err = await expectAppError(
      createUnit(tdb.db, orgId, { name: 'X', parentId: foreign.id }, now),
      400,
      'validation_failed',
    );
    expect(JSON.stringify(err.details)).toContain('parentId');
    expect(await findUnit(tdb.db, orgId, foreign.id)).toBeUndefined();
  });

  it('renames and moves, including to the top, and refuses cycles', async () => {
    const a = await createUnit(tdb.db, orgId, { name: 'A' }, now);
    const b = await createUnit(tdb.db, orgId, { name: 'B', parentId: a.id }, now);
    const c = await createUnit(tdb.db, orgId, { name: 'C', parentId: b.id }, now);
    await expectAppError(
      updateUnit(tdb.db, orgId, a.id, { parentId: c.id }),
      400,
      'validation_failed',
    );
    await expectAppError(
      updateUnit(tdb.db, orgId, a.id, { parentId: a.id }),
      400,
      'validation_failed',
    );
    expect((await findUnit(tdb.db, orgId, a.id))?.parentId).toBeNull();

    const moved = await updateUnit(tdb.db, orgId, c.id, { parentId: null, name: 'C2' });
    expect(moved).toMatchObject({ name: 'C2', parentId: null });
    const under = await updateUnit(tdb.db, orgId, a.id, { parentId: c.id });
    expect(under.parentId).toBe(c.id);
  });

  it('refuses to delete a unit with sub-units or members, then deletes it', async () => {
    const parent = await createUnit(tdb.db, orgId, { name: 'P' }, now);
    const child = await createUnit(tdb.db, orgId, { name: 'Ch', parentId: parent.id }, now);
    const e1 = await expectAppError(deleteUnit(tdb.db, orgId, parent.id), 409, 'unit_has_children');
    expect(e1.message).toMatch(/sub-units/);

    const user = await createUser(
      tdb.db,
      orgId,
      { firstName: 'A', lastName: 'B', email: 'a@x.test' },
      now,
    );
    await setManualMembership(
      tdb.db,
      orgId,
      { userId: user.id, unitId: child.id, userTypeIds: [] },
      now,
    );
    const e2 = await expectAppError(deleteUnit(tdb.db, orgId, child.id), 409, 'unit_has_members');
    expect(e2.message).toMatch(/members/);

    await tdb.db.deleteFrom('memberships').where('unit_id', '=', child.id).execute();
    await deleteUnit(tdb.db, orgId, child.id);
    await deleteUnit(tdb.db, orgId, parent.id);
    expect(await listUnits(tdb.db, orgId)).toEqual([]);
  });

  it('answers 404 for another organisation’s unit', async () => {
    const otherOrg = (await createOrganization(tdb.db, `o-${Math.random()}`, now)).id;
    const foreign = await createUnit(tdb.db, otherOrg, { name: 'F' }, now);
    await expectAppError(updateUnit(tdb.db, orgId, foreign.id, { name: 'mine' }), 404, 'not_found');
    await expectAppError(deleteUnit(tdb.db, orgId, foreign.id), 404, 'not_found');
    expect((await findUnit(tdb.db, otherOrg, foreign.id))?.name).toBe('F');
  });
});
