import { afterEach, expect, it } from 'vitest';
import { emulatorClient } from '../../src/graph/testing/emulator-client.ts';
import type { GroupDeltaPage, GroupDeltaStart } from '../../src/graph/types.ts';
import { findIntegrationRow } from '../../src/integrations/repository.ts';
import { refreshGroupScope } from '../../src/sync/scope/group-scope.ts';
import { describeEachDialect } from '../helpers/databases.ts';
import { createSyncEnv, type SyncEnv } from '../helpers/sync-env.ts';

/**
 * Issue 14, memory of the first membership round: the round is written to the database page by
 * page (staged, then swapped in at its end) instead of being gathered in memory; the result is
 * the tenant's memberships exactly, and a round that fails halfway changes nothing.
 */
describeEachDialect('first membership round streamed into the database', (dialect) => {
  let env: SyncEnv;
  afterEach(async () => env?.close());

  /** 2,400 users; "All staff" ⊃ "Stores" ⊃ 3 store groups, "Head office"; some users in two groups. */
  async function setup() {
    env = await createSyncEnv(dialect, {
      emulatorUsers: 2400,
      seed: 5,
      emulator: { deltaPageSize: 97 },
    });
    const t = env.emulator.tenant;
    const ids = [...t.users()].map((u) => u.id);
    const all = t.addGroup('All staff');
    const stores = t.addGroup('Stores');
    const office = t.addGroup('Head office');
    const shops = [1, 2, 3].map((n) => t.addGroup(`Store ${n}`));
    t.addGroupMember(all.id, stores.id);
    t.addGroupMember(all.id, office.id);
    for (const s of shops) t.addGroupMember(stores.id, s.id);
    // 2,100 users in scope (1,000 in a store and the head office too), 300 outside.
    ids.slice(0, 1500).forEach((id, i) => t.addGroupMember(shops[i % 3]?.id ?? '', id));
    ids.slice(500, 2100).forEach((id) => t.addGroupMember(office.id, id));
    t.addGroupMember(all.id, ids[0] ?? '');
    const res = await env.api('PATCH', `/integrations/${env.integrationId}`, {
      scopeMode: 'groups',
      scopeGroups: [{ id: all.id, displayName: all.displayName }],
    });
    expect(res.status).toBe(200);
    await env.idle();
    return { t, ids, all, office, shops };
  }

  type Tenant = SyncEnv['emulator']['tenant'];

  /** The tenant's direct memberships of all its groups, as the repository stores them. */
  function expectedEdges(t: Tenant): string[] {
    return t
      .listGroups()
      .flatMap((g) => g.members.map((m) => `${g.id}|${m.id}|${m.type}`.toLowerCase()))
      .sort();
  }

  /** The users of a group through nested groups, lower-cased and sorted. */
  function transitiveUsers(t: Tenant, groupId: string): string[] {
    const groups = new Map(t.listGroups().map((g) => [g.id, g]));
    const users = new Set<string>();
    const seen = new Set([groupId]);
    const queue = [groupId];
    for (let g = queue.pop(); g !== undefined; g = queue.pop()) {
      for (const m of groups.get(g)?.members ?? []) {
        if (m.type === 'user') users.add(m.id.toLowerCase());
        else if (!seen.has(m.id)) {
          seen.add(m.id);
          queue.push(m.id);
        }
      }
    }
    return [...users].sort();
  }

  async function stored() {
    const db = env.db.db;
    const edges = (
      await db
        .selectFrom('entra_group_members')
        .select(['group_id', 'member_id', 'member_type'])
        .where('integration_id', '=', env.integrationId)
        .execute()
    )
      .map((r) => `${r.group_id}|${r.member_id}|${r.member_type}`)
      .sort();
    const scope = (
      await db
        .selectFrom('entra_scope_users')
        .select('external_id')
        .where('integration_id', '=', env.integrationId)
        .execute()
    )
      .map((r) => r.external_id)
      .sort();
    return { edges, scope };
  }

  async function stagedRows(): Promise<number> {
    const r = await env.db.db
      .selectFrom('entra_group_members_round')
      .select((eb) => eb.fn.countAll<number | string>().as('n'))
      .where('integration_id', '=', env.integrationId)
      .executeTakeFirstOrThrow();
    return Number(r.n);
  }

  /** The real Graph client's group delta, watched between pages (and optionally broken). */
  function watchedRounds(onPage: (index: number, page: GroupDeltaPage) => Promise<void>) {
    const client = emulatorClient(env.emulator);
    return (start: GroupDeltaStart): AsyncIterable<GroupDeltaPage> =>
      (async function* () {
        let i = 0;
        for await (const page of client.groupMembersDelta(start)) {
          yield page;
          await onPage(i++, page);
        }
      })();
  }

  async function refresh(rounds: ReturnType<typeof watchedRounds>) {
    const row = await findIntegrationRow(env.db.db, env.integrationId);
    if (!row) throw new Error('integration vanished');
    await refreshGroupScope(env.db.db, row, rounds);
  }

  it('stores exactly the tenant memberships and transitive users, page by page', async () => {
    const { t, ids, all, shops } = await setup();
    // Each page's memberships are in the database before the next page is read.
    let members = 0;
    let pages = 0;
    const staged: number[] = [];
    await refresh(
      watchedRounds(async (_i, page) => {
        pages++;
        for (const g of page.groups) members += g.members.filter((m) => !m.removed).length;
        staged.push(await stagedRows());
      }),
    );
    expect(pages).toBeGreaterThan(30);
    // The staged count follows the pages read (a round from scratch over the tracked groups;
    // the first round tracks the chosen group only, then widens to the nested ones).
    expect(staged.some((n, i) => i > 0 && n > (staged[i - 1] ?? 0))).toBe(true);
    expect(Math.max(...staged)).toBeGreaterThan(1000);
    expect(members).toBeGreaterThan(3100);
    // Nothing staged is left once the round is in force.
    expect(await stagedRows()).toBe(0);

    const s = await stored();
    expect(s.edges).toEqual(expectedEdges(t));
    expect(s.scope).toEqual(transitiveUsers(t, all.id));
    expect(s.scope).toHaveLength(2100);

    // An incremental round: 40 users leave a store, 30 join one; the scope follows.
    const before = s.scope;
    for (const id of ids.slice(0, 40))
      t.removeGroupMember(shops[ids.indexOf(id) % 3]?.id ?? '', id);
    for (const id of ids.slice(2200, 2230)) t.addGroupMember(shops[0]?.id ?? '', id);
    await refresh(watchedRounds(async () => undefined));
    const after = await stored();
    expect(after.edges).toEqual(expectedEdges(t));
    expect(after.scope).toEqual(transitiveUsers(t, all.id));
    // Of the 40, the first user stays (a direct member of "All staff" too); 30 came in.
    expect(after.scope.length).toBe(before.length - 39 + 30);
  });

  it('a round from scratch that fails halfway leaves the memberships in force; the next one replaces them', async () => {
    const { t, all, office } = await setup();
    await refresh(watchedRounds(async () => undefined));
    const first = await stored();
    // The head office loses 100 members, then the membership state expires: the next round
    // reads every tracked group from scratch, and breaks after 5 pages.
    const ids = [...t.users()].map((u) => u.id);
    for (const id of ids.slice(1600, 1700)) t.removeGroupMember(office.id, id);
    t.expireDeltaTokens();
    await expect(
      refresh(
        watchedRounds(async (i) => {
          if (i === 4) throw new Error('connection lost');
        }),
      ),
    ).rejects.toThrow('connection lost');
    expect(await stagedRows()).toBeGreaterThan(0);
    expect(await stored()).toEqual(first);

    await refresh(watchedRounds(async () => undefined));
    expect(await stagedRows()).toBe(0);
    const now = await stored();
    expect(now.edges).toEqual(expectedEdges(t));
    expect(now.scope).toEqual(transitiveUsers(t, all.id));
    expect(now.scope).toHaveLength(first.scope.length - 100);
  });
});
