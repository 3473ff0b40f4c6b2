import { afterEach, expect, it } from 'vitest';
import { describeEachDialect } from '../helpers/databases.ts';
import { createSyncEnv, type SyncEnv } from '../helpers/sync-env.ts';

/**
 * SPEC §5.4: a run that fails for a reason other than credentials (here: a secret sealed
 * with another key) ends `failed` with a readable reason; executing it must not throw.
 * Regression: the engine issued `update integrations set where …` (an empty SET) after
 * every non-credential failure, which is invalid SQL on both dialects.
 */
describeEachDialect('reliability: a failing run ends failed', (dialect) => {
  let env: SyncEnv | undefined;
  afterEach(async () => env?.close());

  it('an unreadable secret fails the run without throwing', async () => {
    env = await createSyncEnv(dialect);
    await env.db.db
      .updateTable('integrations')
      .set({ secret_ciphertext: 'v1.garbage.garbage.garbage' })
      .where('id', '=', env.integrationId)
      .execute();
    const run = await env.run({ full: true });
    expect(run.status).toBe('failed');
    expect(run.error?.code).toBe('secret_unreadable');
    expect(run.error?.message).toMatch(/secret/i);
    // The next run can start: nothing is left running.
    const again = await env.run({ full: true });
    expect(again.status).toBe('failed');
  });
});
