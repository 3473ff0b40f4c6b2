import { afterEach, expect, it } from 'vitest';
import type { EmulatedUser } from '../../src/emulator/index.ts';
import type { RunChange } from '../../src/sync/changes-repo.ts';
import type { Run } from '../../src/sync/run-record.ts';
import { describeEachDialect } from '../helpers/databases.ts';
import { createSyncEnv, type SyncEnv } from '../helpers/sync-env.ts';

/**
 * Issue 17: GET /runs/:id/changes puts held rows first, filters by `action` and searches the
 * user's name or email (`q`), with cursor paging across the held and the other rows.
 */
describeEachDialect('run change log: held first, action filter, search', (dialect) => {
  let env: SyncEnv;
  afterEach(async () => env?.close());

  async function page(runId: string, query: string) {
    const res = await env.api('GET', `/runs/${runId}/changes?${query}`);
    expect(res.status, JSON.stringify(res.body)).toBe(200);
    return res.body as { items: RunChange[]; nextCursor: string | null };
  }

  it('lists held rows first, filters, searches and pages across both phases', async () => {
    env = await createSyncEnv(dialect, { backgroundRuns: true, deletionThreshold: 1 });
    const t = env.emulator.tenant;
    const add = (given: string, surname: string, extra: Partial<EmulatedUser> = {}) =>
      t.addUser({
        givenName: given,
        surname,
        mail: `${given}.${surname}@contoso.test`.toLowerCase(),
        department: 'Sales',
        jobTitle: 'Employee',
        ...extra,
      });
    const leavers = [add('Lea', 'Vesper'), add('Leo', 'Vance')];
    add('Mary', 'Martinez');
    await env.run({ full: true });
    for (const l of leavers) t.softDeleteUser(l.id);
    // Three skips written before the held rows (no surname: not created).
    for (const n of ['Sk1', 'Sk2', 'Sk3']) t.addUser({ givenName: n, mail: `${n}@contoso.test` });
    const run: Run = await env.run();
    expect(run.status).toBe('held');

    const all = await page(run.id, 'limit=500');
    expect(all.items.map((c) => c.action)).toEqual(['held', 'held', 'skip', 'skip', 'skip']);

    // Paging: two rows a page, the cursor crosses from held rows to the others.
    const seen: string[] = [];
    let cursor: string | null = null;
    do {
      const p: { items: RunChange[]; nextCursor: string | null } = await page(
        run.id,
        `limit=2${cursor ? `&cursor=${cursor}` : ''}`,
      );
      seen.push(...p.items.map((c) => `${c.action}:${c.seq}`));
      cursor = p.nextCursor;
    } while (cursor);
    expect(seen).toEqual(all.items.map((c) => `${c.action}:${c.seq}`));

    expect((await page(run.id, 'action=skip')).items).toHaveLength(3);
    expect((await page(run.id, 'action=held')).items.map((c) => c.subject)).toEqual(
      expect.arrayContaining([expect.stringContaining('Lea Vesper')]),
    );
    const byName = await page(run.id, 'q=leo%20v');
    expect(byName.items.map((c) => c.subject)).toEqual(['Leo Vance <leo.vance@contoso.test>']);
    expect((await page(run.id, 'q=VESPER@')).items).toHaveLength(1);
    expect((await page(run.id, 'q=nobody')).items).toHaveLength(0);
    expect((await page(run.id, 'q=vesper%40contoso')).items).toHaveLength(1);
    // LIKE wildcards are searched for literally.
    expect((await page(run.id, 'q=%25')).items).toHaveLength(0);
    const bad = await env.api('GET', `/runs/${run.id}/changes?action=explode`);
    expect(bad.status).toBe(400);
  });
});
