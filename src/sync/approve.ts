import type { Kysely } from 'kysely';
import { findIntegrationRow } from '../integrations/repository.ts';
import type { Database } from '../db/schema.ts';
import { ConflictError, NotFoundError } from '../errors.ts';
import { loadConfig } from './reconcile/config.ts';
import { applyPendingDeactivations, applyPendingUnassignments } from './reconcile/reconcile.ts';
import { runRecordSink } from './reconcile/run-sink.ts';
import type { Run } from './run-record.ts';
import {
  appendRunNote,
  closeHeldRuns,
  findActiveRun,
  getRun,
  getRunRow,
  RunInProgressError,
  transitionRun,
} from './runs-repo.ts';

/**
 * SPEC §5.6 and §5.13: an administrator approves what the deletion and unassignment guards held.
 * Approval applies the pending set as it is now, each row decided again from the mirror: users
 * restored in Entra meanwhile (and seen by a run) are spared. Every held run of the integration
 * ends, since they all held the same pending set. Refused while a run is active, which is
 * reconciling that same set.
 */
export async function approveHeldDeletions(
  db: Kysely<Database>,
  orgId: string,
  runId: string,
  now: Date,
  retentionDays: number,
  /** Who approved, for the run's note ("admin@example.com", "API token \"deploy\""). */
  approvedBy = 'an administrator',
): Promise<Run> {
  const row = await getRunRow(db, runId);
  if (!row || row.org_id !== orgId) throw new NotFoundError('Run');
  if (row.status !== 'held') {
    throw new ConflictError(
      'run_not_held',
      `This run is ${row.status}: there are no held deletions to approve`,
    );
  }
  if (row.dry_run === 1) {
    throw new ConflictError(
      'preview_not_approvable',
      'This is a preview: it changed nothing. Run the synchronisation, then approve its held deletions',
    );
  }
  const active = await findActiveRun(db, row.integration_id);
  if (active) throw new RunInProgressError(active.id);
  const integration = await findIntegrationRow(db, row.integration_id);
  if (!integration) throw new NotFoundError('Integration');
  const at = now.toISOString();
  const scope = {
    orgId,
    integrationId: integration.id,
    config: await loadConfig(db, integration),
    change: { kind: 'none' } as const,
    now,
    retentionDays,
    deletionThreshold: null,
  };
  const sink = runRecordSink(runId, () => at);
  const done = await applyPendingDeactivations(db, scope, sink, ` (approved by ${approvedBy})`);
  // Membership removals held by the unassignment guard, each decided again now.
  const removals = await applyPendingUnassignments(db, scope, sink);
  await db.transaction().execute(async (trx) => {
    await appendRunNote(
      trx,
      runId,
      `Held changes approved by ${approvedBy} at ${at}: ${done} users deactivated, ${removals} pending membership removals reconciled.`,
    );
    await transitionRun(trx, runId, 'succeeded', { now: at });
    await closeHeldRuns(
      trx,
      integration.id,
      runId,
      `Superseded: the held deactivations were approved in run ${runId}.`,
      at,
    );
  });
  const run = await getRun(db, runId);
  if (!run) throw new NotFoundError('Run');
  return run;
}
