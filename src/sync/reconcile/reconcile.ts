import type { Db, DeactivationReason } from '../../db/schema.ts';
import { applyPlans, changeRows, deactivationSet, type ChangeRow } from '../apply.ts';
import type { Exclusion } from '../map.ts';
import {
  candidateBatch,
  countPendingDeactivations,
  pendingDeactivationBatch,
  recordOutcomes,
  type CandidateRow,
  type RowOutcome,
} from '../mirror/mirror-repo.ts';
import { loadPageState } from '../page-state.ts';
import {
  countPlans,
  EXCLUSION_TEXT,
  planPage,
  type ManagedMembership,
  type UserPlan,
} from '../plan.ts';
import type { ReconcileConfig } from './config.ts';
import { decide } from './desired.ts';
import type { RunSink } from './run-sink.ts';

/** Rows planned and applied per transaction. */
const BATCH = 1000;

export interface ReconcileScope {
  orgId: string;
  integrationId: string;
  config: ReconcileConfig;
  /** Every row (the configuration changed, or a full run), or only those with something to do. */
  all: boolean;
  now: Date;
  retentionDays: number;
  /** Deactivations above this many are held (0 = no guard); null = apply them (approval). */
  deletionThreshold: number | null;
}

export interface ReconcileResult {
  /** Pending deactivations when the guard held them, else null. */
  held: number | null;
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
  await reconcilePass(db, scope, sink, true);
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
  await reconcilePass(db, scope, sink, false);
  return { held, deactivated };
}

async function reconcilePass(
  db: Db,
  scope: ReconcileScope,
  sink: RunSink,
  linked: boolean,
): Promise<void> {
  let after = '';
  for (;;) {
    const rows = await candidateBatch(db, scope.integrationId, {
      all: scope.all,
      linked,
      after,
      limit: BATCH,
    });
    if (!rows.length) return;
    after = rows[rows.length - 1]?.externalId ?? after;
    await inTransaction(db, (trx) => reconcileRows(trx, scope, rows, sink));
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
  const ctx = {
    orgId: scope.orgId,
    integrationId: scope.integrationId,
    now: scope.now,
    describe: describer(scope.config.names),
  };
  const newIds = await applyPlans(db, plans, ctx);
  await sink.record(db, changeRows(plans, ctx, newIds), countPlans(plans));
  const outcomes = new Map<string, RowOutcome>();
  for (const p of plans) outcomes.set(p.externalId, outcomeOf(p));
  await recordOutcomes(db, scope.integrationId, outcomes);
  return plans;
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
        details: { reason: EXCLUSION_TEXT[p.exclusion], deactivationReason: reasonOf(p.exclusion) },
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

function describer(names: ReadonlyMap<string, string>) {
  return (m: ManagedMembership | null): string | null =>
    m
      ? `${names.get(m.unitId) ?? m.unitId}: ${m.userTypeIds.map((t) => names.get(t) ?? t).join(', ')}`
      : null;
}
