import { collectDefaultMetrics, Counter, Gauge, Histogram, Registry } from 'prom-client';
import type { GraphEvent } from '../graph/types.ts';
import type { Run } from '../sync/run-record.ts';

const PREFIX = 'azure_user_sync_';

/** Changes counted in `users_changed_total`, by kind (the run counts that change a user). */
const CHANGE_KINDS = ['created', 'updated', 'linked', 'deactivated', 'reactivated'] as const;

export interface MetricsOptions {
  /** Source of the queue depth gauge (runs waiting for a worker), read on every scrape. */
  queuedRuns?: () => Promise<number>;
  /** Also export Node.js process metrics (default true). */
  processMetrics?: boolean;
  /** Graph subscriptions by state (issue 16), read from the database on every scrape. */
  subscriptionStates?: () => Promise<Record<string, number>>;
}

/** The process's Prometheus metrics and the hooks that feed them. */
export interface Metrics {
  registry: Registry;
  /** Pass as `syncServiceFor(ctx, { onGraphEvent })`: counts Graph requests, retries, throttles. */
  onGraphEvent(e: GraphEvent): void;
  /** Records a run this process finished: status, duration and users changed. */
  observeRun(run: Run): void;
  /** A POST from Graph to the hooks: what kind, and whether its entries were accepted. */
  onNotification(kind: 'change' | 'lifecycle', outcome: 'accepted' | 'refused', n?: number): void;
  /** A lifecycle event acted on (`missed`, `subscriptionRemoved`, `reauthorizationRequired`). */
  onLifecycleEvent(event: string): void;
  /** A subscription action (`create`, `renew`, `delete`) and how it went. */
  onSubscriptionAction(action: string, outcome: 'ok' | 'failed'): void;
}

/**
 * Creates a registry with the service's metrics. Counters are per process (Prometheus sums
 * them across instances); the queue depth is read from the database, so every instance
 * reports the same shared value.
 */
export function createMetrics(options: MetricsOptions = {}): Metrics {
  const registry = new Registry();
  if (options.processMetrics ?? true) collectDefaultMetrics({ register: registry, prefix: PREFIX });
  const runs = new Counter({
    name: `${PREFIX}runs_total`,
    help: 'Sync runs finished by this process, by final status, mode and trigger',
    labelNames: ['status', 'mode', 'trigger'] as const,
    registers: [registry],
  });
  const duration = new Histogram({
    name: `${PREFIX}run_duration_seconds`,
    help: 'Wall time of finished sync runs, from start to end',
    labelNames: ['status', 'mode'] as const,
    buckets: [1, 5, 15, 60, 300, 900, 1800, 3600, 10_800],
    registers: [registry],
  });
  const usersChanged = new Counter({
    name: `${PREFIX}users_changed_total`,
    help: 'Platform users changed by sync runs (previews excluded), by kind',
    labelNames: ['kind'] as const,
    registers: [registry],
  });
  const graphRequests = new Counter({
    name: `${PREFIX}graph_requests_total`,
    help: 'HTTP exchanges with the token endpoint and Microsoft Graph, by target and status',
    labelNames: ['target', 'status'] as const,
    registers: [registry],
  });
  const graphRetries = new Counter({
    name: `${PREFIX}graph_retries_total`,
    help: 'Requests to the token endpoint or Graph that were retried (throttled ones included)',
    labelNames: ['target'] as const,
    registers: [registry],
  });
  const graphThrottles = new Counter({
    name: `${PREFIX}graph_throttles_total`,
    help: 'Requests answered with 429 or a Retry-After: the client waited as asked',
    labelNames: ['target'] as const,
    registers: [registry],
  });
  const notifications = new Counter({
    name: `${PREFIX}graph_notifications_total`,
    help: 'Entries of Graph change and lifecycle notifications received, by kind and outcome (refused: unknown subscription or wrong clientState)',
    labelNames: ['kind', 'outcome'] as const,
    registers: [registry],
  });
  const lifecycleEvents = new Counter({
    name: `${PREFIX}graph_lifecycle_events_total`,
    help: 'Graph lifecycle events acted on, by event',
    labelNames: ['event'] as const,
    registers: [registry],
  });
  const subscriptionActions = new Counter({
    name: `${PREFIX}graph_subscription_actions_total`,
    help: 'Graph subscription creations, renewals and deletions, by outcome',
    labelNames: ['action', 'outcome'] as const,
    registers: [registry],
  });
  const states = options.subscriptionStates;
  new Gauge({
    name: `${PREFIX}graph_subscriptions`,
    help: 'Near-real-time Graph subscriptions by state: pending, active, failing (all processes)',
    labelNames: ['state'] as const,
    registers: [registry],
    async collect() {
      if (!states) return;
      const counts = await states();
      for (const state of ['pending', 'active', 'failing']) this.set({ state }, counts[state] ?? 0);
    },
  });
  const queued = options.queuedRuns;
  new Gauge({
    name: `${PREFIX}queued_runs`,
    help: 'Sync runs queued and waiting for a worker (all processes)',
    registers: [registry],
    async collect() {
      if (queued) this.set(await queued());
    },
  });

  return {
    registry,
    onGraphEvent(e) {
      if (e.type === 'request') {
        graphRequests.inc({ target: e.target, status: String(e.status ?? 'network-error') });
        return;
      }
      graphRetries.inc({ target: e.target });
      if (e.type === 'throttled') graphThrottles.inc({ target: e.target });
    },
    onNotification(kind, outcome, n = 1) {
      if (n > 0) notifications.inc({ kind, outcome }, n);
    },
    onLifecycleEvent(event) {
      lifecycleEvents.inc({ event });
    },
    onSubscriptionAction(action, outcome) {
      subscriptionActions.inc({ action, outcome });
    },
    observeRun(run) {
      if (run.status !== 'succeeded' && run.status !== 'failed' && run.status !== 'held') return;
      runs.inc({ status: run.status, mode: run.mode, trigger: run.trigger });
      if (run.startedAt && run.finishedAt) {
        const seconds = (Date.parse(run.finishedAt) - Date.parse(run.startedAt)) / 1000;
        if (seconds >= 0) duration.observe({ status: run.status, mode: run.mode }, seconds);
      }
      if (run.dryRun) return;
      for (const kind of CHANGE_KINDS) {
        if (run.counts[kind] > 0) usersChanged.inc({ kind }, run.counts[kind]);
      }
    },
  };
}
