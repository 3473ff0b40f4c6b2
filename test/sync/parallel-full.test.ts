import { afterEach, expect, it } from 'vitest';
import { DEPARTMENTS, JOB_TITLES, type EmulatedTenant } from '../../src/emulator/index.ts';
import { mulberry32 } from '../../src/emulator/prng.ts';
import type { Run } from '../../src/sync/run-record.ts';
import { describeEachDialect } from '../helpers/databases.ts';
import { createSyncEnv, type SyncEnv } from '../helpers/sync-env.ts';
import { directorySnapshot, type SnapshotUser } from '../reliability/snapshot.ts';

/**
 * Issue 12: a full run reads `/users` in UPN partitions at once (GRAPH_PARALLEL_READS). The
 * directory it produces must be exactly the one a sequential run produces, whatever the
 * tenant; partition faults fail or retry cleanly; a count that does not add up falls back
 * to one sequential listing, says so and still syncs everyone.
 */

/** UPN first characters besides letters: every other character Entra allows, and case. */
const ODD_PREFIXES = ["'o", '.d', '-d', '_s', '!b', '#h', '^c', '~t', '9l', '0z', 'Q', 'ZE'];

/** Adds users with unusual UPN first characters, with ids fixed by `tag` (envs compare). */
function addOddUsers(tenant: EmulatedTenant, tag: number, prefixes = ODD_PREFIXES): void {
  prefixes.forEach((prefix, i) => {
    const n = tag * 100 + i;
    tenant.addUser({
      id: `00000000-0000-4000-8000-${n.toString(16).padStart(12, '0')}`,
      givenName: `Odd${n}`,
      surname: 'Prefix',
      userPrincipalName: `${prefix}${n}@${tenant.domain}`,
      mail: `odd${n}@example.test`,
      department: DEPARTMENTS[i % DEPARTMENTS.length] as string,
      jobTitle: JOB_TITLES[i % JOB_TITLES.length] as string,
    });
  });
}

/** Deterministic churn between two full runs: deletions, disables, new users. */
function churn(tenant: EmulatedTenant, seed: number): void {
  const random = mulberry32(seed);
  for (const user of [...tenant.users()]) {
    const r = random();
    if (r < 0.03) tenant.softDeleteUser(user.id);
    else if (r < 0.04) tenant.hardDeleteUser(user.id);
    else if (r < 0.06) tenant.disableUser(user.id);
  }
  addOddUsers(tenant, seed + 200_000, ['k', "'x", '~y', 'M']);
}

/** Under load (2 shared cores, PostgreSQL) a case with four full runs takes over a minute. */
const TIMEOUT = 240_000;

const isFallbackNote = (note: string) => /sequential listing/.test(note);

