import { chunks } from '../../db/chunks.ts';
import type { Db } from '../../db/schema.ts';

/*
 * The only writer of `entra_group_members` (direct memberships of the tracked groups, as group
 * delta reports them) and `entra_scope_users` (the users of the chosen groups, transitively).
 * The reconcile only reads the latter, as "in scope".
 */

export interface MemberEdge {
  groupId: string;
  memberId: string;
  type: 'user' | 'group';
}

/** Forgets every stored membership of the integration (a new round from scratch). */
export async function clearMemberships(db: Db, integrationId: string): Promise<void> {
  await db.deleteFrom('entra_group_members').where('integration_id', '=', integrationId).execute();
}

/** Adds memberships; a replayed one changes nothing. */
export async function addMemberships(
  db: Db,
  integrationId: string,
  edges: readonly MemberEdge[],
): Promise<void> {
  for (const batch of chunks(edges, 500)) {
    await db
      .insertInto('entra_group_members')
      .values(
        batch.map((e) => ({
          integration_id: integrationId,
          group_id: e.groupId,
          member_id: e.memberId,
          member_type: e.type,
        })),
      )
      .onConflict((oc) => oc.columns(['integration_id', 'group_id', 'member_id']).doNothing())
      .execute();
  }
}

/** Removes memberships (a member removed, or the group deleted when `memberId` is null). */
export async function removeMemberships(
  db: Db,
  integrationId: string,
  removals: readonly { groupId: string; memberId: string | null }[],
): Promise<void> {
  for (const r of removals) {
    let q = db
      .deleteFrom('entra_group_members')
      .where('integration_id', '=', integrationId)
      .where('group_id', '=', r.groupId);
    if (r.memberId !== null) q = q.where('member_id', '=', r.memberId);
    await q.execute();
  }
}

/** Group → nested group edges (few): the closure is computed from them. */
export async function nestedGroupEdges(
  db: Db,
  integrationId: string,
): Promise<{ groupId: string; memberId: string }[]> {
  const rows = await db
    .selectFrom('entra_group_members')
    .select(['group_id', 'member_id'])
    .where('integration_id', '=', integrationId)
    .where('member_type', '=', 'group')
    .execute();
  return rows.map((r) => ({ groupId: r.group_id, memberId: r.member_id }));
}

/**
 * Makes `entra_scope_users` the users that are direct members of `groups` (the chosen groups
 * and their nested ones). Returns the ids that entered or left, so their mirror rows are
 * reconciled again.
 */
export async function replaceScopeUsers(
  db: Db,
  integrationId: string,
  groups: readonly string[],
): Promise<string[]> {
  const wanted = new Set<string>();
  for (const batch of chunks([...groups], 50)) {
    const rows = await db
      .selectFrom('entra_group_members')
      .select('member_id')
      .where('integration_id', '=', integrationId)
      .where('member_type', '=', 'user')
      .where('group_id', 'in', batch)
      .execute();
    for (const r of rows) wanted.add(r.member_id);
  }
  const current = new Set(
    (
      await db
        .selectFrom('entra_scope_users')
        .select('external_id')
        .where('integration_id', '=', integrationId)
        .execute()
    ).map((r) => r.external_id),
  );
  const entered = [...wanted].filter((id) => !current.has(id));
  const left = [...current].filter((id) => !wanted.has(id));
  for (const batch of chunks(entered, 500)) {
    await db
      .insertInto('entra_scope_users')
      .values(batch.map((external_id) => ({ integration_id: integrationId, external_id })))
      .execute();
  }
  for (const batch of chunks(left, 500)) {
    await db
      .deleteFrom('entra_scope_users')
      .where('integration_id', '=', integrationId)
      .where('external_id', 'in', batch)
      .execute();
  }
  return [...entered, ...left];
}

/** Forgets the scope: memberships and scope users (the scope went back to all users). */
export async function clearScope(db: Db, integrationId: string): Promise<void> {
  await clearMemberships(db, integrationId);
  await db.deleteFrom('entra_scope_users').where('integration_id', '=', integrationId).execute();
}
