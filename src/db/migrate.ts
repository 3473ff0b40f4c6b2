import { Migrator, type Migration, type MigrationProvider } from 'kysely';
import type { DatabaseHandle, DialectKind } from './connect.ts';
import { initial } from './migrations/001-initial.ts';
import { scheduleBackoff } from './migrations/002-schedule-backoff.ts';
import { sessionsIdleLoginLimits } from './migrations/003-sessions-idle-login-limits.ts';
import { mirrorReconcile } from './migrations/005-mirror-reconcile.ts';
import { apiTokensAudit } from './migrations/010-api-tokens-audit.ts';
import { unassignmentGuard } from './migrations/020-unassignment-guard.ts';
import { userSearchKey } from './migrations/030-user-search-key.ts';
import { scopeExclusions } from './migrations/040-scope-exclusions.ts';
import { graphSubscriptions } from './migrations/050-graph-subscriptions.ts';
import { runWaiting } from './migrations/080-run-waiting.ts';
import { groupMembersRound } from './migrations/090-group-members-round.ts';
import { listingPartitions } from './migrations/100-listing-partitions.ts';
import { mirrorWritePath } from './migrations/120-mirror-write-path.ts';

/** Migrations in order. Append only: never edit one that has shipped. */
function migrations(dialect: DialectKind): Record<string, Migration> {
  return {
    '001-initial': initial(dialect),
    '002-schedule-backoff': scheduleBackoff(),
    '003-sessions-idle-login-limits': sessionsIdleLoginLimits(),
    '005-mirror-reconcile': mirrorReconcile(),
    '010-api-tokens-audit': apiTokensAudit(),
    '020-unassignment-guard': unassignmentGuard(),
    '030-user-search-key': userSearchKey(dialect),
    '040-scope-exclusions': scopeExclusions(),
    '050-graph-subscriptions': graphSubscriptions(),
    '080-run-waiting': runWaiting(),
    '090-group-members-round': groupMembersRound(),
    '100-listing-partitions': listingPartitions(dialect),
    '120-mirror-write-path': mirrorWritePath(),
  };
}

class StaticProvider implements MigrationProvider {
  constructor(private readonly dialect: DialectKind) {}
  async getMigrations(): Promise<Record<string, Migration>> {
    return migrations(this.dialect);
  }
}

/** Applies pending migrations; returns the names applied. Throws with the failing name. */
export async function migrateToLatest(handle: DatabaseHandle): Promise<string[]> {
  const migrator = new Migrator({ db: handle.db, provider: new StaticProvider(handle.dialect) });
  const { error, results } = await migrator.migrateToLatest();
  const failed = results?.find((r) => r.status === 'Error');
  if (error) {
    const why = error instanceof Error ? error.message : String(error);
    throw new Error(`Migration ${failed?.migrationName ?? '(unknown)'} failed: ${why}`);
  }
  return (results ?? []).filter((r) => r.status === 'Success').map((r) => r.migrationName);
}
