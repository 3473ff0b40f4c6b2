import PgBoss from 'pg-boss';
import { z } from 'zod';
import type { AppContext } from '../context.ts';
import type { Run } from '../sync/run-record.ts';
import type { RunDispatcher, SyncService } from '../sync/service.ts';
import type { JobsHealth } from './health.ts';
import { runHousekeeping } from './housekeeping.ts';
import { observedExecute } from './observed-execute.ts';
import { countQueuedRuns } from './schedule-repo.ts';
import { createScheduler, type Scheduler } from './scheduler.ts';

/** pg-boss keeps its tables in this schema of the service's database. */
export const QUEUE_SCHEMA = 'pgboss';
/** One job per run to execute: `{runId}`, keyed by integration. */
export const RUN_QUEUE = 'azure-user-sync-run';
/** The daily purge and run-history clean-up. */
export const HOUSEKEEPING_QUEUE = 'azure-user-sync-housekeeping';
/** Every day at 03:17 UTC (off the hour, when other cron jobs crowd). */
export const HOUSEKEEPING_CRON = '17 3 * * *';

/**
 * A run job whose worker is gone is failed by pg-boss after this long and retried. Runs of
 * big directories take a while, so this is long; a dead worker's run is normally picked up
 * much sooner by the scheduler's stale-heartbeat recovery. A second delivery of a run that
 * is still alive elsewhere is harmless: the engine refuses to take over a fresh heartbeat.
 */
const RUN_JOB_EXPIRE_SECONDS = 3 * 3600;

const runJobSchema = z.object({ runId: z.uuid() });

export interface QueueJobsOptions {
  /** Runs this process executes at the same time (default WORKER_CONCURRENCY). */
  concurrency?: number;
  /** Tick the scheduler here (serve); workers leave it to serve. */
  schedule: boolean;
  /** Take run and housekeeping jobs from the queue. */
  work: boolean;
  /** Scheduler tick (default 15 s). */
  tickMs?: number;
  /** How often an idle worker polls for jobs (default 2 s). */
  pollingIntervalSeconds?: number;
  /** How long `stop()` waits for runs in progress (default 30 s). */
  shutdownTimeoutMs?: number;
  onRunFinished?: (run: Run) => void;
}

/** The jobs of a PostgreSQL process (serve or worker). */
export interface QueueJobs {
  mode: 'queue';
  boss: PgBoss;
  scheduler: Scheduler | null;
  health(): Promise<JobsHealth>;
  /** Stops taking jobs, lets runs in progress finish (up to the timeout), closes the queue. */
  stop(): Promise<void>;
}

/**
 * Production mode: runs go through pg-boss in the same PostgreSQL database, so any number of
 * `serve` and `worker` processes share them. The database (one active run per integration,
 * conditional claims) keeps runs single; pg-boss delivers, retries and schedules the daily
 * housekeeping across instances.
 */
export async function startQueueJobs(
  ctx: AppContext,
  sync: SyncService,
  options: QueueJobsOptions,
): Promise<QueueJobs> {
  const { config, log } = ctx;
  if (config.database.kind !== 'postgres') {
    throw new Error('The job queue needs PostgreSQL (DATABASE_URL=postgres://…)');
  }
  const boss = new PgBoss({
    connectionString: config.database.url,
    schema: QUEUE_SCHEMA,
    application_name: 'azure-user-sync',
    max: 4,
    // Cron processing only where the scheduler runs; workers just work.
    schedule: options.schedule,
    supervise: true,
  });
  boss.on('error', (err) => log.error({ err }, 'job queue error'));
  await boss.start();
  await boss.createQueue(RUN_QUEUE, {
    name: RUN_QUEUE,
    // `short`: at most one waiting job per key (the integration): a re-dispatch while a
    // job is waiting is dropped; one may wait while another is active (a takeover).
    policy: 'short',
    retryLimit: 5,
    retryDelay: 10,
    retryBackoff: true,
    expireInSeconds: RUN_JOB_EXPIRE_SECONDS,
  });
  await boss.createQueue(HOUSEKEEPING_QUEUE, {
    name: HOUSEKEEPING_QUEUE,
    policy: 'short',
    retryLimit: 3,
    retryDelay: 60,
    expireInSeconds: 3600,
  });

  const dispatcher: RunDispatcher = {
    async dispatch({ runId, integrationId }) {
      await boss.send(RUN_QUEUE, { runId }, { singletonKey: integrationId });
    },
  };
  sync.setDispatcher(dispatcher);

  if (options.work) {
    const execute = observedExecute(sync, ctx.clock, options.onRunFinished);
    const pollingIntervalSeconds = options.pollingIntervalSeconds ?? 2;
    // pg-boss 10 runs one job at a time per `work` call: concurrency = that many workers.
    const concurrency = options.concurrency ?? config.workerConcurrency;
    for (let i = 0; i < concurrency; i++) {
      await boss.work<unknown>(
        RUN_QUEUE,
        { batchSize: 1, pollingIntervalSeconds },
        async (jobs) => {
          for (const job of jobs) {
            const parsed = runJobSchema.safeParse(job.data);
            if (!parsed.success) {
              log.warn({ jobId: job.id }, 'ignoring a run job without a run id');
              continue;
            }
            await execute.execute(parsed.data.runId);
          }
        },
      );
    }
    await boss.work(HOUSEKEEPING_QUEUE, { pollingIntervalSeconds: 60 }, async () => {
      const result = await runHousekeeping(ctx.db, ctx.clock.now(), {
        auditRetentionDays: ctx.config.auditRetentionDays,
      });
      log.info(result, 'daily housekeeping done');
    });
  }

  let scheduler: Scheduler | null = null;
  if (options.schedule) {
    await boss.schedule(HOUSEKEEPING_QUEUE, HOUSEKEEPING_CRON, {}, { tz: 'UTC' });
    scheduler = createScheduler(
      {
        db: ctx.db,
        log,
        clock: ctx.clock,
        sync,
        dispatcher,
        staleAfterMs: config.runStaleSeconds * 1000,
      },
      { housekeeping: false, recover: true, ...(options.tickMs ? { tickMs: options.tickMs } : {}) },
    );
    scheduler.start();
  }

  return {
    mode: 'queue',
    boss,
    scheduler,
    async health() {
      try {
        await boss.getQueueSize(RUN_QUEUE);
        return { mode: 'queue', queueReachable: true, queuedRuns: await countQueuedRuns(ctx.db) };
      } catch {
        return { mode: 'queue', queueReachable: false, queuedRuns: null };
      }
    },
    async stop() {
      await scheduler?.stop();
      // Graceful: no new jobs; runs in progress get the timeout to end (each page commits on
      // its own, so an interrupted run loses nothing and is resumed by another worker).
      await boss.stop({
        graceful: true,
        wait: true,
        close: true,
        timeout: options.shutdownTimeoutMs ?? 30_000,
      });
    },
  };
}
