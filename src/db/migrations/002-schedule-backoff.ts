import { sql, type Kysely } from 'kysely';

/* eslint-disable @typescript-eslint/no-explicit-any -- migrations run against an untyped schema */

/**
 * `integrations.schedule_failures`: the credential failure count the stored `next_run_at`
 * was computed for. The engine moves `credential_failures` (up on a credential failure, to
 * 0 on success or when the credentials change); the scheduler notices the difference with
 * one indexed query and reschedules: backs off, or resumes once the settings are fixed.
 * The partial index holds only the few rows whose schedule is out of date.
 */
export function scheduleBackoff() {
  return {
    async up(db: Kysely<any>): Promise<void> {
      await db.schema
        .alterTable('integrations')
        .addColumn('schedule_failures', 'integer', (c) => c.notNull().defaultTo(0))
        .execute();
      await sql`create index integrations_schedule_stale on integrations (id) where schedule_failures <> credential_failures`.execute(
        db,
      );
    },
  };
}
