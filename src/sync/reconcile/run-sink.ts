import type { Db } from '../../db/schema.ts';
import { insertChangeRows, type ChangeRow } from '../apply.ts';
import type { RunCounts } from '../run-record.ts';
import { addRunProgress } from '../runs-repo.ts';

/** Where a reconcile reports its change-log rows and counts. */
export interface RunSink {
  /** Called inside the batch's transaction, so the log commits with the changes it describes. */
  record(db: Db, rows: readonly ChangeRow[], counts: Partial<RunCounts>): Promise<void>;
}

/** A real run: the log and counts are written with each batch (they survive a takeover). */
export function runRecordSink(runId: string, now: () => string): RunSink {
  return {
    async record(db, rows, counts) {
      if (rows.length) await insertChangeRows(db, runId, rows, now());
      if (Object.values(counts).some((v) => v)) await addRunProgress(db, runId, counts, now());
    },
  };
}

/** Outside a run (linking on create): nothing is recorded. */
export const discardSink: RunSink = { record: async () => undefined };

/**
 * A preview: its reconcile runs in a transaction that is rolled back, so the log and counts
 * are kept here and written once the rollback is done. Memory grows with the number of
 * changes a preview reports, not with the directory.
 */
export function bufferedSink(): RunSink & {
  flush(db: Db, runId: string, now: string): Promise<void>;
} {
  const rows: ChangeRow[] = [];
  const counts: Partial<Record<keyof RunCounts, number>> = {};
  return {
    async record(_db, batch, c) {
      rows.push(...batch);
      for (const [k, v] of Object.entries(c) as [keyof RunCounts, number][]) {
        counts[k] = (counts[k] ?? 0) + v;
      }
    },
    async flush(db, runId, now) {
      await insertChangeRows(db, runId, rows, now);
      await addRunProgress(db, runId, counts, now);
      rows.length = 0;
    },
  };
}
