import type { Insertable } from 'kysely';
import { chunks } from './chunks.ts';
import { dialectOf } from './dialect-of.ts';
import type { Database, Db } from './schema.ts';
import { unnestRows, type PgColumnType } from './unnest.ts';

/** SQLite binds at most 32,766 parameters per statement: rows per multi-row insert. */
const SQLITE_ROWS = 1000;

/**
 * Inserts many rows into one table: on PostgreSQL as column arrays in one statement
 * (db/unnest.ts), on SQLite as multi-row inserts of up to 1,000 rows. `types` names every
 * column the rows carry, so a column added to the rows but not here is a type error.
 */
export async function insertAll<
  T extends keyof Database & string,
  R extends Insertable<Database[T]>,
>(
  db: Db,
  table: T,
  rows: readonly (R & Record<string, unknown>)[],
  types: { readonly [K in keyof R & string]: PgColumnType },
): Promise<void> {
  if (!rows.length) return;
  // Kysely cannot check an insert into a table chosen by a type parameter; the signature
  // above ties the rows to the table instead.
  const insert = db.insertInto(table as 'users');
  if (dialectOf(db) === 'postgres') {
    const columns = Object.keys(types) as 'id'[];
    await insert
      .columns(columns)
      .expression(unnestRows<Record<string, unknown>>(rows, types as Record<string, PgColumnType>))
      .execute();
    return;
  }
  for (const batch of chunks(rows, SQLITE_ROWS)) {
    await insert.values(batch as unknown as Insertable<Database['users']>[]).execute();
  }
}
