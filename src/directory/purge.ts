import type { Db } from '../db/schema.ts';

const PURGE_CHUNK = 500;

/**
 * Permanently deletes users whose retention ended (`purge_after < now`); their memberships
 * go with them (ON DELETE CASCADE). Works in chunks of 500 so a large purge never holds one
 * long write lock. Returns the number of users deleted.
 */
export async function purgeDeactivatedUsers(db: Db, now: Date): Promise<number> {
  const cutoff = now.toISOString();
  let total = 0;
  for (;;) {
    const ids = await db
      .selectFrom('users')
      .select('id')
      .where('status', '=', 'deactivated')
      .where('purge_after', '<', cutoff)
      .limit(PURGE_CHUNK)
      .execute();
    if (ids.length === 0) return total;
    const result = await db
      .deleteFrom('users')
      .where(
        'id',
        'in',
        ids.map((r) => r.id),
      )
      // Re-checked so a user reactivated since the select is never deleted.
      .where('status', '=', 'deactivated')
      .where('purge_after', '<', cutoff)
      .executeTakeFirst();
    total += Number(result.numDeletedRows);
    if (ids.length < PURGE_CHUNK) return total;
  }
}
