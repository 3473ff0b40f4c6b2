import { sql, type Kysely } from 'kysely';

/* eslint-disable @typescript-eslint/no-explicit-any -- migrations run against an untyped schema */

/**
 * The Entra mirror and the reconcile (SPEC §5.12–5.14).
 * - `entra_users.todo`: 0 settled, 1 changed in Entra since the last reconcile, 2 retried every
 *   run (an email conflict, a held deactivation, a manual membership in the way). The partial
 *   index holds only the rows a run must look at, so an idle incremental run reads none.
 * - `entra_users.outcome`: what the last reconcile decided (for the explanation and the guard).
 * - `entra_users.invalid_property`: Graph sent this user with a property of the wrong type;
 *   the last good values are kept and nothing is deactivated because of it.
 * - `entra_users.changed_at`: when Entra last changed the user (as far as the service saw).
 * - `integrations.reconciled_config`: the configuration (settings, unit and user type name
 *   keys) the directory was last reconciled with, as JSON; a change of settings reconciles
 *   every row, a change of names only the rows whose values use those names.
 * The settings-dependent `exclusion` column, `run_seen` (previews now read into the mirror like
 * runs), the unused `checkpoint` and `full_round` columns go.
 */
export function mirrorReconcile() {
  return {
    async up(db: Kysely<any>): Promise<void> {
      await db.schema
        .alterTable('entra_users')
        .addColumn('todo', 'integer', (c) => c.notNull().defaultTo(1))
        .execute();
      await db.schema.alterTable('entra_users').addColumn('outcome', 'text').execute();
      await db.schema.alterTable('entra_users').addColumn('invalid_property', 'text').execute();
      await db.schema.alterTable('entra_users').addColumn('changed_at', 'text').execute();
      await db.schema.alterTable('entra_users').dropColumn('exclusion').execute();
      await sql`create index entra_users_todo on entra_users (integration_id, external_id) where todo <> 0`.execute(
        db,
      );
      await db.schema.alterTable('integrations').addColumn('reconciled_config', 'text').execute();
      await db.schema.alterTable('integrations').dropColumn('full_round').execute();
      await db.schema.alterTable('sync_runs').dropColumn('checkpoint').execute();
      await db.schema.dropTable('run_seen').execute();
    },
  };
}
