/**
 * Splits a list into slices of at most `size` items. Long `in (…)` lists are chunked so a
 * statement stays well below SQLite's and PostgreSQL's bound-parameter limits.
 */
export function chunks<T>(items: readonly T[], size = 500): T[][] {
  const out: T[][] = [];
  for (let i = 0; i < items.length; i += size) out.push(items.slice(i, i + size));
  return out;
}
