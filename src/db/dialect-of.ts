import { SqliteAdapter } from 'kysely';
import type { DialectKind } from './connect.ts';
import type { Db } from './schema.ts';

/**
 * The dialect behind a handle or transaction, for the few queries that differ (the users
 * list's search index). Kept here so no other module inspects adapters.
 */
export function dialectOf(db: Db): DialectKind {
  return db.getExecutor().adapter instanceof SqliteAdapter ? 'sqlite' : 'postgres';
}
