import { newId } from '../db/ids.ts';
import { sql } from 'kysely';
import type { Db, RunMode, RunStatus, RunTrigger, RunWaitingReason } from '../db/schema.ts';
import { decodeCursor, encodeCursor } from '../directory/cursor.ts';
import { ConflictError, ValidationError } from '../errors.ts';
import { canTransition, COUNT_KEYS, toRun, type Run, type RunCounts } from './run-record.ts';

export interface NewRun {
  integrationId: string;
  orgId: string;
  trigger: RunTrigger;
  mode: RunMode;
  dryRun: boolean;
}

/** Thrown when the integration already has a queued or running run. */
export class RunInProgressError extends ConflictError {
  constructor(readonly runId: string) {
    super('run_in_progress', 'A synchronisation of this integration is already running', { runId });
  }
}

/**
 * Queues a run. The partial unique index `sync_runs_one_active` makes the database refuse a
 * second queued/running run of one integration, whichever process asks.
 */
export async function createRun(db: Db, run: NewRun, now: string): Promise<Run> {
  const id = newId();
  const inserted = await db
    .insertInto('sync_runs')
    .values({
      id,
      integration_id: run.integrationId,
      org_id: run.orgId,
      trigger: run.trigger,
      mode: run.mode,
      dry_run: run.dryRun ? 1 : 0,
      status: 'queued',
      queued_at: now,
    })
    .onConflict((oc) => oc.doNothing())
    .returningAll()
    .executeTakeFirst();
  if (inserted) return toRun(inserted);
  const active = await findActiveRun(db, run.integrationId);
  if (active) throw new RunInProgressError(active.id);
  // The conflicting run finished between the insert and the look-up: try once more.
  return createRun(db, run, now);
}

export async function findActiveRun(db: Db, integrationId: string): Promise<Run | undefined> {
  const row = await db
    .selectFrom('sync_runs')
    .selectAll()
    .where('integration_id', '=', integrationId)
    .where('status', 'in', ['queued', 'running'])
    .executeTakeFirst();
  return row ? toRun(row) : undefined;
}

export async function getRun(db: Db, id: string): Promise<Run | undefined> {
  const row = await db.selectFrom('sync_runs').selectAll().where('id', '=', id).executeTakeFirst();
  return row ? toRun(row) : undefined;
}

export async function getRunRow(db: Db, id: string) {
  return db.selectFrom('sync_runs').selectAll().where('id', '=', id).executeTakeFirst();
}

/** A page of an integration's run history. */
export interface RunPage {
  items: Run[];
  /** Opaque; null on the last page. */
  nextCursor: string | null;
}

/**
 * Runs of one integration, newest first, keyset-paged on (queued_at, id) so a page never
 * skips or repeats a run when two were queued in the same millisecond or runs are added
 * meanwhile. History goes back as far as retention keeps it (SPEC §5.9: 90 days).
 * `before` (an instant) is the older way to page, kept for clients that use it.
 */
export async function listRuns(
  db: Db,
  integrationId: string,
  page: { limit: number; cursor?: string | undefined; before?: string | undefined },
): Promise<RunPage> {
  let q = db
    .selectFrom('sync_runs')
    .selectAll()
    .where('integration_id', '=', integrationId)
    .orderBy('queued_at', 'desc')
    .orderBy('id', 'desc')
    .limit(page.limit + 1);
  if (page.before) q = q.where('queued_at', '<', page.before);
  if (page.cursor !== undefined) {
    const after = decodeRunCursor(page.cursor);
    q = q.where((eb) =>
      eb.or([
        eb('queued_at', '<', after.queuedAt),
        eb.and([eb('queued_at', '=', after.queuedAt), eb('id', '<', after.id)]),
      ]),
    );
  }
  const rows = await q.execute();
  const items = rows.slice(0, page.limit).map(toRun);
  const last = items[items.length - 1];
  return {
    items,
    nextCursor:
      rows.length > page.limit && last ? encodeCursor(`${last.queuedAt}|${last.id}`) : null,
  };
}

function decodeRunCursor(cursor: string): { queuedAt: string; id: string } {
  const value = decodeCursor(cursor);
  const bar = value.indexOf('|');
  if (bar <= 0 || bar === value.length - 1) {
    throw new ValidationError('Invalid cursor', [
      { field: 'cursor', message: 'not a cursor returned by this API' },
    ]);
  }
  return { queuedAt: value.slice(0, bar), id: value.slice(bar + 1) };
}

/**
 * Moves a run to `to` if its current status allows it; returns false when another process
 * changed it first (the UPDATE is conditional on the status read).
 */
