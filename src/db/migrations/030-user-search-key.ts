import { sql, type Kysely } from 'kysely';
import { searchKey } from '../../directory/search-key.ts';
import type { DialectKind } from '../connect.ts';

/* eslint-disable @typescript-eslint/no-explicit-any -- migrations run against an untyped schema */

/**
 * Users list search (issue 13): `users.search_key` holds "first last email" lower-cased and
 * without accents (directory/search-key.ts), filled here for existing users and kept on every
 * write. On PostgreSQL a pg_trgm GIN index serves `like '%term%'` when the extension can be
 * created (it needs a privileged role on some servers); without it, the search scans the
 * organisation's rows in id order like SQLite does.
 */
export function userSearchKey(dialect: DialectKind) {
  return {
    async up(db: Kysely<any>): Promise<void> {
      await db.schema
        .alterTable('users')
        .addColumn('search_key', 'text', (c) => c.notNull().defaultTo(''))
        .execute();
      // Backfill in id order, a batch at a time (folding accents needs JavaScript).
      let after = '';
      for (;;) {
        const rows: { id: string; first_name: string; last_name: string; email: string }[] =
          await db
            .selectFrom('users')
            .select(['id', 'first_name', 'last_name', 'email'])
            .where('id', '>', after)
            .orderBy('id')
            .limit(1000)
            .execute();
        for (const r of rows) {
          await db
            .updateTable('users')
            .set({ search_key: searchKey(r.first_name, r.last_name, r.email) })
            .where('id', '=', r.id)
            .execute();
        }
        const last = rows[rows.length - 1];
        if (!last || rows.length < 1000) break;
        after = last.id;
      }
      if (dialect !== 'postgres') return;
      // A savepoint keeps the migration's transaction usable when the role may not create
      // the extension.
      await sql`savepoint pg_trgm`.execute(db);
      try {
        await sql`create extension if not exists pg_trgm`.execute(db);
        await sql`release savepoint pg_trgm`.execute(db);
      } catch {
        await sql`rollback to savepoint pg_trgm`.execute(db);
        return;
      }
      await sql`create index users_search_trgm on users using gin (search_key gin_trgm_ops)`.execute(
        db,
      );
    },
  };
}
