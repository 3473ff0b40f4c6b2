import { dialectOf } from './dialect-of.ts';
import type { Db } from './schema.ts';

/**
 * Splits a list for `IN (…)` queries and multi-row inserts: SQLite limits bound parameters
 * per statement and PostgreSQL slows down on very long lists.
 */
export function chunks<T>(items: readonly T[], size = 500): T[][] {
  const out: T[][] = [];
  for (let i = 0; i < items.length; i += size) out.push(items.slice(i, i + size));
  return out;
}

/**
 * {@link chunks} whose lengths come from a small fixed set: chunks of `size`, then the rest
 * in descending powers of two (937 with size 1,000: 512, 256, 128, 32, 8, 1). A statement's
 * text depends on how many values it lists, so on SQLite, where compiled statements are
 * kept (db/sqlite-statement-cache.ts), a page of 913 creations and the next of 941 reuse the
 * same few statements instead of compiling new ones; compiling was 3–6 % of a full run.
 */
export function shapedChunks<T>(items: readonly T[], size = 500): T[][] {
  const out: T[][] = [];
  let i = 0;
  for (; items.length - i >= size; i += size) out.push(items.slice(i, i + size));
  for (let step = 2 ** Math.floor(Math.log2(size)); step >= 1 && i < items.length; step /= 2) {
    if (items.length - i >= step) {
      out.push(items.slice(i, i + step));
      i += step;
    }
  }
  return out;
}

/**
 * Lists for `IN (…)`: on SQLite, a last chunk shorter than `size` is padded to the next power
 * of two (at most `size`) by repeating its last item, which an `IN` list ignores, so its
 * statement is one of a few kept compiled (see {@link shapedChunks}); plain on PostgreSQL,
 * where nothing is kept compiled.
 */
export function inListChunks<T>(db: Db, items: readonly T[], size = 500): T[][] {
  const out = chunks(items, size);
  if (dialectOf(db) !== 'sqlite') return out;
  const last = out.at(-1);
  if (last && last.length < size) {
    const target = Math.min(size, 2 ** Math.ceil(Math.log2(last.length)));
    const filler = last[last.length - 1] as T;
    while (last.length < target) last.push(filler);
  }
  return out;
}
