import type { AppContext } from '../context.ts';
import type { Run } from '../sync/run-record.ts';
import type { SyncService } from '../sync/service.ts';
import { createLocalRunner, type LocalRunner } from './local-runner.ts';
import { observedExecute } from './observed-execute.ts';
import { createScheduler, type Scheduler } from './scheduler.ts';

export interface EmbeddedJobsOptions {
  /** Runs executed at the same time (default: WORKER_CONCURRENCY). */
  concurrency?: number;
  /** Scheduler tick (default 15 s). */
  tickMs?: number;
  /** Do not start the timer: tests call `scheduler.tick()` themselves. */
  manualTicks?: boolean;
  /** Called with every run this process finished (metrics). */
  onRunFinished?: (run: Run) => void;
}

/** The jobs of a single process: in-process runner plus scheduler. */
export interface EmbeddedJobs {
  mode: 'embedded';
  scheduler: Scheduler;
  runner: LocalRunner;
  stop(): Promise<void>;
}

/**
 * Embedded mode (SQLite, one process): runs execute in this process, the scheduler ticks
 * in-process and also does the daily housekeeping. Restart-safe: the next run times live in
 * the database, and runs left queued or running by a previous process are resumed at start.
 */
export async function startEmbeddedJobs(
  ctx: AppContext,
  sync: SyncService,
  options: EmbeddedJobsOptions = {},
): Promise<EmbeddedJobs> {
  const runner = createLocalRunner(
    ctx.db,
    observedExecute(sync, ctx.clock, options.onRunFinished),
    ctx.log,
    options.concurrency ?? ctx.config.workerConcurrency,
  );
  sync.setDispatcher(runner);
  const resumed = await runner.recover();
  if (resumed) ctx.log.info({ resumed }, 'resumed runs left by a previous process');
  const scheduler = createScheduler(
    {
      db: ctx.db,
      log: ctx.log,
      clock: ctx.clock,
      sync,
      dispatcher: runner,
      staleAfterMs: ctx.config.runStaleSeconds * 1000,
    },
    {
      housekeeping: true,
      recover: true,
      auditRetentionDays: ctx.config.auditRetentionDays,
      ...(options.tickMs ? { tickMs: options.tickMs } : {}),
    },
  );
  if (!options.manualTicks) scheduler.start();
  return {
    mode: 'embedded',
    scheduler,
    runner,
    async stop() {
      await scheduler.stop();
      await runner.stop();
    },
  };
}
