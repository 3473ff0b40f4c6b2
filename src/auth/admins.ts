import { newId } from '../db/ids.ts';
import type { Db } from '../db/schema.ts';
import { randomBytes } from 'node:crypto';
import { ConflictError, NotFoundError, ValidationError } from '../errors.ts';
import { normaliseEmail } from '../directory/email.ts';
import { ensureOrganization, lockOrganization } from '../directory/organizations.ts';
import { isUniqueViolation } from '../directory/db-errors.ts';
import { withTransaction } from '../directory/transaction.ts';
import type { Organization } from '../directory/types.ts';
import { hashPassword, verifyPassword, type ScryptParams } from './password.ts';
import { endOtherSessions } from './sessions.ts';

export interface Admin {
  id: string;
  orgId: string;
  email: string;
}

export interface CreateAdminInput {
  /** Organisation name; created when missing. */
  org: string;
  email: string;
  password: string;
}

export interface CreateAdminResult {
  organization: Organization;
  organizationCreated: boolean;
  admin: Admin;
}

/**
 * Creates a platform administrator, and the organisation when it does not exist yet.
 * Login emails are unique across the service (409 `admin_exists`). The password is only
 * hashed, never stored or returned.
 */
export async function createAdmin(
  db: Db,
  input: CreateAdminInput,
  options: { now?: Date; scrypt?: ScryptParams } = {},
): Promise<CreateAdminResult> {
  const now = options.now ?? new Date();
  const email = normaliseEmail(input.email);
  const org = input.org.trim();
  const issues = [
    ...(org === '' ? [{ field: 'org', message: 'must not be empty' }] : []),
    ...(!/^[^\s@]+@[^\s@]+$/.test(email)
      ? [{ field: 'email', message: 'not an email address' }]
      : []),
    ...(input.password.length < 8 ? [{ field: 'password', message: 'at least 8 characters' }] : []),
  ];
  if (issues.length > 0) throw new ValidationError('Cannot create the administrator', issues);
  // Hash before the transaction: it takes tens of milliseconds and needs no lock.
  const passwordHash = await hashPassword(input.password, options.scrypt);
  return withTransaction(db, async (trx) => {
    const existing = await trx
      .selectFrom('admins')
      .select('id')
      .where('email', '=', email)
      .executeTakeFirst();
    if (existing)
      throw new ConflictError('admin_exists', `An administrator ${email} already exists`);
    const { organization, created } = await ensureOrganization(trx, org, now);
    const admin: Admin = { id: newId(), orgId: organization.id, email };
    try {
      await trx
        .insertInto('admins')
        .values({
          id: admin.id,
          org_id: organization.id,
          email,
          password_hash: passwordHash,
          created_at: now.toISOString(),
        })
        .execute();
    } catch (err) {
      if (isUniqueViolation(err)) {
        throw new ConflictError('admin_exists', `An administrator ${email} already exists`);
      }
      throw err;
    }
    return { organization, organizationCreated: created, admin };
  });
}

/** The administrator with this login email and its password hash, or undefined. */
export async function findAdminByEmail(
  db: Db,
  email: string,
): Promise<(Admin & { passwordHash: string }) | undefined> {
  const row = await db
    .selectFrom('admins')
    .select(['id', 'org_id', 'email', 'password_hash'])
    .where('email', '=', normaliseEmail(email))
    .executeTakeFirst();
  return row
    ? { id: row.id, orgId: row.org_id, email: row.email, passwordHash: row.password_hash }
    : undefined;
}

/** Shortest password an administrator may choose. */
export const MIN_PASSWORD_LENGTH = 8;

export interface AdminListing extends Admin {
  createdAt: string;
}

/** The organisation's administrators, oldest first. */
export async function listAdmins(db: Db, orgId: string): Promise<AdminListing[]> {
  const rows = await db
    .selectFrom('admins')
    .select(['id', 'org_id', 'email', 'created_at'])
    .where('org_id', '=', orgId)
    .orderBy('created_at')
    .orderBy('id')
    .execute();
  return rows.map((r) => ({ id: r.id, orgId: r.org_id, email: r.email, createdAt: r.created_at }));
}

/**
 * Adds an administrator to an existing organisation with a generated one-time password,
 * returned once for the operator to hand over (the new administrator then changes it).
 */
export async function addAdmin(
  db: Db,
  orgId: string,
  email: string,
  options: { now: Date; scrypt?: ScryptParams },
): Promise<{ admin: AdminListing; password: string }> {
  const password = randomBytes(18).toString('base64url');
  const passwordHash = await hashPassword(password, options.scrypt);
  const admin: AdminListing = {
    id: newId(),
    orgId,
    email: normaliseEmail(email),
    createdAt: options.now.toISOString(),
  };
  try {
    await db
      .insertInto('admins')
      .values({
        id: admin.id,
        org_id: orgId,
        email: admin.email,
        password_hash: passwordHash,
        created_at: admin.createdAt,
      })
      .execute();
  } catch (err) {
    if (isUniqueViolation(err)) {
      throw new ConflictError('admin_exists', `An administrator ${admin.email} already exists`);
    }
    throw err;
  }
  return { admin, password };
}

/**
 * Removes an administrator of this organisation (its sessions go with it). The last one is
 * never removed (409 `last_admin`): nobody could sign in to the organisation any more.
 */
export async function removeAdmin(db: Db, orgId: string, id: string): Promise<void> {
  await withTransaction(db, async (trx) => {
    // Two administrators removing each other at once must not both succeed.
    await lockOrganization(trx, orgId);
    const admins = await trx
      .selectFrom('admins')
      .select('id')
      .where('org_id', '=', orgId)
      .execute();
    if (!admins.some((a) => a.id === id)) throw new NotFoundError('Administrator');
    if (admins.length <= 1) {
      throw new ConflictError(
        'last_admin',
        'The last administrator of an organisation cannot be removed: add another one first',
      );
    }
    await endOtherSessions(trx, id, undefined);
    await trx.deleteFrom('admins').where('id', '=', id).execute();
  });
}

/**
 * Changes an administrator's own password after checking the current one,
 * and ends every other session of that administrator: a stolen session dies with the old
 * password. A wrong current password answers 400 naming `currentPassword`. The session `keepToken` (the caller's) stays signed in.
 */
export async function changePassword(
  db: Db,
  adminId: string,
  input: { currentPassword: string; newPassword: string; keepToken: string | undefined },
  options: { scrypt?: ScryptParams } = {},
): Promise<{ endedSessions: number }> {
  if (input.newPassword.length < MIN_PASSWORD_LENGTH) {
    throw new ValidationError('Cannot change the password', [
      { field: 'newPassword', message: `at least ${MIN_PASSWORD_LENGTH} characters` },
    ]);
  }
  const row = await db
    .selectFrom('admins')
    .select('password_hash')
    .where('id', '=', adminId)
    .executeTakeFirst();
  if (!row || !(await verifyPassword(input.currentPassword, row.password_hash))) {
    // 400 naming the field, not 401: a typo must not look like an expired session.
    throw new ValidationError('The current password is wrong', [
      { field: 'currentPassword', message: 'wrong password' },
    ]);
  }
  const passwordHash = await hashPassword(input.newPassword, options.scrypt);
  return withTransaction(db, async (trx) => {
    await trx
      .updateTable('admins')
      .set({ password_hash: passwordHash })
      .where('id', '=', adminId)
      .execute();
    return { endedSessions: await endOtherSessions(trx, adminId, input.keepToken) };
  });
}
