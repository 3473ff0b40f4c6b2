import { sql } from 'kysely';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { createSyncEnv, type SyncEnv } from '../../test/helpers/sync-env.ts';
import { postgresAvailable } from '../../test/helpers/databases.ts';
import { refreshStatistics } from './statistics.ts';

const pgReady = await postgresAvailable();

/** How many values PostgreSQL keeps in the histogram of a column (0 when it has none). */
async function histogramSize(env: SyncEnv, table: string, column: string): Promise<number> {
  const r = await sql<{
    n: number | null;
  }>`select array_length(histogram_bounds::text::text[], 1) as n
    from pg_stats where tablename = ${table} and attname = ${column}`.execute(env.db.db);
  return Number(r.rows[0]?.n ?? 0);
}

describe.skipIf(!pgReady)('planner statistics [postgres]', () => {
  let env: SyncEnv;
  beforeAll(async () => {
    // 2,000 distinct object ids: enough for a histogram of the default size (101 bounds).
    env = await createSyncEnv('postgres', { emulatorUsers: 2_000, deletionThreshold: 10_000 });
    const run = await env.run({ full: true });
    expect(run.status).toBe('succeeded');
  }, 120_000);
  afterAll(async () => env?.close());

  it('a quick refresh samples a tenth as much, and leaves the default precision to the next', async () => {
    await refreshStatistics(env.db.db, ['entra_users'], 'quick');
    const quick = await histogramSize(env, 'entra_users', 'external_id');
    expect(quick).toBeGreaterThan(1);
    expect(quick).toBeLessThanOrEqual(11);
    await refreshStatistics(env.db.db, ['entra_users']);
    expect(await histogramSize(env, 'entra_users', 'external_id')).toBeGreaterThan(11);
    // The quick target was local to its transaction: no pooled connection kept it.
    const shown = await sql<{
      default_statistics_target: string;
    }>`show default_statistics_target`.execute(env.db.db);
    expect(shown.rows[0]?.default_statistics_target).toBe('100');
  });
});
