import { sql, type Kysely } from 'kysely';
import type { DialectKind } from '../connect.ts';

/* eslint-disable @typescript-eslint/no-explicit-any -- migrations run against an untyped schema */

/** The whole first schema: directory, sign-in, integrations, Entra snapshot, runs. */
export function initial(dialect: DialectKind) {
  return {
    async up(db: Kysely<any>): Promise<void> {
      await db.schema
        .createTable('organizations')
        .addColumn('id', 'text', (c) => c.primaryKey())
        .addColumn('name', 'text', (c) => c.notNull().unique())
        .addColumn('created_at', 'text', (c) => c.notNull())
        .execute();

      await db.schema
        .createTable('admins')
        .addColumn('id', 'text', (c) => c.primaryKey())
        .addColumn('org_id', 'text', (c) =>
          c.notNull().references('organizations.id').onDelete('cascade'),
        )
        .addColumn('email', 'text', (c) => c.notNull().unique())
        .addColumn('password_hash', 'text', (c) => c.notNull())
        .addColumn('created_at', 'text', (c) => c.notNull())
        .execute();

      await db.schema
        .createTable('sessions')
        .addColumn('token_hash', 'text', (c) => c.primaryKey())
        .addColumn('admin_id', 'text', (c) =>
          c.notNull().references('admins.id').onDelete('cascade'),
        )
        .addColumn('created_at', 'text', (c) => c.notNull())
        .addColumn('expires_at', 'text', (c) => c.notNull())
        .execute();
      await db.schema.createIndex('sessions_admin').on('sessions').column('admin_id').execute();

      await db.schema
        .createTable('units')
        .addColumn('id', 'text', (c) => c.primaryKey())
        .addColumn('org_id', 'text', (c) =>
          c.notNull().references('organizations.id').onDelete('cascade'),
        )
        .addColumn('name', 'text', (c) => c.notNull())
        .addColumn('name_key', 'text', (c) => c.notNull())
        .addColumn('parent_id', 'text', (c) => c.references('units.id'))
        .addColumn('created_at', 'text', (c) => c.notNull())
        .execute();
      await db.schema
        .createIndex('units_org_name')
        .on('units')
        .columns(['org_id', 'name_key'])
        .execute();
      await db.schema.createIndex('units_parent').on('units').column('parent_id').execute();

      await db.schema
        .createTable('user_types')
        .addColumn('id', 'text', (c) => c.primaryKey())
        .addColumn('org_id', 'text', (c) =>
          c.notNull().references('organizations.id').onDelete('cascade'),
        )
        .addColumn('name', 'text', (c) => c.notNull())
        .addColumn('name_key', 'text', (c) => c.notNull())
        .addColumn('created_at', 'text', (c) => c.notNull())
        .addUniqueConstraint('user_types_org_name', ['org_id', 'name_key'])
        .execute();

      await db.schema
        .createTable('integrations')
        .addColumn('id', 'text', (c) => c.primaryKey())
        .addColumn('org_id', 'text', (c) =>
          c.notNull().references('organizations.id').onDelete('cascade'),
        )
        .addColumn('name', 'text', (c) => c.notNull())
        .addColumn('application_id', 'text', (c) => c.notNull())
        .addColumn('tenant_id', 'text', (c) => c.notNull())
        .addColumn('secret_ciphertext', 'text')
        .addColumn('secret_expires_at', 'text')
        .addColumn('unit_field', 'text', (c) => c.notNull())
        .addColumn('user_type_field', 'text', (c) => c.notNull())
        .addColumn('enabled', 'integer', (c) => c.notNull())
        .addColumn('cloud', 'text', (c) => c.notNull())
        .addColumn('deactivate_disabled_users', 'integer', (c) => c.notNull())
        .addColumn('include_guests', 'integer', (c) => c.notNull())
        .addColumn('deletion_threshold', 'integer', (c) => c.notNull())
        .addColumn('sync_interval_minutes', 'integer', (c) => c.notNull())
        .addColumn('delta_link', 'text')
        .addColumn('full_sync_required', 'integer', (c) => c.notNull().defaultTo(1))
        .addColumn('full_round', 'integer', (c) => c.notNull().defaultTo(0))
        .addColumn('next_run_at', 'text')
        .addColumn('credential_failures', 'integer', (c) => c.notNull().defaultTo(0))
        .addColumn('attention_message', 'text')
        .addColumn('created_at', 'text', (c) => c.notNull())
        .addColumn('updated_at', 'text', (c) => c.notNull())
        .execute();
      await db.schema.createIndex('integrations_org').on('integrations').column('org_id').execute();
      await db.schema
        .createIndex('integrations_due')
        .on('integrations')
        .columns(['enabled', 'next_run_at'])
        .execute();

      await db.schema
        .createTable('users')
        .addColumn('id', 'text', (c) => c.primaryKey())
        .addColumn('org_id', 'text', (c) =>
          c.notNull().references('organizations.id').onDelete('cascade'),
        )
        .addColumn('first_name', 'text', (c) => c.notNull())
        .addColumn('last_name', 'text', (c) => c.notNull())
        .addColumn('email', 'text', (c) => c.notNull())
        .addColumn('status', 'text', (c) => c.notNull())
        .addColumn('deactivated_at', 'text')
        .addColumn('deactivation_reason', 'text')
        .addColumn('purge_after', 'text')
        // No foreign key: deleting an integration keeps its users (they stay, unlinked).
        .addColumn('source_integration_id', 'text')
        .addColumn('source_external_id', 'text')
        .addColumn('assigned', 'integer', (c) => c.notNull().defaultTo(0))
        .addColumn('created_at', 'text', (c) => c.notNull())
        .addColumn('updated_at', 'text', (c) => c.notNull())
        .addUniqueConstraint('users_org_email', ['org_id', 'email'])
        .execute();
      await db.schema
        .createIndex('users_source')
        .on('users')
        .columns(['source_integration_id', 'source_external_id'])
        .unique()
        .execute();
      // Serves the All / Unassigned / Deactivated listings with keyset paging on id.
      await db.schema
        .createIndex('users_listing')
        .on('users')
        .columns(['org_id', 'status', 'assigned', 'id'])
        .execute();
      await db.schema.createIndex('users_org_id').on('users').columns(['org_id', 'id']).execute();
      await db.schema
        .createIndex('users_purge')
        .on('users')
        .columns(['status', 'purge_after'])
        .execute();

      await db.schema
        .createTable('memberships')
        .addColumn('id', 'text', (c) => c.primaryKey())
        .addColumn('user_id', 'text', (c) => c.notNull().references('users.id').onDelete('cascade'))
        .addColumn('unit_id', 'text', (c) => c.notNull().references('units.id'))
        .addColumn('managed_by', 'text')
        .addColumn('created_at', 'text', (c) => c.notNull())
        .addUniqueConstraint('memberships_user_unit', ['user_id', 'unit_id'])
        .execute();
      await db.schema.createIndex('memberships_unit').on('memberships').column('unit_id').execute();

      await db.schema
        .createTable('membership_user_types')
        .addColumn('membership_id', 'text', (c) =>
          c.notNull().references('memberships.id').onDelete('cascade'),
        )
        .addColumn('user_type_id', 'text', (c) => c.notNull().references('user_types.id'))
        .addPrimaryKeyConstraint('membership_user_types_pk', ['membership_id', 'user_type_id'])
        .execute();
      await db.schema
        .createIndex('membership_user_types_type')
        .on('membership_user_types')
        .column('user_type_id')
        .execute();

      await db.schema
        .createTable('entra_users')
        .addColumn('integration_id', 'text', (c) =>
          c.notNull().references('integrations.id').onDelete('cascade'),
        )
        .addColumn('external_id', 'text', (c) => c.notNull())
        .addColumn('email', 'text')
        .addColumn('data', 'text', (c) => c.notNull())
        .addColumn('removed', 'integer', (c) => c.notNull().defaultTo(0))
        .addColumn('removed_reason', 'text')
        // The last run that saw this user, and why it is out of scope then (null = in scope):
        // a full run finds deletions as linked users its run did not mark.
        .addColumn('last_run_id', 'text')
        .addColumn('exclusion', 'text')
        .addColumn('updated_at', 'text', (c) => c.notNull())
        .addPrimaryKeyConstraint('entra_users_pk', ['integration_id', 'external_id'])
        .execute();
      await db.schema
        .createIndex('entra_users_email')
        .on('entra_users')
        .columns(['integration_id', 'email'])
        .execute();
      await db.schema
        .createIndex('entra_users_run')
        .on('entra_users')
        .columns(['integration_id', 'last_run_id'])
        .execute();

      await db.schema
        .createTable('sync_runs')
        .addColumn('id', 'text', (c) => c.primaryKey())
        .addColumn('integration_id', 'text', (c) =>
          c.notNull().references('integrations.id').onDelete('cascade'),
        )
        .addColumn('org_id', 'text', (c) => c.notNull())
        .addColumn('trigger', 'text', (c) => c.notNull())
        .addColumn('mode', 'text', (c) => c.notNull())
        .addColumn('dry_run', 'integer', (c) => c.notNull())
        .addColumn('status', 'text', (c) => c.notNull())
        .addColumn('queued_at', 'text', (c) => c.notNull())
        .addColumn('started_at', 'text')
        .addColumn('finished_at', 'text')
        .addColumn('worker_id', 'text')
        .addColumn('heartbeat_at', 'text')
        .addColumn('users_read', 'integer', (c) => c.notNull().defaultTo(0))
        .addColumn('pages', 'integer', (c) => c.notNull().defaultTo(0))
        .addColumn('created', 'integer', (c) => c.notNull().defaultTo(0))
        .addColumn('updated', 'integer', (c) => c.notNull().defaultTo(0))
        .addColumn('linked', 'integer', (c) => c.notNull().defaultTo(0))
        .addColumn('deactivated', 'integer', (c) => c.notNull().defaultTo(0))
        .addColumn('reactivated', 'integer', (c) => c.notNull().defaultTo(0))
        .addColumn('unchanged', 'integer', (c) => c.notNull().defaultTo(0))
        .addColumn('skipped', 'integer', (c) => c.notNull().defaultTo(0))
        .addColumn('unassigned', 'integer', (c) => c.notNull().defaultTo(0))
        .addColumn('held_deletions', 'integer', (c) => c.notNull().defaultTo(0))
        .addColumn('checkpoint', 'text')
        .addColumn('error_code', 'text')
        .addColumn('error_message', 'text')
        .addColumn('notes', 'text')
        .execute();
      await db.schema
        .createIndex('sync_runs_integration')
        .on('sync_runs')
        .columns(['integration_id', 'queued_at'])
        .execute();
      await db.schema
        .createIndex('sync_runs_status')
        .on('sync_runs')
        .columns(['status', 'heartbeat_at'])
        .execute();
      // At most one active run per integration, enforced by the database on every process.
      await sql`create unique index sync_runs_one_active on sync_runs (integration_id) where status in ('queued', 'running')`.execute(
        db,
      );

      // Entra object ids seen by a preview (dry run) in its round, with why each is out of
      // scope (null = present): a preview must not mark entra_users, so its deletion
      // detection joins against this instead. Rows are removed when the run ends.
      await db.schema
        .createTable('run_seen')
        .addColumn('run_id', 'text', (c) =>
          c.notNull().references('sync_runs.id').onDelete('cascade'),
        )
        .addColumn('external_id', 'text', (c) => c.notNull())
        .addColumn('exclusion', 'text')
        .addPrimaryKeyConstraint('run_seen_pk', ['run_id', 'external_id'])
        .execute();

      await db.schema
        .createTable('run_changes')
        .addColumn('seq', dialect === 'postgres' ? 'bigserial' : 'integer', (c) =>
          dialect === 'postgres' ? c.primaryKey() : c.primaryKey().autoIncrement(),
        )
        .addColumn('run_id', 'text', (c) =>
          c.notNull().references('sync_runs.id').onDelete('cascade'),
        )
        .addColumn('external_id', 'text')
        .addColumn('user_id', 'text')
        .addColumn('action', 'text', (c) => c.notNull())
        .addColumn('subject', 'text', (c) => c.notNull())
        .addColumn('details', 'text', (c) => c.notNull())
        .addColumn('created_at', 'text', (c) => c.notNull())
        .execute();
      await db.schema
        .createIndex('run_changes_run')
        .on('run_changes')
        .columns(['run_id', 'seq'])
        .execute();
    },
  };
}