describeEachDialect('parallel full runs', (dialect) => {
  const envs: SyncEnv[] = [];
  afterEach(async () => {
    await Promise.all(envs.splice(0).map((e) => e.close()));
  });

  async function envOf(users: number, seed: number, parallel: number): Promise<SyncEnv> {
    const env = await createSyncEnv(dialect, {
      emulatorUsers: users,
      seed,
      units: [...DEPARTMENTS],
      userTypes: [...JOB_TITLES],
      deletionThreshold: 0,
      includeGuests: true,
      graphParallelReads: parallel,
      // A fault that exhausts the retries fails fast (Retry-After 0).
      graphTimeoutMs: 2000,
    });
    envs.push(env);
    addOddUsers(env.emulator.tenant, seed);
    return env;
  }

  async function fullRun(env: SyncEnv): Promise<Run> {
    const run = await env.run({ full: true });
    expect(run.status, JSON.stringify(run.error)).toBe('succeeded');
    return run;
  }

  const partitionRequests = (env: SyncEnv) =>
    env.emulator.requestLog.filter(
      (r) => r.path === '/v1.0/users' && r.query.includes('startswith(userPrincipalName,'),
    );
  const liveUsers = (env: SyncEnv) => [...env.emulator.tenant.users()].length;

  /** The directory a sequential full run makes of the same tenant (same seed and changes). */
  async function reference(
    users: number,
    seed: number,
    change?: (t: EmulatedTenant) => void,
  ): Promise<SnapshotUser[]> {
    const env = await envOf(users, seed, 1);
    change?.(env.emulator.tenant);
    await fullRun(env);
    expect(partitionRequests(env)).toEqual([]);
    return directorySnapshot(env.db.db, env.orgId);
  }

  // Bounded random cases, plus one large enough that partitions page (j > 999 users).
  const random = mulberry32(20261130);
  const cases = [
    ...[1, 2, 3].map(() => ({
      users: 200 + Math.floor(random() * 2300),
      seed: 1 + Math.floor(random() * 100_000),
      parallel: 2 + Math.floor(random() * 5),
    })),
    { users: 6000, seed: 77, parallel: 4 },
  ];
  for (const c of cases) {
    it(
      `a parallel full run makes exactly the directory a sequential one makes: ${JSON.stringify(c)}`,
      { timeout: TIMEOUT },
      async () => {
        const label = JSON.stringify(c);
        const sequential = await envOf(c.users, c.seed, 1);
        const parallel = await envOf(c.users, c.seed, c.parallel);
        for (const env of [sequential, parallel]) await fullRun(env);
        const first = await directorySnapshot(parallel.db.db, parallel.orgId);
        expect(first, label).toEqual(await directorySnapshot(sequential.db.db, sequential.orgId));
        expect(first.length, label).toBeGreaterThan(c.users * 0.8);

        // Deletions between two full runs: the parallel round's "not seen" marks must be right.
        for (const env of [sequential, parallel]) churn(env.emulator.tenant, c.seed);
        const runs: Run[] = [];
        for (const env of [sequential, parallel]) runs.push(await fullRun(env));
        const second = await directorySnapshot(parallel.db.db, parallel.orgId);
        expect(second, label).toEqual(await directorySnapshot(sequential.db.db, sequential.orgId));
        expect(second.filter((u) => u.status === 'deactivated').length, label).toBeGreaterThan(0);

        // The parallel run really was parallel, proven complete, and read every user once.
        const par = runs[1] as Run;
        expect(par.notes.filter(isFallbackNote), label).toEqual([]);
        expect(par.progress.usersRead, label).toBe(liveUsers(parallel));
        const partitions = new Set(
          partitionRequests(parallel).map((r) => /\$filter=([^&]*)/.exec(r.query)?.[1]),
        );
        expect(partitions.size, label).toBe(44);
        expect(
          parallel.emulator.requestLog.filter((r) => r.path === '/v1.0/users/$count').length,
          label,
        ).toBe(2);
      },
    );
  }

  it(
    'a partition failing midway fails the run, changing no existing user; the next run converges',
    { timeout: TIMEOUT },
    async () => {
      const ref = await envOf(6000, 77, 1);
      await fullRun(ref);
      churn(ref.emulator.tenant, 5);
      await fullRun(ref);
      const expected = await directorySnapshot(ref.db.db, ref.orgId);
      const env = await envOf(6000, 77, 4);
      await fullRun(env);
      const before = await directorySnapshot(env.db.db, env.orgId);
      churn(env.emulator.tenant, 5);
      // The second page of partition "j" fails on every attempt (8, Retry-After 0).
      env.emulator.faults.script({
        path: '/v1.0/users',
        query: "startswith(userPrincipalName,'j')",
        nth: 2,
        times: 8,
        kind: '503',
        retryAfter: 0,
      });
      const failed = await env.run({ full: true });
      expect(failed.status).toBe('failed');
      expect(env.emulator.faults.injected).toBe(8);
      const jPages = partitionRequests(env).filter((r) =>
        r.query.includes("$filter=startswith(userPrincipalName,'j')"),
      );
      expect(jPages.filter((r) => r.status === 200).length).toBeGreaterThanOrEqual(2);
      // The partial round deactivated and changed no one (that waits for the end of a
      // round); only new users of the pages it read may have been created already.
      const afterFailure = await directorySnapshot(env.db.db, env.orgId);
      const known = new Set(before.map((u) => u.email));
      expect(afterFailure.filter((u) => known.has(u.email))).toEqual(before);
      for (const created of afterFailure.filter((u) => !known.has(u.email))) {
        expect(created.status).toBe('active');
        expect(expected).toContainEqual(created);
      }
      await fullRun(env);
      expect(await directorySnapshot(env.db.db, env.orgId)).toEqual(expected);
    },
  );

  it(
    'a 429 on one partition is honoured (Retry-After) and the run succeeds',
    { timeout: TIMEOUT },
    async () => {
      const expected = await reference(1500, 31);
      const env = await envOf(1500, 31, 4);
      const m = "$filter=startswith(userPrincipalName,'m')";
      env.emulator.faults.script({
        path: '/v1.0/users',
        query: "startswith(userPrincipalName,'m')",
        kind: '429',
        retryAfter: 1,
      });
      await fullRun(env);
      expect(await directorySnapshot(env.db.db, env.orgId)).toEqual(expected);
      const mRequests = partitionRequests(env).filter((r) => r.query.includes(m));
      expect(mRequests.map((r) => r.status)).toEqual([429, 200]);
      const throttled = mRequests[0]?.at ?? 0;
      const retried = mRequests[1]?.at ?? 0;
      expect(retried - throttled).toBeGreaterThanOrEqual(950);
      // The other partitions did not wait for it.
      const others = partitionRequests(env).filter((r) => !r.query.includes(m));
      expect(others.some((r) => r.at > throttled && r.at < retried)).toBe(true);
    },
  );

  it(
    'a UPN outside the partitions: the count does not add up, the run reads sequentially and says so',
    { timeout: TIMEOUT },
    async () => {
      const outside = (t: EmulatedTenant) => addOddUsers(t, 900, ['+plus', 'élan']);
      const expected = await reference(1200, 8, outside);
      const env = await envOf(1200, 8, 4);
      outside(env.emulator.tenant);
      const run = await fullRun(env);
      expect(run.notes.filter(isFallbackNote)).toHaveLength(1);
      expect(run.notes.join('\n')).toMatch(
        new RegExp(
          `returned ${liveUsers(env) - 2} users where Microsoft Graph counted ${liveUsers(env)}`,
        ),
      );
      // The partial round was forgotten: progress counts the sequential listing only.
      expect(run.progress.usersRead).toBe(liveUsers(env));
      const snapshot = await directorySnapshot(env.db.db, env.orgId);
      expect(snapshot).toEqual(expected);
      expect(snapshot.map((u) => u.email)).toEqual(
        expect.arrayContaining(['odd90000@example.test', 'odd90001@example.test']),
      );
    },
  );

  it(
    'a lagging count also falls back, and a count that fails reads sequentially from the start',
    { timeout: TIMEOUT },
    async () => {
      const expected = await reference(800, 12);
      const lagging = await envOf(800, 12, 3);
      lagging.emulator.tenant.usersCountLag = 1;
      const run = await fullRun(lagging);
      expect(run.notes.filter(isFallbackNote)).toHaveLength(1);
      expect(await directorySnapshot(lagging.db.db, lagging.orgId)).toEqual(expected);

      const failing = await envOf(800, 12, 3);
      failing.emulator.faults.script({
        path: '/v1.0/users/$count',
        kind: '503',
        times: 8,
        retryAfter: 0,
      });
      const counted = await fullRun(failing);
      expect(counted.notes.join('\n')).toMatch(/could not count the users/);
      expect(partitionRequests(failing)).toEqual([]);
      expect(await directorySnapshot(failing.db.db, failing.orgId)).toEqual(expected);
    },
  );

  it('with the default settings a directory under 15,000 users is read in one listing', async () => {
    // No graphParallelReads: the product's default (4 at once, from 15,000 users).
    const env = await createSyncEnv(dialect, { emulatorUsers: 1200, seed: 31 });
    envs.push(env);
    const run = await fullRun(env);
    expect(partitionRequests(env)).toEqual([]);
    expect(env.emulator.requestLog.filter((r) => r.path === '/v1.0/users')).toHaveLength(2);
    expect(run.progress.usersRead).toBe(liveUsers(env));
    expect(run.notes.filter(isFallbackNote)).toEqual([]);
  });
});
