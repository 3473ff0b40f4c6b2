import { sql, type Kysely } from 'kysely';

/* eslint-disable @typescript-eslint/no-explicit-any -- migrations run against an untyped schema */

/**
 * - `sessions.idle_expires_at`: a session also ends after SESSION_IDLE_MINUTES without a
 *   request; sessions open at upgrade time keep their absolute expiry as idle deadline.
 * - `login_limits`: sign-in attempt counters (per client address, per account+address),
 *   in the database so every process shares them and flooding cannot evict one.
 */
export function sessionsIdleLoginLimits() {
  return {
    async up(db: Kysely<any>): Promise<void> {
      await db.schema
        .alterTable('sessions')
        .addColumn('idle_expires_at', 'text', (c) => c.notNull().defaultTo(''))
        .execute();
      await sql`update sessions set idle_expires_at = expires_at`.execute(db);
      await db.schema
        .createIndex('sessions_expiry')
        .on('sessions')
        .columns(['expires_at'])
        .execute();

      await db.schema
        .createTable('login_limits')
        .addColumn('key', 'text', (c) => c.primaryKey())
        .addColumn('window_start', 'text', (c) => c.notNull())
        .addColumn('hits', 'integer', (c) => c.notNull())
        .execute();
      await db.schema
        .createIndex('login_limits_window')
        .on('login_limits')
        .column('window_start')
        .execute();
    },
  };
}
