import type { Kysely } from 'kysely';

/* eslint-disable @typescript-eslint/no-explicit-any -- migrations run against an untyped schema */

/**
 * Fewer index entries per mirror write (issue 12). `entra_users_run` (integration_id,
 * last_run_id) was updated for every row of every full round, and on PostgreSQL every
 * update of a mirror row (the reconcile's outcome) added an entry to it as well. Its only
 * readers are the end of a full round (`last_run_id <> run`, which an index on equality does
 * not serve) and a full round started again after a crash, which now read the integration's
 * rows through the primary key instead.
 */
export function mirrorWritePath() {
  return {
    async up(db: Kysely<any>): Promise<void> {
      await db.schema.dropIndex('entra_users_run').execute();
    },
  };
}
