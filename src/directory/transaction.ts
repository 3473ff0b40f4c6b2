import type { Db, Database } from '../db/schema.ts';
import type { Transaction } from 'kysely';

/**
 * Runs `fn` in a transaction: the caller's one when `db` already is a transaction (so a
 * route can group several directory calls atomically), a new one otherwise.
 */
export async function withTransaction<T>(
  db: Db,
  fn: (trx: Transaction<Database>) => Promise<T>,
): Promise<T> {
  if (db.isTransaction) return fn(db as Transaction<Database>);
  return db.transaction().execute(fn);
}
