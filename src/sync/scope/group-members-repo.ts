import { sql, type Expression, type Kysely } from 'kysely';
import { chunks } from '../../db/chunks.ts';
import type { Database, Db } from '../../db/schema.ts';

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
 * and their nested ones), set-based in one transaction, so memory stays flat however large the
 * groups are. The users that entered or left are handed to `mark` first, as a query of their
 * ids (their mirror rows are marked for reconcile in the same transaction).
 */
export async function replaceScopeUsers(
  db: Kysely<Database>,
  integrationId: string,
  groups: readonly string[],
  mark: (trx: Db, externalIds: Expression<string>) => Promise<void>,
): Promise<void> {
  await db.transaction().execute(async (trx) => {
    // A user member of the groups (with no group, nobody is).
    const member = (id: Expression<string>) =>
      trx
        .selectFrom('entra_group_members as m')
        .select(sql<number>`1`.as('one'))
        .where('m.integration_id', '=', integrationId)
        .where('m.member_id', '=', id)
        .where('m.member_type', '=', 'user')
        .where(
          groups.length ? sql<boolean>`m.group_id in (${sql.join(groups)})` : sql<boolean>`1 = 0`,
        );
    const inScope = (id: Expression<string>) =>
      trx
        .selectFrom('entra_scope_users as s')
        .select(sql<number>`1`.as('one'))
        .where('s.integration_id', '=', integrationId)
        .where('s.external_id', '=', id);
    const left = trx
      .selectFrom('entra_scope_users as l')
      .select('l.external_id')
      .where('l.integration_id', '=', integrationId)
      .where(({ not, exists, ref }) => not(exists(member(ref('l.external_id')))));
    const entered = trx
      .selectFrom('entra_group_members as e')
      .select('e.member_id')
      .distinct()
      .where('e.integration_id', '=', integrationId)
      .where('e.member_type', '=', 'user')
      .where(
        groups.length ? sql<boolean>`e.group_id in (${sql.join(groups)})` : sql<boolean>`1 = 0`,
      )
      .where(({ not, exists, ref }) => not(exists(inScope(ref('e.member_id')))));
    // Embedded as a subquery: `external_id in (select …)`.
    await mark(trx, sql<string>`${left}`);
    await mark(trx, sql<string>`${entered}`);
    await trx
      .deleteFrom('entra_scope_users')
      .where('integration_id', '=', integrationId)
      .where(({ not, exists, ref }) => not(exists(member(ref('entra_scope_users.external_id')))))
      .execute();
    await trx
      .insertInto('entra_scope_users')
      .columns(['integration_id', 'external_id'])
      .expression(
        trx
          .selectFrom('entra_group_members as e')
          .select([sql.lit(integrationId).as('integration_id'), 'e.member_id'])
          .distinct()
          .where('e.integration_id', '=', integrationId)
          .where('e.member_type', '=', 'user')
          .where(
            groups.length ? sql<boolean>`e.group_id in (${sql.join(groups)})` : sql<boolean>`1 = 0`,
          )
          .where(({ not, exists, ref }) => not(exists(inScope(ref('e.member_id'))))),
      )
      .execute();
  });
}

/** Forgets the scope: memberships, a staged round and scope users (back to all users). */
export async function clearScope(db: Db, integrationId: string): Promise<void> {
  await db.deleteFrom('entra_group_members').where('integration_id', '=', integrationId).execute();
  await startRound(db, integrationId);
  await db.deleteFrom('entra_scope_users').where('integration_id', '=', integrationId).execute();
}
