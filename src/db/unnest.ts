import { sql, type RawBuilder } from 'kysely';

/** The PostgreSQL array types the bulk writes pass (every column they write is one of these). */
export type PgColumnType = 'text' | 'int';

/**
 * `select * from unnest($1::text[], $2::int[], …) as u(col1, col2, …)`: the rows of a bulk
 * write as one array parameter per column, for PostgreSQL.
 *
 * Why: a multi-row `values (…), (…)` insert of 1,000 rows binds ~12,000 parameters, which
 * PostgreSQL parses and plans on every page (a 500-row mirror upsert took ~100 ms); column
 * arrays make the statement a dozen parameters whatever the row count. Kysely has no helper
 * for this, and the query stays a plain `insert … select` it can type-check the columns of.
 */
export function unnestRows<R extends Record<string, unknown>>(
  rows: readonly R[],
  types: { readonly [K in keyof R & string]: PgColumnType },
): RawBuilder<unknown> {
  const columns = Object.keys(types) as (keyof R & string)[];
  const arrays = columns.map((c) => {
    const values = rows.map((r) => r[c] ?? null);
    return sql`${values}::${sql.raw(types[c])}[]`;
  });
  return sql`select * from unnest(${sql.join(arrays)}) as u(${sql.join(columns.map((c) => sql.ref(c)))})`;
}

/** Column names in the order {@link unnestRows} selects them, for `insertInto(t).columns(…)`. */
export function columnsOf<R extends Record<string, unknown>>(types: {
  readonly [K in keyof R & string]: PgColumnType;
}): (keyof R & string)[] {
  return Object.keys(types) as (keyof R & string)[];
}
