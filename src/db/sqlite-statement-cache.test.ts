import SqliteDatabase from 'better-sqlite3';
import { Kysely, SqliteDialect, sql } from 'kysely';
import { afterEach, describe, expect, it } from 'vitest';
import { withStatementCache } from './sqlite-statement-cache.ts';

interface Db {
  t: { id: number; name: string };
}

describe('SQLite statement cache', () => {
  let opened: Kysely<Db> | undefined;
  afterEach(async () => {
    await opened?.destroy();
    opened = undefined;
  });

  async function open(capacity?: number) {
    const connection = new SqliteDatabase(':memory:');
    const cached = withStatementCache(connection, capacity);
    const db = new Kysely<Db>({ dialect: new SqliteDialect({ database: cached }) });
    opened = db;
    await sql`create table t (id integer primary key, name text not null)`.execute(db);
    await db
      .insertInto('t')
      .values([1, 2, 3, 4, 5].map((id) => ({ id, name: `n${id}` })))
      .execute();
    return { db, cached };
  }

  it('compiles a statement once and runs it with each call’s own parameters', async () => {
    const { db, cached } = await open();
    const byId = (id: number) => db.selectFrom('t').select('name').where('id', '=', id);
    expect(await byId(2).executeTakeFirst()).toEqual({ name: 'n2' });
    expect(await byId(4).executeTakeFirst()).toEqual({ name: 'n4' });
    const text = byId(1).compile().sql;
    expect(cached.prepare(text)).toBe(cached.prepare(text));
  });

  it('hands a statement that is being iterated to nobody else', async () => {
    const { db, cached } = await open();
    const text = db.selectFrom('t').select('id').orderBy('id').compile().sql;
    const streaming = cached.prepare(text);
    const rows = streaming.iterate([]);
    expect(rows.next().value).toEqual({ id: 1 });
    // Still open: the same text gets a statement of its own.
    expect(cached.prepare(text)).not.toBe(streaming);
    rows.return?.();
    // Done iterating: the cached one is handed out again.
    expect(cached.prepare(text)).toBe(streaming);
    // And a streamed select through Kysely leaves nothing busy behind when left early.
    for await (const row of db.selectFrom('t').select('id').orderBy('id').stream()) {
      expect(row.id).toBe(1);
      break;
    }
    expect(await db.selectFrom('t').select('id').orderBy('id').execute()).toHaveLength(5);
  });

  it('forgets the least recently used statement beyond its capacity', async () => {
    const { cached } = await open(2);
    const a = cached.prepare('select 1');
    const b = cached.prepare('select 2');
    expect(cached.prepare('select 1')).toBe(a); // a is now the most recently used
    cached.prepare('select 3'); // evicts b
    expect(cached.prepare('select 1')).toBe(a);
    expect(cached.prepare('select 2')).not.toBe(b);
  });

  it('sees a schema change made after a statement was cached', async () => {
    const { db } = await open();
    const everything = () => db.selectFrom('t').selectAll().where('id', '=', 1);
    expect(await everything().executeTakeFirst()).toEqual({ id: 1, name: 'n1' });
    await sql`alter table t add column extra text not null default 'x'`.execute(db);
    expect(await everything().executeTakeFirst()).toEqual({ id: 1, name: 'n1', extra: 'x' });
  });
});
