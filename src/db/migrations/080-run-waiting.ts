import type { Kysely } from 'kysely';

/* eslint-disable @typescript-eslint/no-explicit-any -- migrations run against an untyped schema */

/**
 * Why a run is waiting on Microsoft (issue 17): while the Graph client waits out a 429
 * (Retry-After) or a 503/504, `sync_runs.waiting_reason` says so (`throttled`,
 * `unavailable`) and `waiting_until` when the next attempt goes out, so the run page can say
 * "waiting for Microsoft Graph: throttled, retrying in 12 s" instead of looking stuck.
 * Cleared by the next page read and when the run ends.
 */
export function runWaiting() {
  return {
    async up(db: Kysely<any>): Promise<void> {
      await db.schema.alterTable('sync_runs').addColumn('waiting_reason', 'text').execute();
      await db.schema.alterTable('sync_runs').addColumn('waiting_until', 'text').execute();
    },
  };
}
