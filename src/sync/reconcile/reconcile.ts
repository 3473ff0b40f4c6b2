import type { Db, DeactivationReason } from '../../db/schema.ts';
import { applyPlans, changeRows, deactivationSet, type ChangeRow } from '../apply.ts';
import type { Exclusion } from '../map.ts';
import {
  candidateBatch,
  countPending,
  countPendingDeactivations,
  pendingBatchOf,
  pendingDeactivationBatch,
  markForReconcile,
  recordOutcomes,
  dataPage,
  type CandidateRow,
  type RowOutcome,
} from '../mirror/mirror-repo.ts';
import { loadPageState } from '../page-state.ts';
import { countPlans, EXCLUSION_TEXT, planPage, type UserPlan } from '../plan.ts';
import type { ConfigChange, ReconcileConfig } from './config.ts';
import { affectedByNames } from './affected.ts';
import { parseStoredEntraUser } from '../stored-entra-user.ts';
import { decide } from './desired.ts';
import { describer } from './describe-membership.ts';
import type { RunSink } from './run-sink.ts';
import { deferUnassignments, takesMembership } from './unassign-guard.ts';

/** Rows planned and applied per transaction. */
const BATCH = 1000;

export interface ReconcileScope {
  orgId: string;
  integrationId: string;
  config: ReconcileConfig;
  /**
   * What changed in the configuration since the last reconcile: every row is looked at
   * (`all`: settings changed, or a full run), or the rows whose values use a changed unit or
   * user type name, besides the rows with something to do.
   */
  change: ConfigChange;
  now: Date;
  retentionDays: number;
  /**
   * A full run that created users while reading Graph (settle-early.ts) with this same
   * configuration: the rows it settled then are not looked at again.
   */
  settledEarlyBy?: string | undefined;
  /** Deactivations above this many are held (0 = no guard); null = apply them (approval). */
  deletionThreshold: number | null;
  /**
   * Managed membership removals above this many are held (the threshold in force, default
   * resolved); 0 or absent = no guard, removals apply at once.
   */
  unassignmentThreshold?: number;
}

export interface ReconcileResult {
  /** Pending deactivations when the guard held them, else null. */
  held: number | null;
  /** Pending managed membership removals when the unassignment guard held them, else null. */
  heldUnassignments?: number | null;
  deactivated: number;
}

/** Runs `fn` in a transaction, or in the one `db` already is (a preview, linking on create). */
function inTransaction<T>(db: Db, fn: (trx: Db) => Promise<T>): Promise<T> {
  return db.isTransaction ? fn(db) : db.transaction().execute(fn);
}

/**
 * One reconcile (SPEC §5.12–5.14): the directory is brought to the desired state of the
 * mirror rows in scope, in three steps so that releases come before claims:
 * 1. rows a platform user is linked to: updates, reactivations, and deactivations decided
 *    (not applied: they become pending state);
 * 2. the deletion guard counts every pending deactivation, and applies or holds them;
 * 3. rows nobody is linked to: creations, links and relinks, which may now take an email or
 *    a deactivated user that step 1 or 2 released.
 * Each batch is planned purely (`decide`, `planPage`) and applied in its own transaction with
 * its change log and the rows' outcomes, so a run cut off midway resumes where it stopped.
 */
export async function reconcile(
  db: Db,
  scope: ReconcileScope,
  sink: RunSink,
): Promise<ReconcileResult> {
  if (scope.change.kind === 'names') await markAffectedRows(db, scope, scope.change);
  const guardUnassign = (scope.unassignmentThreshold ?? 0) > 0;
  // Rows already counted as updated in pass 1 (their other changes applied): applying their
  // membership removal later in this run must not count them a second time.
  const counted = new Set<string>();
  await reconcilePass(db, scope, sink, true, guardUnassign, counted);
  const pending = await countPendingDeactivations(db, scope.integrationId);
  const threshold = scope.deletionThreshold;
  let held: number | null = null;
  let deactivated = 0;
  if (threshold !== null && threshold > 0 && pending > threshold) {
    held = pending;
    await logHeld(db, scope, sink);
  } else if (pending > 0) {
    deactivated = await applyPendingDeactivations(db, scope, sink, '');
  }
  // The unassignment guard, like the deletion guard: removals decided in pass 1 are pending.
  let heldUnassignments: number | null = null;
  if (guardUnassign) {
    const removals = await countPending(db, scope.integrationId, 'unassign');
    if (removals > (scope.unassignmentThreshold ?? 0)) {
      heldUnassignments = removals;
      await logHeldUnassignments(db, scope, sink);
    } else if (removals > 0) {
      await applyPendingUnassignments(db, scope, sink, counted);
    }
  }
  await reconcilePass(db, scope, sink, false, false, counted);
  return { held, heldUnassignments, deactivated };
}

