import { newId } from '../db/ids.ts';
import { ConflictError, NotFoundError } from '../errors.ts';
import type { Db, UserTypesTable } from '../db/schema.ts';
import { isUniqueViolation } from './db-errors.ts';
import { nameKey } from './name-key.ts';
import type { UserType } from './types.ts';

function toUserType(row: UserTypesTable): UserType {
  return { id: row.id, name: row.name, createdAt: row.created_at };
}

function nameTaken(): ConflictError {
  return new ConflictError('name_taken', 'A user type with this name already exists');
}

/** Every user type of the organisation, ordered by name. */
export async function listUserTypes(db: Db, orgId: string): Promise<UserType[]> {
  const rows = await db
    .selectFrom('user_types')
    .selectAll()
    .where('org_id', '=', orgId)
    .orderBy('name_key')
    .execute();
  return rows.map(toUserType);
}

/** The user type, or a 404 NotFoundError when it is not in this organisation. */
export async function getUserType(db: Db, orgId: string, id: string): Promise<UserType> {
  const row = await db
    .selectFrom('user_types')
    .selectAll()
    .where('org_id', '=', orgId)
    .where('id', '=', id)
    .executeTakeFirst();
  if (!row) throw new NotFoundError('User type');
  return toUserType(row);
}

async function assertNameFree(
  db: Db,
  orgId: string,
  key: string,
  exceptId?: string,
): Promise<void> {
  let q = db
    .selectFrom('user_types')
    .select('id')
    .where('org_id', '=', orgId)
    .where('name_key', '=', key);
  if (exceptId) q = q.where('id', '!=', exceptId);
  if (await q.executeTakeFirst()) throw nameTaken();
}

/** Creates a user type; names are unique per organisation, case-insensitively (409 `name_taken`). */
export async function createUserType(
  db: Db,
  orgId: string,
  input: { name: string },
  now: Date,
): Promise<UserType> {
  const name = input.name.trim();
  const key = nameKey(name);
  await assertNameFree(db, orgId, key);
  const row: UserTypesTable = {
    id: newId(),
    org_id: orgId,
    name,
    name_key: key,
    created_at: now.toISOString(),
  };
  try {
    await db.insertInto('user_types').values(row).execute();
  } catch (err) {
    if (isUniqueViolation(err)) throw nameTaken();
    throw err;
  }
  return toUserType(row);
}

/** Renames a user type (same uniqueness rule as create). */
export async function renameUserType(
  db: Db,
  orgId: string,
  id: string,
  patch: { name?: string | undefined },
): Promise<UserType> {
  await getUserType(db, orgId, id);
  if (patch.name !== undefined) {
    const name = patch.name.trim();
    const key = nameKey(name);
    await assertNameFree(db, orgId, key, id);
    try {
      await db
        .updateTable('user_types')
        .set({ name, name_key: key })
        .where('org_id', '=', orgId)
        .where('id', '=', id)
        .execute();
    } catch (err) {
      if (isUniqueViolation(err)) throw nameTaken();
      throw err;
    }
  }
  return getUserType(db, orgId, id);
}

/** Deletes a user type; refused (409 `user_type_in_use`) while a membership carries it. */
export async function deleteUserType(db: Db, orgId: string, id: string): Promise<void> {
  await getUserType(db, orgId, id);
  const used = await db
    .selectFrom('membership_user_types')
    .select('membership_id')
    .where('user_type_id', '=', id)
    .limit(1)
    .executeTakeFirst();
  if (used) {
    throw new ConflictError(
      'user_type_in_use',
      'This user type is still given to members: remove it from their memberships first',
    );
  }
  await db.deleteFrom('user_types').where('org_id', '=', orgId).where('id', '=', id).execute();
}
