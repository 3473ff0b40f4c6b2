import fc from 'fast-check';
import { describe, expect, it } from 'vitest';
import { createTestDatabase } from '../../test/helpers/databases.ts';
import { chunks, inListChunks, shapedChunks } from './chunks.ts';

describe('chunks', () => {
  it('splits into lists of at most the size, in order', () => {
    expect(chunks([1, 2, 3, 4, 5], 2)).toEqual([[1, 2], [3, 4], [5]]);
    expect(chunks([], 2)).toEqual([]);
  });

  it('shaped: full chunks, then the rest in descending powers of two', () => {
    const items = Array.from({ length: 937 }, (_, i) => i);
    expect(shapedChunks(items, 1000).map((c) => c.length)).toEqual([512, 256, 128, 32, 8, 1]);
    expect(
      shapedChunks(
        Array.from({ length: 1203 }, (_, i) => i),
        500,
      ).map((c) => c.length),
    ).toEqual([500, 500, 128, 64, 8, 2, 1]);
  });

  it('shaped: every item once, in order, each chunk within the size and of few lengths', () => {
    fc.assert(
      fc.property(
        fc.array(fc.integer(), { maxLength: 3000 }),
        fc.integer({ min: 1, max: 1000 }),
        (items, size) => {
          const parts = shapedChunks(items, size);
          expect(parts.flat()).toEqual(items);
          const allowed = new Set([size]);
          for (let p = 1; p <= size; p *= 2) allowed.add(p);
          for (const part of parts) {
            expect(part.length).toBeGreaterThan(0);
            expect(allowed.has(part.length)).toBe(true);
          }
        },
      ),
      { numRuns: 200 },
    );
  });

  it('IN lists on SQLite: the last chunk padded with its last item to a power of two', async () => {
    const db = await createTestDatabase('sqlite');
    try {
      const items = Array.from({ length: 1203 }, (_, i) => i);
      const parts = inListChunks(db.db, items, 500);
      expect(parts.map((p) => p.length)).toEqual([500, 500, 256]);
      expect(new Set(parts.flat())).toEqual(new Set(items));
      expect(parts[2]?.slice(203)).toEqual(Array(53).fill(1202));
      expect(inListChunks(db.db, [7], 500)).toEqual([[7]]);
      expect(inListChunks(db.db, [], 500)).toEqual([]);
    } finally {
      await db.drop();
    }
  });
});