/**
 * A unit or user type was created, renamed or deleted: marks for reconcile the settled rows
 * whose values use one of the changed names. Reads the mirror a page at a time (object id and
 * values only) and writes only the affected rows, so a change that moves 1% of a directory
 * costs a read of it, not a reconcile of every user.
 */
async function markAffectedRows(
  db: Db,
  scope: ReconcileScope,
  change: Extract<ConfigChange, { kind: 'names' }>,
): Promise<void> {
  if (!change.unitKeys.size && !change.userTypeKeys.size) return;
  let after = '';
  for (;;) {
    const page = await dataPage(db, scope.integrationId, 'settled', after, SCAN_BATCH);
    if (!page.length) return;
    after = page[page.length - 1]?.externalId ?? after;
    const hit: string[] = [];
    for (const r of page) {
      const u = parseStoredEntraUser(r.data);
      if (u && affectedByNames(u, scope.config.settings, change.unitKeys, change.userTypeKeys)) {
        hit.push(r.externalId);
      }
    }
    if (hit.length) await markForReconcile(db, scope.integrationId, hit);
  }
}

/** Mirror rows read per page when scanning for a name change (two columns each). */
const SCAN_BATCH = 5000;

async function reconcilePass(
  db: Db,
  scope: ReconcileScope,
  sink: RunSink,
  linked: boolean,
  deferRemovals: boolean,
  counted: Set<string>,
): Promise<void> {
  let after = '';
  for (;;) {
    const rows = await candidateBatch(db, scope.integrationId, {
      all: scope.change.kind === 'all',
      skipSettledBy: scope.settledEarlyBy,
      linked,
      after,
      limit: BATCH,
    });
    if (!rows.length) return;
    after = rows[rows.length - 1]?.externalId ?? after;
    await inTransaction(db, (trx) => reconcileRows(trx, scope, rows, sink, deferRemovals, counted));
  }
}

/**
 * Plans and applies one batch of rows (exported for linking on create, which reconciles the
 * one row that a new platform user's email claims).
 */
export async function reconcileRows(
  db: Db,
  scope: ReconcileScope,
  rows: readonly CandidateRow[],
  sink: RunSink,
  deferRemovals = false,
  /** Rows counted as updated earlier in this run (see `reconcile`); pass 1 adds to it. */
  counted?: Set<string>,
): Promise<UserPlan[]> {
  const plans: UserPlan[] = [];
  const desired = [];
  for (const row of rows) {
    const d = decide(row, scope.config);
    if (d.kind === 'invalid') {
      plans.push({
        kind: 'skip',
        externalId: d.externalId,
        label: d.label,
        reason: `Microsoft Graph sent "${d.property}" with a value of the wrong type: the user was left as it was`,
        retry: false,
      });
    } else {
      desired.push(d.desired);
    }
  }
  const state = await loadPageState(
    db,
    scope.orgId,
    scope.integrationId,
    desired.map((d) => d.externalId),
    desired.flatMap((d) => (d.email && !d.exclusion ? [d.email] : [])),
  );
  plans.push(...planPage(desired, state, scope.integrationId));
  // Under the unassignment guard, membership removals wait to be counted (pending state).
  const {
    plans: toApply,
    deferred,
    partly,
  } = deferRemovals ? deferUnassignments(plans) : { plans, deferred: [], partly: [] };
  for (const id of partly) counted?.add(id);
  const ctx = {
    orgId: scope.orgId,
    integrationId: scope.integrationId,
    now: scope.now,
    describe: describer(scope.config.names),
  };
  const newIds = await applyPlans(db, toApply, ctx);
  const counts = countPlans(toApply);
  if (!deferRemovals && counted?.size) {
    for (const p of toApply) {
      if (p.kind === 'change' && !p.link && !p.reactivate && counted.has(p.externalId)) {
        counts.updated--;
      }
    }
  }
  await sink.record(db, changeRows(toApply, ctx, newIds), counts);
  const outcomes = new Map<string, RowOutcome>();
  for (const p of plans) outcomes.set(p.externalId, outcomeOf(p));
  for (const id of deferred) outcomes.set(id, { outcome: 'unassign', todo: 2 });
  await recordOutcomes(
    db,
    scope.integrationId,
    outcomes,
    new Map(rows.map((r) => [r.externalId, r])),
  );
  return toApply;
}

