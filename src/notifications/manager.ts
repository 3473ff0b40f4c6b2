/**
 * Keeps each near-real-time integration's Graph subscription alive and turns debounced
 * notification requests into runs (issue 16). Runs in every process that schedules (serve,
 * demo); several at once are safe: each action claims its row first, each due run request
 * is taken by one conditional UPDATE, and runs go through the same dispatcher as every
 * other run (in-process on SQLite, pg-boss on PostgreSQL). Never runs a sync inline.
 */
import type { Kysely } from 'kysely';
import type { Clock } from '../clock.ts';
import type { Database } from '../db/schema.ts';
import { AppError } from '../errors.ts';
import { createTickLoop } from '../jobs/tick-loop.ts';
import { isNotFound } from '../graph/subscriptions.ts';
import type { GraphClient } from '../graph/types.ts';
import { findIntegrationById, listNearRealTimeIntegrations } from '../integrations/repository.ts';
import type { SecretBox } from '../integrations/secret-box.ts';
import type { Logger } from '../log.ts';
import { getRunRow, RunInProgressError } from '../sync/runs-repo.ts';
import type { SyncService } from '../sync/service.ts';
import { newClientState } from './client-state.ts';
import {
  decideSubscription,
  RENEW_BEFORE_MS,
  retryDelayMs,
  SUBSCRIPTION_LIFETIME_MS,
  type SubscriptionAction,
  type SubscriptionRecord,
  type WantedSubscription,
} from './decide.ts';
import { hookUrls } from './hook-urls.ts';
import {
  claimDueRun,
  claimSubscription,
  deferRun,
  deleteSubscriptionRecord,
  findDueRuns,
  listSubscriptionRecords,
  updateSubscription,
} from './subscriptions-repo.ts';

export interface NotificationManagerDeps {
  db: Kysely<Database>;
  log: Logger;
  clock: Clock;
  secretBox: SecretBox;
  sync: Pick<SyncService, 'requestRun' | 'openGraphClient'>;
  /** The public base URL Graph can reach (https), or undefined: near-real-time unavailable. */
  baseUrl: () => URL | undefined;
  /** Metrics: one subscription action done (`create`, `renew`, `delete`) and how it went. */
  onAction?: (action: string, outcome: 'ok' | 'failed') => void;
  /** Metrics: a run requested because of notifications. */
  onRunRequested?: () => void;
}

export interface NotificationManagerOptions {
  /** How often due run requests are looked for (default 1 s). */
  tickMs?: number;
  /** How often subscriptions are checked (created, renewed, deleted; default 15 s). */
  maintainMs?: number;
  renewBeforeMs?: number;
  /** First retry delay after a failure (default 30 s, doubling up to an hour). */
  retryBaseMs?: number;
}

export interface NotificationManager {
  /** One maintenance pass over every subscription. */
  maintain(): Promise<void>;
  /** Requests the runs whose debounce ended; returns how many were requested. */
  fireDue(): Promise<number>;
  /** Asks for a maintenance pass on the next tick (a lifecycle event arrived). */
  wake(): void;
  start(): void;
  stop(): Promise<void>;
}

/** How long one process may work on a row before another may take it over. */
const LEASE_MS = 60_000;

