import type { Clock } from '../clock.ts';
import type { Run } from '../sync/run-record.ts';
import type { SyncService } from '../sync/service.ts';

/**
 * `sync.execute` that reports each run this process finished (for metrics). A run that was
 * already finished, or still held by a live worker elsewhere, comes back from `execute`
 * untouched: it is not reported, so a double delivery is not counted twice.
 */
export function observedExecute(
  sync: Pick<SyncService, 'execute'>,
  clock: Clock,
  onFinished: ((run: Run) => void) | undefined,
): Pick<SyncService, 'execute'> {
  if (!onFinished) return sync;
  return {
    async execute(runId) {
      const began = clock.now().toISOString();
      const run = await sync.execute(runId);
      if (run?.finishedAt && run.finishedAt >= began) onFinished(run);
      return run;
    },
  };
}
