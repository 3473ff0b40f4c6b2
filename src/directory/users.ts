import { newId } from '../db/ids.ts';
import { ConflictError, NotFoundError } from '../errors.ts';
import type { Selectable, Updateable } from 'kysely';
import type { Db, UsersTable } from '../db/schema.ts';
import { isUniqueViolation } from './db-errors.ts';
import { normaliseEmail } from './email.ts';
import type { DirectoryHooks } from './hooks.ts';
import { purgeDateFor } from './retention.ts';
import { searchKey } from './search-key.ts';
import { withTransaction } from './transaction.ts';
import type { User } from './types.ts';

/** Maps a `users` row to the domain type. */
export function toUser(row: Selectable<UsersTable>): User {
  return {
    id: row.id,
    orgId: row.org_id,
    firstName: row.first_name,
    lastName: row.last_name,
    email: row.email,
    status: row.status,
    deactivatedAt: row.deactivated_at,
    deactivationReason: row.deactivation_reason,
    purgeAfter: row.purge_after,
    source:
      row.source_integration_id !== null && row.source_external_id !== null
        ? { integrationId: row.source_integration_id, externalId: row.source_external_id }
        : null,
    assigned: row.assigned === 1,
    createdAt: row.created_at,
    updatedAt: row.updated_at,
  };
}

function emailTaken(): ConflictError {
  return new ConflictError('email_taken', 'Another user of this organisation has this email');
}

/** The user, or undefined when it does not exist in this organisation. */
export async function findUser(db: Db, orgId: string, id: string): Promise<User | undefined> {
  const row = await db
    .selectFrom('users')
    .selectAll()
    .where('org_id', '=', orgId)
    .where('id', '=', id)
    .executeTakeFirst();
  return row ? toUser(row) : undefined;
}

/** The user, or a 404 NotFoundError. */
export async function getUser(db: Db, orgId: string, id: string): Promise<User> {
  const user = await findUser(db, orgId, id);
  if (!user) throw new NotFoundError('User');
  return user;
}

async function assertEmailFree(db: Db, orgId: string, email: string, exceptId?: string) {
  let q = db
    .selectFrom('users')
    .select('id')
    .where('org_id', '=', orgId)
    .where('email', '=', email);
  if (exceptId) q = q.where('id', '!=', exceptId);
  if (await q.executeTakeFirst()) throw emailTaken();
}

export interface NewUser {
  firstName: string;
  lastName: string;
  email: string;
}

/**
 * Creates an active, unassigned user (email lower-cased, unique per organisation: 409
 * `email_taken`) and calls `hooks.afterUserCreated` in the same transaction, so a hook that
 * links the user to Entra either happens with the insert or not at all.
 */
export async function createUser(
  db: Db,
  orgId: string,
  input: NewUser,
  now: Date,
  hooks: DirectoryHooks = {},
): Promise<User> {
  const email = normaliseEmail(input.email);
  const id = newId();
  await withTransaction(db, async (trx) => {
    await assertEmailFree(trx, orgId, email);
    const at = now.toISOString();
    try {
      await trx
        .insertInto('users')
        .values({
          id,
          org_id: orgId,
          first_name: input.firstName.trim(),
          last_name: input.lastName.trim(),
          email,
          status: 'active',
          deactivated_at: null,
          deactivation_reason: null,
          purge_after: null,
          source_integration_id: null,
          source_external_id: null,
          assigned: 0,
          search_key: searchKey(input.firstName.trim(), input.lastName.trim(), email),
          created_at: at,
          updated_at: at,
        })
        .execute();
    } catch (err) {
      if (isUniqueViolation(err)) throw emailTaken();
      throw err;
    }
    await hooks.afterUserCreated?.(trx, { id, orgId, email });
  });
  return getUser(db, orgId, id);
}

export interface UserPatch {
  firstName?: string | undefined;
  lastName?: string | undefined;
  email?: string | undefined;
}

/** Changes names and/or email (same uniqueness rule as create). */
export async function updateUser(
  db: Db,
  orgId: string,
  id: string,
  patch: UserPatch,
  now: Date,
): Promise<User> {
  return withTransaction(db, async (trx) => {
    const before = await getUser(trx, orgId, id);
    const changes: Updateable<UsersTable> = {};
    if (patch.firstName !== undefined) changes.first_name = patch.firstName.trim();
    if (patch.lastName !== undefined) changes.last_name = patch.lastName.trim();
    if (patch.email !== undefined) {
      changes.email = normaliseEmail(patch.email);
      await assertEmailFree(trx, orgId, changes.email, id);
    }
    if (Object.keys(changes).length > 0) {
      changes.updated_at = now.toISOString();
      changes.search_key = searchKey(
        changes.first_name ?? before.firstName,
        changes.last_name ?? before.lastName,
        changes.email ?? before.email,
      );
      try {
        await trx
          .updateTable('users')
          .set(changes)
          .where('org_id', '=', orgId)
          .where('id', '=', id)
          .execute();
      } catch (err) {
        if (isUniqueViolation(err)) throw emailTaken();
        throw err;
      }
    }
    return getUser(trx, orgId, id);
  });
}

/**
 * Deactivates a user by an administrator: kept (with memberships) until
 * deactivatedAt + retention, then purged. Deactivating an already deactivated user keeps its
 * dates but records the administrator as the reason, so a sync will not reactivate it.
 */
export async function deactivateUser(
  db: Db,
  orgId: string,
  id: string,
  options: { now: Date; retentionDays: number },
): Promise<User> {
  const user = await getUser(db, orgId, id);
  const at = options.now.toISOString();
  if (user.status === 'deactivated') {
    if (user.deactivationReason !== 'admin') {
      await db
        .updateTable('users')
        .set({ deactivation_reason: 'admin', updated_at: at })
        .where('id', '=', id)
        .execute();
    }
  } else {
    await db
      .updateTable('users')
      .set({
        status: 'deactivated',
        deactivated_at: at,
        deactivation_reason: 'admin',
        purge_after: purgeDateFor(options.now, options.retentionDays).toISOString(),
        updated_at: at,
      })
      .where('org_id', '=', orgId)
      .where('id', '=', id)
      .execute();
  }
  return getUser(db, orgId, id);
}

/** Reactivates a user: clears the deactivation fields; its memberships were kept. */
export async function reactivateUser(db: Db, orgId: string, id: string, now: Date): Promise<User> {
  const user = await getUser(db, orgId, id);
  if (user.status !== 'active') {
    await db
      .updateTable('users')
      .set({
        status: 'active',
        deactivated_at: null,
        deactivation_reason: null,
        purge_after: null,
        updated_at: now.toISOString(),
      })
      .where('org_id', '=', orgId)
      .where('id', '=', id)
      .execute();
  }
  return getUser(db, orgId, id);
}

/** Recomputes the search key of these users from their stored names and email. */
export async function refreshSearchKeys(db: Db, userIds: readonly string[]): Promise<void> {
  for (let i = 0; i < userIds.length; i += 500) {
    const rows = await db
      .selectFrom('users')
      .select(['id', 'first_name', 'last_name', 'email'])
      .where('id', 'in', userIds.slice(i, i + 500))
      .execute();
    for (const r of rows) {
      await db
        .updateTable('users')
        .set({ search_key: searchKey(r.first_name, r.last_name, r.email) })
        .where('id', '=', r.id)
        .execute();
    }
  }
}
