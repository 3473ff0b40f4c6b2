/**
 * A cap on concurrent password hashing. scrypt (32 MiB, ~50–100 ms) runs on libuv's small
 * thread pool, which DNS lookups and file access share: an unbounded queue of sign-in
 * attempts would stall real sign-ins and the sync's Graph calls alike. Beyond `running`
 * hashes plus `waiting` queued ones, an attempt is refused at once (the caller answers 429).
 */
export interface HashSlots {
  /** Runs `work` in a slot, or returns `undefined` without running it when all are taken. */
  run<T>(work: () => Promise<T>): Promise<{ value: T } | undefined>;
}

export function createHashSlots(running: number, waiting: number): HashSlots {
  let active = 0;
  const queue: Array<() => void> = [];
  const release = (): void => {
    const next = queue.shift();
    if (next) next();
    else active--;
  };
  return {
    async run(work) {
      if (active < running) active++;
      else if (queue.length < waiting) await new Promise<void>((resolve) => queue.push(resolve));
      else return undefined;
      try {
        return { value: await work() };
      } finally {
        release();
      }
    },
  };
}
