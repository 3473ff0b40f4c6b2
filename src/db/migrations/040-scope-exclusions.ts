import { sql, type Kysely } from 'kysely';

/* eslint-disable @typescript-eslint/no-explicit-any -- migrations run against an untyped schema */

/**
 * Scope and exclusion rules, more match fields (issue 14).
 * - `integrations.exclusion_rules`: JSON list of `{field, operator, value}`; `[]` = none.
 * - Group scope: `integrations.scope_mode` ('all' | 'groups'), `scope_groups` (JSON
 *   [{id, displayName}] chosen), `scope_loaded` (JSON sorted ids the stored memberships were
 *   read for; null = none), `group_delta_link` and `group_delta_groups` (the groups, chosen and
 *   nested, that link tracks). `entra_group_members`: direct memberships (users and nested
 *   groups) as group delta reports them; `entra_scope_users`: the users of the chosen groups,
 *   transitively, which the reconcile reads as "in scope". Both owned by sync/scope.
 * - The user `$select` now names `employeeType, employeeOrgData, onPremisesExtensionAttributes`.
 *   Graph encodes the query of the first delta request into its links (api/user-delta.md:
 *   "query parameters only in the initial request"), so a stored deltaLink keeps returning the
 *   old property set: every integration with one starts a new round (a full run) once.
 */
export function scopeExclusions() {
  return {
    async up(db: Kysely<any>): Promise<void> {
      await db.schema
        .alterTable('integrations')
        .addColumn('exclusion_rules', 'text', (c) => c.notNull().defaultTo('[]'))
        .execute();
      for (const [name, def] of [
        ['scope_mode', "'all'"],
        ['scope_groups', "'[]'"],
      ] as const) {
        await db.schema
          .alterTable('integrations')
          .addColumn(name, 'text', (c) => c.notNull().defaultTo(sql.raw(def)))
          .execute();
      }
      for (const name of ['scope_loaded', 'group_delta_link', 'group_delta_groups']) {
        await db.schema.alterTable('integrations').addColumn(name, 'text').execute();
      }
      await db.schema
        .createTable('entra_group_members')
        .addColumn('integration_id', 'text', (c) =>
          c.notNull().references('integrations.id').onDelete('cascade'),
        )
        .addColumn('group_id', 'text', (c) => c.notNull())
        .addColumn('member_id', 'text', (c) => c.notNull())
        .addColumn('member_type', 'text', (c) => c.notNull())
        .addPrimaryKeyConstraint('entra_group_members_pk', [
          'integration_id',
          'group_id',
          'member_id',
        ])
        .execute();
      await db.schema
        .createTable('entra_scope_users')
        .addColumn('integration_id', 'text', (c) =>
          c.notNull().references('integrations.id').onDelete('cascade'),
        )
        .addColumn('external_id', 'text', (c) => c.notNull())
        .addPrimaryKeyConstraint('entra_scope_users_pk', ['integration_id', 'external_id'])
        .execute();
      await db
        .updateTable('integrations')
        .set({ full_sync_required: 1 })
        .where('delta_link', 'is not', null)
        .execute();
    },
  };
}
