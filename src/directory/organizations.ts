import { newId } from '../db/ids.ts';
import type { Db, OrganizationsTable } from '../db/schema.ts';
import type { Organization } from './types.ts';

function toOrganization(row: OrganizationsTable): Organization {
  return { id: row.id, name: row.name, createdAt: row.created_at };
}

/** The organisation with this id, or undefined. */
export async function getOrganization(db: Db, id: string): Promise<Organization | undefined> {
  const row = await db
    .selectFrom('organizations')
    .selectAll()
    .where('id', '=', id)
    .executeTakeFirst();
  return row ? toOrganization(row) : undefined;
}

/** The organisation with exactly this name, or undefined. */
export async function findOrganizationByName(
  db: Db,
  name: string,
): Promise<Organization | undefined> {
  const row = await db
    .selectFrom('organizations')
    .selectAll()
    .where('name', '=', name)
    .executeTakeFirst();
  return row ? toOrganization(row) : undefined;
}

/** Creates an organisation (names are unique across the service). */
export async function createOrganization(db: Db, name: string, now: Date): Promise<Organization> {
  const row: OrganizationsTable = { id: newId(), name, created_at: now.toISOString() };
  await db.insertInto('organizations').values(row).execute();
  return toOrganization(row);
}

/** Returns the organisation with this name, creating it when missing. */
export async function ensureOrganization(
  db: Db,
  name: string,
  now: Date,
): Promise<{ organization: Organization; created: boolean }> {
  const existing = await findOrganizationByName(db, name);
  if (existing) return { organization: existing, created: false };
  return { organization: await createOrganization(db, name, now), created: true };
}

/**
 * Locks the organisation's row until the transaction ends (a no-op update takes a row lock
 * on PostgreSQL; SQLite serialises writers anyway). Used where a check and a change must not
 * interleave with another request's, e.g. never removing the last administrator.
 */
export async function lockOrganization(db: Db, id: string): Promise<void> {
  await db
    .updateTable('organizations')
    .set((eb) => ({ name: eb.ref('name') }))
    .where('id', '=', id)
    .execute();
}
