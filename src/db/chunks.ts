/**
 * Splits a list for `IN (…)` queries and multi-row inserts: SQLite limits bound parameters
 * per statement and PostgreSQL slows down on very long lists.
 */
export function chunks<T>(items: readonly T[], size = 500): T[][] {
  const out: T[][] = [];
  for (let i = 0; i < items.length; i += size) out.push(items.slice(i, i + size));
  return out;
}
