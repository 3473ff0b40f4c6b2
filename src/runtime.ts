import type { AppContext } from './context.ts';
import { registerRunRoutes } from './http/routes/runs.ts';
import { startServer, type RunningServer } from './http/server.ts';
import { countQueuedRuns } from './jobs/schedule-repo.ts';
import { startJobs } from './jobs/start-jobs.ts';
import { registerGraphHooks } from './http/routes/graph-hooks.ts';
import type { NotificationManagerOptions } from './notifications/manager.ts';
import { countSubscriptionsByState } from './notifications/subscriptions-repo.ts';
import { createMetrics } from './metrics/metrics.ts';
import { registerMetricsRoute } from './metrics/route.ts';
import { syncServiceFor, type SyncServiceExtras } from './sync/from-context.ts';
import { syncDirectoryHooks } from './sync/link-on-create.ts';
import type { SyncService } from './sync/service.ts';

/** A running `serve` (or demo) process: HTTP, the sync engine, its scheduler and jobs. */
export interface RunningService {
  server: RunningServer;
  sync: SyncService;
  stop(): Promise<void>;
}

export interface ServiceOptions extends Omit<SyncServiceExtras, 'onGraphEvent'> {
  host?: string;
  port?: number;
  /** Loop timings of near-real-time updates (tests shorten them). */
  nearRealTime?: NotificationManagerOptions;
}

/**
 * Assembles the service: the sync engine (with metrics and the directory hook that links new
 * platform users to known Entra users), the scheduler and run dispatcher (in-process on
 * SQLite, pg-boss on PostgreSQL), and the HTTP server with the run routes, `/metrics` and a
 * `/healthz` that checks the queue. `serve` and `demo` both start through here.
 */
export async function startService(
  ctx: AppContext,
  options: ServiceOptions = {},
): Promise<RunningService> {
  const metrics = createMetrics({
    queuedRuns: () => countQueuedRuns(ctx.db),
    subscriptionStates: () => countSubscriptionsByState(ctx.db),
  });
  const { nearRealTime, ...extras } = options;
  const sync = syncServiceFor(ctx, { ...extras, onGraphEvent: metrics.onGraphEvent });
  const jobs = await startJobs(ctx, sync, {
    onRunFinished: metrics.observeRun,
    nearRealTime: { ...nearRealTime, onAction: metrics.onSubscriptionAction },
  });
  let server: RunningServer;
  try {
    server = await startServer(ctx, {
      hooks: syncDirectoryHooks(ctx.clock, sync),
      extraRoutes: [(api, c) => registerRunRoutes(api, c, sync)],
      rootRoutes: [
        (app) => registerMetricsRoute(app, metrics, ctx.config.metricsToken),
        (app) =>
          registerGraphHooks(app, {
            db: ctx.db,
            secretBox: ctx.secretBox,
            clock: ctx.clock,
            log: ctx.log,
            debounceMs: ctx.config.notificationDebounceMs,
            wake: () => jobs.notifications.wake(),
            onReceived: (kind, result) => {
              metrics.onNotification(kind, 'accepted', result.accepted);
              metrics.onNotification(kind, 'refused', result.refused);
              for (const event of result.events) metrics.onLifecycleEvent(event);
            },
          }),
      ],
      jobsHealth: () => jobs.health(),
      ...(options.host !== undefined ? { host: options.host } : {}),
      ...(options.port !== undefined ? { port: options.port } : {}),
    });
  } catch (err) {
    await jobs.stop();
    throw err;
  }
  return {
    server,
    sync,
    async stop() {
      await server.close();
      await jobs.stop();
    },
  };
}
