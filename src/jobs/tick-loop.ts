import type { Logger } from '../log.ts';

/** A loop that runs `tick` every `tickMs` until stopped. */
export interface TickLoop {
  /** Starts ticking at once; a second call while running does nothing. */
  start(): void;
  /** Stops ticking and waits for a tick in progress to end. */
  stop(): Promise<void>;
}

/**
 * Runs `tick`, then waits `tickMs` after it ends (so ticks never overlap), until stopped. A
 * failing tick is logged with `failure` and the loop goes on. The timer is unref'd: the loop
 * alone never keeps a process (or a test) alive. Shared by the scheduler and the
 * near-real-time manager.
 */
export function createTickLoop(
  tick: () => Promise<unknown>,
  options: { tickMs: number; log: Logger; failure: string },
): TickLoop {
  let timer: NodeJS.Timeout | undefined;
  let running: Promise<unknown> | undefined;
  let stopped = true;

  function loop(): void {
    if (stopped) return;
    running = tick()
      .catch((err: unknown) => options.log.error({ err }, options.failure))
      .finally(() => {
        running = undefined;
        if (!stopped) timer = setTimeout(loop, options.tickMs).unref();
      });
  }

  return {
    start() {
      if (!stopped) return;
      stopped = false;
      loop();
    },
    async stop() {
      stopped = true;
      if (timer) clearTimeout(timer);
      await running;
    },
  };
}
