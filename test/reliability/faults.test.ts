import { afterEach, expect, it } from 'vitest';
import { DEPARTMENTS, JOB_TITLES } from '../../src/emulator/index.ts';
import { describeEachDialect } from '../helpers/databases.ts';
import { createSyncEnv, type SyncEnv } from '../helpers/sync-env.ts';
import { applyScriptedRound } from './scripted-changes.ts';
import { directorySnapshot, duplicateEmails, type SnapshotUser } from './snapshot.ts';

const USERS = 2_000;
const SEED = 4242;
const ROUNDS = 10;

/**
 * Issue 7 §1: ten incremental rounds after a full run end in exactly the same directory
 * whether or not 10 % of Graph requests fail (429 with a short Retry-After, 503, 504,
 * connection reset, stall past the client timeout, truncated JSON).
 */
describeEachDialect('reliability: faults change nothing', (dialect) => {
  const envs: SyncEnv[] = [];
  afterEach(async () => {
    await Promise.all(envs.splice(0).map((e) => e.close()));
  });

  async function scenario(
    faulty: boolean,
  ): Promise<{ snap: SnapshotUser[]; faults: number; requests: number }> {
    const env = await createSyncEnv(dialect, {
      emulatorUsers: USERS,
      seed: SEED,
      units: [...DEPARTMENTS],
      userTypes: [...JOB_TITLES],
      // A stalled request fails fast and is retried.
      graphTimeoutMs: 400,
      deletionThreshold: 0,
      emulator: { deltaPageSize: 4 },
    });
    envs.push(env);
    if (faulty) {
      env.emulator.faults.setRate(0.1, SEED, {
        kinds: ['429', '503', '504', 'reset', 'stall', 'truncated'],
        retryAfter: 0.05,
      });
    }
    const first = await env.run({ full: true });
    expect(first.status, JSON.stringify(first.error)).toBe('succeeded');
    for (let round = 1; round <= ROUNDS; round++) {
      applyScriptedRound(env.emulator.tenant, round);
      const run = await env.run();
      expect(run.status, `round ${round}: ${JSON.stringify(run.error)}`).toBe('succeeded');
      expect(run.mode).toBe('incremental');
    }
    expect(await duplicateEmails(env.db.db, env.orgId)).toEqual([]);
    return {
      snap: await directorySnapshot(env.db.db, env.orgId),
      faults: env.emulator.faults.injected,
      requests: env.emulator.requestLog.length,
    };
  }

  it('a fault-free and a 10 %-faulty sequence of runs end identical', async () => {
    const clean = await scenario(false);
    const faulty = await scenario(true);
    console.log(
      `[faults] ${dialect}: ${faulty.faults} faults in ${faulty.requests} requests (clean: ${clean.requests})`,
    );
    expect(clean.faults).toBe(0);
    // The faulty run really was faulty: ~10 % of its ~100 Graph requests.
    expect(faulty.faults).toBeGreaterThanOrEqual(8);
    expect(clean.snap.length).toBeGreaterThan(USERS * 0.9);
    expect(clean.snap.filter((u) => u.status === 'deactivated').length).toBeGreaterThan(10);
    expect(faulty.snap).toEqual(clean.snap);
  });
});