function outcomeOf(p: UserPlan): RowOutcome {
  switch (p.kind) {
    case 'skip':
      if (p.retry) return { outcome: 'conflict', todo: 2 };
      return {
        outcome: p.reason.startsWith('Microsoft Graph sent') ? 'invalid' : 'skipped',
        todo: 0,
      };
    case 'change':
      return p.retry ? { outcome: 'conflict', todo: 2 } : { outcome: 'ok', todo: 0 };
    case 'exclude':
      return { outcome: 'deactivate', todo: 2 };
    case 'gone':
      return { outcome: 'gone', todo: 0 };
    case 'create':
    case 'unchanged':
      return { outcome: 'ok', todo: 0 };
  }
}

/**
 * The stored deactivation reason. Leaving the scope has its own ('source-out-of-scope') rather
 * than passing for a deletion: the panel can say "out of scope", and the sync still knows it
 * may reactivate the user when it comes back (isSourceDeactivation).
 */
function reasonOf(e: Exclusion): DeactivationReason {
  if (e === 'disabled') return 'source-disabled';
  if (e === 'out-of-scope' || e === 'not-in-groups') return 'source-out-of-scope';
  return 'source-deleted';
}

/** A pending deactivation as decided now (null when the row no longer asks for one). */
interface Pending {
  row: CandidateRow;
  exclusion: Exclusion | null;
}

async function pendingBatch(db: Db, scope: ReconcileScope, after: string): Promise<Pending[]> {
  const rows = await pendingDeactivationBatch(db, scope.integrationId, after, BATCH);
  return rows.map((row) => {
    const d = decide(row, scope.config);
    return { row, exclusion: d.kind === 'desired' ? d.desired.exclusion : null };
  });
}

/** Logs every pending deactivation as `held` (the guard stopped them). */
async function logHeld(db: Db, scope: ReconcileScope, sink: RunSink): Promise<void> {
  let after = '';
  for (;;) {
    const batch = await pendingBatch(db, scope, after);
    if (!batch.length) return;
    after = batch[batch.length - 1]?.row.externalId ?? after;
    const state = await loadPageState(
      db,
      scope.orgId,
      scope.integrationId,
      batch.map((p) => p.row.externalId),
      [],
    );
    const rows: ChangeRow[] = [];
    for (const p of batch) {
      const user = state.linked.get(p.row.externalId);
      if (!user || !p.exclusion) continue;
      rows.push({
        externalId: p.row.externalId,
        userId: user.id,
        action: 'held',
        subject: `${user.firstName} ${user.lastName} <${user.email}>`,
        details: {
          held: 'deactivation',
          reason: EXCLUSION_TEXT[p.exclusion],
          deactivationReason: reasonOf(p.exclusion),
        },
      });
    }
    await inTransaction(db, (trx) => sink.record(trx, rows, {}));
  }
}

/**
 * Applies the pending deactivations, each decided again now: a row that no longer asks for it
 * (restored, re-enabled, a setting changed) is left for the next reconcile. Returns how many
 * users were deactivated.
 */
