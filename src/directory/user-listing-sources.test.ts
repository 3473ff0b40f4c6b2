import { sql } from 'kysely';
import { afterAll, beforeAll, expect, it } from 'vitest';
import {
  createTestDatabase,
  describeEachDialect,
  type TestDatabase,
} from '../../test/helpers/databases.ts';
import { deleteManualMembership, setManualMembership } from './memberships.ts';
import { createOrganization } from './organizations.ts';
import { foldText, searchKey } from './search-key.ts';
import { createUnit } from './units.ts';
import { countTabs, listingThresholds, listUsers, type UserListQuery } from './user-listing.ts';
import { createUserType } from './user-types.ts';
import { createUser, deactivateUser, reactivateUser, updateUser } from './users.ts';

/**
 * Issue 17: the list reads each (status, assigned) partition from the trigram index of the
 * partition, the unit's memberships (which carry their user's status and assigned flag, kept
 * by triggers) or the id-ordered range. Whatever it picks, every page must be the page a
 * plain scan gives: these tests change users at random and compare every filtered listing,
 * paged to its end, with the one computed here from the tables' plain rows.
 */

const now = new Date('2026-03-01T10:00:00.000Z');

/** Small deterministic PRNG (mulberry32): the same cases on every run. */
function rng(seed: number): () => number {
  let a = seed;
  return () => {
    a = (a + 0x6d2b79f5) | 0;
    let t = Math.imul(a ^ (a >>> 15), 1 | a);
    t = (t + Math.imul(t ^ (t >>> 7), 61 | t)) ^ t;
    return ((t ^ (t >>> 14)) >>> 0) / 4294967296;
  };
}

const FIRST_NAMES = ['Zoë', 'Zoé', 'Anna', 'Ann', 'Bob', 'Chloé', 'Jo_e', 'Núñez'];
const TERMS = ['zoe', 'ann', 'an', 'BOB', 'chlo', 'o_e', 'nunez', 'u1', 'nobody', 'e%'];

