import type { Logger } from '../log.ts';

/** Resolves after SIGTERM or SIGINT once `shutdown` has run (once, however many signals). */
export function untilSignal(log: Logger, shutdown: () => Promise<void>): Promise<void> {
  return new Promise<void>((resolve) => {
    let stopping = false;
    for (const signal of ['SIGTERM', 'SIGINT'] as const) {
      process.on(signal, () => {
        if (stopping) return;
        stopping = true;
        log.info({ signal }, 'shutting down');
        shutdown().then(resolve, (err: unknown) => {
          log.error({ err }, 'shutdown failed');
          process.exitCode = 1;
          resolve();
        });
      });
    }
  });
}
