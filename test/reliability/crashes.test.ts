import { setTimeout as sleep } from 'node:timers/promises';
import { afterEach, expect, it } from 'vitest';
import { DEPARTMENTS, JOB_TITLES } from '../../src/emulator/index.ts';
import { describeEachDialect } from '../helpers/databases.ts';
import { createSyncEnv, type SyncEnv, type SyncEnvOptions } from '../helpers/sync-env.ts';
import { startCliSync } from './cli-child.ts';
import { applyScriptedRound } from './scripted-changes.ts';
import { directorySnapshot, duplicateEmails } from './snapshot.ts';

const USERS = 8_000;
const SEED = 777;

/** Waits until the integration's running run has applied at least `pages` pages. */
async function pagesApplied(env: SyncEnv, pages: number, timeoutMs = 30_000): Promise<number> {
  const until = Date.now() + timeoutMs;
  for (;;) {
    const row = await env.db.db
      .selectFrom('sync_runs')
      .select(['pages', 'status'])
      .where('integration_id', '=', env.integrationId)
      .where('status', '=', 'running')
      .executeTakeFirst();
    if (row && row.pages >= pages) return row.pages;
    if (Date.now() > until) throw new Error(`no running run reached ${pages} pages`);
    await sleep(10);
  }
}

/**
 * Issue 7 §2 / SPEC §5.5: SIGKILL the CLI at several points of a full run (after 1, 4 and 7
 * pages of successive attempts); the last restart takes the stale run over and the directory
 * ends exactly as after an uninterrupted run, with no duplicate users.
 */
describeEachDialect('reliability: crashes change nothing', (dialect) => {
  const envs: SyncEnv[] = [];
  afterEach(async () => {
    await Promise.all(envs.splice(0).map((e) => e.close()));
  });

  const options: SyncEnvOptions = {
    emulatorUsers: USERS,
    seed: SEED,
    units: [...DEPARTMENTS],
    userTypes: [...JOB_TITLES],
    deletionThreshold: 0,
    // Slow enough per page that a kill lands between pages, not after the end.
    emulator: { latencyMs: 60 },
  };

  /** Same start for both envs: a full run, then a round of changes in Entra. */
  async function prepared(): Promise<SyncEnv> {
    const env = await createSyncEnv(dialect, options);
    envs.push(env);
    expect((await env.run({ full: true })).status).toBe('succeeded');
    applyScriptedRound(env.emulator.tenant, 1, 400);
    return env;
  }

  it(
    'a full run killed three times and restarted equals an uninterrupted one',
    { timeout: 180_000 },
    async () => {
      const reference = await prepared();
      const refRun = await reference.run({ full: true });
      expect(refRun.status).toBe('succeeded');
      expect(refRun.counts.deactivated).toBeGreaterThan(0);

      const env = await prepared();
      for (const killAfter of [1, 4, 7]) {
        const cli = startCliSync(env, true);
        await pagesApplied(env, killAfter);
        cli.child.kill('SIGKILL');
        const exit = await cli.exited;
        expect(exit.signal).toBe('SIGKILL');
        // Let the heartbeat go stale (RUN_HEARTBEAT_TIMEOUT_SECONDS=1) so the next one takes over.
        await sleep(1_200);
      }
      const last = startCliSync(env, true);
      const exit = await last.exited;
      expect(exit.code, exit.output).toBe(0);
      expect(exit.output).toMatch(/full synchronisation succeeded/);

      const runs = await env.db.db
        .selectFrom('sync_runs')
        .select(['status'])
        .where('integration_id', '=', env.integrationId)
        .execute();
      // The initial run plus one run taken over across all restarts: no stray or stuck runs.
      expect(runs.map((r) => r.status).sort()).toEqual(['succeeded', 'succeeded']);
      expect(await duplicateEmails(env.db.db, env.orgId)).toEqual([]);
      expect(await directorySnapshot(env.db.db, env.orgId)).toEqual(
        await directorySnapshot(reference.db.db, reference.orgId),
      );
    },
  );
});
