import type { Command } from 'commander';
import { openContext } from '../bootstrap.ts';
import { ConfigError, loadConfig } from '../config.ts';
import { startQueueJobs } from '../jobs/queue.ts';
import { syncServiceFor } from '../sync/from-context.ts';

export interface WorkerOptions {
  concurrency?: string;
}

/**
 * `azure-user-sync worker`: takes sync runs (and the daily housekeeping) from the PostgreSQL
 * job queue; no HTTP. Start as many as needed next to `serve`. On SIGTERM/SIGINT it stops
 * taking jobs, lets the runs in progress finish (30 s at most: each page is committed on its
 * own, so an interrupted run is resumed by another worker without loss), then exits.
 */
export function registerWorker(program: Command): void {
  program
    .command('worker')
    .description('(PostgreSQL) execute sync jobs from the queue; start several for scale-out')
    .option('--concurrency <n>', 'runs at the same time (default: WORKER_CONCURRENCY or 2)')
    .action(async (opts: WorkerOptions) => {
      const config = loadConfig();
      if (config.database.kind !== 'postgres') {
        throw new ConfigError(
          'worker needs PostgreSQL: set DATABASE_URL=postgres://… (with SQLite, `serve` runs the jobs itself)',
        );
      }
      const concurrency = opts.concurrency === undefined ? undefined : Number(opts.concurrency);
      if (concurrency !== undefined && (!Number.isInteger(concurrency) || concurrency < 1)) {
        throw new ConfigError('--concurrency must be a whole number of at least 1');
      }
      const ctx = await openContext(config);
      const sync = syncServiceFor(ctx);
      const jobs = await startQueueJobs(ctx, sync, {
        schedule: false,
        work: true,
        ...(concurrency !== undefined ? { concurrency } : {}),
      });
      ctx.log.info(
        { concurrency: concurrency ?? config.workerConcurrency },
        'worker started: waiting for sync jobs',
      );
      await new Promise<void>((resolve) => {
        let stopping = false;
        const shutdown = (signal: NodeJS.Signals) => {
          if (stopping) return;
          stopping = true;
          ctx.log.info({ signal }, 'worker stopping: finishing the runs in progress');
          jobs
            .stop()
            .catch((err: unknown) => {
              ctx.log.error({ err }, 'worker shutdown failed');
              process.exitCode = 1;
            })
            .finally(() => void ctx.database.close().finally(resolve));
        };
        process.once('SIGTERM', shutdown);
        process.once('SIGINT', shutdown);
      });
    });
}
