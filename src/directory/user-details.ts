import type { Db } from '../db/schema.ts';
import { loadMemberships } from './memberships.ts';
import type { UserWithMemberships } from './types.ts';
import { getUser } from './users.ts';

/** The user with its memberships, or a 404 NotFoundError. */
export async function getUserWithMemberships(
  db: Db,
  orgId: string,
  id: string,
): Promise<UserWithMemberships> {
  const user = await getUser(db, orgId, id);
  const memberships = await loadMemberships(db, [id]);
  return { ...user, memberships: memberships.get(id) ?? [] };
}
