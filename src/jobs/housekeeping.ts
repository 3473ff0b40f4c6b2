import { deleteStaleLoginLimits } from '../auth/login-limits.ts';
import { deleteExpiredSessions } from '../auth/sessions.ts';
import type { Db } from '../db/schema.ts';
import { addDays } from '../clock.ts';
import { deleteAuditBefore } from '../audit/audit-log.ts';
import { purgeDeactivatedUsers } from '../directory/purge.ts';
import { deleteOldRuns } from '../sync/runs-repo.ts';

/** Run history is kept this long (SPEC §5.9). */
export const RUN_HISTORY_DAYS = 90;

export interface HousekeepingResult {
  purgedUsers: number;
  deletedRuns: number;
  deletedAuditEntries: number;
  deletedSessions: number;
  deletedLoginLimits: number;
}

/** Audit entries are kept this long unless AUDIT_RETENTION_DAYS says otherwise. */
export const DEFAULT_AUDIT_RETENTION_DAYS = 365;

/**
 * The daily job: permanently deletes users whose retention ended, runs older than 90 days,
 * audit entries older than `auditRetentionDays`, sessions past their absolute or idle end and
 * sign-in counters whose window passed. All idempotent, so running it twice (two processes,
 * a restart) is harmless.
 */
export async function runHousekeeping(
  db: Db,
  now: Date,
  options: { auditRetentionDays?: number } = {},
): Promise<HousekeepingResult> {
  const purgedUsers = await purgeDeactivatedUsers(db, now);
  const deletedRuns = await deleteOldRuns(db, addDays(now, -RUN_HISTORY_DAYS).toISOString());
  const auditDays = options.auditRetentionDays ?? DEFAULT_AUDIT_RETENTION_DAYS;
  const deletedAuditEntries = await deleteAuditBefore(db, addDays(now, -auditDays).toISOString());
  const deletedSessions = await deleteExpiredSessions(db, now);
  const deletedLoginLimits = await deleteStaleLoginLimits(db, now);
  return { purgedUsers, deletedRuns, deletedAuditEntries, deletedSessions, deletedLoginLimits };
}
