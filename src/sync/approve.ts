import type { Kysely } from 'kysely';
import type { Database } from '../db/schema.ts';
import { ConflictError, NotFoundError } from '../errors.ts';
import { deactivate, type DeactivationCandidate } from './deletions.ts';
import type { Run } from './run-record.ts';
import { addRunProgress, getRun, getRunRow, transitionRun } from './runs-repo.ts';

/**
 * SPEC §5.6: an administrator approves the deactivations a run held back. Each held user is
 * deactivated only if it is still active and still linked to the same Entra user: a user
 * restored in Entra (and so reactivated by a later run) is not deactivated by a stale approval.
 */
export async function approveHeldDeletions(
  db: Kysely<Database>,
  orgId: string,
  runId: string,
  now: Date,
  retentionDays: number,
): Promise<Run> {
  const row = await getRunRow(db, runId);
  if (!row || row.org_id !== orgId) throw new NotFoundError('Run');
  if (row.status !== 'held') {
    throw new ConflictError(
      'run_not_held',
      `This run is ${row.status}: there are no held deletions to approve`,
    );
  }
  let after = 0;
  let done = 0;
  for (;;) {
    const held = await db
      .selectFrom('run_changes as c')
      .innerJoin('users as u', 'u.id', 'c.user_id')
      .select([
        'c.seq',
        'c.user_id',
        'c.external_id',
        'c.subject',
        'c.details',
        'u.source_external_id',
      ])
      .where('c.run_id', '=', runId)
      .where('c.action', '=', 'held')
      .where('c.seq', '>', after)
      .where('u.source_integration_id', '=', row.integration_id)
      .orderBy('c.seq')
      .limit(1000)
      .execute();
    if (!held.length) break;
    after = held[held.length - 1]?.seq ?? after;
    const candidates: DeactivationCandidate[] = held
      .filter((h) => h.user_id && h.source_external_id === h.external_id)
      .map((h) => {
        const details = parseHeld(h.details);
        return {
          userId: h.user_id ?? '',
          externalId: h.external_id ?? '',
          subject: h.subject,
          reason: details.deactivationReason,
          why: `${details.reason} (approved by an administrator)`,
        };
      });
    done += await db
      .transaction()
      .execute((trx) => deactivate(trx, runId, candidates, now, retentionDays));
  }
  await db.transaction().execute(async (trx) => {
    await addRunProgress(trx, runId, { deactivated: done }, now.toISOString());
    await transitionRun(trx, runId, 'succeeded', { now: now.toISOString() });
  });
  const run = await getRun(db, runId);
  if (!run) throw new NotFoundError('Run');
  return run;
}

function parseHeld(details: string): {
  reason: string;
  deactivationReason: 'source-deleted' | 'source-disabled';
} {
  const v: unknown = JSON.parse(details);
  const obj = typeof v === 'object' && v !== null ? (v as Record<string, unknown>) : {};
  return {
    reason: typeof obj.reason === 'string' ? obj.reason : 'gone from Entra',
    deactivationReason:
      obj.deactivationReason === 'source-disabled' ? 'source-disabled' : 'source-deleted',
  };
}
