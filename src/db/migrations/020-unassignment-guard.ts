import type { Kysely } from 'kysely';

/* eslint-disable @typescript-eslint/no-explicit-any -- migrations run against an untyped schema */

/**
 * The unassignment guard (issue 17). `integrations.unassignment_threshold`: null is the
 * default (100 users or 10% of the integration's linked users, whichever is lower), 0 turns
 * the guard off. `sync_runs.held_unassignments`: how many managed membership removals a run
 * held back, beside `held_deletions`.
 */
export function unassignmentGuard() {
  return {
    async up(db: Kysely<any>): Promise<void> {
      await db.schema
        .alterTable('integrations')
        .addColumn('unassignment_threshold', 'integer')
        .execute();
      await db.schema
        .alterTable('sync_runs')
        .addColumn('held_unassignments', 'integer', (c) => c.notNull().defaultTo(0))
        .execute();
    },
  };
}
