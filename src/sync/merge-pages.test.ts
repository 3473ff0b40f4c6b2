import { describe, expect, it } from 'vitest';
import { mergeBounded } from './merge-pages.ts';

/** A source of `n` items that records how many of its items were produced but not consumed. */
function counted(name: string, n: number, state: { open: number; maxOpen: number }) {
  return async function* (): AsyncGenerator<string> {
    state.open++;
    state.maxOpen = Math.max(state.maxOpen, state.open);
    try {
      for (let i = 0; i < n; i++) {
        await new Promise((r) => setTimeout(r, (i * 7 + name.charCodeAt(0)) % 5));
        yield `${name}${i}`;
      }
    } finally {
      state.open--;
    }
  };
}

describe('mergeBounded', () => {
  it('yields every item of every source once, with at most `concurrency` sources open', async () => {
    const state = { open: 0, maxOpen: 0 };
    const sources = ['a', 'b', 'c', 'd', 'e', 'f', 'g'].map((s, i) => counted(s, i * 3, state));
    const seen: string[] = [];
    for await (const item of mergeBounded(sources, 3)) seen.push(item);
    const expected = ['a', 'b', 'c', 'd', 'e', 'f', 'g'].flatMap((s, i) =>
      Array.from({ length: i * 3 }, (_, k) => `${s}${k}`),
    );
    expect([...seen].sort()).toEqual([...expected].sort());
    expect(state.maxOpen).toBe(3);
    expect(state.open).toBe(0);
  });

  it('asks each source for its next item only after the consumer took the previous one', async () => {
    let produced = 0;
    let consumed = 0;
    let maxAhead = 0;
    const source = (n: number) =>
      async function* (): AsyncGenerator<number> {
        for (let i = 0; i < n; i++) {
          produced++;
          maxAhead = Math.max(maxAhead, produced - consumed);
          yield i;
        }
      };
    for await (const _ of mergeBounded([source(50), source(50), source(50)], 2)) {
      await new Promise((r) => setTimeout(r, 1));
      consumed++;
    }
    expect(consumed).toBe(150);
    // The item being consumed plus at most one waiting per open source.
    expect(maxAhead).toBeLessThanOrEqual(2);
  });

  it('ends with the first failure and closes the other open sources', async () => {
    const state = { open: 0, maxOpen: 0 };
    async function* failing(): AsyncGenerator<string> {
      yield 'x0';
      await new Promise((r) => setTimeout(r, 5));
      throw new Error('partition failed');
    }
    const seen: string[] = [];
    const run = (async () => {
      for await (const item of mergeBounded([counted('a', 1000, state), failing], 2)) {
        seen.push(item);
      }
    })();
    await expect(run).rejects.toThrow('partition failed');
    await new Promise((r) => setTimeout(r, 20));
    expect(state.open).toBe(0);
    expect(seen).toContain('x0');
  });
});
