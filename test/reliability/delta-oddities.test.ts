import { afterEach, expect, it } from 'vitest';
import { DEPARTMENTS, JOB_TITLES } from '../../src/emulator/index.ts';
import { describeEachDialect } from '../helpers/databases.ts';
import { createSyncEnv, type SyncEnv, type SyncEnvOptions } from '../helpers/sync-env.ts';
import { applyScriptedRound } from './scripted-changes.ts';
import { directorySnapshot, duplicateEmails } from './snapshot.ts';

/**
 * Issue 7 §3: delta rounds with duplicated and shuffled entries, users removed and restored
 * within one round, and an expired delta link (410 → full resync) end exactly where a clean
 * tenant receiving the same changes ends, after every round.
 */
describeEachDialect('reliability: delta oddities', (dialect) => {
  const envs: SyncEnv[] = [];
  afterEach(async () => {
    await Promise.all(envs.splice(0).map((e) => e.close()));
  });

  const options: SyncEnvOptions = {
    emulatorUsers: 1_500,
    seed: 99,
    units: [...DEPARTMENTS],
    userTypes: [...JOB_TITLES],
    deletionThreshold: 0,
    emulator: { deltaPageSize: 25 },
  };

  async function pair(): Promise<{ odd: SyncEnv; clean: SyncEnv }> {
    const odd = await createSyncEnv(dialect, options);
    const clean = await createSyncEnv(dialect, options);
    envs.push(odd, clean);
    for (const env of [odd, clean])
      expect((await env.run({ full: true })).status).toBe('succeeded');
    odd.emulator.tenant.deltaOddities = { duplicates: 0.3, shuffle: true };
    return { odd, clean };
  }

  it('duplicates, shuffles, delete+restore in one round and 410 expiry end correct', async () => {
    const { odd, clean } = await pair();
    for (let round = 1; round <= 4; round++) {
      for (const env of [odd, clean]) {
        const t = env.emulator.tenant;
        applyScriptedRound(t, round, 60);
        // Removed and restored between two runs: Entra may report both; the user stays.
        const victims = [...t.users()]
          .map((u) => u.id)
          .sort()
          .slice(round * 10, round * 10 + 3);
        for (const id of victims) {
          t.softDeleteUser(id);
          t.restoreUser(id);
        }
        // The reverse within the same round: updated, then removed.
        const gone = [...t.users()].map((u) => u.id).sort()[round * 10 + 5] as string;
        t.updateUser(gone, { department: 'Legal' });
        t.softDeleteUser(gone);
      }
      if (round === 3) odd.emulator.tenant.expireDeltaTokens();
      const oddRun = await odd.run();
      const cleanRun = await clean.run();
      expect(oddRun.status, JSON.stringify(oddRun.error)).toBe('succeeded');
      expect(cleanRun.status).toBe('succeeded');
      if (round === 3) {
        expect(oddRun.mode).toBe('full');
        expect(oddRun.notes.join(' ')).toMatch(/fell back to a full synchronisation/);
      } else {
        expect(oddRun.mode).toBe('incremental');
      }
      expect(await duplicateEmails(odd.db.db, odd.orgId)).toEqual([]);
      expect(
        await directorySnapshot(odd.db.db, odd.orgId),
        `directory after round ${round}`,
      ).toEqual(await directorySnapshot(clean.db.db, clean.orgId));
    }
  });
});
