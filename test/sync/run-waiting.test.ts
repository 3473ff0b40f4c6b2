import { afterEach, expect, it } from 'vitest';
import type { Run } from '../../src/sync/run-record.ts';
import { describeEachDialect } from '../helpers/databases.ts';
import { createSyncEnv, type SyncEnv } from '../helpers/sync-env.ts';

/**
 * Issue 17, item 9: while a run waits out Microsoft's throttling (429 with Retry-After), its
 * progress says so (`progress.waiting`: why, and until when), over real HTTP from the
 * emulator; the hint is gone once pages arrive again and after the run ends.
 */
describeEachDialect('a throttled run says it waits on Microsoft Graph', (dialect) => {
  let env: SyncEnv;
  afterEach(async () => env?.close());

  it('progress.waiting while the Retry-After runs, null once the run ends', async () => {
    env = await createSyncEnv(dialect, { backgroundRuns: true, emulatorUsers: 20, seed: 3 });
    await env.run({ full: true });
    env.emulator.faults.script({ kind: '429', method: 'GET', retryAfter: 3, times: 1 });
    const started = await env.api('POST', `/integrations/${env.integrationId}/sync`, {});
    expect(started.status).toBe(202);
    const runId = (started.body as { runId: string }).runId;

    const read = async (): Promise<Run> => (await env.api('GET', `/runs/${runId}`)).body as Run;
    let waiting: Run['progress']['waiting'] = null;
    const deadline = Date.now() + 10_000;
    while (Date.now() < deadline) {
      const run = await read();
      waiting = run.progress.waiting;
      if (waiting || (run.status !== 'queued' && run.status !== 'running')) break;
      await new Promise((r) => setTimeout(r, 50));
    }
    expect(waiting?.reason).toBe('throttled');
    const left = Date.parse(waiting?.until ?? '') - env.clock.now().getTime();
    expect(left).toBeGreaterThan(1_000);
    expect(left).toBeLessThanOrEqual(3_100);

    await env.idle();
    const done = await read();
    expect(done.status).toBe('succeeded');
    expect(done.progress.waiting).toBeNull();
    expect(env.emulator.faults.injected).toBe(1);
  });
});
