import { CompiledQuery } from 'kysely';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import {
  createTestDatabase,
  describeEachDialect,
  type TestDatabase,
} from '../../test/helpers/databases.ts';
import { AppError } from '../errors.ts';
import { setManualMembership } from './memberships.ts';
import { createOrganization } from './organizations.ts';
import { createUnit } from './units.ts';
import { listingBranches, listUsers, userListingQuery } from './user-listing.ts';
import { createUserType } from './user-types.ts';
import { createUser, deactivateUser } from './users.ts';

const now = new Date('2026-01-10T10:00:00.000Z');

describe('listingBranches', () => {
  it('reads only the index partitions the filters allow', () => {
    expect(listingBranches({})).toHaveLength(4);
    expect(listingBranches({ status: 'deactivated' })).toEqual([
      { status: 'deactivated', assigned: 0 },
      { status: 'deactivated', assigned: 1 },
    ]);
    expect(listingBranches({ assignment: 'unassigned' })).toEqual([
      { status: 'active', assigned: 0 },
    ]);
    expect(listingBranches({ assignment: 'unassigned', status: 'deactivated' })).toEqual([]);
  });
});

describeEachDialect('user listing', (dialect) => {
  let tdb: TestDatabase;
  let orgId: string;
  let otherOrgId: string;
  const assignedIds = new Set<string>();
  const deactivatedIds = new Set<string>();
  const allIds = new Set<string>();

  beforeAll(async () => {
    tdb = await createTestDatabase(dialect);
    orgId = (await createOrganization(tdb.db, 'listing', now)).id;
    otherOrgId = (await createOrganization(tdb.db, 'other', now)).id;
    await createUser(
      tdb.db,
      otherOrgId,
      { firstName: 'Zed', lastName: 'Other', email: 'zed@other.test' },
      now,
    );
    const unit = await createUnit(tdb.db, orgId, { name: 'U' }, now);
    const type = await createUserType(tdb.db, orgId, { name: 'T' }, now);
    for (let i = 0; i < 23; i++) {
      const u = await createUser(
        tdb.db,
        orgId,
        {
          firstName: i === 7 ? 'Grace_' : `First${i}`,
          lastName: `Last${i}`,
          email: `User${i}@Example.test`,
        },
        now,
      );
      allIds.add(u.id);
      if (i % 3 === 0) {
        await setManualMembership(
          tdb.db,
          orgId,
          { userId: u.id, unitId: unit.id, userTypeIds: [type.id] },
          now,
        );
        assignedIds.add(u.id);
      }
      if (i % 4 === 0) {
        await deactivateUser(tdb.db, orgId, u.id, { now, retentionDays: 90 });
        deactivatedIds.add(u.id);
      }
    }
  });
  afterAll(async () => tdb.drop());

  async function collect(query: Parameters<typeof listUsers>[2]): Promise<string[]> {
    const ids: string[] = [];
    let cursor: string | undefined;
    for (let guard = 0; guard < 100; guard++) {
      const page = await listUsers(tdb.db, orgId, { ...query, cursor });
      ids.push(...page.items.map((u) => u.id));
      if (!page.nextCursor) return ids;
      cursor = page.nextCursor;
    }
    throw new Error('paging did not end');
  }

  it('pages through everyone in id order without repeats, scoped to the organisation', async () => {
    const ids = await collect({ limit: 5 });
    expect(ids).toHaveLength(23);
    expect(new Set(ids)).toEqual(allIds);
    // Order by id as the database orders text: compare against the database's own order.
    const ordered = await tdb.db
      .selectFrom('users')
      .select('id')
      .where('org_id', '=', orgId)
      .orderBy('id')
      .execute();
    expect(ids).toEqual(ordered.map((r) => r.id));
  });

  it('filters by status and unassigned', async () => {
    expect(new Set(await collect({ status: 'deactivated', limit: 2 }))).toEqual(deactivatedIds);
    const active = [...allIds].filter((id) => !deactivatedIds.has(id));
    expect(new Set(await collect({ status: 'active', limit: 4 }))).toEqual(new Set(active));
    const unassigned = active.filter((id) => !assignedIds.has(id));
    expect(new Set(await collect({ assignment: 'unassigned', limit: 3 }))).toEqual(
      new Set(unassigned),
    );
  });

  it('finds by exact email case-insensitively and by name/email prefix', async () => {
    const page = await listUsers(tdb.db, orgId, { email: 'USER5@example.TEST' });
    expect(page.items.map((u) => u.email)).toEqual(['user5@example.test']);
    expect((await listUsers(tdb.db, orgId, { email: 'zed@other.test' })).items).toEqual([]);

    const byName = await listUsers(tdb.db, orgId, { q: 'last1' });
    expect(byName.items.map((u) => u.lastName).sort()).toEqual([
      'Last1',
      'Last10',
      'Last11',
      'Last12',
      'Last13',
      'Last14',
      'Last15',
      'Last16',
      'Last17',
      'Last18',
      'Last19',
    ]);
    // LIKE wildcards in the search text are literal.
    expect((await listUsers(tdb.db, orgId, { q: 'grace_' })).items.map((u) => u.firstName)).toEqual(
      ['Grace_'],
    );
    expect((await listUsers(tdb.db, orgId, { q: 'gr%' })).items).toEqual([]);
  });

  it('returns memberships with each user and caps the page size', async () => {
    const page = await listUsers(tdb.db, orgId, { limit: 10_000 });
    expect(page.items).toHaveLength(23);
    const withMembership = page.items.filter((u) => u.memberships.length > 0);
    expect(new Set(withMembership.map((u) => u.id))).toEqual(assignedIds);
    expect(
      withMembership.every((u) => u.assigned && u.memberships[0]?.userTypeIds.length === 1),
    ).toBe(true);
  });

  it('rejects a forged cursor with 400 naming the field', async () => {
    const err = await listUsers(tdb.db, orgId, { cursor: 'not-a-cursor' }).catch((e: unknown) => e);
    expect(err).toBeInstanceOf(AppError);
    expect((err as AppError).status).toBe(400);
    expect(JSON.stringify((err as AppError).details)).toContain('cursor');
  });

  if (dialect === 'sqlite')
    it('reads the users_listing index, never a table scan or sort (SQLite plan)', async () => {
      for (const query of [
        {},
        { status: 'deactivated' as const },
        { assignment: 'unassigned' as const },
      ]) {
        const compiled = userListingQuery(tdb.db, orgId, query, 50, 'x')?.compile();
        if (!compiled) throw new Error('no query');
        const plan = await tdb.db.executeQuery<{ detail: string }>(
          CompiledQuery.raw(`explain query plan ${compiled.sql}`, [...compiled.parameters]),
        );
        const details = plan.rows.map((r) => r.detail).join('\n');
        // Every branch is a bounded range of users_listing; only the merged (limit-sized)
        // branch results are sorted.
        const searches = details.match(
          /SEARCH users USING INDEX users_listing \(org_id=\? AND status=\? AND assigned=\? AND id>\?\)/g,
        );
        expect(searches).toHaveLength(listingBranches(query).length);
        expect(details).not.toMatch(/SCAN users/);
      }
    });
});