describeEachDialect('user listing sources match a plain scan', (dialect) => {
  let tdb: TestDatabase;
  let orgId: string;
  const unitIds: string[] = [];
  const typeIds: string[] = [];
  const userIds: string[] = [];
  const saved = { ...listingThresholds };

  beforeAll(async () => {
    // A few hits already count as "many" and the first rows seldom fill a page, so a few
    // dozen users go through every source.
    listingThresholds.hitLookupMax = 3;
    listingThresholds.firstLookRows = 6;
    tdb = await createTestDatabase(dialect);
    orgId = (await createOrganization(tdb.db, 'listing', now)).id;
    const other = (await createOrganization(tdb.db, 'other', now)).id;
    const otherUnit = await createUnit(tdb.db, other, { name: 'Elsewhere' }, now);
    const otherType = await createUserType(tdb.db, other, { name: 'T' }, now);
    // Another organisation's users hold the same terms and a unit: never listed.
    for (let i = 0; i < 6; i++) {
      const u = await createUser(
        tdb.db,
        other,
        { firstName: 'Zoë', lastName: `Ann${i}`, email: `o${i}@other.test` },
        now,
      );
      await setManualMembership(
        tdb.db,
        other,
        { userId: u.id, unitId: otherUnit.id, userTypeIds: [otherType.id] },
        now,
      );
    }
    for (const name of ['North', 'South', 'East'])
      unitIds.push((await createUnit(tdb.db, orgId, { name }, now)).id);
    for (const name of ['Employee', 'Manager'])
      typeIds.push((await createUserType(tdb.db, orgId, { name }, now)).id);
  });
  afterAll(async () => {
    Object.assign(listingThresholds, saved);
    await tdb.drop();
  });

  /** The list as a plain scan gives it: every user of the organisation, tested in JS, in id order. */
  async function expected(query: UserListQuery): Promise<string[]> {
    const users = await tdb.db
      .selectFrom('users')
      .select(['id', 'first_name', 'last_name', 'email', 'status'])
      .where('org_id', '=', orgId)
      .orderBy('id')
      .execute();
    const memberships = await tdb.db
      .selectFrom('memberships as m')
      .leftJoin('membership_user_types as t', 't.membership_id', 'm.id')
      .select(['m.user_id', 'm.unit_id', 't.user_type_id'])
      .execute();
    const term = foldText(query.search ?? '');
    return users
      .filter((u) => {
        const mine = memberships.filter((m) => m.user_id === u.id);
        const assigned = mine.some((m) => m.user_type_id !== null);
        if (query.status && u.status !== query.status) return false;
        if (query.assignment === 'unassigned' && (u.status !== 'active' || assigned)) return false;
        if (query.unitId && !mine.some((m) => m.unit_id === query.unitId)) return false;
        return searchKey(u.first_name, u.last_name, u.email).includes(term);
      })
      .map((u) => u.id);
  }

  /** Every page of the list, three users at a time, following the cursor. */
  async function listed(query: UserListQuery): Promise<string[]> {
    const ids: string[] = [];
    let cursor: string | undefined;
    for (let pages = 0; pages < 100; pages++) {
      const page = await listUsers(tdb.db, orgId, { ...query, limit: 3, cursor });
      ids.push(...page.items.map((u) => u.id));
      if (!page.nextCursor) return ids;
      cursor = page.nextCursor;
    }
    throw new Error('the cursor never ended');
  }

  async function compareAll(): Promise<void> {
    // The denormalised partition of every membership is its user's.
    const drift = await sql<{ n: number }>`select count(*) as n from memberships m
      join users u on u.id = m.user_id
      where m.user_status <> u.status or m.user_assigned <> u.assigned`.execute(tdb.db);
    expect(Number(drift.rows[0]?.n)).toBe(0);
    for (const tab of [
      {},
      { assignment: 'unassigned' as const },
      { status: 'deactivated' as const },
      { status: 'active' as const },
    ]) {
      for (const unitId of [undefined, ...unitIds]) {
        for (const search of [undefined, ...TERMS]) {
          const query: UserListQuery = { ...tab, unitId, search };
          const want = await expected(query);
          expect(await listed(query), JSON.stringify(query)).toEqual(want);
          if (Object.keys(tab).length === 0) {
            const counts = await countTabs(tdb.db, orgId, query);
            expect(counts.all, JSON.stringify(query)).toBe(want.length);
            expect(counts.unassigned).toBe(
              (await expected({ ...query, assignment: 'unassigned' })).length,
            );
            expect(counts.deactivated).toBe(
              (await expected({ ...query, status: 'deactivated' })).length,
            );
          }
        }
      }
    }
  }

  it('pages every filter like a plain scan while users change at random', async () => {
    const random = rng(17);
    const pick = <T>(xs: readonly T[]): T => xs[Math.floor(random() * xs.length)] as T;
    for (let i = 0; i < 30; i++) {
      const u = await createUser(
        tdb.db,
        orgId,
        { firstName: pick(FIRST_NAMES), lastName: `Last${i}`, email: `u${i}@example.test` },
        now,
      );
      userIds.push(u.id);
    }
    for (let round = 0; round < 3; round++) {
      for (let op = 0; op < 40; op++) {
        const userId = pick(userIds);
        const r = random();
        if (r < 0.4) {
          const types = typeIds.filter(() => random() < 0.5);
          await setManualMembership(
            tdb.db,
            orgId,
            { userId, unitId: pick(unitIds), userTypeIds: types },
            now,
          );
        } else if (r < 0.55) {
          await deleteManualMembership(tdb.db, orgId, { userId, unitId: pick(unitIds) }).catch(
            () => undefined, // no such membership: nothing to delete
          );
        } else if (r < 0.7) {
          await deactivateUser(tdb.db, orgId, userId, { now, retentionDays: 90 });
        } else if (r < 0.85) {
          await reactivateUser(tdb.db, orgId, userId, now);
        } else {
          await updateUser(tdb.db, orgId, userId, { firstName: pick(FIRST_NAMES) }, now);
        }
      }
      await compareAll();
    }
  });

  it('moves a user between the unit-filtered tabs as its status and assignment change', async () => {
    const unitId = unitIds[0] ?? '';
    const u = await createUser(
      tdb.db,
      orgId,
      { firstName: 'Quentin', lastName: 'Moves', email: 'quentin@example.test' },
      now,
    );
    const tabs = async () => ({
      all: await listed({ unitId, search: 'quentin' }),
      unassigned: await listed({ unitId, search: 'quentin', assignment: 'unassigned' }),
      deactivated: await listed({ unitId, search: 'quentin', status: 'deactivated' }),
    });
    // A membership without a user type: in the unit, unassigned.
    await setManualMembership(tdb.db, orgId, { userId: u.id, unitId, userTypeIds: [] }, now);
    expect(await tabs()).toEqual({ all: [u.id], unassigned: [u.id], deactivated: [] });
    await setManualMembership(
      tdb.db,
      orgId,
      { userId: u.id, unitId, userTypeIds: [typeIds[0] ?? ''] },
      now,
    );
    expect(await tabs()).toEqual({ all: [u.id], unassigned: [], deactivated: [] });
    await deactivateUser(tdb.db, orgId, u.id, { now, retentionDays: 90 });
    expect(await tabs()).toEqual({ all: [u.id], unassigned: [], deactivated: [u.id] });
    await reactivateUser(tdb.db, orgId, u.id, now);
    await setManualMembership(tdb.db, orgId, { userId: u.id, unitId, userTypeIds: [] }, now);
    expect(await tabs()).toEqual({ all: [u.id], unassigned: [u.id], deactivated: [] });
    await deleteManualMembership(tdb.db, orgId, { userId: u.id, unitId });
    expect(await tabs()).toEqual({ all: [], unassigned: [], deactivated: [] });
    expect(await listed({ search: 'quentin', assignment: 'unassigned' })).toEqual([u.id]);
  });
});
