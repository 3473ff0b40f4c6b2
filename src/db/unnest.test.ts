import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { createTestDatabase, type TestDatabase } from '../../test/helpers/databases.ts';
import { unnestRows } from './unnest.ts';

// Only PostgreSQL takes column arrays (SQLite's bulk writes are multi-row inserts).
const TRICKY = [
  'NULL',
  'null',
  '',
  ' ',
  '{a,b}',
  '"quoted"',
  'back\\slash',
  'a,b',
  "it's",
  'ünï 😀',
  '{"json":[1]}',
];

describe('bulk rows as column arrays [postgres]', () => {
  let t: TestDatabase;
  beforeAll(async () => {
    t = await createTestDatabase('postgres');
  });
  afterAll(async () => {
    await t.drop();
  });

  it('round-trips every text, null and number unchanged, in order', async () => {
    const rows = TRICKY.flatMap((text, i) => [
      { k: i * 2, text, maybe: i % 3 === 0 ? null : text },
      { k: i * 2 + 1, text: text.repeat(3), maybe: null },
    ]);
    const back = await unnestRows(rows, { k: 'int', text: 'text', maybe: 'text' }).execute(t.db);
    expect(back.rows).toEqual(rows);
  });
});
