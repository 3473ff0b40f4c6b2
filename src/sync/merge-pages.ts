/**
 * Reads several page streams at once and hands their pages to one consumer, in the order
 * they arrive.
 *
 * - At most `concurrency` sources are open at a time; the next one opens when one ends.
 * - Each open source has at most one page waiting here: its next page is asked for only
 *   once the consumer has taken the previous one. So the pages held are bounded by
 *   `concurrency` (plus whatever read-ahead a source does itself), whatever the sizes.
 * - The consumer sees one page at a time: a SQLite connection never gets two pages'
 *   transactions interleaved, the writes stay in the engine's one loop.
 * - The first failure of any source ends the merge with that error; the other open sources
 *   are closed (their generators' `finally` cancels their read-ahead).
 */
export async function* mergeBounded<T>(
  sources: readonly (() => AsyncIterable<T>)[],
  concurrency: number,
): AsyncGenerator<T, void, undefined> {
  interface Open {
    it: AsyncIterator<T>;
    pending: Promise<Step>;
  }
  interface Step {
    id: number;
    result: IteratorResult<T>;
  }
  const width = Math.max(1, Math.floor(concurrency));
  const open = new Map<number, Open>();
  let opened = 0;
  const pull = (id: number, it: AsyncIterator<T>): Promise<Step> => {
    const pending = it.next().then((result) => ({ id, result }));
    // Awaited through Promise.race below; this only keeps Node from reporting a failure
    // that arrives while the consumer holds a page.
    pending.catch(() => undefined);
    return pending;
  };
  const fill = (): void => {
    while (open.size < width && opened < sources.length) {
      const id = opened++;
      const it = (sources[id] as () => AsyncIterable<T>)()[Symbol.asyncIterator]();
      open.set(id, { it, pending: pull(id, it) });
    }
  };
  try {
    fill();
    while (open.size > 0) {
      const step = await Promise.race([...open.values()].map((o) => o.pending));
      const source = open.get(step.id) as Open;
      if (step.result.done === true) {
        open.delete(step.id);
        fill();
        continue;
      }
      yield step.result.value;
      source.pending = pull(step.id, source.it);
    }
  } finally {
    for (const { it } of open.values()) {
      // Not awaited: a source busy with a request finishes it first; its own cleanup
      // (aborting its read-ahead) must not hold up the failure or the early stop.
      void Promise.resolve(it.return?.()).catch(() => undefined);
    }
  }
}
