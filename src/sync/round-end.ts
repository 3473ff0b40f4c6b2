import { PostgresAdapter, sql, type Kysely } from 'kysely';
import type { Database } from '../db/schema.ts';
import {
  allCandidates,
  candidatesPage,
  deactivate,
  recordCandidates,
  type RoundScope,
} from './deletions.ts';
import type { Run } from './run-record.ts';
import type { EngineDeps, IntegrationRow } from './run.ts';
import { addRunProgress, appendRunNote, getRun, getRunRow, transitionRun } from './runs-repo.ts';

/*
 * The end of a round, after every page is applied: deletions (or the deletion guard
 * holding them), then the delta link and the run's final status in one transaction.
 */

/** Deletions, the deletion guard, the delta link and the final status. */
export async function finishRound(
  deps: Pick<EngineDeps, 'db' | 'clock' | 'retentionDays'>,
  runId: string,
  integration: IntegrationRow,
  round: { full: boolean; dryRun: boolean; deltaLink: string | null },
): Promise<Run | undefined> {
  const { db } = deps;
  const at = deps.clock.now();
  const scope: RoundScope = {
    runId,
    integrationId: integration.id,
    full: round.full,
    dryRun: round.dryRun,
  };
  await refreshStatistics(db, runId);
  let total = 0;
  for await (const page of allCandidates(db, scope)) total += page.length;
  const threshold = integration.deletion_threshold;
  const hold = !round.dryRun && threshold > 0 && total > threshold;
  let deactivated = 0;
  if (round.dryRun || hold) {
    for await (const page of allCandidates(db, scope)) {
      await recordCandidates(db, runId, hold ? 'held' : 'deactivate', page, at.toISOString());
      if (!hold) deactivated += page.length;
    }
  } else {
    // Deactivating takes users out of the candidate set, so re-reading from the start is
    // enough; a page of candidates already inactive is skipped by deactivate().
    let after = '';
    for (;;) {
      const page = await candidatesPage(db, scope, after, 1000);
      if (!page.length) break;
      deactivated += await db
        .transaction()
        .execute((trx) => deactivate(trx, runId, page, at, deps.retentionDays));
      after = page[page.length - 1]?.userId ?? after;
    }
  }
  await db.transaction().execute(async (trx) => {
    await addRunProgress(trx, runId, { deactivated }, at.toISOString());
    if (!round.dryRun) {
      // The delta link moves only now that the whole round is applied (SPEC §5.1), and only
      // if nobody changed the settings meanwhile: a new tenant or field requires a full run,
      // which the settings change already asked for.
      await trx
        .updateTable('integrations')
        .set({
          ...(round.deltaLink ? { delta_link: round.deltaLink } : {}),
          full_sync_required: 0,
          credential_failures: 0,
          attention_message: null,
        })
        .where('id', '=', integration.id)
        .where('updated_at', '=', integration.updated_at)
        .execute();
    }
    await trx.deleteFrom('run_seen').where('run_id', '=', runId).execute();
    if (hold) {
      await appendRunNote(
        trx,
        runId,
        `${total} users would be deactivated, more than the deletion threshold of ${threshold}: deactivations are held until an administrator approves them.`,
      );
    }
    await transitionRun(trx, runId, hold ? 'held' : 'succeeded', {
      now: at.toISOString(),
      heldDeletions: hold ? total : 0,
    });
  });
  return getRun(db, runId);
}

/**
 * PostgreSQL plans the deletion queries from table statistics, and autovacuum refreshes them
 * only minutes after a large insert: on a freshly filled directory it picked nested loops
 * that took seconds per query. After a round that wrote many rows, refresh them now
 * (ANALYZE samples, so this stays in the tens of milliseconds at a million users). SQLite's
 * planner needs no statistics for these queries.
 */
async function refreshStatistics(db: Kysely<Database>, runId: string): Promise<void> {
  if (!(db.getExecutor().adapter instanceof PostgresAdapter)) return;
  const run = await getRunRow(db, runId);
  if (!run || run.users_read < 1000) return;
  await sql`analyze users, entra_users, memberships`.execute(db);
}
