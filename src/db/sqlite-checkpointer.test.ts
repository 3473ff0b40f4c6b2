import { mkdtempSync, rmSync, statSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { sql } from 'kysely';
import { afterEach, describe, expect, it } from 'vitest';
import { openDatabase } from './connect.ts';

const dirs: string[] = [];
afterEach(() => {
  for (const d of dirs.splice(0)) rmSync(d, { recursive: true, force: true });
});

describe('SQLite checkpoints on a worker thread', () => {
  it('copies committed pages into the database file while the connection stays open', async () => {
    const dir = mkdtempSync(join(tmpdir(), 'aus-ckpt-'));
    dirs.push(dir);
    const path = join(dir, 'db.sqlite');
    const handle = openDatabase({ kind: 'sqlite', path });
    try {
      await sql`create table t (id integer primary key, v text)`.execute(handle.db);
      const before = statSync(path).size;
      // ~2 MiB of committed pages: they sit in the WAL until a checkpoint copies them. The
      // automatic checkpoint is set far above this, so only the worker can copy them.
      for (let i = 0; i < 20; i++) {
        await sql`insert into t (v) select printf('%.1000c', 'x') from (with recursive n(k) as (select 1 union all select k + 1 from n where k < 100) select k from n)`.execute(
          handle.db,
        );
      }
      let size = statSync(path).size;
      for (let waited = 0; size < before + 1_000_000 && waited < 10_000; waited += 100) {
        await new Promise((r) => setTimeout(r, 100));
        size = statSync(path).size;
      }
      expect(size).toBeGreaterThan(before + 1_000_000);
    } finally {
      await handle.close();
    }
  });
});