export async function applyPendingDeactivations(
  db: Db,
  scope: ReconcileScope,
  sink: RunSink,
  note: string,
): Promise<number> {
  let done = 0;
  let after = '';
  for (;;) {
    const batch = await pendingBatch(db, scope, after);
    if (!batch.length) return done;
    after = batch[batch.length - 1]?.row.externalId ?? after;
    done += await inTransaction(db, async (trx) => {
      const state = await loadPageState(
        trx,
        scope.orgId,
        scope.integrationId,
        batch.map((p) => p.row.externalId),
        [],
      );
      const rows: ChangeRow[] = [];
      const outcomes = new Map<string, RowOutcome>();
      for (const p of batch) {
        const user = state.linked.get(p.row.externalId);
        if (!p.exclusion) {
          outcomes.set(p.row.externalId, { outcome: 'ok', todo: 0 });
          continue;
        }
        outcomes.set(p.row.externalId, { outcome: 'deactivated', todo: 0 });
        if (!user || user.status !== 'active') continue;
        const reason = reasonOf(p.exclusion);
        await trx
          .updateTable('users')
          .set(deactivationSet(reason, scope.now, scope.retentionDays))
          .where('id', '=', user.id)
          .where('status', '=', 'active')
          .execute();
        rows.push({
          externalId: p.row.externalId,
          userId: user.id,
          action: 'deactivate',
          subject: `${user.firstName} ${user.lastName} <${user.email}>`,
          details: {
            reason: `${EXCLUSION_TEXT[p.exclusion]}${note}`,
            deactivationReason: reason,
          },
        });
      }
      await recordOutcomes(trx, scope.integrationId, outcomes);
      // Rows that no longer ask for a deactivation are reconciled again by the next run.
      const again = [...outcomes].filter(([, o]) => o.outcome === 'ok').map(([id]) => id);
      if (again.length) {
        await trx
          .updateTable('entra_users')
          .set({ todo: 1 })
          .where('integration_id', '=', scope.integrationId)
          .where('external_id', 'in', again)
          .execute();
      }
      await sink.record(trx, rows, { deactivated: rows.length });
      return rows.length;
    });
  }
}

/**
 * Logs every pending membership removal as `held` (the unassignment guard stopped them), with
 * the membership it would remove and why, decided again from the mirror now.
 */
async function logHeldUnassignments(db: Db, scope: ReconcileScope, sink: RunSink): Promise<void> {
  const describe = describer(scope.config.names);
  let after = '';
  for (;;) {
    const batch = await pendingBatchOf(db, scope.integrationId, 'unassign', after, BATCH);
    if (!batch.length) return;
    after = batch[batch.length - 1]?.externalId ?? after;
    const desired = batch.flatMap((row) => {
      const d = decide(row, scope.config);
      return d.kind === 'desired' ? [d.desired] : [];
    });
    const state = await loadPageState(
      db,
      scope.orgId,
      scope.integrationId,
      desired.map((d) => d.externalId),
      [],
    );
    const rows: ChangeRow[] = [];
    for (const p of planPage(desired, state, scope.integrationId)) {
      if (!takesMembership(p) || !p.membership) continue;
      const why = [...p.notes, ...p.warnings];
      rows.push({
        externalId: p.externalId,
        userId: p.userId,
        action: 'held',
        subject: p.label,
        details: {
          held: 'unassignment',
          reason: `the managed membership would be removed${why.length ? `: ${why.join('; ')}` : ''}`,
          changes: [{ field: 'membership', before: describe(p.membership.before), after: null }],
          ...(p.notes.length ? { notes: p.notes } : {}),
        },
      });
    }
    await inTransaction(db, (trx) => sink.record(trx, rows, {}));
  }
}

/**
 * Applies the pending membership removals (the guard let them through, or an administrator
 * approved them): each row is reconciled again now, so a row that no longer asks for a
 * removal gets whatever it asks for instead. Returns how many rows were reconciled.
 */
export async function applyPendingUnassignments(
  db: Db,
  scope: ReconcileScope,
  sink: RunSink,
  counted?: Set<string>,
): Promise<number> {
  let done = 0;
  let after = '';
  for (;;) {
    const batch = await pendingBatchOf(db, scope.integrationId, 'unassign', after, BATCH);
    if (!batch.length) return done;
    after = batch[batch.length - 1]?.externalId ?? after;
    await inTransaction(db, (trx) => reconcileRows(trx, scope, batch, sink, false, counted));
    done += batch.length;
  }
}
