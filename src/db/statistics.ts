import { PostgresAdapter, sql, type Kysely } from 'kysely';
import type { Logger } from '../log.ts';
import type { Database } from './schema.ts';

/** A write of this many rows (a round, a reconcile, a membership round) refreshes the statistics. */
export const LARGE_WRITE_ROWS = 1000;

/** Tables whose size a synchronisation changes by the thousand. */
type BigTable =
  | 'entra_users'
  | 'users'
  | 'memberships'
  | 'membership_user_types'
  | 'entra_group_members'
  | 'entra_scope_users';

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
  /**
   * `quick`: sample 3,000 rows instead of 30,000. The plans that matter here only need to
   * know roughly how big a table is and which values its few-valued columns hold; ANALYZE of
   * a 100,000-user mirror took 330 ms at the default target and 20 ms at 10 (four tables:
   * 645 → 58 ms), which a full round pays each time it doubles and before its reconcile.
   */
  precision: 'default' | 'quick' = 'default',
): Promise<void> {
  if (!(db.getExecutor().adapter instanceof PostgresAdapter) || !tables.length) return;
  const analyze = sql`analyze ${sql.join(tables.map((t) => sql.table(t)))}`;
  if (precision === 'default') {
    await analyze.execute(db);
    return;
  }
  const quick = async (trx: Kysely<Database>) => {
    await sql`set local default_statistics_target = ${sql.lit(QUICK_TARGET)}`.execute(trx);
    await analyze.execute(trx);
    // Inside a caller's transaction, the rest of it keeps the server's precision.
    await sql`set local default_statistics_target to default`.execute(trx);
  };
  if (db.isTransaction) await quick(db);
  else await db.transaction().execute(quick);
}

/** PostgreSQL samples 300 rows per unit of statistics target. */
const QUICK_TARGET = 10;

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
