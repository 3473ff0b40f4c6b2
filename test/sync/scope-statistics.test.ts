import { sql } from 'kysely';
import { afterEach, describe, expect, it } from 'vitest';
import { postgresAvailable } from '../helpers/databases.ts';
import { createSyncEnv, type SyncEnv } from '../helpers/sync-env.ts';

const pgReady = await postgresAvailable();

/**
 * A large membership round leaves PostgreSQL's planner statistics for the scope tables: without
 * them the next round's scope replacement was planned as nested loops over 90,000 members and
 * 90,000 scope users (100 membership changes: 12 minutes in the benchmark instead of 0.3 s).
 * `last_analyze` is set only by an explicit ANALYZE, never by autovacuum.
 */
describe.skipIf(!pgReady)('group scope statistics [postgres]', () => {
  let env: SyncEnv;
  afterEach(async () => env?.close());

  async function analyzed(): Promise<Record<string, boolean>> {
    const r = await sql<{ relname: string; analyzed: boolean }>`select relname,
      last_analyze is not null as analyzed from pg_stat_user_tables
      where relname in ('entra_group_members', 'entra_scope_users')`.execute(env.db.db);
    return Object.fromEntries(r.rows.map((row) => [row.relname, row.analyzed]));
  }

  it('a round of 1,000 member changes or more refreshes them; a small one does not', async () => {
    env = await createSyncEnv('postgres', { emulatorUsers: 1_300, seed: 3 });
    const t = env.emulator.tenant;
    const ids = [...t.users()].map((u) => u.id);
    const staff = t.addGroup('All staff');
    const few = t.addGroup('Few');
    ids.slice(0, 1_200).forEach((id) => t.addGroupMember(staff.id, id));
    ids.slice(0, 5).forEach((id) => t.addGroupMember(few.id, id));

    // A small scope first: 5 members.
    let res = await env.api('PATCH', `/integrations/${env.integrationId}`, {
      scopeMode: 'groups',
      scopeGroups: [{ id: few.id, displayName: few.displayName }],
    });
    expect(res.status).toBe(200);
    await env.idle();
    expect((await env.run({ full: true })).status).toBe('succeeded');
    expect(await analyzed()).toEqual({ entra_group_members: false, entra_scope_users: false });

    // The large one: 1,200 members read from scratch.
    res = await env.api('PATCH', `/integrations/${env.integrationId}`, {
      scopeGroups: [{ id: staff.id, displayName: staff.displayName }],
    });
    expect(res.status).toBe(200);
    await env.idle();
    expect((await env.run()).status).toBe('succeeded');
    expect(await analyzed()).toEqual({ entra_group_members: true, entra_scope_users: true });
  });
});
