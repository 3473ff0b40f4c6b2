import { sql, type Kysely } from 'kysely';
import { searchKey } from '../../directory/search-key.ts';
import type { DialectKind } from '../connect.ts';

/* eslint-disable @typescript-eslint/no-explicit-any -- migrations run against an untyped schema */

/**
 * Users list search (issue 13): `users.search_key` holds "first last email" lower-cased and
 * without accents (directory/search-key.ts), filled here for existing users and kept on every
 * write. Substring search needs a trigram index: on SQLite an FTS5 trigram table kept by
 * triggers, on PostgreSQL a pg_trgm GIN index when the extension can be created (it needs a
 * privileged role on some servers; without it the search scans the organisation's rows).
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
      if (dialect === 'sqlite') {
        // SQLite: an FTS5 trigram index over the key serves `like '%term%'` (3+ characters);
        // triggers keep it in step with every write to `users`.
        await sql`create virtual table users_search using fts5(search_key, content='users', content_rowid='rowid', tokenize='trigram')`.execute(
          db,
        );
        await sql`insert into users_search(users_search) values ('rebuild')`.execute(db);
        await sql`create trigger users_search_insert after insert on users begin
          insert into users_search(rowid, search_key) values (new.rowid, new.search_key); end`.execute(
          db,
        );
        await sql`create trigger users_search_delete after delete on users begin
          insert into users_search(users_search, rowid, search_key) values ('delete', old.rowid, old.search_key); end`.execute(
          db,
        );
        await sql`create trigger users_search_update after update of search_key on users begin
          insert into users_search(users_search, rowid, search_key) values ('delete', old.rowid, old.search_key);
          insert into users_search(rowid, search_key) values (new.rowid, new.search_key); end`.execute(
          db,
        );
        return;
      }
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
