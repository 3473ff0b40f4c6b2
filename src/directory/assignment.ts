import type { Db } from '../db/schema.ts';
import { chunks } from '../db/chunks.ts';

/**
 * Recomputes `users.assigned` ("has at least one membership with at least one user type")
 * for the given users with one set-based UPDATE per chunk of 500 ids. Call it in the same
 * transaction as any membership change so the Unassigned listing stays an index lookup.
 */
export async function refreshAssigned(db: Db, userIds: readonly string[]): Promise<void> {
  const unique = [...new Set(userIds)];
  for (const ids of chunks(unique, 500)) {
    await db
      .updateTable('users')
      .set((eb) => ({
        assigned: eb
          .case()
          .when(
            eb.exists(
              eb
                .selectFrom('memberships as m')
                .innerJoin('membership_user_types as t', 't.membership_id', 'm.id')
                .select('m.id')
                .whereRef('m.user_id', '=', 'users.id'),
            ),
          )
          .then(1)
          .else(0)
          .end(),
      }))
      .where('id', 'in', ids)
      .execute();
  }
}
