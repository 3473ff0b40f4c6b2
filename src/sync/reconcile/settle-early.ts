import { chunks } from '../../db/chunks.ts';
import type { Db } from '../../db/schema.ts';
import { applyPlans, changeRows } from '../apply.ts';
import {
  earlyCandidates,
  earlyCollisions,
  markSettledEarly,
  unsettle,
} from '../mirror/mirror-repo.ts';
import { loadPageState } from '../page-state.ts';
import { countPlans, planPage, type UserPlan } from '../plan.ts';
import { addRunProgress } from '../runs-repo.ts';
import type { ReconcileConfig } from './config.ts';
import { decide } from './desired.ts';
import { describer } from './describe-membership.ts';
import type { RunSink } from './run-sink.ts';

/*
 * Creations while a full round still reads Graph (issue 12).
 *
 * A full round used to read every page before reconciling anything, so against a real tenant
 * (hundreds of milliseconds per page) the directory's writes came after all the waiting. Most
 * of a first synchronisation is creations, and a creation can be decided from its own row
 * alone — except when another Entra user of the tenant carries the same email, where the
 * reconcile at the end picks one (releases before claims, then object id order). So each page
 * creates, right after it is read, the users of rows that are new, valid, present, in scope by
 * their own values, unlinked, and whose email no other row carries *so far*; a later page that
 * brings a second row with that email undoes the early creation at the end of the round
 * (`undoCollisions`), and the reconcile then decides as it would have. The result equals the
 * reconcile after the round: the same users, links, memberships and counts.
 *
 * Not used for previews (they change nothing), with a group scope (membership is read after
 * the users), or outside full rounds.
 */

export interface EarlyScope {
  orgId: string;
  integrationId: string;
  runId: string;
  config: ReconcileConfig;
  now: Date;
}

/** Creates the users of the page's rows that can be settled now; returns how many. */
export async function settlePage(
  db: Db,
  scope: EarlyScope,
  externalIds: readonly string[],
  sink: RunSink,
): Promise<number> {
  const rows = await earlyCandidates(db, scope.integrationId, externalIds);
  const desired = rows.flatMap((row) => {
    const d = decide(row, scope.config);
    return d.kind === 'desired' && d.desired.exclusion === null && d.desired.email
      ? [d.desired]
      : [];
  });
  if (!desired.length) return 0;
  return db.transaction().execute(async (trx) => {
    const state = await loadPageState(
      trx,
      scope.orgId,
      scope.integrationId,
      desired.map((d) => d.externalId),
      desired.flatMap((d) => (d.email ? [d.email] : [])),
    );
    // Only plain creations: a link to an existing platform user, a relink or a conflict waits
    // for the end of the round like any other claim.
    const creates: UserPlan[] = planPage(desired, state, scope.integrationId).filter(
      (p) => p.kind === 'create',
    );
    if (!creates.length) return 0;
    const ctx = {
      orgId: scope.orgId,
      integrationId: scope.integrationId,
      now: scope.now,
      describe: describer(scope.config.names),
    };
    const newIds = await applyPlans(trx, creates, ctx);
    await sink.record(trx, changeRows(creates, ctx, newIds), countPlans(creates));
    await markSettledEarly(
      trx,
      scope.integrationId,
      scope.runId,
      creates.map((p) => p.externalId),
    );
    return creates.length;
  });
}

/**
 * The end of the round: an early creation whose email a row read later carries too is undone
 * (user, memberships, its change-log line and counts), and its row goes back to the reconcile.
 */
export async function undoCollisions(
  db: Db,
  scope: { integrationId: string; runId: string },
  now: string,
): Promise<number> {
  const hits = await earlyCollisions(db, scope.integrationId, scope.runId);
  if (!hits.length) return 0;
  await db.transaction().execute(async (trx) => {
    for (const list of chunks(hits, 500)) {
      const userIds = list.map((h) => h.userId);
      const externalIds = list.map((h) => h.externalId);
      const placed = await trx
        .selectFrom('memberships')
        .select('user_id')
        .where('user_id', 'in', userIds)
        .where('managed_by', '=', scope.integrationId)
        .execute();
      await trx.deleteFrom('users').where('id', 'in', userIds).execute();
      await trx
        .deleteFrom('run_changes')
        .where('run_id', '=', scope.runId)
        .where('action', '=', 'create')
        .where('external_id', 'in', externalIds)
        .execute();
      await addRunProgress(
        trx,
        scope.runId,
        {
          created: -list.length,
          unassigned: -(list.length - new Set(placed.map((p) => p.user_id)).size),
        },
        now,
      );
      await unsettle(trx, scope.integrationId, externalIds);
    }
  });
  return hits.length;
}
