import { afterEach, expect, it } from 'vitest';
import { describeEachDialect } from '../helpers/databases.ts';
import { createSyncEnv, type SyncEnv } from '../helpers/sync-env.ts';
import { directorySnapshot } from '../reliability/snapshot.ts';

/*
 * A full round creates users while it still reads Graph (src/sync/reconcile/settle-early.ts).
 * /users pages hold 999 users, so these tenants span two pages.
 */

interface ApiUser {
  email: string;
  status: string;
  source: { externalId: string } | null;
}

const LOW_ID = '00000000-0000-4000-8000-000000000001';
const HIGH_ID = 'ffffffff-0000-4000-8000-000000000001';

describeEachDialect('creations while a full round reads Graph (issue 12)', (dialect) => {
  let env: SyncEnv;
  afterEach(async () => env?.close());

  function fillers(n: number): void {
    for (let i = 0; i < n; i++) {
      env.emulator.tenant.addUser({
        givenName: `Filler${i}`,
        surname: 'Person',
        mail: `filler${i}@contoso.test`,
      });
    }
  }

  async function users(): Promise<ApiUser[]> {
    const res = await env.api('GET', '/users?limit=500&email=dup%40contoso.test');
    expect(res.status).toBe(200);
    return (res.body as { items: ApiUser[] }).items;
  }

  it('two Entra users with one email on different pages: the lower object id wins, as without early creation', async () => {
    env = await createSyncEnv(dialect, {});
    // The higher object id is read first (page 1), the lower one a page later.
    env.emulator.tenant.addUser({
      id: HIGH_ID,
      givenName: 'High',
      surname: 'First',
      mail: 'dup@contoso.test',
    });
    fillers(1100);
    env.emulator.tenant.addUser({
      id: LOW_ID,
      givenName: 'Low',
      surname: 'Second',
      mail: 'dup@contoso.test',
    });
    const run = await env.run({ full: true });
    expect(run.status).toBe('succeeded');
    expect(run.progress.pages).toBeGreaterThanOrEqual(2);
    const dup = await users();
    expect(dup).toHaveLength(1);
    expect(dup[0]?.source?.externalId).toBe(LOW_ID);
    // The undone creation left no trace: one create per platform user, counts to match.
    const res = await env.api('GET', `/runs/${run.id}/changes?limit=500&action=create`);
    const creates = (res.body as { items: { externalId: string }[] }).items;
    const all = await env.db.db
      .selectFrom('users')
      .select((eb) => eb.fn.countAll<number>().as('n'))
      .executeTakeFirst();
    expect(run.counts.created).toBe(Number(all?.n));
    expect(creates.some((c) => c.externalId === HIGH_ID)).toBe(false);
    const skips = await env.api('GET', `/runs/${run.id}/changes?limit=500&action=skip`);
    expect(
      (skips.body as { items: { externalId: string }[] }).items.map((c) => c.externalId),
    ).toContain(HIGH_ID);
  });

  it('a full round that fails after its first page keeps the users it created, and the next run equals an uninterrupted one', async () => {
    env = await createSyncEnv(dialect, {});
    fillers(1500);
    // The second /users page fails for good (503 past every retry).
    env.emulator.faults.script({
      kind: '503',
      path: '/v1.0/users',
      nth: 2,
      times: 50,
      retryAfter: 0.01,
    });
    const failed = await env.run({ full: true });
    expect(failed.status).toBe('failed');
    // Created while the round was read: the first page's users are there already.
    expect(failed.counts.created).toBe(999);
    env.emulator.faults.clear();
    const retried = await env.run({});
    expect(retried.status).toBe('succeeded');
    expect(retried.counts.created).toBe(501);

    // The same tenant synchronised once, uninterrupted, into a second organisation.
    const other = await env.addOrganization({
      units: [{ name: 'Sales' }, { name: 'Engineering' }, { name: 'Support' }],
      userTypes: ['Employee', 'Manager'],
      settings: {
        unitField: 'department',
        userTypeField: 'jobTitle',
        includeGuests: false,
        deactivateDisabledUsers: true,
        deletionThreshold: 500,
        unassignmentThreshold: 0,
      },
    });
    const clean = await other.run({ full: true });
    expect(clean.status).toBe('succeeded');
    expect(clean.counts.created).toBe(1500);
    const mine = await directorySnapshot(env.db.db, env.orgId);
    expect(mine).toHaveLength(1500);
    expect(await directorySnapshot(env.db.db, other.orgId)).toEqual(mine);
  });
});
