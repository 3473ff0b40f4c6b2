import type { Kysely } from 'kysely';

/* eslint-disable @typescript-eslint/no-explicit-any -- migrations run against an untyped schema */

/**
 * Scope and exclusion rules, more match fields (issue 14).
 * - `integrations.exclusion_rules`: JSON list of `{field, operator, value}`; `[]` = none.
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
      await db
        .updateTable('integrations')
        .set({ full_sync_required: 1 })
        .where('delta_link', 'is not', null)
        .execute();
    },
  };
}
