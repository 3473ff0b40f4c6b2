import type { Generated, Kysely } from 'kysely';
import type { Database } from '../db/schema.ts';

/**
 * The scheduler's columns that migration 002 added. Declared here (Kysely `withTables`)
 * rather than in the shared schema because only the scheduler reads or writes them.
 */
// A type alias, not an interface: withTables needs an index-signature-compatible record.
type ScheduleColumns = {
  integrations: { schedule_failures: Generated<number> };
};

type ScheduleDb = Kysely<Database & ScheduleColumns>;

function scheduleDb(db: Kysely<Database>): ScheduleDb {
  return db.withTables<ScheduleColumns>();
}

/** An enabled integration whose run is due. */
export interface DueIntegration {
  id: string;
  orgId: string;
  /** Null until the scheduler first plans it (new or never scheduled). */
  nextRunAt: string | null;
  intervalMinutes: number;
  credentialFailures: number;
}

/**
 * Due integrations, oldest due first, with one query on the `integrations_due` index
 * (enabled, next_run_at). Disabled integrations are never returned.
 */
export async function findDueIntegrations(
  db: Kysely<Database>,
  now: string,
  limit: number,
): Promise<DueIntegration[]> {
  const rows = await db
    .selectFrom('integrations')
    .select(['id', 'org_id', 'next_run_at', 'sync_interval_minutes', 'credential_failures'])
    .where('enabled', '=', 1)
    .where((eb) => eb.or([eb('next_run_at', 'is', null), eb('next_run_at', '<=', now)]))
    .orderBy('next_run_at')
    .limit(limit)
    .execute();
  return rows.map((r) => ({
    id: r.id,
    orgId: r.org_id,
    nextRunAt: r.next_run_at,
    intervalMinutes: r.sync_interval_minutes,
    credentialFailures: r.credential_failures,
  }));
}

/**
 * Moves `next_run_at` from the value the caller read to `next`, and records the failure
 * count the new time was computed for. Conditional on the old value, so when two processes
 * tick at once only one of them wins the claim (and requests the run). False: lost.
 */
export async function claimNextRun(
  db: Kysely<Database>,
  id: string,
  expected: string | null,
  next: string,
  credentialFailures: number,
): Promise<boolean> {
  const res = await scheduleDb(db)
    .updateTable('integrations')
    .set({ next_run_at: next, schedule_failures: credentialFailures })
    .where('id', '=', id)
    .where('enabled', '=', 1)
    .where((eb) =>
      expected === null ? eb('next_run_at', 'is', null) : eb('next_run_at', '=', expected),
    )
    .executeTakeFirst();
  return Number(res.numUpdatedRows) === 1;
}

/** An integration whose credential failure count moved since its next run was planned. */
export interface OutdatedSchedule {
  id: string;
  nextRunAt: string | null;
  intervalMinutes: number;
  credentialFailures: number;
  scheduleFailures: number;
}

/** Rows with `schedule_failures <> credential_failures` (a small partial index holds them). */
export async function findOutdatedSchedules(
  db: Kysely<Database>,
  limit: number,
): Promise<OutdatedSchedule[]> {
  const rows = await scheduleDb(db)
    .selectFrom('integrations')
    .select([
      'id',
      'next_run_at',
      'sync_interval_minutes',
      'credential_failures',
      'schedule_failures',
    ])
    .whereRef('schedule_failures', '<>', 'credential_failures')
    .limit(limit)
    .execute();
  return rows.map((r) => ({
    id: r.id,
    nextRunAt: r.next_run_at,
    intervalMinutes: r.sync_interval_minutes,
    credentialFailures: r.credential_failures,
    scheduleFailures: r.schedule_failures,
  }));
}

/**
 * Stores a next run computed for `row`'s failure counts, unless the engine or another
 * scheduler changed them meanwhile (then the next tick decides again).
 */
export async function rescheduleFor(
  db: Kysely<Database>,
  row: OutdatedSchedule,
  next: string,
): Promise<boolean> {
  const res = await scheduleDb(db)
    .updateTable('integrations')
    .set({ next_run_at: next, schedule_failures: row.credentialFailures })
    .where('id', '=', row.id)
    .where('credential_failures', '=', row.credentialFailures)
    .where('schedule_failures', '=', row.scheduleFailures)
    .executeTakeFirst();
  return Number(res.numUpdatedRows) === 1;
}

/** True when the integration's latest finished (non-preview) run did not fail. */
export async function lastRunSucceeded(
  db: Kysely<Database>,
  integrationId: string,
): Promise<boolean> {
  const row = await db
    .selectFrom('sync_runs')
    .select('status')
    .where('integration_id', '=', integrationId)
    .where('dry_run', '=', 0)
    .where('status', 'in', ['succeeded', 'held', 'failed'])
    .orderBy('finished_at', 'desc')
    .limit(1)
    .executeTakeFirst();
  return row !== undefined && row.status !== 'failed';
}

/** A run to hand to a dispatcher again. */
export interface RunToRecover {
  runId: string;
  integrationId: string;
  status: 'queued' | 'running';
}

/**
 * Runs left behind: running without a heartbeat since `staleBefore` (their worker died)
 * and queued since before `queuedBefore` (their dispatch was lost, e.g. the process that
 * queued them stopped). Uses the `sync_runs_status` index (status, heartbeat_at).
 */
export async function findRunsToRecover(
  db: Kysely<Database>,
  staleBefore: string,
  queuedBefore: string,
  limit: number,
): Promise<RunToRecover[]> {
  const rows = await db
    .selectFrom('sync_runs')
    .select(['id', 'integration_id', 'status'])
    .where((eb) =>
      eb.or([
        eb.and([eb('status', '=', 'queued'), eb('queued_at', '<', queuedBefore)]),
        eb.and([eb('status', '=', 'running'), eb('heartbeat_at', '<', staleBefore)]),
      ]),
    )
    .orderBy('queued_at')
    .limit(limit)
    .execute();
  return rows.flatMap((r) =>
    r.status === 'queued' || r.status === 'running'
      ? [{ runId: r.id, integrationId: r.integration_id, status: r.status }]
      : [],
  );
}

/** Number of runs waiting for a worker (the queue depth gauge). */
export async function countQueuedRuns(db: Kysely<Database>): Promise<number> {
  const row = await db
    .selectFrom('sync_runs')
    .select((eb) => eb.fn.countAll<number>().as('n'))
    .where('status', '=', 'queued')
    .executeTakeFirst();
  return Number(row?.n ?? 0);
}
