import { dirname } from 'node:path';
import SqliteDatabase from 'better-sqlite3';
import { Kysely, PostgresDialect, SqliteDialect } from 'kysely';
import pg from 'pg';
import type { Config } from '../config.ts';
import { ensurePrivateDatabaseFile, ensurePrivateDir } from './private-files.ts';
import { startCheckpointer } from './sqlite-checkpointer.ts';
import { withStatementCache } from './sqlite-statement-cache.ts';
import type { Database } from './schema.ts';

export type DialectKind = 'sqlite' | 'postgres';

/** An open database: the Kysely handle plus what callers need to know about it. */
export interface DatabaseHandle {
  db: Kysely<Database>;
  dialect: DialectKind;
  close(): Promise<void>;
}

// PostgreSQL returns int8 (count(*), bigserial) as strings by default; our counts and
// sequence numbers stay far below 2^53, so numbers are safe and keep one row shape.
pg.types.setTypeParser(20, (v) => Number.parseInt(v, 10));

/** Opens the database named by the configuration (without migrating it). */
export function openDatabase(database: Config['database']): DatabaseHandle {
  if (database.kind === 'sqlite') {
    if (database.path !== ':memory:') {
      ensurePrivateDir(dirname(database.path));
      ensurePrivateDatabaseFile(database.path);
    }
    const sqlite = new SqliteDatabase(database.path);
    // WAL lets readers (API) proceed while a sync writes; busy_timeout waits for the writer
    // instead of failing with SQLITE_BUSY when another process holds the lock.
    sqlite.pragma('journal_mode = WAL');
    sqlite.pragma('busy_timeout = 10000');
    sqlite.pragma('foreign_keys = ON');
    sqlite.pragma('synchronous = NORMAL');
    // 64 MiB page cache (the default is 2 MiB): a sync page touches several indexes of large
    // tables, and re-reading their pages from disk dominated full runs.
    sqlite.pragma('cache_size = -65536');
    const db = new Kysely<Database>({
      dialect: new SqliteDialect({ database: withStatementCache(sqlite) }),
    });
    if (database.path === ':memory:') {
      return { db, dialect: 'sqlite', close: () => db.destroy() };
    }
    // Checkpoints run on a worker thread (db/sqlite-checkpointer.ts). The automatic one stays
    // as a safety net far above what the worker lets the WAL grow to, and a WAL reset after
    // a large run is truncated back to 64 MiB.
    const checkpointer = startCheckpointer(database.path);
    sqlite.pragma('wal_autocheckpoint = 100000');
    sqlite.pragma('journal_size_limit = 67108864');
    return {
      db,
      dialect: 'sqlite',
      async close() {
        await checkpointer.stop();
        await db.destroy();
      },
    };
  }
  const pool = new pg.Pool({ connectionString: database.url, max: 10 });
  const db = new Kysely<Database>({ dialect: new PostgresDialect({ pool }) });
  return { db, dialect: 'postgres', close: () => db.destroy() };
}
