import type { Db } from '../db/schema.ts';
import { addDays } from '../clock.ts';
import { purgeDeactivatedUsers } from '../directory/purge.ts';
import { deleteOldRuns } from '../sync/runs-repo.ts';

/** Run history is kept this long (SPEC §5.9). */
export const RUN_HISTORY_DAYS = 90;

export interface HousekeepingResult {
  purgedUsers: number;
  deletedRuns: number;
}

/**
 * The daily job: permanently deletes users whose retention ended and runs older than 90
 * days. Both are idempotent, so running it twice (two processes, a restart) is harmless.
 */
export async function runHousekeeping(db: Db, now: Date): Promise<HousekeepingResult> {
  const purgedUsers = await purgeDeactivatedUsers(db, now);
  const deletedRuns = await deleteOldRuns(db, addDays(now, -RUN_HISTORY_DAYS).toISOString());
  return { purgedUsers, deletedRuns };
}
