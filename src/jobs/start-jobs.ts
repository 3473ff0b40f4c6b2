import type { AppContext } from '../context.ts';
import type { Run } from '../sync/run-record.ts';
import type { SyncService } from '../sync/service.ts';
import { startEmbeddedJobs, type EmbeddedJobs } from './embedded.ts';
import type { JobsHealth } from './health.ts';
import { countQueuedRuns } from './schedule-repo.ts';
import { startQueueJobs, type QueueJobs } from './queue.ts';
import {
  createNotificationManager,
  type NotificationManager,
  type NotificationManagerDeps,
  type NotificationManagerOptions,
} from '../notifications/manager.ts';

export interface StartJobsOptions {
  /** Called with every run this process finished (pass `metrics.observeRun`). */
  onRunFinished?: (run: Run) => void;
  /** PostgreSQL: also execute runs in this process (default true: serve shares the work). */
  work?: boolean;
  /**
   * Near-real-time updates (issue 16): keep Graph subscriptions and turn notifications into
   * runs, beside the scheduler. Metrics hooks and loop timings; omitted → defaults.
   */
  nearRealTime?: Pick<NotificationManagerDeps, 'onAction' | 'onRunRequested'> &
    NotificationManagerOptions;
}

/** The jobs of a `serve` (or demo) process, whichever the mode. */
export interface RunningJobs {
  mode: 'embedded' | 'queue';
  /** Subscriptions and notification-triggered runs (wake it when a lifecycle event arrives). */
  notifications: NotificationManager;
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
  const { onAction, onRunRequested, ...timings } = options.nearRealTime ?? {};
  // Runs it requests go through the same dispatcher as every other run (set just below by
  // the embedded runner or pg-boss), so it works alike in both modes.
  const notifications = createNotificationManager(
    {
      db: ctx.db,
      log: ctx.log,
      clock: ctx.clock,
      secretBox: ctx.secretBox,
      sync,
      // Read each time: the demo and tests set it once the server listens.
      baseUrl: () => ctx.config.notificationBaseUrl,
      ...(onAction ? { onAction } : {}),
      ...(onRunRequested ? { onRunRequested } : {}),
    },
    timings,
  );
  if (ctx.config.database.kind === 'postgres') {
    const jobs: QueueJobs = await startQueueJobs(ctx, sync, {
      schedule: true,
      work: options.work ?? true,
      ...finished,
    });
    notifications.start();
    return {
      mode: 'queue',
      notifications,
      health: () => jobs.health(),
      async stop() {
        await notifications.stop();
        await jobs.stop();
      },
    };
  }
  const jobs: EmbeddedJobs = await startEmbeddedJobs(ctx, sync, finished);
  notifications.start();
  return {
    mode: 'embedded',
    notifications,
    async health() {
      return { mode: 'embedded', queueReachable: true, queuedRuns: await countQueuedRuns(ctx.db) };
    },
    async stop() {
      await notifications.stop();
      await jobs.stop();
    },
  };
}