export async function transitionRun(
  db: Db,
  id: string,
  to: RunStatus,
  patch: {
    now: string;
    workerId?: string;
    error?: { code: string; message: string } | null;
    heldDeletions?: number;
    heldUnassignments?: number;
    /** Taking over a running run: only if its heartbeat is older than this instant. */
    staleBefore?: string;
  },
): Promise<boolean> {
  const row = await getRunRow(db, id);
  if (!row || !canTransition(row.status, to)) return false;
  if (row.status === 'running' && to === 'running') {
    if (!patch.staleBefore || (row.heartbeat_at ?? '') >= patch.staleBefore) return false;
  }
  const done = to === 'succeeded' || to === 'failed' || to === 'held';
  const res = await db
    .updateTable('sync_runs')
    .set({
      status: to,
      ...(to === 'running'
        ? { started_at: row.started_at ?? patch.now, heartbeat_at: patch.now }
        : {}),
      ...(patch.workerId !== undefined ? { worker_id: patch.workerId } : {}),
      ...(done ? { finished_at: patch.now } : {}),
      ...(patch.error !== undefined
        ? { error_code: patch.error?.code ?? null, error_message: patch.error?.message ?? null }
        : {}),
      ...(patch.heldDeletions !== undefined ? { held_deletions: patch.heldDeletions } : {}),
      ...(patch.heldUnassignments !== undefined
        ? { held_unassignments: patch.heldUnassignments }
        : {}),
    })
    .where('id', '=', id)
    .where('status', '=', row.status)
    // Two workers racing to take over a stale run: only the first one's heartbeat matches.
    .where((eb) =>
      row.heartbeat_at === null
        ? eb('heartbeat_at', 'is', null)
        : eb('heartbeat_at', '=', row.heartbeat_at),
    )
    .executeTakeFirst();
  return Number(res.numUpdatedRows) === 1;
}

/** Adds a page's counts and progress in the page's transaction. */
export async function addRunProgress(
  db: Db,
  id: string,
  delta: Partial<RunCounts> & { usersRead?: number; pages?: number },
  now: string,
): Promise<void> {
  const set: Record<string, unknown> = { heartbeat_at: now };
  for (const k of COUNT_KEYS) {
    const v = delta[k];
    if (v) set[k] = sql`${sql.ref(k)} + ${v}`;
  }
  if (delta.usersRead) set.users_read = sql`users_read + ${delta.usersRead}`;
  if (delta.pages) {
    set.pages = sql`pages + ${delta.pages}`;
    // A page arrived: whatever the run was waiting for is over.
    set.waiting_reason = null;
    set.waiting_until = null;
  }
  await db.updateTable('sync_runs').set(set).where('id', '=', id).execute();
}

/**
 * Resets the Graph side's progress when a run reads its round again (taken over after a crash,
 * or fallen back to a full round). The counts and the change log stay: they were committed
 * with the changes they describe, and the reconcile does not apply those changes twice.
 */
export async function resetRoundProgress(db: Db, id: string): Promise<void> {
  await db.updateTable('sync_runs').set({ users_read: 0, pages: 0 }).where('id', '=', id).execute();
}

export async function appendRunNote(db: Db, id: string, note: string): Promise<void> {
  const row = await getRunRow(db, id);
  const notes = row?.notes ? `${row.notes}\n${note}` : note;
  await db.updateTable('sync_runs').set({ notes }).where('id', '=', id).execute();
}

/**
 * Records that the run waits on Microsoft Graph until `until` (429 Retry-After, 503/504), or
 * that it no longer waits (null). Read by the run page for its "waiting for Microsoft Graph"
 * hint.
 */
export async function setRunWaiting(
  db: Db,
  id: string,
  waiting: { reason: RunWaitingReason; until: string } | null,
): Promise<void> {
  await db
    .updateTable('sync_runs')
    .set({ waiting_reason: waiting?.reason ?? null, waiting_until: waiting?.until ?? null })
    .where('id', '=', id)
    .execute();
}

export async function heartbeat(db: Db, id: string, now: string): Promise<void> {
  await db.updateTable('sync_runs').set({ heartbeat_at: now }).where('id', '=', id).execute();
}

/** Deletes runs (and their change logs) that finished before `before` (SPEC §5.9: 90 days). */
export async function deleteOldRuns(db: Db, before: string): Promise<number> {
  const res = await db
    .deleteFrom('sync_runs')
    .where('finished_at', '<', before)
    .where('status', 'in', ['succeeded', 'failed'])
    .executeTakeFirst();
  return Number(res.numDeletedRows);
}

/**
 * Ends the integration's other held runs (not previews): their deactivations were applied by
 * a later run or an approval, or are no longer needed. Each gets `note`.
 */
export async function closeHeldRuns(
  db: Db,
  integrationId: string,
  exceptRunId: string,
  note: string,
  now: string,
): Promise<number> {
  const held = await db
    .selectFrom('sync_runs')
    .select('id')
    .where('integration_id', '=', integrationId)
    .where('status', '=', 'held')
    .where('dry_run', '=', 0)
    .where('id', '<>', exceptRunId)
    .execute();
  for (const r of held) {
    await appendRunNote(db, r.id, note);
    await transitionRun(db, r.id, 'succeeded', { now });
  }
  return held.length;
}

/** Records whether a run reads Entra fully or incrementally (it may fall back to full). */
export async function setRunMode(db: Db, id: string, mode: RunMode): Promise<void> {
  await db.updateTable('sync_runs').set({ mode }).where('id', '=', id).execute();
}
