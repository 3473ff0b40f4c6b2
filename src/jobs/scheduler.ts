import type { Kysely } from 'kysely';
import type { Clock } from '../clock.ts';
import type { Database } from '../db/schema.ts';
import { NotFoundError } from '../errors.ts';
import type { Logger } from '../log.ts';
import { RunInProgressError } from '../sync/runs-repo.ts';
import type { RunDispatcher, SyncService } from '../sync/service.ts';
import { createTickLoop } from './tick-loop.ts';
import { runHousekeeping, type HousekeepingResult } from './housekeeping.ts';
import { firstRunAt, nextRunAfterDue, nextRunAfterFailureChange } from './schedule.ts';
import {
  claimNextRun,
  findDueIntegrations,
  findOutdatedSchedules,
  findRunsToRecover,
  lastRunSucceeded,
  rescheduleFor,
  type DueIntegration,
} from './schedule-repo.ts';

const DAY_MS = 86_400_000;

export interface SchedulerDeps {
  db: Kysely<Database>;
  log: Logger;
  clock: Clock;
  sync: Pick<SyncService, 'requestRun'>;
  /** Where recovered runs go again (the same dispatcher the sync service uses). */
  dispatcher: RunDispatcher;
  /** A running run without a heartbeat for this long belongs to a dead worker: recovered. */
  staleAfterMs: number;
  /**
   * A run still queued after this long lost its dispatch (default twice `staleAfterMs`):
   * e.g. a worker took its job and died before starting it, or the process that queued it
   * stopped. Re-dispatching a run that is merely waiting is harmless: the queue drops a
   * second waiting job of the same integration, and the engine ignores finished runs.
   */
  queuedStaleAfterMs?: number;
}

export interface SchedulerOptions {
  /** Time between ticks (default 15 s). */
  tickMs?: number;
  /** Most integrations handled per tick; the rest follow on the next tick (default 500). */
  batchSize?: number;
  /** Run the daily purge and run-history clean-up in this loop (embedded mode). */
  housekeeping?: boolean;
  /** Re-dispatch runs left queued or abandoned by a dead worker (default true). */
  recover?: boolean;
  /** Days the housekeeping keeps audit entries (default 365). */
  auditRetentionDays?: number;
}

/** What one tick did (tests and logs read it). */
export interface TickReport {
  /** Integrations whose scheduled run was requested. */
  requested: string[];
  /** Integrations seen for the first time and planned within a minute. */
  planned: string[];
  /** Due integrations skipped because a run was already active. */
  busy: string[];
  /** Integrations rescheduled because their credential failure count changed. */
  rescheduled: string[];
  /** Runs handed to the dispatcher again. */
  recovered: string[];
  housekeeping: HousekeepingResult | null;
}

export interface Scheduler {
  /** One pass: reschedule, request due runs, recover abandoned runs, housekeeping. */
  tick(): Promise<TickReport>;
  /** Ticks every `tickMs` until stopped (ticks never overlap). */
  start(): void;
  /** Stops the loop and waits for a tick in progress. */
  stop(): Promise<void>;
}

/**
 * The scheduler loop. Safe to run in several processes at once: every decision is stored
 * with a conditional UPDATE, and the database allows one active run per integration.
 */
export function createScheduler(deps: SchedulerDeps, options: SchedulerOptions = {}): Scheduler {
  const { db, log, clock } = deps;
  const tickMs = options.tickMs ?? 15_000;
  const batch = options.batchSize ?? 500;
  let lastHousekeeping: number | undefined;

  async function reschedule(report: TickReport): Promise<void> {
    const now = clock.now();
    for (const row of await findOutdatedSchedules(db, batch)) {
      const succeeded = row.credentialFailures === 0 ? await lastRunSucceeded(db, row.id) : false;
      const next = nextRunAfterFailureChange(
        {
          integrationId: row.id,
          intervalMinutes: row.intervalMinutes,
          credentialFailures: row.credentialFailures,
        },
        now,
        succeeded,
      );
      if (await rescheduleFor(db, row, next.toISOString())) {
        report.rescheduled.push(row.id);
        log.info(
          { integrationId: row.id, credentialFailures: row.credentialFailures, nextRunAt: next },
          row.credentialFailures > 0
            ? 'integration failing on credentials: backing off'
            : 'integration no longer failing on credentials: schedule resumed',
        );
      }
    }
  }

  async function runDue(due: DueIntegration, report: TickReport): Promise<void> {
    const now = clock.now();
    const input = {
      integrationId: due.id,
      intervalMinutes: due.intervalMinutes,
      credentialFailures: due.credentialFailures,
    };
    if (due.nextRunAt === null) {
      // Never planned: run within a minute, at a jittered second, on a later tick.
      const first = firstRunAt(due.id, now).toISOString();
      if (await claimNextRun(db, due.id, null, first, due.credentialFailures)) {
        report.planned.push(due.id);
      }
      return;
    }
    const next = nextRunAfterDue(input, new Date(due.nextRunAt), now).toISOString();
    if (!(await claimNextRun(db, due.id, due.nextRunAt, next, due.credentialFailures))) return;
    try {
      await deps.sync.requestRun(due.orgId, due.id, {
        full: false,
        dryRun: false,
        trigger: 'schedule',
      });
      report.requested.push(due.id);
    } catch (err) {
      if (err instanceof RunInProgressError) {
        report.busy.push(due.id);
      } else if (!(err instanceof NotFoundError)) {
        log.error({ err, integrationId: due.id }, 'scheduled run could not be requested');
      }
    }
  }

  async function recover(report: TickReport): Promise<void> {
    const now = clock.now().getTime();
    const staleBefore = new Date(now - deps.staleAfterMs).toISOString();
    const queuedBefore = new Date(
      now - (deps.queuedStaleAfterMs ?? 2 * deps.staleAfterMs),
    ).toISOString();
    for (const run of await findRunsToRecover(db, staleBefore, queuedBefore, batch)) {
      await deps.dispatcher.dispatch({ runId: run.runId, integrationId: run.integrationId });
      report.recovered.push(run.runId);
    }
    if (report.recovered.length) {
      log.warn({ runs: report.recovered }, 'handed abandoned or stuck runs to a worker again');
    }
  }

  async function housekeeping(report: TickReport): Promise<void> {
    const now = clock.now();
    if (lastHousekeeping !== undefined && now.getTime() - lastHousekeeping < DAY_MS) return;
    lastHousekeeping = now.getTime();
    report.housekeeping = await runHousekeeping(
      db,
      now,
      options.auditRetentionDays !== undefined
        ? { auditRetentionDays: options.auditRetentionDays }
        : {},
    );
    log.info(report.housekeeping, 'daily housekeeping done');
  }

  async function tick(): Promise<TickReport> {
    const report: TickReport = {
      requested: [],
      planned: [],
      busy: [],
      rescheduled: [],
      recovered: [],
      housekeeping: null,
    };
    await reschedule(report);
    const due = await findDueIntegrations(db, clock.now().toISOString(), batch);
    for (const d of due) await runDue(d, report);
    if (options.recover ?? true) await recover(report);
    if (options.housekeeping) await housekeeping(report);
    return report;
  }

  const ticking = createTickLoop(tick, { tickMs, log, failure: 'scheduler tick failed' });

  return {
    tick,
    start: ticking.start,
    stop: ticking.stop,
  };
}
