import type { AppContext } from '../context.ts';
import type { Run } from '../sync/run-record.ts';
import type { SyncService } from '../sync/service.ts';
import { startEmbeddedJobs, type EmbeddedJobs } from './embedded.ts';
import type { JobsHealth } from './health.ts';
import { countQueuedRuns } from './schedule-repo.ts';
import { startQueueJobs, type QueueJobs } from './queue.ts';

export interface StartJobsOptions {
  /** Called with every run this process finished (pass `metrics.observeRun`). */
  onRunFinished?: (run: Run) => void;
  /** PostgreSQL: also execute runs in this process (default true: serve shares the work). */
  work?: boolean;
}

/** The jobs of a `serve` (or demo) process, whichever the mode. */
export interface RunningJobs {
  mode: 'embedded' | 'queue';
  health(): Promise<JobsHealth>;
  stop(): Promise<void>;
}

/**
 * Starts the scheduler and the run executor that fit the database: in-process on SQLite,
 * pg-boss on PostgreSQL (where `worker` processes share the runs). Sets the sync service's
 * dispatcher, so "Initiate synchronisation" goes the same way as scheduled runs.
 */
export async function startJobs(
  ctx: AppContext,
  sync: SyncService,
  options: StartJobsOptions = {},
): Promise<RunningJobs> {
  const finished = options.onRunFinished ? { onRunFinished: options.onRunFinished } : {};
  if (ctx.config.database.kind === 'postgres') {
    const jobs: QueueJobs = await startQueueJobs(ctx, sync, {
      schedule: true,
      work: options.work ?? true,
      ...finished,
    });
    return { mode: 'queue', health: () => jobs.health(), stop: () => jobs.stop() };
  }
  const jobs: EmbeddedJobs = await startEmbeddedJobs(ctx, sync, finished);
  return {
    mode: 'embedded',
    async health() {
      return { mode: 'embedded', queueReachable: true, queuedRuns: await countQueuedRuns(ctx.db) };
    },
    stop: () => jobs.stop(),
  };
}
