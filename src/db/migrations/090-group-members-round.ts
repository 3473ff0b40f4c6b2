import type { Kysely } from 'kysely';

/* eslint-disable @typescript-eslint/no-explicit-any -- migrations run against an untyped schema */

/**
 * Issue 14, memory of the first membership round: `entra_group_members_round` holds the direct
 * memberships of a group delta round read from scratch, written page by page while the round
 * runs, so no process holds every member id of a large group. When the round ends they replace
 * `entra_group_members` in one transaction; a round that fails halfway leaves the previous
 * memberships in force and its staged rows are cleared when the next round starts. Owned by
 * sync/scope/group-members-repo.ts.
 * The index on (integration_id, member_id) lets the scope's users be compared with the
 * memberships a page at a time in member order, instead of loading both sets.
 */
export function groupMembersRound() {
  return {
    async up(db: Kysely<any>): Promise<void> {
      await db.schema
        .createTable('entra_group_members_round')
        .addColumn('integration_id', 'text', (c) =>
          c.notNull().references('integrations.id').onDelete('cascade'),
        )
        .addColumn('group_id', 'text', (c) => c.notNull())
        .addColumn('member_id', 'text', (c) => c.notNull())
        .addColumn('member_type', 'text', (c) => c.notNull())
        .addPrimaryKeyConstraint('entra_group_members_round_pk', [
          'integration_id',
          'group_id',
          'member_id',
        ])
        .execute();
      await db.schema
        .createIndex('entra_group_members_member_idx')
        .on('entra_group_members')
        .columns(['integration_id', 'member_id'])
        .execute();
    },
  };
}
