import { CompiledQuery, type Insertable } from 'kysely';
import { shapedChunks } from './chunks.ts';
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
  if (dialectOf(db) === 'postgres') {
    const columns = Object.keys(types) as 'id'[];
    await db
      .insertInto(table as 'users')
      .columns(columns)
      .expression(unnestRows<Record<string, unknown>>(rows, types as Record<string, PgColumnType>))
      .execute();
    return;
  }
  const columns = Object.keys(types);
  for (const batch of shapedChunks(rows, SQLITE_ROWS)) {
    // Written as SQL text directly: Kysely's multi-row `values()` parsed and compiled every
    // row anew (5 % of a SQLite full run), and the text repeats, so the statement is reused.
    const params: unknown[] = [];
    for (const row of batch) {
      for (const c of columns) {
        // Absent is null, as on PostgreSQL (db/unnest.ts); better-sqlite3 binds no booleans.
        const v = row[c] ?? null;
        params.push(typeof v === 'boolean' ? Number(v) : v);
      }
    }
    await db.executeQuery(
      CompiledQuery.raw(sqliteInsertText(table, columns, batch.length), params),
    );
  }
}

/** `insert into "t" ("a", "b") values (?, ?), (?, ?)…`, kept per table, columns and length. */
const insertTexts = new Map<string, string>();
function sqliteInsertText(table: string, columns: readonly string[], rows: number): string {
  const key = `${table}\u0000${columns.join(',')}\u0000${rows}`;
  let text = insertTexts.get(key);
  if (text === undefined) {
    const tuple = `(${columns.map(() => '?').join(', ')})`;
    text = `insert into "${table}" (${columns.map((c) => `"${c}"`).join(', ')}) values ${Array(rows).fill(tuple).join(', ')}`;
    insertTexts.set(key, text);
  }
  return text;
}