export function createNotificationManager(
  deps: NotificationManagerDeps,
  options: NotificationManagerOptions = {},
): NotificationManager {
  const { db, log, clock } = deps;
  const tickMs = options.tickMs ?? 1000;
  const maintainMs = options.maintainMs ?? 15_000;
  const renewBeforeMs = options.renewBeforeMs ?? RENEW_BEFORE_MS;
  let lastMaintain = -Infinity;
  let woken = false;

  async function maintain(): Promise<void> {
    const base = deps.baseUrl();
    const wantedIntegrations = base ? await listNearRealTimeIntegrations(db) : [];
    const rows = new Map((await listSubscriptionRecords(db)).map((r) => [r.integrationId, r]));
    const urls = base ? hookUrls(base) : null;
    const seen = new Set<string>();
    for (const integration of wantedIntegrations) {
      seen.add(integration.id);
      const wanted: WantedSubscription | null = urls
        ? { ...urls, ownerKey: integration.ownerKey }
        : null;
      const row = rows.get(integration.id);
      const action = decideSubscription(row, wanted, clock.now().getTime(), renewBeforeMs);
      await act(integration.id, row, wanted, action);
    }
    for (const row of rows.values()) {
      if (seen.has(row.integrationId)) continue;
      await act(row.integrationId, row, null, decideSubscription(row, null, clock.now().getTime()));
    }
  }

  async function act(
    integrationId: string,
    row: SubscriptionRecord | undefined,
    wanted: WantedSubscription | null,
    action: SubscriptionAction,
  ): Promise<void> {
    if (action.kind === 'none') return;
    const now = clock.now();
    const lease = new Date(now.getTime() + LEASE_MS).toISOString();
    if (!(await claimSubscription(db, integrationId, row, now.toISOString(), lease))) return;
    try {
      if (action.kind === 'delete') {
        if (action.subscriptionId !== null) {
          try {
            const client = await deps.sync.openGraphClient(integrationId);
            await client.subscriptions.remove(action.subscriptionId);
          } catch (err) {
            // Best effort: Graph drops an unrenewed subscription within 29 days anyway, and
            // its notifications are refused once the row is gone.
            log.warn({ err, integrationId }, 'could not delete the Graph subscription');
          }
        }
        await deleteSubscriptionRecord(db, integrationId);
        deps.onAction?.('delete', 'ok');
        log.info({ integrationId }, 'near-real-time updates stopped');
        return;
      }
      const target = wanted as WantedSubscription;
      const client = await deps.sync.openGraphClient(integrationId);
      if (action.kind === 'renew') {
        try {
          const renewed = await client.subscriptions.renew(action.subscriptionId, expiry());
          await updateSubscription(db, integrationId, {
            ...cleared(),
            state: 'active',
            expires_at: renewed.expirationDateTime,
          });
          deps.onAction?.('renew', 'ok');
          log.info(
            { integrationId, expiresAt: renewed.expirationDateTime },
            'Graph subscription renewed',
          );
          return;
        } catch (err) {
          if (!isNotFound(err)) throw err;
          // Graph no longer knows it (expired or removed): make a new one.
          log.warn({ integrationId }, 'Graph subscription vanished: creating a new one');
        }
      }
      await create(client, integrationId, target, action.kind === 'create' ? action.replace : null);
    } catch (err) {
      const failures = (row?.failures ?? 0) + 1;
      const message = err instanceof AppError ? err.message : 'unexpected error (see the log)';
      if (!(err instanceof AppError))
        log.error({ err, integrationId }, 'subscription action failed');
      else log.warn({ integrationId, reason: message }, 'Graph subscription action failed');
      await updateSubscription(db, integrationId, {
        state: 'failing',
        failures,
        last_error: message,
        retry_at: new Date(
          clock.now().getTime() + retryDelayMs(failures, options.retryBaseMs),
        ).toISOString(),
        updated_at: clock.now().toISOString(),
      });
      deps.onAction?.(action.kind, 'failed');
    }
  }

  async function create(
    client: GraphClient,
    integrationId: string,
    wanted: WantedSubscription,
    replace: string | null,
  ): Promise<void> {
    if (replace !== null) await client.subscriptions.remove(replace).catch(() => undefined);
    const clientState = newClientState();
    const created = await client.subscriptions.create({
      notificationUrl: wanted.notificationUrl,
      lifecycleNotificationUrl: wanted.lifecycleNotificationUrl,
      clientState,
      expirationDateTime: expiry(),
    });
    await updateSubscription(db, integrationId, {
      ...cleared(),
      subscription_id: created.id,
      // Sealed like the client secret, bound to this integration (AES-GCM associated data).
      client_state_ciphertext: deps.secretBox.seal(clientState, integrationId),
      notification_url: wanted.notificationUrl,
      owner_key: wanted.ownerKey,
      state: 'active',
      expires_at: created.expirationDateTime,
    });
    deps.onAction?.('create', 'ok');
    log.info(
      { integrationId, expiresAt: created.expirationDateTime },
      'Graph subscription created',
    );
  }

  function expiry(): string {
    return new Date(clock.now().getTime() + SUBSCRIPTION_LIFETIME_MS).toISOString();
  }

  function cleared() {
    return {
      pending_action: null,
      retry_at: null,
      failures: 0,
      last_error: null,
      updated_at: clock.now().toISOString(),
    };
  }

  async function fireDue(): Promise<number> {
    let requested = 0;
    for (const due of await findDueRuns(db, clock.now().toISOString())) {
      if (!(await claimDueRun(db, due.integrationId, due.runDueAt))) continue;
      const integration = await findIntegrationById(db, due.integrationId);
      if (!integration?.enabled) continue;
      try {
        await deps.sync.requestRun(integration.orgId, integration.id, {
          full: false,
          dryRun: false,
          trigger: 'notification',
        });
        requested += 1;
        deps.onRunRequested?.();
      } catch (err) {
        if (!(err instanceof RunInProgressError)) {
          log.error(
            { err, integrationId: integration.id },
            'notification run could not be requested',
          );
          continue;
        }
        // A queued run has not read Graph yet: it will see these changes. A running one may
        // have read past them, so ask again once it has ended.
        const active = await getRunRow(db, err.runId);
        if (active?.status === 'running') {
          await deferRun(
            db,
            integration.id,
            new Date(clock.now().getTime() + tickMs).toISOString(),
          );
        }
      }
    }
    return requested;
  }

  async function tick(): Promise<void> {
    await fireDue();
    const now = Date.now();
    if (woken || now - lastMaintain >= maintainMs) {
      woken = false;
      lastMaintain = now;
      await maintain();
    }
  }

  const ticking = createTickLoop(tick, { tickMs, log, failure: 'near-real-time tick failed' });

  return {
    maintain,
    fireDue,
    wake() {
      woken = true;
    },
    start: ticking.start,
    stop: ticking.stop,
  };
}
