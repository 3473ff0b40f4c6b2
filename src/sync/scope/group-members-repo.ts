import { sql } from 'kysely';
import { chunks } from '../../db/chunks.ts';
import type { Db } from '../../db/schema.ts';

/*
 * The only writer of `entra_group_members` (direct memberships of the tracked groups, as group
 * delta reports them), `entra_group_members_round` (the same, staged while a round from scratch
 * is read) and `entra_scope_users` (the users of the chosen groups, transitively). The
 * reconcile only reads the latter, as "in scope".
 */

export interface MemberEdge {
  groupId: string;
  memberId: string;
  type: 'user' | 'group';
}

/** One membership change of a delta page: a member added, or removed (the whole group when `memberId` is null). */
export type MemberOp =
  { add: MemberEdge } | { remove: { groupId: string; memberId: string | null } };

/** Where a page's changes go: the memberships in force, or the round being read from scratch. */
export type MemberTable = 'current' | 'round';

const TABLE = {
  current: 'entra_group_members',
  round: 'entra_group_members_round',
} as const;

/** How many scope users are compared, written and marked per transaction. */
const SCOPE_PAGE = 1000;

/**
 * Applies one page's changes in order (a member removed and added again ends added); a
 * replayed change changes nothing. Consecutive additions go in multi-row inserts.
 */
export async function applyMemberOps(
  db: Db,
  integrationId: string,
  ops: readonly MemberOp[],
  target: MemberTable,
): Promise<void> {
  const table = TABLE[target];
  let adds: MemberEdge[] = [];
  const flush = async () => {
    for (const batch of chunks(adds, 500)) {
      await db
        .insertInto(table)
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
    adds = [];
  };
  for (const op of ops) {
    if ('add' in op) {
      adds.push(op.add);
      continue;
    }
    await flush();
    let q = db
      .deleteFrom(table)
      .where('integration_id', '=', integrationId)
      .where('group_id', '=', op.remove.groupId);
    if (op.remove.memberId !== null) q = q.where('member_id', '=', op.remove.memberId);
    await q.execute();
  }
  await flush();
}

/** Starts a round from scratch: forgets what a round that stopped halfway staged. */
export async function startRound(db: Db, integrationId: string): Promise<void> {
  await db
    .deleteFrom('entra_group_members_round')
    .where('integration_id', '=', integrationId)
    .execute();
}

/**
 * Ends a round from scratch: its staged memberships replace those in force, in one
 * transaction and inside the database (no member list passes through the process).
 */
export async function promoteRound(db: Db, integrationId: string): Promise<void> {
  await db.transaction().execute(async (trx) => {
    await trx
      .deleteFrom('entra_group_members')
      .where('integration_id', '=', integrationId)
      .execute();
    await trx
      .insertInto('entra_group_members')
      .columns(['integration_id', 'group_id', 'member_id', 'member_type'])
      .expression(
        trx
          .selectFrom('entra_group_members_round')
          .select(['integration_id', 'group_id', 'member_id', 'member_type'])
          .where('integration_id', '=', integrationId),
      )
      .execute();
    await startRound(trx, integrationId);
  });
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
 * and their nested ones), a page of users at a time in id order, so memory stays flat however
 * large the groups are. Each page's users that entered or left are handed to `changed` in the
 * same transaction (their mirror rows are marked for reconcile there). Returns how many changed.
 */
export async function replaceScopeUsers(
  db: Db,
  integrationId: string,
  groups: readonly string[],
  changed: (trx: Db, externalIds: string[]) => Promise<void>,
): Promise<number> {
  let count = 0;
  // Users of the scope no member row holds any more: they left.
  for (let after = ''; ;) {
    const left = (
      await db
        .selectFrom('entra_scope_users as s')
        .select('s.external_id')
        .where('s.integration_id', '=', integrationId)
        .where('s.external_id', '>', after)
        // With no group left every scope user leaves.
        .$if(groups.length > 0, (q) =>
          q.where(({ not, exists, selectFrom }) =>
            not(
              exists(
                selectFrom('entra_group_members as m')
                  .select(sql<number>`1`.as('one'))
                  .where('m.integration_id', '=', integrationId)
                  .whereRef('m.member_id', '=', 's.external_id')
                  .where('m.member_type', '=', 'user')
                  .where('m.group_id', 'in', groups),
              ),
            ),
          ),
        )
        .orderBy('s.external_id')
        .limit(SCOPE_PAGE)
        .execute()
    ).map((r) => r.external_id);
    if (left.length === 0) break;
    after = left[left.length - 1] ?? after;
    count += left.length;
    await db.transaction().execute(async (trx) => {
      await trx
        .deleteFrom('entra_scope_users')
        .where('integration_id', '=', integrationId)
        .where('external_id', 'in', left)
        .execute();
      await changed(trx, left);
    });
  }
  if (groups.length === 0) return count;
  // User members of the groups not in the scope yet: they entered.
  for (let after = ''; ;) {
    const entered = (
      await db
        .selectFrom('entra_group_members as m')
        .select('m.member_id')
        .distinct()
        .where('m.integration_id', '=', integrationId)
        .where('m.member_id', '>', after)
        .where('m.member_type', '=', 'user')
        .where('m.group_id', 'in', groups)
        .where(({ not, exists, selectFrom }) =>
          not(
            exists(
              selectFrom('entra_scope_users as s')
                .select(sql<number>`1`.as('one'))
                .where('s.integration_id', '=', integrationId)
                .whereRef('s.external_id', '=', 'm.member_id'),
            ),
          ),
        )
        .orderBy('m.member_id')
        .limit(SCOPE_PAGE)
        .execute()
    ).map((r) => r.member_id);
    if (entered.length === 0) break;
    after = entered[entered.length - 1] ?? after;
    count += entered.length;
    await db.transaction().execute(async (trx) => {
      await trx
        .insertInto('entra_scope_users')
        .values(entered.map((external_id) => ({ integration_id: integrationId, external_id })))
        .execute();
      await changed(trx, entered);
    });
  }
  return count;
}

/** Forgets the scope: memberships, a staged round and scope users (back to all users). */
export async function clearScope(db: Db, integrationId: string): Promise<void> {
  await db.deleteFrom('entra_group_members').where('integration_id', '=', integrationId).execute();
  await startRound(db, integrationId);
  await db.deleteFrom('entra_scope_users').where('integration_id', '=', integrationId).execute();
}
