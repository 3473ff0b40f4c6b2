import { afterEach, expect, it } from 'vitest';
import type { Run } from '../../src/sync/run-record.ts';
import { createRun, deleteOldRuns, transitionRun } from '../../src/sync/runs-repo.ts';
import { describeEachDialect } from '../helpers/databases.ts';
import { createSyncEnv, type SyncEnv } from '../helpers/sync-env.ts';

const DAY = 86_400_000;

/**
 * Issue 17: GET /integrations/:id/runs pages the run history with `limit` and an opaque
 * keyset `cursor` (queued_at, id), newest first, back to the 90-day retention: every run
 * exactly once, even runs queued in the same millisecond.
 */
describeEachDialect('run history paged to 90 days', (dialect) => {
  let env: SyncEnv;
  afterEach(async () => env?.close());

  /** A finished run queued at `at` (the repository's own functions, as the engine uses them). */
  async function finishedRun(at: Date): Promise<string> {
    const iso = at.toISOString();
    const run = await createRun(
      env.db.db,
      {
        integrationId: env.integrationId,
        orgId: env.orgId,
        trigger: 'schedule',
        mode: 'incremental',
        dryRun: false,
      },
      iso,
    );
    expect(await transitionRun(env.db.db, run.id, 'running', { now: iso })).toBe(true);
    expect(await transitionRun(env.db.db, run.id, 'succeeded', { now: iso })).toBe(true);
    return run.id;
  }

  async function page(query: string): Promise<{ items: Run[]; nextCursor: string | null }> {
    const res = await env.api('GET', `/integrations/${env.integrationId}/runs?${query}`);
    expect(res.status, JSON.stringify(res.body)).toBe(200);
    return res.body as { items: Run[]; nextCursor: string | null };
  }

  it('pages every run once, newest first, back to the retention', async () => {
    env = await createSyncEnv(dialect);
    const now = env.clock.now().getTime();
    const ids: string[] = [];
    // Two runs a day for 89 days, and four queued in the very same millisecond.
    for (let d = 89; d >= 1; d--) {
      ids.push(await finishedRun(new Date(now - d * DAY)));
      ids.push(await finishedRun(new Date(now - d * DAY + 3_600_000)));
    }
    // Newest first, 22 runs are newer than these four: they straddle the first page's end.
    const same = new Date(now - 11.5 * DAY);
    for (let i = 0; i < 4; i++) ids.push(await finishedRun(same));
    // One from before the retention: the housekeeping deletes it.
    await finishedRun(new Date(now - 91 * DAY));
    expect(await deleteOldRuns(env.db.db, new Date(now - 90 * DAY).toISOString())).toBe(1);

    const seen: Run[] = [];
    let cursor: string | null = null;
    let pages = 0;
    do {
      const p = await page(`limit=25${cursor ? `&cursor=${encodeURIComponent(cursor)}` : ''}`);
      expect(p.items.length).toBeLessThanOrEqual(25);
      seen.push(...p.items);
      cursor = p.nextCursor;
      pages++;
    } while (cursor !== null && pages < 20);
    expect(seen.length).toBe(ids.length);
    expect(new Set(seen.map((r) => r.id))).toEqual(new Set(ids));
    expect(pages).toBe(Math.ceil(ids.length / 25));
    // Newest first; ties in queuedAt ordered by id, descending.
    for (let i = 1; i < seen.length; i++) {
      const a = seen[i - 1] as Run;
      const b = seen[i] as Run;
      expect(a.queuedAt > b.queuedAt || (a.queuedAt === b.queuedAt && a.id > b.id)).toBe(true);
    }
    expect(Date.parse(seen.at(-1)?.queuedAt ?? '')).toBe(now - 89 * DAY);

    // The default page and the older `before` parameter still work.
    expect((await page('')).items.length).toBe(50);
    const before = await page(`limit=5&before=${encodeURIComponent(same.toISOString())}`);
    expect(before.items.every((r) => r.queuedAt < same.toISOString())).toBe(true);
  });

  it('refuses a cursor it did not make, naming the field', async () => {
    env = await createSyncEnv(dialect);
    for (const bad of ['nope', Buffer.from('{"after":"x"}').toString('base64url')]) {
      const res = await env.api('GET', `/integrations/${env.integrationId}/runs?cursor=${bad}`);
      expect(res.status).toBe(400);
      expect(JSON.stringify(res.body)).toContain('cursor');
    }
  });
});
