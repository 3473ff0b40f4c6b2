import { existsSync, readFileSync } from 'node:fs';
import { sql } from 'kysely';
import type { TestDatabase } from './databases.ts';

/**
 * Everything a test database holds, as text: the SQLite file and its WAL, or every row of
 * every PostgreSQL table. Canary tests search it for values that must never be stored.
 */
export async function databaseText(db: TestDatabase): Promise<string> {
  if (db.dialect === 'sqlite') {
    const path = db.url.slice('sqlite:'.length);
    const parts = [path, `${path}-wal`].filter((p) => existsSync(p)).map((p) => readFileSync(p));
    // latin1 keeps every byte, so an ASCII canary is found wherever it sits in a page.
    return parts.map((b) => b.toString('latin1')).join('\n');
  }
  const tables = await sql<{ tablename: string }>`
    select tablename from pg_tables where schemaname = 'public'`.execute(db.db);
  const out: string[] = [];
  for (const { tablename } of tables.rows) {
    const rows = await sql<{
      t: string;
    }>`select t::text as t from ${sql.table(tablename)} t`.execute(db.db);
    for (const r of rows.rows) out.push(r.t);
  }
  return out.join('\n');
}
