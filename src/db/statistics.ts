import { PostgresAdapter, sql, type Kysely } from 'kysely';
import type { Logger } from '../log.ts';
import type { Database } from './schema.ts';

/** Tables whose size a synchronisation changes by the thousand. */
type BigTable = 'entra_users' | 'users' | 'memberships' | 'membership_user_types';

/**
 * PostgreSQL plans queries from table statistics, and autovacuum refreshes them only minutes
 * after a large write: on a freshly filled mirror or directory it picked nested loops that
 * took seconds per batch (a 100,000-user reconcile took a minute instead of seconds). After
 * such a write, refresh them now: ANALYZE samples, so it stays in the tens of milliseconds at
 * a million rows. SQLite's planner needs none for these queries. The one place that knows.
 */
export async function refreshStatistics(
  db: Kysely<Database>,
  tables: readonly BigTable[],
): Promise<void> {
  if (!(db.getExecutor().adapter instanceof PostgresAdapter) || !tables.length) return;
  await sql`analyze ${sql.join(tables.map((t) => sql.table(t)))}`.execute(db);
}

/**
 * {@link refreshStatistics} without waiting for it: after a run has ended, the statistics are
 * for the runs that follow, and ANALYZE of a freshly filled directory took as long as a
 * quarter of a 20,000-user full run. It takes no lock that blocks reads or writes; a failure
 * (the database closed meanwhile) only costs fresh statistics, so it is logged, never thrown.
 */
export function refreshStatisticsLater(
  db: Kysely<Database>,
  tables: readonly BigTable[],
  log: Logger,
): void {
  refreshStatistics(db, tables).catch((err: unknown) =>
    log.warn({ err }, 'could not refresh the planner statistics after a large run'),
  );
}
