import { newId } from '../db/ids.ts';
import { ConflictError, NotFoundError, ValidationError } from '../errors.ts';
import type { Db } from '../db/schema.ts';
import { refreshAssigned } from './assignment.ts';
import { inListChunks } from '../db/chunks.ts';
import { isUniqueViolation } from './db-errors.ts';
import { withTransaction } from './transaction.ts';
import type { Membership } from './types.ts';
import { findUnit } from './units.ts';
import { getUser } from './users.ts';

/**
 * The memberships of many users in one round trip per 500 users (no N+1 when a page of
 * users is read). Users without memberships map to an empty list.
 */
export async function loadMemberships(
  db: Db,
  userIds: readonly string[],
): Promise<Map<string, Membership[]>> {
  const byUser = new Map<string, Membership[]>();
  for (const id of userIds) byUser.set(id, []);
  for (const ids of inListChunks(db, [...new Set(userIds)], 1000)) {
    const rows = await db
      .selectFrom('memberships as m')
      .leftJoin('membership_user_types as t', 't.membership_id', 'm.id')
      .select(['m.id', 'm.user_id', 'm.unit_id', 'm.managed_by', 't.user_type_id'])
      .where('m.user_id', 'in', ids)
      .orderBy('m.created_at')
      .orderBy('m.id')
      .execute();
    const byMembership = new Map<string, Membership>();
    for (const row of rows) {
      let membership = byMembership.get(row.id);
      if (!membership) {
        membership = { unitId: row.unit_id, userTypeIds: [], managedBy: row.managed_by };
        byMembership.set(row.id, membership);
        byUser.get(row.user_id)?.push(membership);
      }
      if (row.user_type_id !== null) membership.userTypeIds.push(row.user_type_id);
    }
  }
  for (const list of byUser.values()) for (const m of list) m.userTypeIds.sort();
  return byUser;
}

function managedConflict(): ConflictError {
  return new ConflictError(
    'membership_managed',
    'This membership is managed by an integration: change it in Entra ID, not here',
  );
}

async function requireUserTypes(db: Db, orgId: string, ids: readonly string[]): Promise<void> {
  if (ids.length === 0) return;
  const found = await db
    .selectFrom('user_types')
    .select('id')
    .where('org_id', '=', orgId)
    .where('id', 'in', ids)
    .execute();
  if (found.length !== ids.length) {
    throw new ValidationError('Unknown user type', [
      {
        field: 'userTypeIds',
        message: 'contains an id that is not a user type of your organisation',
      },
    ]);
  }
}

/**
 * Creates or replaces the manual membership of a user in a unit with exactly these user
 * types (possibly none). Refuses (409 `membership_managed`) to touch a membership managed by
 * an integration. Keeps `users.assigned` right in the same transaction.
 */
export async function setManualMembership(
  db: Db,
  orgId: string,
  input: { userId: string; unitId: string; userTypeIds: readonly string[] },
  now: Date,
): Promise<void> {
  const typeIds = [...new Set(input.userTypeIds)];
  await withTransaction(db, async (trx) => {
    await getUser(trx, orgId, input.userId);
    if (!(await findUnit(trx, orgId, input.unitId))) throw new NotFoundError('Unit');
    await requireUserTypes(trx, orgId, typeIds);
    const existing = await trx
      .selectFrom('memberships')
      .select(['id', 'managed_by'])
      .where('user_id', '=', input.userId)
      .where('unit_id', '=', input.unitId)
      .executeTakeFirst();
    if (existing && existing.managed_by !== null) throw managedConflict();
    let membershipId: string;
    if (existing) {
      membershipId = existing.id;
      await trx
        .deleteFrom('membership_user_types')
        .where('membership_id', '=', membershipId)
        .execute();
    } else {
      membershipId = newId();
      try {
        await trx
          .insertInto('memberships')
          .values({
            id: membershipId,
            user_id: input.userId,
            unit_id: input.unitId,
            managed_by: null,
            created_at: now.toISOString(),
          })
          .execute();
      } catch (err) {
        if (isUniqueViolation(err)) {
          throw new ConflictError('membership_conflict', 'The membership changed meanwhile: retry');
        }
        throw err;
      }
    }
    if (typeIds.length > 0) {
      await trx
        .insertInto('membership_user_types')
        .values(typeIds.map((t) => ({ membership_id: membershipId, user_type_id: t })))
        .execute();
    }
    await refreshAssigned(trx, [input.userId]);
  });
}

/** Deletes a manual membership (404 when absent, 409 `membership_managed` when managed). */
export async function deleteManualMembership(
  db: Db,
  orgId: string,
  input: { userId: string; unitId: string },
): Promise<void> {
  await withTransaction(db, async (trx) => {
    await getUser(trx, orgId, input.userId);
    const existing = await trx
      .selectFrom('memberships')
      .select(['id', 'managed_by'])
      .where('user_id', '=', input.userId)
      .where('unit_id', '=', input.unitId)
      .executeTakeFirst();
    if (!existing) throw new NotFoundError('Membership');
    if (existing.managed_by !== null) throw managedConflict();
    await trx.deleteFrom('memberships').where('id', '=', existing.id).execute();
    await refreshAssigned(trx, [input.userId]);
  });
}
